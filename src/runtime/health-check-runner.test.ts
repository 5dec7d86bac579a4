import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { normalizeHealthCheck } from "./health-check.js";
import { HealthCheckRunner, type ProbeRunner } from "./health-check-runner.js";
import { ManualTimers } from "./timers.js";
import type { HealthStatus } from "./types.js";

function setup(exitCodes: (number | "hang")[], def = { interval: 5, timeout: 2, retries: 2, startPeriod: 0 }) {
  const timers = new ManualTimers(1_000_000);
  const probedAt: number[] = [];
  const changes: [HealthStatus, number][] = [];
  const run: ProbeRunner = (_probe, signal) => {
    probedAt.push(timers.now());
    const code = exitCodes.shift() ?? 0;
    if (code === "hang") {
      return new Promise((resolve) => signal.addEventListener("abort", () => resolve({ exitCode: 137, output: "" })));
    }
    return Promise.resolve({ exitCode: code, output: `exit ${code}` });
  };
  const runner = new HealthCheckRunner({
    config: normalizeHealthCheck({ command: ["CMD-SHELL", "check"], ...def }),
    containerStartedAt: timers.now(),
    timers,
    run,
    onStatusChange: (h, at) => changes.push([h.status, at]),
  });
  return { timers, runner, probedAt, changes };
}

describe("HealthCheckRunner", () => {
  it("probes first one interval after start, then every interval", async () => {
    const { timers, runner, probedAt, changes } = setup([0, 0, 0]);
    runner.start();
    await timers.advanceAsync(15_000, 1000);
    assert.deepEqual(probedAt, [1_005_000, 1_010_000, 1_015_000]);
    assert.deepEqual(changes, [["HEALTHY", 1_005_000]]);
    runner.dispose();
  });

  it("turns UNHEALTHY after `retries` consecutive failures and reports each change once", async () => {
    const { timers, runner, changes } = setup([0, 1, 1, 1, 0]);
    runner.start();
    await timers.advanceAsync(25_000, 1000);
    assert.deepEqual(changes.map(([s]) => s), ["HEALTHY", "UNHEALTHY", "HEALTHY"]);
    assert.equal(runner.health.status, "HEALTHY");
    runner.dispose();
  });

  it("a probe that outlives its timeout is aborted and counts as a failure", async () => {
    const { timers, runner } = setup(["hang", "hang"]);
    runner.start();
    await timers.advanceAsync(5_000 + 2_000 + 5_000 + 2_000, 500);
    assert.equal(runner.health.status, "UNHEALTHY");
    assert.equal(runner.health.output, "Health check exceeded timeout (2s)");
    runner.dispose();
  });

  it("ignores failures during the start period", async () => {
    const { timers, runner } = setup([1, 1, 1, 1], { interval: 5, timeout: 2, retries: 1, startPeriod: 12 });
    runner.start();
    await timers.advanceAsync(10_000, 1000);
    assert.equal(runner.health.status, "UNKNOWN");
    await timers.advanceAsync(5_000, 1000);
    assert.equal(runner.health.status, "UNHEALTHY");
    runner.dispose();
  });

  it("dispose stops probing", async () => {
    const { timers, runner, probedAt } = setup([0, 0]);
    runner.start();
    runner.dispose();
    await timers.advanceAsync(20_000, 5000);
    assert.deepEqual(probedAt, []);
    assert.equal(timers.pendingCount, 0);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runDriverConformance } from "./driver-conformance.js";
import { ContainerError } from "./errors.js";
import { SIMULATE } from "./simulate-schedule.js";
import { SimulatedDriver } from "./simulated-driver.js";
import { SimulatedHost } from "./simulated-host.js";
import { ManualTimers, systemTimers } from "./timers.js";
import type { ContainerSpec, RuntimeEvent } from "./types.js";

// One host per state dir: a new driver on the same dir is the same machine after an agent restart.
const hosts = new Map<string, SimulatedHost>();
runDriverConformance({
  name: "simulated driver",
  image: "simulated/image:1",
  runsCommands: false,
  createDriver: async (stateDir) => {
    let host = hosts.get(stateDir);
    if (!host) hosts.set(stateDir, (host = new SimulatedHost(systemTimers)));
    return new SimulatedDriver({ host });
  },
});

let n = 0;
function spec(labels: Record<string, string> = {}, over: Partial<ContainerSpec> = {}): ContainerSpec {
  n++;
  return { taskArn: `arn:aws:ecs:us-east-1:1:task/sim/${n}`, taskId: String(n), containerName: "app", image: "i", networkMode: "bridge", labels, ...over };
}

function setup() {
  const timers = new ManualTimers(1_700_000_000_000);
  const driver = new SimulatedDriver({ timers });
  const events: RuntimeEvent[] = [];
  driver.events((e) => events.push(e));
  return { timers, driver, events };
}

describe("simulated driver on a manual clock", () => {
  it("follows the label schedule: healthy, then OOM-killed", async () => {
    const { timers, driver, events } = setup();
    const id = await driver.createContainer(
      spec({ [SIMULATE.healthyAfterMs]: "5000", [SIMULATE.oomAfterMs]: "60000" }, { healthCheck: { command: ["CMD-SHELL", "true"] } }),
    );
    await driver.start(id);
    timers.advance(5000);
    assert.equal((await driver.inspect(id)).health.status, "HEALTHY");
    timers.advance(55_000);
    const exit = await driver.wait(id);
    assert.deepEqual(exit, { exitCode: 137, reason: "OutOfMemoryError: Container killed due to memory usage", finishedAt: 1_700_000_060_000 });
    assert.deepEqual(events.map((e) => e.kind), ["started", "health", "exited"]);
  });

  it("a health check without labels turns HEALTHY after one interval; none stays UNKNOWN", async () => {
    const { timers, driver } = setup();
    const checked = await driver.createContainer(spec({}, { healthCheck: { command: ["CMD", "true"], interval: 10 } }));
    const unchecked = await driver.createContainer(spec({ [SIMULATE.healthyAfterMs]: "1" }));
    await driver.start(checked);
    await driver.start(unchecked);
    timers.advance(10_000);
    assert.equal((await driver.inspect(checked)).health.status, "HEALTHY");
    assert.equal((await driver.inspect(unchecked)).health.status, "UNKNOWN");
  });

  it("stop honours SIGTERM after stop-delay-ms, or kills at the timeout", async () => {
    const { timers, driver } = setup();
    const slow = await driver.createContainer(spec({ [SIMULATE.stopDelayMs]: "3000" }));
    const stubborn = await driver.createContainer(spec({ [SIMULATE.ignoreSigterm]: "true" }));
    await driver.start(slow);
    await driver.start(stubborn);
    const stops = [driver.stop(slow, { timeoutSeconds: 10 }), driver.stop(stubborn, { timeoutSeconds: 10 })];
    timers.advance(3000);
    assert.equal((await driver.inspect(slow)).exit?.exitCode, 143);
    assert.equal((await driver.inspect(stubborn)).status, "RUNNING");
    timers.advance(7000);
    await Promise.all(stops);
    assert.equal((await driver.inspect(stubborn)).exit?.exitCode, 137);
  });

  it("fail-pull and fail-start labels fail like Docker would", async () => {
    const { driver } = setup();
    await assert.rejects(driver.createContainer(spec({ [SIMULATE.failPull]: "pull access denied for nope" })), (e: unknown) => e instanceof ContainerError && e.reason === "CannotPullContainerError: pull access denied for nope");
    const id = await driver.createContainer(spec({ [SIMULATE.failStart]: "boom" }));
    await assert.rejects(driver.start(id), /CannotStartContainerError: boom/);
    await assert.rejects(driver.createContainer(spec({ [SIMULATE.exitAfterMs]: "soon" })), /label berth.simulate.exit-after-ms is "soon"; expected a number of at least 0/);
  });

  it("bridge mappings without a host port get dynamic ports; log lines appear at start", async () => {
    const { driver } = setup();
    const id = await driver.createContainer(spec({ [SIMULATE.log]: "hello\nworld" }, { portMappings: [{ containerPort: 80 }] }));
    await driver.start(id);
    assert.deepEqual((await driver.inspect(id)).networkBindings, [{ bindIP: "0.0.0.0", containerPort: 80, hostPort: 49153, protocol: "tcp" }]);
    const lines: string[] = [];
    for await (const l of driver.logs(id)) lines.push(l.line);
    assert.deepEqual(lines, ["hello", "world"]);
  });

  it("runs 5,000 containers through an hour of simulated time quickly", async () => {
    const { timers, driver } = setup();
    const t0 = performance.now();
    const ids: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const id = await driver.createContainer(
        spec({ [SIMULATE.exitAfterMs]: String(60_000 + (i % 3_000_000)), [SIMULATE.healthyAfterMs]: String(1000 + i) }, { healthCheck: { command: ["CMD", "true"] } }),
      );
      await driver.start(id);
      ids.push(id);
    }
    timers.advance(3_600_000);
    const states = await driver.list();
    const ms = performance.now() - t0;
    assert.equal(states.filter((s) => s.status === "EXITED").length, 5000);
    assert.ok(ms < 5000, `took ${ms.toFixed(0)} ms`);
  });
});

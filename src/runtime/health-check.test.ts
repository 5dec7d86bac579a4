import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  applyProbeResult,
  initialHealth,
  normalizeHealthCheck,
  parseHealthCommand,
  validateHealthCheck,
} from "./health-check.js";
import type { ContainerHealth } from "./types.js";

const ok = (startedAt: number) => ({ exitCode: 0, output: "ok", startedAt });
const fail = (startedAt: number) => ({ exitCode: 1, output: "bad", startedAt });
const timeout = (startedAt: number) => ({ exitCode: null, output: "Health check exceeded timeout (5s)", startedAt });

describe("parseHealthCommand", () => {
  it("CMD runs the rest as argv", () => {
    assert.deepEqual(parseHealthCommand(["CMD", "curl", "-f", "http://x/"]), { kind: "exec", argv: ["curl", "-f", "http://x/"] });
  });
  it("CMD-SHELL runs one shell string", () => {
    assert.deepEqual(parseHealthCommand(["CMD-SHELL", "curl -f http://x/ || exit 1"]), {
      kind: "shell",
      script: "curl -f http://x/ || exit 1",
    });
  });
  it("rejects other first elements, naming the value and what is allowed", () => {
    assert.throws(() => parseHealthCommand(["curl", "x"]), /healthCheck.command\[0\] is "curl"; allowed: "CMD" or "CMD-SHELL"/);
    assert.throws(() => parseHealthCommand([]), /is null/);
    assert.throws(() => parseHealthCommand(["CMD"]), /names no executable/);
    assert.throws(() => parseHealthCommand(["CMD-SHELL", " "]), /has no command/);
  });
});

describe("normalizeHealthCheck", () => {
  it("applies ECS's defaults: interval 30 s, timeout 5 s, retries 3, no start period", () => {
    const c = normalizeHealthCheck({ command: ["CMD-SHELL", "true"] });
    assert.deepEqual(
      { i: c.intervalMs, t: c.timeoutMs, r: c.retries, s: c.startPeriodMs },
      { i: 30_000, t: 5_000, r: 3, s: 0 },
    );
  });
  it("keeps given values, also below ECS's minimums (tests use 1 s)", () => {
    const c = normalizeHealthCheck({ command: ["CMD", "true"], interval: 1, timeout: 2, retries: 1, startPeriod: 10 });
    assert.deepEqual({ i: c.intervalMs, t: c.timeoutMs, r: c.retries, s: c.startPeriodMs }, { i: 1000, t: 2000, r: 1, s: 10_000 });
  });
});

describe("validateHealthCheck", () => {
  it("accepts ECS's bounds", () => {
    assert.deepEqual(validateHealthCheck({ command: ["CMD", "x"], interval: 5, timeout: 60, retries: 10, startPeriod: 300 }), []);
  });
  it("names each value out of range and the allowed range", () => {
    assert.deepEqual(validateHealthCheck({ command: ["CMD", "x"], interval: 4, timeout: 61, retries: 0, startPeriod: 301 }), [
      "healthCheck.interval is 4; allowed: an integer from 5 to 300",
      "healthCheck.timeout is 61; allowed: an integer from 2 to 60",
      "healthCheck.retries is 0; allowed: an integer from 1 to 10",
      "healthCheck.startPeriod is 301; allowed: an integer from 0 to 300",
    ]);
  });
});

describe("applyProbeResult", () => {
  const config = { retries: 3, startPeriodMs: 0 };

  it("a success makes the container HEALTHY at once", () => {
    assert.equal(applyProbeResult(initialHealth(), ok(30_000), config, 0).status, "HEALTHY");
  });

  it("retries consecutive failures make it UNHEALTHY; fewer keep the status", () => {
    let h: ContainerHealth = { status: "HEALTHY", failingStreak: 0 };
    h = applyProbeResult(h, fail(1), config, 0);
    h = applyProbeResult(h, timeout(2), config, 0);
    assert.deepEqual([h.status, h.failingStreak], ["HEALTHY", 2]);
    h = applyProbeResult(h, fail(3), config, 0);
    assert.deepEqual([h.status, h.failingStreak], ["UNHEALTHY", 3]);
  });

  it("a success resets the streak and recovers an UNHEALTHY container", () => {
    const h = applyProbeResult({ status: "UNHEALTHY", failingStreak: 5 }, ok(1), config, 0);
    assert.deepEqual([h.status, h.failingStreak], ["HEALTHY", 0]);
  });

  it("failures whose probe started inside the start period don't count", () => {
    const c = { retries: 1, startPeriodMs: 60_000 };
    let h = applyProbeResult(initialHealth(), fail(59_999), c, 0);
    assert.deepEqual([h.status, h.failingStreak], ["UNKNOWN", 0]);
    h = applyProbeResult(h, fail(60_000), c, 0);
    assert.equal(h.status, "UNHEALTHY");
  });

  it("the start period stops mattering once the container was healthy", () => {
    const c = { retries: 1, startPeriodMs: 60_000 };
    const h = applyProbeResult({ status: "HEALTHY", failingStreak: 0 }, fail(10_000), c, 0);
    assert.equal(h.status, "UNHEALTHY");
  });

  it("keeps at most 4096 characters of output", () => {
    const h = applyProbeResult(initialHealth(), { exitCode: 1, output: "x".repeat(5000), startedAt: 0 }, config, 0);
    assert.equal(h.output?.length, 4096);
  });

  it("property: after any sequence, UNHEALTHY iff the trailing failures reach retries, else HEALTHY iff any success", () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 30 }), fc.integer({ min: 1, max: 10 }), (results, retries) => {
        let h = initialHealth();
        results.forEach((success, i) => {
          h = applyProbeResult(h, success ? ok(i) : fail(i), { retries, startPeriodMs: 0 }, 0);
        });
        const lastSuccess = results.lastIndexOf(true);
        const trailing = results.length - 1 - lastSuccess;
        const expected = trailing >= retries ? "UNHEALTHY" : lastSuccess >= 0 ? "HEALTHY" : "UNKNOWN";
        assert.equal(h.status, expected);
        assert.equal(h.failingStreak, trailing);
      }),
    );
  });
});

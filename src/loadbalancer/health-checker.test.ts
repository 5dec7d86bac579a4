import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ManualClock } from "../model/index.js";
import type { CheckResult } from "./health.js";
import { HealthChecker } from "./health-checker.js";
import { aGroup, aTarget } from "./test-builders.js";

describe("HealthChecker", () => {
  const a = aTarget("10.0.0.1");
  const b = aTarget("10.0.0.2");

  it("applies each round's results and reports ELB's view", async () => {
    const answers: Record<string, CheckResult> = { "10.0.0.1": { kind: "pass" }, "10.0.0.2": { kind: "code", code: 503 } };
    let changes = 0;
    const c = new HealthChecker(aGroup("tg", [a, b]), new ManualClock(), () => changes++, async (_cfg, t) => answers[t.Id]!);
    c.update(aGroup("tg", [a, b]), true);
    await c.round();
    await c.round();
    assert.deepEqual(
      c.describe().map((d) => [d.Target.Id, d.HealthCheckPort, d.TargetHealth.State, d.TargetHealth.Reason]),
      [
        ["10.0.0.1", "80", "healthy", undefined],
        ["10.0.0.2", "80", "unhealthy", "Target.ResponseCodeMismatch"],
      ],
    );
    // The first checks going out (initial: Elb.InitialHealthChecking), a healthy, b unhealthy.
    assert.equal(changes, 3);
  });

  it("keeps a deregistered target draining until it is idle or the delay ends", () => {
    const clock = new ManualClock();
    const c = new HealthChecker(aGroup("tg", [a]), clock, () => {}, async () => ({ kind: "pass" }));
    c.update(aGroup("tg", [a, b], { DeregistrationDelaySeconds: 30 }), true);
    c.update(aGroup("tg", [b], { DeregistrationDelaySeconds: 30 }), true);
    assert.equal(c.states().get("10.0.0.1:80"), "draining");
    assert.deepEqual(c.sweep(() => 2), []);
    clock.advance(29_000);
    assert.deepEqual(c.sweep(() => 2), []);
    clock.advance(1_000);
    assert.deepEqual(c.sweep(() => 2), ["10.0.0.1:80"]);
    assert.equal(c.states().has("10.0.0.1:80"), false);
  });

  it("marks every target unused when no listener forwards to the group, and runs no check", async () => {
    let probes = 0;
    const c = new HealthChecker(aGroup("tg", [a]), new ManualClock(), () => {}, async () => (probes++, { kind: "pass" }));
    c.update(aGroup("tg", [a]), false);
    await c.round();
    assert.deepEqual(c.describe()[0]!.TargetHealth, { State: "unused", Reason: "Target.NotInUse", Description: "Target group is not configured to receive traffic from the load balancer" });
    assert.equal(probes, 0);
  });
  it("checks a target registered while it runs at once, not at the next round", async () => {
    const probed: string[] = [];
    const c = new HealthChecker(aGroup("tg", [a], { HealthCheck: { ...aGroup("tg", []).HealthCheck, HealthCheckIntervalSeconds: 300 } }), new ManualClock(), () => {}, async (_cfg, t) => (probed.push(t.Id), { kind: "pass" }));
    c.update(aGroup("tg", [a]), true);
    c.start();
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(probed, ["10.0.0.1"], "the first round at start");
    c.update(aGroup("tg", [a, b]), true);
    await new Promise((r) => setTimeout(r, 20));
    c.stop();
    assert.deepEqual(probed, ["10.0.0.1", "10.0.0.2"], "b checked at once, a left to its rhythm");
    assert.equal(c.states().get("10.0.0.2:80"), "healthy");
  });
});

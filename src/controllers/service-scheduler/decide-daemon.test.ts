import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decide } from "./decide.js";
import { Simulation } from "./simulate.js";
import { NOW, aDeployment, aService, aTask, anInstance, instanceArn, observe } from "./test-builders.js";
import type { Decision, ServiceAction } from "./types.js";

type Of<K extends ServiceAction["kind"]> = Extract<ServiceAction, { kind: K }>;
const all = <K extends ServiceAction["kind"]>(d: Decision, kind: K): Of<K>[] =>
  d.actions.filter((a): a is Of<K> => a.kind === kind);
const launchedOn = (d: Decision) => all(d, "launch").map((a) => a.instanceArn!.slice(a.instanceArn!.lastIndexOf("/") + 1)).sort();
const stopped = (d: Decision) => all(d, "stop").map((a) => a.taskArn.slice(a.taskArn.lastIndexOf("/") + 1)).sort();

const P = "ecs-svc/2000000000000000002";
const OLD = "ecs-svc/1000000000000000001";
const daemon = (o: Parameters<typeof aService>[0] = {}) => aService({ strategy: "DAEMON", ...o });
const primary = aDeployment({ id: P, rolloutState: "COMPLETED", hadHealthyTask: true });

describe("decideDaemon", () => {
  it("starts one task on every ACTIVE instance that meets the constraints", () => {
    const d = decide(
      observe(daemon(), [primary], [], [anInstance("i1"), anInstance("i2"), anInstance("i3", { satisfiesConstraints: false }), anInstance("i4", { status: "DRAINING" })]),
      NOW,
    );
    assert.deepEqual(launchedOn(d), ["i1", "i2"]);
    assert.ok(all(d, "launch").every((a) => a.count === 1 && a.deploymentId === P && a.cause === "daemon"));
    assert.deepEqual([d.bounds.desired, d.inputs.eligibleInstances], [2, 2]);
  });

  it("follows a new instance joining", () => {
    const tasks = [aTask({ id: "t1", deployment: P, instance: "i1" })];
    const d = decide(observe(daemon(), [primary], tasks, [anInstance("i1"), anInstance("i2")]), NOW);
    assert.deepEqual(launchedOn(d), ["i2"]);
    assert.deepEqual(stopped(d), []);
  });

  it("stops the task of an instance that no longer meets the constraints, or has left", () => {
    const tasks = [
      aTask({ id: "t1", deployment: P, instance: "i1" }),
      aTask({ id: "t2", deployment: P, instance: "i2" }),
      aTask({ id: "t3", deployment: P, instance: "gone", instanceStatus: "INACTIVE" }),
    ];
    const d = decide(observe(daemon(), [primary], tasks, [anInstance("i1"), anInstance("i2", { satisfiesConstraints: false })]), NOW);
    assert.deepEqual(stopped(d), ["t2", "t3"]);
    assert.deepEqual(launchedOn(d), []);
  });

  it("stops a daemon on a draining instance only after the instance's other tasks", () => {
    const tasks = [aTask({ id: "t1", deployment: P, instance: "i1", instanceStatus: "DRAINING" })];
    const busy = decide(observe(daemon(), [primary], tasks, [anInstance("i1", { status: "DRAINING", otherTaskCount: 2 })]), NOW);
    assert.deepEqual(stopped(busy), []);
    assert.match(busy.waits.join("\n"), /wait for the instances' other tasks/);
    const empty = decide(observe(daemon(), [primary], tasks, [anInstance("i1", { status: "DRAINING", otherTaskCount: 0 })]), NOW);
    assert.deepEqual(all(empty, "stop").map((s) => [s.cause, s.reason]), [["draining", `Scaling activity initiated by (deployment ${P})`]]);
  });

  it("stops a pending daemon on a draining instance at once", () => {
    const tasks = [aTask({ id: "t1", deployment: P, state: "pending", instance: "i1", instanceStatus: "DRAINING" })];
    const d = decide(observe(daemon(), [primary], tasks, [anInstance("i1", { status: "DRAINING", otherTaskCount: 3 })]), NOW);
    assert.deepEqual(stopped(d), ["t1"]);
  });

  it("keeps one task per instance", () => {
    const tasks = [aTask({ id: "t1", deployment: P, instance: "i1", startedAgo: 500 }), aTask({ id: "t2", deployment: P, instance: "i1", state: "pending" })];
    const d = decide(observe(daemon(), [primary], tasks, [anInstance("i1")]), NOW);
    assert.deepEqual(stopped(d), ["t2"]);
    assert.deepEqual(launchedOn(d), []);
  });

  it("gives a disconnected instance no task, and says why", () => {
    const d = decide(observe(daemon(), [primary], [], [anInstance("i1", { agentConnected: false })]), NOW);
    assert.deepEqual(launchedOn(d), []);
    assert.match(d.waits.join("\n"), /without a connected agent/);
  });

  describe("rolling update (max 100: stop the old daemon, then start the new one in its slot)", () => {
    const deployments = [aDeployment({ id: OLD, status: "ACTIVE", rolloutState: "COMPLETED", age: 60 }), aDeployment({ id: P, td: 2 })];
    const instances = ["i1", "i2", "i3", "i4"].map((id) => anInstance(id));
    const oldTasks = instances.map((_, n) => aTask({ id: `o${n + 1}`, deployment: OLD, instance: `i${n + 1}` }));

    it("min 0 stops every old daemon at once and launches nothing until they are gone", () => {
      const d = decide(observe(daemon({ min: 0 }), deployments, oldTasks, instances), NOW);
      assert.deepEqual(stopped(d), ["o1", "o2", "o3", "o4"]);
      assert.deepEqual(launchedOn(d), []);
      assert.ok(all(d, "stop").every((s) => s.cause === "deployment"));
    });

    it("min 50 stops two old daemons, and starts new ones where the old have left", () => {
      const d = decide(observe(daemon({ min: 50 }), deployments, oldTasks, instances), NOW);
      assert.equal(stopped(d).length, 2);
      const after = oldTasks.map((t, n) =>
        n < 2 ? { ...t, lastStatus: "STOPPED" as const, desiredStatus: "STOPPED" as const, stoppedAt: NOW, stopCode: "ServiceSchedulerInitiated" } : t,
      );
      const next = decide(observe(daemon({ min: 50 }), deployments, after, instances), NOW);
      assert.deepEqual(launchedOn(next), ["i1", "i2"]);
      assert.deepEqual(stopped(next), []);
    });

    for (const min of [0, 50]) {
      it(`min ${min} completes across 4 instances`, () => {
        const sim = new Simulation({ strategy: "DAEMON", instances: 4, deployment: { minimumHealthyPercent: min, maximumPercent: 100 } });
        sim.update();
        assert.ok(sim.settle(), "converged");
        assert.equal(sim.tasks.filter((t) => t.lastStatus !== "STOPPED").length, 4);
        assert.equal(sim.events[0]!.message, "(service web) has reached a steady state.");
      });
    }

    it("min 100 is stuck, and says so", () => {
      const d = decide(observe(daemon({ min: 100 }), deployments, oldTasks, instances), NOW);
      assert.deepEqual(d.actions.filter((a) => a.kind === "stop" || a.kind === "launch"), []);
      assert.ok(all(d, "event").some((e) => e.message.includes("was unable to stop or start tasks during a deployment")));
    });
  });

  it("is steady with one healthy PRIMARY task per instance", () => {
    const tasks = [aTask({ id: "t1", deployment: P, instance: "i1" }), aTask({ id: "t2", deployment: P, instance: "i2" })];
    const d = decide(observe(daemon(), [primary], tasks, [anInstance("i1"), anInstance("i2")]), NOW);
    assert.ok(d.steady);
    assert.deepEqual(all(d, "event").map((e) => e.message), ["(service web) has reached a steady state."]);
  });

  it("follows instances joining and draining until steady", () => {
    const sim = new Simulation({ strategy: "DAEMON", instances: 2, deployment: { minimumHealthyPercent: 0, maximumPercent: 100 } });
    assert.ok(sim.settle());
    sim.addInstance();
    sim.addInstance();
    sim.instances[0]!.status = "DRAINING";
    assert.ok(sim.settle());
    const live = sim.tasks.filter((t) => t.lastStatus !== "STOPPED").map((t) => t.containerInstanceArn).sort();
    assert.deepEqual(live, [instanceArn("i2"), instanceArn("i3"), instanceArn("i4")]);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decide } from "./decide.js";
import { serviceEvents } from "./events.js";
import { Simulation } from "./simulate.js";
import {
  MINUTE,
  NOW,
  aDeployment,
  aService,
  aTask,
  actionsOf as all,
  eventMessages as messages,
  launchedCount as launched,
  observe,
  someTasks,
  stoppedIds as stopped,
  taskArn,
  tdArn,
} from "./test-builders.js";

const P = "ecs-svc/2000000000000000002";
const OLD = "ecs-svc/1000000000000000001";
const SCALING = `Scaling activity initiated by (deployment ${P})`;

describe("decide: scaling", () => {
  it("launches the whole desired count for a new service", () => {
    const d = decide(observe(aService({ desired: 3 }), [aDeployment({ id: P, desired: 3 })], []), NOW);
    assert.deepEqual(all(d, "launch"), [
      { kind: "launch", deploymentId: P, taskDefinitionArn: tdArn(1), count: 3, cause: "scale" },
    ]);
    assert.deepEqual(
      [d.bounds.desired, d.bounds.minimumHealthy, d.bounds.maximumTotal, d.bounds.launchHeadroom],
      [3, 3, 6, 6],
    );
    assert.equal(d.steady, false);
  });

  it("scales up a steady service by the difference", () => {
    const tasks = someTasks(2, "t", { deployment: P });
    const d = decide(observe(aService({ desired: 5 }), [aDeployment({ id: P, desired: 2, rolloutState: "COMPLETED" })], tasks), NOW);
    assert.equal(launched(d), 3);
    assert.deepEqual(all(d, "setDeploymentCounts").map((a) => a.desiredCount), [5]);
  });

  it("scales down by stopping surplus healthy tasks, youngest first, with ECS's reason", () => {
    const tasks = [1, 2, 3, 4, 5].map((i) => aTask({ id: `t${i}`, deployment: P, startedAgo: 100 * i }));
    const d = decide(observe(aService({ desired: 2 }), [aDeployment({ id: P, desired: 5, rolloutState: "COMPLETED" })], tasks), NOW);
    assert.deepEqual(stopped(d), ["t1", "t2", "t3"]);
    for (const s of all(d, "stop")) {
      assert.equal(s.reason, SCALING);
      assert.equal(s.stopCode, "ServiceSchedulerInitiated");
      assert.equal(s.cause, "scale-in");
    }
    assert.equal(launched(d), 0);
  });

  it("scales down pending and starting tasks before healthy ones", () => {
    const tasks = [
      ...someTasks(3, "h", { deployment: P }),
      aTask({ id: "p1", deployment: P, state: "pending" }),
      aTask({ id: "s1", deployment: P, state: "starting" }),
    ];
    const d = decide(observe(aService({ desired: 3 }), [aDeployment({ id: P, desired: 5 })], tasks), NOW);
    assert.deepEqual(stopped(d), ["p1", "s1"]);
  });

  it("keeps the zones balanced when scaling in", () => {
    const tasks = [
      aTask({ id: "a1", deployment: P, az: "a", startedAgo: 300 }),
      aTask({ id: "a2", deployment: P, az: "a", startedAgo: 200 }),
      aTask({ id: "a3", deployment: P, az: "a", startedAgo: 100 }),
      aTask({ id: "b1", deployment: P, az: "b", startedAgo: 50 }),
    ];
    const d = decide(observe(aService({ desired: 2 }), [aDeployment({ id: P, desired: 4 })], tasks), NOW);
    assert.deepEqual(stopped(d), ["a2", "a3"]);
  });

  it("scales to zero: every task stops, nothing launches", () => {
    const tasks = someTasks(3, "t", { deployment: P });
    const d = decide(observe(aService({ desired: 0 }), [aDeployment({ id: P, desired: 3 })], tasks), NOW);
    assert.deepEqual(stopped(d), ["t1", "t2", "t3"]);
    assert.deepEqual([d.bounds.minimumHealthy, d.bounds.maximumTotal], [0, 0]);
  });

  it("stops everything of a service being deleted", () => {
    const tasks = someTasks(2, "t", { deployment: P });
    const d = decide(observe(aService({ desired: 2, status: "DRAINING" }), [aDeployment({ id: P, desired: 2 })], tasks), NOW);
    assert.deepEqual(stopped(d), ["t1", "t2"]);
    assert.ok(all(d, "stop").every((s) => s.cause === "service-deleted"));
  });

  it("waits when there is no PRIMARY deployment", () => {
    const d = decide(observe(aService({ desired: 2 }), [], []), NOW);
    assert.deepEqual(d.actions, []);
    assert.match(d.waits[0]!, /has no PRIMARY deployment/);
  });
});

describe("decide: rolling update, first pass", () => {
  // desired 4, four healthy tasks of the old deployment, a new PRIMARY with none.
  const cases: { min: number; max: number; launch: number; stop: number; stuck?: boolean }[] = [
    { min: 100, max: 200, launch: 4, stop: 0 },
    { min: 50, max: 200, launch: 4, stop: 2 },
    { min: 0, max: 100, launch: 0, stop: 4 },
    { min: 100, max: 100, launch: 0, stop: 0, stuck: true },
    { min: 50, max: 150, launch: 2, stop: 2 },
  ];
  for (const c of cases) {
    it(`(min ${c.min}, max ${c.max}) launches ${c.launch} and stops ${c.stop}${c.stuck ? ", and says it is stuck" : ""}`, () => {
      const obs = observe(
        aService({ desired: 4, min: c.min, max: c.max }),
        [aDeployment({ id: OLD, status: "ACTIVE", desired: 4, rolloutState: "COMPLETED", age: 60 }), aDeployment({ id: P, desired: 4, td: 2 })],
        someTasks(4, "o", { deployment: OLD }),
      );
      const d = decide(obs, NOW);
      assert.equal(launched(d), c.launch);
      assert.equal(all(d, "stop").length, c.stop);
      assert.ok(all(d, "stop").every((s) => s.cause === "deployment" && s.reason === SCALING));
      assert.ok(all(d, "launch").every((l) => l.deploymentId === P && l.taskDefinitionArn === tdArn(2) && l.cause === "deployment"));
      const stuckEvent = serviceEvents.deploymentConfigurationStuck("web");
      assert.equal(messages(d).includes(stuckEvent), c.stuck === true);
      if (c.stuck) assert.match(d.waits.join("\n"), /can neither start nor stop/);
    });
  }

  it("(min 50, max 150) with desired 1 is stuck: ceil(0.5) = floor(1.5) = 1", () => {
    const obs = observe(
      aService({ desired: 1, min: 50, max: 150 }),
      [aDeployment({ id: OLD, status: "ACTIVE", desired: 1, rolloutState: "COMPLETED", age: 60 }), aDeployment({ id: P, desired: 1, td: 2 })],
      [aTask({ id: "o1", deployment: OLD })],
    );
    const d = decide(obs, NOW);
    assert.deepEqual(d.actions.filter((a) => a.kind === "launch" || a.kind === "stop"), []);
    assert.ok(messages(d).includes(serviceEvents.deploymentConfigurationStuck("web")));
  });

  it("does not repeat the stuck event while it is the newest one", () => {
    const stuck = serviceEvents.deploymentConfigurationStuck("web");
    const obs = observe(
      aService({ desired: 2, min: 100, max: 100, events: [{ createdAt: NOW - MINUTE, message: stuck }] }),
      [aDeployment({ id: OLD, status: "ACTIVE", desired: 2, rolloutState: "COMPLETED", age: 60 }), aDeployment({ id: P, desired: 2, td: 2 })],
      someTasks(2, "o", { deployment: OLD }),
    );
    assert.deepEqual(messages(decide(obs, NOW)), []);
  });

  it("stops old tasks that are not healthy without spending the budget", () => {
    const obs = observe(
      aService({ desired: 2, min: 100, max: 200 }),
      [aDeployment({ id: OLD, status: "ACTIVE", desired: 2, age: 60 }), aDeployment({ id: P, desired: 2, td: 2 })],
      [aTask({ id: "o1", deployment: OLD }), aTask({ id: "o2", deployment: OLD, state: "pending" }), aTask({ id: "o3", deployment: OLD, state: "starting" })],
    );
    const d = decide(obs, NOW);
    assert.deepEqual(stopped(d), ["o2", "o3"]);
    assert.equal(launched(d), 1); // o2 and o3 occupy room until they leave RUNNING: 4 − 3
  });

  it("drains the oldest deployment first when several are ACTIVE", () => {
    const MID = "ecs-svc/1500000000000000000";
    const obs = observe(
      aService({ desired: 2, min: 50, max: 200 }),
      [
        aDeployment({ id: MID, status: "ACTIVE", desired: 1, age: 30, td: 2 }),
        aDeployment({ id: OLD, status: "ACTIVE", desired: 1, age: 60 }),
        aDeployment({ id: P, desired: 2, td: 3, age: 1 }),
      ],
      [aTask({ id: "m1", deployment: MID }), aTask({ id: "o1", deployment: OLD })],
    );
    assert.deepEqual(stopped(decide(obs, NOW)), ["o1"]);
  });
});

describe("decide: rolling update to completion", () => {
  const configs: [min: number, max: number][] = [
    [100, 200],
    [50, 200],
    [0, 100],
    [50, 150],
  ];
  for (const [min, max] of configs) {
    it(`(min ${min}, max ${max}) replaces all 4 tasks, completes and reaches a steady state`, () => {
      const sim = new Simulation({ desired: 4, deployment: { minimumHealthyPercent: min, maximumPercent: max } });
      const old = sim.primary.id;
      sim.update();
      assert.ok(sim.settle(), "converged");
      assert.ok(sim.tasks.filter((t) => t.lastStatus !== "STOPPED").every((t) => t.deploymentId !== old));
      const texts = sim.events.map((e) => e.message);
      assert.equal(texts[0], "(service web) has reached a steady state.");
      assert.equal(texts[1], `(service web) (deployment ${sim.primary.id}) deployment completed.`);
      assert.equal(sim.primary.rolloutStateReason, `ECS deployment ${sim.primary.id} completed.`);
      assert.equal(sim.deployment(old)!.status, "INACTIVE");
    });
  }

  it("(min 100, max 100) never moves", () => {
    const sim = new Simulation({ desired: 2, deployment: { minimumHealthyPercent: 100, maximumPercent: 100 } });
    sim.update();
    assert.equal(sim.settle(20), false);
    assert.equal(sim.tasks.filter((t) => t.deploymentId === sim.primary.id).length, 0);
  });

  it("follows a scale-up in the middle of a rollout", () => {
    const obs = observe(
      aService({ desired: 6, min: 100, max: 200 }),
      [aDeployment({ id: OLD, status: "ACTIVE", desired: 2, age: 60 }), aDeployment({ id: P, desired: 4, td: 2 })],
      [...someTasks(2, "o", { deployment: OLD }), ...someTasks(2, "n", { deployment: P })],
    );
    const d = decide(obs, NOW);
    assert.equal(launched(d), 4); // 6 wanted − 2 kept; room 12 − 4 = 8
    assert.deepEqual(stopped(d), []); // 4 healthy, minimum 6
  });

  it("follows a scale-down in the middle of a rollout", () => {
    const obs = observe(
      aService({ desired: 2, min: 100, max: 200 }),
      [aDeployment({ id: OLD, status: "ACTIVE", desired: 2, age: 60 }), aDeployment({ id: P, desired: 4, td: 2 })],
      [...someTasks(2, "o", { deployment: OLD }), ...someTasks(2, "n", { deployment: P })],
    );
    const d = decide(obs, NOW);
    assert.equal(launched(d), 0);
    assert.deepEqual(stopped(d), ["o1", "o2"]); // 4 healthy, minimum 2
    const counts = all(d, "setDeploymentCounts");
    assert.deepEqual(counts.find((c) => c.deploymentId === OLD)!.desiredCount, 0);
  });

  it("marks a drained old deployment INACTIVE", () => {
    const obs = observe(
      aService({ desired: 1 }),
      [aDeployment({ id: OLD, status: "ACTIVE", desired: 0, age: 60 }), aDeployment({ id: P, desired: 1, td: 2 })],
      [aTask({ id: "n1", deployment: P }), aTask({ id: "o1", deployment: OLD, state: "stopped", stopCode: "ServiceSchedulerInitiated" })],
    );
    const d = decide(obs, NOW);
    assert.deepEqual(all(d, "setDeploymentStatus"), [{ kind: "setDeploymentStatus", deploymentId: OLD, status: "INACTIVE" }]);
    assert.deepEqual(all(d, "setRolloutState").map((a) => a.rolloutState), ["COMPLETED"]);
  });
});

describe("decide: draining instances", () => {
  const service = (min: number, max: number) => aService({ desired: 2, min, max });
  const dep = [aDeployment({ id: P, desired: 2, rolloutState: "COMPLETED" })];

  it("(100, 200) starts the replacement first and stops the drained task once it is healthy", () => {
    const tasks = [aTask({ id: "d1", deployment: P, instance: "i1", instanceStatus: "DRAINING" }), aTask({ id: "a1", deployment: P, instance: "i2" })];
    const first = decide(observe(service(100, 200), dep, tasks), NOW);
    assert.equal(launched(first), 1);
    assert.deepEqual(stopped(first), []);
    const withNew = [...tasks, aTask({ id: "n1", deployment: P, instance: "i2" })];
    const second = decide(observe(service(100, 200), dep, withNew), NOW);
    assert.deepEqual(all(second, "stop").map((s) => [s.taskArn, s.cause, s.reason]), [[taskArn("d1"), "draining", SCALING]]);
  });

  it("(50, 100) stops the drained task first and starts its replacement after", () => {
    const tasks = [aTask({ id: "d1", deployment: P, instance: "i1", instanceStatus: "DRAINING" }), aTask({ id: "a1", deployment: P, instance: "i2" })];
    const d = decide(observe(service(50, 100), dep, tasks), NOW);
    assert.deepEqual(stopped(d), ["d1"]);
    assert.equal(launched(d), 0);
  });

  it("stops a pending task on a draining instance at once", () => {
    const tasks = [aTask({ id: "p1", deployment: P, state: "pending", instance: "i1", instanceStatus: "DRAINING" }), aTask({ id: "a1", deployment: P })];
    const d = decide(observe(service(100, 200), dep, tasks), NOW);
    assert.deepEqual(stopped(d), ["p1"]);
    assert.equal(launched(d), 1);
  });
});

describe("decide: steady state", () => {
  const dep = (rolloutState: "IN_PROGRESS" | "COMPLETED") => [aDeployment({ id: P, desired: 2, rolloutState, hadHealthyTask: true, running: 2 })];
  const tasks = someTasks(2, "t", { deployment: P });
  const STEADY = "(service web) has reached a steady state.";
  const tracking = { countedThrough: 0, countedAtWatermark: [], consecutiveStartFailures: 0, deploymentId: P };

  it("completes the deployment, then reports the steady state", () => {
    const d = decide(observe(aService({ desired: 2 }), dep("IN_PROGRESS"), tasks), NOW);
    assert.ok(d.steady);
    assert.deepEqual(all(d, "setRolloutState"), [
      { kind: "setRolloutState", deploymentId: P, rolloutState: "COMPLETED", rolloutStateReason: `ECS deployment ${P} completed.` },
    ]);
    assert.deepEqual(messages(d), [`(service web) (deployment ${P}) deployment completed.`, STEADY]);
    assert.equal(d.requeueAfterMs, 6 * 60 * MINUTE);
  });

  it("does not repeat the steady state within 6 hours and looks again when they are up", () => {
    const events = [{ createdAt: NOW - 2 * 60 * MINUTE, message: STEADY }];
    const d = decide(observe(aService({ desired: 2, events, tracking }), dep("COMPLETED"), tasks), NOW);
    assert.ok(d.steady);
    assert.deepEqual(d.actions, []);
    assert.equal(d.requeueAfterMs, 4 * 60 * MINUTE);
  });

  it("repeats the steady state after 6 hours", () => {
    const events = [{ createdAt: NOW - 6 * 60 * MINUTE, message: STEADY }];
    const d = decide(observe(aService({ desired: 2, events }), dep("COMPLETED"), tasks), NOW);
    assert.deepEqual(messages(d), [STEADY]);
  });

  it("reports it again after something else happened", () => {
    const events = [
      { createdAt: NOW - MINUTE, message: "(service web) has started 1 tasks: (task t2)." },
      { createdAt: NOW - 10 * MINUTE, message: STEADY },
    ];
    const d = decide(observe(aService({ desired: 2, events }), dep("COMPLETED"), tasks), NOW);
    assert.deepEqual(messages(d), [STEADY]);
  });

  it("is not steady while a task is still stopping", () => {
    const d = decide(observe(aService({ desired: 2 }), dep("COMPLETED"), [...tasks, aTask({ id: "x", deployment: P, state: "stopping" })]), NOW);
    assert.equal(d.steady, false);
  });

  it("an idle steady pass changes nothing", () => {
    const events = [{ createdAt: NOW - MINUTE, message: STEADY }];
    const d = decide(observe(aService({ desired: 2, events, tracking }), dep("COMPLETED"), tasks), NOW);
    assert.deepEqual(d.actions, []);
    assert.deepEqual(d.waits, []);
  });
});

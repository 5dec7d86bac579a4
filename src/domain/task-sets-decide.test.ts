import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ObservedService, ObservedTask, ServiceAction } from "../controllers/index.js";
import { decideTaskSets, type ObservedTaskSet, type TaskSetObservation } from "./task-sets-decide.js";
import { computedDesiredCount } from "./task-sets-records.js";

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const MINUTE = 60_000;
const BLUE = "ecs-svc/1111111111111111111";
const GREEN = "ecs-svc/2222222222222222222";

const aService = (o: Partial<ObservedService> = {}): ObservedService => ({
  serviceName: "web",
  status: "ACTIVE",
  desiredCount: 4,
  schedulingStrategy: "REPLICA",
  deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 },
  healthCheckGracePeriodSeconds: 0,
  events: [],
  ...o,
});

const aSet = (id: string, o: Partial<ObservedTaskSet> = {}): ObservedTaskSet => ({
  id,
  status: "ACTIVE",
  taskDefinitionArn: `arn:aws:ecs:us-east-1:123456789012:task-definition/web:${id === BLUE ? 1 : 2}`,
  scalePercent: 100,
  computedDesiredCount: 0,
  runningCount: 0,
  pendingCount: 0,
  stabilityStatus: "STABILIZING",
  createdAt: NOW - 30 * MINUTE,
  targetGroupArns: [],
  containerHealthChecks: false,
  ...o,
});

let n = 0;
/** A task of a set: healthy (RUNNING for 10 minutes) unless told otherwise. */
const aTask = (set: string, o: Partial<ObservedTask> = {}): ObservedTask => {
  const id = (++n).toString(16).padStart(32, "0");
  return {
    taskArn: `arn:aws:ecs:us-east-1:123456789012:task/default/${id}`,
    deploymentId: set,
    lastStatus: "RUNNING",
    desiredStatus: "RUNNING",
    createdAt: NOW - 11 * MINUTE,
    startedAt: NOW - 10 * MINUTE,
    availabilityZone: "us-east-1a",
    ...o,
  };
};
const tasks = (set: string, count: number, o: Partial<ObservedTask> = {}) => Array.from({ length: count }, () => aTask(set, o));

const launches = (actions: readonly ServiceAction[]) =>
  actions.flatMap((a) => (a.kind === "launch" ? [`${a.deploymentId}:${a.count}`] : []));
const stops = (actions: readonly ServiceAction[]) => actions.filter((a) => a.kind === "stop").map((a) => (a as { deploymentId: string }).deploymentId);
const count = (ids: string[], id: string) => ids.filter((x) => x === id).length;

describe("computedDesiredCount: the service's desiredCount × scale%, rounded up", () => {
  const cases: [number, number, "PRIMARY" | "ACTIVE" | "DRAINING", boolean, number][] = [
    [4, 100, "PRIMARY", true, 4],
    [4, 50, "ACTIVE", true, 2],
    [3, 50, "ACTIVE", true, 2], // 1.5 → 2
    [5, 24, "ACTIVE", true, 2], // 1.2 → 2, the TaskSet shape's own example
    [10, 0, "ACTIVE", true, 0],
    [15, 100 / 3, "ACTIVE", true, 5], // 5.000000000000001 in floating point is still 5
    [4, 100, "DRAINING", true, 0],
    [4, 100, "PRIMARY", false, 0], // the service is being deleted
    [0, 100, "PRIMARY", true, 0],
  ];
  for (const [desired, scale, status, active, expected] of cases) {
    it(`desired ${desired}, scale ${scale.toFixed(2)}%, ${status}${active ? "" : ", service DRAINING"} → ${expected}`, () => {
      assert.equal(computedDesiredCount(desired, scale, status, active), expected);
    });
  }
});

describe("decideTaskSets: each set kept at its computedDesiredCount", () => {
  it("launches a new set's tasks and reports its counts", () => {
    const d = decideTaskSets({ service: aService(), taskSets: [aSet(BLUE, { status: "PRIMARY" })], tasks: [] }, NOW);
    assert.deepEqual(launches(d.actions), [`${BLUE}:4`]);
    assert.equal(d.updates[0]?.computedDesiredCount, 4);
    assert.equal(d.updates[0]?.stabilityStatus, "STABILIZING");
    assert.equal(d.steady, false);
    assert.equal(d.inputs.taskSets[0]?.bounds.desired, 4);
  });

  it("runs two sets side by side: green at 50% starts 2 while blue keeps its 4", () => {
    const obs: TaskSetObservation = {
      service: aService(),
      taskSets: [aSet(BLUE, { status: "PRIMARY", computedDesiredCount: 4, runningCount: 4, stabilityStatus: "STEADY_STATE" }), aSet(GREEN, { scalePercent: 50 })],
      tasks: tasks(BLUE, 4),
    };
    const d = decideTaskSets(obs, NOW);
    assert.deepEqual(launches(d.actions), [`${GREEN}:2`]);
    assert.deepEqual(stops(d.actions), []);
    assert.equal(d.bounds.desired, 6, "the bounds sum the sets'");
    assert.deepEqual(d.inputs.taskSets.map((t) => [t.id, t.status, t.computedDesiredCount]), [[BLUE, "PRIMARY", 4], [GREEN, "ACTIVE", 2]]);
    const tracked = { countedThrough: 0, countedAtWatermark: [], consecutiveStartFailures: 0, deploymentId: BLUE };
    const again = decideTaskSets({ ...obs, taskSets: [{ ...obs.taskSets[0]!, failureTracking: tracked }, obs.taskSets[1]!] }, NOW);
    assert.deepEqual(again.updates.map((u) => u.taskSetId), [GREEN], "blue is steady and its tracking stored: nothing to write");
  });

  it("scales a set to 0%: all of its tasks stop at once, the other set is untouched", () => {
    const obs: TaskSetObservation = {
      service: aService(),
      taskSets: [aSet(BLUE, { scalePercent: 0, computedDesiredCount: 4, runningCount: 4 }), aSet(GREEN, { status: "PRIMARY", computedDesiredCount: 4, runningCount: 4 })],
      tasks: [...tasks(BLUE, 4), ...tasks(GREEN, 4)],
    };
    const d = decideTaskSets(obs, NOW);
    assert.equal(count(stops(d.actions), BLUE), 4);
    assert.equal(count(stops(d.actions), GREEN), 0);
    assert.deepEqual(launches(d.actions), []);
    const stop = d.actions.find((a) => a.kind === "stop");
    assert.equal(stop?.kind === "stop" && stop.reason, `Scaling activity initiated by (deployment ${BLUE})`);
  });

  it("scales a set from 100% to 50%: the surplus stops, pending tasks first", () => {
    const obs: TaskSetObservation = {
      service: aService(),
      taskSets: [aSet(BLUE, { status: "PRIMARY", scalePercent: 50, computedDesiredCount: 4 })],
      tasks: [...tasks(BLUE, 3), aTask(BLUE, { lastStatus: "PENDING", startedAt: undefined })],
    };
    const d = decideTaskSets(obs, NOW);
    const stopped = d.actions.filter((a) => a.kind === "stop").map((a) => (a as { taskArn: string }).taskArn);
    assert.equal(stopped.length, 2);
    assert.ok(stopped.includes(obs.tasks[3]!.taskArn), "the pending task is given up first");
  });

  it("stops a DRAINING set's tasks, then removes the set once they have stopped", () => {
    const draining = aSet(BLUE, { status: "DRAINING", computedDesiredCount: 0, runningCount: 2 });
    const d1 = decideTaskSets({ service: aService(), taskSets: [draining], tasks: tasks(BLUE, 2) }, NOW);
    assert.equal(count(stops(d1.actions), BLUE), 2);
    assert.deepEqual(d1.removals, []);
    const d2 = decideTaskSets({ service: aService(), taskSets: [draining], tasks: tasks(BLUE, 2, { lastStatus: "STOPPED", desiredStatus: "STOPPED", stoppedAt: NOW - MINUTE }) }, NOW);
    assert.deepEqual(d2.removals, [BLUE]);
    assert.deepEqual(d2.actions, []);
  });

  it("stops live tasks that belong to no set", () => {
    const d = decideTaskSets({ service: aService(), taskSets: [aSet(GREEN, { scalePercent: 0 })], tasks: tasks("ecs-svc/9", 2) }, NOW);
    assert.equal(count(stops(d.actions), "ecs-svc/9"), 2);
    assert.equal(d.inputs.orphanTasks, 2);
    assert.equal(d.steady, false);
  });

  it("is steady when every set is: STEADY_STATE, and the service's steady-state event once", () => {
    const obs: TaskSetObservation = {
      service: aService({ desiredCount: 2 }),
      taskSets: [aSet(BLUE, { status: "PRIMARY", computedDesiredCount: 2, runningCount: 2 }), aSet(GREEN, { scalePercent: 0 })],
      tasks: tasks(BLUE, 2),
    };
    const d = decideTaskSets(obs, NOW);
    assert.equal(d.steady, true);
    assert.deepEqual(d.updates.map((u) => [u.taskSetId, u.stabilityStatus]), [[BLUE, "STEADY_STATE"], [GREEN, "STEADY_STATE"]]);
    assert.deepEqual(d.actions.filter((a) => a.kind === "event").map((a) => (a as { message: string }).message), ["(service web) has reached a steady state."]);
    const again = decideTaskSets({ ...obs, service: aService({ desiredCount: 2, events: [{ createdAt: NOW - MINUTE, message: "(service web) has reached a steady state." }] }) }, NOW);
    assert.deepEqual(again.actions.filter((a) => a.kind === "event"), [], "not repeated within 6 hours");
  });

  it("a set whose task is pending is STABILIZING", () => {
    const d = decideTaskSets(
      { service: aService({ desiredCount: 1 }), taskSets: [aSet(BLUE, { status: "PRIMARY", computedDesiredCount: 1, stabilityStatus: "STEADY_STATE" })], tasks: [aTask(BLUE, { lastStatus: "PENDING", startedAt: undefined })] },
      NOW,
    );
    assert.deepEqual(d.updates.map((u) => [u.stabilityStatus, u.pendingCount, u.runningCount]), [["STABILIZING", 1, 0]]);
    assert.deepEqual(d.actions.filter((a) => a.kind === "launch" || a.kind === "stop"), []);
  });

  it("a service being deleted drives every set to 0", () => {
    const d = decideTaskSets(
      { service: aService({ status: "DRAINING" }), taskSets: [aSet(BLUE, { status: "PRIMARY", computedDesiredCount: 4 }), aSet(GREEN, { scalePercent: 50 })], tasks: [...tasks(BLUE, 4), ...tasks(GREEN, 2)] },
      NOW,
    );
    assert.equal(stops(d.actions).length, 6);
    assert.deepEqual(launches(d.actions), []);
    assert.equal(d.steady, false);
  });

  it("a service without task sets waits for CreateTaskSet", () => {
    const d = decideTaskSets({ service: aService(), taskSets: [], tasks: [] }, NOW);
    assert.deepEqual(d.actions, []);
    assert.match(d.waits.join("\n"), /has no task set/);
  });

  it("says a set's events with its name: (service NAME, taskSet ID)", () => {
    const sick = aTask(BLUE, { healthStatus: "UNHEALTHY" });
    const d = decideTaskSets(
      { service: aService({ desiredCount: 1 }), taskSets: [aSet(BLUE, { status: "PRIMARY", computedDesiredCount: 1, runningCount: 1, containerHealthChecks: true })], tasks: [sick] },
      NOW,
    );
    const id = sick.taskArn.slice(sick.taskArn.lastIndexOf("/") + 1);
    assert.deepEqual(
      d.actions.filter((a) => a.kind === "event").map((a) => (a as { message: string }).message),
      [`(service web, taskSet ${BLUE}) (task ${id}) failed container health checks.`],
    );
    assert.deepEqual(launches(d.actions), [`${BLUE}:1`], "its replacement starts");
  });

  it("scale-in of a set spares its protected tasks until their protection expires", () => {
    const guarded = aTask(BLUE, { protectedUntil: NOW + 10 * MINUTE });
    const obs: TaskSetObservation = {
      service: aService(),
      taskSets: [aSet(BLUE, { scalePercent: 0, computedDesiredCount: 4, runningCount: 2 })],
      tasks: [guarded, aTask(BLUE)],
    };
    const d = decideTaskSets(obs, NOW);
    const stopped = d.actions.filter((a) => a.kind === "stop").map((a) => (a as { taskArn: string }).taskArn);
    assert.equal(stopped.length, 1);
    assert.ok(!stopped.includes(guarded.taskArn));
    const later = decideTaskSets({ ...obs, tasks: [guarded] }, NOW + 11 * MINUTE);
    assert.deepEqual(later.actions.filter((a) => a.kind === "stop").map((a) => (a as { taskArn: string }).taskArn), [guarded.taskArn]);
  });

  it("replaces a set's task that stopped by itself", () => {
    const d = decideTaskSets(
      {
        service: aService({ desiredCount: 2 }),
        taskSets: [aSet(BLUE, { status: "PRIMARY", computedDesiredCount: 2, runningCount: 2 })],
        tasks: [...tasks(BLUE, 1), aTask(BLUE, { lastStatus: "STOPPED", desiredStatus: "STOPPED", stoppedAt: NOW - 5_000, stopCode: "EssentialContainerExited" })],
      },
      NOW,
    );
    assert.deepEqual(launches(d.actions), [`${BLUE}:1`]);
  });
});

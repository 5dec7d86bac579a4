// decide() for REPLICA services when tasks fail: launch back-off, unhealthy replacement and the
// deployment circuit breaker (ecs-behavior.md §4.5, §4.7).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decide } from "./decide.js";
import { stopReasons } from "./events.js";
import {
  MINUTE,
  NOW,
  SECOND,
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

describe("decide: failed and unhealthy tasks", () => {
  const steady = (extra: Parameters<typeof aService>[0] = {}) => aService({ desired: 3, ...extra });
  const primary = (o: Partial<Parameters<typeof aDeployment>[0]> = {}) =>
    aDeployment({ id: P, desired: 3, rolloutState: "COMPLETED", hadHealthyTask: true, running: 2, ...o });

  it("replaces a task that failed to start at once and counts it", () => {
    const tasks = [
      ...someTasks(2, "t", { deployment: P }),
      aTask({ id: "f1", deployment: P, state: "stopped", stopCode: "TaskFailedToStart", createdAgo: 60 }),
    ];
    const d = decide(observe(steady(), [primary()], tasks), NOW);
    assert.equal(launched(d), 1);
    const tracking = all(d, "setFailureTracking")[0]!.tracking;
    assert.equal(tracking.consecutiveStartFailures, 1);
    assert.equal(tracking.countedThrough, NOW - 5 * SECOND);
    assert.deepEqual(tracking.countedAtWatermark, [taskArn("f1")]);
    assert.equal(all(d, "setDeploymentCounts")[0]!.failedTasks, 1);
  });

  it("counts a stopped task once however often it is observed", () => {
    const tasks = [
      ...someTasks(2, "t", { deployment: P }),
      aTask({ id: "f1", deployment: P, state: "stopped", stopCode: "TaskFailedToStart" }),
    ];
    const first = decide(observe(steady(), [primary()], tasks), NOW);
    const tracking = all(first, "setFailureTracking")[0]!.tracking;
    const again = decide(observe(steady({ tracking }), [primary({ failedTasks: 1 })], tasks), NOW);
    assert.deepEqual(all(again, "setFailureTracking"), []);
    assert.deepEqual(all(again, "setDeploymentCounts").map((a) => a.failedTasks), []);
  });

  it("backs off after repeated failed launches and says so once", () => {
    const tracking = {
      countedThrough: NOW - 60 * SECOND,
      countedAtWatermark: [taskArn("f1")],
      consecutiveStartFailures: 1,
      lastStartFailureAt: NOW - 60 * SECOND,
      deploymentId: P,
    };
    const tasks = [
      ...someTasks(2, "t", { deployment: P }),
      aTask({ id: "f1", deployment: P, state: "stopped", stopCode: "TaskFailedToStart", stoppedAgo: 60, createdAgo: 90 }),
      aTask({ id: "f2", deployment: P, state: "stopped", stopCode: "TaskFailedToStart", stoppedAgo: 5, createdAgo: 30 }),
    ];
    const d = decide(observe(steady({ tracking }), [primary({ failedTasks: 1 })], tasks), NOW);
    assert.equal(launched(d), 0);
    assert.match(d.waits.join("\n"), /backed off after 2 consecutive failed launches until 2026-01-01T12:00:10.000Z/);
    assert.equal(d.requeueAfterMs, 10 * SECOND);
    assert.ok(messages(d).includes("(service web) is unable to consistently start tasks successfully."));
    assert.equal(d.inputs.launchBackoffUntil, NOW + 10 * SECOND);

    const later = decide(
      observe(steady({ tracking: all(d, "setFailureTracking")[0]!.tracking }), [primary({ failedTasks: 2 })], tasks),
      NOW + 10 * SECOND,
    );
    assert.equal(launched(later), 1);
    assert.deepEqual(messages(later), []);
  });

  it("counts a batch of tasks that failed together as one failed launch", () => {
    const tasks = [
      aTask({ id: "f1", deployment: P, state: "stopped", stopCode: "TaskFailedToStart", createdAgo: 30 }),
      aTask({ id: "f2", deployment: P, state: "stopped", stopCode: "TaskFailedToStart", createdAgo: 30 }),
      aTask({ id: "f3", deployment: P, state: "stopped", stopCode: "TaskFailedToStart", createdAgo: 30 }),
    ];
    const d = decide(observe(steady(), [primary()], tasks), NOW);
    assert.equal(all(d, "setFailureTracking")[0]!.tracking.consecutiveStartFailures, 1);
    assert.equal(launched(d), 3);
  });

  it("a new deployment ends the back-off at once", () => {
    const tracking = {
      countedThrough: NOW - 5 * SECOND,
      countedAtWatermark: [],
      consecutiveStartFailures: 6,
      lastStartFailureAt: NOW - 5 * SECOND,
      deploymentId: OLD,
    };
    const d = decide(
      observe(steady({ tracking }), [aDeployment({ id: OLD, status: "ACTIVE", age: 60 }), aDeployment({ id: P, desired: 3, td: 2 })], []),
      NOW,
    );
    assert.equal(launched(d), 3);
    assert.equal(all(d, "setFailureTracking")[0]!.tracking.consecutiveStartFailures, 0);
  });

  it("replaces a task that crashed after being healthy without counting a failure", () => {
    const tasks = [
      ...someTasks(2, "t", { deployment: P }),
      aTask({ id: "c1", deployment: P, state: "stopped", stopCode: "EssentialContainerExited", startedAgo: 600 }),
    ];
    const d = decide(observe(steady(), [primary()], tasks), NOW);
    assert.equal(launched(d), 1);
    const tracking = all(d, "setFailureTracking")[0]!.tracking;
    assert.equal(tracking.consecutiveStartFailures, 0);
    assert.deepEqual(all(d, "setDeploymentCounts").map((a) => a.failedTasks), []);
  });

  it("stops a task that failed its container health checks and replaces it", () => {
    const tasks = [...someTasks(2, "t", { deployment: P, health: "HEALTHY" }), aTask({ id: "u1", deployment: P, state: "unhealthy" })];
    const d = decide(observe(steady(), [primary({ checks: true })], tasks), NOW);
    assert.deepEqual(all(d, "stop").map((s) => [s.reason, s.cause]), [[stopReasons.failedContainerHealthChecks, "unhealthy"]]);
    assert.deepEqual(all(d, "launch").map((l) => [l.count, l.replacesUnhealthy, l.cause]), [[1, 1, "replace"]]);
    assert.deepEqual(messages(d), ["(service web) (task u1) failed container health checks."]);
  });

  it("without room under maximumPercent, stops unhealthy tasks one at a time", () => {
    const tasks = [
      aTask({ id: "t1", deployment: P, health: "HEALTHY" }),
      aTask({ id: "u1", deployment: P, state: "unhealthy", startedAgo: 300 }),
      aTask({ id: "u2", deployment: P, state: "unhealthy", startedAgo: 200 }),
    ];
    const d = decide(observe(steady({ max: 100 }), [primary({ checks: true })], tasks), NOW);
    assert.deepEqual(stopped(d), ["u2"]);
    assert.equal(launched(d), 0);
    assert.match(d.waits.join("\n"), /1 unhealthy task\(s\) wait to be replaced one at a time/);

    const stopping = { ...tasks[2]!, desiredStatus: "STOPPED" as const, stoppedReason: stopReasons.failedContainerHealthChecks };
    const next = decide(observe(steady({ max: 100 }), [primary({ checks: true })], [tasks[0]!, tasks[1]!, stopping]), NOW);
    assert.deepEqual(stopped(next), []);
  });

  it("ignores health check failures during the grace period and looks again when it ends", () => {
    const tasks = [...someTasks(2, "t", { deployment: P, health: "HEALTHY" }), aTask({ id: "u1", deployment: P, state: "unhealthy", startedAgo: 20 })];
    const d = decide(observe(steady({ grace: 60 }), [primary({ checks: true })], tasks), NOW);
    assert.deepEqual(all(d, "stop"), []);
    assert.equal(launched(d), 0);
    assert.equal(d.requeueAfterMs, 40 * SECOND);
    assert.equal(d.inputs.deployments[0]!.starting, 1);
  });

  it("stops a task its load balancer finds unhealthy, naming the target group", () => {
    const tasks = [...someTasks(2, "t", { deployment: P, lb: "HEALTHY" }), aTask({ id: "u1", deployment: P, lb: "UNHEALTHY" })];
    const d = decide(observe(steady({ loadBalanced: true }), [primary()], tasks), NOW);
    assert.deepEqual(all(d, "stop").map((s) => s.reason), [
      "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/abc)",
    ]);
    // ECS names the target and ELB's reason before it stops the task; the drain is the target
    // registration controller's to announce, when it deregisters.
    assert.ok(
      messages(d).includes(
        "(service web) (task u1) (port 8080) is unhealthy in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/abc) " +
          "due to (reason Health checks failed with these codes: [500]).",
      ),
    );
    assert.ok(!messages(d).some((m) => m.includes("draining")));
    // The decision log carries the load balancer's view: targets per state in each group.
    assert.deepEqual(d.inputs.targetGroups, [{ targetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/abc", targets: { healthy: 2, unhealthy: 1 } }]);
  });

  it("does not stop a task whose target is unhealthy within the grace period, nor count it healthy", () => {
    const tasks = [...someTasks(2, "t", { deployment: P, lb: "HEALTHY" }), aTask({ id: "u1", deployment: P, lb: "UNHEALTHY", startedAgo: 20 })];
    const d = decide(observe(steady({ loadBalanced: true, grace: 60 }), [primary()], tasks), NOW);
    assert.deepEqual(all(d, "stop"), []);
    assert.equal(d.inputs.deployments[0]!.starting, 1);
    assert.equal(d.requeueAfterMs, 40 * SECOND);
  });

  it("counts a load-balanced task healthy only when its target is healthy", () => {
    const tasks = [...someTasks(2, "t", { deployment: P, lb: "HEALTHY" }), aTask({ id: "i1", deployment: P, lb: "UNKNOWN", startedAgo: 600 })];
    const d = decide(observe(steady({ loadBalanced: true }), [primary()], tasks), NOW);
    assert.equal(d.bounds.healthy, 2);
    assert.equal(d.steady, false);
  });

  it("counts a task without health checks as healthy 40 s after RUNNING", () => {
    const tasks = [...someTasks(2, "t", { deployment: P }), aTask({ id: "s1", deployment: P, state: "starting", startedAgo: 15 })];
    const d = decide(observe(steady(), [primary()], tasks), NOW);
    assert.equal(d.bounds.healthy, 2);
    assert.equal(d.steady, false);
    assert.equal(d.requeueAfterMs, 25 * SECOND);
  });
});

describe("decide: circuit breaker", () => {
  const deployments = (failedTasks: number, o: { target?: boolean } = {}) => [
    aDeployment({ id: OLD, status: "ACTIVE", desired: 4, rolloutState: o.target === false ? "IN_PROGRESS" : "COMPLETED", age: 60 }),
    aDeployment({ id: P, desired: 4, td: 2, failedTasks }),
  ];
  const tasks = [
    ...someTasks(4, "o", { deployment: OLD }),
    aTask({ id: "f3", deployment: P, state: "stopped", stopCode: "TaskFailedToStart", createdAgo: 20 }),
  ];

  it("trips at the threshold and rolls back to the last COMPLETED deployment", () => {
    const d = decide(observe(aService({ desired: 4, breaker: true }), deployments(2), tasks), NOW);
    assert.equal(d.bounds.circuitBreakerThreshold, 3);
    assert.deepEqual(all(d, "setRolloutState"), [
      { kind: "setRolloutState", deploymentId: P, rolloutState: "FAILED", rolloutStateReason: "ECS deployment circuit breaker: tasks failed to start." },
    ]);
    assert.deepEqual(all(d, "createRollbackDeployment"), [
      {
        kind: "createRollbackDeployment",
        failedDeploymentId: P,
        targetDeploymentId: OLD,
        taskDefinitionArn: tdArn(1),
        desiredCount: 4,
        rolloutStateReason: `ECS deployment circuit breaker: rolling back to deploymentId ${OLD}.`,
      },
    ]);
    assert.deepEqual(messages(d), [
      `(service web) (deployment ${P}) deployment failed: tasks failed to start.`,
      `(service web) rolling back to deployment ${OLD}.`,
    ]);
    assert.equal(launched(d) + all(d, "stop").length, 0);
    assert.equal(d.requeueAfterMs, 0);
  });

  it("stays below the threshold and keeps launching", () => {
    const d = decide(observe(aService({ desired: 4, breaker: true }), deployments(1), tasks), NOW);
    assert.deepEqual(all(d, "setRolloutState"), []);
    assert.equal(launched(d), 4);
  });

  it("without rollback leaves the FAILED deployment PRIMARY and launches nothing more", () => {
    const service = aService({ desired: 4, breaker: { enable: true, rollback: false } });
    const d = decide(observe(service, deployments(2), tasks), NOW);
    assert.deepEqual(all(d, "createRollbackDeployment"), []);
    assert.match(d.waits[0]!, /launching nothing more/);
    const failed = [deployments(3)[0]!, { ...deployments(3)[1]!, rolloutState: "FAILED" as const }];
    const next = decide(observe(service, failed, tasks), NOW + MINUTE);
    assert.equal(launched(next), 0);
    assert.deepEqual(all(next, "setRolloutState"), []);
  });

  it("stalls when no COMPLETED deployment is left to roll back to", () => {
    const d = decide(observe(aService({ desired: 4, breaker: true }), deployments(2, { target: false }), tasks), NOW);
    assert.deepEqual(all(d, "createRollbackDeployment"), []);
    assert.match(d.waits[0]!, /stalled/);
  });

  it("does not roll back to a deployment another rollback is already heading to", () => {
    const R = "ecs-svc/3000000000000000003";
    const obs = observe(
      aService({ desired: 2, breaker: true }),
      [
        aDeployment({ id: OLD, status: "INACTIVE", rolloutState: "COMPLETED", age: 90 }),
        aDeployment({ id: P, status: "ACTIVE", td: 2, rolloutState: "FAILED", age: 60 }),
        aDeployment({ id: R, desired: 2, td: 1, failedTasks: 2, rollbackTargetId: OLD, age: 30 }),
      ],
      [aTask({ id: "f1", deployment: R, state: "stopped", stopCode: "TaskFailedToStart" })],
    );
    const d = decide(obs, NOW);
    assert.deepEqual(all(d, "setRolloutState").map((a) => a.rolloutState), ["FAILED"]);
    assert.deepEqual(all(d, "createRollbackDeployment"), []);
  });

  it("restarts the count once the deployment has a healthy task (stage 2)", () => {
    const d = decide(
      observe(aService({ desired: 4, breaker: true }), deployments(2), [...tasks, aTask({ id: "n1", deployment: P })]),
      NOW,
    );
    assert.deepEqual(all(d, "setRolloutState"), []);
    const counts = all(d, "setDeploymentCounts").find((a) => a.deploymentId === P)!;
    assert.deepEqual([counts.failedTasks, counts.hadHealthyTask], [0, true]);
  });

  it("counts health-check failures in stage 2", () => {
    const failing = aTask({
      id: "h1",
      deployment: P,
      state: "stopped",
      stopCode: "ServiceSchedulerInitiated",
      stoppedReason: stopReasons.failedContainerHealthChecks,
    });
    const dep = [deployments(0)[0]!, aDeployment({ id: P, desired: 4, td: 2, failedTasks: 2, hadHealthyTask: true, checks: true })];
    const d = decide(observe(aService({ desired: 4, breaker: true }), dep, [...someTasks(4, "o", { deployment: OLD }), failing]), NOW);
    assert.deepEqual(all(d, "setRolloutState").map((a) => a.rolloutState), ["FAILED"]);
  });

  it("does not count tasks the scheduler or a user stopped on purpose", () => {
    const purposeful = [
      aTask({ id: "s1", deployment: P, state: "stopped", stopCode: "ServiceSchedulerInitiated", stoppedReason: SCALING, neverStarted: true }),
      aTask({ id: "u1", deployment: P, state: "stopped", stopCode: "UserInitiated", neverStarted: true }),
    ];
    const d = decide(observe(aService({ desired: 4, breaker: true }), deployments(2), [...someTasks(4, "o", { deployment: OLD }), ...purposeful]), NOW);
    assert.deepEqual(all(d, "setRolloutState"), []);
  });

  it("is ignored when disabled", () => {
    const d = decide(observe(aService({ desired: 4 }), deployments(50), tasks), NOW);
    assert.deepEqual(all(d, "setRolloutState"), []);
    assert.equal(d.bounds.circuitBreakerThreshold, undefined);
  });
});


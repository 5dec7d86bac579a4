import type { Deployment, Service, Task } from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DecisionEntry } from "./decision-log-view.js";
import { clock } from "./format.js";
import { taskDefinitionFacts } from "./wait-observe.js";
import { isSteady, shorten, waitReason, type TaskDefinitionFacts, type WaitKind, type WaitObservation } from "./wait-reason.js";

const now = Date.parse("2026-11-28T12:00:00Z");
const ago = (s: number) => new Date(now - s * 1000);
const TD = "arn:aws:ecs:us-east-1:0:task-definition/web:2";
const TD_CHECKED = "arn:aws:ecs:us-east-1:0:task-definition/web:3";
const ID = "ecs-svc/200";

const aDeployment = (o: Partial<Deployment> = {}): Deployment => ({
  id: ID,
  status: "PRIMARY",
  rolloutState: "IN_PROGRESS",
  desiredCount: 2,
  runningCount: 0,
  pendingCount: 0,
  taskDefinition: TD,
  createdAt: ago(300),
  ...o,
});

const aService = (o: Partial<Service> = {}): Service => ({
  serviceName: "web",
  status: "ACTIVE",
  desiredCount: 2,
  deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 },
  deployments: [aDeployment()],
  events: [],
  ...o,
});

const aTask = (id: string, o: Partial<Task> = {}): Task => ({
  taskArn: `arn:aws:ecs:us-east-1:0:task/default/${id}`,
  taskDefinitionArn: TD,
  startedBy: ID,
  desiredStatus: "RUNNING",
  lastStatus: "RUNNING",
  createdAt: ago(30),
  startedAt: ago(29),
  ...o,
});

const crashed = (id: string, stoppedSecondsAgo: number, o: Partial<Task> = {}): Task =>
  aTask(id, {
    desiredStatus: "STOPPED",
    lastStatus: "STOPPED",
    stopCode: "EssentialContainerExited",
    stoppedReason: "Essential container in task exited",
    stoppedAt: ago(stoppedSecondsAgo),
    containers: [{ name: "app", exitCode: 1, lastStatus: "STOPPED" }],
    ...o,
  });

const aDecision = (waits: string[], atSecondsAgo = 2): DecisionEntry => ({
  at: (now - atSecondsAgo * 1000) / 1000,
  inputs: {},
  bounds: { desired: 2, minimumHealthyPercent: 100, maximumPercent: 200, minimumHealthy: 2, maximumTotal: 4, healthy: 0, total: 0, launchHeadroom: 4, stopBudget: 0 },
  actions: [],
  waits,
  steady: false,
});

const facts: ReadonlyMap<string, TaskDefinitionFacts> = new Map([
  [TD, { stopTimeoutSeconds: 30, healthChecked: false }],
  [TD_CHECKED, { stopTimeoutSeconds: 2, healthChecked: true }],
]);

const observe = (o: Partial<WaitObservation> = {}): WaitObservation => ({ now, service: aService(), deploymentId: ID, tasks: [], taskDefinitions: facts, ...o });
const event = (secondsAgo: number, message: string) => ({ id: `e${secondsAgo}`, createdAt: ago(secondsAgo), message });
const inFuture = (s: number) => new Date(now + s * 1000).toISOString();

const placementEvent =
  "(service web) was unable to place a task because no container instance met all of its requirements. The closest matching " +
  "(container-instance 0123456789abcdef0123456789abcdef) has insufficient memory available. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.";

describe("waitReason", () => {
  const cases: { name: string; o: WaitObservation; kind: WaitKind; text: string | RegExp }[] = [
    {
      name: "a FAILED rollout says so before anything else",
      o: observe({
        service: aService({ deployments: [aDeployment({ rolloutState: "FAILED", rolloutStateReason: "ECS deployment circuit breaker: tasks failed to start." })] }),
        tasks: [crashed("aaaa1111", 1)],
      }),
      kind: "failed",
      text: "deployment failed: ECS deployment circuit breaker: tasks failed to start",
    },
    {
      name: "a launch back-off in the decision: its time as a clock and a countdown, and the last stop reason",
      o: observe({
        decision: aDecision([`launches are backed off after 3 consecutive failed launches until ${inFuture(45)}`]),
        tasks: [crashed("aaaa1111", 5), aTask("bbbb2222", { lastStatus: "PENDING" })],
      }),
      kind: "backoff",
      text: `launches are backed off after 3 consecutive failed launches until ${clock(now + 45_000)} (in 45s); last: Essential container in task exited (exit code 1)`,
    },
    {
      name: "a crash-loop back-off as the scheduler words it is shown as written, times made human",
      o: observe({
        decision: aDecision([`back-off until ${inFuture(80)} after 6 crashes; last: Essential container in task exited (exit code 1)`]),
        tasks: [crashed("aaaa1111", 5)],
      }),
      kind: "backoff",
      text: `back-off until ${clock(now + 80_000)} (in 1m20s) after 6 crashes; last: Essential container in task exited (exit code 1)`,
    },
    {
      name: "a back-off whose time has passed is no longer the reason",
      o: observe({ decision: aDecision([`back-off until ${new Date(now - 5000).toISOString()} after 6 crashes; last: x`]), tasks: [crashed("aaaa1111", 5)] }),
      kind: "task-failed",
      text: "task aaaa1111 failed 5s ago: Essential container in task exited (exit code 1)",
    },
    {
      name: "a decision older than the deployment does not speak for it",
      o: observe({ decision: aDecision([`back-off until ${inFuture(80)} after 6 crashes`], 400) }),
      kind: "counts",
      text: "the scheduler has yet to start 2 tasks",
    },
    {
      name: "a crash-looping event newer than the last start",
      o: observe({
        service: aService({ events: [event(3, "(service web) is crash-looping: 5 tasks stopped soon after RUNNING."), event(10, "(service web) has started 1 tasks: (task a).")] }),
      }),
      kind: "crash-loop",
      text: "is crash-looping: 5 tasks stopped soon after RUNNING.",
    },
    {
      name: "a placement failure: the closest instance and what it lacked",
      o: observe({ service: aService({ events: [event(3, placementEvent)] }), tasks: [crashed("aaaa1111", 5)] }),
      kind: "placement",
      text: "cannot place a task: no instance fits; closest 01234567 has insufficient memory available",
    },
    {
      name: "a placement failure with ECS's Reason form",
      o: observe({ service: aService({ events: [event(3, "(service web) was unable to place a task. Reason: No Container Instances were found in your cluster.")] }) }),
      kind: "placement",
      text: "cannot place a task: No Container Instances were found in your cluster",
    },
    {
      name: "a placement failure followed by a start is over",
      o: observe({ service: aService({ events: [event(1, "(service web) has started 1 tasks: (task a)."), event(3, placementEvent)] }) }),
      kind: "counts",
      text: "the scheduler has yet to start 2 tasks",
    },
    {
      name: "a placement failure the decision still counts, whose event predates the deployment (events are not repeated)",
      o: observe({ service: aService({ events: [event(400, placementEvent)] }), decision: { ...aDecision([]), result: { placementFailures: 2 } } }),
      kind: "placement",
      text: "cannot place a task: no instance fits; closest 01234567 has insufficient memory available",
    },
    {
      name: "a placement failure from before the deployment is not current",
      o: observe({ service: aService({ events: [event(400, placementEvent)] }) }),
      kind: "counts",
      text: "the scheduler has yet to start 2 tasks",
    },
    {
      name: "stuck between minimumHealthyPercent and maximumPercent",
      o: observe({
        service: aService({
          deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 100 },
          events: [
            event(2, "(service web) was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again."),
          ],
        }),
      }),
      kind: "stuck",
      text: "stuck: no task may start or stop within minimumHealthyPercent 100 and maximumPercent 100; change them",
    },
    {
      name: "the newest failed task of the deployment, with exit code and the container's reason",
      o: observe({
        tasks: [
          crashed("old00000", 40),
          crashed("new00000", 4, { containers: [{ name: "app", exitCode: 1, reason: "host port 8080 is taken by another program" }] }),
          crashed("other000", 1, { startedBy: "ecs-svc/100" }),
        ],
      }),
      kind: "task-failed",
      text: "task new00000 failed 4s ago: Essential container in task exited (exit code 1): host port 8080 is taken by another program",
    },
    {
      name: "a failure older than a minute gives way to what happens now",
      o: observe({ tasks: [crashed("old00000", 90), aTask("run00000", { startedAt: ago(10) })] }),
      kind: "no-check",
      text: "no health check: counted healthy 40 s after RUNNING (in 30s)",
    },
    {
      name: "a task stopped by a person is no failure",
      o: observe({ tasks: [crashed("user0000", 3, { stopCode: "UserInitiated", stoppedReason: "Task stopped by user" })] }),
      kind: "counts",
      text: "the scheduler has yet to start 2 tasks",
    },
    {
      name: "draining: SIGKILL comes stopTimeout after the stop order",
      o: observe({ tasks: [aTask("drain000", { startedBy: "ecs-svc/100", desiredStatus: "STOPPED", lastStatus: "RUNNING", stoppingAt: ago(5) }), aTask("run00000", { startedAt: ago(10) })] }),
      kind: "draining",
      text: "draining task drain000: SIGKILL in 25s",
    },
    {
      name: "draining several: the last SIGKILL, with each task definition's stopTimeout",
      o: observe({
        tasks: [
          aTask("drain001", { desiredStatus: "STOPPED", lastStatus: "RUNNING", stoppingAt: ago(5) }),
          aTask("drain002", { desiredStatus: "STOPPED", lastStatus: "DEACTIVATING", stoppingAt: ago(1), taskDefinitionArn: TD_CHECKED }),
        ],
      }),
      kind: "draining",
      text: "draining 2 tasks: SIGKILL in 25s",
    },
    {
      name: "draining past the deadline: the agent has yet to report",
      o: observe({ tasks: [aTask("drain001", { desiredStatus: "STOPPED", lastStatus: "RUNNING", stoppingAt: ago(31) })] }),
      kind: "draining",
      text: "draining task drain001: SIGKILL was due 1s ago; waiting for the agent to report STOPPED",
    },
    {
      name: "several tasks without health checks: how many and when the next one counts",
      o: observe({ tasks: [aTask("a", { startedAt: ago(30) }), aTask("b", { startedAt: ago(5) })] }),
      kind: "no-check",
      text: "no health check: counted healthy 40 s after RUNNING (2 tasks, the next in 10s)",
    },
    {
      name: "tasks with container health checks not HEALTHY yet",
      o: observe({ tasks: [aTask("a", { taskDefinitionArn: TD_CHECKED, healthStatus: "UNKNOWN" }), aTask("b", { taskDefinitionArn: TD_CHECKED, healthStatus: "HEALTHY" })] }),
      kind: "health",
      text: "waiting for container health checks: 1 task not HEALTHY yet",
    },
    {
      name: "an UNHEALTHY task inside its grace period",
      o: observe({
        service: aService({ healthCheckGracePeriodSeconds: 60 }),
        tasks: [aTask("a", { taskDefinitionArn: TD_CHECKED, healthStatus: "UNHEALTHY", startedAt: ago(20) })],
      }),
      kind: "health",
      text: "1 task UNHEALTHY: container health check failing (ignored for 40s more: healthCheckGracePeriodSeconds)",
    },
    {
      name: "tasks not RUNNING yet",
      o: observe({ tasks: [aTask("a", { lastStatus: "PENDING", createdAt: ago(7), pullStartedAt: ago(6) }), aTask("b", { lastStatus: "PENDING", createdAt: ago(3) })] }),
      kind: "pending",
      text: "2 tasks PENDING for 7s, pulling images",
    },
    {
      name: "a load-balanced service: the scheduler's own waits line",
      o: observe({
        service: aService({ loadBalancers: [{ targetGroupArn: "tg", containerName: "app", containerPort: 80 }] }),
        tasks: [aTask("a")],
        decision: aDecision(["1 healthy task(s) to stop are held by minimumHealthyPercent 100: 2 healthy, minimum 2", "waiting for 2 pending or starting task(s) to become healthy"]),
      }),
      kind: "scheduler",
      text: "1 healthy task(s) to stop are held by minimumHealthyPercent 100: 2 healthy, minimum 2",
    },
    {
      name: "old tasks still to stop",
      o: observe({
        service: aService({ deployments: [aDeployment({ runningCount: 2 }), aDeployment({ id: "ecs-svc/100", status: "ACTIVE", runningCount: 1 })] }),
        tasks: [aTask("a", { startedAt: ago(60) })],
      }),
      kind: "counts",
      text: "the scheduler has yet to stop 1 old task",
    },
    {
      name: "all there: only the scheduler's mark is missing",
      o: observe({ service: aService({ deployments: [aDeployment({ runningCount: 2 })] }) }),
      kind: "counts",
      text: "the scheduler has yet to mark the deployment COMPLETED",
    },
    {
      name: "a deployment that left the service",
      o: observe({ deploymentId: "ecs-svc/999" }),
      kind: "counts",
      text: "deployment ecs-svc/999 is no longer in the service",
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = waitReason(c.o);
      assert.equal(r.kind, c.kind, r.text);
      if (typeof c.text === "string") assert.equal(r.text, c.text);
      else assert.match(r.text, c.text);
    });
  }

  it("keeps its key while only a countdown moves, and changes it with the cause", () => {
    const o = observe({ tasks: [aTask("a", { startedAt: ago(5) })] });
    const first = waitReason(o);
    const later = waitReason({ ...o, now: now + 3000 });
    assert.notEqual(first.text, later.text);
    assert.equal(first.key, later.key);
    const failed = waitReason({ ...o, tasks: [...o.tasks, crashed("dead0000", 1)] });
    assert.notEqual(failed.key, first.key);
  });

  it("cuts a long reason to one short line", () => {
    const long = `back-off until ${inFuture(30)} after 9 crashes; last: ${"x".repeat(300)}`;
    const r = waitReason(observe({ decision: aDecision([long]) }));
    assert.equal(r.kind, "backoff");
    assert.ok(r.text.length <= 160 && r.text.endsWith("…"), r.text);
    assert.equal(shorten("a  b\n c"), "a b c");
  });
});

describe("isSteady", () => {
  it("is steady with one finished deployment running what is desired, and not otherwise", () => {
    const done = aDeployment({ rolloutState: "COMPLETED", runningCount: 2 });
    assert.equal(isSteady(aService({ deployments: [done], runningCount: 2, pendingCount: 0 })), true);
    assert.equal(isSteady(aService({ deployments: [done], runningCount: 1, pendingCount: 1 })), false);
    assert.equal(isSteady(aService({ deployments: [aDeployment()], runningCount: 2, pendingCount: 0 })), false);
    assert.equal(isSteady(aService({ deployments: [done, aDeployment({ id: "ecs-svc/100", status: "ACTIVE" })], runningCount: 2, pendingCount: 0 })), false);
  });
});

describe("taskDefinitionFacts", () => {
  it("takes the longest stopTimeout (30 s when unset) and whether an essential container is checked", () => {
    assert.deepEqual(taskDefinitionFacts([{ stopTimeout: 2 }, { stopTimeout: 10 }]), { stopTimeoutSeconds: 10, healthChecked: false });
    assert.deepEqual(taskDefinitionFacts([{ stopTimeout: 2 }, {}]), { stopTimeoutSeconds: 30, healthChecked: false });
    assert.deepEqual(taskDefinitionFacts([{ healthCheck: {} }]), { stopTimeoutSeconds: 30, healthChecked: true });
    assert.deepEqual(taskDefinitionFacts([{ essential: false, healthCheck: {} }, {}]), { stopTimeoutSeconds: 30, healthChecked: false });
  });
});

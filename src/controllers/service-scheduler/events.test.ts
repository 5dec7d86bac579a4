import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  EVENT_REPEAT_INTERVAL_MS,
  MAX_SERVICE_EVENTS,
  isHealthCheckStopReason,
  isRepeatSuppressed,
  mergeEvents,
  rolloutReasons,
  serviceEvents,
  stopReasons,
  taskIdOf,
} from "./events.js";

const TASK = "0123456789abcdef0123456789abcdef";
const DEP = "ecs-svc/8646900195280463695";

describe("serviceEvents: ECS's texts", () => {
  const cases: [string, string][] = [
    [serviceEvents.steadyState("web"), "(service web) has reached a steady state."],
    [serviceEvents.startedTasks("web", ["a1", "b2"]), "(service web) has started 2 tasks: (task a1) (task b2)."],
    [
      serviceEvents.startedTasks("web", [TASK], 1),
      `(service web) has started 1 tasks: (task ${TASK}). Amazon ECS replaced 1 tasks due to an unhealthy status.`,
    ],
    [serviceEvents.stoppedTasks("web", [TASK]), `(service web) has stopped 1 running tasks: (task ${TASK}).`],
    [serviceEvents.drainingConnections("web", 3), "(service web) has begun draining connections on 3 tasks."],
    [serviceEvents.registeredTargets("web", 2, "tg-arn"), "(service web) registered 2 targets in (target-group tg-arn)"],
    [serviceEvents.deregisteredTargets("web", 1, "tg-arn"), "(service web) deregistered 1 targets in (target-group tg-arn)"],
    [serviceEvents.deploymentCompleted("web", DEP), `(service web) (deployment ${DEP}) deployment completed.`],
    [serviceEvents.deploymentFailed("web", DEP), `(service web) (deployment ${DEP}) deployment failed: tasks failed to start.`],
    [serviceEvents.rollingBack("web", DEP), `(service web) rolling back to deployment ${DEP}.`],
    [serviceEvents.failedContainerHealthChecks("web", TASK), `(service web) (task ${TASK}) failed container health checks.`],
    [
      serviceEvents.unhealthyInTargetGroup("web", TASK, 8080, "tg-arn", "Health checks failed with these codes: [503]", "i-0abc"),
      `(service web) (task ${TASK}) (instance i-0abc) (port 8080) is unhealthy in (target-group tg-arn) due to (reason Health checks failed with these codes: [503]).`,
    ],
    [
      serviceEvents.unhealthyInTargetGroup("web", TASK, 80, "tg-arn", "Request timed out"),
      `(service web) (task ${TASK}) (port 80) is unhealthy in (target-group tg-arn) due to (reason Request timed out).`,
    ],
    [serviceEvents.unableToPlace("web"), "(service web) was unable to place a task because no container instance met all of its requirements."],
    [
      serviceEvents.unableToPlace("web", { containerInstanceId: "ci-1", detail: "has insufficient memory available" }),
      "(service web) was unable to place a task because no container instance met all of its requirements. The closest matching " +
        "(container-instance ci-1) has insufficient memory available. For more information, see the Troubleshooting section of " +
        "the Amazon ECS Developer Guide.",
    ],
    [
      serviceEvents.unableToPlaceReason("web", "You've reached the limit on the number of tasks you can run concurrently"),
      "(service web) was unable to place a task. Reason: You've reached the limit on the number of tasks you can run concurrently.",
    ],
    [serviceEvents.failedToLaunch("web", "boom"), "(service web) failed to launch a task with (error boom)."],
    [serviceEvents.unableToConsistentlyStart("web"), "(service web) is unable to consistently start tasks successfully."],
    [serviceEvents.operationsThrottled("web"), "(service web) operations are being throttled. Will try again later."],
    [
      serviceEvents.crashLooping("web", 3, 1, Date.UTC(2026, 0, 1, 12, 0, 10)),
      "(service web) is crash-looping: 3 task(s) stopped within 1 s of starting; launches back off until 2026-01-01T12:00:10.000Z.",
    ],
    [
      serviceEvents.deploymentConfigurationStuck("web"),
      "(service web) was unable to stop or start tasks during a deployment because of the service deployment configuration. " +
        "Update the minimumHealthyPercent or maximumPercent value and try again.",
    ],
  ];
  for (const [actual, expected] of cases) it(expected, () => assert.equal(actual, expected));
});

describe("stop and rollout reasons", () => {
  it("match ECS's stoppedReason and rolloutStateReason texts", () => {
    assert.equal(stopReasons.scalingActivity(DEP), `Scaling activity initiated by (deployment ${DEP})`);
    assert.equal(stopReasons.failedContainerHealthChecks, "Task failed container health checks");
    assert.equal(stopReasons.failedElbHealthChecks("arn:tg"), "Task failed ELB health checks in (target-group arn:tg)");
    assert.equal(rolloutReasons.inProgress(DEP), `ECS deployment ${DEP} in progress.`);
    assert.equal(rolloutReasons.completed(DEP), `ECS deployment ${DEP} completed.`);
    assert.equal(rolloutReasons.circuitBreakerFailed, "ECS deployment circuit breaker: tasks failed to start.");
    assert.equal(rolloutReasons.rollingBack(DEP), `ECS deployment circuit breaker: rolling back to deploymentId ${DEP}.`);
  });

  it("recognises health-check stops", () => {
    assert.ok(isHealthCheckStopReason(stopReasons.failedContainerHealthChecks));
    assert.ok(isHealthCheckStopReason(stopReasons.failedElbHealthChecks("x")));
    assert.ok(!isHealthCheckStopReason(stopReasons.scalingActivity(DEP)));
    assert.ok(!isHealthCheckStopReason(undefined));
  });

  it("taskIdOf takes the id off a task ARN", () => {
    assert.equal(taskIdOf(`arn:aws:ecs:us-east-1:123456789012:task/default/${TASK}`), TASK);
    assert.equal(taskIdOf(TASK), TASK);
  });
});

describe("isRepeatSuppressed / mergeEvents", () => {
  const now = 1_000_000_000;
  const steady = serviceEvents.steadyState("web");
  it("holds back a message identical to the newest one for 6 hours", () => {
    assert.ok(isRepeatSuppressed(steady, [{ createdAt: now - 1, message: steady }], now));
    assert.ok(!isRepeatSuppressed(steady, [{ createdAt: now - EVENT_REPEAT_INTERVAL_MS, message: steady }], now));
    assert.ok(!isRepeatSuppressed(steady, [{ createdAt: now, message: "other" }, { createdAt: now, message: steady }], now));
    assert.ok(!isRepeatSuppressed(steady, [], now));
  });

  it("keeps the newest 100, newest first", () => {
    const existing = Array.from({ length: MAX_SERVICE_EVENTS }, (_, i) => ({ createdAt: now - i - 1, message: `old ${i}` }));
    const merged = mergeEvents(existing, [
      { createdAt: now, message: "first" },
      { createdAt: now, message: "second" },
    ]);
    assert.equal(merged.length, MAX_SERVICE_EVENTS);
    assert.deepEqual(merged.slice(0, 3).map((e) => e.message), ["second", "first", "old 0"]);
    assert.equal(merged.at(-1)!.message, "old 97");
  });
});

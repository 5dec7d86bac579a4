// ECS's service event messages, stoppedReason and rolloutStateReason texts, character for
// character (ecs-behavior.md §2.3, §4.4, §5.2): tools and people grep for them.

import type { ServiceEventRecord } from "./types.js";

/** ECS keeps and returns the 100 newest events of a service. */
export const MAX_SERVICE_EVENTS = 100;

/** An identical message is not repeated until the cause changes or this long has passed. */
export const EVENT_REPEAT_INTERVAL_MS = 6 * 60 * 60_000;

/** The id at the end of a task ARN (`.../task/<cluster>/<id>`), or the ARN itself. */
export function taskIdOf(taskArn: string): string {
  const slash = taskArn.lastIndexOf("/");
  return slash < 0 ? taskArn : taskArn.slice(slash + 1);
}

const svc = (serviceName: string): string => `(service ${serviceName})`;
const taskList = (taskIds: readonly string[]): string => taskIds.map((id) => `(task ${id})`).join(" ");

export const serviceEvents = {
  steadyState: (serviceName: string): string => `${svc(serviceName)} has reached a steady state.`,

  /** `replacedUnhealthy` adds ECS's note when the tasks replace unhealthy ones. */
  startedTasks: (serviceName: string, taskIds: readonly string[], replacedUnhealthy = 0): string =>
    `${svc(serviceName)} has started ${taskIds.length} tasks: ${taskList(taskIds)}.` +
    (replacedUnhealthy > 0 ? ` Amazon ECS replaced ${replacedUnhealthy} tasks due to an unhealthy status.` : ""),

  stoppedTasks: (serviceName: string, taskIds: readonly string[]): string =>
    `${svc(serviceName)} has stopped ${taskIds.length} running tasks: ${taskList(taskIds)}.`,

  drainingConnections: (serviceName: string, count: number): string =>
    `${svc(serviceName)} has begun draining connections on ${count} tasks.`,

  registeredTargets: (serviceName: string, count: number, targetGroupArn: string): string =>
    `${svc(serviceName)} registered ${count} targets in (target-group ${targetGroupArn})`,

  deregisteredTargets: (serviceName: string, count: number, targetGroupArn: string): string =>
    `${svc(serviceName)} deregistered ${count} targets in (target-group ${targetGroupArn})`,

  deploymentCompleted: (serviceName: string, deploymentId: string): string =>
    `${svc(serviceName)} (deployment ${deploymentId}) deployment completed.`,

  deploymentFailed: (serviceName: string, deploymentId: string): string =>
    `${svc(serviceName)} (deployment ${deploymentId}) deployment failed: tasks failed to start.`,

  rollingBack: (serviceName: string, targetDeploymentId: string): string =>
    `${svc(serviceName)} rolling back to deployment ${targetDeploymentId}.`,

  failedContainerHealthChecks: (serviceName: string, taskId: string): string =>
    `${svc(serviceName)} (task ${taskId}) failed container health checks.`,

  /** EC2 form with `instanceId`; the Fargate/awsvpc form leaves it out. */
  unhealthyInTargetGroup: (
    serviceName: string,
    taskId: string,
    port: number,
    targetGroup: string,
    reason: string,
    instanceId?: string,
  ): string =>
    `${svc(serviceName)} (task ${taskId}) ${instanceId ? `(instance ${instanceId}) ` : ""}(port ${port}) ` +
    `is unhealthy in (target-group ${targetGroup}) due to (reason ${reason}).`,

  /**
   * `closest` names the container instance that passed the most checks and what it lacked, e.g.
   * `has insufficient memory available` or `is already using a port required by your task`.
   */
  unableToPlace: (serviceName: string, closest?: { containerInstanceId: string; detail: string }): string =>
    `${svc(serviceName)} was unable to place a task because no container instance met all of its requirements.` +
    (closest
      ? ` The closest matching (container-instance ${closest.containerInstanceId}) ${closest.detail}.` +
        " For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."
      : ""),

  unableToPlaceReason: (serviceName: string, reason: string): string =>
    `${svc(serviceName)} was unable to place a task. Reason: ${reason}.`,

  failedToLaunch: (serviceName: string, error: string): string =>
    `${svc(serviceName)} failed to launch a task with (error ${error}).`,

  unableToConsistentlyStart: (serviceName: string): string =>
    `${svc(serviceName)} is unable to consistently start tasks successfully.`,

  /**
   * berth's (ECS has no crash-loop back-off): a new round of tasks that stopped by themselves soon
   * after RUNNING; `seconds` is the longest of those runs, rounded up.
   */
  crashLooping: (serviceName: string, crashes: number, seconds: number, until: number): string =>
    `${svc(serviceName)} is crash-looping: ${crashes} task(s) stopped within ${seconds} s of starting; ` +
    `launches back off until ${new Date(until).toISOString()}.`,

  operationsThrottled: (serviceName: string): string =>
    `${svc(serviceName)} operations are being throttled. Will try again later.`,

  deploymentConfigurationStuck: (serviceName: string): string =>
    `${svc(serviceName)} was unable to stop or start tasks during a deployment because of the service ` +
    "deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again.",
} as const;

/** stoppedReason texts of tasks the scheduler stops (stopCode ServiceSchedulerInitiated). */
export const stopReasons = {
  /** Scale-in, deployment replacement, draining and daemon moves all use this text. */
  scalingActivity: (primaryDeploymentId: string): string => `Scaling activity initiated by (deployment ${primaryDeploymentId})`,
  failedContainerHealthChecks: "Task failed container health checks",
  failedElbHealthChecks: (targetGroupArn: string): string => `Task failed ELB health checks in (target-group ${targetGroupArn})`,
} as const;

/** True when a stoppedReason says the scheduler stopped the task for failing health checks. */
export function isHealthCheckStopReason(reason: string | undefined): boolean {
  return reason !== undefined && (reason.startsWith("Task failed container health checks") || reason.startsWith("Task failed ELB health checks"));
}

/** rolloutStateReason texts. */
export const rolloutReasons = {
  inProgress: (deploymentId: string): string => `ECS deployment ${deploymentId} in progress.`,
  completed: (deploymentId: string): string => `ECS deployment ${deploymentId} completed.`,
  circuitBreakerFailed: "ECS deployment circuit breaker: tasks failed to start.",
  rollingBack: (targetDeploymentId: string): string =>
    `ECS deployment circuit breaker: rolling back to deploymentId ${targetDeploymentId}.`,
} as const;

/**
 * Whether to hold back `message`: ECS does not repeat an identical message until something else
 * has been said in between or 6 hours have passed. `events` is newest first.
 */
export function isRepeatSuppressed(message: string, events: readonly ServiceEventRecord[] | undefined, now: number): boolean {
  const newest = events?.[0];
  return newest !== undefined && newest.message === message && now - newest.createdAt < EVENT_REPEAT_INTERVAL_MS;
}

/**
 * The service's events after adding `added` (in the order they were emitted, so the last one is
 * the newest): newest first, at most MAX_SERVICE_EVENTS.
 */
export function mergeEvents<E extends ServiceEventRecord>(existing: readonly E[], added: readonly E[]): E[] {
  return [...added].reverse().concat(existing).slice(0, MAX_SERVICE_EVENTS);
}

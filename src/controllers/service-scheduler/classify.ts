// Sorting a service's tasks into buckets before deciding anything (as Nomad's reconciler does):
// each later step is a small function over these buckets instead of re-testing statuses.
//
// What counts as healthy (ecs-behavior.md §4.1):
// - a task is healthy only while RUNNING with desiredStatus RUNNING;
// - with container health checks, its healthStatus must be HEALTHY; with a load balancer, its
//   targets must be healthy too; with neither, ECS counts it 40 s after it reached RUNNING;
// - during healthCheckGracePeriodSeconds after it started, UNHEALTHY is ignored: the task is
//   still "starting", neither healthy nor to be replaced.

import { isHealthCheckStopReason, stopReasons } from "./events.js";
import {
  OCCUPYING_STATUSES,
  PENDING_STATUSES,
  type ObservedDeployment,
  type ObservedService,
  type ObservedTask,
} from "./types.js";

/** Without container health checks or a load balancer, ECS waits this long after RUNNING. */
export const NO_HEALTH_CHECK_WAIT_MS = 40_000;

export type LivePhase = "pending" | "starting" | "healthy" | "unhealthy";

export interface LiveTask {
  readonly task: ObservedTask;
  readonly deployment?: ObservedDeployment;
  readonly isPrimary: boolean;
  readonly phase: LivePhase;
  /** On a container instance that is DRAINING (or leaving): to be replaced elsewhere. */
  readonly onDrainingInstance: boolean;
  /** For unhealthy tasks: the stoppedReason to stop them with. */
  readonly unhealthyReason?: string;
  /** When the task's health may change on the clock alone (40 s wait or grace period end). */
  readonly recheckAt?: number;
}

export interface TaskBuckets {
  /** desiredStatus RUNNING and not yet past RUNNING. */
  readonly live: readonly LiveTask[];
  /** Ordered to stop, or past RUNNING on the way to STOPPED. */
  readonly stopping: readonly ObservedTask[];
  /** STOPPED (or DELETED): only failure accounting reads these. */
  readonly stopped: readonly ObservedTask[];
  /** Tasks counted by maximumPercent: lastStatus RUNNING or before, whatever their desiredStatus. */
  readonly occupying: number;
  /** Tasks whose deployment is not among the observed deployments. */
  readonly orphans: number;
}

interface HealthVerdict {
  readonly phase: "starting" | "healthy" | "unhealthy";
  readonly unhealthyReason?: string;
  readonly recheckAt?: number;
}

/** Health of a RUNNING task whose desiredStatus is RUNNING. */
export function runningHealth(
  task: ObservedTask,
  deployment: ObservedDeployment | undefined,
  service: ObservedService,
  now: number,
): HealthVerdict {
  const startedAt = task.startedAt ?? task.createdAt;
  const containerChecks = deployment?.containerHealthChecks === true;
  const loadBalanced = service.loadBalanced === true;

  if (!containerChecks && !loadBalanced) {
    const healthyAt = startedAt + NO_HEALTH_CHECK_WAIT_MS;
    return now >= healthyAt ? { phase: "healthy" } : { phase: "starting", recheckAt: healthyAt };
  }

  const container = containerChecks ? (task.healthStatus ?? "UNKNOWN") : "HEALTHY";
  const target = loadBalanced ? (task.loadBalancerHealth?.status ?? "UNKNOWN") : "HEALTHY";
  if (container === "UNHEALTHY" || target === "UNHEALTHY") {
    const graceEnd = startedAt + (service.healthCheckGracePeriodSeconds ?? 0) * 1000;
    if (now < graceEnd) return { phase: "starting", recheckAt: graceEnd };
    const reason =
      container === "UNHEALTHY"
        ? stopReasons.failedContainerHealthChecks
        : stopReasons.failedElbHealthChecks(task.loadBalancerHealth?.unhealthyTargetGroupArn ?? "unknown");
    return { phase: "unhealthy", unhealthyReason: reason };
  }
  if (container === "HEALTHY" && target === "HEALTHY") return { phase: "healthy" };
  return { phase: "starting" };
}

/** An instance that takes no new tasks and whose service tasks must move elsewhere. */
export function isDrainingInstanceStatus(status: string | undefined): boolean {
  return status === "DRAINING" || status === "DEREGISTERING" || status === "INACTIVE";
}

export function classifyTasks(
  tasks: readonly ObservedTask[],
  deployments: readonly ObservedDeployment[],
  primaryId: string | undefined,
  service: ObservedService,
  now: number,
): TaskBuckets {
  const byId = new Map(deployments.map((d) => [d.id, d]));
  const live: LiveTask[] = [];
  const stopping: ObservedTask[] = [];
  const stopped: ObservedTask[] = [];
  let occupying = 0;
  let orphans = 0;

  for (const task of tasks) {
    if (task.lastStatus === "STOPPED" || task.lastStatus === "DELETED") {
      stopped.push(task);
      continue;
    }
    const deployment = byId.get(task.deploymentId);
    if (deployment === undefined) orphans++;
    if (OCCUPYING_STATUSES.has(task.lastStatus)) occupying++;
    if (task.desiredStatus !== "RUNNING" || !OCCUPYING_STATUSES.has(task.lastStatus)) {
      stopping.push(task);
      continue;
    }
    const isPrimary = task.deploymentId === primaryId;
    const onDrainingInstance = isDrainingInstanceStatus(task.instanceStatus);
    if (PENDING_STATUSES.has(task.lastStatus)) {
      live.push({ task, deployment, isPrimary, onDrainingInstance, phase: "pending" });
    } else {
      const h = runningHealth(task, deployment, service, now);
      live.push({
        task,
        deployment,
        isPrimary,
        onDrainingInstance,
        phase: h.phase,
        ...(h.unhealthyReason !== undefined ? { unhealthyReason: h.unhealthyReason } : {}),
        ...(h.recheckAt !== undefined ? { recheckAt: h.recheckAt } : {}),
      });
    }
  }
  return { live, stopping, stopped, occupying, orphans };
}

/**
 * Whether a STOPPED task had been healthy before it stopped, judged from what its record still
 * shows: it reached RUNNING, was not stopped for failing health checks, and either its last
 * reported health was HEALTHY or (without checks) it ran at least 40 s.
 */
export function wasHealthyBeforeStopping(
  task: ObservedTask,
  deployment: ObservedDeployment | undefined,
  service: ObservedService,
): boolean {
  if (task.startedAt === undefined) return false;
  if (isHealthCheckStopReason(task.stoppedReason)) return false;
  const containerChecks = deployment?.containerHealthChecks === true;
  const loadBalanced = service.loadBalanced === true;
  if (!containerChecks && !loadBalanced) {
    const end = task.stoppingAt ?? task.stoppedAt ?? task.startedAt;
    return end - task.startedAt >= NO_HEALTH_CHECK_WAIT_MS;
  }
  if (containerChecks && task.healthStatus !== "HEALTHY") return false;
  if (loadBalanced && task.loadBalancerHealth?.status !== "HEALTHY") return false;
  return true;
}

/**
 * Whether a STOPPED task counts as a failure of its deployment (circuit breaker) — it never got
 * healthy, or the scheduler stopped it for failing health checks. Stops that someone chose
 * (StopTask, scale-in, a deployment, draining, Spot interruption) are not failures.
 */
export function isFailedTask(
  task: ObservedTask,
  deployment: ObservedDeployment | undefined,
  service: ObservedService,
): boolean {
  switch (task.stopCode) {
    case "UserInitiated":
    case "SpotInterruption":
    case "TerminationNotice":
      return false;
    case "ServiceSchedulerInitiated":
      return isHealthCheckStopReason(task.stoppedReason);
    default:
      return !wasHealthyBeforeStopping(task, deployment, service);
  }
}

/** A failure that never reached RUNNING: what launch throttling counts (ecs-behavior.md §4.7). */
export function isStartFailure(task: ObservedTask, deployment: ObservedDeployment | undefined, service: ObservedService): boolean {
  return task.startedAt === undefined && isFailedTask(task, deployment, service);
}

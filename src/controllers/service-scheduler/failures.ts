// Failure accounting: what the stopped tasks mean for launch throttling (ecs-behavior.md §4.7)
// and for each deployment's failedTasks, the circuit breaker's count (§4.4, §4.5).
//
// Both are counters that must outlive the stopped tasks, so they live in the store (the
// service's FailureTracking, the deployment's failedTasks) and each pass adds only the stops it
// has not counted yet, found by a watermark on stoppedAt. That keeps decide() level-based: the
// same snapshot decided twice counts nothing twice.
//
// Throttling counts launch *rounds*, not tasks: ten tasks launched together that all fail are
// one failed attempt, so a batch does not jump straight to the 27-minute wait. A failure opens a
// new round when its task was created after the previous counted failure (it was launched by a
// later attempt); a task of the PRIMARY deployment reaching RUNNING after the last failure ends
// the streak.
//
// The circuit breaker counts every task of a deployment that stopped without having been healthy
// (stage 1: never reached RUNNING; stage 2: failed before or by its health checks). The first
// healthy task of a deployment resets its count once (stage 1 → stage 2); tasks that were healthy
// and then stopped are not failures.
//
// Tasks that reach RUNNING and stop by themselves soon after feed berth's crash-loop back-off
// (crash-loop.ts) instead; launches wait for whichever back-off ends later.

import { isFailedTask, isStartFailure, wasHealthyBeforeStopping, type TaskBuckets } from "./classify.js";
import { countCrashes, sameCrashLoop, type CrashCount } from "./crash-loop.js";
import { THROTTLE_EVENT_FAILURES, launchBackoffDelayMs } from "./rollout-math.js";
import {
  INITIAL_FAILURE_TRACKING,
  type FailureTracking,
  type ObservedDeployment,
  type ObservedService,
  type ObservedTask,
} from "./types.js";

export interface FailureAccounting {
  readonly tracking: FailureTracking;
  readonly trackingChanged: boolean;
  /** failedTasks per deployment id after this pass. */
  readonly failedTasks: ReadonlyMap<string, number>;
  /** hadHealthyTask per deployment id after this pass. */
  readonly hadHealthyTask: ReadonlyMap<string, boolean>;
  /** No launch before this time (epoch ms): the later of the two back-offs; absent when neither. */
  readonly launchBackoffUntil?: number;
  /** ECS's launch throttling after failed starts (§4.7). */
  readonly startBackoffUntil?: number;
  /** berth's crash-loop back-off (crash-loop.ts). */
  readonly crashBackoffUntil?: number;
  /** The streak reached the throttling level in this pass: say so in an event. */
  readonly throttleStarted: boolean;
  /** A new crash round started or lengthened the crash-loop back-off in this pass: say so. */
  readonly crashLoopLengthened: boolean;
}

function isNewlyStopped(task: ObservedTask, tracking: FailureTracking, counted: ReadonlySet<string>): boolean {
  const at = task.stoppedAt;
  if (at === undefined) return false;
  return at > tracking.countedThrough || (at === tracking.countedThrough && !counted.has(task.taskArn));
}

function sameTracking(a: FailureTracking, b: FailureTracking): boolean {
  return (
    a.countedThrough === b.countedThrough &&
    a.consecutiveStartFailures === b.consecutiveStartFailures &&
    a.lastStartFailureAt === b.lastStartFailureAt &&
    a.deploymentId === b.deploymentId &&
    sameCrashLoop(a.crashLoop, b.crashLoop) &&
    a.countedAtWatermark.length === b.countedAtWatermark.length &&
    a.countedAtWatermark.every((arn, i) => arn === b.countedAtWatermark[i])
  );
}

export function accountFailures(
  service: ObservedService,
  deployments: readonly ObservedDeployment[],
  primary: ObservedDeployment | undefined,
  buckets: TaskBuckets,
  now: number,
): FailureAccounting {
  const before = service.failureTracking ?? INITIAL_FAILURE_TRACKING;
  const byId = new Map(deployments.map((d) => [d.id, d]));
  const failedTasks = new Map(deployments.map((d) => [d.id, d.failedTasks]));
  const hadHealthy = new Map(deployments.map((d) => [d.id, d.hadHealthyTask === true]));

  let streak = before.consecutiveStartFailures;
  let lastFailureAt = before.lastStartFailureAt;
  let trackedDeployment = before.deploymentId;
  let crashLoop = before.crashLoop;
  if (primary !== undefined && trackedDeployment !== primary.id) {
    // A new deployment returns the service to normal, non-throttled launching at once.
    streak = 0;
    lastFailureAt = undefined;
    crashLoop = undefined;
    trackedDeployment = primary.id;
  }

  const counted = new Set(before.countedAtWatermark);
  const fresh = buckets.stopped
    .filter((t) => isNewlyStopped(t, before, counted))
    .sort((a, b) => a.stoppedAt! - b.stoppedAt! || (a.taskArn < b.taskArn ? -1 : a.taskArn > b.taskArn ? 1 : 0));

  const becameHealthy = new Set<string>();
  for (const task of fresh) {
    const deployment = byId.get(task.deploymentId);
    if (deployment === undefined) continue;
    if (wasHealthyBeforeStopping(task, deployment, service)) {
      if (!hadHealthy.get(deployment.id)) becameHealthy.add(deployment.id);
      continue;
    }
    if (isFailedTask(task, deployment, service)) {
      failedTasks.set(deployment.id, (failedTasks.get(deployment.id) ?? 0) + 1);
    }
    if (deployment.id === primary?.id && isStartFailure(task, deployment, service)) {
      if (lastFailureAt === undefined || task.createdAt > lastFailureAt) streak++;
      lastFailureAt = Math.max(lastFailureAt ?? 0, task.stoppedAt!);
    }
  }

  for (const live of buckets.live) {
    if (live.phase === "healthy" && live.deployment !== undefined && !hadHealthy.get(live.deployment.id)) {
      becameHealthy.add(live.deployment.id);
    }
  }
  for (const id of becameHealthy) {
    hadHealthy.set(id, true);
    failedTasks.set(id, 0);
  }

  if (primary !== undefined && lastFailureAt !== undefined && streak > 0) {
    const started = (t: ObservedTask) => t.deploymentId === primary.id && t.startedAt !== undefined && t.startedAt > lastFailureAt!;
    if (buckets.live.some((l) => started(l.task)) || buckets.stopping.some(started) || buckets.stopped.some(started)) {
      streak = 0;
    }
  }

  const ofPrimary = (t: ObservedTask) => t.deploymentId === primary?.id;
  const primaryTasks = [...buckets.live.map((l) => l.task), ...buckets.stopping, ...buckets.stopped].filter(ofPrimary);
  const crashes: CrashCount = primary === undefined ? { lengthened: false } : countCrashes(crashLoop, fresh.filter(ofPrimary), primaryTasks, now);

  let countedThrough = before.countedThrough;
  let atWatermark = [...before.countedAtWatermark];
  for (const task of fresh) {
    if (task.stoppedAt! > countedThrough) {
      countedThrough = task.stoppedAt!;
      atWatermark = [];
    }
    atWatermark.push(task.taskArn);
  }

  const tracking: FailureTracking = {
    countedThrough,
    countedAtWatermark: atWatermark,
    consecutiveStartFailures: streak,
    ...(lastFailureAt !== undefined ? { lastStartFailureAt: lastFailureAt } : {}),
    ...(trackedDeployment !== undefined ? { deploymentId: trackedDeployment } : {}),
    ...(crashes.tracking !== undefined ? { crashLoop: crashes.tracking } : {}),
  };
  const delay = launchBackoffDelayMs(streak);
  const startUntil = delay > 0 && lastFailureAt !== undefined ? lastFailureAt + delay : undefined;
  const crashUntil = crashes.backoffUntil;
  const until = Math.max(startUntil ?? -Infinity, crashUntil ?? -Infinity);
  const previousStreak = before.deploymentId === trackedDeployment ? before.consecutiveStartFailures : 0;
  return {
    tracking,
    trackingChanged: !sameTracking(before, tracking),
    failedTasks,
    hadHealthyTask: hadHealthy,
    ...(Number.isFinite(until) ? { launchBackoffUntil: until } : {}),
    ...(startUntil !== undefined ? { startBackoffUntil: startUntil } : {}),
    ...(crashUntil !== undefined ? { crashBackoffUntil: crashUntil } : {}),
    throttleStarted: previousStreak < THROTTLE_EVENT_FAILURES && streak >= THROTTLE_EVENT_FAILURES,
    crashLoopLengthened: crashes.lengthened,
  };
}

/**
 * The decision-log lines for the back-offs holding launches at `now`: ECS's throttling after
 * failed starts, and berth's crash-loop back-off with the newest crash's reason.
 */
export function backoffWaits(accounting: FailureAccounting, now: number): string[] {
  const waits: string[] = [];
  const { startBackoffUntil: start, crashBackoffUntil: crash, tracking } = accounting;
  if (start !== undefined && start > now) {
    waits.push(
      `launches are backed off after ${tracking.consecutiveStartFailures} consecutive failed launches ` +
        `until ${new Date(start).toISOString()}`,
    );
  }
  if (crash !== undefined && crash > now && tracking.crashLoop !== undefined) {
    const loop = tracking.crashLoop;
    waits.push(`crash-loop back-off until ${new Date(crash).toISOString()} after ${loop.crashes} crashes; last: ${loop.lastReason}`);
  }
  return waits;
}

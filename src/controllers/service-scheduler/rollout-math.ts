// The rolling update's arithmetic (ecs-behavior.md §4.2, §4.5, §4.7), pure and integer-only.
//
// ECS states the walls as percents of desiredCount and rounds them in the safe direction for
// each: the floor under healthy tasks rounds UP, the ceiling over running + pending rounds DOWN.
// (Kubernetes rounds the other way round for maxSurge/maxUnavailable because it states the
// slack, not the walls; see src/k8s/rollout-math.ts.)
//
//   minimumHealthy = ceil(desired × minimumHealthyPercent / 100)
//   maximumTotal   = floor(desired × maximumPercent / 100)
//
// Worked examples (the AWS guide's own, plus the edge cases):
//   desired 4,  min 50  → ceil(2)    = 2: two old tasks may stop before any new one is healthy.
//   desired 2,  min 75  → ceil(1.5)  = 2: nothing may stop first.
//   desired 4,  max 200 → floor(8)   = 8: four new tasks may start before any old one stops.
//   desired 3,  max 125 → floor(3.75)= 3: no extra task may start.
//   desired 10, min 50, max 150 → 5 and 15: start 5 new, stop 5 old, in the same pass.
//   desired 0   → 0 and 0: every task may stop, none may start (scale to zero, delete).
//   min 0       → minimumHealthy 0: every old task may stop at once (downtime allowed).
//   max 100     → maximumTotal = desired: nothing starts until something stops, so the rollout
//                 is stop-then-start, as far as minimumHealthy lets it stop.
//   min 100 & max 100 (or desired 1 with min 50 & max 150: ceil(0.5) = 1, floor(1.5) = 1) →
//                 neither a start nor a stop is ever allowed while old tasks are healthy; ECS
//                 leaves the deployment stuck and says so with the event "was unable to stop or
//                 start tasks during a deployment because of the service deployment
//                 configuration" (see isStuckConfiguration).

/** floor(a / b) for integers a ≥ 0, b > 0, without floating-point division. */
function floorDiv(a: number, b: number): number {
  return (a - (a % b)) / b;
}

/** ceil(a / b) for integers a ≥ 0, b > 0. */
function ceilDiv(a: number, b: number): number {
  return floorDiv(a + b - 1, b);
}

function assertCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, found ${value}`);
  }
}

/** ceil(desired × minimumHealthyPercent / 100): the fewest healthy tasks a rollout may leave. */
export function minimumHealthyTasks(desired: number, minimumHealthyPercent: number): number {
  assertCount("desiredCount", desired);
  assertCount("minimumHealthyPercent", minimumHealthyPercent);
  return ceilDiv(desired * minimumHealthyPercent, 100);
}

/** floor(desired × maximumPercent / 100): the most running + pending tasks a rollout may have. */
export function maximumTotalTasks(desired: number, maximumPercent: number): number {
  assertCount("desiredCount", desired);
  assertCount("maximumPercent", maximumPercent);
  return floorDiv(desired * maximumPercent, 100);
}

/**
 * How many tasks may start now: the room under maximumTotal. Tasks ordered to stop but still
 * RUNNING occupy room until the agent moves them on, which is what makes max 100 stop-then-start.
 * Example: desired 4, max 150 → maximumTotal 6; 4 old + 1 new pending = 5 → 1 more may start.
 */
export function launchHeadroom(maximumTotal: number, total: number): number {
  return Math.max(0, maximumTotal - total);
}

/**
 * How many healthy tasks may stop now. Tasks that are not healthy (pending, still starting,
 * unhealthy) never count toward minimumHealthy, so stopping them needs no budget.
 * Example: desired 4, min 50 → minimumHealthy 2; 4 healthy old tasks → 2 may stop; after two new
 * tasks turn healthy (healthy = 4 again) two more may stop.
 */
export function stopBudget(healthy: number, minimumHealthy: number): number {
  return Math.max(0, healthy - minimumHealthy);
}

/**
 * True when, with every task of an old deployment healthy and nothing in flight, the bounds
 * allow neither a start nor a stop: minimumHealthy ≥ desired and maximumTotal ≤ desired.
 * Examples: (desired 2, 100, 100) → 2 ≥ 2 and 2 ≤ 2: stuck. (desired 1, 50, 150) → 1 and 1:
 * stuck. (desired 4, 50, 150) → 2 and 6: not stuck. (desired 0, any) → nothing to roll: not stuck.
 */
export function isStuckConfiguration(desired: number, minimumHealthyPercent: number, maximumPercent: number): boolean {
  if (desired === 0) return false;
  return (
    minimumHealthyTasks(desired, minimumHealthyPercent) >= desired && maximumTotalTasks(desired, maximumPercent) <= desired
  );
}

export const CIRCUIT_BREAKER_MIN_THRESHOLD = 3;
export const CIRCUIT_BREAKER_MAX_THRESHOLD = 200;

/**
 * The deployment circuit breaker's failure threshold: 0.5 × desired, at least 3, at most 200
 * (current API reference; the 2023 guide said at least 10). Half rounds up.
 * Examples: desired 1 → ceil(0.5) = 1 → 3. desired 10 → 5. desired 25 → ceil(12.5) = 13.
 * desired 800 → 400 → 200.
 */
export function circuitBreakerThreshold(desired: number): number {
  assertCount("desiredCount", desired);
  const half = ceilDiv(desired, 2);
  return Math.min(CIRCUIT_BREAKER_MAX_THRESHOLD, Math.max(CIRCUIT_BREAKER_MIN_THRESHOLD, half));
}

/**
 * The longest wait between launch attempts of a service whose tasks keep failing to reach
 * RUNNING. The current guide says 27 minutes ("subject to change"); the 2023 guide said 15.
 */
export const LAUNCH_BACKOFF_MAX_MS = 27 * 60_000;

/** The first throttled wait; ECS documents only "incrementally increased", so this is berth's. */
export const LAUNCH_BACKOFF_BASE_MS = 15_000;

/**
 * Wait before the next launch after `consecutiveFailures` failed launch rounds. The first failure
 * is replaced at once (a single failed start is not "repeatedly"); from the second on the wait
 * doubles from 15 s up to the 27-minute cap:
 *   1 → 0, 2 → 15 s, 3 → 30 s, 4 → 1 min, 5 → 2 min, 6 → 4 min, 7 → 8 min, 8 → 16 min,
 *   9 → 27 min (32 capped), and 27 min from then on.
 */
export function launchBackoffDelayMs(consecutiveFailures: number): number {
  if (consecutiveFailures <= 1) return 0;
  const doublings = Math.min(consecutiveFailures - 2, 30);
  return Math.min(LAUNCH_BACKOFF_MAX_MS, LAUNCH_BACKOFF_BASE_MS * 2 ** doublings);
}

/** The round from which ECS says "is unable to consistently start tasks successfully.". */
export const THROTTLE_EVENT_FAILURES = 2;

// Retry delays, pure: exponential with a cap and jitter, the rng passed in. The ECS agent uses
// 250 ms → 2 min (×1.5, 20 % jitter) to reconnect ACS and 1 s → 30 s (×1.3, 20 %) to resubmit
// state changes (ecs-behavior.md §11.2, §11.3).

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** Fraction of the delay randomized either way: 0.2 gives ±20 %. */
  jitter: number;
}

export const RECONNECT_BACKOFF: BackoffPolicy = { initialMs: 250, maxMs: 120_000, factor: 1.5, jitter: 0.2 };
export const REPORT_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 30_000, factor: 1.3, jitter: 0.2 };

/**
 * The delay before retry number `attempt` (0 = the first retry). With RECONNECT_BACKOFF and
 * rng() = 0.5 (no jitter): 250, 375, 562, 844, ... and 120000 from the 17th retry on.
 */
export function backoffDelay(policy: BackoffPolicy, attempt: number, rng: () => number): number {
  const base = Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.max(0, attempt));
  const spread = base * policy.jitter * (2 * rng() - 1);
  return Math.max(0, Math.round(Math.min(policy.maxMs, base + spread)));
}

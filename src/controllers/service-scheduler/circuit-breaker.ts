// The deployment circuit breaker (ecs-behavior.md §4.5).
//
// It watches only the PRIMARY deployment while its rollout is IN_PROGRESS. When the deployment's
// failedTasks reaches the threshold (0.5 × desired, 3..200) the rollout is FAILED and the
// deployment launches nothing more. With rollback, ECS starts a new deployment with the task
// definition of the most recent deployment that reached COMPLETED; that deployment is not a
// rollback target again until a deployment rolled back to it has itself COMPLETED (AWS: "the
// deployment changes from COMPLETED to IN_PROGRESS ... not eligible for another rollback until it
// reaches a COMPLETED state"). With no such deployment the rollout stalls.

import { circuitBreakerThreshold } from "./rollout-math.js";
import type { ObservedDeployment, ObservedService } from "./types.js";

export interface BreakerState {
  readonly enabled: boolean;
  readonly threshold?: number;
  /** The PRIMARY's rollout has just crossed the threshold in this pass. */
  readonly trips: boolean;
  /** The PRIMARY's rollout is FAILED (now or earlier): nothing more is launched for it. */
  readonly failed: boolean;
  readonly rollbackTarget?: ObservedDeployment;
}

/** The most recent COMPLETED deployment other than `failed` that is not already being rolled back to. */
export function findRollbackTarget(
  deployments: readonly ObservedDeployment[],
  failed: ObservedDeployment,
): ObservedDeployment | undefined {
  const taken = new Set(
    deployments.filter((d) => d.rollbackTargetId !== undefined && d.rolloutState !== "COMPLETED").map((d) => d.rollbackTargetId),
  );
  let best: ObservedDeployment | undefined;
  for (const d of deployments) {
    if (d.id === failed.id || d.rolloutState !== "COMPLETED" || taken.has(d.id)) continue;
    if (best === undefined || d.createdAt > best.createdAt) best = d;
  }
  return best;
}

export function evaluateBreaker(
  service: ObservedService,
  allDeployments: readonly ObservedDeployment[],
  primary: ObservedDeployment,
  primaryFailedTasks: number,
  desired: number,
): BreakerState {
  const breaker = service.deploymentConfiguration.deploymentCircuitBreaker;
  const alreadyFailed = primary.rolloutState === "FAILED";
  if (breaker?.enable !== true) return { enabled: false, trips: false, failed: alreadyFailed };
  const threshold = circuitBreakerThreshold(desired);
  const inProgress = primary.rolloutState === undefined || primary.rolloutState === "IN_PROGRESS";
  const trips = inProgress && primaryFailedTasks >= threshold;
  const failed = alreadyFailed || trips;
  const rollbackTarget = failed && breaker.rollback ? findRollbackTarget(allDeployments, primary) : undefined;
  return { enabled: true, threshold, trips, failed, ...(rollbackTarget ? { rollbackTarget } : {}) };
}

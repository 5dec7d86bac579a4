// Task sets as berth stores them: inside their service's record (a service has at most
// MAX_TASK_SETS of them), so that a change of primary — two task sets and the service's own
// fields — is one guarded write. ECS's TaskSet shape, plus the scheduler's bookkeeping.
import type { Tag } from "@aws-sdk/client-ecs";
import type { FailureTracking } from "../controllers/index.js";
import type { Scope } from "../model/index.js";
import type { ServiceRecord } from "./service-records.js";

export type TaskSetStatus = "PRIMARY" | "ACTIVE" | "DRAINING";
export type StabilityStatus = "STEADY_STATE" | "STABILIZING";

export interface TaskSetRecord {
  /** `ecs-svc/<19 digits>`: also the startedBy of its tasks, as a deployment's id is. */
  id: string;
  taskSetArn: string;
  status: TaskSetStatus;
  taskDefinition: string;
  /** Percent of the service's desiredCount, 0 to 100. */
  scale: { value: number; unit: "PERCENT" };
  computedDesiredCount: number;
  runningCount: number;
  pendingCount: number;
  createdAt: number;
  updatedAt: number;
  stabilityStatus: StabilityStatus;
  stabilityStatusAt: number;
  /** Exactly one of launchType and capacityProviderStrategy, as for a service. */
  launchType?: string;
  capacityProviderStrategy?: { capacityProvider: string; base: number; weight: number }[];
  platformVersion?: string;
  platformFamily?: string;
  networkConfiguration?: unknown;
  loadBalancers: unknown[];
  serviceRegistries: unknown[];
  externalId?: string;
  /** CODE_DEPLOY for a set CodeDeploy made; absent otherwise (ECS leaves it unused for EXTERNAL). */
  startedBy?: string;
  tags: Tag[];
  /** CreateTaskSet's clientToken: a retry with the same token answers the same task set. */
  clientToken?: string;
  /** berth: the scheduler's failure accounting for this set's tasks, kept between passes. */
  failureTracking?: FailureTracking;
}

/** A service of the EXTERNAL or CODE_DEPLOY controller: its tasks belong to task sets. */
export type TaskSetServiceRecord = ServiceRecord & { taskSets?: TaskSetRecord[] };

/** ECS's quota of task sets per service (its message: "5 deployments exist on the service."). */
export const MAX_TASK_SETS = 5;

export function usesTaskSets(service: { deploymentController?: { type?: string } }): boolean {
  const type = service.deploymentController?.type;
  return type === "EXTERNAL" || type === "CODE_DEPLOY";
}

export function taskSetsOf(service: ServiceRecord): TaskSetRecord[] {
  return (service as TaskSetServiceRecord).taskSets ?? [];
}

/**
 * The name a task set's events carry in place of the service's: ECS words them
 * `(service NAME, taskSet ID) …` (serviceEvents wraps it in "(service …)").
 */
export function taskSetSubject(serviceName: string, id: string): string {
  return `${serviceName}, taskSet ${id}`;
}

export function taskSetArn(scope: Scope, clusterName: string, serviceName: string, id: string): string {
  return `arn:aws:ecs:${scope.region}:${scope.accountId}:task-set/${clusterName}/${serviceName}/${id}`;
}

/**
 * The task set's share of the service: desiredCount × scale%, rounded up, as the TaskSet
 * shape documents ("if the computed desired count is 1.2, it rounds up to 2 tasks").
 * Worked example: desiredCount 3, scale 50 → 1.5 → 2; scale 0 → 0; scale 100 → 3.
 * scale is a double: the product is rounded to 6 decimals first, so that binary noise does
 * not add a task (15 × 33.333…% is 5.000000000000001 in floating point: 5, not 6).
 */
export function computedDesiredCount(serviceDesired: number, scalePercent: number, status: TaskSetStatus, serviceActive = true): number {
  if (status === "DRAINING" || !serviceActive) return 0;
  const exact = Math.round(((serviceDesired * scalePercent) / 100) * 1e6) / 1e6;
  return Math.ceil(exact);
}

/** The TaskSet as the API shows it (tags only when asked for). */
export function taskSetView(service: ServiceRecord, ts: TaskSetRecord, withTags: boolean): Record<string, unknown> {
  const { clientToken: _t, failureTracking: _f, tags, ...shown } = ts;
  return {
    ...shown,
    serviceArn: service.serviceArn,
    clusterArn: service.clusterArn,
    ...(withTags ? { tags } : {}),
  };
}

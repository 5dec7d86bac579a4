// A service as berth stores it: ECS's Service shape with its deployments inside, as
// DescribeServices shows them, plus the scheduler's own bookkeeping. Its events and decision log
// are kept beside it, one key per entry (service-logs.ts).
import type { DeploymentConfiguration, Tag } from "@aws-sdk/client-ecs";
import type { FailureTracking } from "../controllers/index.js";
import { deploymentId, invalidParameter } from "../model/index.js";
import type { RevisionSnapshot } from "./service-revision-snapshot.js";

export interface DeploymentRecord {
  id: string;
  status: "PRIMARY" | "ACTIVE" | "INACTIVE";
  taskDefinition: string;
  desiredCount: number;
  pendingCount: number;
  runningCount: number;
  failedTasks: number;
  createdAt: number;
  updatedAt: number;
  launchType?: string;
  rolloutState: "IN_PROGRESS" | "COMPLETED" | "FAILED";
  rolloutStateReason: string;
  networkConfiguration?: unknown;
  /** The configuredAtLaunch volume's settings its tasks launch with (ServiceVolumeConfiguration). */
  volumeConfigurations?: unknown[];
  /** berth: a task of this deployment has been healthy (the circuit breaker's stage 2). */
  hadHealthyTask?: boolean;
  /** berth: for a rollback, the deployment it returns to. */
  rollbackTargetId?: string;
  /** The service revision it deploys: the launch settings and resources it started with (service-revisions.ts). */
  revision?: RevisionSnapshot;
  /** StopServiceDeployment: when it was stopped, and the rollback deployment that returns the service to the previous revision. */
  stoppedAt?: number;
  stopRollbackId?: string;
  /** For that rollback deployment: the stopped deployment whose service deployment it belongs to. */
  rollbackOf?: string;
}

export interface ServiceEvent {
  id: string;
  createdAt: number;
  message: string;
}

export interface ServiceRecord {
  serviceArn: string;
  serviceName: string;
  clusterArn: string;
  clusterName: string;
  status: "ACTIVE" | "DRAINING" | "INACTIVE";
  desiredCount: number;
  taskDefinition: string;
  /** Exactly one of launchType and capacityProviderStrategy is set: ECS echoes whichever was used. */
  launchType?: string;
  capacityProviderStrategy?: { capacityProvider: string; base: number; weight: number }[];
  /** Fargate services: as requested ("LATEST" by default) and "Linux". */
  platformVersion?: string;
  platformFamily?: string;
  schedulingStrategy: "REPLICA" | "DAEMON";
  deploymentController: { type: string };
  deploymentConfiguration: Required<Pick<DeploymentConfiguration, "minimumHealthyPercent" | "maximumPercent">> & DeploymentConfiguration;
  placementConstraints: { type?: string; expression?: string }[];
  placementStrategy: { type?: string; field?: string }[];
  loadBalancers: unknown[];
  serviceRegistries: unknown[];
  networkConfiguration?: unknown;
  healthCheckGracePeriodSeconds?: number;
  propagateTags: string;
  enableECSManagedTags: boolean;
  enableExecuteCommand: boolean;
  tags: Tag[];
  createdAt: number;
  createdBy: string;
  roleArn?: string;
  deployments: DeploymentRecord[];
  /** berth: when the service became INACTIVE; it is purged, with its logs, a retention later. */
  inactiveSince?: number;
  /** The scheduler's failure accounting and launch throttling, kept between passes. */
  failureTracking?: FailureTracking;
  /** Deployments that ended (INACTIVE), newest first, for ListServiceDeployments. */
  pastDeployments?: DeploymentRecord[];
}

/** ECS keeps and returns a service's 100 newest events; berth stores them apart (service-logs.ts). */
export const MAX_EVENTS = 100;
export const MAX_PAST_DEPLOYMENTS = 20;

/** Fills and checks deploymentConfiguration as ECS does (ecs-behavior.md §4.2). */
export function normalizeDeploymentConfiguration(
  input: DeploymentConfiguration | undefined,
  strategy: "REPLICA" | "DAEMON",
  current?: ServiceRecord["deploymentConfiguration"],
): ServiceRecord["deploymentConfiguration"] {
  const min = input?.minimumHealthyPercent ?? current?.minimumHealthyPercent ?? (strategy === "DAEMON" ? 0 : 100);
  const max = input?.maximumPercent ?? current?.maximumPercent ?? (strategy === "DAEMON" ? 100 : 200);
  if (min < 0 || min > 100) {
    throw invalidParameter(`Invalid parameter 'deploymentConfiguration.minimumHealthyPercent': ${min} must be between 0 and 100.`);
  }
  if (strategy === "DAEMON" && max !== 100) {
    throw invalidParameter(`Invalid parameter 'deploymentConfiguration.maximumPercent': DAEMON services need 100, found ${max}.`);
  }
  if (max < 100) {
    throw invalidParameter(`Invalid parameter 'deploymentConfiguration.maximumPercent': ${max} must be at least 100.`);
  }
  if (max < min) {
    throw invalidParameter(`Invalid parameter 'deploymentConfiguration.maximumPercent': ${max} is below minimumHealthyPercent ${min}.`);
  }
  const breaker = input?.deploymentCircuitBreaker ?? current?.deploymentCircuitBreaker ?? { enable: false, rollback: false };
  return {
    ...(current ?? {}),
    ...(input ?? {}),
    minimumHealthyPercent: min,
    maximumPercent: max,
    deploymentCircuitBreaker: { enable: !!breaker.enable, rollback: !!breaker.rollback },
  };
}

export function inProgressReason(id: string): string {
  return `ECS deployment ${id} in progress.`;
}

/** A new PRIMARY deployment, IN_PROGRESS: what UpdateService and a rollback both start. */
export function newDeployment(td: string, desiredCount: number, now: number, extra: Partial<DeploymentRecord> = {}): DeploymentRecord {
  const id = extra.id ?? deploymentId();
  return {
    status: "PRIMARY",
    taskDefinition: td,
    desiredCount,
    pendingCount: 0,
    runningCount: 0,
    failedTasks: 0,
    createdAt: now,
    updatedAt: now,
    launchType: "EC2",
    rolloutState: "IN_PROGRESS",
    ...extra,
    id,
    rolloutStateReason: extra.rolloutStateReason || inProgressReason(id),
  };
}


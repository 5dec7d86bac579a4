// ListServiceDeployments and DescribeServiceDeployments: the deployment history ECS's newer API
// shows, derived from the deployments a service holds (and the ones it finished, kept bounded).
import { invalidParameter, parseArn, type Scope } from "../model/index.js";
import type { Deps } from "./deps.js";
import { indexKey } from "./indexes.js";
import { paginate, type PageRequest } from "./pagination.js";
import { activeCluster } from "./resolve.js";
import type { DeploymentRecord, ServiceRecord } from "./service-records.js";
import { findService } from "./services.js";
import type { TaskRecord } from "./task-records.js";

export const digits = (id: string) => id.replace(/^ecs-svc\//, "");

export function arnOf(scope: Scope, kind: "service-deployment" | "service-revision", s: ServiceRecord, d: DeploymentRecord): string {
  return `arn:aws:ecs:${scope.region}:${scope.accountId}:${kind}/${s.clusterName}/${s.serviceName}/${digits(d.id)}`;
}

/**
 * The revision a deployment deploys: a rollback deploys its target's again (ECS rolls back to the
 * previous service revision, it makes no new one).
 */
export function revisionArnOf(scope: Scope, s: ServiceRecord, d: DeploymentRecord): string {
  return arnOf(scope, "service-revision", s, d.rollbackTargetId ? { ...d, id: d.rollbackTargetId } : d);
}

/** The deployment's status in the service-deployment vocabulary. */
export function statusOf(d: DeploymentRecord, s?: ServiceRecord): string {
  // Stopped with StopServiceDeployment: its rollback deployment's progress is its own.
  if (d.stopRollbackId !== undefined) {
    const r = s ? all(s).find((x) => x.id === d.stopRollbackId) : undefined;
    return r?.rolloutState === "FAILED" ? "ROLLBACK_FAILED" : r === undefined || r.rolloutState === "COMPLETED" ? "ROLLBACK_SUCCESSFUL" : "ROLLBACK_IN_PROGRESS";
  }
  const rollback = d.rollbackTargetId !== undefined;
  if (d.rolloutState === "COMPLETED") return rollback ? "ROLLBACK_SUCCESSFUL" : "SUCCESSFUL";
  if (d.rolloutState === "FAILED") return rollback ? "ROLLBACK_FAILED" : "STOPPED";
  if (d.status === "INACTIVE") return "STOPPED";
  return rollback ? "ROLLBACK_IN_PROGRESS" : "IN_PROGRESS";
}

export function all(s: ServiceRecord): DeploymentRecord[] {
  return [...s.deployments, ...(s.pastDeployments ?? [])].sort((a, b) => b.createdAt - a.createdAt);
}

function counts(deps: Deps, s: ServiceRecord, d: DeploymentRecord) {
  const tasks = deps.cache
    .byIndex<TaskRecord>("serviceTasks", indexKey.serviceTasks(s.clusterArn, s.serviceName))
    .filter((t) => t.startedBy === d.id && t.desiredStatus === "RUNNING");
  return {
    requestedTaskCount: d.desiredCount,
    runningTaskCount: tasks.filter((t) => t.lastStatus === "RUNNING").length,
    pendingTaskCount: tasks.filter((t) => ["PROVISIONING", "PENDING", "ACTIVATING"].includes(t.lastStatus)).length,
  };
}

function finished(d: DeploymentRecord, s: ServiceRecord): boolean {
  if (d.stopRollbackId !== undefined) return statusOf(d, s) !== "ROLLBACK_IN_PROGRESS";
  return d.rolloutState !== "IN_PROGRESS" || d.status === "INACTIVE";
}

/** When a deployment finished: a stopped one when its rollback did. */
function finishedAt(d: DeploymentRecord, s: ServiceRecord): number {
  const r = d.stopRollbackId !== undefined ? all(s).find((x) => x.id === d.stopRollbackId) : undefined;
  return r?.updatedAt ?? d.updatedAt;
}

export function listServiceDeployments(
  deps: Deps,
  scope: Scope,
  input: PageRequest & { cluster?: string; service: string; status?: string[]; createdAt?: { before?: number; after?: number } },
) {
  const cluster = activeCluster(deps, scope, input.cluster);
  const s = findService(deps, scope, cluster.clusterName, input.service);
  if (!s) throw invalidParameter("Service not found.");
  const rows = all(s)
    // A StopServiceDeployment rollback belongs to the service deployment it stopped.
    .filter((d) => d.rollbackOf === undefined)
    .filter((d) => !input.status?.length || input.status.includes(statusOf(d, s)))
    .filter((d) => input.createdAt?.before === undefined || d.createdAt < input.createdAt.before)
    .filter((d) => input.createdAt?.after === undefined || d.createdAt > input.createdAt.after)
    .map((d) => ({
      serviceDeploymentArn: arnOf(scope, "service-deployment", s, d),
      serviceArn: s.serviceArn,
      clusterArn: s.clusterArn,
      createdAt: d.createdAt,
      startedAt: d.createdAt,
      ...(finished(d, s) ? { finishedAt: finishedAt(d, s) } : {}),
      targetServiceRevisionArn: revisionArnOf(scope, s, d),
      status: statusOf(d, s),
      statusReason: d.rolloutStateReason,
      sortKey: String(Number.MAX_SAFE_INTEGER - d.createdAt).padStart(16, "0") + d.id,
    }));
  const page = paginate(rows, (r) => r.sortKey, input, { default: 20, max: 100 });
  return { serviceDeployments: page.items.map(({ sortKey: _k, ...r }) => r), nextToken: page.nextToken };
}

export function describeServiceDeployments(deps: Deps, scope: Scope, input: { serviceDeploymentArns: string[] }) {
  if (input.serviceDeploymentArns.length === 0 || input.serviceDeploymentArns.length > 20) {
    throw invalidParameter(`Invalid parameter 'serviceDeploymentArns': give 1 to 20 ARNs, found ${input.serviceDeploymentArns.length}.`);
  }
  const serviceDeployments: Record<string, unknown>[] = [];
  const failures: { arn: string; reason: string }[] = [];
  for (const arn of input.serviceDeploymentArns) {
    const parsed = parseArn(arn);
    const [clusterName, serviceName, id] = parsed?.resource.split("/") ?? [];
    const s = parsed && parsed.resourceType === "service-deployment" && clusterName && serviceName ? findService(deps, scope, clusterName, serviceName) : undefined;
    const d = s ? all(s).find((x) => digits(x.id) === id) : undefined;
    if (!s || !d) {
      failures.push({ arn, reason: "MISSING" });
      continue;
    }
    const breaker = s.deploymentConfiguration.deploymentCircuitBreaker;
    const threshold = Math.min(200, Math.max(3, Math.ceil(0.5 * d.desiredCount)));
    serviceDeployments.push({
      serviceDeploymentArn: arn,
      serviceArn: s.serviceArn,
      clusterArn: s.clusterArn,
      createdAt: d.createdAt,
      startedAt: d.createdAt,
      updatedAt: d.updatedAt,
      ...(finished(d, s) ? { finishedAt: finishedAt(d, s) } : {}),
      ...(d.stoppedAt !== undefined ? { stoppedAt: d.stoppedAt } : {}),
      sourceServiceRevisions: all(s)
        .filter((x) => x.createdAt < d.createdAt && x.status !== "INACTIVE")
        .map((x) => ({ arn: revisionArnOf(scope, s, x), ...counts(deps, s, x) })),
      targetServiceRevision: { arn: revisionArnOf(scope, s, d), ...counts(deps, s, d) },
      status: statusOf(d, s),
      statusReason: d.rolloutStateReason,
      deploymentConfiguration: s.deploymentConfiguration,
      deploymentCircuitBreaker: {
        status: !breaker?.enable ? "DISABLED" : d.rolloutState === "FAILED" && d.stopRollbackId === undefined ? "TRIGGERED" : finished(d, s) ? "MONITORING_COMPLETE" : "MONITORING",
        failureCount: d.failedTasks,
        threshold,
      },
      ...rollbackOf(scope, s, d),
    });
  }
  return { serviceDeployments, failures };
}

/** The `rollback` of a deployment that is one (circuit breaker) or was stopped into one (StopServiceDeployment). */
function rollbackOf(scope: Scope, s: ServiceRecord, d: DeploymentRecord) {
  const r = d.stopRollbackId !== undefined ? all(s).find((x) => x.id === d.stopRollbackId) : d.rollbackTargetId ? d : undefined;
  if (!r) return {};
  // A stopped deployment's own reason says why it rolled back; the rollback's changes as it progresses.
  const reason = d.stopRollbackId !== undefined ? d.rolloutStateReason : r.rolloutStateReason;
  return { rollback: { reason, startedAt: r.createdAt, serviceRevisionArn: revisionArnOf(scope, s, r) } };
}

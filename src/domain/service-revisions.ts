// DescribeServiceRevisions and StopServiceDeployment (ecs-behavior.md §4.12).
//
// A service revision is what one deployment deploys (service-revision-snapshot.ts): its ARN is
// `service-revision/<cluster>/<service>/<deployment digits>`, and a rollback deploys its target's
// revision again. Revisions are kept as long as their deployments are (the service's live ones
// and its 20 newest finished ones); older ones are answered as MISSING, as ECS answers revisions
// it no longer describes.
//
// StopServiceDeployment with stopType ROLLBACK (the default, and the only value ECS documents as
// valid) stops a deployment in progress and returns the service to the previous revision — the
// newest deployment before it that completed — even when the circuit breaker's rollback is off.
// The stopped deployment's service deployment then reads ROLLBACK_IN_PROGRESS until the rollback
// completes (ROLLBACK_SUCCESSFUL) or fails (ROLLBACK_FAILED); the rollback deployment itself is
// part of it and is not listed on its own.
import { EcsError, invalidParameter, parseArn, type Scope } from "../model/index.js";
import { commit, guardOf, put, type Deps } from "./deps.js";
import { keys } from "./keys.js";
import { all, arnOf, digits, statusOf } from "./service-deployments.js";
import { revisionOf } from "./service-revision-snapshot.js";
import { newDeployment, type DeploymentRecord, type ServiceRecord } from "./service-records.js";
import { findService } from "./services.js";
import { findTaskDefinition } from "./task-definitions.js";
import { indexKey } from "./indexes.js";
import type { TaskRecord } from "./task-records.js";

const MAX_ARNS = 20;

/** The service and deployment an ARN of `kind` names in this account and region. */
function resolveArn(deps: Deps, scope: Scope, arn: string, kind: "service-revision" | "service-deployment"): { s: ServiceRecord; d: DeploymentRecord } | undefined {
  const parsed = parseArn(arn);
  if (!parsed || parsed.resourceType !== kind || parsed.region !== scope.region || parsed.accountId !== scope.accountId) return undefined;
  const [clusterName, serviceName, id, ...rest] = parsed.resource.split("/");
  if (!clusterName || !serviceName || !id || rest.length > 0) return undefined;
  const s = findService(deps, scope, clusterName, serviceName);
  const d = s ? all(s).find((x) => digits(x.id) === id) : undefined;
  return s && d ? { s, d } : undefined;
}

/** The images a revision's containers run, with the digest its tasks resolved when one reported it. */
function containerImages(deps: Deps, scope: Scope, s: ServiceRecord, d: DeploymentRecord) {
  const td = findTaskDefinition(deps, scope, d.taskDefinition);
  const tasks = deps.cache.byIndex<TaskRecord>("serviceTasks", indexKey.serviceTasks(s.clusterArn, s.serviceName)).filter((t) => t.startedBy === d.id);
  return (td?.containerDefinitions ?? []).map((c) => {
    const digest = tasks.flatMap((t) => t.containers).find((x) => x.name === c.name && x.imageDigest)?.imageDigest;
    return { containerName: c.name, image: c.image, ...(digest ? { imageDigest: digest } : {}) };
  });
}

export function describeServiceRevisions(deps: Deps, scope: Scope, input: { serviceRevisionArns: string[] }) {
  const arns = input.serviceRevisionArns ?? [];
  if (arns.length === 0 || arns.length > MAX_ARNS) {
    throw invalidParameter(`Invalid parameter 'serviceRevisionArns': give 1 to ${MAX_ARNS} ARNs, found ${arns.length}.`);
  }
  const serviceRevisions: Record<string, unknown>[] = [];
  const failures: { arn: string; reason: string }[] = [];
  for (const arn of arns) {
    const found = resolveArn(deps, scope, arn, "service-revision");
    if (!found) {
      failures.push({ arn, reason: "MISSING" });
      continue;
    }
    const { s, d } = found;
    // Deployments recorded before revisions were kept read the service's present settings.
    const snapshot = d.revision ?? revisionOf(s);
    serviceRevisions.push({
      serviceRevisionArn: arnOf(scope, "service-revision", s, d),
      serviceArn: s.serviceArn,
      clusterArn: s.clusterArn,
      taskDefinition: d.taskDefinition,
      ...snapshot,
      containerImages: containerImages(deps, scope, s, d),
      ...(d.volumeConfigurations?.length ? { volumeConfigurations: d.volumeConfigurations } : {}),
      createdAt: d.createdAt,
    });
  }
  return { serviceRevisions, failures };
}

const STOPPABLE = new Set(["PENDING", "IN_PROGRESS"]);

export async function stopServiceDeployment(deps: Deps, scope: Scope, input: { serviceDeploymentArn: string; stopType?: string }) {
  const stopType = input.stopType ?? "ROLLBACK";
  if (stopType !== "ROLLBACK") {
    throw invalidParameter(`Invalid parameter 'stopType': ${stopType} is not supported for this service deployment; the valid value is ROLLBACK.`);
  }
  const arn = input.serviceDeploymentArn;
  const found = resolveArn(deps, scope, arn, "service-deployment");
  if (!found || found.d.rollbackOf !== undefined) throw new EcsError("ServiceDeploymentNotFoundException", `The service deployment ${arn.slice(0, 300)} does not exist.`);
  const key = keys.service(scope, found.s.clusterName, found.s.serviceName);
  await commit(deps, () => {
    const s = deps.cache.get<ServiceRecord>(key)!;
    const d = all(s).find((x) => x.id === found.d.id)!;
    const status = statusOf(d, s);
    if (s.status !== "ACTIVE" || d.status !== "PRIMARY" || !STOPPABLE.has(status)) {
      throw new EcsError("ConflictException", `The service deployment ${arn} is ${status}; only a deployment that is PENDING or IN_PROGRESS can be stopped.`, 400, { resourceIds: [arn] });
    }
    // The previous revision: the newest deployment before this one that completed.
    const target = all(s)
      .filter((x) => x.id !== d.id && x.rolloutState === "COMPLETED" && x.createdAt <= d.createdAt)
      .sort((a, b) => b.createdAt - a.createdAt)[0];
    if (!target) {
      throw new EcsError("ConflictException", `The service deployment ${arn} has no previous service revision to roll back to.`, 400, { resourceIds: [arn] });
    }
    const now = deps.clock.now();
    const rollback = newDeployment(target.taskDefinition, s.desiredCount, now, {
      rollbackTargetId: target.id,
      rollbackOf: d.id,
      ...(target.revision ? { revision: target.revision } : {}),
      ...(target.volumeConfigurations ? { volumeConfigurations: target.volumeConfigurations } : {}),
    });
    const stopped: DeploymentRecord = {
      ...d,
      status: "ACTIVE",
      rolloutState: "FAILED",
      rolloutStateReason: `ECS deployment ${d.id} stopped by StopServiceDeployment: rolling back to deployment ${target.id}.`,
      updatedAt: now,
      stoppedAt: now,
      stopRollbackId: rollback.id,
    };
    // The service returns to the previous revision's settings, which its tasks launch with.
    const rev = target.revision;
    const { launchType: _l, capacityProviderStrategy: _c, platformVersion: _v, platformFamily: _f, ...rest } = s;
    const restored: ServiceRecord = rev
      ? {
          ...rest,
          ...(rev.launchType ? { launchType: rev.launchType } : {}),
          ...(rev.capacityProviderStrategy ? { capacityProviderStrategy: rev.capacityProviderStrategy } : {}),
          ...(rev.platformVersion ? { platformVersion: rev.platformVersion } : {}),
          ...(rev.platformFamily ? { platformFamily: rev.platformFamily } : {}),
          loadBalancers: rev.loadBalancers,
          serviceRegistries: rev.serviceRegistries,
          ...(rev.networkConfiguration ? { networkConfiguration: rev.networkConfiguration } : {}),
        }
      : s;
    const next: ServiceRecord = {
      ...restored,
      taskDefinition: target.taskDefinition,
      deployments: [rollback, ...s.deployments.map((x) => (x.id === d.id ? stopped : x))],
      // A new deployment starts with fresh launch throttling, as UpdateService's does.
      failureTracking: undefined,
    };
    return { guards: [guardOf(deps, key)], ops: [put(key, next)], result: undefined };
  });
  return { serviceDeploymentArn: arn };
}

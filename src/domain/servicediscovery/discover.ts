// DiscoverInstances: which registered instances answer a query. The selection is a pure
// function of the instances, the service and the query (table-tested); the lookup of names
// to records is around it.
import type { Scope } from "../../model/index.js";
import type { Deps } from "../deps.js";
import { cloudMapError, sdKeys, type InstanceRecord, type NamespaceRecord, type ServiceRecord } from "./records.js";

export type HealthFilter = "HEALTHY" | "UNHEALTHY" | "ALL" | "HEALTHY_OR_ELSE_ALL";

export interface DiscoverQuery {
  QueryParameters?: Record<string, string>;
  OptionalParameters?: Record<string, string>;
  HealthStatus?: HealthFilter;
  MaxResults?: number;
}

const matchAll = (i: InstanceRecord, params: Record<string, string>) => Object.entries(params).every(([k, v]) => i.Attributes[k] === v);

/**
 * Cloud Map's rules: every QueryParameter must match; OptionalParameters narrow the result
 * only if something still matches; the health filter is ignored for services without a
 * health check (their instances are UNKNOWN and all count). berth's default filter is HEALTHY,
 * as Cloud Map's.
 */
export function selectInstances(instances: readonly InstanceRecord[], hasHealthCheck: boolean, q: DiscoverQuery): InstanceRecord[] {
  let chosen = instances.filter((i) => matchAll(i, q.QueryParameters ?? {}));
  if (q.OptionalParameters && Object.keys(q.OptionalParameters).length > 0) {
    const narrowed = chosen.filter((i) => matchAll(i, q.OptionalParameters!));
    if (narrowed.length > 0) chosen = narrowed;
  }
  if (hasHealthCheck) {
    const filter = q.HealthStatus ?? "HEALTHY";
    const healthy = chosen.filter((i) => i.health !== "UNHEALTHY");
    if (filter === "HEALTHY") chosen = healthy;
    else if (filter === "UNHEALTHY") chosen = chosen.filter((i) => i.health === "UNHEALTHY");
    else if (filter === "HEALTHY_OR_ELSE_ALL" && healthy.length > 0) chosen = healthy;
  }
  return chosen.slice(0, q.MaxResults ?? 100);
}

/** The namespace DiscoverInstances means by NamespaceName (its HttpName) and the service in it. */
export function lookupService(deps: Deps, scope: Scope, namespaceName: string, serviceName: string): { ns: NamespaceRecord; service: ServiceRecord } {
  const wanted = namespaceName.replace(/\.$/, "").toLowerCase();
  const ns = deps.cache.list<NamespaceRecord>(sdKeys.namespaces(scope)).find((n) => n.Properties.HttpProperties.HttpName === wanted);
  if (!ns) throw cloudMapError("NamespaceNotFound", `Namespace not found: ${namespaceName.slice(0, 300)}`);
  const name = serviceName.toLowerCase();
  const service = deps.cache.list<ServiceRecord>(sdKeys.services(scope)).find((s) => s.NamespaceId === ns.Id && s.Name === name);
  if (!service) throw cloudMapError("ServiceNotFound", `Service ${serviceName.slice(0, 130)} not found in namespace ${ns.Name}.`);
  return { ns, service };
}

export function discoverInstances(deps: Deps, scope: Scope, input: DiscoverQuery & { NamespaceName: string; ServiceName: string }) {
  const { ns, service } = lookupService(deps, scope, input.NamespaceName, input.ServiceName);
  const all = deps.cache.list<InstanceRecord>(sdKeys.instances(scope, service.Id));
  const hasHealthCheck = service.HealthCheckCustomConfig !== undefined;
  const chosen = selectInstances(all, hasHealthCheck, input);
  return {
    Instances: chosen.map((i) => ({
      InstanceId: i.Id,
      NamespaceName: ns.Properties.HttpProperties.HttpName,
      ServiceName: service.Name,
      HealthStatus: hasHealthCheck ? (i.health ?? "HEALTHY") : "UNKNOWN",
      Attributes: i.Attributes,
    })),
    InstancesRevision: service.instancesRevision,
  };
}

export function discoverInstancesRevision(deps: Deps, scope: Scope, input: { NamespaceName: string; ServiceName: string }) {
  return { InstancesRevision: lookupService(deps, scope, input.NamespaceName, input.ServiceName).service.instancesRevision };
}

// Cloud Map's cache indexes, merged into the domain's: the DNS server finds a zone and its
// services in a few lookups, and the registration controller finds the instances an ECS
// service owns.
import { kindOf, scopeOfKey } from "../keys.js";
import type { InstanceRecord, NamespaceRecord, ServiceRecord } from "./records.js";

const NAMESPACES = "/servicediscovery/namespaces/";
const SERVICES = "/servicediscovery/services/";
const INSTANCES = "/servicediscovery/instances/";

/** The owner value of an ECS service's instances: `account/region|cluster|service`. */
export const ecsOwner = (scopeKey: string, cluster: string, service: string) => `${scopeKey}|${cluster}|${service}`;

export const serviceDiscoveryIndexes: Record<string, (key: string, value: unknown) => string[]> = {
  /** DNS namespaces (private and public) by zone name, across accounts and regions. */
  sdDnsZone(key, value) {
    if (!key.includes(NAMESPACES)) return [];
    const ns = value as NamespaceRecord;
    return ns.Type === "HTTP" ? [] : [ns.Name];
  },
  /** Cloud Map services by namespace id. */
  sdNamespaceServices(key, value) {
    return key.includes(SERVICES) ? [(value as ServiceRecord).NamespaceId] : [];
  },
  /** Instances ECS registered for a service's tasks, by that ECS service. */
  sdEcsOwner(key, value) {
    if (!key.includes(INSTANCES)) return [];
    const a = (value as InstanceRecord).Attributes;
    return a.ECS_CLUSTER_NAME && a.ECS_SERVICE_NAME ? [ecsOwner(scopeOfKey(key), a.ECS_CLUSTER_NAME, a.ECS_SERVICE_NAME)] : [];
  },
  /** Every EC2 subnet, under one value: their routers are where tasks' resolvers point. */
  sdSubnets(key) {
    return kindOf(key) === "subnets" ? ["all"] : [];
  },
};

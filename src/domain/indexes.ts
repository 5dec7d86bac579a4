// The cache's secondary indexes: each maps a stored record to the index values it is found
// under. Values are prefixed by account/region (and kind) so worlds never mix.
import { kindOf, scopeOfKey } from "./keys.js";
import { serviceDiscoveryIndexes } from "./servicediscovery/indexes.js";
import { loadBalancerIndexes } from "./load-balancer-view.js";
import { iamIndexes } from "./iam/records.js";
import { secretsManagerIndexes } from "./secretsmanager/index.js";

type Rec = Record<string, unknown>;

export const indexes: Record<string, (key: string, value: unknown) => string[]> = {
  /** Instances, services and tasks of a cluster by status: `kind|clusterArn|status`. */
  clusterStatus(key, value) {
    const kind = kindOf(key);
    const v = value as Rec;
    if (kind === "instances") return [`instances|${v.clusterArn}|${v.status}`];
    if (kind === "services") return [`services|${v.clusterArn}|${v.status}`];
    if (kind === "tasks") return [`tasks|${v.clusterArn}|${v.lastStatus}`];
    return [];
  },
  /** Tasks of a container instance: `instanceArn|desired:STATUS` and `instanceArn|last:STATUS`. */
  instanceTasks(key, value) {
    if (kindOf(key) !== "tasks") return [];
    const v = value as Rec;
    if (!v.containerInstanceArn) return [];
    return [`${v.containerInstanceArn}|desired:${v.desiredStatus}`, `${v.containerInstanceArn}|last:${v.lastStatus}`];
  },
  /** Tasks of a service: `clusterArn|serviceName`. */
  serviceTasks(key, value) {
    if (kindOf(key) !== "tasks") return [];
    const v = value as Rec;
    return v.serviceName ? [`${v.clusterArn}|${v.serviceName}`] : [];
  },
  /** Task definitions by status across families: `account/region|status`, in family:revision order. */
  taskDefinitionStatus(key, value) {
    if (kindOf(key) !== "taskdefs") return [];
    return [`${scopeOfKey(key)}|${(value as Rec).status}`];
  },
  /** Task definitions of one family by status: `account/region|family|status`. */
  familyStatus(key, value) {
    if (kindOf(key) !== "taskdefs") return [];
    const v = value as Rec;
    return [`${scopeOfKey(key)}|${v.family}|${v.status}`];
  },
  ...serviceDiscoveryIndexes,
  ...loadBalancerIndexes,
  ...iamIndexes,
  ...secretsManagerIndexes,
};

export const indexKey = {
  clusterStatus: (kind: "instances" | "services" | "tasks", clusterArn: string, status: string) => `${kind}|${clusterArn}|${status}`,
  instanceTasks: (instanceArn: string, which: "desired" | "last", status: string) => `${instanceArn}|${which}:${status}`,
  serviceTasks: (clusterArn: string, serviceName: string) => `${clusterArn}|${serviceName}`,
  taskDefinitionStatus: (scope: { accountId: string; region: string }, status: string) => `${scope.accountId}/${scope.region}|${status}`,
  familyStatus: (scope: { accountId: string; region: string }, family: string, status: string) =>
    `${scope.accountId}/${scope.region}|${family}|${status}`,
};

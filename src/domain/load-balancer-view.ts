// Observe for the load balancer controller and the DNS server: one account and region's ELBv2
// records from the cache (prefix lists under src/domain/elbv2/records.ts's keys), the
// container instances instance targets are reached through, and two cache indexes — where
// ELBv2 records exist at all, and load balancers by DNS name.
import type { ElbObservation, HealthGroupObservation } from "../controllers/index.js";
import type { Scope } from "../model/index.js";
import type { Cache, CacheEntry } from "../store/index.js";
import { arnId, elbKeys, type LoadBalancerRecord, type TargetGroupRecord, type TargetHealthRecord, type TargetRecord } from "./elbv2/records.js";
import { kindOf, scopePrefix, scopeOfKey } from "./keys.js";
import type { ContainerInstanceRecord } from "./records.js";

/**
 * Where an agent's host is reached from the control plane: berth's agents run on the control
 * plane's host (`berth up`, or `berth agent` beside `berth server`), so on loopback, as bridge
 * tasks are for Cloud Map (docs/design.md, "Load balancer controller").
 */
export const AGENT_HOST_ADDRESS = "127.0.0.1";

export const loadBalancerIndexes: Record<string, (key: string, value: unknown) => string[]> = {
  /** Load balancers and target groups, under one value: which accounts and regions have any. */
  elbAll(key) {
    const kind = kindOf(key);
    return kind === "elb-load-balancers" || kind === "elb-target-groups" ? ["all"] : [];
  },
  /** Load balancers by DNS name (lower case), across accounts and regions. */
  elbDnsName(key, value) {
    return kindOf(key) === "elb-load-balancers" ? [(value as LoadBalancerRecord).DNSName.toLowerCase()] : [];
  },
};

/** The scopes (`account/region`) holding load balancers or target groups. */
export function elbScopes(cache: Cache): Set<string> {
  return new Set(cache.byIndexKeys("elbAll", "all").map(scopeOfKey));
}

export const scopeOf = (scopeKey: string): Scope => {
  const [accountId, region] = scopeKey.split("/");
  return { accountId: accountId!, region: region! };
};

/** The load balancer a DNS name is, if any (the first in key order should two share one). */
export function loadBalancerByDnsName(cache: Cache, name: string): LoadBalancerRecord | undefined {
  return cache.byIndex<LoadBalancerRecord>("elbDnsName", name.replace(/\.$/, "").toLowerCase())[0];
}

export function observeElb(cache: Cache, scope: Scope): ElbObservation {
  const targetGroups = cache.list<TargetGroupRecord>(elbKeys.targetGroups(scope));
  const instanceAddresses = new Map<string, string>();
  for (const i of cache.list<ContainerInstanceRecord>(`${scopePrefix(scope)}instances/`)) {
    if (i.ec2InstanceId && i.status !== "INACTIVE") instanceAddresses.set(i.ec2InstanceId, AGENT_HOST_ADDRESS);
  }
  return {
    loadBalancers: cache.list<LoadBalancerRecord>(elbKeys.loadBalancers(scope)),
    listeners: cache.list(elbKeys.listeners(scope)),
    rules: cache.list(elbKeys.rules(scope)),
    targetGroups,
    targets: new Map(targetGroups.map((g) => [g.TargetGroupArn, cache.list<TargetRecord>(elbKeys.targets(scope, g.TargetGroupArn))])),
    instanceAddresses,
  };
}

/**
 * Every target group's registrations and health records, and the groups that are gone but left
 * records (keyed by the id in their keys). `plane` and `unreachable` are the caller's to fill.
 */
export function observeHealth(cache: Cache, scope: Scope, o: ElbObservation): { groups: HealthGroupObservation[]; entries: Map<string, CacheEntry<TargetHealthRecord>> } {
  const prefix = elbKeys.targetHealths(scope);
  const entries = new Map(cache.listEntries<TargetHealthRecord>(prefix).map((e) => [e.key, e]));
  const byGroup = new Map<string, TargetHealthRecord[]>();
  for (const e of entries.values()) {
    const id = e.key.slice(prefix.length).split("/")[0]!;
    byGroup.set(id, [...(byGroup.get(id) ?? []), e.value]);
  }
  const groups: HealthGroupObservation[] = o.targetGroups.map((g) => ({
    ref: g.TargetGroupArn,
    exists: true,
    healthCheckPort: g.HealthCheckPort,
    registered: o.targets.get(g.TargetGroupArn) ?? [],
    records: byGroup.get(arnId(g.TargetGroupArn)) ?? [],
    unreachable: [],
  }));
  const live = new Set(o.targetGroups.map((g) => arnId(g.TargetGroupArn)));
  for (const [id, records] of byGroup) {
    if (!live.has(id)) groups.push({ ref: id, exists: false, healthCheckPort: "traffic-port", registered: [], records, unreachable: [] });
  }
  return { groups, entries };
}

// Capacity providers: CreateCapacityProvider, DescribeCapacityProviders, UpdateCapacityProvider,
// DeleteCapacityProvider, PutClusterCapacityProviders. FARGATE and FARGATE_SPOT exist in every
// account without being created (ecs-behavior.md §1.7).
import type { AutoScalingGroupProvider, CapacityProviderStrategyItem, Tag } from "@aws-sdk/client-ecs";
import { arns, clientError, clusterNotFound, EcsError, invalidParameter, NAME_PATTERN, type Scope } from "../model/index.js";
import { commit, guardOf, put, type Deps } from "./deps.js";
import { keys } from "./keys.js";
import { paginate } from "./pagination.js";
import type { CapacityProviderRecord, ClusterRecord } from "./records.js";
import { activeCluster } from "./resolve.js";
import { validateTags } from "./tags.js";

export const FARGATE_PROVIDERS = ["FARGATE", "FARGATE_SPOT"] as const;

function builtIn(scope: Scope, name: string): CapacityProviderRecord {
  return { name, capacityProviderArn: arns.capacityProvider(scope, name), status: "ACTIVE", tags: [], type: name };
}

/** A provider by name or ARN: the built-in Fargate ones, or one created in this account. */
export function findCapacityProvider(deps: Deps, scope: Scope, ref: string): CapacityProviderRecord | undefined {
  const name = ref.startsWith("arn:") ? ref.slice(ref.lastIndexOf("/") + 1) : ref;
  if ((FARGATE_PROVIDERS as readonly string[]).includes(name)) return builtIn(scope, name);
  const rec = deps.cache.get<CapacityProviderRecord>(keys.capacityProvider(scope, name));
  return rec && rec.status === "ACTIVE" ? rec : undefined;
}

export async function createCapacityProvider(
  deps: Deps,
  scope: Scope,
  input: { name: string; autoScalingGroupProvider?: AutoScalingGroupProvider; managedInstancesProvider?: unknown; tags?: Tag[] },
) {
  const name = input.name;
  if (!NAME_PATTERN.test(name)) {
    throw invalidParameter(`Invalid parameter 'name': '${name.slice(0, 300)}' must be 1-255 letters, numbers, hyphens and underscores.`);
  }
  if (/^(aws|ecs|fargate)/i.test(name)) {
    throw invalidParameter(`Invalid parameter 'name': a capacity provider name cannot start with 'aws', 'ecs' or 'fargate', found '${name}'.`);
  }
  if (!input.autoScalingGroupProvider && !input.managedInstancesProvider) {
    throw invalidParameter("Invalid parameter 'autoScalingGroupProvider': one of autoScalingGroupProvider or managedInstancesProvider is required.");
  }
  const asg = input.autoScalingGroupProvider ? normalizeAsg(input.autoScalingGroupProvider) : undefined;
  const tags = validateTags(input.tags);
  const key = keys.capacityProvider(scope, name);
  const rec = await commit(deps, () => {
    const existing = deps.cache.get<CapacityProviderRecord>(key);
    if (existing && existing.status !== "INACTIVE") {
      throw clientError(`A capacity provider named ${name} already exists; capacity provider names must be unique.`);
    }
    const next: CapacityProviderRecord = {
      name,
      capacityProviderArn: arns.capacityProvider(scope, name),
      status: "ACTIVE",
      type: asg ? "EC2_AUTOSCALING" : "MANAGED_INSTANCES",
      tags,
      ...(asg ? { autoScalingGroupProvider: asg } : {}),
      ...(input.managedInstancesProvider ? { managedInstancesProvider: input.managedInstancesProvider as never } : {}),
    };
    return { guards: [guardOf(deps, key)], ops: [put(key, next)], result: next };
  });
  return { capacityProvider: rec };
}

function normalizeAsg(p: AutoScalingGroupProvider): AutoScalingGroupProvider {
  const ms = p.managedScaling;
  return {
    autoScalingGroupArn: p.autoScalingGroupArn,
    managedScaling: {
      status: ms?.status ?? "ENABLED",
      targetCapacity: ms?.targetCapacity ?? 100,
      minimumScalingStepSize: ms?.minimumScalingStepSize ?? 1,
      maximumScalingStepSize: ms?.maximumScalingStepSize ?? 10000,
      instanceWarmupPeriod: ms?.instanceWarmupPeriod ?? 300,
    },
    managedTerminationProtection: p.managedTerminationProtection ?? "DISABLED",
    managedDraining: p.managedDraining ?? "ENABLED",
  };
}

export function describeCapacityProviders(
  deps: Deps,
  scope: Scope,
  input: { capacityProviders?: string[]; include?: string[]; maxResults?: number; nextToken?: string },
) {
  const withTags = (r: CapacityProviderRecord) => {
    const { tags, ...rest } = r;
    return input.include?.includes("TAGS") ? { ...rest, tags: tags ?? [] } : rest;
  };
  if (input.capacityProviders && input.capacityProviders.length > 0) {
    if (input.capacityProviders.length > 100) {
      throw invalidParameter(`Invalid parameter 'capacityProviders': at most 100 per call, found ${input.capacityProviders.length}.`);
    }
    const found: CapacityProviderRecord[] = [];
    const failures: { arn: string; reason: string }[] = [];
    for (const ref of input.capacityProviders) {
      const rec = findCapacityProvider(deps, scope, ref);
      if (rec) found.push(rec);
      else failures.push({ arn: ref.startsWith("arn:") ? ref : arns.capacityProvider(scope, ref), reason: "MISSING" });
    }
    return { capacityProviders: found.map(withTags), failures };
  }
  const all = [
    ...FARGATE_PROVIDERS.map((n) => builtIn(scope, n)),
    ...deps.cache.list<CapacityProviderRecord>(keys.capacityProviders(scope)).filter((r) => r.status === "ACTIVE"),
  ];
  const page = paginate(all, (r) => r.name, input, { default: 10, max: 10 });
  // Built-ins sort first (they are listed first), then created ones by name.
  return { capacityProviders: page.items.map(withTags), failures: [], nextToken: page.nextToken };
}

export async function updateCapacityProvider(
  deps: Deps,
  scope: Scope,
  input: { name: string; autoScalingGroupProvider?: Partial<AutoScalingGroupProvider> },
) {
  const name = input.name.startsWith("arn:") ? input.name.slice(input.name.lastIndexOf("/") + 1) : input.name;
  if ((FARGATE_PROVIDERS as readonly string[]).includes(name)) {
    throw clientError(`The ${name} capacity provider is managed by berth and cannot be updated.`);
  }
  const key = keys.capacityProvider(scope, name);
  const rec = await commit(deps, () => {
    const current = deps.cache.get<CapacityProviderRecord>(key);
    if (!current || current.status !== "ACTIVE") throw notFound(name);
    const asg = current.autoScalingGroupProvider;
    const change = input.autoScalingGroupProvider ?? {};
    const next: CapacityProviderRecord = {
      ...current,
      updateStatus: "UPDATE_COMPLETE",
      ...(asg
        ? {
            autoScalingGroupProvider: {
              ...asg,
              ...(change.managedScaling ? { managedScaling: { ...asg.managedScaling, ...change.managedScaling } } : {}),
              ...(change.managedTerminationProtection ? { managedTerminationProtection: change.managedTerminationProtection } : {}),
              ...(change.managedDraining ? { managedDraining: change.managedDraining } : {}),
            },
          }
        : {}),
    };
    return { guards: [guardOf(deps, key)], ops: [put(key, next)], result: next };
  });
  return { capacityProvider: rec };
}

export async function deleteCapacityProvider(deps: Deps, scope: Scope, input: { capacityProvider: string }) {
  const ref = input.capacityProvider;
  const name = ref.startsWith("arn:") ? ref.slice(ref.lastIndexOf("/") + 1) : ref;
  if ((FARGATE_PROVIDERS as readonly string[]).includes(name)) {
    throw clientError(`The ${name} capacity provider is managed by berth and cannot be deleted.`);
  }
  const key = keys.capacityProvider(scope, name);
  const rec = await commit(deps, () => {
    const current = deps.cache.get<CapacityProviderRecord>(key);
    if (!current || current.status !== "ACTIVE") throw notFound(name);
    const user = deps.cache
      .list<ClusterRecord>(keys.clusters(scope))
      .find((c) => c.status === "ACTIVE" && (c.capacityProviders ?? []).includes(name));
    if (user) {
      throw new EcsError(
        "ResourceInUseException",
        `The capacity provider ${name} is associated with cluster ${user.clusterName}; remove it with PutClusterCapacityProviders first.`,
      );
    }
    const next: CapacityProviderRecord = { ...current, status: "INACTIVE", updateStatus: "DELETE_COMPLETE" };
    return { guards: [guardOf(deps, key)], ops: [put(key, next)], result: next };
  });
  // ECS answers while its deletion runs (ACTIVE, DELETE_IN_PROGRESS); berth has no Auto Scaling
  // group to let go of, so the deletion is complete when the answer leaves (INACTIVE, DELETE_COMPLETE).
  return { capacityProvider: { ...rec, status: "ACTIVE", updateStatus: "DELETE_IN_PROGRESS" } };
}

function notFound(name: string): EcsError {
  return clientError(`The specified capacity provider ${name} does not exist.`);
}

/** Checks a cluster's providers and default strategy: they must exist and agree. */
export function validateCapacityProviderAssociation(
  deps: Deps,
  scope: Scope,
  providers: string[],
  strategy: CapacityProviderStrategyItem[],
): void {
  for (const [i, p] of providers.entries()) {
    if (!findCapacityProvider(deps, scope, p)) {
      throw invalidParameter(`Invalid parameter 'capacityProviders[${i}]': the capacity provider '${p}' does not exist.`);
    }
  }
  if (new Set(providers).size !== providers.length) {
    throw invalidParameter("Invalid parameter 'capacityProviders': a capacity provider is listed twice.");
  }
  if (strategy.length > 20) throw invalidParameter(`Invalid parameter 'defaultCapacityProviderStrategy': at most 20 items, found ${strategy.length}.`);
  let withBase = 0;
  for (const [i, item] of strategy.entries()) {
    if (!providers.includes(item.capacityProvider!)) {
      throw invalidParameter(
        `Invalid parameter 'defaultCapacityProviderStrategy[${i}].capacityProvider': '${item.capacityProvider}' is not one of the cluster's capacity providers.`,
      );
    }
    if ((item.base ?? 0) > 0) withBase++;
  }
  if (withBase > 1) throw invalidParameter("Invalid parameter 'defaultCapacityProviderStrategy': only one capacity provider can have a base greater than 0.");
  if (strategy.length > 0 && strategy.every((s) => (s.weight ?? 0) === 0)) {
    throw invalidParameter("Invalid parameter 'defaultCapacityProviderStrategy': at least one capacity provider must have a weight greater than 0.");
  }
  const kinds = new Set(strategy.map((s) => ((FARGATE_PROVIDERS as readonly string[]).includes(s.capacityProvider!) ? "fargate" : "ec2")));
  if (kinds.size > 1) {
    throw invalidParameter("Invalid parameter 'defaultCapacityProviderStrategy': Fargate and Auto Scaling group capacity providers cannot be mixed in one strategy.");
  }
}

export async function putClusterCapacityProviders(
  deps: Deps,
  scope: Scope,
  input: { cluster: string; capacityProviders: string[]; defaultCapacityProviderStrategy: CapacityProviderStrategyItem[] },
) {
  validateCapacityProviderAssociation(deps, scope, input.capacityProviders, input.defaultCapacityProviderStrategy);
  const name = activeCluster(deps, scope, input.cluster).clusterName;
  const key = keys.cluster(scope, name);
  const rec = await commit(deps, () => {
    const current = deps.cache.get<ClusterRecord>(key);
    if (!current || current.status !== "ACTIVE") throw clusterNotFound();
    // An Auto Scaling group provider serves one cluster only.
    for (const p of input.capacityProviders) {
      if ((FARGATE_PROVIDERS as readonly string[]).includes(p)) continue;
      const other = deps.cache
        .list<ClusterRecord>(keys.clusters(scope))
        .find((c) => c.status === "ACTIVE" && c.clusterName !== name && (c.capacityProviders ?? []).includes(p));
      if (other) {
        throw new EcsError("ResourceInUseException", `The capacity provider ${p} is already associated with cluster ${other.clusterName}.`);
      }
    }
    const removed = (current.capacityProviders ?? []).filter((p) => !input.capacityProviders.includes(p));
    const inUse = removed.find((p) => providerInUse(deps, scope, current, p));
    if (inUse) {
      throw new EcsError("ResourceInUseException", `The specified capacity provider is in use and cannot be removed: ${inUse} is used by a service or task of cluster ${name}.`);
    }
    const next: ClusterRecord = {
      ...current,
      capacityProviders: input.capacityProviders,
      defaultCapacityProviderStrategy: input.defaultCapacityProviderStrategy.map((i) => ({
        capacityProvider: i.capacityProvider,
        weight: i.weight ?? 0,
        base: i.base ?? 0,
      })),
    };
    return { guards: [guardOf(deps, key)], ops: [put(key, next)], result: next };
  });
  return rec;
}

/** A provider is in use while a service's strategy names it or a task that has not stopped ran on it. */
function providerInUse(deps: Deps, scope: Scope, cluster: ClusterRecord, provider: string): boolean {
  const services = deps.cache.list<{ status: string; capacityProviderStrategy?: { capacityProvider?: string }[] }>(keys.services(scope, cluster.clusterName));
  if (services.some((s) => s.status !== "INACTIVE" && (s.capacityProviderStrategy ?? []).some((i) => i.capacityProvider === provider))) return true;
  const tasks = deps.cache.list<{ lastStatus: string; capacityProviderName?: string }>(keys.tasks(scope, cluster.clusterName));
  return tasks.some((t) => t.lastStatus !== "STOPPED" && t.capacityProviderName === provider);
}

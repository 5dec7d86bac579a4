// Where a launch finds capacity (ecs-behavior.md §1.4, §1.7, §6.8): a launch type, or a capacity
// provider strategy — the request's, or else the cluster's default — resolved and checked once
// per request, before any placement. Without either and without a cluster default, EC2.
import type { CapacityProviderStrategyItem } from "@aws-sdk/client-ecs";
import { EcsError, invalidParameter, type Scope } from "../model/index.js";
import { validateCapacityProviderStrategy } from "../placement/index.js";
import { FARGATE_PROVIDERS, findCapacityProvider } from "./capacity-providers.js";
import type { Deps } from "./deps.js";
import type { ClusterRecord, ContainerInstanceRecord } from "./records.js";

export type LaunchType = "EC2" | "EXTERNAL" | "FARGATE";

export interface StrategyItem {
  readonly capacityProvider: string;
  readonly base: number;
  readonly weight: number;
}

export type LaunchTarget =
  | { readonly kind: "launchType"; readonly launchType: LaunchType }
  | { readonly kind: "strategy"; readonly items: readonly StrategyItem[]; readonly fargate: boolean };

export interface LaunchSelection {
  launchType?: string;
  capacityProviderStrategy?: CapacityProviderStrategyItem[];
}

/** The attribute ECS Anywhere instances carry (ecs-behavior.md §6.4). */
export const EXTERNAL_ATTRIBUTE = "ecs.capability.external";

const LAUNCH_TYPES: readonly string[] = ["EC2", "EXTERNAL", "FARGATE"];

export const isFargateProvider = (name: string) => (FARGATE_PROVIDERS as readonly string[]).includes(name);

const nameOf = (ref: string) => (ref.startsWith("arn:") ? ref.slice(ref.lastIndexOf("/") + 1) : ref);

export function isFargateTarget(t: LaunchTarget): boolean {
  return t.kind === "launchType" ? t.launchType === "FARGATE" : t.fargate;
}

/**
 * The target of a RunTask or CreateService. `useClusterDefault` is false for DAEMON services,
 * which ECS runs on their cluster's instances, never through capacity providers.
 */
export function resolveLaunchTarget(
  deps: Deps,
  scope: Scope,
  cluster: ClusterRecord,
  input: LaunchSelection,
  useClusterDefault = true,
): LaunchTarget {
  const given = input.capacityProviderStrategy ?? [];
  if (input.launchType && given.length > 0) {
    throw invalidParameter("Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.");
  }
  if (input.launchType) {
    if (!LAUNCH_TYPES.includes(input.launchType)) {
      throw new EcsError("UnsupportedFeatureException", `berth runs the EC2, EXTERNAL and FARGATE launch types, not ${input.launchType}.`);
    }
    return { kind: "launchType", launchType: input.launchType as LaunchType };
  }
  if (given.length > 0) return { kind: "strategy", ...checkStrategy(deps, scope, cluster, given) };
  const fallback = cluster.defaultCapacityProviderStrategy ?? [];
  if (useClusterDefault && fallback.length > 0) return { kind: "strategy", ...checkStrategy(deps, scope, cluster, fallback) };
  return { kind: "launchType", launchType: "EC2" };
}

/** A strategy as ECS checks it: well formed, every provider associated, not mixing kinds. */
export function checkStrategy(
  deps: Deps,
  scope: Scope,
  cluster: ClusterRecord,
  items: readonly CapacityProviderStrategyItem[],
): { items: StrategyItem[]; fargate: boolean } {
  const first = validateCapacityProviderStrategy(items)[0];
  if (first) throw invalidParameter(`${first.message}.`);
  const associated = new Set(cluster.capacityProviders ?? []);
  const normalized = items.map((i) => ({ capacityProvider: nameOf(i.capacityProvider!), base: i.base ?? 0, weight: i.weight ?? 0 }));
  for (const item of normalized) {
    const provider = findCapacityProvider(deps, scope, item.capacityProvider);
    if (!provider || !associated.has(item.capacityProvider)) {
      throw invalidParameter(
        "The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.",
      );
    }
    if (provider.type === "MANAGED_INSTANCES") {
      throw new EcsError("UnsupportedFeatureException", `berth does not run Managed Instances capacity providers yet, found '${item.capacityProvider}'.`);
    }
  }
  const fargate = normalized.filter((i) => isFargateProvider(i.capacityProvider)).length;
  if (fargate > 0 && fargate < normalized.length) {
    throw invalidParameter(
      "A capacity provider strategy cannot contain a mix of capacity providers using Auto Scaling groups and Fargate providers. Specify one or the other and try again.",
    );
  }
  return { items: normalized, fargate: fargate > 0 };
}

/** What a service echoes: `launchType` or `capacityProviderStrategy`, whichever was used. */
export function launchEcho(t: LaunchTarget): { launchType: string } | { capacityProviderStrategy: StrategyItem[] } {
  return t.kind === "launchType" ? { launchType: t.launchType } : { capacityProviderStrategy: [...t.items] };
}

/** The target a stored service stands for (services.ts stores the echo). */
export function targetOfEcho(echo: { launchType?: string; capacityProviderStrategy?: CapacityProviderStrategyItem[] }): LaunchTarget {
  const items = echo.capacityProviderStrategy ?? [];
  if (items.length > 0) {
    const normalized = items.map((i) => ({ capacityProvider: nameOf(i.capacityProvider ?? ""), base: i.base ?? 0, weight: i.weight ?? 0 }));
    return { kind: "strategy", items: normalized, fargate: normalized.some((i) => isFargateProvider(i.capacityProvider)) };
  }
  return { kind: "launchType", launchType: (echo.launchType ?? "EC2") as LaunchType };
}

export function isExternalInstance(i: ContainerInstanceRecord): boolean {
  return i.attributes.some((a) => a.name === EXTERNAL_ATTRIBUTE);
}

/**
 * The cluster's instances a share may use: EC2 skips external instances and EXTERNAL takes only
 * them; an Auto Scaling group provider's share goes to the instances registered with it.
 */
export function instancesFor(instances: readonly ContainerInstanceRecord[], share: { launchType: LaunchType; capacityProvider?: string }) {
  if (share.capacityProvider !== undefined) {
    return instances.filter((i) => i.capacityProviderName === share.capacityProvider && !isExternalInstance(i));
  }
  return share.launchType === "EXTERNAL" ? instances.filter(isExternalInstance) : instances.filter((i) => !isExternalInstance(i));
}

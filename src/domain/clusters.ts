// Clusters: CreateCluster, DescribeClusters, ListClusters, UpdateCluster, UpdateClusterSettings,
// DeleteCluster. Counters and statistics are derived from the cache on every read.
import type {
  ClusterConfiguration,
  ClusterServiceConnectDefaultsRequest,
  ClusterSetting,
  CapacityProviderStrategyItem,
  Tag,
} from "@aws-sdk/client-ecs";
import { arns, clusterNotFound, EcsError, invalidParameter, NAME_PATTERN, type Scope } from "../model/index.js";
import { FARGATE_PROVIDERS, validateCapacityProviderAssociation } from "./capacity-providers.js";
import { isPoolCluster } from "./fargate-pool.js";
import { effectiveSetting } from "./account-settings.js";
import { commit, guardOf, put, type Deps } from "./deps.js";
import { indexKey } from "./indexes.js";
import { keys } from "./keys.js";
import { paginate, type PageRequest } from "./pagination.js";
import type { ClusterRecord } from "./records.js";
import { activeCluster, arnInScope, clusterNameOf } from "./resolve.js";
import { validateTags } from "./tags.js";

export interface CreateClusterInput {
  clusterName?: string;
  tags?: Tag[];
  settings?: ClusterSetting[];
  configuration?: ClusterConfiguration;
  capacityProviders?: string[];
  defaultCapacityProviderStrategy?: CapacityProviderStrategyItem[];
  serviceConnectDefaults?: ClusterServiceConnectDefaultsRequest;
}

export async function createCluster(deps: Deps, scope: Scope, input: CreateClusterInput): Promise<Record<string, unknown>> {
  const name = input.clusterName ?? "default";
  if (!NAME_PATTERN.test(name)) {
    throw invalidParameter(
      `Invalid parameter 'clusterName': '${name.slice(0, 300)}' must be 1-255 letters, numbers, hyphens and underscores.`,
    );
  }
  const tags = validateTags(input.tags);
  const settings = mergeSettings(defaultSettings(deps, scope), validateSettings(input.settings));
  const providers = input.capacityProviders ?? [];
  const strategy = input.defaultCapacityProviderStrategy ?? [];
  validateCapacityProviderAssociation(deps, scope, providers, strategy);
  const key = keys.cluster(scope, name);
  const record = await commit(deps, () => {
    const existing = deps.cache.get<ClusterRecord>(key);
    // Creating a cluster that exists and is ACTIVE returns it unchanged, as ECS does.
    if (existing?.status === "ACTIVE") return { guards: [], ops: [], result: existing };
    const rec: ClusterRecord = {
      clusterArn: arns.cluster(scope, name),
      clusterName: name,
      status: "ACTIVE",
      createdAt: deps.clock.now(),
      settings,
      tags,
      capacityProviders: providers,
      defaultCapacityProviderStrategy: strategy.map(normalizeStrategyItem),
      ...(input.configuration ? { configuration: input.configuration } : {}),
      ...(input.serviceConnectDefaults?.namespace ? { serviceConnectDefaults: { namespace: input.serviceConnectDefaults.namespace } } : {}),
    };
    return { guards: [guardOf(deps, key)], ops: [put(key, rec)], result: rec };
  });
  return view(deps, record, ["SETTINGS", "TAGS", "CONFIGURATIONS"]);
}

export function describeClusters(deps: Deps, scope: Scope, input: { clusters?: string[]; include?: string[] }) {
  const refs = input.clusters ?? ["default"];
  if (refs.length > 100) throw invalidParameter(`Invalid parameter 'clusters': at most 100 clusters per call, found ${refs.length}.`);
  const clusters: Record<string, unknown>[] = [];
  const failures: { arn: string; reason: string }[] = [];
  for (const ref of refs) {
    const name = clusterNameOf(ref);
    // berth's Fargate pool is not a cluster of the user's: it is MISSING like any unknown name.
    const hidden = (ref.startsWith("arn:") && !arnInScope(ref, scope)) || isPoolCluster(name);
    const rec = hidden ? undefined : deps.cache.get<ClusterRecord>(keys.cluster(scope, name));
    if (rec) clusters.push(view(deps, rec, input.include ?? []));
    else failures.push({ arn: ref.startsWith("arn:") ? ref : arns.cluster(scope, name), reason: "MISSING" });
  }
  return { clusters, failures };
}

export function listClusters(deps: Deps, scope: Scope, input: PageRequest) {
  const active = deps.cache.list<ClusterRecord>(keys.clusters(scope)).filter((c) => c.status === "ACTIVE" && !isPoolCluster(c.clusterName));
  const page = paginate(active, (c) => c.clusterName, input, { default: 100, max: 100 });
  return { clusterArns: page.items.map((c) => c.clusterArn), nextToken: page.nextToken };
}

export async function updateCluster(
  deps: Deps,
  scope: Scope,
  input: { cluster: string; settings?: ClusterSetting[]; configuration?: ClusterConfiguration; serviceConnectDefaults?: ClusterServiceConnectDefaultsRequest },
) {
  const settings = validateSettings(input.settings);
  const name = activeCluster(deps, scope, input.cluster).clusterName;
  const key = keys.cluster(scope, name);
  const rec = await commit(deps, () => {
    const current = deps.cache.get<ClusterRecord>(key);
    if (!current || current.status !== "ACTIVE") throw clusterNotFound();
    const next: ClusterRecord = {
      ...current,
      settings: mergeSettings(current.settings ?? [], settings),
      ...(input.configuration ? { configuration: input.configuration } : {}),
      ...(input.serviceConnectDefaults ? { serviceConnectDefaults: { namespace: input.serviceConnectDefaults.namespace } } : {}),
    };
    return { guards: [guardOf(deps, key)], ops: [put(key, next)], result: next };
  });
  return { cluster: view(deps, rec, ["SETTINGS", "CONFIGURATIONS"]) };
}

export async function deleteCluster(deps: Deps, scope: Scope, input: { cluster: string }) {
  const name = activeCluster(deps, scope, input.cluster).clusterName;
  if (isPoolCluster(name)) throw clusterNotFound();
  const key = keys.cluster(scope, name);
  const rec = await commit(deps, () => {
    const current = deps.cache.get<ClusterRecord>(key);
    if (!current || current.status !== "ACTIVE") throw clusterNotFound();
    const arn = current.clusterArn;
    const count = (kind: "instances" | "services" | "tasks", status: string) =>
      deps.cache.countByIndex("clusterStatus", indexKey.clusterStatus(kind, arn, status));
    if (count("instances", "ACTIVE") + count("instances", "DRAINING") > 0) {
      throw new EcsError(
        "ClusterContainsContainerInstancesException",
        "The Cluster cannot be deleted while Container Instances are active or draining.",
      );
    }
    if (count("services", "ACTIVE") + count("services", "DRAINING") > 0) {
      throw new EcsError("ClusterContainsServicesException", "The Cluster cannot be deleted while Services are active.");
    }
    if (ACTIVE_TASK_STATUSES.some((s) => count("tasks", s) > 0)) {
      throw new EcsError("ClusterContainsTasksException", "The Cluster cannot be deleted while Tasks are active.");
    }
    const next: ClusterRecord = { ...current, status: "INACTIVE" };
    return { guards: [guardOf(deps, key)], ops: [put(key, next)], result: next };
  });
  return { cluster: view(deps, rec, []) };
}

const ACTIVE_TASK_STATUSES = ["PROVISIONING", "PENDING", "ACTIVATING", "RUNNING", "DEACTIVATING", "STOPPING", "DEPROVISIONING"];

/** The cluster as DescribeClusters shows it, with its counters computed now. */
export function view(deps: Deps, rec: ClusterRecord, include: string[]): Record<string, unknown> {
  const arn = rec.clusterArn;
  const count = (kind: "instances" | "services" | "tasks", status: string) =>
    deps.cache.countByIndex("clusterStatus", indexKey.clusterStatus(kind, arn, status));
  const out: Record<string, unknown> = {
    clusterArn: arn,
    clusterName: rec.clusterName,
    status: rec.status,
    registeredContainerInstancesCount: count("instances", "ACTIVE") + count("instances", "DRAINING"),
    runningTasksCount: count("tasks", "RUNNING"),
    pendingTasksCount: count("tasks", "PENDING") + count("tasks", "PROVISIONING") + count("tasks", "ACTIVATING"),
    activeServicesCount: count("services", "ACTIVE"),
    capacityProviders: rec.capacityProviders ?? [],
    defaultCapacityProviderStrategy: rec.defaultCapacityProviderStrategy ?? [],
  };
  if (rec.serviceConnectDefaults) out.serviceConnectDefaults = rec.serviceConnectDefaults;
  if (include.includes("SETTINGS")) out.settings = rec.settings ?? [];
  if (include.includes("TAGS")) out.tags = rec.tags ?? [];
  if (include.includes("CONFIGURATIONS") && rec.configuration) out.configuration = rec.configuration;
  if (include.includes("ATTACHMENTS")) out.attachments = rec.attachments ?? [];
  if (include.includes("STATISTICS")) out.statistics = statistics(deps, arn);
  return out;
}

function statistics(deps: Deps, clusterArn: string): { name: string; value: string }[] {
  const tasks = (status: string) =>
    deps.cache.byIndex<Launched>("clusterStatus", indexKey.clusterStatus("tasks", clusterArn, status));
  const services = (status: string) =>
    deps.cache.byIndex<Launched>("clusterStatus", indexKey.clusterStatus("services", clusterArn, status));
  type Launched = { launchType?: string; capacityProviderStrategy?: { capacityProvider?: string }[] };
  // A service on FARGATE / FARGATE_SPOT providers has no launchType but counts as Fargate.
  const fargate = (x: Launched) =>
    x.launchType === "FARGATE" || (x.capacityProviderStrategy ?? []).some((i) => (FARGATE_PROVIDERS as readonly string[]).includes(i.capacityProvider ?? ""));
  const split = <T extends Launched>(xs: T[]) => [xs.filter((x) => !fargate(x)).length, xs.filter(fargate).length];
  const [runningEc2, runningFargate] = split(tasks("RUNNING"));
  const [pendingEc2, pendingFargate] = split([...tasks("PROVISIONING"), ...tasks("PENDING"), ...tasks("ACTIVATING")]);
  const [activeEc2, activeFargate] = split(services("ACTIVE"));
  const [drainingEc2, drainingFargate] = split(services("DRAINING"));
  // The capital R in RunningFargateTasksCount is ECS's own spelling.
  return [
    { name: "runningEC2TasksCount", value: String(runningEc2) },
    { name: "RunningFargateTasksCount", value: String(runningFargate) },
    { name: "pendingEC2TasksCount", value: String(pendingEc2) },
    { name: "pendingFargateTasksCount", value: String(pendingFargate) },
    { name: "activeEC2ServiceCount", value: String(activeEc2) },
    { name: "activeFargateServiceCount", value: String(activeFargate) },
    { name: "drainingEC2ServiceCount", value: String(drainingEc2) },
    { name: "drainingFargateServiceCount", value: String(drainingFargate) },
  ];
}

const CONTAINER_INSIGHTS_VALUES = ["enabled", "disabled", "enhanced"];

function validateSettings(settings: ClusterSetting[] | undefined): ClusterSetting[] {
  for (const [i, s] of (settings ?? []).entries()) {
    if (s.name !== "containerInsights") {
      throw invalidParameter(`Invalid parameter 'settings[${i}].name': '${s.name}' is not a cluster setting; the only one is containerInsights.`);
    }
    if (!CONTAINER_INSIGHTS_VALUES.includes(s.value ?? "")) {
      throw invalidParameter(`Invalid parameter 'settings[${i}].value': '${s.value}' must be one of ${CONTAINER_INSIGHTS_VALUES.join(", ")}.`);
    }
  }
  return settings ?? [];
}

/** A new cluster's containerInsights follows the account setting, as in ECS. */
function defaultSettings(deps: Deps, scope: Scope): ClusterSetting[] {
  return [{ name: "containerInsights", value: effectiveSetting(deps, scope, "containerInsights") ?? "disabled" }];
}

function mergeSettings(base: { name?: string; value?: string }[], changes: ClusterSetting[]): ClusterSetting[] {
  const out = new Map(base.map((s) => [s.name, s.value]));
  for (const s of changes) out.set(s.name, s.value);
  return [...out].map(([name, value]) => ({ name, value }) as ClusterSetting);
}

export function normalizeStrategyItem(i: CapacityProviderStrategyItem): CapacityProviderStrategyItem {
  return { capacityProvider: i.capacityProvider, weight: i.weight ?? 0, base: i.base ?? 0 };
}

export async function updateClusterSettings(deps: Deps, scope: Scope, input: { cluster: string; settings: ClusterSetting[] }) {
  return updateCluster(deps, scope, { cluster: input.cluster, settings: input.settings });
}

// Container instances: the hosts an agent registers (ecs-behavior.md §1.6, §11.1). Register
// (as the agent calls it), deregister, describe, list, and ACTIVE / DRAINING changes.
import type { Attribute, Resource, Tag, VersionInfo } from "@aws-sdk/client-ecs";
import { randomBytes } from "node:crypto";
import { arns, clientError, hexId, invalidParameter, type Scope } from "../model/index.js";
import { compileQuery, QueryParseError } from "../placement/index.js";
import { effectiveSetting } from "./account-settings.js";
import { commit, guardOf, put, type Deps } from "./deps.js";
import { TRUNK_ATTRIBUTE } from "./eni-limits.js";
import { TASK_ENI_CAPABILITY } from "./task-enis.js";
import { reserve } from "./instance-resources.js";
import { instanceView } from "./instance-view.js";
import { findCapacityProvider } from "./capacity-providers.js";
import { ensurePoolCluster, isPoolCluster } from "./fargate-pool.js";
import { TASK_STATUS_ORDER, type TaskRecord } from "./task-records.js";
import { indexKey } from "./indexes.js";
import { keys } from "./keys.js";
import { paginate, type PageRequest } from "./pagination.js";
import type { ClusterRecord, ContainerInstanceRecord } from "./records.js";
import { activeCluster, clusterNameOf, idOf } from "./resolve.js";
import { validateTags } from "./tags.js";

export interface RegisterInput {
  cluster?: string;
  instanceIdentityDocument?: string;
  totalResources?: Resource[];
  versionInfo?: VersionInfo;
  containerInstanceArn?: string;
  attributes?: Attribute[];
  tags?: Tag[];
}

/**
 * The attribute an agent names its Auto Scaling group capacity provider with: berth has no Auto
 * Scaling groups, so an instance joins a provider by saying so when it registers
 * (`berth agent --attribute berth.capacity-provider=<name>`), and shows it as ECS does, in
 * capacityProviderName.
 */
export const CAPACITY_PROVIDER_ATTRIBUTE = "berth.capacity-provider";

export async function registerContainerInstance(deps: Deps, scope: Scope, input: RegisterInput) {
  if (isPoolCluster(clusterNameOf(input.cluster))) await ensurePoolCluster(deps, scope);
  const cluster = activeCluster(deps, scope, input.cluster);
  const resources = validateResources(input.totalResources ?? []);
  const tags = validateTags(input.tags);
  const ec2InstanceId = instanceIdFrom(input.instanceIdentityDocument);
  const attributes = (input.attributes ?? []).map((a) => ({ name: a.name!, ...(a.value !== undefined ? { value: a.value } : {}) }));
  const rec = await commit(deps, () => {
    // Re-registration (same ARN, or an instance id already in the cluster) updates in place.
    const existing = findForReregistration(deps, scope, cluster, input.containerInstanceArn, ec2InstanceId);
    if (input.containerInstanceArn && !existing) {
      throw invalidParameter(`Invalid parameter 'containerInstanceArn': ${input.containerInstanceArn} is not registered in cluster ${cluster.clusterName}.`);
    }
    const id = existing?.id ?? hexId();
    const key = keys.instance(scope, cluster.clusterName, id);
    const customAttributes = (existing?.attributes ?? []).filter((a) => isCustom(a.name!));
    const merged = withTrunk(deps, scope, mergeAttributes(attributes, customAttributes), existing);
    // A re-registering agent (after a restart) still hosts its tasks: they keep their share.
    const held = heldBy(deps, arns.containerInstance(scope, cluster.clusterName, id)).reduce(
      (acc, t) => reserve(acc, t.reserved),
      { remainingResources: resources } as ContainerInstanceRecord,
    );
    const next: ContainerInstanceRecord = {
      ...(existing ?? {}),
      containerInstanceArn: arns.containerInstance(scope, cluster.clusterName, id),
      id,
      clusterName: cluster.clusterName,
      clusterArn: cluster.clusterArn,
      ec2InstanceId: existing?.ec2InstanceId ?? ec2InstanceId ?? `i-${randomBytes(9).toString("hex").slice(0, 17)}`,
      version: (existing?.version ?? 0) + 1,
      versionInfo: input.versionInfo ?? existing?.versionInfo ?? {},
      registeredResources: resources,
      remainingResources: held.remainingResources,
      enisInUse: held.enisInUse ?? 0,
      status: "ACTIVE",
      capacityProviderName: providerOf(deps, scope, cluster, merged),
      agentConnected: existing?.agentConnected ?? false,
      agentUpdateStatus: existing?.agentUpdateStatus,
      attributes: merged,
      registeredAt: existing?.registeredAt ?? deps.clock.now(),
      attachments: existing?.attachments ?? [],
      tags: existing ? existing.tags : tags,
    } as ContainerInstanceRecord;
    return { guards: [guardOf(deps, key)], ops: [put(key, next)], result: next };
  });
  return { containerInstance: view(deps, rec, ["TAGS"]) };
}

/** The Auto Scaling group provider an instance registers with, checked; undefined for none. */
/**
 * With the account setting awsvpcTrunking enabled, an instance that gives tasks ENIs gets a
 * trunk ENI when it first registers (ecs.awsvpc-trunk-id), raising its ENI limit
 * (eni-limits.ts); an instance keeps the trunk it has, as on ECS (new instances only).
 */
type Attr = { name?: string; value?: string };
function withTrunk(deps: Deps, scope: Scope, attributes: Attr[], existing: ContainerInstanceRecord | undefined): Attr[] {
  const had = existing?.attributes.find((a) => a.name === TRUNK_ATTRIBUTE);
  if (had) return [...attributes.filter((a) => a.name !== TRUNK_ATTRIBUTE), had];
  if (existing || !attributes.some((a) => a.name === TASK_ENI_CAPABILITY)) return attributes;
  if (effectiveSetting(deps, scope, "awsvpcTrunking") !== "enabled") return attributes;
  return [...attributes, { name: TRUNK_ATTRIBUTE, value: `eni-${randomBytes(9).toString("hex").slice(0, 17)}` }];
}

function providerOf(deps: Deps, scope: Scope, cluster: ClusterRecord, attributes: { name?: string; value?: string }[]): string | undefined {
  const named = attributes.find((a) => a.name === CAPACITY_PROVIDER_ATTRIBUTE);
  if (!named) return undefined;
  const where = `Invalid parameter 'attributes': ${CAPACITY_PROVIDER_ATTRIBUTE}`;
  if (isPoolCluster(cluster.clusterName)) throw invalidParameter(`${where} is for instances of a user's cluster, not of berth's Fargate pool.`);
  const provider = findCapacityProvider(deps, scope, named.value ?? "");
  if (!provider || provider.type !== "EC2_AUTOSCALING") {
    throw invalidParameter(`${where} is '${named.value ?? ""}', which is not an Auto Scaling group capacity provider of this account; create it with CreateCapacityProvider first.`);
  }
  return provider.name;
}

/**
 * Tasks on the instance whose reservation has not been given back (released comes with STOPPED),
 * from the instance index: a Fargate pool instance holds tasks of every cluster.
 */
function heldBy(deps: Deps, instanceArn: string): TaskRecord[] {
  return TASK_STATUS_ORDER.filter((s) => s !== "STOPPED")
    .flatMap((s) => deps.cache.byIndex<TaskRecord>("instanceTasks", indexKey.instanceTasks(instanceArn, "last", s)))
    .filter((t) => !t.released);
}

function findForReregistration(
  deps: Deps,
  scope: Scope,
  cluster: ClusterRecord,
  arn: string | undefined,
  ec2InstanceId: string | undefined,
): ContainerInstanceRecord | undefined {
  if (arn) {
    const rec = deps.cache.get<ContainerInstanceRecord>(keys.instance(scope, cluster.clusterName, idOf(arn)));
    return rec && rec.status !== "INACTIVE" ? rec : undefined;
  }
  if (!ec2InstanceId) return undefined;
  return deps.cache
    .list<ContainerInstanceRecord>(keys.instances(scope, cluster.clusterName))
    .find((r) => r.ec2InstanceId === ec2InstanceId && r.status !== "INACTIVE");
}

/** The EC2 instance id from an identity document (JSON with `instanceId`), if it has one. */
function instanceIdFrom(doc: string | undefined): string | undefined {
  if (!doc) return undefined;
  try {
    const parsed = JSON.parse(doc) as { instanceId?: unknown };
    return typeof parsed.instanceId === "string" && parsed.instanceId.length > 0 ? parsed.instanceId.slice(0, 64) : undefined;
  } catch {
    throw invalidParameter("Invalid parameter 'instanceIdentityDocument': it must be a JSON document.");
  }
}

const RESOURCE_TYPES = new Set(["INTEGER", "LONG", "DOUBLE", "STRINGSET"]);

function validateResources(resources: Resource[]): Resource[] {
  const seen = new Set<string>();
  return resources.map((r, i) => {
    if (!r.name) throw invalidParameter(`Invalid parameter 'totalResources[${i}].name': a resource needs a name.`);
    if (seen.has(r.name)) throw invalidParameter(`Invalid parameter 'totalResources[${i}].name': '${r.name}' is listed twice.`);
    seen.add(r.name);
    const type = r.type ?? (r.stringSetValue ? "STRINGSET" : "INTEGER");
    if (!RESOURCE_TYPES.has(type)) throw invalidParameter(`Invalid parameter 'totalResources[${i}].type': '${type}' must be INTEGER, LONG, DOUBLE or STRINGSET.`);
    const numeric = r.integerValue ?? r.longValue ?? r.doubleValue ?? 0;
    if (type !== "STRINGSET" && numeric < 0) throw invalidParameter(`Invalid parameter 'totalResources[${i}]': '${r.name}' must not be negative.`);
    return {
      name: r.name,
      type,
      doubleValue: r.doubleValue ?? 0,
      longValue: r.longValue ?? 0,
      integerValue: r.integerValue ?? 0,
      ...(type === "STRINGSET" ? { stringSetValue: r.stringSetValue ?? [] } : {}),
    };
  });
}

/** Attributes the agent reports (ecs.*, com.amazonaws.*) are built in; the rest are custom. */
export function isCustom(name: string): boolean {
  return !name.startsWith("ecs.") && !name.startsWith("com.amazonaws.ecs.");
}

function mergeAttributes(builtIn: { name?: string; value?: string }[], custom: { name?: string; value?: string }[]) {
  const out = new Map(builtIn.map((a) => [a.name!, a]));
  for (const a of custom) if (!out.has(a.name!)) out.set(a.name!, a);
  return [...out.values()];
}

export function findInstance(deps: Deps, scope: Scope, clusterName: string, ref: string): ContainerInstanceRecord | undefined {
  if (ref.startsWith("arn:")) {
    const parts = ref.split("/");
    // container-instance/<cluster>/<id>: the ARN must name this cluster.
    if (parts.length >= 3 && parts[parts.length - 2] !== clusterName) return undefined;
  }
  return deps.cache.get<ContainerInstanceRecord>(keys.instance(scope, clusterName, idOf(ref)));
}

export async function deregisterContainerInstance(deps: Deps, scope: Scope, input: { cluster?: string; containerInstance: string; force?: boolean }) {
  const cluster = activeCluster(deps, scope, input.cluster);
  const found = findInstance(deps, scope, cluster.clusterName, input.containerInstance);
  if (!found || found.status === "INACTIVE") {
    throw invalidParameter(`Invalid parameter 'containerInstance': ${input.containerInstance} is not registered in cluster ${cluster.clusterName}.`);
  }
  const key = keys.instance(scope, cluster.clusterName, found.id);
  const rec = await commit(deps, () => {
    const current = deps.cache.get<ContainerInstanceRecord>(key)!;
    const running = deps.cache.countByIndex("instanceTasks", indexKey.instanceTasks(current.containerInstanceArn, "desired", "RUNNING"));
    if (running > 0 && !input.force) {
      throw invalidParameter(
        `Container instance ${current.containerInstanceArn} has ${running} running tasks; stop them or deregister with force.`,
      );
    }
    const next: ContainerInstanceRecord = { ...current, status: "INACTIVE", agentConnected: false, version: (current.version ?? 0) + 1 };
    return { guards: [guardOf(deps, key)], ops: [put(key, next)], result: next };
  });
  return { containerInstance: view(deps, rec, []) };
}

export function describeContainerInstances(deps: Deps, scope: Scope, input: { cluster?: string; containerInstances: string[]; include?: string[] }) {
  const cluster = activeCluster(deps, scope, input.cluster);
  if (input.containerInstances.length === 0) throw clientError("Container Instances cannot be empty.");
  if (input.containerInstances.length > 100) {
    throw invalidParameter(`Invalid parameter 'containerInstances': at most 100 per call, found ${input.containerInstances.length}.`);
  }
  const containerInstances: Record<string, unknown>[] = [];
  const failures: { arn: string; reason: string }[] = [];
  for (const ref of input.containerInstances) {
    const rec = findInstance(deps, scope, cluster.clusterName, ref);
    if (rec) containerInstances.push(view(deps, rec, input.include ?? []));
    else failures.push({ arn: ref.startsWith("arn:") ? ref : arns.containerInstance(scope, cluster.clusterName, ref), reason: "MISSING" });
  }
  return { containerInstances, failures };
}

export function listContainerInstances(
  deps: Deps,
  scope: Scope,
  input: PageRequest & { cluster?: string; status?: string; filter?: string },
) {
  const cluster = activeCluster(deps, scope, input.cluster);
  const query = input.filter === undefined ? undefined : compileFilter(input.filter);
  const matches = query && ((rec: ContainerInstanceRecord) => query(instanceView(deps, rec)));
  const all = deps.cache.list<ContainerInstanceRecord>(keys.instances(scope, cluster.clusterName));
  const selected = all
    .filter((r) => (input.status ? r.status === input.status : r.status !== "INACTIVE"))
    .filter((r) => !matches || matches(r));
  const page = paginate(selected, (r) => r.id, input, { default: 100, max: 100 });
  return { containerInstanceArns: page.items.map((r) => r.containerInstanceArn), nextToken: page.nextToken };
}

function compileFilter(text: string) {
  try {
    return compileQuery(text);
  } catch (err) {
    if (err instanceof QueryParseError) throw invalidParameter(`Invalid parameter 'filter': ${err.message}`);
    throw err;
  }
}

export async function updateContainerInstancesState(
  deps: Deps,
  scope: Scope,
  input: { cluster?: string; containerInstances: string[]; status: string },
) {
  const cluster = activeCluster(deps, scope, input.cluster);
  if (input.status !== "ACTIVE" && input.status !== "DRAINING") {
    throw invalidParameter("Container instance status should be one of [ACTIVE, DRAINING]");
  }
  if (input.containerInstances.length > 10) {
    throw invalidParameter(`Invalid parameter 'containerInstances': at most 10 per call, found ${input.containerInstances.length}.`);
  }
  const containerInstances: Record<string, unknown>[] = [];
  const failures: { arn: string; reason: string }[] = [];
  for (const ref of input.containerInstances) {
    const found = findInstance(deps, scope, cluster.clusterName, ref);
    if (!found || found.status === "INACTIVE") {
      failures.push({ arn: ref.startsWith("arn:") ? ref : arns.containerInstance(scope, cluster.clusterName, ref), reason: "MISSING" });
      continue;
    }
    const key = keys.instance(scope, cluster.clusterName, found.id);
    const rec = await commit(deps, () => {
      const current = deps.cache.get<ContainerInstanceRecord>(key)!;
      if (current.status === input.status) return { guards: [], ops: [], result: current };
      const next = { ...current, status: input.status, version: (current.version ?? 0) + 1 };
      return { guards: [guardOf(deps, key)], ops: [put(key, next)], result: next };
    });
    containerInstances.push(view(deps, rec, []));
  }
  return { containerInstances, failures };
}

/** The instance as the API shows it: task counts and remaining resources derived from its tasks. */
export function view(deps: Deps, rec: ContainerInstanceRecord, include: string[]): Record<string, unknown> {
  const { id: _id, clusterName: _c, clusterArn: _a, tags, ...rest } = rec as ContainerInstanceRecord & { clusterArn?: string };
  const count = (which: "desired" | "last", status: string) =>
    deps.cache.countByIndex("instanceTasks", indexKey.instanceTasks(rec.containerInstanceArn, which, status));
  const out: Record<string, unknown> = {
    ...rest,
    runningTasksCount: count("desired", "RUNNING"),
    pendingTasksCount: count("last", "PENDING"),
  };
  if (include.includes("TAGS")) out.tags = tags ?? [];
  if (include.includes("CONTAINER_INSTANCE_HEALTH")) {
    out.healthStatus = { overallStatus: rec.agentConnected ? "OK" : "INSUFFICIENT_DATA", details: [] };
  }
  return out;
}

export function assertTargetType(targetType: string | undefined): void {
  if (targetType !== undefined && targetType !== "container-instance") {
    throw invalidParameter(`Invalid parameter 'targetType': '${targetType}' must be container-instance.`);
  }
}


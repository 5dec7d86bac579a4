// Task sets (CreateTaskSet, DescribeTaskSets, UpdateTaskSet, DeleteTaskSet,
// UpdateServicePrimaryTaskSet): the deployment units of a service whose deploymentController is
// EXTERNAL. The API writes desired state into the service's record in one guarded commit; the
// service reconciler (task-sets-reconcile.ts) keeps each set at its computedDesiredCount.
import type { CreateTaskSetRequest, Scale } from "@aws-sdk/client-ecs";
import { deploymentId, EcsError, invalidParameter, parseArn, type Scope } from "../model/index.js";
import { commit, guardOf, put, type Deps } from "./deps.js";
import { checkFargateTask, platformOf } from "./fargate-pool.js";
import { keys } from "./keys.js";
import { isFargateTarget, launchEcho, resolveLaunchTarget } from "./launch-target.js";
import { resolveNetworkConfiguration } from "./network-configuration.js";
import type { ClusterRecord } from "./records.js";
import { activeCluster, arnInScope } from "./resolve.js";
import { checkLoadBalancers } from "./service-load-balancers.js";
import { checkServiceRegistries } from "./service-registries.js";
import type { ServiceRecord } from "./service-records.js";
import { validateTags } from "./tags.js";
import { usableTaskDefinition } from "./task-definitions.js";
import {
  computedDesiredCount,
  MAX_TASK_SETS,
  taskSetArn,
  taskSetsOf,
  taskSetView,
  usesTaskSets,
  type TaskSetRecord,
  type TaskSetServiceRecord,
} from "./task-sets-records.js";

/** ECS's answer when a task set operation names a service of another controller. */
export const NOT_EXTERNAL_MESSAGE = "Amazon ECS only supports task set management on services configured to use external deployment controllers.";

const taskSetNotFound = () => new EcsError("TaskSetNotFoundException", "The specified task set does not exist.");

interface Located {
  cluster: ClusterRecord;
  service: TaskSetServiceRecord;
  key: string;
}

/**
 * The service a task set operation names. Writes need an ACTIVE service of the EXTERNAL
 * controller (CODE_DEPLOY services' sets are CodeDeploy's to change); DescribeTaskSets also
 * reads a CODE_DEPLOY service's.
 */
function locateService(deps: Deps, scope: Scope, clusterRef: string | undefined, serviceRef: string | undefined, write: boolean): Located {
  const cluster = activeCluster(deps, scope, clusterRef);
  const ref = serviceRef ?? "";
  if (ref.startsWith("arn:") && !arnInScope(ref, scope)) throw new EcsError("ServiceNotFoundException", "Service not found.");
  const name = ref.startsWith("arn:") ? ref.slice(ref.lastIndexOf("/") + 1) : ref;
  const key = keys.service(scope, cluster.clusterName, name);
  const service = name ? deps.cache.get<TaskSetServiceRecord>(key) : undefined;
  if (!service || service.status === "INACTIVE") throw new EcsError("ServiceNotFoundException", "Service not found.");
  if (write && service.status !== "ACTIVE") throw new EcsError("ServiceNotActiveException", "Service was not ACTIVE.");
  const type = service.deploymentController?.type;
  if (write ? type !== "EXTERNAL" : !usesTaskSets(service)) throw invalidParameter(NOT_EXTERNAL_MESSAGE);
  return { cluster, service, key };
}

/**
 * The task set a reference names within its service: the full ARN, the id (`ecs-svc/…`) or the
 * id's digits alone. An ARN of another cluster, service, account or region names none of them.
 */
export function findTaskSet(scope: Scope, service: ServiceRecord, ref: string): TaskSetRecord | undefined {
  let id = ref;
  if (ref.startsWith("arn:")) {
    const arn = parseArn(ref);
    if (!arn || arn.resourceType !== "task-set" || !arnInScope(ref, scope)) return undefined;
    const [cluster, serviceName, ...rest] = arn.resource.split("/");
    if (cluster !== service.clusterName || serviceName !== service.serviceName) return undefined;
    id = rest.join("/");
  }
  if (/^\d+$/.test(id)) id = `ecs-svc/${id}`;
  return taskSetsOf(service).find((t) => t.id === id);
}

function checkScale(scale: Scale | undefined): { value: number; unit: "PERCENT" } {
  const value = scale?.value ?? 0;
  if (!Number.isFinite(value) || value < 0 || value > 100) {
    throw invalidParameter(`Invalid parameter 'scale.value': ${scale?.value} must be a percent between 0 and 100.`);
  }
  if (scale?.unit !== undefined && scale.unit !== "PERCENT") throw invalidParameter(`Invalid parameter 'scale.unit': '${scale.unit}' should be PERCENT.`);
  return { value, unit: "PERCENT" };
}

/** clientToken: up to 36 ASCII characters from 33 to 126 (the CreateTaskSet reference). */
function checkClientToken(token: string | undefined): void {
  if (token === undefined) return;
  if (token.length === 0 || token.length > 36 || /[^\x21-\x7e]/.test(token)) {
    throw invalidParameter("Invalid parameter 'clientToken': give 1 to 36 ASCII characters from '!' to '~'.");
  }
}

/** Replaces one task set (by id) in a list, keeping the order. */
const replaced = (sets: TaskSetRecord[], next: TaskSetRecord) => sets.map((t) => (t.id === next.id ? next : t));

/**
 * A new task set of a service, with every launch setting checked as CreateService checks its
 * own: the task definition, launch type or capacity provider strategy (else the cluster's
 * default), platform, network configuration, load balancers and registries. `status` is ACTIVE
 * for CreateTaskSet, PRIMARY for the one a CODE_DEPLOY service starts with.
 */
export function newTaskSet(
  deps: Deps,
  scope: Scope,
  cluster: ClusterRecord,
  service: Pick<ServiceRecord, "serviceName" | "desiredCount" | "status">,
  input: Omit<CreateTaskSetRequest, "service" | "cluster">,
  status: "ACTIVE" | "PRIMARY",
): TaskSetRecord {
  if (!input.taskDefinition) throw invalidParameter("Family should not be null or empty.");
  checkClientToken(input.clientToken);
  const scale = checkScale(input.scale);
  const target = resolveLaunchTarget(deps, scope, cluster, input);
  const td = usableTaskDefinition(deps, scope, input.taskDefinition);
  const fargate = isFargateTarget(target);
  if (fargate) checkFargateTask(td);
  const platform = platformOf(fargate, input.platformVersion);
  resolveNetworkConfiguration(deps, scope, td, input.networkConfiguration as never, fargate);
  checkServiceRegistries(deps, scope, input.serviceRegistries, td);
  checkLoadBalancers(deps, scope, input.loadBalancers, td);
  const tags = validateTags(input.tags);
  const now = deps.clock.now();
  const id = deploymentId();
  return {
    id,
    taskSetArn: taskSetArn(scope, cluster.clusterName, service.serviceName, id),
    status,
    taskDefinition: td.taskDefinitionArn,
    scale,
    computedDesiredCount: computedDesiredCount(service.desiredCount, scale.value, status, service.status === "ACTIVE"),
    runningCount: 0,
    pendingCount: 0,
    createdAt: now,
    updatedAt: now,
    stabilityStatus: "STABILIZING",
    stabilityStatusAt: now,
    ...launchEcho(target),
    ...(platform ? { platformVersion: input.platformVersion ?? "LATEST", platformFamily: platform.family } : {}),
    ...(input.networkConfiguration ? { networkConfiguration: input.networkConfiguration } : {}),
    loadBalancers: input.loadBalancers ?? [],
    serviceRegistries: input.serviceRegistries ?? [],
    ...(input.externalId !== undefined ? { externalId: input.externalId } : {}),
    tags,
    ...(input.clientToken !== undefined ? { clientToken: input.clientToken } : {}),
  };
}

export async function createTaskSet(deps: Deps, scope: Scope, input: CreateTaskSetRequest) {
  const { cluster, service, key } = locateService(deps, scope, input.cluster, input.service, true);
  const same = input.clientToken !== undefined ? taskSetsOf(service).find((t) => t.clientToken === input.clientToken) : undefined;
  if (same) return { taskSet: taskSetView(service, same, true) };
  const created = newTaskSet(deps, scope, cluster, service, input, "ACTIVE");
  const rec = await commit(deps, () => {
    const current = deps.cache.get<TaskSetServiceRecord>(key);
    if (!current || current.status !== "ACTIVE") throw new EcsError("ServiceNotActiveException", "Service was not ACTIVE.");
    const sets = taskSetsOf(current);
    const retried = input.clientToken !== undefined ? sets.find((t) => t.clientToken === input.clientToken) : undefined;
    if (retried) return { guards: [], ops: [], result: retried };
    // DRAINING sets count until their tasks are gone, as ECS counts them.
    if (sets.length >= MAX_TASK_SETS) {
      throw invalidParameter(`${sets.length} deployments exist on the service. Unable to create new TaskSet since this exceeds the maximum limit.`);
    }
    const taskSet = { ...created, computedDesiredCount: computedDesiredCount(current.desiredCount, created.scale.value, "ACTIVE") };
    const next: TaskSetServiceRecord = { ...current, taskSets: [...sets, taskSet] };
    return { guards: [guardOf(deps, key)], ops: [put(key, next)], result: taskSet };
  });
  return { taskSet: taskSetView(service, rec, true) };
}

export function describeTaskSets(deps: Deps, scope: Scope, input: { cluster?: string; service?: string; taskSets?: string[]; include?: string[] }) {
  const { service } = locateService(deps, scope, input.cluster, input.service, false);
  const withTags = (input.include ?? []).includes("TAGS");
  if (input.taskSets === undefined) return { taskSets: taskSetsOf(service).map((t) => taskSetView(service, t, withTags)), failures: [] };
  const taskSets: Record<string, unknown>[] = [];
  const failures: { arn: string; reason: string }[] = [];
  for (const ref of input.taskSets) {
    const found = findTaskSet(scope, service, ref);
    if (found) taskSets.push(taskSetView(service, found, withTags));
    else failures.push({ arn: ref, reason: "MISSING" });
  }
  return { taskSets, failures };
}

/** Reads the task set a write names, refusing one that is being deleted. */
function writableTaskSet(scope: Scope, service: ServiceRecord, ref: string | undefined, field: string): TaskSetRecord {
  const found = findTaskSet(scope, service, ref ?? "");
  if (!found) throw taskSetNotFound();
  if (found.status === "DRAINING") throw invalidParameter(`Invalid parameter '${field}': task set ${found.id} is DRAINING (being deleted).`);
  return found;
}

export async function updateTaskSet(deps: Deps, scope: Scope, input: { cluster?: string; service?: string; taskSet?: string; scale?: Scale }) {
  const { service, key } = locateService(deps, scope, input.cluster, input.service, true);
  const scale = checkScale(input.scale);
  const id = writableTaskSet(scope, service, input.taskSet, "taskSet").id;
  const rec = await commit(deps, () => {
    const current = deps.cache.get<TaskSetServiceRecord>(key)!;
    const ts = writableTaskSet(scope, current, id, "taskSet");
    const now = deps.clock.now();
    const computed = computedDesiredCount(current.desiredCount, scale.value, ts.status, current.status === "ACTIVE");
    const moved = computed !== ts.computedDesiredCount;
    const next: TaskSetRecord = {
      ...ts,
      scale,
      computedDesiredCount: computed,
      updatedAt: now,
      ...(moved ? { stabilityStatus: "STABILIZING" as const, stabilityStatusAt: now } : {}),
    };
    return { guards: [guardOf(deps, key)], ops: [put(key, { ...current, taskSets: replaced(taskSetsOf(current), next) })], result: next };
  });
  return { taskSet: taskSetView(service, rec, false) };
}

/**
 * The service fields a primary task set gives its service (what DescribeServices shows for an
 * EXTERNAL service): its task definition, launch settings, network, load balancers, registries.
 * The service's record keeps none of them: each task set's tasks follow their own set's.
 */
export function primaryFields(ts: TaskSetRecord | undefined): Partial<ServiceRecord> {
  if (!ts) return {};
  return {
    taskDefinition: ts.taskDefinition,
    ...(ts.launchType !== undefined ? { launchType: ts.launchType } : {}),
    ...(ts.capacityProviderStrategy !== undefined ? { capacityProviderStrategy: ts.capacityProviderStrategy } : {}),
    ...(ts.platformVersion !== undefined ? { platformVersion: ts.platformVersion, platformFamily: ts.platformFamily! } : {}),
    ...(ts.networkConfiguration !== undefined ? { networkConfiguration: ts.networkConfiguration } : {}),
    loadBalancers: ts.loadBalancers,
    serviceRegistries: ts.serviceRegistries,
  };
}

export async function updateServicePrimaryTaskSet(deps: Deps, scope: Scope, input: { cluster?: string; service?: string; primaryTaskSet?: string }) {
  const { service, key } = locateService(deps, scope, input.cluster, input.service, true);
  const id = writableTaskSet(scope, service, input.primaryTaskSet, "primaryTaskSet").id;
  const rec = await commit(deps, () => {
    const current = deps.cache.get<TaskSetServiceRecord>(key)!;
    const target = writableTaskSet(scope, current, id, "primaryTaskSet");
    if (target.status === "PRIMARY") return { guards: [], ops: [], result: target };
    const now = deps.clock.now();
    const sets = taskSetsOf(current).map((t): TaskSetRecord => {
      if (t.id === target.id) return { ...t, status: "PRIMARY", updatedAt: now };
      return t.status === "PRIMARY" ? { ...t, status: "ACTIVE", updatedAt: now } : t;
    });
    // The service shows its primary's settings (primaryFields, read when it is described).
    const next: TaskSetServiceRecord = { ...current, taskSets: sets };
    return { guards: [guardOf(deps, key)], ops: [put(key, next)], result: sets.find((t) => t.id === target.id)! };
  });
  return { taskSet: taskSetView(service, rec, false) };
}

export async function deleteTaskSet(deps: Deps, scope: Scope, input: { cluster?: string; service?: string; taskSet?: string; force?: boolean }) {
  const { service, key } = locateService(deps, scope, input.cluster, input.service, true);
  const found = findTaskSet(scope, service, input.taskSet ?? "");
  if (!found) throw taskSetNotFound();
  if (found.status === "DRAINING") return { taskSet: taskSetView(service, found, false) };
  if (found.computedDesiredCount > 0 && !input.force) {
    throw invalidParameter(`The task set cannot be deleted while it is scaled above 0 (computedDesiredCount ${found.computedDesiredCount}). Scale it to 0 or use force.`);
  }
  const rec = await commit(deps, () => {
    const current = deps.cache.get<TaskSetServiceRecord>(key)!;
    const ts = findTaskSet(scope, current, found.id);
    if (!ts) throw taskSetNotFound();
    if (ts.status === "DRAINING") return { guards: [], ops: [], result: ts };
    const now = deps.clock.now();
    // DRAINING: the reconciler stops its tasks (deregistering their targets first) and then
    // forgets the set. A deleted primary leaves the service without one.
    const next: TaskSetRecord = { ...ts, status: "DRAINING", computedDesiredCount: 0, updatedAt: now, stabilityStatus: "STABILIZING", stabilityStatusAt: now };
    return { guards: [guardOf(deps, key)], ops: [put(key, { ...current, taskSets: replaced(taskSetsOf(current), next) })], result: next };
  });
  return { taskSet: taskSetView(service, rec, false) };
}

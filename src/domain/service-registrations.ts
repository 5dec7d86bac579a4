// The controller that keeps ECS services' tasks registered in their Cloud Map services
// (serviceRegistries): observe the service, its tasks and the instances it owns from the
// cache, decide purely (controllers/service-discovery), then register and deregister through
// Cloud Map's own operations, so every change is an Operation like a client's.
import type { Logger } from "pino";
import {
  decideRegistrations,
  instanceAttributes,
  type Registered,
  type Registry,
  type RegistrationTask,
} from "../controllers/index.js";
import type { Deps } from "./deps.js";
import { indexKey } from "./indexes.js";
import { kindOf, ROOT, scopeOfKey } from "./keys.js";
import { parseServiceKey } from "./service-reconciler.js";
import type { ServiceRecord } from "./service-records.js";
import { ecsOwner } from "./servicediscovery/indexes.js";
import { deregisterInstance, registerInstance } from "./servicediscovery/instances.js";
import { idOf, sdKeys, type InstanceRecord, type ServiceRecord as CloudMapService } from "./servicediscovery/records.js";
import type { TaskRecord } from "./task-records.js";
import { taskSetsOf, usesTaskSets } from "./task-sets-records.js";

export interface RegistrationController {
  stop(): void;
}

/** Observe: a task as the decision sees it. */
export function registrationTask(task: TaskRecord): RegistrationTask {
  const eni = task.assignment.eni?.privateIpv4Address ?? attachmentAddress(task);
  return {
    id: task.id,
    lastStatus: task.lastStatus,
    desiredStatus: task.desiredStatus,
    healthStatus: task.healthStatus,
    hasHealthCheck: task.containers.some((c) => c.healthStatus !== undefined),
    networkMode: task.assignment.networkMode,
    ...(eni ? { eniAddress: eni } : {}),
    family: task.assignment.family,
    ...(task.availabilityZone ? { availabilityZone: task.availabilityZone } : {}),
    bindings: task.containers.flatMap((c) => c.networkBindings.map((b) => ({ containerName: c.name, containerPort: b.containerPort, hostPort: b.hostPort }))),
  };
}

/** The ENI's address from the task's ElasticNetworkInterface attachment, as DescribeTasks shows it. */
function attachmentAddress(task: TaskRecord): string | undefined {
  for (const a of task.attachments as { type?: string; details?: { name?: string; value?: string }[] }[]) {
    if (a.type !== "ElasticNetworkInterface") continue;
    const d = a.details?.find((x) => x.name === "privateIPv4Address");
    if (d?.value) return d.value;
  }
  return undefined;
}

/** Observe and decide for one ECS service (by its store key); pure over the cache's contents. */
export function planRegistrations(deps: Deps, serviceKey: string) {
  const { scope, cluster, name } = parseServiceKey(serviceKey);
  const owned = deps.cache.byIndex<InstanceRecord>("sdEcsOwner", ecsOwner(scopeOfKey(serviceKey), cluster, name));
  const registered: Registered[] = owned.map((i) => ({ serviceId: i.ServiceId, instanceId: i.Id, attributes: i.Attributes }));
  const service = deps.cache.get<ServiceRecord>(serviceKey);
  const desired: Registered[] = [];
  if (service && service.status !== "INACTIVE") {
    const registryOf = registriesOf(service);
    for (const task of deps.cache.byIndex<TaskRecord>("serviceTasks", indexKey.serviceTasks(service.clusterArn, service.serviceName))) {
      const { registry, externalId } = registryOf(task);
      const target = registry ? deps.cache.get<CloudMapService>(sdKeys.service(scope, idOf(registry.registryArn))) : undefined;
      if (!registry || !target) continue;
      const ctx = { clusterName: cluster, serviceName: name, region: scope.region, needsPort: !!target.DnsConfig?.DnsRecords.some((r) => r.Type === "SRV") };
      const attributes = instanceAttributes(registrationTask(task), registry, ctx);
      // A task set's externalId is its tasks' ECS_TASK_SET_EXTERNAL_ID (the CreateTaskSet reference).
      if (attributes) desired.push({ serviceId: target.Id, instanceId: task.id, attributes: { ...attributes, ...(externalId !== undefined ? { ECS_TASK_SET_EXTERNAL_ID: externalId } : {}) } });
    }
  }
  return { scope, actions: decideRegistrations(desired, registered) };
}

/**
 * The registry each task of the service registers in: the service's own, or for a service of
 * task sets its task set's (none once the set drains), with the set's externalId.
 */
function registriesOf(service: ServiceRecord): (task: TaskRecord) => { registry?: Registry; externalId?: string } {
  if (!usesTaskSets(service)) {
    const registry = (service.serviceRegistries as Registry[] | undefined)?.[0];
    return () => (registry ? { registry } : {});
  }
  const sets = new Map(taskSetsOf(service).map((ts) => [ts.id, ts]));
  return (task) => {
    const ts = sets.get(task.startedBy ?? "");
    const registry = ts && ts.status !== "DRAINING" ? (ts.serviceRegistries as Registry[])[0] : undefined;
    return registry ? { registry, ...(ts!.externalId !== undefined ? { externalId: ts!.externalId } : {}) } : {};
  };
}

/** Whether a service registers tasks anywhere: its own registries or its task sets'. */
function hasRegistries(s: ServiceRecord | undefined): boolean {
  if (!s) return false;
  if (s.serviceRegistries?.length) return true;
  return usesTaskSets(s) && taskSetsOf(s).some((ts) => ts.serviceRegistries.length > 0);
}

/** Act: each action is Cloud Map's own operation. Returns how many failed (they are retried). */
async function execute(deps: Deps, serviceKey: string, logger: Logger): Promise<number> {
  const { scope, actions } = planRegistrations(deps, serviceKey);
  let failed = 0;
  // Deregister first: a task being stopped leaves DNS before a new one is added.
  for (const d of actions.deregister) {
    await deregisterInstance(deps, scope, { ServiceId: d.serviceId, InstanceId: d.instanceId }).catch((err: Error) => {
      if (err.name !== "InstanceNotFound" && err.name !== "ServiceNotFound") failed++;
      logger.warn({ err: err.message, instance: d.instanceId }, "Cloud Map deregistration failed");
    });
  }
  for (const r of actions.register) {
    await registerInstance(deps, scope, { ServiceId: r.serviceId, InstanceId: r.instanceId, Attributes: r.attributes }).catch((err: Error) => {
      failed++;
      logger.warn({ err: err.message, instance: r.instanceId }, "Cloud Map registration failed");
    });
  }
  return failed;
}

/**
 * Runs the controller: a service is reconciled when it, one of its tasks, or an instance it
 * owns changes, and every `resyncMs` (a Cloud Map service created after the ECS service, a
 * failed call). One pass at a time per service; a change during a pass runs it again.
 */
export function startRegistrationController(deps: Deps, logger: Logger, options: { resyncMs?: number } = {}): RegistrationController {
  const running = new Set<string>();
  const again = new Set<string>();
  let stopped = false;
  const enqueue = (key: string) => {
    if (stopped) return;
    if (running.has(key)) {
      again.add(key);
      return;
    }
    running.add(key);
    execute(deps, key, logger)
      .catch((err) => logger.error({ err, service: key }, "Cloud Map registration pass failed"))
      .finally(() => {
        running.delete(key);
        if (again.delete(key)) enqueue(key);
      });
  };
  const subscription = deps.cache.subscribe((change) => {
    const kind = kindOf(change.key);
    if (kind === "services") {
      // Before or after: a registry removed by UpdateService leaves instances to deregister.
      if (hasRegistries(change.value as ServiceRecord | undefined) || hasRegistries(change.prev as ServiceRecord | undefined)) enqueue(change.key);
    } else if (kind === "tasks") {
      const t = (change.value ?? change.prev) as TaskRecord | undefined;
      if (!t?.serviceName) return;
      const serviceKey = change.key.replace(/\/tasks\/([^/]+)\/[^/]+$/, `/services/$1/${t.serviceName}`);
      const owns = deps.cache.countByIndex("sdEcsOwner", ecsOwner(scopeOfKey(serviceKey), t.clusterName, t.serviceName)) > 0;
      if (owns || hasRegistries(deps.cache.get<ServiceRecord>(serviceKey))) enqueue(serviceKey);
    } else if (kind === "servicediscovery" && change.key.includes("/servicediscovery/instances/")) {
      const a = ((change.value ?? change.prev) as InstanceRecord).Attributes;
      if (a.ECS_CLUSTER_NAME && a.ECS_SERVICE_NAME) enqueue(`${ROOT}${scopeOfKey(change.key)}/services/${a.ECS_CLUSTER_NAME}/${a.ECS_SERVICE_NAME}`);
    }
  });
  const resyncAll = () => {
    for (const e of deps.cache.listEntries<ServiceRecord>(ROOT)) {
      if (kindOf(e.key) === "services" && hasRegistries(e.value)) enqueue(e.key);
    }
  };
  const resync = setInterval(resyncAll, options.resyncMs ?? 10_000);
  resync.unref();
  resyncAll();
  return {
    stop() {
      stopped = true;
      subscription.dispose();
      clearInterval(resync);
    },
  };
}

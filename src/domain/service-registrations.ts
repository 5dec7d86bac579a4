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
  const registry = (service?.serviceRegistries as Registry[] | undefined)?.[0];
  if (service && service.status !== "INACTIVE" && registry) {
    const target = deps.cache.get<CloudMapService>(sdKeys.service(scope, idOf(registry.registryArn)));
    if (target) {
      const ctx = { clusterName: cluster, serviceName: name, region: scope.region, needsPort: !!target.DnsConfig?.DnsRecords.some((r) => r.Type === "SRV") };
      for (const task of deps.cache.byIndex<TaskRecord>("serviceTasks", indexKey.serviceTasks(service.clusterArn, service.serviceName))) {
        const attributes = instanceAttributes(registrationTask(task), registry, ctx);
        if (attributes) desired.push({ serviceId: target.Id, instanceId: task.id, attributes });
      }
    }
  }
  return { scope, actions: decideRegistrations(desired, registered) };
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
      const registries = (s: unknown) => !!(s as ServiceRecord | undefined)?.serviceRegistries?.length;
      if (registries(change.value) || registries(change.prev)) enqueue(change.key);
    } else if (kind === "tasks") {
      const t = (change.value ?? change.prev) as TaskRecord | undefined;
      if (!t?.serviceName) return;
      const serviceKey = change.key.replace(/\/tasks\/([^/]+)\/[^/]+$/, `/services/$1/${t.serviceName}`);
      const owns = deps.cache.countByIndex("sdEcsOwner", ecsOwner(scopeOfKey(serviceKey), t.clusterName, t.serviceName)) > 0;
      if (owns || deps.cache.get<ServiceRecord>(serviceKey)?.serviceRegistries?.length) enqueue(serviceKey);
    } else if (kind === "servicediscovery" && change.key.includes("/servicediscovery/instances/")) {
      const a = ((change.value ?? change.prev) as InstanceRecord).Attributes;
      if (a.ECS_CLUSTER_NAME && a.ECS_SERVICE_NAME) enqueue(`${ROOT}${scopeOfKey(change.key)}/services/${a.ECS_CLUSTER_NAME}/${a.ECS_SERVICE_NAME}`);
    }
  });
  const resyncAll = () => {
    for (const e of deps.cache.listEntries<ServiceRecord>(ROOT)) {
      if (kindOf(e.key) === "services" && e.value.serviceRegistries?.length) enqueue(e.key);
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

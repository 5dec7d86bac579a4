// Observe: turns a service's records in the cache into the snapshot the pure scheduler reads.
import type { Scope } from "../model/index.js";
import type { ObservedTask, SchedulerObservation } from "../controllers/index.js";
import { compileQuery, type InstanceView } from "../placement/index.js";
import { findInstance } from "./container-instances.js";
import type { Deps } from "./deps.js";
import { indexKey } from "./indexes.js";
import { instanceView } from "./instance-view.js";
import { keys } from "./keys.js";
import type { ContainerInstanceRecord, TaskDefinitionRecord } from "./records.js";
import { readServiceEvents } from "./service-logs.js";
import type { ServiceRecord } from "./service-records.js";
import type { TaskRecord } from "./task-records.js";
import { findTaskDefinition } from "./task-definitions.js";
import { loadBalancerHealthOf } from "./task-target-health.js";
import { protectedUntil } from "./task-protection.js";

export function hasContainerHealthChecks(td: TaskDefinitionRecord | undefined): boolean {
  return (td?.containerDefinitions ?? []).some((c) => c.essential !== false && !!c.healthCheck);
}

export function observeService(deps: Deps, scope: Scope, service: ServiceRecord): SchedulerObservation {
  const loadBalanced = service.loadBalancers.length > 0;
  const tasks = observeServiceTasks(deps, scope, service, () => loadBalanced);
  return observeServiceWith(deps, scope, service, tasks, loadBalanced);
}

/**
 * The service's tasks as the scheduler reads them; `loadBalanced` says which tasks' target
 * health counts (all of a load-balanced service's; those of a load-balanced task set's).
 */
export function observeServiceTasks(deps: Deps, scope: Scope, service: ServiceRecord, loadBalanced: (t: TaskRecord) => boolean): ObservedTask[] {
  // A replica service needs the status of the instances its own tasks are on: looking those up
  // costs less than listing all of the cluster's instances (hundreds) on every pass.
  const records = deps.cache.byIndex<TaskRecord>("serviceTasks", indexKey.serviceTasks(service.clusterArn, service.serviceName));
  const instanceStatus = new Map<string, string>();
  for (const t of records) {
    const arn = t.containerInstanceArn;
    if (!arn || instanceStatus.has(arn)) continue;
    const instance = findInstance(deps, scope, service.clusterName, arn);
    if (instance?.containerInstanceArn === arn) instanceStatus.set(arn, instance.status);
  }
  const now = deps.clock.now();
  return records.map((t) => ({
    taskArn: t.taskArn,
    deploymentId: t.startedBy ?? "",
    taskDefinitionArn: t.taskDefinitionArn,
    lastStatus: t.lastStatus as ObservedTask["lastStatus"],
    desiredStatus: t.desiredStatus as ObservedTask["desiredStatus"],
    healthStatus: t.healthStatus as ObservedTask["healthStatus"],
    createdAt: t.createdAt,
    ...(t.startedAt !== undefined ? { startedAt: t.startedAt } : {}),
    ...(t.stoppingAt !== undefined ? { stoppingAt: t.stoppingAt } : {}),
    ...(t.stoppedAt !== undefined ? { stoppedAt: t.stoppedAt } : {}),
    ...(t.stopCode !== undefined ? { stopCode: t.stopCode } : {}),
    ...(t.stoppedReason !== undefined ? { stoppedReason: t.stoppedReason } : {}),
    exitCode: t.containers.find((c) => c.exitCode !== undefined)?.exitCode ?? null,
    ...(t.containerInstanceArn ? { containerInstanceArn: t.containerInstanceArn } : {}),
    ...(t.containerInstanceArn && instanceStatus.has(t.containerInstanceArn) ? { instanceStatus: instanceStatus.get(t.containerInstanceArn)! } : {}),
    ...(t.availabilityZone ? { availabilityZone: t.availabilityZone } : {}),
    ...(loadBalanced(t) ? { loadBalancerHealth: loadBalancerHealthOf(deps, scope, t) } : {}),
    ...(protectedUntil(t, now) !== undefined ? { protectedUntil: protectedUntil(t, now)! } : {}),
  }));
}

function observeServiceWith(deps: Deps, scope: Scope, service: ServiceRecord, tasks: ObservedTask[], loadBalanced: boolean): SchedulerObservation {
  const observation: SchedulerObservation = {
    service: {
      serviceName: service.serviceName,
      serviceArn: service.serviceArn,
      status: service.status,
      desiredCount: service.desiredCount,
      schedulingStrategy: service.schedulingStrategy,
      deploymentConfiguration: {
        minimumHealthyPercent: service.deploymentConfiguration.minimumHealthyPercent,
        maximumPercent: service.deploymentConfiguration.maximumPercent,
        deploymentCircuitBreaker: {
          enable: !!service.deploymentConfiguration.deploymentCircuitBreaker?.enable,
          rollback: !!service.deploymentConfiguration.deploymentCircuitBreaker?.rollback,
        },
      },
      healthCheckGracePeriodSeconds: service.healthCheckGracePeriodSeconds ?? 0,
      loadBalanced,
      ...(loadBalanced ? { targetGroupArns: (service.loadBalancers as { targetGroupArn?: string }[]).flatMap((lb) => (lb.targetGroupArn ? [lb.targetGroupArn] : [])) } : {}),
      ...(service.failureTracking ? { failureTracking: service.failureTracking } : {}),
      events: readServiceEvents(deps, scope, service),
    },
    deployments: [...service.deployments, ...(service.pastDeployments ?? [])].map((d) => ({
      id: d.id,
      status: d.status,
      taskDefinitionArn: d.taskDefinition,
      desiredCount: d.desiredCount,
      pendingCount: d.pendingCount,
      runningCount: d.runningCount,
      failedTasks: d.failedTasks,
      rolloutState: d.rolloutState,
      rolloutStateReason: d.rolloutStateReason,
      createdAt: d.createdAt,
      containerHealthChecks: hasContainerHealthChecks(findTaskDefinition(deps, scope, d.taskDefinition)),
      ...(d.hadHealthyTask !== undefined ? { hadHealthyTask: d.hadHealthyTask } : {}),
      ...(d.rollbackTargetId !== undefined ? { rollbackTargetId: d.rollbackTargetId } : {}),
    })),
    tasks,
  };
  if (service.schedulingStrategy !== "DAEMON") return observation;
  const instances = deps.cache.list<ContainerInstanceRecord>(keys.instances(scope, service.clusterName));
  const constraints = service.placementConstraints.filter((c) => c.type === "memberOf" && c.expression).map((c) => compileQuery(c.expression!));
  const daemonTasks = new Set(tasks.filter((t) => t.desiredStatus === "RUNNING").map((t) => t.containerInstanceArn));
  return {
    ...observation,
    instances: instances
      .filter((i) => i.status !== "INACTIVE")
      .map((i) => {
        const view: InstanceView = instanceView(deps, i);
        const others = view.tasks.length - (daemonTasks.has(i.containerInstanceArn) ? 1 : 0);
        return {
          containerInstanceArn: i.containerInstanceArn,
          status: i.status,
          agentConnected: i.agentConnected ?? false,
          satisfiesConstraints: constraints.every((q) => q(view)),
          otherTaskCount: Math.max(0, others),
        };
      }),
  };
}

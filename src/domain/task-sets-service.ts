// What the EXTERNAL and CODE_DEPLOY deployment controllers change in CreateService,
// UpdateService, DeleteService and DescribeServices (services.ts calls these):
//
// - EXTERNAL: the service holds only what its task sets share (desired count, placement,
//   deployment configuration, grace period, tags); the task definition, launch settings,
//   network, load balancers and registries belong to each task set (CreateTaskSet).
// - CODE_DEPLOY: CreateService takes everything, as ECS does, and starts the service with its
//   first task set, PRIMARY at 100%. berth runs no CodeDeploy, so that set is the one the
//   service keeps: UpdateService refuses what only a CodeDeploy deployment could change.
//
// Either way the service has no `deployments` of its own; DescribeServices lists `taskSets` and
// shows the primary set's task definition, launch settings, network and load balancers.
import type { CreateServiceRequest, UpdateServiceRequest } from "@aws-sdk/client-ecs";
import { invalidParameter } from "../model/index.js";
import type { ServiceRecord } from "./service-records.js";
import { primaryFields } from "./task-sets.js";
import { computedDesiredCount, taskSetsOf, taskSetView, usesTaskSets, type TaskSetRecord, type TaskSetServiceRecord } from "./task-sets-records.js";

/** CreateService members that belong to an EXTERNAL service's task sets. */
const TASK_SET_MEMBERS = ["taskDefinition", "launchType", "capacityProviderStrategy", "platformVersion", "networkConfiguration", "loadBalancers", "serviceRegistries"] as const;

/** UpdateService members only a new task set (EXTERNAL) or a CodeDeploy deployment changes. */
const FROZEN_UPDATE_MEMBERS = ["taskDefinition", "capacityProviderStrategy", "platformVersion", "networkConfiguration", "loadBalancers", "serviceRegistries", "forceNewDeployment"] as const;

/** CreateService's checks for the EXTERNAL and CODE_DEPLOY controllers (nothing for ECS). */
export function checkControllerRequest(input: CreateServiceRequest): void {
  const type = input.deploymentController?.type ?? "ECS";
  if (type === "ECS") return;
  if ((input.schedulingStrategy ?? "REPLICA") === "DAEMON") {
    throw invalidParameter(`Invalid parameter 'schedulingStrategy': the DAEMON scheduling strategy is not supported with the ${type} deployment controller.`);
  }
  if (type === "EXTERNAL") {
    for (const member of TASK_SET_MEMBERS) {
      const value = input[member];
      if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
      throw invalidParameter(`Invalid parameter '${member}': a service of the EXTERNAL deployment controller takes it from each task set; give it to CreateTaskSet.`);
    }
  }
  if (type === "CODE_DEPLOY" && !(input.loadBalancers ?? []).some((lb) => lb.targetGroupArn)) {
    throw invalidParameter("Invalid parameter 'loadBalancers': a service of the CODE_DEPLOY deployment controller needs an Application or Network Load Balancer target group.");
  }
}

/** UpdateService's checks of the controller: no move between controllers; a service of task sets changes only what they share. */
export function checkTaskSetServiceUpdate(service: ServiceRecord, input: UpdateServiceRequest): void {
  const type = service.deploymentController.type;
  if (input.deploymentController?.type !== undefined && input.deploymentController.type !== type) {
    throw invalidParameter(`Invalid parameter 'deploymentController': berth does not move a service from the ${type} deployment controller to ${input.deploymentController.type}.`);
  }
  if (!usesTaskSets(service)) return;
  for (const member of FROZEN_UPDATE_MEMBERS) {
    const value = input[member];
    if (value === undefined || value === false) continue;
    if (type === "CODE_DEPLOY" && member === "taskDefinition") {
      throw invalidParameter("Unable to update task definition on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.");
    }
    throw invalidParameter(
      type === "EXTERNAL"
        ? `Invalid parameter '${member}': a service of the EXTERNAL deployment controller changes it through a new task set (CreateTaskSet).`
        : `Invalid parameter '${member}': a service of the CODE_DEPLOY deployment controller changes it through a CodeDeploy deployment.`,
    );
  }
}

/**
 * The service's task sets with their computedDesiredCount brought to its desired count and
 * status (UpdateService's desiredCount, DeleteService). A set whose count moves is STABILIZING.
 */
export function rescaleTaskSets<S extends ServiceRecord>(service: S, now: number): S {
  if (!usesTaskSets(service)) return service;
  const sets = taskSetsOf(service).map((t): TaskSetRecord => {
    const computed = computedDesiredCount(service.desiredCount, t.scale.value, t.status, service.status === "ACTIVE");
    return computed === t.computedDesiredCount ? t : { ...t, computedDesiredCount: computed, updatedAt: now, stabilityStatus: "STABILIZING", stabilityStatusAt: now };
  });
  return { ...service, taskSets: sets };
}

/** A deleted service's task sets all drain. */
export function drainTaskSets<S extends ServiceRecord>(service: S, now: number): S {
  if (!usesTaskSets(service)) return service;
  const sets = taskSetsOf(service).map((t): TaskSetRecord => (t.status === "DRAINING" ? t : { ...t, status: "DRAINING", computedDesiredCount: 0, updatedAt: now }));
  return { ...service, taskSets: sets };
}

/**
 * DescribeServices' view of a service of task sets: no deployments, its task sets, and the
 * primary set's settings in place of the service's own (none while it has no primary).
 */
export function withTaskSets(view: Record<string, unknown>, rec: ServiceRecord): Record<string, unknown> {
  if (!usesTaskSets(rec)) return view;
  const sets = taskSetsOf(rec as TaskSetServiceRecord);
  const { taskDefinition: _td, launchType: _l, capacityProviderStrategy: _c, platformVersion: _v, platformFamily: _f, networkConfiguration: _n, taskSets: _t, ...rest } = view;
  return {
    ...rest,
    ...primaryFields(sets.find((t) => t.status === "PRIMARY")),
    deployments: [],
    taskSets: sets.map((t) => taskSetView(rec, t, false)),
  };
}

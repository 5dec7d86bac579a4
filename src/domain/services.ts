// Services: CreateService, UpdateService, DescribeServices, ListServices, DeleteService
// (ecs-behavior.md §1.4, §4.3). The API writes desired state only; the service reconciler
// (service-reconciler.ts) makes the tasks follow.
import type { CreateServiceRequest, UpdateServiceRequest } from "@aws-sdk/client-ecs";
import { arns, clusterNotFound, EcsError, invalidParameter, NAME_PATTERN, type Scope } from "../model/index.js";
import { validatePlacementConstraints, validatePlacementStrategy } from "../placement/index.js";
import { rootPrincipal } from "./account-settings.js";
import { commit, guardOf, put, type Deps } from "./deps.js";
import { checkFargateTask, FARGATE_PLATFORM_VERSION, isPoolCluster, platformOf } from "./fargate-pool.js";
import { indexKey } from "./indexes.js";
import { keys } from "./keys.js";
import { paginate, type PageRequest } from "./pagination.js";
import { readServiceEvents, removeServiceLogs } from "./service-logs.js";
import { revisionOf } from "./service-revision-snapshot.js";
import {
  checkStrategy,
  isFargateTarget,
  launchEcho,
  resolveLaunchTarget,
  targetOfEcho,
  type LaunchTarget,
} from "./launch-target.js";
import type { ClusterRecord } from "./records.js";
import { activeCluster } from "./resolve.js";
import {
  newDeployment,
  normalizeDeploymentConfiguration,
  type ServiceRecord,
} from "./service-records.js";
import { resolveNetworkConfiguration } from "./network-configuration.js";
import { checkVolumeConfigurations } from "./task-volumes.js";
import type { TaskRecord } from "./task-records.js";
import { checkServiceRegistries } from "./service-registries.js";
import { checkLoadBalancers } from "./service-load-balancers.js";
import { referencedTaskDefinition, usableTaskDefinition } from "./task-definitions.js";
import { validateTags } from "./tags.js";
import { newTaskSet } from "./task-sets.js";
import type { TaskSetServiceRecord } from "./task-sets-records.js";
import { checkControllerRequest, checkTaskSetServiceUpdate, drainTaskSets, rescaleTaskSets, withTaskSets } from "./task-sets-service.js";

const serviceNotFound = () => new EcsError("ServiceNotFoundException", "Service not found.");

function nameOf(ref: string): string {
  return ref.startsWith("arn:") ? ref.slice(ref.lastIndexOf("/") + 1) : ref;
}

export function findService(deps: Deps, scope: Scope, clusterName: string, ref: string): ServiceRecord | undefined {
  return deps.cache.get<ServiceRecord>(keys.service(scope, clusterName, nameOf(ref)));
}

function checkPlacement(input: { placementConstraints?: unknown[]; placementStrategy?: unknown[] }, tdConstraints: unknown[]): void {
  const errors = [
    ...validatePlacementConstraints((input.placementConstraints ?? []) as never, tdConstraints as never),
    ...validatePlacementStrategy((input.placementStrategy ?? []) as never),
  ];
  const first = errors[0];
  if (first) throw invalidParameter(`${first.message}.`);
}

/** The cluster a service names: never the Fargate pool's, which only agents use. */
function serviceCluster(deps: Deps, scope: Scope, ref: string | undefined): ClusterRecord {
  const cluster = activeCluster(deps, scope, ref);
  if (isPoolCluster(cluster.clusterName)) throw clusterNotFound();
  return cluster;
}

/** The service's launch fields for a target: the echo, and the platform of a Fargate service. */
function launchFields(target: LaunchTarget, platformVersion: string | undefined) {
  const platform = platformOf(isFargateTarget(target), platformVersion);
  return { ...launchEcho(target), ...(platform ? { platformVersion: platformVersion ?? "LATEST", platformFamily: platform.family } : {}) };
}

/**
 * CreateService's checks that need no state — the name, the controller, counts and strategies,
 * the deployment percents, placement and tags. `berth apply` has every service checked by them
 * (Berth_20261128.ValidateRequest) before it writes anything.
 */
export function checkServiceRequest(input: CreateServiceRequest): void {
  const name = input.serviceName ?? "";
  if (!NAME_PATTERN.test(name)) {
    throw invalidParameter(`Invalid parameter 'serviceName': '${name.slice(0, 300)}' must be 1-255 letters, numbers, hyphens and underscores.`);
  }
  const strategy = (input.schedulingStrategy ?? "REPLICA") as "REPLICA" | "DAEMON";
  // EXTERNAL and CODE_DEPLOY services run task sets (task-sets-service.ts).
  checkControllerRequest(input);
  if (strategy === "DAEMON" && input.capacityProviderStrategy?.length) {
    throw invalidParameter("Invalid parameter 'capacityProviderStrategy': DAEMON services run on the cluster's container instances and take no capacity provider strategy.");
  }
  if (strategy === "REPLICA" && input.desiredCount === undefined) {
    throw invalidParameter("Invalid parameter 'desiredCount': REPLICA services need a desiredCount.");
  }
  // A daemon's count is the number of instances that can run it: ECS refuses one given.
  if (strategy === "DAEMON" && input.desiredCount !== undefined) {
    throw invalidParameter("Invalid parameter 'desiredCount': the DAEMON scheduling strategy does not support a desired count; it runs one task on each container instance.");
  }
  if (strategy === "DAEMON" && input.placementStrategy?.length) {
    throw invalidParameter("Invalid parameter 'placementStrategy': DAEMON services do not take placement strategies.");
  }
  if ((input.desiredCount ?? 0) < 0) throw invalidParameter(`Invalid parameter 'desiredCount': ${input.desiredCount} must not be negative.`);
  if (input.propagateTags !== undefined && !["TASK_DEFINITION", "SERVICE", "NONE"].includes(input.propagateTags)) {
    throw invalidParameter(`Invalid parameter 'propagateTags': '${input.propagateTags}'.`);
  }
  normalizeDeploymentConfiguration(input.deploymentConfiguration, strategy);
  checkPlacement(input, []);
  validateTags(input.tags);
}

export async function createService(deps: Deps, scope: Scope, input: CreateServiceRequest) {
  const cluster = serviceCluster(deps, scope, input.cluster);
  checkServiceRequest(input);
  if (input.deploymentController?.type === "EXTERNAL") return { service: serviceView(deps, scope, await createExternalService(deps, scope, cluster, input), ["TAGS"]) };
  const name = input.serviceName ?? "";
  const strategy = (input.schedulingStrategy ?? "REPLICA") as "REPLICA" | "DAEMON";
  // A DAEMON service runs on the cluster's instances: the cluster's default strategy is not for it.
  const target = resolveLaunchTarget(deps, scope, cluster, input, strategy !== "DAEMON");
  if (strategy === "DAEMON" && isFargateTarget(target)) {
    throw invalidParameter("Invalid parameter 'schedulingStrategy': the DAEMON scheduling strategy is not supported with the FARGATE launch type.");
  }
  const td = usableTaskDefinition(deps, scope, input.taskDefinition ?? "");
  if (isFargateTarget(target)) checkFargateTask(td);
  const launch = launchFields(target, input.platformVersion);
  resolveNetworkConfiguration(deps, scope, td, input.networkConfiguration as never, isFargateTarget(target));
  // Checked now, so a service never holds a configuration its tasks cannot launch with.
  checkVolumeConfigurations(td, input.volumeConfigurations as never);
  checkPlacement(input, td.placementConstraints ?? []);
  checkServiceRegistries(deps, scope, input.serviceRegistries, td);
  checkLoadBalancers(deps, scope, input.loadBalancers, td);
  const deploymentConfiguration = normalizeDeploymentConfiguration(input.deploymentConfiguration, strategy);
  const tags = validateTags(input.tags);
  const key = keys.service(scope, cluster.clusterName, name);
  const desired = strategy === "DAEMON" ? 0 : (input.desiredCount ?? 0);
  // CODE_DEPLOY: the service starts with its first task set, PRIMARY at 100%, holding the
  // task settings (task-sets-service.ts).
  const codeDeploy = input.deploymentController?.type === "CODE_DEPLOY";
  const firstSet = codeDeploy
    ? newTaskSet(deps, scope, cluster, { serviceName: name, desiredCount: desired, status: "ACTIVE" }, { ...input, taskDefinition: input.taskDefinition ?? "", scale: { value: 100, unit: "PERCENT" } }, "PRIMARY")
    : undefined;
  const rec = await commit(deps, () => {
    const existing = deps.cache.get<ServiceRecord>(key);
    if (existing && existing.status !== "INACTIVE") throw invalidParameter("Creation of service was not idempotent.");
    const now = deps.clock.now();
    const service: ServiceRecord = {
      ...newServiceFields(scope, cluster, input, now),
      desiredCount: desired,
      taskDefinition: td.taskDefinitionArn,
      ...launch,
      schedulingStrategy: strategy,
      deploymentController: { type: "ECS" },
      deploymentConfiguration,
      loadBalancers: input.loadBalancers ?? [],
      serviceRegistries: input.serviceRegistries ?? [],
      ...(input.networkConfiguration ? { networkConfiguration: input.networkConfiguration } : {}),
      tags,
      deployments: [newDeployment(td.taskDefinitionArn, desired, now, input.volumeConfigurations?.length ? { volumeConfigurations: input.volumeConfigurations } : {})],
      ...(firstSet ? { deploymentController: { type: "CODE_DEPLOY" }, deployments: [], loadBalancers: [], serviceRegistries: [], taskSets: [firstSet] } : {}),
    };
    // Its first deployment deploys the service's first revision.
    if (service.deployments[0]) service.deployments[0] = { ...service.deployments[0], revision: revisionOf(service) };
    // A name reused after an INACTIVE service starts with no events and no decisions of its own.
    const clearLogs = existing ? removeServiceLogs(scope, service) : [];
    return { guards: [guardOf(deps, key)], ops: [...clearLogs, put(key, service)], result: service };
  });
  return { service: serviceView(deps, scope, rec, ["TAGS"]) };
}

export async function updateService(deps: Deps, scope: Scope, input: UpdateServiceRequest) {
  const cluster = serviceCluster(deps, scope, input.cluster);
  const found = findService(deps, scope, cluster.clusterName, input.service ?? "");
  if (!found || found.status === "INACTIVE") throw serviceNotFound();
  if (found.status !== "ACTIVE") throw new EcsError("ServiceNotActiveException", "Service was not ACTIVE.");
  checkTaskSetServiceUpdate(found, input);
  if (input.desiredCount !== undefined && input.desiredCount < 0) {
    throw invalidParameter(`Invalid parameter 'desiredCount': ${input.desiredCount} must not be negative.`);
  }
  const target = updatedTarget(deps, scope, cluster, found, input.capacityProviderStrategy);
  const td = input.taskDefinition ? usableTaskDefinition(deps, scope, input.taskDefinition) : undefined;
  const fargate = isFargateTarget(target ?? targetOfEcho(found));
  // The service's current revision may be INACTIVE by now: it stays the service's to use.
  if (fargate && (td || target)) checkFargateTask(td ?? referencedTaskDefinition(deps, scope, found.taskDefinition));
  // A new revision or a new network configuration is checked against the other (ecs-behavior.md §7.1).
  if (td || input.networkConfiguration) {
    const checked = td ?? referencedTaskDefinition(deps, scope, found.taskDefinition);
    resolveNetworkConfiguration(deps, scope, checked, (input.networkConfiguration ?? found.networkConfiguration) as never, fargate);
  }
  // A new target brings its own launch fields; otherwise only platformVersion may change.
  const launch = target
    ? launchFields(target, input.platformVersion ?? (fargate ? found.platformVersion : undefined))
    : input.platformVersion !== undefined
      ? launchFields(targetOfEcho(found), input.platformVersion)
      : undefined;
  checkPlacement(input, td?.placementConstraints ?? []);
  if (input.serviceRegistries) checkServiceRegistries(deps, scope, input.serviceRegistries, td ?? referencedTaskDefinition(deps, scope, found.taskDefinition));
  // New load balancers, or a new revision that the current ones must still fit (its containers and ports).
  if (input.loadBalancers || td) checkLoadBalancers(deps, scope, input.loadBalancers ?? (found.loadBalancers as never), td ?? referencedTaskDefinition(deps, scope, found.taskDefinition));
  // The volumes of the new revision or the new configurations, each checked against the other;
  // without new ones the PRIMARY deployment's go on to the next deployment (unless the new
  // revision has no volume configured at launch any more).
  const primaryVolumes = found.deployments.find((d) => d.status === "PRIMARY")?.volumeConfigurations;
  const atLaunch = (td?.volumes ?? []).some((v) => v.configuredAtLaunch);
  const volumeConfigurations = input.volumeConfigurations ?? (td && !atLaunch ? undefined : primaryVolumes);
  if (td || input.volumeConfigurations) checkVolumeConfigurations(td ?? referencedTaskDefinition(deps, scope, found.taskDefinition), volumeConfigurations as never);
  const key = keys.service(scope, cluster.clusterName, found.serviceName);
  const rec = await commit(deps, () => {
    const current = deps.cache.get<ServiceRecord>(key)!;
    const now = deps.clock.now();
    const deploymentConfiguration = normalizeDeploymentConfiguration(
      input.deploymentConfiguration,
      current.schedulingStrategy,
      current.deploymentConfiguration,
    );
    const desired = current.schedulingStrategy === "DAEMON" ? current.desiredCount : (input.desiredCount ?? current.desiredCount);
    const taskDefinition = td?.taskDefinitionArn ?? current.taskDefinition;
    // What starts a deployment (ecs-behavior.md §4.3): a new task definition, network or load
    // balancer change, or forceNewDeployment. Anything else is stored and applies to new tasks.
    const redeploy =
      taskDefinition !== current.taskDefinition ||
      !!input.forceNewDeployment ||
      (input.networkConfiguration !== undefined && JSON.stringify(input.networkConfiguration) !== JSON.stringify(current.networkConfiguration)) ||
      (input.loadBalancers !== undefined && JSON.stringify(input.loadBalancers) !== JSON.stringify(current.loadBalancers)) ||
      (input.serviceRegistries !== undefined && JSON.stringify(input.serviceRegistries) !== JSON.stringify(current.serviceRegistries)) ||
      (input.platformVersion !== undefined && input.platformVersion !== current.platformVersion) ||
      // ECS: a non-null volumeConfigurations starts a deployment.
      input.volumeConfigurations !== undefined;
    let deployments = current.deployments.map((d) => (d.status === "PRIMARY" && !redeploy ? { ...d, desiredCount: desired, updatedAt: now } : d));
    if (redeploy) {
      deployments = [
        newDeployment(taskDefinition, desired, now, volumeConfigurations?.length ? { volumeConfigurations } : {}),
        ...deployments.map((d) => (d.status === "PRIMARY" ? { ...d, status: "ACTIVE" as const, updatedAt: now } : d)),
      ];
    }
    // capacityProviderStrategy is stored and applies to tasks started later: no deployment (§4.3).
    const { launchType: _l, capacityProviderStrategy: _s, platformVersion: _v, platformFamily: _f, ...kept } = current;
    const next: ServiceRecord = {
      ...(launch ? { ...kept, ...launch } : current),
      desiredCount: desired,
      taskDefinition,
      deploymentConfiguration,
      deployments,
      ...(input.placementConstraints ? { placementConstraints: input.placementConstraints } : {}),
      ...(input.placementStrategy ? { placementStrategy: input.placementStrategy } : {}),
      ...(input.networkConfiguration ? { networkConfiguration: input.networkConfiguration } : {}),
      ...(input.loadBalancers ? { loadBalancers: input.loadBalancers } : {}),
      ...(input.serviceRegistries ? { serviceRegistries: input.serviceRegistries } : {}),
      ...(input.healthCheckGracePeriodSeconds !== undefined ? { healthCheckGracePeriodSeconds: input.healthCheckGracePeriodSeconds } : {}),
      ...(input.enableExecuteCommand !== undefined ? { enableExecuteCommand: input.enableExecuteCommand } : {}),
      ...(input.enableECSManagedTags !== undefined ? { enableECSManagedTags: input.enableECSManagedTags } : {}),
      ...(input.propagateTags ? { propagateTags: input.propagateTags } : {}),
      // A new deployment starts with fresh launch throttling (ecs-behavior.md §4.7).
      ...(redeploy ? { failureTracking: undefined } : {}),
    };
    // A new deployment deploys a new revision: the settings as this update leaves them.
    if (redeploy && next.deployments[0]) next.deployments[0] = { ...next.deployments[0], revision: revisionOf(next) };
    // Task sets follow the desired count (their computedDesiredCount).
    const stored = rescaleTaskSets(next, now);
    return { guards: [guardOf(deps, key)], ops: [put(key, stored)], result: stored };
  });
  return { service: serviceView(deps, scope, rec, []) };
}

/**
 * UpdateService's capacityProviderStrategy: a new strategy, or an empty list for "back to the
 * launch type" (FARGATE after Fargate providers, EC2 after Auto Scaling group ones); undefined
 * when the request does not change it.
 */
function updatedTarget(
  deps: Deps,
  scope: Scope,
  cluster: ClusterRecord,
  service: ServiceRecord,
  strategy: UpdateServiceRequest["capacityProviderStrategy"],
): LaunchTarget | undefined {
  if (strategy === undefined) return undefined;
  if (strategy.length > 0) {
    if (service.schedulingStrategy === "DAEMON") {
      throw invalidParameter("Invalid parameter 'capacityProviderStrategy': DAEMON services run on the cluster's container instances and take no capacity provider strategy.");
    }
    return { kind: "strategy", ...checkStrategy(deps, scope, cluster, strategy) };
  }
  const current = targetOfEcho(service);
  if (current.kind === "launchType") return undefined;
  return { kind: "launchType", launchType: current.fargate ? "FARGATE" : "EC2" };
}

export async function deleteService(deps: Deps, scope: Scope, input: { cluster?: string; service: string; force?: boolean }) {
  const cluster = activeCluster(deps, scope, input.cluster);
  const found = findService(deps, scope, cluster.clusterName, input.service);
  if (!found || found.status === "INACTIVE") throw serviceNotFound();
  if (found.status === "DRAINING") return { service: serviceView(deps, scope, found, []) };
  if (found.schedulingStrategy === "REPLICA" && found.desiredCount > 0 && !input.force) {
    throw invalidParameter("The service cannot be stopped while it is scaled above 0.");
  }
  const key = keys.service(scope, cluster.clusterName, found.serviceName);
  const rec = await commit(deps, () => {
    const current = deps.cache.get<ServiceRecord>(key)!;
    const next: ServiceRecord = {
      ...current,
      status: "DRAINING",
      desiredCount: 0,
      deployments: current.deployments.map((d) => ({ ...d, desiredCount: 0 })),
    };
    const stored = drainTaskSets(next, deps.clock.now());
    return { guards: [guardOf(deps, key)], ops: [put(key, stored)], result: stored };
  });
  return { service: serviceView(deps, scope, rec, []) };
}

export function describeServices(deps: Deps, scope: Scope, input: { cluster?: string; services: string[]; include?: string[] }) {
  const cluster = activeCluster(deps, scope, input.cluster);
  if (input.services.length === 0 || input.services.length > 10) {
    throw invalidParameter(`Invalid parameter 'services': give 1 to 10 services, found ${input.services.length}.`);
  }
  const services: Record<string, unknown>[] = [];
  const failures: { arn: string; reason: string }[] = [];
  for (const ref of input.services) {
    const rec = findService(deps, scope, cluster.clusterName, ref);
    if (rec) services.push(serviceView(deps, scope, rec, input.include ?? []));
    // ECS names a missing service given by name in the form without the cluster: service/<name>.
    else failures.push({ arn: ref.startsWith("arn:") ? ref : `arn:aws:ecs:${scope.region}:${scope.accountId}:service/${ref}`, reason: "MISSING" });
  }
  return { services, failures };
}

export function listServices(deps: Deps, scope: Scope, input: PageRequest & { cluster?: string; launchType?: string; schedulingStrategy?: string }) {
  const cluster = activeCluster(deps, scope, input.cluster);
  const services = deps.cache
    .list<ServiceRecord>(keys.services(scope, cluster.clusterName))
    .filter((s) => s.status === "ACTIVE")
    .filter((s) => !input.launchType || s.launchType === input.launchType)
    .filter((s) => !input.schedulingStrategy || s.schedulingStrategy === input.schedulingStrategy);
  const page = paginate(services, (s) => s.serviceName, input, { default: 10, max: 100 });
  return { serviceArns: page.items.map((s) => s.serviceArn), nextToken: page.nextToken };
}

/** The service as DescribeServices shows it: counts computed from its tasks now, its events (newest first) read from their own keys. */
export function serviceView(deps: Deps, scope: Scope, rec: ServiceRecord, include: string[]): Record<string, unknown> {
  const tasks = deps.cache.byIndex<TaskRecord>("serviceTasks", indexKey.serviceTasks(rec.clusterArn, rec.serviceName));
  const pending = (t: TaskRecord) => ["PROVISIONING", "PENDING", "ACTIVATING"].includes(t.lastStatus);
  const { clusterName: _c, failureTracking: _f, pastDeployments: _p, inactiveSince: _i, tags, ...rest } = rec;
  // Deployments echo the service's launch settings, which apply to the tasks started from now on.
  const launch = {
    ...launchEcho(targetOfEcho(rec)),
    ...(rec.platformFamily ? { platformVersion: FARGATE_PLATFORM_VERSION, platformFamily: rec.platformFamily } : {}),
  };
  return withTaskSets({
    ...rest,
    events: readServiceEvents(deps, scope, rec),
    runningCount: tasks.filter((t) => t.lastStatus === "RUNNING").length,
    pendingCount: tasks.filter(pending).length,
    deployments: rec.deployments
      .filter((d) => d.status !== "INACTIVE")
      .map((d) => {
        const { hadHealthyTask: _h, rollbackTargetId: _r, launchType: _l, ...shown } = d;
        const mine = tasks.filter((t) => t.startedBy === d.id && t.desiredStatus === "RUNNING");
        return { ...shown, ...launch, runningCount: mine.filter((t) => t.lastStatus === "RUNNING").length, pendingCount: mine.filter(pending).length };
      }),
    ...(include.includes("TAGS") ? { tags } : {}),
  }, rec);
}

/** What every new service takes from CreateService alike, whatever its deployment controller. */
function newServiceFields(scope: Scope, cluster: ClusterRecord, input: CreateServiceRequest, now: number) {
  const name = input.serviceName ?? "";
  return {
    serviceArn: arns.service(scope, cluster.clusterName, name),
    serviceName: name,
    clusterArn: cluster.clusterArn,
    clusterName: cluster.clusterName,
    status: "ACTIVE" as const,
    placementConstraints: input.placementConstraints ?? [],
    placementStrategy: input.placementStrategy ?? [],
    healthCheckGracePeriodSeconds: input.healthCheckGracePeriodSeconds ?? 0,
    propagateTags: input.propagateTags ?? "NONE",
    enableECSManagedTags: !!input.enableECSManagedTags,
    enableExecuteCommand: !!input.enableExecuteCommand,
    createdAt: now,
    createdBy: rootPrincipal(scope),
    ...(input.role ? { roleArn: input.role } : {}),
  };
}

/** CreateService for the EXTERNAL controller: the service alone; its task sets come later. */
async function createExternalService(deps: Deps, scope: Scope, cluster: ClusterRecord, input: CreateServiceRequest): Promise<ServiceRecord> {
  const name = input.serviceName ?? "";
  checkPlacement(input, []);
  const deploymentConfiguration = normalizeDeploymentConfiguration(input.deploymentConfiguration, "REPLICA");
  const tags = validateTags(input.tags);
  const key = keys.service(scope, cluster.clusterName, name);
  return commit(deps, () => {
    const existing = deps.cache.get<ServiceRecord>(key);
    if (existing && existing.status !== "INACTIVE") throw invalidParameter("Creation of service was not idempotent.");
    const now = deps.clock.now();
    const service: TaskSetServiceRecord = {
      ...newServiceFields(scope, cluster, input, now),
      desiredCount: input.desiredCount ?? 0,
      // None of its own: DescribeServices shows the primary task set's.
      taskDefinition: "",
      schedulingStrategy: "REPLICA",
      deploymentController: { type: "EXTERNAL" },
      deploymentConfiguration,
      loadBalancers: [],
      serviceRegistries: [],
      tags,
      deployments: [],
      taskSets: [],
    };
    const clearLogs = existing ? removeServiceLogs(scope, service) : [];
    return { guards: [guardOf(deps, key)], ops: [...clearLogs, put(key, service)], result: service };
  });
}

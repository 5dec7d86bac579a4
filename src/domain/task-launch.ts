// RunTask and StartTask: choose instances (placement), then write the tasks and take their
// resources from the chosen instances in one transaction guarded by those instances'
// modRevisions — two launches can never book the same capacity.
import type { PlacementConstraint, PlacementStrategy, Tag, TaskOverride } from "@aws-sdk/client-ecs";
import { EcsError, hexId, invalidParameter, type Scope } from "../model/index.js";
import {
  createSnapshot,
  place,
  validatePlacementConstraints,
  validatePlacementStrategy,
  type InstanceView,
  type PlacementRequest,
} from "../placement/index.js";
import { commit, put, type Deps, type Guard } from "./deps.js";
import { findInstance } from "./container-instances.js";
import { reserve } from "./instance-resources.js";
import { instanceView } from "./instance-view.js";
import { keys } from "./keys.js";
import type { ClusterRecord, ContainerInstanceRecord, Stored, TaskDefinitionRecord } from "./records.js";
import { activeCluster } from "./resolve.js";
import { applyOverrides, newTask, reservationOf, taskView, type TaskRecord } from "./task-records.js";
import { usableTaskDefinition } from "./task-definitions.js";
import { validateTags } from "./tags.js";

export interface LaunchInput {
  cluster?: string;
  taskDefinition: string;
  count?: number;
  group?: string;
  startedBy?: string;
  overrides?: Stored<TaskOverride>;
  placementConstraints?: PlacementConstraint[];
  placementStrategy?: PlacementStrategy[];
  launchType?: string;
  capacityProviderStrategy?: unknown[];
  tags?: Tag[];
  propagateTags?: string;
  enableExecuteCommand?: boolean;
}

interface Prepared {
  cluster: ClusterRecord;
  td: TaskDefinitionRecord;
  request: PlacementRequest;
  build: (instance: ContainerInstanceRecord, id: string, now: number) => TaskRecord;
}

function prepare(deps: Deps, scope: Scope, input: LaunchInput, count: number, extra: { serviceName?: string } = {}): Prepared {
  const cluster = activeCluster(deps, scope, input.cluster);
  const td = usableTaskDefinition(deps, scope, input.taskDefinition);
  if (input.launchType && input.capacityProviderStrategy?.length) {
    throw invalidParameter("Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.");
  }
  if (input.launchType === "FARGATE" || input.capacityProviderStrategy?.length) {
    throw new EcsError("UnsupportedFeatureException", "berth runs tasks on registered container instances (EC2 and EXTERNAL launch types) only, for now.");
  }
  if (input.propagateTags === "SERVICE") {
    throw invalidParameter("Invalid parameter 'propagateTags': SERVICE applies to tasks started by a service; use TASK_DEFINITION or NONE.");
  }
  if (input.startedBy !== undefined && !/^[A-Za-z0-9_/-]{1,128}$/.test(input.startedBy)) {
    throw invalidParameter("Invalid parameter 'startedBy': up to 128 letters, numbers, hyphens, underscores and slashes.");
  }
  const constraintErrors = validatePlacementConstraints((input.placementConstraints ?? []) as never, (td.placementConstraints ?? []) as never);
  const strategyErrors = validatePlacementStrategy((input.placementStrategy ?? []) as never);
  const firstError = [...constraintErrors, ...strategyErrors][0];
  if (firstError) throw invalidParameter(`Invalid parameter '${firstError.field}': ${firstError.message}.`);

  const overrides = input.overrides ?? {};
  const containers = applyOverrides(td, overrides);
  const reservation = reservationOf(td, containers, overrides);
  const tags = validateTags([
    ...(input.propagateTags === "TASK_DEFINITION" ? (td.tags ?? []) : []),
    ...(input.tags ?? []),
  ]);
  const group = input.group ?? `family:${td.family}`;
  const request: PlacementRequest = {
    count,
    cpu: reservation.cpu,
    memory: reservation.memory,
    hostPorts: { tcp: reservation.ports, udp: reservation.portsUdp },
    group,
    family: td.family,
    constraints: [...(td.placementConstraints ?? []), ...(input.placementConstraints ?? [])] as never,
    strategy: (input.placementStrategy ?? []) as never,
  };
  const build = (instance: ContainerInstanceRecord, id: string, now: number) =>
    newTask({
      scope,
      clusterName: cluster.clusterName,
      clusterArn: cluster.clusterArn,
      td,
      containers,
      overrides,
      reservation,
      containerInstanceArn: instance.containerInstanceArn,
      availabilityZone: instance.attributes.find((a) => a.name === "ecs.availability-zone")?.value,
      group,
      ...(input.startedBy ? { startedBy: input.startedBy } : {}),
      ...(extra.serviceName ? { serviceName: extra.serviceName } : {}),
      tags,
      enableExecuteCommand: !!input.enableExecuteCommand,
      now,
      id,
    });
  return { cluster, td, request, build };
}

export interface LaunchResult {
  tasks: TaskRecord[];
  failures: { arn?: string; reason: string; detail?: string }[];
}

/** Places `count` tasks among the cluster's instances and writes them. Used by RunTask and the service scheduler. */
export async function launchTasks(deps: Deps, scope: Scope, input: LaunchInput, extra: { serviceName?: string; rng?: () => number } = {}): Promise<LaunchResult> {
  const count = input.count ?? 1;
  const prepared = prepare(deps, scope, input, count, extra);
  const rng = extra.rng ?? Math.random;
  return commit(deps, () => {
    const instances = deps.cache
      .list<ContainerInstanceRecord>(keys.instances(scope, prepared.cluster.clusterName))
      .filter((i) => i.status !== "INACTIVE");
    if (instances.length === 0) throw invalidParameter("No Container Instances were found in your cluster.");
    const views: InstanceView[] = instances.map((i) => instanceView(deps, i));
    const result = place(prepared.request, createSnapshot(views), { rng });
    return writePlacements(deps, scope, prepared, instances, result.placements.map((p) => p.instanceArn), result.failures);
  });
}

function writePlacements(
  deps: Deps,
  scope: Scope,
  prepared: Prepared,
  instances: ContainerInstanceRecord[],
  chosen: string[],
  failures: readonly { arn: string; reason: string; detail?: string }[],
) {
  const byArn = new Map(instances.map((i) => [i.containerInstanceArn, i]));
  const updated = new Map<string, ContainerInstanceRecord>();
  const tasks: TaskRecord[] = [];
  const now = deps.clock.now();
  for (const arn of chosen) {
    const instance = updated.get(arn) ?? byArn.get(arn)!;
    const task = prepared.build(instance, hexId(), now);
    tasks.push(task);
    updated.set(arn, reserve(instance, task.reserved));
  }
  const guards: Guard[] = [...updated.values()].map((i) => ({
    key: keys.instance(scope, i.clusterName, i.id),
    modRevision: deps.cache.getEntry(keys.instance(scope, i.clusterName, i.id))?.modRevision ?? 0,
  }));
  const ops = [
    ...[...updated.values()].map((i) => put(keys.instance(scope, i.clusterName, i.id), i)),
    ...tasks.map((t) => put(keys.task(scope, prepared.cluster.clusterName, t.id), t)),
  ];
  return { guards, ops, result: { tasks, failures: tasks.length === prepared.request.count ? [] : [...failures] } };
}

export async function runTask(deps: Deps, scope: Scope, input: LaunchInput) {
  const count = input.count ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > 10) {
    throw invalidParameter(`Invalid parameter 'count': ${count} must be between 1 and 10.`);
  }
  const { tasks, failures } = await launchTasks(deps, scope, { ...input, count });
  return { tasks: tasks.map((t) => taskView(t, ["TAGS"])), failures };
}

/** StartTask: one task on each named instance, no placement strategy (ecs-behavior.md §6). */
export async function startTask(
  deps: Deps,
  scope: Scope,
  input: LaunchInput & { containerInstances: string[] },
  extra: { serviceName?: string } = {},
) {
  if (input.containerInstances.length < 1 || input.containerInstances.length > 10) {
    throw invalidParameter(`Invalid parameter 'containerInstances': give 1 to 10 container instances, found ${input.containerInstances.length}.`);
  }
  const prepared = prepare(deps, scope, { ...input, count: 1 }, 1, extra);
  const { tasks, failures } = await commit(deps, () => {
    const chosen: string[] = [];
    const failures: { arn: string; reason: string; detail?: string }[] = [];
    const instances: ContainerInstanceRecord[] = [];
    for (const ref of input.containerInstances) {
      const instance = findInstance(deps, scope, prepared.cluster.clusterName, ref);
      if (!instance || instance.status === "INACTIVE") {
        failures.push({ arn: ref, reason: "MISSING" });
        continue;
      }
      // Resources and constraints still apply on a named instance; strategies do not.
      const already = chosen.filter((a) => a === instance.containerInstanceArn).length;
      const current = instances.find((i) => i.containerInstanceArn === instance.containerInstanceArn) ?? instance;
      const view = instanceView(deps, current);
      const result = place({ ...prepared.request, count: already + 1, strategy: [] }, [view], { rng: () => 0 });
      if (result.placements.length === already + 1) {
        chosen.push(instance.containerInstanceArn);
        if (!instances.includes(current)) instances.push(current);
      } else failures.push(...result.failures);
    }
    const write = writePlacements(deps, scope, { ...prepared, request: { ...prepared.request, count: chosen.length } }, instances, chosen, []);
    return { ...write, result: { tasks: write.result.tasks, failures } };
  });
  return { tasks: tasks.map((t) => taskView(t, ["TAGS"])), failures };
}

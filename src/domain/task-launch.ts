// RunTask and StartTask: choose instances (placement), then write the tasks and take their
// resources from the chosen instances in one transaction guarded by those instances'
// modRevisions — two launches can never book the same capacity. A launch goes to a launch type
// or is split across a capacity provider strategy (launch-target.ts); FARGATE shares go to
// berth's hidden pool (fargate-pool.ts), the others to the cluster's own instances.
import type { CapacityProviderStrategyItem, PlacementConstraint, PlacementStrategy, Tag, TaskOverride } from "@aws-sdk/client-ecs";
import { clientError, clusterNotFound, hexId, invalidParameter, PORT_TRANSLATION_ATTRIBUTE, translatesPorts, type Scope } from "../model/index.js";
import {
  place,
  splitAcrossCapacityProviders,
  validatePlacementConstraints,
  validatePlacementStrategy,
  type InstanceView,
  type PlacementRequest,
} from "../placement/index.js";
import { commit, put, type Deps, type Guard } from "./deps.js";
import { findInstance } from "./container-instances.js";
import {
  checkFargateTask,
  FARGATE_CAPACITY_UNAVAILABLE,
  FARGATE_POOL_CLUSTER,
  isPoolCluster,
  platformOf,
  POOL_NETWORK_MODE,
  poolInstances,
  poolTaskAttributes,
} from "./fargate-pool.js";
import { indexKey } from "./indexes.js";
import { reserve } from "./instance-resources.js";
import { instanceView } from "./instance-view.js";
import { keys } from "./keys.js";
import { placementSnapshot } from "./placement-snapshots.js";
import {
  instancesFor,
  isExternalInstance,
  isFargateProvider,
  isFargateTarget,
  resolveLaunchTarget,
  type LaunchTarget,
  type LaunchType,
} from "./launch-target.js";
import type { ClusterRecord, ContainerInstanceRecord, Stored, TaskDefinitionRecord } from "./records.js";
import { activeCluster } from "./resolve.js";
import {
  applyOverrides,
  dynamicPortsOf,
  newTask,
  reservationOf,
  taskView,
  withHostBoundPorts,
  type Reservation,
  type TaskRecord,
} from "./task-records.js";
import { referencedTaskDefinition, usableTaskDefinition } from "./task-definitions.js";
import { resolveNetworkConfiguration, type ResolvedNetwork } from "./network-configuration.js";
import { EniBatch, FALLBACK_NETWORK_MODE, fallbackAttributes, takesEni, withEni } from "./task-enis.js";
import { validateTags } from "./tags.js";
import { efsLookupFor, ensureRoot, findFileSystem } from "./efs/index.js";
import { checkVolumeConfigurations, resolveVolumes, withVolumes, type VolumeConfigurationInput } from "./task-volumes.js";

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
  capacityProviderStrategy?: CapacityProviderStrategyItem[];
  platformVersion?: string;
  networkConfiguration?: unknown;
  tags?: Tag[];
  propagateTags?: string;
  enableExecuteCommand?: boolean;
  /** The configuredAtLaunch volume's EBS-style settings (task-volumes.ts). */
  volumeConfigurations?: VolumeConfigurationInput[];
}

/** How one placed task launches: its launch type, its provider, and whether it is a pool task. */
interface Where {
  launchType: LaunchType;
  capacityProviderName?: string;
  pool: boolean;
}

interface Prepared {
  cluster: ClusterRecord;
  td: TaskDefinitionRecord;
  request: PlacementRequest;
  /** Container ports of the dynamic mappings as a pool agent runs the task (all of them). */
  poolDynamicPorts: { tcp: number[]; udp: number[] };
  /** What a task takes on this instance: more where the runtime cannot translate ports. */
  reservationOn: (instance: ContainerInstanceRecord, pool: boolean) => Reservation;
  build: (instance: ContainerInstanceRecord, id: string, now: number, where: Where) => TaskRecord;
  /** awsvpc: the launch's VPC, subnets and security groups. */
  network?: ResolvedNetwork;
}

/** The cluster a launch names: never the Fargate pool's, which only agents use. */
function launchCluster(deps: Deps, scope: Scope, ref: string | undefined): ClusterRecord {
  const cluster = activeCluster(deps, scope, ref);
  if (isPoolCluster(cluster.clusterName)) throw clusterNotFound();
  return cluster;
}

function prepare(
  deps: Deps,
  scope: Scope,
  input: LaunchInput,
  count: number,
  extra: { serviceName?: string } = {},
  target?: LaunchTarget,
): Prepared {
  const cluster = launchCluster(deps, scope, input.cluster);
  // Only a service's scheduler launches with a serviceName: it may go on using a revision
  // deregistered since (ECS); RunTask and StartTask need an ACTIVE one.
  const td = extra.serviceName !== undefined ? referencedTaskDefinition(deps, scope, input.taskDefinition) : usableTaskDefinition(deps, scope, input.taskDefinition);
  const fargate = target !== undefined && isFargateTarget(target);
  if (fargate) checkFargateTask(td, input.overrides);
  const network = resolveNetworkConfiguration(deps, scope, td, input.networkConfiguration as never, fargate);
  const platform = target ? platformOf(fargate, input.platformVersion) : undefined;
  if (input.propagateTags === "SERVICE") {
    throw invalidParameter("Invalid parameter 'propagateTags': SERVICE applies to tasks started by a service; use TASK_DEFINITION or NONE.");
  }
  if (input.startedBy !== undefined && !/^[A-Za-z0-9_/-]{1,128}$/.test(input.startedBy)) {
    throw invalidParameter("Invalid parameter 'startedBy': up to 128 letters, numbers, hyphens, underscores and slashes.");
  }
  const constraintErrors = validatePlacementConstraints((input.placementConstraints ?? []) as never, (td.placementConstraints ?? []) as never);
  const strategyErrors = validatePlacementStrategy((input.placementStrategy ?? []) as never);
  const firstError = [...constraintErrors, ...strategyErrors][0];
  if (firstError) throw invalidParameter(`${firstError.message}.`);

  const ebs = checkVolumeConfigurations(td, input.volumeConfigurations);
  const overrides = input.overrides ?? {};
  const containers = applyOverrides(td, overrides);
  const reservation = reservationOf(td, containers, overrides);
  const dynamicPorts = dynamicPortsOf(td.networkMode, containers);
  const poolDynamicPorts = dynamicPortsOf(POOL_NETWORK_MODE, containers, true);
  // An awsvpc task on an instance without task ENIs runs in bridge mode there (task-enis.ts).
  const fallsBack = (instance: ContainerInstanceRecord) => td.networkMode === "awsvpc" && !takesEni(instance);
  const reservationOn = (instance: ContainerInstanceRecord, pool: boolean): Reservation =>
    translatesPorts(instance.attributes.find((a) => a.name === PORT_TRANSLATION_ATTRIBUTE)?.value)
      ? reservation
      : withHostBoundPorts(reservation, pool || fallsBack(instance) ? poolDynamicPorts : dynamicPorts);
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
    dynamicPorts,
    group,
    family: td.family,
    constraints: [...(td.placementConstraints ?? []), ...(input.placementConstraints ?? [])] as never,
    strategy: (input.placementStrategy ?? []) as never,
    ...(network ? { eni: true } : {}),
  };
  const efs = efsLookupFor(deps, scope);
  const build = (instance: ContainerInstanceRecord, id: string, now: number, where: Where) =>
    withVolumes(newTask({
      scope,
      clusterName: cluster.clusterName,
      clusterArn: cluster.clusterArn,
      td,
      containers,
      overrides,
      reservation: reservationOn(instance, where.pool),
      containerInstanceArn: instance.containerInstanceArn,
      launchType: where.launchType,
      ...(where.capacityProviderName ? { capacityProviderName: where.capacityProviderName } : {}),
      ...(where.pool && platform ? { platform } : {}),
      ...(fallsBack(instance)
        ? { agentNetworkMode: where.pool ? POOL_NETWORK_MODE : FALLBACK_NETWORK_MODE, attributes: where.pool ? poolTaskAttributes() : fallbackAttributes() }
        : {}),
      availabilityZone: instance.attributes.find((a) => a.name === "ecs.availability-zone")?.value,
      group,
      ...(input.startedBy ? { startedBy: input.startedBy } : {}),
      ...(extra.serviceName ? { serviceName: extra.serviceName } : {}),
      tags,
      enableExecuteCommand: !!input.enableExecuteCommand,
      now,
      id,
    }), resolveVolumes(td, ebs, efs), now);
  return { cluster, td, request, poolDynamicPorts, reservationOn, build, ...(network ? { network } : {}) };
}

/** One part of a launch: `count` tasks for one launch type or capacity provider. */
interface Share {
  launchType: LaunchType;
  capacityProvider?: string;
  count: number;
}

/**
 * Splits a launch by its target. A service's tasks already running for the same deployment
 * count toward base and weights, so each deployment reaches its strategy's proportions.
 */
function sharesOf(deps: Deps, prepared: Prepared, target: LaunchTarget, count: number, input: LaunchInput, serviceName?: string): Share[] {
  if (target.kind === "launchType") {
    return [{ launchType: target.launchType, ...(target.launchType === "FARGATE" ? { capacityProvider: "FARGATE" } : {}), count }];
  }
  const existing: Record<string, number> = {};
  if (serviceName) {
    for (const t of deps.cache.byIndex<TaskRecord>("serviceTasks", indexKey.serviceTasks(prepared.cluster.clusterArn, serviceName))) {
      if (t.desiredStatus !== "RUNNING" || !t.capacityProviderName || (input.startedBy !== undefined && t.startedBy !== input.startedBy)) continue;
      existing[t.capacityProviderName] = (existing[t.capacityProviderName] ?? 0) + 1;
    }
  }
  return splitAcrossCapacityProviders(target.items, count, existing)
    .filter((s) => s.count > 0)
    .map((s) => ({ launchType: isFargateProvider(s.capacityProvider) ? "FARGATE" : "EC2", capacityProvider: s.capacityProvider, count: s.count }));
}

// Fargate ignores placement constraints and strategies (ecs-behavior.md §6.1); the pool
// spreads each group over its agents.
const POOL_STRATEGY = [{ type: "spread", field: "instanceId" }] as const;

type Failure = { arn?: string; reason: string; detail?: string };

export interface LaunchResult {
  tasks: TaskRecord[];
  failures: Failure[];
}

/** Places `count` tasks by the launch's target and writes them. Used by RunTask and the service scheduler. */
export async function launchTasks(deps: Deps, scope: Scope, input: LaunchInput, extra: { serviceName?: string; rng?: () => number } = {}): Promise<LaunchResult> {
  const count = input.count ?? 1;
  const target = resolveLaunchTarget(deps, scope, launchCluster(deps, scope, input.cluster), input);
  const prepared = prepare(deps, scope, input, count, extra, target);
  const rng = extra.rng ?? Math.random;
  return commit(deps, () => {
    const shares = sharesOf(deps, prepared, target, count, input, extra.serviceName);
    let clusterInstances: ContainerInstanceRecord[] | undefined;
    const candidates: ContainerInstanceRecord[] = [];
    const chosen: { arn: string; where: Where }[] = [];
    const failures: Failure[] = [];
    // FARGATE and FARGATE_SPOT shares both land on the pool: a later share sees the resources
    // the earlier ones took, so nothing is booked twice.
    const booked = new Map<string, ContainerInstanceRecord>();
    for (const share of shares) {
      const pool = share.launchType === "FARGATE";
      const instances = pool
        ? poolInstances(deps, scope)
        : instancesFor(
            (clusterInstances ??= deps.cache
              .list<ContainerInstanceRecord>(keys.instances(scope, prepared.cluster.clusterName))
              .filter((i) => i.status !== "INACTIVE")),
            share,
          );
      if (!pool && share.capacityProvider === undefined && instances.length === 0) {
        throw invalidParameter("No Container Instances were found in your cluster.");
      }
      const request: PlacementRequest = pool
        ? { ...prepared.request, count: share.count, constraints: [], strategy: POOL_STRATEGY, dynamicPorts: prepared.poolDynamicPorts }
        : { ...prepared.request, count: share.count };
      const views = instances.map((i): InstanceView => instanceView(deps, booked.get(i.containerInstanceArn) ?? i));
      // Derived from the last launch into the same candidate set: only changed instances cost.
      const candidateSet = pool
        ? `${keys.instances(scope, FARGATE_POOL_CLUSTER)}\u0000pool`
        : `${keys.instances(scope, prepared.cluster.clusterName)}\u0000${share.capacityProvider !== undefined ? `provider:${share.capacityProvider}` : share.launchType}`;
      const result = place(request, placementSnapshot(deps, candidateSet, views), { rng });
      const where: Where = { launchType: share.launchType, pool, ...(share.capacityProvider ? { capacityProviderName: share.capacityProvider } : {}) };
      for (const p of result.placements) chosen.push({ arn: p.instanceArn, where });
      if (shares.length > 1) {
        const byArn = new Map(instances.map((i) => [i.containerInstanceArn, i]));
        for (const p of result.placements) {
          const instance = booked.get(p.instanceArn) ?? byArn.get(p.instanceArn)!;
          booked.set(p.instanceArn, reserve(instance, prepared.reservationOn(instance, pool)));
        }
      }
      candidates.push(...instances);
      if (result.placements.length === share.count) continue;
      if (pool) failures.push(poolFailure(scope, instances.length, result.closest?.reason));
      else if (instances.length === 0) failures.push(emptyProviderFailure(prepared.cluster, share.capacityProvider!));
      else failures.push(...result.failures);
    }
    return writePlacements(deps, scope, prepared, candidates, chosen, failures);
  }).then((r) => (ensureEfsRoots(deps, scope, prepared.td), r));
}

/**
 * The directories of the file systems a task definition's EFS volumes use, made if missing:
 * CreateFileSystem commits before it makes its directory, so a crash between leaves it to here.
 */
function ensureEfsRoots(deps: Deps, scope: Scope, td: TaskDefinitionRecord): void {
  for (const v of td.volumes ?? []) {
    const fs = v.efsVolumeConfiguration?.fileSystemId ? findFileSystem(deps, scope, v.efsVolumeConfiguration.fileSystemId) : undefined;
    if (fs) ensureRoot(fs);
  }
}

/** The pool's instances are berth's own: a failure names none of them, as ECS names no Fargate host. */
function poolFailure(scope: Scope, agents: number, closest: string | undefined): Failure {
  const detail =
    agents === 0
      ? `berth has no Fargate pool agent in ${scope.region}; \`berth up\` starts one, \`berth agent --cluster ${FARGATE_POOL_CLUSTER}\` adds more`
      : `no agent of berth's Fargate pool in ${scope.region} can take the task (${closest ?? "no capacity"})`;
  return { reason: FARGATE_CAPACITY_UNAVAILABLE, detail };
}

function emptyProviderFailure(cluster: ClusterRecord, provider: string): Failure {
  return {
    reason: "MISSING",
    detail: `capacity provider ${provider} has no container instances in cluster ${cluster.clusterName}; agents join it with the attribute berth.capacity-provider=${provider}`,
  };
}

function writePlacements(
  deps: Deps,
  scope: Scope,
  prepared: Prepared,
  instances: ContainerInstanceRecord[],
  chosen: { arn: string; where: Where }[],
  failures: readonly Failure[],
) {
  const byArn = new Map(instances.map((i) => [i.containerInstanceArn, i]));
  const updated = new Map<string, ContainerInstanceRecord>();
  const tasks: TaskRecord[] = [];
  const now = deps.clock.now();
  const enis = prepared.network ? new EniBatch(deps, scope, prepared.network) : undefined;
  const eniFailures: Failure[] = [];
  for (const { arn, where } of chosen) {
    const instance = updated.get(arn) ?? byArn.get(arn)!;
    let task = prepared.build(instance, hexId(), now, where);
    if (enis && takesEni(instance)) {
      const got = enis.allocate(task.taskArn, instance);
      if ("full" in got) {
        eniFailures.push(...got.full.map((s) => ({ arn: s.SubnetArn, reason: INSUFFICIENT_ADDRESSES, detail: insufficientAddresses(s.SubnetId) })));
        continue;
      }
      // An awsvpc task is where its interface is: the subnet's zone, as on ECS (the instance's
      // zone when a subnet there was listed, which allocate() prefers).
      task = { ...withEni(task, got.eni), availabilityZone: got.record.AvailabilityZone, reserved: { ...task.reserved, enis: 1 } };
    }
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
    ...(enis?.ops ?? []),
  ];
  guards.push(...(enis?.guards ?? []));
  const all = [...failures, ...unique(eniFailures)];
  return { guards, ops, result: { tasks, failures: tasks.length === prepared.request.count ? [] : all } };
}

/** EC2's code and message when a subnet has no address left (RunTask's failure names the subnet). */
export const INSUFFICIENT_ADDRESSES = "InsufficientFreeAddressesInSubnet";
const insufficientAddresses = (subnetId: string) =>
  `There are not enough free addresses in subnet '${subnetId}' to satisfy the requested number of instances.`;

const unique = (fs: Failure[]) => fs.filter((f, i) => fs.findIndex((g) => g.arn === f.arn) === i);

export async function runTask(deps: Deps, scope: Scope, input: LaunchInput) {
  const count = input.count ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > 10) {
    throw invalidParameter(`Invalid parameter 'count': ${count} must be between 1 and 10.`);
  }
  launchCluster(deps, scope, input.cluster);
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
  // ECS's own words for an empty list; the upper bound is its documented 10.
  if (input.containerInstances.length === 0) throw clientError("Container Instances cannot be empty.");
  if (input.containerInstances.length > 10) {
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
    // StartTask names its instances: EXTERNAL when the instance is external, else EC2.
    const where = (arn: string): Where => ({
      launchType: isExternalInstance(instances.find((i) => i.containerInstanceArn === arn)!) ? "EXTERNAL" : "EC2",
      pool: false,
    });
    const placed = chosen.map((arn) => ({ arn, where: where(arn) }));
    const write = writePlacements(deps, scope, { ...prepared, request: { ...prepared.request, count: chosen.length } }, instances, placed, []);
    return { ...write, result: { tasks: write.result.tasks, failures } };
  });
  ensureEfsRoots(deps, scope, prepared.td);
  return { tasks: tasks.map((t) => taskView(t, ["TAGS"])), failures };
}

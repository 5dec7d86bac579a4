// A task as berth stores it: ECS's Task shape plus what the agent needs to run it (the task
// definition with the overrides applied, frozen at launch) and what it holds on its instance.
import type { ContainerDefinition, TaskOverride, Tag } from "@aws-sdk/client-ecs";
import { arns, invalidParameter, type AssignedTask, type Scope, uuid } from "../model/index.js";
import { TASK_STATUS_ORDER, type TaskTarget } from "../controllers/index.js";

export { TASK_STATUS_ORDER };
import type { Stored, TaskDefinitionRecord } from "./records.js";

/** A status's place in ECS's lifecycle order; a report never moves a task backwards (§2.1). */
export const statusRank = (s: string) => TASK_STATUS_ORDER.indexOf(s as (typeof TASK_STATUS_ORDER)[number]);

export interface Reservation {
  cpu: number;
  memory: number;
  ports: number[];
  portsUdp: number[];
  /** 1 for an awsvpc task with an ENI. */
  enis?: number;
}

export interface ContainerRecord {
  containerArn: string;
  taskArn: string;
  name: string;
  image: string;
  lastStatus: string;
  exitCode?: number;
  reason?: string;
  runtimeId?: string;
  imageDigest?: string;
  networkBindings: { bindIP?: string; containerPort?: number; hostPort?: number; protocol?: string }[];
  networkInterfaces: unknown[];
  healthStatus?: string;
  cpu: string;
  memory?: string;
  memoryReservation?: string;
}

export interface TaskRecord {
  taskArn: string;
  id: string;
  clusterArn: string;
  clusterName: string;
  taskDefinitionArn: string;
  /**
   * Where the task runs. For FARGATE tasks this is an agent of berth's hidden Fargate pool
   * (fargate-pool.ts): kept for delivery and accounting, never shown (taskView).
   */
  containerInstanceArn?: string;
  launchType: string;
  capacityProviderName?: string;
  platformVersion?: string;
  platformFamily?: string;
  availabilityZone?: string;
  group: string;
  startedBy?: string;
  serviceName?: string;
  lastStatus: string;
  desiredStatus: string;
  healthStatus: string;
  connectivity?: string;
  connectivityAt?: number;
  createdAt: number;
  pullStartedAt?: number;
  pullStoppedAt?: number;
  startedAt?: number;
  stoppingAt?: number;
  executionStoppedAt?: number;
  stoppedAt?: number;
  stopCode?: string;
  stoppedReason?: string;
  cpu?: string;
  memory?: string;
  overrides: Stored<TaskOverride>;
  attachments: unknown[];
  attributes: unknown[];
  containers: ContainerRecord[];
  tags: Tag[];
  version: number;
  enableExecuteCommand: boolean;
  /** What the task holds on its instance until it stops. */
  reserved: Reservation;
  /** True once the reservation was given back (the task reached STOPPED). */
  released: boolean;
  /** The definition as the agent runs it. */
  assignment: Omit<AssignedTask, "desiredStatus" | "lastStatus" | "version" | "stoppedReason">;
  /**
   * The load balancer targets the service wiring registered for the task (target-registrations.ts):
   * undefined until it is registered, [] once its drain is over. While any remain, a stop is
   * held from the agent (agentDesiredStatus): drain before stop.
   */
  loadBalancerTargets?: TaskTarget[];
  /** Whether every target was healthy when the task was deregistered (a healthy run, for failure accounting). */
  loadBalancerHealthy?: boolean;
  /** Task scale-in protection (task-protection.ts): GetTaskProtection shows it, DescribeTasks does not. */
  protection?: { protectionEnabled: boolean; expirationDate?: number };
}

/**
 * The desired status the agent is told. A task still registered in a target group keeps
 * running while it drains: the stop reaches the agent (SIGTERM) once its targets are released.
 */
export function agentDesiredStatus(t: TaskRecord): string {
  return t.desiredStatus === "STOPPED" && (t.loadBalancerTargets?.length ?? 0) > 0 ? "RUNNING" : t.desiredStatus;
}

/** Applies RunTask's containerOverrides to the task definition's containers. */
export function applyOverrides(td: TaskDefinitionRecord, overrides: Stored<TaskOverride> | undefined): ContainerDefinition[] {
  const byName = new Map((overrides?.containerOverrides ?? []).map((o) => [o.name, o]));
  const names = new Set((td.containerDefinitions ?? []).map((c) => c.name));
  const size = overrides?.ephemeralStorage?.sizeInGiB;
  // RegisterTaskDefinition's bounds (task-definition-rules.ts), for the override too.
  if (overrides?.ephemeralStorage && (typeof size !== "number" || size < 21 || size > 200)) {
    throw invalidParameter(`Invalid 'overrides.ephemeralStorage.sizeInGiB' ${size}: it must be between 21 and 200.`);
  }
  for (const [i, o] of (overrides?.containerOverrides ?? []).entries()) {
    if (!o.name || !names.has(o.name)) {
      throw invalidParameter(`Invalid parameter 'overrides.containerOverrides[${i}].name': '${o.name ?? ""}' is not a container of ${td.family}:${td.revision}.`);
    }
  }
  return (td.containerDefinitions ?? []).map((c) => {
    const o = byName.get(c.name);
    if (!o) return c as ContainerDefinition;
    const env = new Map((c.environment ?? []).map((e) => [e.name, e.value]));
    for (const e of o.environment ?? []) env.set(e.name, e.value);
    return {
      ...(c as ContainerDefinition),
      ...(o.command ? { command: o.command } : {}),
      ...(o.cpu !== undefined ? { cpu: o.cpu } : {}),
      ...(o.memory !== undefined ? { memory: o.memory } : {}),
      ...(o.memoryReservation !== undefined ? { memoryReservation: o.memoryReservation } : {}),
      ...(o.environmentFiles ? { environmentFiles: o.environmentFiles } : {}),
      environment: [...env].map(([name, value]) => ({ name, value })),
    } as ContainerDefinition;
  });
}

/** What a task reserves on its instance (ecs-behavior.md §6.7). */
export function reservationOf(td: TaskDefinitionRecord, containers: ContainerDefinition[], overrides?: Stored<TaskOverride>): Reservation {
  const taskCpu = overrides?.cpu ?? td.cpu;
  const taskMemory = overrides?.memory ?? td.memory;
  const cpu = taskCpu ? Number(taskCpu) : containers.reduce((s, c) => s + (c.cpu ?? 0), 0);
  const memory = taskMemory ? Number(taskMemory) : containers.reduce((s, c) => s + (c.memoryReservation ?? c.memory ?? 0), 0);
  const ports: number[] = [];
  const portsUdp: number[] = [];
  // awsvpc tasks get their own network interface: their ports take nothing from the host.
  if (td.networkMode !== "awsvpc") {
    for (const c of containers) {
      for (const pm of c.portMappings ?? []) {
        const host = td.networkMode === "host" ? pm.containerPort : pm.hostPort;
        if (!host) continue;
        (pm.protocol === "udp" ? portsUdp : ports).push(host);
      }
    }
  }
  return { cpu, memory, ports, portsUdp };
}

/**
 * The container ports of a task's dynamic mappings as its agent runs it (bridge, hostPort 0 or
 * absent; `allDynamic` when the agent runs every mapping so, as the Fargate pool does). They
 * take no host port where the runtime translates ports; the process runtime binds them on the
 * host itself, so an instance of it reserves them (placement/host-ports.ts).
 */
export function dynamicPortsOf(networkMode: string | undefined, containers: ContainerDefinition[], allDynamic = false): { tcp: number[]; udp: number[] } {
  const tcp: number[] = [];
  const udp: number[] = [];
  if (allDynamic || (networkMode ?? "bridge") === "bridge") {
    for (const c of containers) {
      for (const pm of c.portMappings ?? []) {
        if (pm.containerPort === undefined || (!allDynamic && pm.hostPort)) continue;
        (pm.protocol === "udp" ? udp : tcp).push(pm.containerPort);
      }
    }
  }
  return { tcp: [...new Set(tcp)], udp: [...new Set(udp)] };
}

/** The reservation on an instance that binds dynamic mappings' container ports on the host. */
export function withHostBoundPorts(r: Reservation, dynamic: { tcp: number[]; udp: number[] }): Reservation {
  const add = (fixed: number[], more: number[]) => [...fixed, ...more.filter((p) => !fixed.includes(p))];
  return { ...r, ports: add(r.ports, dynamic.tcp), portsUdp: add(r.portsUdp, dynamic.udp) };
}

export interface NewTaskInput {
  scope: Scope;
  clusterName: string;
  clusterArn: string;
  td: TaskDefinitionRecord;
  containers: ContainerDefinition[];
  overrides: Stored<TaskOverride>;
  reservation: Reservation;
  containerInstanceArn: string;
  launchType: string;
  capacityProviderName?: string;
  /** Fargate tasks: the platform they run on ("1.4.0", "Linux"). */
  platform?: { version: string; family: string };
  /** What the agent runs instead of the definition's network mode (the Fargate pool's bridge). */
  agentNetworkMode?: string;
  /** berth's notes on the task (Attribute shape), e.g. how a Fargate task's network really is. */
  attributes?: { name: string; value?: string }[];
  availabilityZone?: string;
  group: string;
  startedBy?: string;
  serviceName?: string;
  tags: Tag[];
  enableExecuteCommand: boolean;
  now: number;
  id: string;
}

export function newTask(i: NewTaskInput): TaskRecord {
  const taskArn = arns.task(i.scope, i.clusterName, i.id);
  const containers: ContainerRecord[] = i.containers.map((c) => ({
    containerArn: arns.container(i.scope, i.clusterName, i.id, uuid()),
    taskArn,
    name: c.name!,
    image: c.image!,
    lastStatus: "PENDING",
    networkBindings: [],
    networkInterfaces: [],
    ...(c.healthCheck ? { healthStatus: "UNKNOWN" } : {}),
    cpu: String(c.cpu ?? 0),
    ...(c.memory !== undefined ? { memory: String(c.memory) } : {}),
    ...(c.memoryReservation !== undefined ? { memoryReservation: String(c.memoryReservation) } : {}),
  }));
  const taskCpu = i.overrides.cpu ?? i.td.cpu;
  const taskMemory = i.overrides.memory ?? i.td.memory;
  return {
    taskArn,
    id: i.id,
    clusterArn: i.clusterArn,
    clusterName: i.clusterName,
    taskDefinitionArn: i.td.taskDefinitionArn,
    containerInstanceArn: i.containerInstanceArn,
    launchType: i.launchType,
    ...(i.capacityProviderName ? { capacityProviderName: i.capacityProviderName } : {}),
    ...(i.platform ? { platformVersion: i.platform.version, platformFamily: i.platform.family } : {}),
    ...(i.availabilityZone ? { availabilityZone: i.availabilityZone } : {}),
    group: i.group,
    ...(i.startedBy ? { startedBy: i.startedBy } : {}),
    ...(i.serviceName ? { serviceName: i.serviceName } : {}),
    lastStatus: "PROVISIONING",
    desiredStatus: "RUNNING",
    healthStatus: "UNKNOWN",
    createdAt: i.now,
    cpu: taskCpu ?? String(i.reservation.cpu),
    memory: taskMemory ?? String(i.reservation.memory),
    overrides: { containerOverrides: [], inferenceAcceleratorOverrides: [], ...i.overrides },
    attachments: [],
    attributes: i.attributes ?? [],
    containers,
    tags: i.tags,
    version: 1,
    enableExecuteCommand: i.enableExecuteCommand,
    reserved: i.reservation,
    released: false,
    assignment: {
      taskArn,
      clusterArn: i.clusterArn,
      taskDefinitionArn: i.td.taskDefinitionArn,
      family: i.td.family,
      revision: i.td.revision,
      networkMode: i.agentNetworkMode ?? i.td.networkMode ?? "bridge",
      ...(taskCpu ? { cpu: taskCpu } : {}),
      ...(taskMemory ? { memory: taskMemory } : {}),
      ...((i.overrides.taskRoleArn ?? i.td.taskRoleArn) ? { taskRoleArn: i.overrides.taskRoleArn ?? i.td.taskRoleArn } : {}),
      ...((i.overrides.executionRoleArn ?? i.td.executionRoleArn) ? { executionRoleArn: i.overrides.executionRoleArn ?? i.td.executionRoleArn } : {}),
      containers: i.containers.map((c, n) => ({
        name: c.name!,
        containerArn: containers[n]!.containerArn,
        definition: (i.agentNetworkMode ? withDynamicHostPorts(c) : c) as Record<string, unknown>,
      })),
      volumes: (i.td.volumes ?? []) as Record<string, unknown>[],
      ...fargateEphemeralStorage(i),
    },
  };
}

/**
 * A Fargate task's ephemeral storage, when its overrides or definition set one: the agent
 * enforces that size (docs/volumes.md). ECS's default of 20 GiB, when neither does, is not
 * enforced: such a task writes to the host's disk as an EC2 task does.
 */
export function fargateEphemeralStorage(i: Pick<NewTaskInput, "launchType" | "overrides" | "td">): { ephemeralStorage?: { sizeInGiB: number } } {
  if (i.launchType !== "FARGATE") return {};
  const size = i.overrides.ephemeralStorage?.sizeInGiB ?? i.td.ephemeralStorage?.sizeInGiB;
  return size === undefined ? {} : { ephemeralStorage: { sizeInGiB: size } };
}

/**
 * An awsvpc container run in bridge mode: awsvpc's hostPort (absent or equal to containerPort)
 * would be a fixed host port in bridge mode, which the pool does not reserve; 0 asks for a
 * dynamic one, so copies of a task never contend for a host port.
 */
function withDynamicHostPorts(c: ContainerDefinition): ContainerDefinition {
  if (!c.portMappings?.length) return c;
  return { ...c, portMappings: c.portMappings.map((p) => ({ ...p, hostPort: 0 })) };
}

/** The message the agent receives for a task. */
export function assignedTask(t: TaskRecord): AssignedTask {
  return {
    ...t.assignment,
    desiredStatus: agentDesiredStatus(t),
    lastStatus: t.lastStatus,
    version: t.version,
    ...(t.stoppedReason ? { stoppedReason: t.stoppedReason } : {}),
  };
}

/**
 * The task as DescribeTasks shows it: internal fields stay inside (the serializer drops them too),
 * and a Fargate task shows no container instance — the pool agent it runs on is berth's own.
 */
export function taskView(t: TaskRecord, include: string[] = []): Record<string, unknown> {
  const { reserved: _r, released: _l, assignment: _a, id: _i, clusterName: _c, serviceName: _s, protection: _p, tags, containerInstanceArn, ...rest } = t;
  const shown = containerInstanceArn && t.launchType !== "FARGATE" ? { ...rest, containerInstanceArn } : rest;
  return include.includes("TAGS") ? { ...shown, tags } : shown;
}

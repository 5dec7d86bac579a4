// The task metadata endpoint v4's JSON (ecs-behavior.md §8.3), built from the agent's task
// record, pure. Field names and casing are ECS's; times are RFC 3339 strings.
import { containerTraits, ecsLabels, taskIdOf } from "./container-spec.js";
import { restartPolicyOf } from "./restart-policy.js";
import type { ContainerRecord, TaskRecord } from "./task-record.js";

export interface MetadataContext {
  availabilityZone: string;
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

function defined<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/** ECS names its Docker containers `ecs-<family>-<revision>-<name>-<hex>`; berth uses the task id. */
export function dockerName(rec: TaskRecord, c: ContainerRecord): string {
  return `ecs-${rec.task.family}-${rec.task.revision}-${c.name}-${taskIdOf(rec.task.taskArn)}`;
}

export function containerMetadata(rec: TaskRecord, c: ContainerRecord): Record<string, unknown> {
  const assigned = rec.task.containers.find((a) => a.name === c.name);
  const traits = assigned ? containerTraits(assigned) : undefined;
  const desired = rec.desired === "RUNNING" && c.known !== "STOPPED" ? "RUNNING" : "STOPPED";
  return defined({
    DockerId: c.runtimeId ?? "",
    Name: c.name,
    DockerName: dockerName(rec, c),
    Image: traits?.image ?? "",
    ImageID: c.imageId ?? "",
    Ports: c.networkBindings.length
      ? c.networkBindings.map((b) => ({ ContainerPort: b.containerPort, Protocol: b.protocol, HostPort: b.hostPort, HostIp: b.bindIP }))
      : undefined,
    Labels: ecsLabels(rec.task, c.name),
    DesiredStatus: desired,
    KnownStatus: c.known,
    ExitCode: typeof c.exitCode === "number" ? c.exitCode : undefined,
    Limits: { CPU: traits?.cpu ?? 0, Memory: traits?.memory ?? 0 },
    CreatedAt: iso(c.createdAt),
    StartedAt: iso(c.startedAt),
    FinishedAt: iso(c.finishedAt),
    Type: "NORMAL",
    LogDriver: traits?.logDriver,
    LogOptions: traits?.logOptions,
    ContainerARN: c.containerArn,
    Networks: [{ NetworkMode: rec.task.networkMode || "bridge", IPv4Addresses: [] as string[] }],
    Health: traits?.hasHealthCheck
      ? defined({ status: c.health, statusSince: iso(c.healthSince), output: c.healthOutput })
      : undefined,
    // As the ECS agent shows it: only for a container whose restart policy is enabled.
    RestartCount: assigned && restartPolicyOf(assigned.definition)?.enabled ? (c.restartCount ?? 0) : undefined,
  });
}

export function taskMetadata(rec: TaskRecord, ctx: MetadataContext): Record<string, unknown> {
  const cpu = rec.task.cpu ? Number(rec.task.cpu) : undefined;
  const memory = rec.task.memory ? Number(rec.task.memory) : undefined;
  return defined({
    Cluster: rec.task.clusterArn,
    TaskARN: rec.task.taskArn,
    Family: rec.task.family,
    Revision: String(rec.task.revision),
    DesiredStatus: rec.desired,
    KnownStatus: rec.known,
    // Task-level CPU is shown in vCPUs (512 units → 0.5), memory in MiB.
    Limits: cpu !== undefined || memory !== undefined ? defined({ CPU: cpu === undefined ? undefined : cpu / 1024, Memory: memory }) : undefined,
    PullStartedAt: iso(rec.pullStartedAt),
    PullStoppedAt: iso(rec.pullStoppedAt),
    ExecutionStoppedAt: iso(rec.executionStoppedAt),
    AvailabilityZone: ctx.availabilityZone,
    LaunchType: "EC2",
    Containers: rec.containers.map((c) => containerMetadata(rec, c)),
  });
}

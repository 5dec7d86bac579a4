// What the agent keeps about one task, persisted as JSON in its state dir (state-store.ts) so a
// restarted agent knows its tasks, their containers' runtime ids, what it already reported and
// the metadata tokens its containers were started with. Only the task's ManagedTask writes it.
import { randomBytes } from "node:crypto";
import type { AssignedTask } from "../model/index.js";
import type { ExitInfo, HealthStatus, NetworkBinding } from "../runtime/index.js";
import { containerTraits, type HostPortBinding } from "./container-spec.js";
import type { BackendStatus, ContainerSnapshot, ContainerStatus, DesiredStatus, NetworkStatus, TaskResources, TaskSnapshot, TaskStatus } from "./task-transitions.js";

export interface ContainerRecord {
  name: string;
  containerArn: string;
  known: ContainerStatus;
  runtimeId?: string;
  /** The image id/digest when the runtime knows it. */
  imageId?: string;
  /** null: it never ran, or vanished. */
  exitCode?: number | null;
  reason?: string;
  createdAt?: number;
  startedAt?: number;
  finishedAt?: number;
  health: HealthStatus;
  healthSince?: number;
  healthOutput?: string;
  networkBindings: NetworkBinding[];
  /** The path segment of this container's metadata URIs; never changes (its env holds it). */
  metadataToken: string;
  /** The last status the control plane acknowledged. */
  reported?: BackendStatus;
  /** Times the agent restarted it in place under its restartPolicy (restart-policy.ts). */
  restartCount?: number;
  /** Epoch ms (agent clock) of the last such restart. */
  lastRestartAt?: number;
  /** An exit found at restore that the restartPolicy has yet to judge (runtime-reconcile.ts). */
  unhandledExit?: ExitInfo;
}

/** An awsvpc task's network namespace (task-network.ts), and what the control plane heard of it. */
export interface NetworkRecord {
  /** Absent: awsvpc (the assignment's ENI). bridge: a namespace on the agent's bridge-mode bridge (process runtime). */
  kind?: "bridge";
  status: NetworkStatus;
  /** bridge: the task's address on the bridge-mode bridge. */
  address?: string;
  /** bridge: the host port forwarded to each port mapping (what the containers' networkBindings say). */
  hostPorts?: HostPortBinding[];
  /** /var/run/netns/berth-<task id> once ATTACHED: what the runtime joins. */
  namespacePath?: string;
  /** The metadata endpoint as the task's containers reach it (on their subnet's router address). */
  metadataBaseUrl?: string;
  /** docker: the pause container holding the namespace, which the task's containers join. */
  holderId?: string;
  /** The task's resolv.conf on the host, shown to its containers as /etc/resolv.conf. */
  resolvConf?: string;
  /** The ingress rules (JSON) last applied, to see a security group change while the task runs. */
  ingressApplied?: string;
  /** The attachment status the control plane acknowledged (ATTACHED, then DELETED). */
  reported?: "ATTACHED" | "DELETED";
}

export interface TaskRecord {
  version: 1;
  /** The latest assignment from the control plane. */
  task: AssignedTask;
  desired: DesiredStatus;
  known: TaskStatus;
  /** Why the task stops, as reported with STOPPED. */
  stopReason?: string;
  pullStartedAt?: number;
  pullStoppedAt?: number;
  /** When the task reached RUNNING. */
  startedAt?: number;
  executionStoppedAt?: number;
  /** The last task status the control plane acknowledged. */
  reported?: BackendStatus;
  /** The control plane no longer lists the task: nothing is reported, it is stopped and removed. */
  disowned?: boolean;
  /** Present when the assignment carries an ENI (awsvpc). */
  network?: NetworkRecord;
  /**
   * A task with a task role: the id its containers read their credentials at
   * (/v2/credentials/<id>: the first credentialsId the control plane sent for it, kept across
   * renewals and restarts) and the AWS_CONTAINER_AUTHORIZATION_TOKEN of containers that reach
   * the endpoint over loopback. The keys themselves are never written (task-credentials.ts).
   */
  credentialsEndpoint?: { id: string; token: string };
  containers: ContainerRecord[];
}

export function newMetadataToken(): string {
  return randomBytes(16).toString("hex");
}

/**
 * bridgeNamespaces: this agent gives bridge-mode tasks a namespace of their own (the process
 * runtime where it can make namespaces); their record then carries a network as an awsvpc one does.
 */
export function newTaskRecord(task: AssignedTask, options: { bridgeNamespaces?: boolean } = {}): TaskRecord {
  const bridge = options.bridgeNamespaces === true && !task.eni && (task.networkMode || "bridge") === "bridge";
  const stopped = task.desiredStatus === "STOPPED";
  return {
    version: 1,
    task,
    desired: stopped ? "STOPPED" : "RUNNING",
    known: "NONE",
    ...(stopped && task.stoppedReason ? { stopReason: task.stoppedReason } : {}),
    ...(task.eni ? { network: { status: "NONE" } } : bridge ? { network: { kind: "bridge", status: "NONE" } } : {}),
    containers: task.containers.map((c) => ({
      name: c.name,
      containerArn: c.containerArn,
      known: "NONE",
      health: "UNKNOWN",
      networkBindings: [],
      metadataToken: newMetadataToken(),
    })),
  };
}

/** The decision input for task-transitions.ts; `resources`: what besides the network the containers wait for. */
export function taskSnapshot(rec: TaskRecord, inFlight: ReadonlyMap<string, ContainerStatus>, networkInFlight = false, resources?: TaskResources): TaskSnapshot {
  const containers: ContainerSnapshot[] = rec.containers.map((c) => {
    const assigned = rec.task.containers.find((a) => a.name === c.name);
    const traits = assigned ? containerTraits(assigned) : { essential: true, dependsOn: [], hasHealthCheck: false };
    const applied = inFlight.get(c.name);
    return {
      name: c.name,
      essential: traits.essential,
      known: c.known,
      ...(applied !== undefined ? { applied } : {}),
      ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
      ...(c.reason !== undefined ? { reason: c.reason } : {}),
      ...(c.startedAt !== undefined ? { startedAt: c.startedAt } : {}),
      health: c.health,
      hasHealthCheck: traits.hasHealthCheck,
      dependsOn: traits.dependsOn,
      ...("startTimeout" in traits && traits.startTimeout !== undefined ? { startTimeout: traits.startTimeout } : {}),
    };
  });
  return {
    desired: rec.desired,
    known: rec.known,
    containers,
    ...(rec.network ? { network: { status: rec.network.status, inFlight: networkInFlight, stale: ingressStale(rec) } } : {}),
    ...(resources ? { resources } : {}),
  };
}

/** The assignment's ingress differs from what was applied (records from before it was kept: no). */
export function ingressStale(rec: TaskRecord): boolean {
  const applied = rec.network?.ingressApplied;
  return rec.network?.status === "ATTACHED" && applied !== undefined && applied !== JSON.stringify(rec.task.eni?.ingress ?? []);
}

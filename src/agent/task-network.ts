// A task's network as a task resource of the agent (awsvpc, and bridge mode on the process runtime): the port to the node's network
// layer (src/network's TaskNetworks, or nothing where this host cannot make namespaces), and the
// two calls the ManagedTask makes when decideTask asks for them. They only change the record;
// the ManagedTask persists it and reports.
import type { AssignedEni, AssignedTask } from "../model/index.js";
import type { RuntimeDriver, TaskNetworkNamespace } from "../runtime/index.js";
import { AGENT_INSTANCE_LABEL, type HostPortBinding, portMappingsOf } from "./container-spec.js";
import type { NetworkRecord, TaskRecord } from "./task-record.js";

export interface TaskNetworkPort {
  /**
   * holderPid: name that process's namespace (a pause container's) instead of making one.
   * credentialsPort: the task's 169.254.170.2 goes to the agent's endpoint on this port.
   */
  ensure(taskId: string, eni: AssignedEni, holderPid?: number, credentialsPort?: number): Promise<{ namespacePath: string; resolvConf?: string }>;
  /** A bridge-mode task's namespace on the bridge-mode bridge and its host ports (0: dynamic). */
  ensureBridgeMode(
    taskId: string,
    ports: readonly HostPortBinding[],
    credentialsPort?: number,
  ): Promise<{ namespacePath: string; address: string; gateway: string; bindings: HostPortBinding[] }>;
  release(taskId: string): Promise<unknown>;
  /** Docker's bridge: its containers' 169.254.170.2 goes to the agent's endpoint on this port. */
  ensureBridgeCredentials?(link: string, port: number): Promise<void>;
}

/** The runtime's side: docker holds the namespace in a pause container; process needs nothing. */
export type HolderRuntime = Pick<RuntimeDriver, "startNamespaceHolder" | "removeNamespaceHolder">;

/** ECS's reason when a task's ENI cannot be set up (the task stops with it, never having run). */
export function networkFailureReason(err: unknown): string {
  return `ResourceInitializationError: failed to configure ENI: ${(err as Error).message ?? String(err)}`;
}

/** Every port mapping of the task's containers; hostPort 0 asks for a dynamic one. */
export function wantedPorts(task: AssignedTask): HostPortBinding[] {
  return task.containers.flatMap((c) =>
    portMappingsOf(c.definition, task.networkMode || "bridge").map((m) => ({ containerName: c.name, containerPort: m.containerPort, hostPort: m.hostPort ?? 0, protocol: m.protocol ?? "tcp" })),
  );
}

/** A bridge-mode task's namespace, address and host ports; the reason the task must stop when it cannot. */
async function setUpBridgeMode(
  rec: TaskRecord,
  taskId: string,
  networks: TaskNetworkPort,
  metadataAt?: (host: string) => Promise<string>,
  credentialsPort?: number,
): Promise<string | undefined> {
  const net = rec.network!;
  try {
    const made = await networks.ensureBridgeMode(taskId, wantedPorts(rec.task), credentialsPort);
    // As for awsvpc: loopback inside the namespace is the task's own, the host is the bridge.
    if (metadataAt) net.metadataBaseUrl = await metadataAt(made.gateway);
    net.status = "ATTACHED";
    net.namespacePath = made.namespacePath;
    net.address = made.address;
    net.hostPorts = made.bindings.map((b) => ({ containerName: b.containerName, containerPort: b.containerPort, hostPort: b.hostPort, protocol: b.protocol }));
    return undefined;
  } catch (err) {
    return `ResourceInitializationError: failed to set up the task's bridge network: ${(err as Error).message ?? String(err)}`;
  }
}

/**
 * Makes the namespace; returns the reason the task must stop when it cannot. credentialsPort (a
 * task with a task role): its packets to 169.254.170.2 reach the agent's endpoint there.
 */
export async function setUpNetwork(
  rec: TaskRecord,
  taskId: string,
  networks: TaskNetworkPort | undefined,
  runtime: HolderRuntime,
  instanceId: string,
  metadataAt?: (host: string) => Promise<string>,
  credentialsPort?: number,
): Promise<string | undefined> {
  if (rec.network?.kind === "bridge") {
    // Only an agent that can make namespaces marks bridge tasks so (newTaskRecord); one restarted without that ability cannot.
    if (!networks) return `ResourceInitializationError: resource cannot be initialized for task ${rec.task.taskArn}: its bridge network namespace cannot be made by this agent (it needs root and iproute2)`;
    return setUpBridgeMode(rec, taskId, networks, metadataAt, credentialsPort);
  }
  const eni = rec.task.eni;
  if (!rec.network || !eni) return undefined;
  if (!networks) {
    return `ResourceInitializationError: resource cannot be initialized for task ${rec.task.taskArn}: networkMode awsvpc needs a task network namespace, which this agent cannot create (it needs root and iproute2)`;
  }
  try {
    let holderPid: number | undefined;
    if (runtime.startNamespaceHolder) {
      const image = rec.task.containers.map((c) => c.definition.image).find((i): i is string => typeof i === "string" && i !== "");
      if (!image) return `ResourceInitializationError: task ${rec.task.taskArn} has no image to run its pause container with`;
      const holder = await runtime.startNamespaceHolder({
        taskArn: rec.task.taskArn,
        taskId,
        image,
        labels: { [AGENT_INSTANCE_LABEL]: instanceId },
        dnsServers: eni.dnsServers,
      });
      rec.network.holderId = holder.containerId;
      holderPid = holder.pid;
    }
    const made = await networks.ensure(taskId, eni, holderPid, credentialsPort);
    // Loopback inside the namespace is the task's own: the metadata endpoint is reached at the
    // subnet's router address, which the host holds on the bridge.
    if (metadataAt) rec.network.metadataBaseUrl = await metadataAt(eni.gatewayIpv4Address);
    rec.network.status = "ATTACHED";
    rec.network.ingressApplied = JSON.stringify(eni.ingress);
    rec.network.namespacePath = made.namespacePath;
    if (made.resolvConf) rec.network.resolvConf = made.resolvConf;
    return undefined;
  } catch (err) {
    return networkFailureReason(err);
  }
}

/** Removes the namespace (a failed or half-made set-up too); throws when it could not. */
export async function releaseNetwork(rec: TaskRecord, taskId: string, networks: TaskNetworkPort | undefined, runtime: HolderRuntime): Promise<void> {
  if (!rec.network) return;
  // Without a network layer nothing was ever made.
  if (networks) await networks.release(taskId);
  // By task id, not the recorded container id: a crash may have come between its start and the record.
  if (networks && runtime.removeNamespaceHolder) await runtime.removeNamespaceHolder(taskId);
  delete rec.network.holderId;
  rec.network.status = "DELETED";
  delete rec.network.namespacePath;
  delete rec.network.resolvConf;
}

/** Where the task's containers find their network: the namespace (process), its holder (docker). */
export function namespaceOf(net: NetworkRecord): TaskNetworkNamespace {
  return {
    ...(net.namespacePath ? { path: net.namespacePath } : {}),
    ...(net.holderId ? { containerId: net.holderId } : {}),
    ...(net.resolvConf ? { resolvConf: net.resolvConf } : {}),
  };
}

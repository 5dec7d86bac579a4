// An awsvpc task's network as a task resource of the agent: the port to the node's network
// layer (src/network's TaskNetworks, or nothing where this host cannot make namespaces), and the
// two calls the ManagedTask makes when decideTask asks for them. They only change the record;
// the ManagedTask persists it and reports.
import type { AssignedEni } from "../model/index.js";
import type { TaskRecord } from "./task-record.js";

export interface TaskNetworkPort {
  ensure(taskId: string, eni: AssignedEni): Promise<{ namespacePath: string; resolvConf?: string }>;
  release(taskId: string): Promise<unknown>;
}

/** ECS's reason when a task's ENI cannot be set up (the task stops with it, never having run). */
export function networkFailureReason(err: unknown): string {
  return `ResourceInitializationError: failed to configure ENI: ${(err as Error).message ?? String(err)}`;
}

/** Makes the namespace; returns the reason the task must stop when it cannot. */
export async function setUpNetwork(rec: TaskRecord, taskId: string, networks: TaskNetworkPort | undefined): Promise<string | undefined> {
  const eni = rec.task.eni;
  if (!rec.network || !eni) return undefined;
  if (!networks) {
    return `ResourceInitializationError: resource cannot be initialized for task ${rec.task.taskArn}: networkMode awsvpc needs a task network namespace, which this agent cannot create (it needs root and iproute2)`;
  }
  try {
    const made = await networks.ensure(taskId, eni);
    rec.network.status = "ATTACHED";
    rec.network.namespacePath = made.namespacePath;
    if (made.resolvConf) rec.network.resolvConf = made.resolvConf;
    return undefined;
  } catch (err) {
    return networkFailureReason(err);
  }
}

/** Removes the namespace (a failed or half-made set-up too); throws when it could not. */
export async function releaseNetwork(rec: TaskRecord, taskId: string, networks: TaskNetworkPort | undefined): Promise<void> {
  if (!rec.network) return;
  // Without a network layer nothing was ever made.
  if (networks) await networks.release(taskId);
  rec.network.status = "DELETED";
  delete rec.network.namespacePath;
  delete rec.network.resolvConf;
}

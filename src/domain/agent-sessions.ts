// The control plane's side of an agent's connection: which tasks an instance must run, and
// the instance's agentConnected flag (ecs-behavior.md §11.6).
import { AGENT_CHANNEL_PATH, invalidParameter, parseArn, type Scope } from "../model/index.js";
import { commit, guardOf, put, type Deps } from "./deps.js";
import { keys } from "./keys.js";
import type { ContainerInstanceRecord } from "./records.js";
import { activeCluster } from "./resolve.js";
import { indexKey } from "./indexes.js";
import { TASK_STATUS_ORDER, type TaskRecord } from "./task-records.js";

export interface InstanceRef {
  scope: Scope;
  clusterName: string;
  id: string;
  arn: string;
}

/** Resolves the container instance ARN an agent connects with; undefined if it is not registered. */
export function instanceRefOf(deps: Deps, arn: string): InstanceRef | undefined {
  const parsed = parseArn(arn);
  if (!parsed || parsed.resourceType !== "container-instance") return undefined;
  const [clusterName, id] = parsed.resource.split("/");
  if (!clusterName || !id) return undefined;
  const scope = { accountId: parsed.accountId, region: parsed.region };
  const rec = deps.cache.get<ContainerInstanceRecord>(keys.instance(scope, clusterName, id));
  if (!rec || rec.status === "INACTIVE") return undefined;
  return { scope, clusterName, id, arn };
}

/**
 * The tasks an instance's agent must know about: assigned to it and not yet STOPPED. Read from
 * the instance index, since an agent of the Fargate pool runs tasks of every cluster.
 */
export function assignedTasks(deps: Deps, ref: InstanceRef): TaskRecord[] {
  return TASK_STATUS_ORDER.filter((s) => s !== "STOPPED").flatMap((s) =>
    deps.cache.byIndex<TaskRecord>("instanceTasks", indexKey.instanceTasks(ref.arn, "last", s)),
  );
}

/** Whether the instance's record says its agent holds a channel (to this server or another). */
export function isAgentConnected(deps: Deps, ref: InstanceRef): boolean {
  return deps.cache.get<ContainerInstanceRecord>(keys.instance(ref.scope, ref.clusterName, ref.id))?.agentConnected === true;
}

export async function setAgentConnected(deps: Deps, ref: InstanceRef, connected: boolean): Promise<void> {
  const key = keys.instance(ref.scope, ref.clusterName, ref.id);
  await commit(deps, () => {
    const current = deps.cache.get<ContainerInstanceRecord>(key);
    if (!current || current.agentConnected === connected) return { guards: [], ops: [], result: undefined };
    const next = { ...current, agentConnected: connected, version: (current.version ?? 0) + 1 };
    return { guards: [guardOf(deps, key)], ops: [put(key, next)], result: undefined };
  });
}

/** DiscoverPollEndpoint: where the agent opens its channel (ECS answers with its ACS endpoint). */
export function discoverPollEndpoint(deps: Deps, scope: Scope, baseUrl: string, input: { cluster?: string; containerInstance?: string }) {
  activeCluster(deps, scope, input.cluster);
  if (input.containerInstance !== undefined && input.containerInstance.length === 0) {
    throw invalidParameter("Invalid parameter 'containerInstance': it must not be empty.");
  }
  const endpoint = `${baseUrl}${AGENT_CHANNEL_PATH}`;
  return { endpoint, telemetryEndpoint: endpoint, serviceConnectEndpoint: endpoint };
}

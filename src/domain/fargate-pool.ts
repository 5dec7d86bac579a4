// FARGATE and FARGATE_SPOT as capacity berth manages itself: a hidden pool of berth's own agents
// per account and region. Pool agents register into a reserved cluster whose name the API cannot
// create (a dot is outside NAME_PATTERN), which ListClusters and DescribeClusters do not show.
// A Fargate task is stored in its own cluster and points at a pool instance, so the agent
// channel delivers it as it delivers any task; the public view hides that instance.
import type { TaskOverride } from "@aws-sdk/client-ecs";
import { arns, clientError, EcsError, invalidParameter, type Scope } from "../model/index.js";
import { fargateSizeProblem } from "../placement/index.js";
import { commit, guardOf, put, type Deps } from "./deps.js";
import { keys } from "./keys.js";
import type { ClusterRecord, ContainerInstanceRecord, Stored, TaskDefinitionRecord } from "./records.js";

/** The reserved cluster of pool agents (`berth agent --cluster berth.fargate` adds one). */
export const FARGATE_POOL_CLUSTER = "berth.fargate";

/** The one platform the pool offers; LATEST resolves to it, as on Linux Fargate today. */
export const FARGATE_PLATFORM_VERSION = "1.4.0";
export const FARGATE_PLATFORM_FAMILY = "Linux";
const ACCEPTED_PLATFORM_VERSIONS = ["LATEST", FARGATE_PLATFORM_VERSION];

/** What pool agents run awsvpc tasks as until per-task network namespaces exist. */
export const POOL_NETWORK_MODE = "bridge";

/** ECS's RunTask failure when Fargate has no room (it carries no ARN). */
export const FARGATE_CAPACITY_UNAVAILABLE =
  "Capacity is unavailable at this time. Please try again later or in a different availability zone";

export function isPoolCluster(name: string): boolean {
  return name === FARGATE_POOL_CLUSTER;
}

/** The pool's instances in a scope that can take work (placement filters the rest). */
export function poolInstances(deps: Deps, scope: Scope): ContainerInstanceRecord[] {
  return deps.cache.list<ContainerInstanceRecord>(keys.instances(scope, FARGATE_POOL_CLUSTER)).filter((i) => i.status !== "INACTIVE");
}

/** Creates the pool cluster of a scope when its first agent registers. */
export async function ensurePoolCluster(deps: Deps, scope: Scope): Promise<void> {
  const key = keys.cluster(scope, FARGATE_POOL_CLUSTER);
  await commit(deps, () => {
    if (deps.cache.get<ClusterRecord>(key)?.status === "ACTIVE") return { guards: [], ops: [], result: undefined };
    const rec: ClusterRecord = {
      clusterArn: arns.cluster(scope, FARGATE_POOL_CLUSTER),
      clusterName: FARGATE_POOL_CLUSTER,
      status: "ACTIVE",
      createdAt: deps.clock.now(),
      settings: [],
      tags: [],
      capacityProviders: [],
      defaultCapacityProviderStrategy: [],
    };
    return { guards: [guardOf(deps, key)], ops: [put(key, rec)], result: undefined };
  });
}

/**
 * A Fargate launch's checks on the definition (compatibilities include FARGATE only for awsvpc
 * with a valid cpu/memory pair, task-definition-rules.ts) and on RunTask's cpu/memory overrides.
 */
export function checkFargateTask(td: TaskDefinitionRecord, overrides?: Stored<TaskOverride>): void {
  if (!(td.compatibilities ?? []).includes("FARGATE")) {
    throw invalidParameter("Task definition does not support launch_type FARGATE.");
  }
  const cpu = Number(overrides?.cpu ?? td.cpu);
  const memory = Number(overrides?.memory ?? td.memory);
  const problem = fargateSizeProblem(cpu, memory);
  if (problem) throw clientError(`No Fargate configuration exists for given values. ${problem}.`);
}

/** Resolves platformVersion for a launch; undefined for launches that are not Fargate. */
export function platformOf(fargate: boolean, platformVersion: string | undefined): { version: string; family: string } | undefined {
  if (!fargate) {
    if (platformVersion !== undefined) throw invalidParameter("The platform version must be null when specifying an EC2 launch type.");
    return undefined;
  }
  if (platformVersion !== undefined && !ACCEPTED_PLATFORM_VERSIONS.includes(platformVersion)) {
    throw new EcsError(
      "PlatformUnknownException",
      `The specified platform version does not exist: '${platformVersion}'; berth's Fargate pool offers ${ACCEPTED_PLATFORM_VERSIONS.join(" and ")}.`,
    );
  }
  return { version: FARGATE_PLATFORM_VERSION, family: FARGATE_PLATFORM_FAMILY };
}

/** The attributes a pool task carries, saying how its network really is (docs/design.md). */
export function poolTaskAttributes(): { name: string; value: string }[] {
  return [{ name: "berth.fargate.network-mode", value: POOL_NETWORK_MODE }];
}

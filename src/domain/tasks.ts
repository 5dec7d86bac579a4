// StopTask, DescribeTasks, ListTasks: reading and stopping tasks (ecs-behavior.md §1.5, §2).
import { arns, invalidParameter, type Scope } from "../model/index.js";
import { commit, guardOf, put, type Deps } from "./deps.js";
import { findInstance } from "./container-instances.js";
import { keys } from "./keys.js";
import { paginate, type PageRequest } from "./pagination.js";
import { activeCluster, idOf } from "./resolve.js";
import { taskView, type TaskRecord } from "./task-records.js";

export function findTask(deps: Deps, scope: Scope, clusterName: string, ref: string): TaskRecord | undefined {
  if (ref.startsWith("arn:")) {
    const parts = ref.split("/");
    if (parts.length >= 3 && parts[parts.length - 2] !== clusterName) return undefined;
  }
  return deps.cache.get<TaskRecord>(keys.task(scope, clusterName, idOf(ref)));
}

const notFound = () => invalidParameter("The referenced task was not found.");

/** Sets desiredStatus STOPPED with a stop code and reason; the agent does the stopping. */
export async function requestStop(
  deps: Deps,
  scope: Scope,
  task: TaskRecord,
  stopCode: string,
  reason: string,
): Promise<TaskRecord> {
  const key = keys.task(scope, task.clusterName, task.id);
  return commit(deps, () => {
    const current = deps.cache.get<TaskRecord>(key);
    if (!current) throw notFound();
    if (current.desiredStatus === "STOPPED") return { guards: [], ops: [], result: current };
    const next: TaskRecord = {
      ...current,
      desiredStatus: "STOPPED",
      stopCode,
      stoppedReason: reason.slice(0, 1024),
      stoppingAt: deps.clock.now(),
      version: current.version + 1,
    };
    return { guards: [guardOf(deps, key)], ops: [put(key, next)], result: next };
  });
}

export async function stopTask(deps: Deps, scope: Scope, input: { cluster?: string; task: string; reason?: string }) {
  const cluster = activeCluster(deps, scope, input.cluster);
  const task = findTask(deps, scope, cluster.clusterName, input.task);
  if (!task) throw notFound();
  const stopped = await requestStop(deps, scope, task, "UserInitiated", input.reason ?? "Task stopped by user");
  return { task: taskView(stopped, ["TAGS"]) };
}

/** One task of an ACTIVE cluster by id or ARN, or ECS's "not found" (InvalidParameterException). */
export function getTask(deps: Deps, scope: Scope, input: { cluster?: string; task: string }): TaskRecord {
  const cluster = activeCluster(deps, scope, input.cluster);
  const task = findTask(deps, scope, cluster.clusterName, input.task);
  if (!task) throw notFound();
  return task;
}

export function describeTasks(deps: Deps, scope: Scope, input: { cluster?: string; tasks: string[]; include?: string[] }) {
  const cluster = activeCluster(deps, scope, input.cluster);
  if (input.tasks.length === 0 || input.tasks.length > 100) {
    throw invalidParameter(`Invalid parameter 'tasks': give 1 to 100 tasks, found ${input.tasks.length}.`);
  }
  const tasks: Record<string, unknown>[] = [];
  const failures: { arn: string; reason: string }[] = [];
  for (const ref of input.tasks) {
    const t = findTask(deps, scope, cluster.clusterName, ref);
    if (t) tasks.push(taskView(t, input.include ?? []));
    else failures.push({ arn: ref.startsWith("arn:") ? ref : arns.task(scope, cluster.clusterName, ref), reason: "MISSING" });
  }
  return { tasks, failures };
}

export function listTasks(
  deps: Deps,
  scope: Scope,
  input: PageRequest & {
    cluster?: string;
    containerInstance?: string;
    family?: string;
    startedBy?: string;
    serviceName?: string;
    desiredStatus?: string;
    launchType?: string;
  },
) {
  const cluster = activeCluster(deps, scope, input.cluster);
  const desired = input.desiredStatus ?? "RUNNING";
  let instanceArn: string | undefined;
  if (input.containerInstance !== undefined) {
    const inst = findInstance(deps, scope, cluster.clusterName, input.containerInstance);
    if (!inst) throw invalidParameter(`Invalid parameter 'containerInstance': ${input.containerInstance} is not in cluster ${cluster.clusterName}.`);
    instanceArn = inst.containerInstanceArn;
  }
  const family = (t: TaskRecord) => t.assignment.family;
  const tasks = deps.cache
    .list<TaskRecord>(keys.tasks(scope, cluster.clusterName))
    .filter((t) => t.desiredStatus === desired)
    .filter((t) => instanceArn === undefined || t.containerInstanceArn === instanceArn)
    .filter((t) => input.family === undefined || family(t) === input.family)
    .filter((t) => input.startedBy === undefined || t.startedBy === input.startedBy)
    .filter((t) => input.serviceName === undefined || t.serviceName === input.serviceName)
    .filter((t) => input.launchType === undefined || t.launchType === input.launchType);
  const page = paginate(tasks, (t) => t.id, input, { default: 100, max: 100 });
  return { taskArns: page.items.map((t) => t.taskArn), nextToken: page.nextToken };
}

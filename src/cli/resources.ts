// Reading ECS objects through the SDK: whole lists (every page, described in the batch sizes
// ECS allows) and single objects by name, with "not found" as a CliError that says what to run.
import {
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  paginateListClusters,
  paginateListContainerInstances,
  paginateListServices,
  paginateListTaskDefinitions,
  paginateListTasks,
  type Cluster,
  type ContainerInstance,
  type DesiredStatus,
  type ECSClient,
  type Service,
  type Tag,
  type Task,
  type TaskDefinition,
} from "@aws-sdk/client-ecs";
import { CliError } from "./errors.js";

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Runs `fn` over items with at most `limit` in flight, keeping the order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export async function listClusters(ecs: ECSClient): Promise<Cluster[]> {
  const arns: string[] = [];
  for await (const page of paginateListClusters({ client: ecs }, {})) arns.push(...(page.clusterArns ?? []));
  const out: Cluster[] = [];
  for (const batch of chunks(arns, 100)) {
    out.push(...((await ecs.send(new DescribeClustersCommand({ clusters: batch, include: ["STATISTICS", "TAGS"] }))).clusters ?? []));
  }
  return out.sort((a, b) => (a.clusterName ?? "").localeCompare(b.clusterName ?? ""));
}

export async function listServices(ecs: ECSClient, cluster: string): Promise<Service[]> {
  const arns: string[] = [];
  for await (const page of paginateListServices({ client: ecs }, { cluster })) arns.push(...(page.serviceArns ?? []));
  const batches = await mapLimit(chunks(arns, 10), 4, async (batch) => (await ecs.send(new DescribeServicesCommand({ cluster, services: batch }))).services ?? []);
  return batches.flat().sort((a, b) => (a.serviceName ?? "").localeCompare(b.serviceName ?? ""));
}

export async function getService(ecs: ECSClient, cluster: string, name: string): Promise<Service> {
  const res = await ecs.send(new DescribeServicesCommand({ cluster, services: [name], include: ["TAGS"] }));
  const svc = res.services?.[0];
  if (!svc) {
    throw new CliError(`service '${name}' not found in cluster '${cluster}'; list services with 'berth get services --cluster ${cluster}'`);
  }
  return svc;
}

export interface TaskQuery {
  serviceName?: string;
  containerInstance?: string;
  family?: string;
  /** RUNNING (ECS's default), STOPPED, or both. */
  desired?: DesiredStatus | "ANY";
}

export async function listTasks(ecs: ECSClient, cluster: string, q: TaskQuery = {}): Promise<Task[]> {
  const statuses: DesiredStatus[] = q.desired === "ANY" ? ["RUNNING", "STOPPED"] : [q.desired ?? "RUNNING"];
  const arns: string[] = [];
  for (const desiredStatus of statuses) {
    const input = {
      cluster,
      desiredStatus,
      ...(q.serviceName ? { serviceName: q.serviceName } : {}),
      ...(q.containerInstance ? { containerInstance: q.containerInstance } : {}),
      ...(q.family ? { family: q.family } : {}),
    };
    for await (const page of paginateListTasks({ client: ecs }, input)) arns.push(...(page.taskArns ?? []));
  }
  return describeTasks(ecs, cluster, [...new Set(arns)]);
}

export async function describeTasks(ecs: ECSClient, cluster: string, arns: readonly string[]): Promise<Task[]> {
  const batches = await mapLimit(chunks(arns, 100), 4, async (batch) => (await ecs.send(new DescribeTasksCommand({ cluster, tasks: batch, include: ["TAGS"] }))).tasks ?? []);
  return batches.flat();
}

/** A task by ARN, id, or a unique prefix of its id (as docker takes container ids). */
export async function getTask(ecs: ECSClient, cluster: string, id: string): Promise<Task> {
  const direct = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [id], include: ["TAGS"] }));
  if (direct.tasks?.[0]) return direct.tasks[0];
  if (/^[0-9a-f]{1,31}$/.test(id)) {
    const all = await listTasks(ecs, cluster, { desired: "ANY" });
    const matches = all.filter((t) => (t.taskArn ?? "").split("/").pop()!.startsWith(id));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) throw new CliError(`task id prefix '${id}' matches ${matches.length} tasks in cluster '${cluster}'; give more of the id`);
  }
  throw new CliError(`task '${id}' not found in cluster '${cluster}' (stopped tasks are kept for an hour); list tasks with 'berth get tasks --all'`);
}

export async function listInstances(ecs: ECSClient, cluster: string): Promise<ContainerInstance[]> {
  const arns: string[] = [];
  for await (const page of paginateListContainerInstances({ client: ecs }, { cluster })) arns.push(...(page.containerInstanceArns ?? []));
  const batches = await mapLimit(chunks(arns, 100), 4, async (batch) =>
    (await ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: batch, include: ["TAGS"] }))).containerInstances ?? [],
  );
  return batches.flat();
}

export async function getInstance(ecs: ECSClient, cluster: string, id: string): Promise<ContainerInstance> {
  const res = await ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: [id], include: ["TAGS"] }));
  const ci = res.containerInstances?.[0];
  if (!ci) throw new CliError(`container instance '${id}' not found in cluster '${cluster}'; list them with 'berth get instances'`);
  return ci;
}

export interface DescribedTaskDefinition {
  taskDefinition: TaskDefinition;
  tags: Tag[];
}

/** A task definition by family (latest ACTIVE revision), family:revision or ARN. */
export async function getTaskDefinition(ecs: ECSClient, name: string): Promise<DescribedTaskDefinition> {
  try {
    const res = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: name, include: ["TAGS"] }));
    return { taskDefinition: res.taskDefinition!, tags: res.tags ?? [] };
  } catch (err) {
    if ((err as { name?: string }).name === "ClientException") {
      throw new CliError(`task definition '${name}' not found; list them with 'berth get taskdefs'`);
    }
    throw err;
  }
}

/** Like getTaskDefinition, but undefined when there is none. */
export async function findTaskDefinition(ecs: ECSClient, name: string): Promise<DescribedTaskDefinition | undefined> {
  try {
    return await getTaskDefinition(ecs, name);
  } catch (err) {
    if (err instanceof CliError) return undefined;
    throw err;
  }
}

/** ARNs of a family's revisions (exactly that family), newest first. */
export async function familyRevisions(ecs: ECSClient, family: string, status: "ACTIVE" | "INACTIVE" = "ACTIVE"): Promise<string[]> {
  const arns: string[] = [];
  for await (const page of paginateListTaskDefinitions({ client: ecs }, { familyPrefix: family, status, sort: "DESC" })) {
    arns.push(...(page.taskDefinitionArns ?? []));
  }
  return arns.filter((a) => a.slice(a.lastIndexOf("/") + 1, a.lastIndexOf(":")) === family);
}

export async function listTaskDefinitions(ecs: ECSClient, familyPrefix?: string): Promise<TaskDefinition[]> {
  const arns: string[] = [];
  for await (const page of paginateListTaskDefinitions({ client: ecs }, { status: "ACTIVE", ...(familyPrefix ? { familyPrefix } : {}) })) {
    arns.push(...(page.taskDefinitionArns ?? []));
  }
  return mapLimit(arns, 8, async (arn) => (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }))).taskDefinition!);
}

// What `berth get` lists: for each kind, its names, how to fetch it, and its table. The columns
// answer the seed's first questions at a glance: where is the desired state (DESIRED, TASK
// DEFINITION), and where is the state visible (RUNNING, PENDING, ROLLOUT, STATUS).
import type { Cluster, ContainerInstance, Deployment, Service, Task, TaskDefinition } from "@aws-sdk/client-ecs";
import type { CliContext } from "./context.js";
import { usageError } from "./errors.js";
import { age, lastSegment, num, shortId, taskDefName, taskSize } from "./format.js";
import { getService, listClusters, listInstances, listServices, listTaskDefinitions, listTasks } from "./resources.js";
import { annotateWaiting, waitingOf } from "./service-waiting.js";
import type { Style } from "./style.js";
import type { Column } from "./table.js";

export interface GetQuery {
  name?: string;
  service?: string;
  all?: boolean;
}

export interface Kind<T> {
  /** The plural the table is titled by, and the key of -o json's object. */
  name: string;
  aliases: readonly string[];
  /** Prefix of -o name lines: service/web. */
  singular: string;
  jsonKey: string;
  key(item: T): string;
  columns(now: number, s: Style): Column<T>[];
  fetch(ctx: CliContext, q: GetQuery): Promise<T[]>;
  /** Reads what only the table shows (not -o json/yaml/name), before it is drawn. */
  annotate?(ctx: CliContext, items: T[]): Promise<void>;
}

export interface DeploymentRow {
  serviceName: string;
  deployment: Deployment;
}

const resource = (r: { name?: string; integerValue?: number }[] | undefined, name: string) => r?.find((x) => x.name === name)?.integerValue;

/** Exit codes of a task's essential containers, e.g. "app=1". */
export function exitCodes(t: Task): string {
  return (t.containers ?? [])
    .filter((c) => c.exitCode !== undefined && c.exitCode !== null)
    .map((c) => ((t.containers?.length ?? 0) > 1 ? `${c.name}=${c.exitCode}` : String(c.exitCode)))
    .join(",");
}

const byName = <T>(items: T[], q: GetQuery, name: (t: T) => string | undefined): T[] => (q.name ? items.filter((i) => name(i) === q.name) : items);

const clusters: Kind<Cluster> = {
  name: "clusters",
  aliases: ["cluster", "clusters"],
  singular: "cluster",
  jsonKey: "clusters",
  key: (c) => c.clusterArn ?? "",
  columns: (_now, s) => [
    { header: "NAME", value: (c) => c.clusterName ?? "" },
    { header: "STATUS", value: (c) => s.status(c.status ?? "") },
    { header: "INSTANCES", value: (c) => num(c.registeredContainerInstancesCount), align: "right" },
    { header: "SERVICES", value: (c) => num(c.activeServicesCount), align: "right" },
    { header: "RUNNING", value: (c) => num(c.runningTasksCount), align: "right" },
    { header: "PENDING", value: (c) => num(c.pendingTasksCount), align: "right" },
    { header: "CAPACITY PROVIDERS", value: (c) => (c.capacityProviders ?? []).join(","), wide: true },
    { header: "ARN", value: (c) => c.clusterArn ?? "", wide: true },
  ],
  fetch: async (ctx, q) => byName(await listClusters(ctx.ecs), q, (c) => c.clusterName),
};

const primary = (svc: Service) => svc.deployments?.find((d) => d.status === "PRIMARY");

const services: Kind<Service> = {
  name: "services",
  aliases: ["service", "services", "svc"],
  singular: "service",
  jsonKey: "services",
  key: (svc) => svc.serviceArn ?? "",
  columns: (now, s) => [
    { header: "NAME", value: (svc) => svc.serviceName ?? "" },
    { header: "STATUS", value: (svc) => s.status(svc.status ?? "") },
    { header: "DESIRED", value: (svc) => num(svc.desiredCount), align: "right" },
    { header: "RUNNING", value: (svc) => num(svc.runningCount), align: "right" },
    { header: "PENDING", value: (svc) => num(svc.pendingCount), align: "right" },
    { header: "TASK DEFINITION", value: (svc) => taskDefName(svc.taskDefinition) },
    { header: "ROLLOUT", value: (svc) => s.status(primary(svc)?.rolloutState ?? "") },
    { header: "DEPLOYMENTS", value: (svc) => num(svc.deployments?.length), align: "right", wide: true },
    { header: "TYPE", value: (svc) => svc.schedulingStrategy ?? "", wide: true },
    { header: "LAUNCH TYPE", value: (svc) => svc.launchType ?? (svc.capacityProviderStrategy?.map((c) => c.capacityProvider).join(",") || ""), wide: true },
    { header: "AGE", value: (svc) => age(svc.createdAt, now) },
    { header: "ARN", value: (svc) => svc.serviceArn ?? "", wide: true },
    { header: "WAITING", value: waitingOf, fit: true },
  ],
  fetch: async (ctx, q) => (q.name ? [await getService(ctx.ecs, ctx.cluster, q.name)] : listServices(ctx.ecs, ctx.cluster)),
  annotate: annotateWaiting,
};

const tasks: Kind<Task> = {
  name: "tasks",
  aliases: ["task", "tasks"],
  singular: "task",
  jsonKey: "tasks",
  key: (t) => t.taskArn ?? "",
  columns: (now, s) => [
    { header: "ID", value: (t) => shortId(t.taskArn) },
    { header: "TASK DEFINITION", value: (t) => taskDefName(t.taskDefinitionArn) },
    { header: "STATUS", value: (t) => s.status(t.lastStatus ?? "") },
    { header: "DESIRED", value: (t) => t.desiredStatus ?? "" },
    { header: "HEALTH", value: (t) => s.status(t.healthStatus ?? "") },
    { header: "GROUP", value: (t) => t.group ?? "" },
    { header: "EXIT", value: exitCodes },
    { header: "AGE", value: (t) => age(t.createdAt, now) },
    { header: "INSTANCE", value: (t) => shortId(t.containerInstanceArn), wide: true },
    { header: "STARTED BY", value: (t) => t.startedBy ?? "", wide: true },
    { header: "STOP CODE", value: (t) => t.stopCode ?? "", wide: true },
    { header: "STOPPED REASON", value: (t) => t.stoppedReason ?? "", wide: true },
  ],
  fetch: async (ctx, q) => {
    // A task named is found in any state: one being stopped (desired STOPPED, still running)
    // or stopped is the one people ask about most.
    const desired = q.all || q.name ? "ANY" : "RUNNING";
    const found = await listTasks(ctx.ecs, ctx.cluster, { desired, ...(q.service ? { serviceName: q.service } : {}) });
    const filtered = q.name ? found.filter((t) => shortId(t.taskArn).startsWith(q.name!) || t.taskArn === q.name) : found;
    // Running first, then the most recently created.
    return filtered.sort(
      (a, b) => Number(a.desiredStatus === "STOPPED") - Number(b.desiredStatus === "STOPPED") || (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0),
    );
  },
};

const instances: Kind<ContainerInstance> = {
  name: "instances",
  aliases: ["instance", "instances", "containerinstance", "containerinstances", "ci", "nodes"],
  singular: "instance",
  jsonKey: "containerInstances",
  key: (ci) => ci.containerInstanceArn ?? "",
  columns: (now, s) => [
    { header: "ID", value: (ci) => shortId(ci.containerInstanceArn) },
    { header: "STATUS", value: (ci) => s.status(ci.status ?? "") },
    { header: "AGENT", value: (ci) => s.status(ci.agentConnected ? "connected" : "disconnected") },
    { header: "RUNNING", value: (ci) => num(ci.runningTasksCount), align: "right" },
    { header: "PENDING", value: (ci) => num(ci.pendingTasksCount), align: "right" },
    { header: "CPU FREE", value: (ci) => `${num(resource(ci.remainingResources, "CPU"))}/${num(resource(ci.registeredResources, "CPU"))}` },
    { header: "MEMORY FREE", value: (ci) => `${num(resource(ci.remainingResources, "MEMORY"))}/${num(resource(ci.registeredResources, "MEMORY"))}` },
    { header: "AGE", value: (ci) => age(ci.registeredAt, now) },
    { header: "INSTANCE TYPE", value: (ci) => ci.attributes?.find((a) => a.name === "ecs.instance-type")?.value ?? "", wide: true },
    { header: "ZONE", value: (ci) => ci.attributes?.find((a) => a.name === "ecs.availability-zone")?.value ?? "", wide: true },
    { header: "AGENT VERSION", value: (ci) => ci.versionInfo?.agentVersion ?? "", wide: true },
  ],
  fetch: async (ctx, q) => byName(await listInstances(ctx.ecs, ctx.cluster), q, (ci) => shortId(ci.containerInstanceArn)),
};

const taskdefs: Kind<TaskDefinition> = {
  name: "taskdefs",
  aliases: ["taskdef", "taskdefs", "td", "taskdefinition", "taskdefinitions", "task-definition", "task-definitions"],
  singular: "taskdef",
  jsonKey: "taskDefinitions",
  key: (td) => td.taskDefinitionArn ?? "",
  columns: (now, s) => [
    { header: "NAME", value: (td) => `${td.family}:${td.revision}` },
    { header: "STATUS", value: (td) => s.status(td.status ?? "") },
    { header: "CONTAINERS", value: (td) => (td.containerDefinitions ?? []).map((c) => c.name).join(",") },
    { header: "IMAGES", value: (td) => [...new Set((td.containerDefinitions ?? []).map((c) => c.image))].join(",") },
    { header: "CPU", value: (td) => taskSize(td, "cpu"), align: "right" },
    { header: "MEMORY", value: (td) => taskSize(td, "memory"), align: "right" },
    { header: "NETWORK", value: (td) => td.networkMode ?? "bridge" },
    { header: "AGE", value: (td) => age(td.registeredAt, now) },
    { header: "TASK ROLE", value: (td) => lastSegment(td.taskRoleArn), wide: true },
    { header: "ARN", value: (td) => td.taskDefinitionArn ?? "", wide: true },
  ],
  fetch: async (ctx, q) => {
    // `get taskdefs web` lists the family; `get taskdefs web:2` that one revision.
    const family = q.name?.split(":")[0];
    const found = await listTaskDefinitions(ctx.ecs, family);
    return found
      .filter((td) => !q.name || (q.name.includes(":") ? `${td.family}:${td.revision}` === q.name : td.family === family))
      .sort((a, b) => (a.family ?? "").localeCompare(b.family ?? "") || (a.revision ?? 0) - (b.revision ?? 0));
  },
};

const deployments: Kind<DeploymentRow> = {
  name: "deployments",
  aliases: ["deployment", "deployments", "deploy"],
  singular: "deployment",
  jsonKey: "deployments",
  key: (r) => `${r.serviceName}/${r.deployment.id}`,
  columns: (now, s) => [
    { header: "SERVICE", value: (r) => r.serviceName },
    { header: "ID", value: (r) => r.deployment.id ?? "" },
    { header: "STATUS", value: (r) => s.status(r.deployment.status ?? "") },
    { header: "ROLLOUT", value: (r) => s.status(r.deployment.rolloutState ?? "") },
    { header: "TASK DEFINITION", value: (r) => taskDefName(r.deployment.taskDefinition) },
    { header: "DESIRED", value: (r) => num(r.deployment.desiredCount), align: "right" },
    { header: "RUNNING", value: (r) => num(r.deployment.runningCount), align: "right" },
    { header: "PENDING", value: (r) => num(r.deployment.pendingCount), align: "right" },
    { header: "FAILED", value: (r) => num(r.deployment.failedTasks), align: "right" },
    { header: "AGE", value: (r) => age(r.deployment.createdAt, now) },
    { header: "REASON", value: (r) => r.deployment.rolloutStateReason ?? "", wide: true },
  ],
  fetch: async (ctx, q) => {
    const svcName = q.service ?? q.name;
    const found = svcName ? [await getService(ctx.ecs, ctx.cluster, svcName)] : await listServices(ctx.ecs, ctx.cluster);
    return found.flatMap((svc) => (svc.deployments ?? []).map((deployment) => ({ serviceName: svc.serviceName ?? "", deployment })));
  },
};

export const KINDS: readonly Kind<never>[] = [clusters, services, tasks, instances, taskdefs, deployments] as unknown as Kind<never>[];

/** Kubernetes words people type out of habit, and their ECS counterpart. */
const K8S_WORDS: Record<string, string> = {
  pod: "a pod is an ECS task: berth get tasks",
  pods: "a pod is an ECS task: berth get tasks",
  po: "a pod is an ECS task: berth get tasks",
  replicasets: "a ReplicaSet is a service's deployment: berth get deployments",
  rs: "a ReplicaSet is a service's deployment: berth get deployments",
  namespaces: "ECS has no namespaces; clusters are the nearest: berth get clusters",
  ns: "ECS has no namespaces; clusters are the nearest: berth get clusters",
  events: "service events have their own command: berth events",
};

export function kindNamed(word: string): Kind<unknown> {
  const w = word.toLowerCase();
  const kind = KINDS.find((k) => k.aliases.includes(w));
  if (!kind) {
    const k8s = K8S_WORDS[w];
    throw usageError(`unknown resource type '${word}'; ${k8s ? `${k8s}; ` : ""}berth get knows ${KINDS.map((k) => k.name).join(", ")}`);
  }
  return kind as unknown as Kind<unknown>;
}

/** The -o name line of an item: service/web, task/<id>, taskdef/web:3. */
export function nameLine(kind: Kind<unknown>, item: unknown): string {
  const i = item as Record<string, unknown>;
  switch (kind.name) {
    case "clusters":
      return `cluster/${String(i.clusterName)}`;
    case "services":
      return `service/${String(i.serviceName)}`;
    case "tasks":
      return `task/${shortId(i.taskArn as string)}`;
    case "instances":
      return `instance/${shortId(i.containerInstanceArn as string)}`;
    case "taskdefs":
      return `taskdef/${String(i.family)}:${String(i.revision)}`;
    default: {
      const r = item as DeploymentRow;
      return `deployment/${r.deployment.id}`;
    }
  }
}

// `berth apply` is all or nothing: before it writes anything it checks every document as the API
// would (Berth_20261128.ValidateRequest: the input shape and the rules that need no state), then
// reads what the documents refer to — each service's cluster, its task definition (registered,
// or registered by this same apply), a service still being deleted, awsvpc without a network
// configuration. Every problem found is listed, and nothing is written. A cluster or service
// changed by someone else between the check and the writes can still fail a write; the check
// takes away the failures the files themselves carry.
import { DescribeClustersCommand, DescribeServicesCommand, DescribeTaskDefinitionCommand, type Service, type TaskDefinition } from "@aws-sdk/client-ecs";
import type { EcsDocuments } from "./apply-documents.js";
import type { CliContext } from "./context.js";
import { JsonCallError } from "../client/index.js";
import { mapLimit } from "./resources.js";

/** What `serviceProblems` needs to know about the cluster, read before it is called. */
export interface Observed {
  /** Clusters that are ACTIVE (or created by this apply). */
  clusters: ReadonlySet<string>;
  /** Services as they are now, by `cluster/name`. */
  services: ReadonlyMap<string, Service>;
  /** Registered task definitions by the reference a document gives; undefined when not found. */
  taskDefinitions: ReadonlyMap<string, TaskDefinition | undefined>;
}

const serviceKey = (cluster: string, name: string) => `${cluster}/${name}`;
const isFamilyOnly = (ref: string) => !ref.startsWith("arn:") && !ref.includes(":");
const familyOf = (ref: string) => (ref.startsWith("arn:") ? ref.slice(ref.lastIndexOf("/") + 1) : ref).split(":")[0]!;

/** The cluster each service goes to: its own, else --cluster. */
export const clusterOf = (svc: { cluster?: string }, fallback: string) => svc.cluster ?? fallback;

/**
 * The problems of the services, decided from what was read: pure, so each rule is table-tested.
 * A service names a cluster that exists, a task definition that is registered and ACTIVE (or a
 * family this apply registers), and, for awsvpc, a network configuration.
 */
export function serviceProblems(docs: EcsDocuments, defaultCluster: string, seen: Observed): string[] {
  const problems: string[] = [];
  const applied = new Map(docs.taskDefinitions.map((td) => [td.family!, td]));
  for (const svc of docs.services) {
    const subject = `service/${svc.serviceName}`;
    const cluster = clusterOf(svc, defaultCluster);
    if (!seen.clusters.has(cluster)) {
      problems.push(`${subject}: cluster '${cluster}' not found; create it first ('berth apply' of a {"clusterName": "${cluster}"} document does), or pass --cluster`);
      continue;
    }
    const current = seen.services.get(serviceKey(cluster, svc.serviceName!));
    const live = current && current.status !== "INACTIVE" ? current : undefined;
    if (live?.status === "DRAINING") {
      problems.push(`${subject}: the service is being deleted (DRAINING) in cluster '${cluster}'; apply again once it is INACTIVE`);
      continue;
    }
    const ref = svc.taskDefinition;
    if (!ref) {
      if (!live) problems.push(`${subject}: names no taskDefinition`);
      continue;
    }
    const registered = seen.taskDefinitions.get(ref);
    const inApply = isFamilyOnly(ref) ? applied.get(ref) : undefined;
    if (!inApply && !registered) {
      const hint = applied.has(familyOf(ref)) ? `; name the family alone ('${familyOf(ref)}') to use the revision this apply registers` : "; list them with 'berth get taskdefs'";
      problems.push(`${subject}: task definition '${ref}' is not registered${hint}`);
      continue;
    }
    // A revision deregistered since the service took it stays the service's (ECS); a new
    // reference to it is refused.
    if (!inApply && registered?.status !== "ACTIVE" && live?.taskDefinition !== registered?.taskDefinitionArn) {
      problems.push(`${subject}: task definition '${ref}' is ${registered?.status} (deregistered); name an ACTIVE revision`);
      continue;
    }
    const networkMode = inApply ? inApply.networkMode : registered?.networkMode;
    if (networkMode === "awsvpc" && !svc.networkConfiguration && !live?.networkConfiguration) {
      problems.push(
        `${subject}: Network Configuration must be provided when networkMode 'awsvpc' is specified; ` +
          "berth's agent cannot run awsvpc tasks yet, so use networkMode bridge or host (apply of a Kubernetes manifest does)",
      );
    }
  }
  return problems;
}

/** Reads what the documents refer to: clusters, services, task definitions. */
async function observe(ctx: CliContext, docs: EcsDocuments): Promise<Observed> {
  const created = new Set(docs.clusters.map((c) => c.clusterName!));
  const wanted = [...new Set(docs.services.map((s) => clusterOf(s, ctx.cluster)))].filter((c) => !created.has(c));
  const clusters = new Set(created);
  if (wanted.length) {
    const found = (await ctx.ecs.send(new DescribeClustersCommand({ clusters: wanted }))).clusters ?? [];
    for (const c of found) if (c.status === "ACTIVE") clusters.add(c.clusterName!);
  }
  const services = new Map<string, Service>();
  const byCluster = new Map<string, string[]>();
  for (const s of docs.services) {
    const cluster = clusterOf(s, ctx.cluster);
    if (clusters.has(cluster) && !created.has(cluster)) byCluster.set(cluster, [...(byCluster.get(cluster) ?? []), s.serviceName!]);
  }
  for (const [cluster, names] of byCluster) {
    for (let i = 0; i < names.length; i += 10) {
      const found = (await ctx.ecs.send(new DescribeServicesCommand({ cluster, services: names.slice(i, i + 10) }))).services ?? [];
      for (const s of found) services.set(serviceKey(cluster, s.serviceName!), s);
    }
  }
  const refs = [...new Set(docs.services.flatMap((s) => (s.taskDefinition ? [s.taskDefinition] : [])))];
  const described = await mapLimit(refs, 8, (ref) => describeTaskDefinition(ctx, ref));
  return { clusters, services, taskDefinitions: new Map(refs.map((r, i) => [r, described[i]])) };
}

async function describeTaskDefinition(ctx: CliContext, ref: string): Promise<TaskDefinition | undefined> {
  try {
    return (await ctx.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: ref }))).taskDefinition;
  } catch (err) {
    if ((err as { name?: string }).name === "ClientException") return undefined;
    throw err;
  }
}

/** A service document as CreateService would take it; for a service that exists, as it would be after apply's update. */
function asCreateService(input: EcsDocuments["services"][number], cluster: string, seen: Observed) {
  const live = seen.services.get(serviceKey(cluster, input.serviceName!));
  // A document may leave desiredCount out: apply manages only the fields it gives, and an
  // update keeps the count (CreateService alone needs one).
  const keep = input.desiredCount === undefined && live && live.status !== "INACTIVE" ? { desiredCount: live.desiredCount } : {};
  return { ...input, cluster, ...keep };
}

/** Each document as the API would take it, checked without writing. */
async function validationProblems(ctx: CliContext, docs: EcsDocuments, seen: Observed): Promise<string[]> {
  const requests = [
    ...docs.clusters.map((input) => ({ subject: `cluster/${input.clusterName}`, operation: "CreateCluster", input })),
    ...docs.taskDefinitions.map((input) => ({ subject: `taskdef/${input.family}`, operation: "RegisterTaskDefinition", input })),
    ...docs.services.map((input) => ({ subject: `service/${input.serviceName}`, operation: "CreateService", input: asCreateService(input, clusterOf(input, ctx.cluster), seen) })),
  ];
  const answers = await mapLimit(requests, 4, async (r) => {
    try {
      await ctx.berth("ValidateRequest", { operation: r.operation, input: r.input });
      return undefined;
    } catch (err) {
      if (err instanceof JsonCallError && err.errorType !== "UnknownOperationException") return `${r.subject}: ${err.message} (${err.errorType})`;
      throw err;
    }
  });
  return answers.filter((a): a is string => a !== undefined);
}

/** Every problem of the documents, each a line naming its object; empty when apply may write. */
export async function checkDocuments(ctx: CliContext, docs: EcsDocuments): Promise<string[]> {
  const seen = await observe(ctx, docs);
  let invalid: string[];
  try {
    invalid = await validationProblems(ctx, docs, seen);
  } catch (err) {
    // A server older than ValidateRequest: the references are still checked below.
    if (!(err instanceof JsonCallError)) throw err;
    process.stderr.write(`warning: the server cannot check documents before apply writes them (${err.errorType}); checking references only\n`);
    invalid = [];
  }
  return [...invalid, ...serviceProblems(docs, ctx.cluster, seen)];
}

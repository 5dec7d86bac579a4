// `berth apply -f FILE|DIR`: makes the cluster match the documents — clusters created, task
// definitions registered, services created or updated — and changes nothing when it already
// does. Kubernetes manifests are translated to ECS first (berth translate shows the result).
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type CreateClusterCommandInput,
  type CreateServiceCommandInput,
  type RegisterTaskDefinitionCommandInput,
} from "@aws-sdk/client-ecs";
import { Command } from "commander";
import { readFileSync } from "node:fs";
import { checkDocuments } from "./apply-check.js";
import { readDocuments, type ApplyDocument, type EcsDocuments, type Exposure } from "./apply-documents.js";
import { runnableLocally } from "./apply-network.js";
import { createClaimFileSystems, lookUpClaimFileSystems, withFileSystemIds } from "./apply-storage.js";
import { defaultSubnets } from "./default-subnets.js";
import { planServiceUpdate, taskDefinitionDigest } from "./apply-diff.js";
import { contextOf, styleOf, withGlobalFlags, type CliContext } from "./context.js";
import { CliError, usageError } from "./errors.js";
import { expose } from "./expose-command.js";
import { taskDefName } from "./format.js";
import { write } from "./output.js";
import { findTaskDefinition } from "./resources.js";
import type { Style } from "./style.js";
import { APPLIED_TAG } from "./taskdef-input.js";

interface ApplyFlags {
  filename: string[];
  recursive?: boolean;
  dryRun?: boolean;
  color?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The documents as ECS inputs, Kubernetes manifests translated (their report on stderr). */
export async function toEcsDocuments(
  docs: readonly ApplyDocument[],
  ctx: { cluster: string; region: string; defaultSubnets: () => Promise<string[]> },
  report: (line: string) => void,
): Promise<EcsDocuments> {
  const exposures: Exposure[] = [];
  const out: EcsDocuments = { clusters: [], taskDefinitions: [], services: [], exposures };
  const manifests = docs.flatMap((d) => (d.kind === "k8s" ? [d.manifest] : []));
  if (manifests.length) {
    // The translator is loaded only for Kubernetes input.
    const { toEcs } = await import("../k8s/index.js");
    const t = toEcs(manifests, { cluster: ctx.cluster, region: ctx.region });
    const unmapped = t.report.filter((e) => e.kind === "unmapped");
    const approximated = t.report.filter((e) => e.kind === "approximated").length;
    report(
      `translated ${manifests.length} Kubernetes manifests: ${t.taskDefinitions.length} task definitions, ${t.services.length} services` +
        ` (${unmapped.length} fields not translated, ${approximated} approximated; 'berth translate -f FILE' shows why)`,
    );
    for (const e of unmapped) report(`  not translated: ${e.path}: ${e.reason}`);
    for (const lb of t.loadBalancers) {
      if (lb.serviceType !== "LoadBalancer" || lb.protocol !== "tcp" || lb.targetGroupArn) {
        report(`  ${lb.source}: ${lb.serviceType} wiring noted, not applied (in ECS a task reaches another by Cloud Map name, serviceRegistries; a load balancer is made for type LoadBalancer)`);
        continue;
      }
      // Kubernetes' LoadBalancer is layer 4 (an NLB on EKS); an http appProtocol asks for layer 7.
      const http = /^(http|https|kubernetes\.io\/h2c)$/i.test(lb.appProtocol ?? "");
      exposures.push({
        source: lb.source,
        name: lb.source.replace(/^Service\//, ""),
        ecsService: lb.ecsService,
        port: lb.port,
        containerName: lb.containerName,
        containerPort: lb.containerPort,
        protocol: http ? "HTTP" : "TCP",
        ...(lb.healthCheck ? { healthCheck: lb.healthCheck } : {}),
      });
    }
    const needsSubnets = t.taskDefinitions.some((td) => td.networkMode === "awsvpc");
    const runnable = runnableLocally(t.taskDefinitions, t.services, needsSubnets ? await ctx.defaultSubnets() : []);
    for (const note of runnable.notes) report(`  ${note}`);
    out.taskDefinitions.push(...runnable.taskDefinitions);
    out.services.push(...runnable.services);
    if (t.fileSystems.length) out.fileSystems = t.fileSystems;
  }
  for (const d of docs) {
    if (d.kind === "cluster") out.clusters.push(d.input);
    else if (d.kind === "taskdef") out.taskDefinitions.push(d.input);
    else if (d.kind === "service") out.services.push(d.input);
    else if (d.kind === "fileSystem" && !out.fileSystems?.some((f) => f.creationToken === d.input.creationToken)) (out.fileSystems ??= []).push(d.input);
  }
  return out;
}

async function applyCluster(ctx: CliContext, input: CreateClusterCommandInput, dry: boolean, s: Style): Promise<void> {
  const name = input.clusterName!;
  const found = (await ctx.ecs.send(new DescribeClustersCommand({ clusters: [name] }))).clusters?.[0];
  if (found?.status === "ACTIVE") return write(`cluster/${name} unchanged`);
  if (!dry) await ctx.ecs.send(new CreateClusterCommand(input));
  write(`cluster/${name} ${s.green(dry ? "would be created" : "created")}`);
}

async function applyTaskDefinition(ctx: CliContext, input: RegisterTaskDefinitionCommandInput, dry: boolean, s: Style): Promise<void> {
  const digest = taskDefinitionDigest(input);
  const latest = await findTaskDefinition(ctx.ecs, input.family!);
  if (latest && latest.tags.some((t) => t.key === APPLIED_TAG && t.value === digest)) {
    return write(`taskdef/${input.family}:${latest.taskDefinition.revision} unchanged`);
  }
  if (dry) return write(`taskdef/${input.family} ${s.green("would register a new revision")}`);
  const tags = [...(input.tags ?? []).filter((t) => t.key !== APPLIED_TAG), { key: APPLIED_TAG, value: digest }];
  const res = await ctx.ecs.send(new RegisterTaskDefinitionCommand({ ...input, tags }));
  write(`taskdef/${taskDefName(res.taskDefinition?.taskDefinitionArn)} ${s.green("registered")}`);
}

async function applyService(ctx: CliContext, input: CreateServiceCommandInput, dry: boolean, s: Style): Promise<void> {
  const cluster = input.cluster ?? ctx.cluster;
  const name = input.serviceName!;
  const current = (await ctx.ecs.send(new DescribeServicesCommand({ cluster, services: [name] }))).services?.[0];
  if (!current || current.status === "INACTIVE") {
    if (!dry) await ctx.ecs.send(new CreateServiceCommand({ ...input, cluster }));
    return write(`service/${name} ${s.green(dry ? "would be created" : "created")}`);
  }
  if (current.status === "DRAINING") {
    throw new CliError(`service '${name}' in cluster '${cluster}' is being deleted (DRAINING); apply again once it is INACTIVE`);
  }
  let wantArn: string | undefined;
  if (input.taskDefinition) {
    if (input.taskDefinition.startsWith("arn:")) wantArn = input.taskDefinition;
    else {
      const td = await findTaskDefinition(ctx.ecs, input.taskDefinition);
      // In a dry run the family may exist only in the files: it would be registered first.
      if (!td && !dry) throw new CliError(`service '${name}' names task definition '${input.taskDefinition}', which is not registered`);
      wantArn = td?.taskDefinition.taskDefinitionArn;
    }
  }
  const plan = planServiceUpdate(input, current, cluster, wantArn);
  for (const f of plan.fixed) process.stderr.write(`warning: service/${name}: ${f} cannot change in place; delete the service and apply again\n`);
  if (!plan.update) return write(`service/${name} unchanged`);
  if (!dry) await ctx.ecs.send(new UpdateServiceCommand(plan.update));
  write(`service/${name} ${s.green(dry ? "would be configured" : "configured")} (${plan.changes.join(", ")})`);
}

export function applyCommand(): Command {
  return withGlobalFlags(
    new Command("apply")
      .description("Create or update task definitions, services and clusters from files (ECS JSON or k8s YAML).")
      .requiredOption("-f, --filename <path>", "a file, a directory of .json/.yaml/.yml files, or - for stdin (repeatable)", collect)
      .option("-R, --recursive", "read directories below the given ones too")
      .option("--dry-run", "say what would change, change nothing")
      .addHelpText(
        "after",
        `
A JSON file holds one document, a list, or {"taskDefinitions": [...], "services": [...]}:
  task definitions as 'aws ecs register-task-definition --cli-input-json' takes them,
  services as 'aws ecs create-service --cli-input-json' takes them, clusters as create-cluster.
Kubernetes manifests (Deployment, DaemonSet, Pod, Service, ConfigMap, Secret) are translated to
ECS first. Applying the same files again changes nothing. Services go to --cluster unless they
name their own.

Examples:
  berth apply -f web-taskdef.json -f web-service.json
  berth apply -f deploy/                  every .json/.yaml/.yml file in the directory
  berth apply -f k8s/web.yaml --dry-run   what a Deployment would become, without changing anything
`,
      ),
  ).action(async (flags: ApplyFlags, cmd: Command) => {
    const ctx = contextOf(cmd);
    const style = styleOf(cmd);
    const docs = readDocuments(flags.filename, !!flags.recursive, () => readFileSync(0, "utf8"));
    if (docs.length === 0) throw usageError(`-f ${flags.filename.join(", ")}: no documents in it`);
    const ecs = await toEcsDocuments(
      docs,
      // A server without EC2 (an older berth) has no default VPC: apply falls back to bridge mode.
      { cluster: ctx.cluster, region: ctx.connection.region, defaultSubnets: () => defaultSubnets(ctx).catch(() => []) },
      (l) => process.stderr.write(`${l}\n`),
    );
    const dry = !!flags.dryRun;
    // Claims' file systems: the existing ones' ids, a well-formed stand-in for the others while checking.
    const claimed = ecs.fileSystems?.length ? await lookUpClaimFileSystems(ctx, ecs.fileSystems) : undefined;
    // All or nothing: every problem of the files is found before the first write.
    const problems = await checkDocuments(ctx, claimed ? { ...ecs, taskDefinitions: withFileSystemIds(ecs.taskDefinitions, claimed.ids) } : ecs);
    if (problems.length === 1) throw new CliError(`nothing applied: ${problems[0]}`);
    if (problems.length > 1) throw new CliError(`nothing applied; ${problems.length} problems:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    for (const c of ecs.clusters) await applyCluster(ctx, c, dry, style);
    const fileSystemIds = claimed ? await createClaimFileSystems(ctx, claimed, dry) : new Map<string, string>();
    for (const td of withFileSystemIds(ecs.taskDefinitions, fileSystemIds)) await applyTaskDefinition(ctx, td, dry, style);
    for (const svc of ecs.services) await applyService(ctx, svc, dry, style);
    for (const e of ecs.exposures ?? []) await applyExposure(ctx, e, dry);
  });
}

/** A Kubernetes Service of type LoadBalancer: a load balancer for its ECS service, as `berth expose` makes it. */
async function applyExposure(ctx: CliContext, e: Exposure, dry: boolean): Promise<void> {
  if (dry) {
    write(`${e.source}: would put service/${e.ecsService} behind a ${e.protocol === "HTTP" ? "application" : "network"} load balancer on port ${e.port}`);
    return;
  }
  await expose(ctx, e.ecsService, {
    port: e.port,
    container: e.containerName,
    containerPort: e.containerPort,
    protocol: e.protocol,
    healthCheckPath: e.healthCheck?.path ?? "/",
    name: e.name,
    ...(e.healthCheck ? { healthCheck: e.healthCheck } : {}),
  });
}

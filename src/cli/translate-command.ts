// `berth translate`: Kubernetes manifests to ECS documents (JSON, ready for `berth apply`) and
// ECS documents — from files, or a live service — back to Kubernetes (YAML). The result goes to
// stdout, the report of what did not map exactly to stderr, so the result can be piped on.
import type { CreateServiceCommandInput, RegisterTaskDefinitionCommandInput } from "@aws-sdk/client-ecs";
import { Command, Option } from "commander";
import { wholeNumber } from "./args.js";
import { readFileSync } from "node:fs";
import type { ReportEntry } from "../k8s/index.js";
import { readDocuments, type ApplyDocument } from "./apply-documents.js";
import { contextOf, mergedFlags, withGlobalFlags } from "./context.js";
import { usageError } from "./errors.js";
import { taskDefName } from "./format.js";
import { formatDocument, write } from "./output.js";
import { getService, getTaskDefinition } from "./resources.js";
import { registerInputFrom } from "./taskdef-input.js";

interface TranslateFlags {
  filename?: string[];
  service?: string;
  to?: "ecs" | "k8s";
  output?: "json" | "yaml";
  namespace?: string;
  nodeCount?: number;
  cluster?: string;
  region?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The family a service's taskDefinition names: web, web:3 or an ARN → web. */
export function familyOf(ref: string | undefined): string {
  return taskDefName(ref).split(":")[0] ?? "";
}

/** Each task definition with the services that run it; task definitions without one stand alone. */
export function pairUp(docs: readonly ApplyDocument[]): { taskDefinition: RegisterTaskDefinitionCommandInput; service?: CreateServiceCommandInput }[] {
  const tds = docs.flatMap((d) => (d.kind === "taskdef" ? [d.input] : []));
  const services = docs.flatMap((d) => (d.kind === "service" ? [d.input] : []));
  const out: { taskDefinition: RegisterTaskDefinitionCommandInput; service?: CreateServiceCommandInput }[] = [];
  for (const svc of services) {
    const family = familyOf(svc.taskDefinition);
    const td = [...tds].reverse().find((t) => t.family === family);
    if (!td) throw usageError(`service ${svc.serviceName} runs task definition '${svc.taskDefinition}', which is not among the files`);
    out.push({ taskDefinition: td, service: svc });
  }
  for (const td of tds) if (!services.some((s) => familyOf(s.taskDefinition) === td.family)) out.push({ taskDefinition: td });
  return out;
}

/** The translator, loaded when a translation runs (it is most of what this command loads). */
const k8s = () => import("../k8s/index.js");

async function writeReport(report: readonly ReportEntry[]): Promise<void> {
  process.stderr.write((await k8s()).formatReport(report));
}

export function translateCommand(): Command {
  return withGlobalFlags(
    new Command("translate")
      .description("Translate Kubernetes manifests to ECS documents, or ECS documents to Kubernetes.")
      .option("-f, --filename <path>", "manifests or ECS JSON: a file, a directory, or - (repeatable)", collect)
      .option("--service <name>", "translate this live service (and its task definition) to Kubernetes")
      .addOption(new Option("--to <side>", "ecs or k8s (default: the other side of the input)").choices(["ecs", "k8s"]))
      .addOption(new Option("-o, --output <format>", "json or yaml (default: JSON for ECS, YAML for Kubernetes)").choices(["json", "yaml"]))
      .option("--namespace <ns>", "to k8s: metadata.namespace of every manifest")
      .addOption(new Option("--node-count <n>", "to ecs: instances a DaemonSet runs on (for an absolute maxUnavailable)").argParser(wholeNumber("--node-count", 1)))
      .addHelpText(
        "after",
        `
The translation goes to stdout; the report of every field that did not map exactly (and why)
goes to stderr.

Examples:
  berth translate -f k8s/web.yaml > web.ecs.json      then: berth apply -f web.ecs.json
  berth translate -f web.ecs.json --to k8s            a Deployment (and Service, ServiceAccount)
  berth translate --service web                       the running service as Kubernetes YAML
`,
      ),
  ).action(async (flags: TranslateFlags, cmd: Command) => {
    if (!flags.filename?.length && !flags.service) throw usageError("give -f FILE (manifests or ECS JSON) or --service NAME");
    const { toEcs, toK8s, toYaml } = await k8s();
    if (flags.service) {
      if (flags.to === "ecs") throw usageError("--service is already ECS; translate it --to k8s");
      const ctx = contextOf(cmd);
      const svc = await getService(ctx.ecs, ctx.cluster, flags.service);
      const { taskDefinition } = await getTaskDefinition(ctx.ecs, svc.taskDefinition!);
      const t = toK8s({ taskDefinition, service: svc }, flags.namespace ? { namespace: flags.namespace } : {});
      write(flags.output === "json" ? formatDocument("json", t.manifests) : toYaml(t.manifests));
      return writeReport(t.report);
    }
    const docs = readDocuments(flags.filename!, false, () => readFileSync(0, "utf8"));
    const manifests = docs.flatMap((d) => (d.kind === "k8s" ? [d.manifest] : []));
    const to = flags.to ?? (manifests.length > 0 ? "ecs" : "k8s");
    if (to === "ecs") {
      if (manifests.length === 0) throw usageError("--to ecs needs Kubernetes manifests; the files hold ECS documents already");
      const flagsAll = mergedFlags(cmd) as TranslateFlags;
      const t = toEcs(manifests, {
        ...(flagsAll.cluster ? { cluster: flagsAll.cluster } : {}),
        ...(flagsAll.region ? { region: flagsAll.region } : {}),
        ...(flags.nodeCount !== undefined ? { nodeCount: flags.nodeCount } : {}),
      });
      const { report, ...result } = t;
      write(formatDocument(flags.output ?? "json", result));
      return writeReport(report);
    }
    if (manifests.length > 0) throw usageError("--to k8s needs ECS documents (task definitions, services); the files hold Kubernetes manifests");
    const pairs = pairUp(docs.map((d) => (d.kind === "taskdef" ? { ...d, input: registerInputFrom(d.input) } : d)));
    if (pairs.length === 0) throw usageError("no task definitions in the files to translate");
    const all = pairs.map((p) => toK8s(p, flags.namespace ? { namespace: flags.namespace } : {}));
    const manifestsOut = all.flatMap((t) => t.manifests);
    write(flags.output === "json" ? formatDocument("json", manifestsOut) : toYaml(manifestsOut));
    writeReport(all.flatMap((t) => t.report));
  });
}

// What `berth apply -f` reads: ECS JSON (or YAML) documents — task definitions as
// `register-task-definition --cli-input-json` takes them, services as `create-service` takes
// them, clusters as `create-cluster` takes them — and Kubernetes manifests. Files, directories
// (their .json, .yaml and .yml files) or "-" for stdin.
import type { CreateClusterCommandInput, CreateServiceCommandInput, RegisterTaskDefinitionCommandInput, Tag } from "@aws-sdk/client-ecs";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { parseAllDocuments } from "yaml";
import type { TargetHealthCheck } from "../k8s/index.js";
import { usageError } from "./errors.js";
import { jsonError, placedError, yamlMessage } from "./parse-errors.js";
import { registerInputFrom } from "./taskdef-input.js";

/** What apply writes, in the order it writes them: ECS inputs, Kubernetes manifests translated. */
export interface EcsDocuments {
  clusters: CreateClusterCommandInput[];
  taskDefinitions: RegisterTaskDefinitionCommandInput[];
  services: CreateServiceCommandInput[];
  /** Kubernetes Services of type LoadBalancer: each becomes a load balancer for its ECS service (berth expose). */
  exposures?: Exposure[];
  /** EFS file systems Kubernetes claims need (apply-storage.ts), made before the task definitions. */
  fileSystems?: { claimName: string; creationToken: string }[];
}

export interface Exposure {
  /** "Service/web". */
  source: string;
  /** The Kubernetes Service's name: the load balancer's. */
  name: string;
  ecsService: string;
  port: number;
  containerName: string;
  containerPort: number;
  protocol: "HTTP" | "TCP";
  healthCheck?: TargetHealthCheck;
}

export type ApplyDocument =
  | { kind: "cluster"; source: string; input: CreateClusterCommandInput }
  | { kind: "taskdef"; source: string; input: RegisterTaskDefinitionCommandInput }
  | { kind: "service"; source: string; input: CreateServiceCommandInput }
  | { kind: "k8s"; source: string; manifest: Record<string, unknown> }
  /** A claim's EFS file system from berth translate's output (its `fileSystems`). */
  | { kind: "fileSystem"; source: string; input: { claimName: string; creationToken: string } };

const EXTENSIONS = new Set([".json", ".yaml", ".yml"]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** One parsed value (a file's JSON, or one YAML document) as the documents it holds. */
export function classify(value: unknown, source: string): ApplyDocument[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => classify(v, `${source}[${i}]`));
  if (!isObject(value)) throw usageError(`${source}: expected an object, found ${typeof value}`);
  if (typeof value.apiVersion === "string" && typeof value.kind === "string") return [{ kind: "k8s", source, manifest: value }];
  // berth translate's output, or any bundle of the two lists.
  if (Array.isArray(value.taskDefinitions) || Array.isArray(value.services) || Array.isArray(value.clusters)) {
    return [
      ...((value.clusters as unknown[]) ?? []).flatMap((v, i) => classify(v, `${source} clusters[${i}]`)),
      ...((value.taskDefinitions as unknown[]) ?? []).flatMap((v, i) => classify(v, `${source} taskDefinitions[${i}]`)),
      ...((value.services as unknown[]) ?? []).flatMap((v, i) => classify(v, `${source} services[${i}]`)),
      ...(Array.isArray(value.fileSystems) ? value.fileSystems : []).map((v, i): ApplyDocument => {
        if (!isObject(v) || typeof v.creationToken !== "string" || typeof v.claimName !== "string") {
          throw usageError(`${source} fileSystems[${i}]: expected {claimName, creationToken}`);
        }
        return { kind: "fileSystem", source: `${source} fileSystems[${i}]`, input: { claimName: v.claimName, creationToken: v.creationToken } };
      }),
    ];
  }
  // describe-task-definition's output: { taskDefinition: {...}, tags: [...] }.
  if (isObject(value.taskDefinition) && Array.isArray(value.taskDefinition.containerDefinitions)) {
    return [{ kind: "taskdef", source, input: registerInputFrom(value.taskDefinition, (value.tags as Tag[]) ?? []) }];
  }
  if (Array.isArray(value.containerDefinitions)) {
    if (typeof value.family !== "string") throw usageError(`${source}: a task definition needs a family`);
    return [{ kind: "taskdef", source, input: registerInputFrom(value) }];
  }
  if (typeof value.serviceName === "string") return [{ kind: "service", source, input: value as unknown as CreateServiceCommandInput }];
  if (typeof value.clusterName === "string") return [{ kind: "cluster", source, input: value as unknown as CreateClusterCommandInput }];
  const keys = Object.keys(value).slice(0, 6).join(", ");
  throw usageError(
    `${source}: cannot tell what this is; expected a task definition (containerDefinitions), a service (serviceName), ` +
      `a cluster (clusterName) or a Kubernetes manifest (apiVersion, kind); found keys ${keys || "none"}`,
  );
}

/** The text of one file (or stdin) as documents. JSON first; otherwise YAML, possibly several. */
export function parseText(text: string, source: string): ApplyDocument[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return classify(JSON.parse(text), source);
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      if (source.endsWith(".json")) throw usageError(jsonError(source, text, err));
    }
  }
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [];
  return list.flatMap((doc, i) => {
    const [error] = doc.errors;
    if (error) {
      const where = list.length > 1 ? ` (document ${i + 1})` : "";
      const at = error.linePos?.[0];
      const place = at ? { line: at.line, column: at.col } : undefined;
      const message = yamlMessage(error.message);
      throw usageError(place ? placedError(source, `not valid YAML${where}`, message, text, place) : `${source}: not valid YAML${where}: ${message}`);
    }
    return classify(doc.toJS(), list.length > 1 ? `${source}#${i + 1}` : source);
  });
}

/** Files named by -f: a file, every .json/.yaml/.yml in a directory (-R: below it too), or "-". */
export function filesOf(path: string, recursive: boolean): string[] {
  if (path === "-") return ["-"];
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) throw usageError(`-f ${path}: no such file or directory`);
  if (st.isFile()) return [path];
  const out: string[] = [];
  for (const name of readdirSync(path).sort()) {
    const full = join(path, name);
    const s = statSync(full);
    if (s.isDirectory()) {
      if (recursive) out.push(...filesOf(full, true));
    } else if (EXTENSIONS.has(extname(name).toLowerCase())) out.push(full);
  }
  return out;
}

export function readDocuments(paths: readonly string[], recursive: boolean, stdin: () => string): ApplyDocument[] {
  const files = paths.flatMap((p) => filesOf(p, recursive));
  if (files.length === 0) throw usageError(`-f ${paths.join(", ")}: no .json, .yaml or .yml files there`);
  return files.flatMap((f) => {
    let text: string;
    try {
      text = f === "-" ? stdin() : readFileSync(f, "utf8");
    } catch (err) {
      throw usageError(`-f ${f}: cannot read it (${(err as Error).message})`);
    }
    return parseText(text, f === "-" ? "stdin" : f);
  });
}

// Kubernetes manifests → ECS documents: RegisterTaskDefinition and CreateService requests,
// the load balancer wiring of Services, and a report of every field that did not carry over
// exactly. Pure: no I/O, the same input always gives the same output.

import type { CreateServiceCommandInput, RegisterTaskDefinitionCommandInput } from "@aws-sdk/client-ecs";
import type { EcsContext } from "./ecs-context.js";
import type { Manifest, PersistentVolumeClaimSpec } from "./k8s-types.js";
import { resolveOptions, ROLE_ARN_ANNOTATION, type TranslateOptions } from "./options.js";
import { Reporter, type ReportEntry } from "./report.js";
import { serviceToWiring, type LoadBalancerWiring } from "./service-to-ecs.js";
import type { ClaimFileSystem } from "./volumes-to-ecs.js";
import { workloadToEcs, type WorkloadResult } from "./workload-to-ecs.js";
import { readManifests } from "./yaml.js";

export interface EcsTranslation {
  taskDefinitions: RegisterTaskDefinitionCommandInput[];
  services: CreateServiceCommandInput[];
  loadBalancers: LoadBalancerWiring[];
  /** EFS file systems that ReadWriteMany claims became; their task definitions hold the creation token as fileSystemId until apply makes them. */
  fileSystems: ClaimFileSystem[];
  report: ReportEntry[];
}

const OTHER_KINDS: Record<string, string> = {
  StatefulSet: "ECS services have no stable task identities or per-task volumes; a REPLICA service is the nearest",
  ReplicaSet: "an ECS service's deployments play the ReplicaSet's part; translate the Deployment that owns it",
  Job: "a task started with RunTask runs to completion, but ECS has no completions, parallelism or retries",
  CronJob: "EventBridge Scheduler starts ECS tasks on a schedule",
  Ingress: "path and host routing are an Application Load Balancer's listener rules",
  HorizontalPodAutoscaler: "Application Auto Scaling (target tracking) changes a service's desiredCount",
  PodDisruptionBudget: "minimumHealthyPercent also bounds how many tasks an instance drain may stop",
  NetworkPolicy: "security groups on awsvpc tasks control traffic",
  Namespace: "ECS has no namespaces; a separate cluster is the nearest",
};

const WORKLOAD_API: Record<string, string> = { Deployment: "apps/v1", DaemonSet: "apps/v1", Pod: "v1" };

export function toEcs(input: string | readonly object[], options: TranslateOptions = {}): EcsTranslation {
  const manifests = readManifests(input);
  const report: ReportEntry[] = [];
  const ctx = buildContext(manifests, options);
  const out: EcsTranslation = { taskDefinitions: [], services: [], loadBalancers: [], fileSystems: [], report };
  const workloads: WorkloadResult[] = [];
  const families = new Map<string, string>();

  manifests.forEach((m, i) => {
    const r = new Reporter(`${m.kind ?? "Unknown"}/${m.metadata?.name ?? `#${i + 1}`}`, report);
    const kind = m.kind ?? "";
    if (!(kind in WORKLOAD_API)) return;
    if (m.apiVersion !== WORKLOAD_API[kind]) {
      r.info("apiVersion", `read as ${WORKLOAD_API[kind]} ${kind}; found ${m.apiVersion ?? "none"}`);
    }
    const w = workloadToEcs(m, ctx, r);
    if (!w) return;
    const family = w.taskDefinition.family as string;
    const clash = families.get(family);
    if (clash) {
      r.unmapped("metadata.name", `task definition family '${family}' is already made from ${clash}; registering both would make them revisions of one family`);
      return;
    }
    families.set(family, `${w.kind}/${w.name}`);
    workloads.push(w);
    out.taskDefinitions.push(w.taskDefinition);
    if (w.service) out.services.push(w.service);
    for (const f of w.pod.storage.fileSystems) if (!out.fileSystems.some((g) => g.creationToken === f.creationToken)) out.fileSystems.push(f);
  });

  manifests.forEach((m, i) => {
    const r = new Reporter(`${m.kind ?? "Unknown"}/${m.metadata?.name ?? `#${i + 1}`}`, report);
    const kind = m.kind ?? "";
    if (kind in WORKLOAD_API) return;
    if (kind === "Service") out.loadBalancers.push(...serviceToWiring(m, workloads, out.services, r));
    else if (kind === "ConfigMap") r.info("", "ECS has no ConfigMap object; its values were copied into the task definitions that reference them");
    else if (kind === "Secret") r.info("", `ECS has no Secret object; store it in Secrets Manager as secret '${m.metadata?.name ?? ""}' holding a JSON object of its keys (values are never copied into task definitions)`);
    else if (kind === "ServiceAccount") r.info("", "a ServiceAccount's IAM role (IRSA annotation) is the task role of the task definitions that use it");
    else if (kind === "PersistentVolumeClaim") r.info("", "ECS has no claim object; each pod volume using it became an EFS-style file system (ReadWriteMany) or a volume configured at launch (ReadWriteOnce), see the workloads' volumes");
    else r.unmapped("", OTHER_KINDS[kind] ?? `berth translates Deployment, DaemonSet, Pod, Service, ConfigMap, Secret and ServiceAccount; found ${kind || "no kind"}`);
  });
  return out;
}

function buildContext(manifests: readonly Manifest[], options: TranslateOptions): EcsContext {
  const configMaps = new Map<string, Record<string, string>>();
  const secrets = new Map<string, string[]>();
  const serviceAccounts = new Map<string, string | undefined>();
  const claims = new Map<string, PersistentVolumeClaimSpec>();
  for (const m of manifests) {
    const name = m.metadata?.name;
    if (!name) continue;
    if (m.kind === "ConfigMap") {
      const data = (m.data ?? {}) as Record<string, unknown>;
      configMaps.set(name, Object.fromEntries(Object.entries(data).map(([k, v]) => [k, String(v)])));
    } else if (m.kind === "Secret") {
      const keys = new Set([...Object.keys((m.data ?? {}) as object), ...Object.keys((m.stringData ?? {}) as object)]);
      secrets.set(name, [...keys]);
    } else if (m.kind === "ServiceAccount") {
      serviceAccounts.set(name, m.metadata?.annotations?.[ROLE_ARN_ANNOTATION]);
    } else if (m.kind === "PersistentVolumeClaim") {
      claims.set(name, (m.spec ?? {}) as PersistentVolumeClaimSpec);
    }
  }
  return { options: resolveOptions(options), configMaps, secrets, serviceAccounts, claims };
}

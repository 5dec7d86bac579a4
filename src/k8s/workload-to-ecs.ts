// Workloads → a task definition and (for Deployments and DaemonSets) a service.
//   Deployment → REPLICA service: replicas → desiredCount, RollingUpdate → percents
//   DaemonSet  → DAEMON service: one task per instance that passes the constraints
//   Pod        → a task definition only (a bare pod is a task started with RunTask)

import type { CreateServiceCommandInput, RegisterTaskDefinitionCommandInput } from "@aws-sdk/client-ecs";
import type { EcsContext } from "./ecs-context.js";
import type { DaemonSetSpec, DeploymentSpec, Manifest, PodSpec, PodTemplateSpec, RollingUpdate } from "./k8s-types.js";
import { reportLeftovers } from "./leftovers.js";
import { BERTH_PREFIX, FAMILY_LABEL, MAXIMUM_PERCENT_ANNOTATION, MINIMUM_HEALTHY_PERCENT_ANNOTATION } from "./options.js";
import { podToEcs, type PodResult } from "./pod-to-ecs.js";
import type { Reporter } from "./report.js";
import {
  daemonPercents,
  deploymentPercents,
  K8S_DEFAULT_MAX_SURGE,
  K8S_DEFAULT_MAX_UNAVAILABLE,
  parseFencepost,
  type Fencepost,
} from "./rollout-math.js";
import { labelsToTags } from "./tags.js";

export interface WorkloadResult {
  kind: "Deployment" | "DaemonSet" | "Pod";
  name: string;
  taskDefinition: RegisterTaskDefinitionCommandInput;
  service?: CreateServiceCommandInput;
  /** The pod template's labels (what a Kubernetes Service selects on). */
  podLabels: Record<string, string>;
  pod: PodResult;
}

/** `r` is positioned at the object, e.g. "Deployment/web". */
export function workloadToEcs(m: Manifest, ctx: EcsContext, r: Reporter): WorkloadResult | undefined {
  const k8sName = m.metadata?.name;
  if (!k8sName) {
    r.unmapped("metadata.name", "the object has no name; ECS names families and services");
    return undefined;
  }
  // Kubernetes object names may contain dots; ECS names allow letters, digits, '-' and '_'.
  const name = k8sName.replace(/[^A-Za-z0-9_-]/g, "-");
  if (name !== k8sName) r.approximated("metadata.name", `ECS names allow letters, digits, '-' and '_'; '${k8sName}' became '${name}'`);
  metadataNotes(m, r);
  if (m.kind === "Pod") return podWorkload(m, name, ctx, r);
  const spec = (m.spec ?? {}) as DeploymentSpec & DaemonSetSpec;
  const template: PodTemplateSpec = spec.template ?? {};
  const podLabels = template.metadata?.labels ?? {};
  const family = podLabels[FAMILY_LABEL] ?? name;
  const pod = podToEcs(family, template, false, ctx, r.child("spec.template"));
  const sr = r.child("spec");
  checkSelector(spec, podLabels, sr);

  const service: CreateServiceCommandInput = { serviceName: name };
  if (ctx.options.cluster !== undefined) service.cluster = ctx.options.cluster;
  service.taskDefinition = family;
  if (m.kind === "Deployment") {
    const replicas = spec.replicas ?? 1;
    service.desiredCount = replicas;
    service.schedulingStrategy = "REPLICA";
    service.deploymentConfiguration = deploymentStrategy(spec.strategy, replicas, m.metadata?.annotations ?? {}, sr.child("strategy"));
    if (pod.placement.serviceConstraints.length) service.placementConstraints = pod.placement.serviceConstraints;
    if (pod.placement.strategies.length) service.placementStrategy = pod.placement.strategies;
    reportLeftovers(spec, ["replicas", "selector", "template", "strategy"], {
      minReadySeconds: "ECS counts a task healthy as soon as its health checks pass; healthCheckGracePeriodSeconds is a different thing (failures ignored after start)",
      progressDeadlineSeconds: "the deployment circuit breaker (deploymentCircuitBreaker) is ECS's way to fail a stuck rollout, counted in failed tasks rather than time; not derived",
      revisionHistoryLimit: "ECS keeps every task definition revision until it is deregistered",
      paused: "ECS has no paused services; a rollout starts with UpdateService",
    }, sr, "no ECS service field corresponds");
  } else {
    service.schedulingStrategy = "DAEMON";
    service.deploymentConfiguration = daemonStrategy(spec.updateStrategy, ctx.options.nodeCount, sr.child("updateStrategy"));
    const pr = sr.child("template.spec");
    if (pod.placement.strategies.length) pr.unmapped("topologySpreadConstraints", "a DAEMON service runs one task per instance; ECS allows it no placement strategies");
    if (pod.placement.serviceConstraints.length) pr.info("affinity.podAntiAffinity", "a DAEMON service already runs at most one task per instance");
    reportLeftovers(spec, ["selector", "template", "updateStrategy"], {
      minReadySeconds: "ECS counts a task healthy as soon as its health checks pass",
      revisionHistoryLimit: "ECS keeps every task definition revision until it is deregistered",
    }, sr, "no ECS service field corresponds");
  }
  const tags = labelsToTags(m.metadata?.labels, r.child("metadata.labels"));
  if (tags) service.tags = tags;
  // Pods carry their template's labels; tasks carry the task definition's tags when propagated.
  if (pod.taskDefinition.tags) service.propagateTags = "TASK_DEFINITION";
  // A ReadWriteOnce claim: each task's EBS-style volume (volumes-to-ecs.ts).
  if (pod.storage.volumeConfigurations.length) service.volumeConfigurations = pod.storage.volumeConfigurations;
  return { kind: m.kind as "Deployment" | "DaemonSet", name, taskDefinition: pod.taskDefinition, service, podLabels, pod };
}

function podWorkload(m: Manifest, name: string, ctx: EcsContext, r: Reporter): WorkloadResult {
  const template: PodTemplateSpec = { ...(m.metadata ? { metadata: m.metadata } : {}), spec: (m.spec ?? {}) as PodSpec };
  const family = m.metadata?.labels?.[FAMILY_LABEL] ?? name;
  const pod = podToEcs(family, template, true, ctx, r);
  r.info("", "a bare pod is a standalone task: register the task definition and start it with RunTask");
  const pr = r.child("spec");
  if (pod.placement.strategies.length) pr.unmapped("topologySpreadConstraints", "placement strategies are given to RunTask, not to a task definition; this translation produces no RunTask request");
  if (pod.placement.serviceConstraints.length) pr.unmapped("affinity.podAntiAffinity", "distinctInstance is given to RunTask, not to a task definition");
  return { kind: "Pod", name, taskDefinition: pod.taskDefinition, podLabels: m.metadata?.labels ?? {}, pod };
}

function metadataNotes(m: Manifest, r: Reporter): void {
  const ns = m.metadata?.namespace;
  if (ns && ns !== "default") {
    r.child("metadata").info("namespace", `ECS has no namespaces; '${ns}' is dropped (a separate cluster, or a name prefix, is the nearest)`);
  }
  const own = Object.keys(m.metadata?.annotations ?? {}).filter((k) => !k.startsWith(BERTH_PREFIX));
  if (own.length > 0 && m.kind !== "Pod") r.child("metadata").unmapped("annotations", "ECS has no annotations; only labels carry over, as tags");
}

function checkSelector(spec: DeploymentSpec, podLabels: Record<string, string>, r: Reporter): void {
  const sel = spec.selector;
  const mismatched = Object.entries(sel?.matchLabels ?? {}).filter(([k, v]) => podLabels[k] !== v);
  if (mismatched.length > 0) {
    r.unmapped("selector.matchLabels", `the selector does not match the template's labels (${mismatched.map(([k, v]) => `${k}=${v}`).join(", ")}); Kubernetes rejects this`);
  }
  if (sel?.matchExpressions?.length) {
    r.info("selector.matchExpressions", "an ECS service owns its tasks directly (by deployment), so it needs no selector");
  }
}

function fencepost(value: unknown, dflt: number | string, field: string, r: Reporter): Fencepost {
  try {
    return parseFencepost((value ?? dflt) as number | string, field);
  } catch (e) {
    r.unmapped(field, `${(e as Error).message}; the default ${dflt} is used`);
    return parseFencepost(dflt, field);
  }
}

function annotationPercent(annotations: Record<string, string>, key: string): number | undefined {
  const v = annotations[key];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

function deploymentStrategy(
  strategy: DeploymentSpec["strategy"],
  replicas: number,
  annotations: Record<string, string>,
  r: Reporter,
): NonNullable<CreateServiceCommandInput["deploymentConfiguration"]> {
  if (strategy?.type === "Recreate") {
    r.info("type", "Recreate: minimumHealthyPercent 0 and maximumPercent 100 let ECS stop every old task and start new ones only in their room");
    return { maximumPercent: 100, minimumHealthyPercent: 0 };
  }
  const ru: RollingUpdate = strategy?.rollingUpdate ?? {};
  const rr = r.child("rollingUpdate");
  const surge = fencepost(ru.maxSurge, K8S_DEFAULT_MAX_SURGE, "maxSurge", rr);
  const unavailable = fencepost(ru.maxUnavailable, K8S_DEFAULT_MAX_UNAVAILABLE, "maxUnavailable", rr);
  const keptMax = annotationPercent(annotations, MAXIMUM_PERCENT_ANNOTATION);
  const keptMin = annotationPercent(annotations, MINIMUM_HEALTHY_PERCENT_ANNOTATION);
  const res = deploymentPercents(replicas, surge, unavailable, { maximumPercent: keptMax, minimumHealthyPercent: keptMin });
  const { k8s } = res;
  const at = `at ${replicas} replica${replicas === 1 ? "" : "s"}`;

  const max = res.maximumPercent;
  const surgeText = surge.kind === "percent" ? `${surge.value}%` : String(surge.value);
  if (keptMax !== undefined && keptMax !== max.percent) {
    r.info(`metadata.annotations["${MAXIMUM_PERCENT_ANNOTATION}"]`, `ignored: ${keptMax}% no longer gives the total maxSurge ${surgeText} allows ${at}`);
  }
  if (!max.exact) {
    rr.approximated("maxSurge", `${surgeText} ${at} allows ${k8s.maxTotal} pods in total; no whole maximumPercent gives that, so ${max.percent}% allows ${max.count} (never more)`);
  } else if (!(surge.kind === "percent" && max.percent === 100 + surge.value) && max.percent !== keptMax && replicas > 0) {
    rr.info("maxSurge", `${surgeText} ${at} allows ${k8s.maxTotal} pods in total; maximumPercent ${max.percent} gives ECS the same (ECS rounds the total down, Kubernetes rounds surge up)${surge.kind === "absolute" ? "; ECS keeps the percent, not the count, if desiredCount changes" : ""}`);
  }

  const min = res.minimumHealthyPercent;
  const unavailableText = unavailable.kind === "percent" ? `${unavailable.value}%` : String(unavailable.value);
  if (keptMin !== undefined && keptMin !== min.percent) {
    r.info(`metadata.annotations["${MINIMUM_HEALTHY_PERCENT_ANNOTATION}"]`, `ignored: ${keptMin}% no longer gives the minimum maxUnavailable ${unavailableText} keeps ${at}`);
  }
  if (!min.exact) {
    rr.approximated("maxUnavailable", `${unavailableText} ${at} keeps ${k8s.minAvailable} available; no whole minimumHealthyPercent gives that, so ${min.percent}% keeps ${min.count} (never fewer)`);
  } else if (!(unavailable.kind === "percent" && min.percent === 100 - unavailable.value) && min.percent !== keptMin && replicas > 0) {
    rr.info("maxUnavailable", `${unavailableText} ${at} keeps ${k8s.minAvailable} available; minimumHealthyPercent ${min.percent} gives ECS the same${unavailable.kind === "absolute" ? "; ECS keeps the percent, not the count, if desiredCount changes" : ""}`);
  }
  if (max.count <= replicas && min.count >= replicas && replicas > 0) {
    rr.approximated("", `with these values ECS can neither start nor stop a task during a deployment (Kubernetes would replace ${k8s.unavailable} at a time); raise maxSurge or maxUnavailable`);
  }
  return { maximumPercent: max.percent, minimumHealthyPercent: min.percent };
}

function daemonStrategy(
  strategy: DaemonSetSpec["updateStrategy"],
  nodeCount: number | undefined,
  r: Reporter,
): NonNullable<CreateServiceCommandInput["deploymentConfiguration"]> {
  if (strategy?.type === "OnDelete") {
    r.unmapped("type", "ECS always rolls a DAEMON service to a new task definition; it has no OnDelete");
  }
  const ru: RollingUpdate = strategy?.rollingUpdate ?? {};
  const rr = r.child("rollingUpdate");
  const unavailable = fencepost(ru.maxUnavailable, 1, "maxUnavailable", rr);
  const surge = fencepost(ru.maxSurge, 0, "maxSurge", rr);
  const res = daemonPercents(unavailable, surge, nodeCount);
  if (res.note) {
    if (res.exact) rr.info("maxUnavailable", res.note);
    else rr.approximated(surge.value > 0 ? "maxSurge" : "maxUnavailable", res.note);
  }
  return { maximumPercent: 100, minimumHealthyPercent: res.minimumHealthyPercent };
}

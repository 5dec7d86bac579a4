// A pod template (PodSpec) → a task definition. Both are the blueprint of one unit of work;
// the task definition is also immutable and numbered (family:revision).

import type {
  ContainerDefinition,
  ContainerDependency,
  RegisterTaskDefinitionCommandInput,
} from "@aws-sdk/client-ecs";
import { containerToEcs, type ContainerResult, type PodSide } from "./container-to-ecs.js";
import type { EcsContext } from "./ecs-context.js";
import type { Container, PodTemplateSpec, Probe } from "./k8s-types.js";
import { reportLeftovers } from "./leftovers.js";
import { placementToEcs, type Placement } from "./placement-to-ecs.js";
import { cpuToUnitsExact, memoryToMiBExact } from "./quantity.js";
import type { Reporter } from "./report.js";
import { labelsToTags } from "./tags.js";
import { volumesToEcs, type PodVolumes } from "./volumes-to-ecs.js";

export interface PodResult {
  taskDefinition: RegisterTaskDefinitionCommandInput;
  placement: Placement;
  /** Containers that receive traffic, for the load balancer wiring. */
  containers: { container: Container; trafficProbe?: Probe }[];
  /** What the claims need at launch: the service's volumeConfigurations, the EFS file systems to create. */
  storage: Omit<PodVolumes, "volumes">;
}

const HANDLED = [
  "containers", "initContainers", "volumes", "nodeSelector", "affinity", "topologySpreadConstraints",
  "serviceAccountName", "serviceAccount", "terminationGracePeriodSeconds", "hostNetwork", "hostPID", "hostIPC",
  "shareProcessNamespace", "securityContext", "resources", "restartPolicy",
];

const REASONS: Record<string, string> = {
  tolerations: "ECS has no taints; which instances a task may use is decided only by its memberOf constraints",
  imagePullSecrets: "private registries use repositoryCredentials (a Secrets Manager secret) per container; not derived",
  dnsPolicy: "ECS uses the instance's or the VPC's resolver; it has no DNS policy",
  dnsConfig: "dnsServers and dnsSearchDomains exist per container but not in awsvpc mode, which this translation uses",
  hostAliases: "extraHosts exists per container but not in awsvpc mode, which this translation uses",
  hostname: "the hostname container field does not work in awsvpc mode",
  subdomain: "ECS names tasks through service discovery (Cloud Map), not pod subdomains",
  priorityClassName: "ECS has no task priorities or preemption",
  preemptionPolicy: "ECS has no task priorities or preemption",
  schedulerName: "ECS has one scheduler",
  runtimeClassName: "ECS picks the runtime per instance (the agent's configuration), not per task",
  nodeName: "ECS places tasks itself; pinning to one instance is a memberOf constraint on ec2InstanceId",
  automountServiceAccountToken: "ECS gives credentials through the task role's credentials endpoint whenever a task role is set",
  enableServiceLinks: "ECS does not inject service environment variables",
  activeDeadlineSeconds: "ECS has no deadline for a task's run time",
  readinessGates: "ECS counts a task healthy by its container health checks and target group health only",
  overhead: "ECS has no runtime overhead accounting",
  os: "the operating system is an instance attribute (ecs.os-type) or runtimePlatform on Fargate; not derived",
  setHostnameAsFQDN: "ECS has no such setting",
  schedulingGates: "ECS places a task as soon as it is started",
  resourceClaims: "ECS has no dynamic resource allocation",
  ephemeralContainers: "ECS has no ephemeral containers; ECS Exec runs a command in a running container",
};

/** `r` is positioned at the template, e.g. "Deployment/web.spec.template". */
export function podToEcs(family: string, template: PodTemplateSpec, standalone: boolean, ctx: EcsContext, r: Reporter): PodResult {
  const spec = template.spec ?? {};
  const sr = r.child("spec");
  const labels = template.metadata?.labels ?? {};
  const awsvpc = !spec.hostNetwork;
  const { volumes, ...storage } = volumesToEcs(spec.volumes ?? [], ctx, standalone, sr);
  const side: PodSide = {
    volumes: new Set(volumes.map((v) => v.name as string)),
    awsvpc,
    ...(spec.securityContext ? { securityContext: spec.securityContext } : {}),
    ...(spec.terminationGracePeriodSeconds !== undefined ? { stopTimeout: spec.terminationGracePeriodSeconds } : {}),
  };

  const td: RegisterTaskDefinitionCommandInput = { family, containerDefinitions: [] };
  const defs: ContainerDefinition[] = [];
  const inits = (spec.initContainers ?? []).map((c, i) =>
    containerToEcs(c, c.restartPolicy === "Always" ? "sidecar" : "init", side, ctx, sr.child(`initContainers[${i}]`)),
  );
  const mains = (spec.containers ?? []).map((c, i) => containerToEcs(c, "main", side, ctx, sr.child(`containers[${i}]`)));
  if (mains.length === 0) sr.unmapped("containers", "the pod has no containers; ECS needs at least one essential container");

  // Kubernetes runs init containers one after another, then the app containers; sidecars
  // (restartPolicy Always) start in their place in that line and keep running. In ECS each
  // waits for the one before it: SUCCESS (exited 0) after an init container, START after a sidecar.
  let previous: { name: string; condition: ContainerDependency["condition"] } | undefined;
  (spec.initContainers ?? []).forEach((c, i) => {
    const def = (inits[i] as ContainerResult).definition;
    if (previous) def.dependsOn = [{ containerName: previous.name, condition: previous.condition }];
    const sidecar = c.restartPolicy === "Always";
    // A sidecar is restarted in place when it exits, whatever the pod's restartPolicy.
    if (sidecar) def.restartPolicy = { enabled: true };
    previous = { name: c.name, condition: sidecar ? "START" : "SUCCESS" };
    sr.child(`initContainers[${i}]`).approximated(
      "",
      sidecar
        ? "a sidecar became a non-essential container, restarted in place (restartPolicy), that the next containers wait for to START; ECS does not wait for its startup probe"
        : "an init container became a non-essential container that the next containers wait for to exit 0 (dependsOn SUCCESS)",
    );
  });
  for (const m of mains) if (previous) m.definition.dependsOn = [{ containerName: previous.name, condition: previous.condition }];
  defs.push(...inits.map((x) => x.definition), ...mains.map((x) => x.definition));
  td.containerDefinitions = defs;

  if (!awsvpc) td.networkMode = "host";
  else td.networkMode = "awsvpc";
  sr.info(
    awsvpc ? "" : "hostNetwork",
    awsvpc
      ? "networkMode awsvpc: like a pod, each task gets its own network interface and IP address"
      : "networkMode host: the task shares the instance's network, as with hostNetwork",
  );
  if (spec.hostPID) td.pidMode = "host";
  else if (spec.shareProcessNamespace) td.pidMode = "task";
  if (spec.hostIPC) td.ipcMode = "host";

  if (volumes.length) td.volumes = volumes;

  const placement = placementToEcs(spec, labels, sr);
  if (placement.taskConstraints.length) td.placementConstraints = placement.taskConstraints;

  const account = spec.serviceAccountName ?? spec.serviceAccount;
  if (account !== undefined && (account !== "default" || ctx.serviceAccounts.get(account))) {
    const arn = ctx.serviceAccounts.get(account);
    td.taskRoleArn = arn ?? account;
    sr.info(
      "serviceAccountName",
      arn
        ? `the ServiceAccount's IAM role (${arn}) became the task role, as IRSA gives it to the pod`
        : `no ServiceAccount ${account} with an ${"eks.amazonaws.com/role-arn"} annotation is in the input; the task role is the IAM role named '${account}'`,
    );
  }
  if (spec.terminationGracePeriodSeconds !== undefined) {
    sr.info(
      "terminationGracePeriodSeconds",
      `became every container's stopTimeout: ECS waits that long after SIGTERM per container, Kubernetes once for the whole pod${spec.terminationGracePeriodSeconds > 120 ? "; Fargate allows at most 120 s" : ""}`,
    );
  }

  taskResources(spec, [...inits, ...mains].filter((_, i) => i >= inits.length || (spec.initContainers?.[i]?.restartPolicy === "Always")), td, sr);

  if (!standalone && mains.length > 0) {
    sr.info(
      "containers",
      "an ECS service replaces the whole task when an essential container exits; Kubernetes restarts the container inside the same pod",
    );
  }
  if (standalone) {
    const sidecars = inits.filter((_, i) => spec.initContainers?.[i]?.restartPolicy === "Always");
    restartPolicyToEcs(spec.restartPolicy, [...sidecars, ...mains].map((x) => x.definition), sr);
  }
  const tags = labelsToTags(labels, r.child("metadata.labels"));
  if (tags) td.tags = tags;
  if (template.metadata?.annotations && Object.keys(template.metadata.annotations).length > 0) {
    r.child("metadata").unmapped("annotations", "ECS has no annotations; only tags carry over");
  }
  securityLeftovers(spec.securityContext, sr.child("securityContext"));
  reportLeftovers(spec, HANDLED, REASONS, sr, "no ECS task definition field corresponds");

  return {
    taskDefinition: td,
    storage,
    placement,
    containers: (spec.containers ?? []).map((container, i) => ({
      container,
      ...((mains[i] as ContainerResult).trafficProbe ? { trafficProbe: (mains[i] as ContainerResult).trafficProbe as Probe } : {}),
    })),
  };
}

function taskResources(spec: NonNullable<PodTemplateSpec["spec"]>, running: ContainerResult[], td: RegisterTaskDefinitionCommandInput, r: Reporter): void {
  const rr = r.child("resources");
  const pod = spec.resources?.limits ?? spec.resources?.requests;
  const units = (v: string | number, field: string) => {
    try {
      return cpuToUnitsExact(v).units;
    } catch (e) {
      rr.unmapped(field, (e as Error).message);
      return undefined;
    }
  };
  if (pod?.cpu !== undefined) {
    const u = units(pod.cpu, "limits.cpu");
    if (u !== undefined) td.cpu = String(Math.max(128, u));
    if (u !== undefined && u < 128) rr.approximated("limits.cpu", `${pod.cpu} is ${u} CPU units; ECS's task-level cpu starts at 128`);
    if (running.some((c) => c.cpuLimitUnits !== undefined)) {
      r.unmapped("containers[].resources.limits.cpu", "ECS on Linux has no per-container CPU limit; the pod-level limit caps the task");
    }
  } else {
    const limits = running.map((c) => c.cpuLimitUnits);
    if (limits.length > 0 && limits.every((u) => u !== undefined)) {
      const sum = (limits as number[]).reduce((a, b) => a + b, 0);
      td.cpu = String(Math.max(128, sum));
      const note = `ECS on Linux has no per-container CPU limit; the sum of the containers' limits.cpu (${sum} units) became the task-level cpu, which caps the whole task`;
      if (sum < 128) r.approximated("containers", `${note}, raised to ECS's minimum of 128 units`);
      else r.info("containers", note);
    } else if (limits.some((u) => u !== undefined)) {
      r.unmapped("containers[].resources.limits.cpu", "ECS on Linux has no per-container CPU limit, and not every container has one to sum into a task-level limit");
    }
  }
  if (pod?.memory !== undefined) {
    try {
      td.memory = String(memoryToMiBExact(pod.memory).mib);
    } catch (e) {
      rr.unmapped("limits.memory", (e as Error).message);
    }
  }
  if (spec.resources) {
    rr.info("", "pod-level resources (the PodLevelResources feature) became the task-level cpu and memory");
  }
}

/** A bare pod restarts its containers in place; ECS can too, per container. */
function restartPolicyToEcs(policy: string | undefined, running: ContainerDefinition[], r: Reporter): void {
  const p = policy ?? "Always";
  if (p === "Never") return;
  for (const d of running) {
    // A sidecar restarts whatever the pod's policy says.
    const onFailure = p === "OnFailure" && d.essential !== false;
    d.restartPolicy = onFailure ? { enabled: true, ignoredExitCodes: [0] } : { enabled: true };
  }
  r.approximated(
    "restartPolicy",
    `${p}: ECS restarts the container in place (restartPolicy${p === "OnFailure" ? ", exit code 0 ignored" : ""}), but only once it has run for restartAttemptPeriod (300 s by default) since the last restart, where Kubernetes backs off exponentially`,
  );
}

function securityLeftovers(ctx: NonNullable<PodTemplateSpec["spec"]>["securityContext"], r: Reporter): void {
  reportLeftovers(ctx, ["runAsUser", "runAsGroup"], {
    fsGroup: "ECS does not change volume ownership; set it in the image or an init container",
    supplementalGroups: "ECS's user field takes one group",
    sysctls: "ECS sets kernel parameters per container with systemControls; not derived",
    runAsNonRoot: "ECS does not check that the image's user is not root; set user explicitly",
  }, r, "no ECS task definition field corresponds");
}

// A task definition → a pod template (the reverse of pod-to-ecs).

import type { ContainerDefinition, RegisterTaskDefinitionCommandInput, TaskDefinitionPlacementConstraint } from "@aws-sdk/client-ecs";
import { containerToK8s } from "./container-to-k8s.js";
import type { Affinity, Container, Labels, NodeSelectorRequirement, PodSpec, Volume } from "./k8s-types.js";
import { claimNameOf, isClaimVolume } from "./volumes-to-k8s.js";
import { reportLeftovers } from "./leftovers.js";
import { roleName } from "./options.js";
import { mibToMemory, unitsToCpu } from "./quantity.js";
import { expressionToNodeTerms } from "./query-language.js";
import type { Reporter } from "./report.js";
import { tagsToLabels } from "./tags.js";

export interface PodK8s {
  spec: PodSpec;
  labels: Labels;
  /** The task role, when the task definition has one. */
  role?: { serviceAccount: string; arn?: string };
}

const HANDLED = [
  "family", "containerDefinitions", "networkMode", "volumes", "placementConstraints", "taskRoleArn", "cpu", "memory",
  "tags", "pidMode", "ipcMode",
  // Output-only fields of a described task definition: not part of the desired state.
  "taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities", "registeredAt", "registeredBy",
  "deregisteredAt", "deleteRequestedAt",
];

const REASONS: Record<string, string> = {
  executionRoleArn: "in Kubernetes the node's own credentials pull images and ship logs; there is no per-workload execution role",
  requiresCompatibilities: "Kubernetes has no launch types; a Fargate-like profile or a node pool is chosen by the cluster",
  proxyConfiguration: "service mesh proxies are injected by the mesh in Kubernetes",
  inferenceAccelerators: "Kubernetes has no Elastic Inference accelerators",
  ephemeralStorage: "ephemeral storage is a per-container ephemeral-storage resource in Kubernetes; not derived",
  runtimePlatform: "the platform is picked by nodeSelector on kubernetes.io/arch and kubernetes.io/os; not derived",
  enableFaultInjection: "Kubernetes has no fault injection switch",
};

type Kind = "main" | "init" | "sidecar";

/** `r` is positioned at the task definition, e.g. "TaskDefinition/web". */
export function taskDefinitionToPod(
  td: RegisterTaskDefinitionCommandInput,
  serviceConstraints: readonly TaskDefinitionPlacementConstraint[],
  standalone: boolean,
  r: Reporter,
): PodK8s {
  const spec: PodSpec = {};
  const defs = td.containerDefinitions ?? [];
  const awsvpc = networkToK8s(td.networkMode, spec, r);
  const kinds = classify(defs);
  checkOrdering(defs, kinds, r);

  const init: Container[] = [];
  const main: Container[] = [];
  defs.forEach((d, i) => {
    const cr = r.child(`containerDefinitions[${i}]`);
    const c = containerToK8s(d, awsvpc, cr);
    const kind = kinds[i] as Kind;
    if (kind === "sidecar") {
      c.restartPolicy = "Always";
      if (!d.restartPolicy?.enabled) cr.approximated("restartPolicy", "became a sidecar init container, which Kubernetes restarts whenever it exits; ECS left it stopped");
    } else if (kind === "main" && d.essential === false) {
      cr.approximated("essential", "a non-essential container that nothing waits for: Kubernetes restarts it when it exits, where ECS let the task run on without it");
    }
    if (kind === "init" && d.healthCheck) {
      delete c.livenessProbe;
      delete c.readinessProbe;
      cr.unmapped("healthCheck", "became an init container, which runs to completion and takes no probes in Kubernetes");
    }
    if (d.restartPolicy?.enabled && kind === "main" && !standalone) {
      cr.unmapped("restartPolicy", "Kubernetes restarts a Deployment's containers in place always; the restart settings have no field");
    }
    (kind === "main" ? main : init).push(c);
  });
  if (init.length) spec.initContainers = init;
  spec.containers = main;

  const timeouts = defs.map((d) => d.stopTimeout);
  const set = timeouts.filter((t): t is number => t !== undefined);
  if (set.length > 0) {
    spec.terminationGracePeriodSeconds = Math.max(...set);
    if (set.length !== timeouts.length || set.some((t) => t !== set[0])) {
      r.approximated("containerDefinitions[].stopTimeout", `Kubernetes has one grace period for the whole pod; the longest stopTimeout (${spec.terminationGracePeriodSeconds} s) is used`);
    }
  }

  const volumes = volumesToK8s(td, r);
  if (volumes.length) spec.volumes = volumes;
  placementToK8s([...(td.placementConstraints ?? []), ...serviceConstraints], (td.placementConstraints ?? []).length, spec, r);

  const out: PodK8s = { spec, labels: tagsToLabels(td.tags, r.child("tags")) };
  if (td.taskRoleArn) {
    const name = roleName(td.taskRoleArn);
    out.role = { serviceAccount: name, ...(name !== td.taskRoleArn ? { arn: td.taskRoleArn } : {}) };
    spec.serviceAccountName = name;
  }
  taskSizeToK8s(td, spec, r);
  if (td.pidMode === "host") spec.hostPID = true;
  else if (td.pidMode === "task") spec.shareProcessNamespace = true;
  if (td.ipcMode === "host") spec.hostIPC = true;
  else if (td.ipcMode) r.unmapped("ipcMode", `ipcMode ${td.ipcMode}: a pod's containers always share one IPC namespace`);
  if (standalone) {
    const running = defs.filter((_, i) => kinds[i] === "main");
    const policies = running.map((d) => (!d.restartPolicy?.enabled ? "Never" : d.restartPolicy.ignoredExitCodes?.includes(0) ? "OnFailure" : "Always"));
    spec.restartPolicy = policies[0] ?? "Never";
    if (policies.some((p) => p !== policies[0])) r.approximated("containerDefinitions[].restartPolicy", `a pod has one restartPolicy; ${spec.restartPolicy} is used`);
  }
  reportLeftovers(td, HANDLED, REASONS, r, "no Kubernetes pod field corresponds");
  return out;
}

function networkToK8s(mode: string | undefined, spec: PodSpec, r: Reporter): boolean {
  if (mode === "awsvpc") return true;
  if (mode === "host") {
    spec.hostNetwork = true;
    return false;
  }
  if (mode === "none") {
    r.unmapped("networkMode", "a pod always has a network; networkMode none has no form");
    return false;
  }
  r.approximated("networkMode", `${mode ?? "bridge (the default)"}: a pod has its own IP like awsvpc; bridge's port mapping through the instance becomes hostPort`);
  return false;
}

/**
 * Which containers are init containers and sidecars: a non-essential container that others
 * wait for to exit (SUCCESS, COMPLETE) ran before them; one they wait for to START (or be
 * HEALTHY) runs beside them.
 */
function classify(defs: readonly ContainerDefinition[]): Kind[] {
  return defs.map((d) => {
    const conditions = defs.flatMap((o) => (o.dependsOn ?? []).filter((x) => x.containerName === d.name).map((x) => x.condition));
    if (d.essential !== false || conditions.length === 0) return "main";
    if (conditions.every((c) => c === "SUCCESS" || c === "COMPLETE")) return "init";
    if (conditions.every((c) => c === "START" || c === "HEALTHY")) return "sidecar";
    return "main";
  });
}

/** Kubernetes orders init containers one after another and app containers after all of them. */
function checkOrdering(defs: readonly ContainerDefinition[], kinds: readonly Kind[], r: Reporter): void {
  const line = defs.filter((_, i) => kinds[i] !== "main");
  const expected = (i: number): string[] => {
    const kind = kinds[i];
    const pos = kind === "main" ? line.length : line.indexOf(defs[i] as ContainerDefinition);
    if (pos <= 0) return [];
    const prev = line[pos - 1] as ContainerDefinition;
    const prevKind = kinds[defs.indexOf(prev)];
    return [`${prev.name}:${prevKind === "init" ? "SUCCESS" : "START"}`];
  };
  defs.forEach((d, i) => {
    const actual = (d.dependsOn ?? []).map((x) => `${x.containerName}:${x.condition}`).sort();
    const want = expected(i);
    if (JSON.stringify(actual) !== JSON.stringify(want)) {
      r.child(`containerDefinitions[${i}]`).approximated(
        "dependsOn",
        `Kubernetes runs init containers one at a time in order, then the app containers together; this container's order became ${want.length ? `"after ${want[0]}"` : "no wait"} instead of ${actual.length ? actual.join(", ") : "none"}`,
      );
    }
  });
}

function volumesToK8s(td: RegisterTaskDefinitionCommandInput, r: Reporter): Volume[] {
  return (td.volumes ?? []).flatMap((v, i): Volume[] => {
    const vr = r.child(`volumes[${i}]`);
    const name = v.name ?? "";
    if (v.host?.sourcePath) return [{ name, hostPath: { path: v.host.sourcePath } }];
    if (v.dockerVolumeConfiguration) {
      if (v.dockerVolumeConfiguration.scope === "shared") {
        vr.unmapped("dockerVolumeConfiguration", "a shared Docker volume outlives the task; Kubernetes keeps such data in a PersistentVolume");
        return [];
      }
      vr.approximated("dockerVolumeConfiguration", "a task-scoped Docker volume became an emptyDir; driver options are not carried");
      return [{ name, emptyDir: {} }];
    }
    // EFS and volumes configured at launch are claims (volumes-to-k8s.ts makes them).
    if (isClaimVolume(v)) return [{ name, persistentVolumeClaim: { claimName: claimNameOf(v) } }];
    if (v.fsxWindowsFileServerVolumeConfiguration) {
      vr.unmapped("fsxWindowsFileServerVolumeConfiguration", "Windows file shares are PersistentVolumes of an SMB CSI driver in Kubernetes; not derived");
      return [];
    }
    return [{ name, emptyDir: {} }];
  });
}

function placementToK8s(constraints: readonly TaskDefinitionPlacementConstraint[], fromTask: number, spec: PodSpec, r: Reporter): void {
  let terms: NodeSelectorRequirement[][] | undefined;
  constraints.forEach((c, i) => {
    const cr = i < fromTask ? r.child(`placementConstraints[${i}]`) : r.child(`service.placementConstraints[${i - fromTask}]`);
    if (c.type !== "memberOf" || !c.expression) {
      cr.unmapped("", `a task definition constraint must be memberOf with an expression; found ${c.type}`);
      return;
    }
    const read = expressionToNodeTerms(c.expression);
    if ("reason" in read) {
      cr.unmapped("expression", read.reason);
      return;
    }
    if (i >= fromTask) cr.approximated("", "Kubernetes keeps node selection in the pod spec, so a service's memberOf constraint comes back as the task definition's");
    const equalities = read.terms.length === 1 && (read.terms[0] as NodeSelectorRequirement[]).every((q) => q.operator === "In" && q.values?.length === 1);
    if (equalities && !spec.nodeSelector) {
      spec.nodeSelector = Object.fromEntries((read.terms[0] as NodeSelectorRequirement[]).map((q) => [q.key, (q.values as string[])[0] as string]));
      return;
    }
    if (terms === undefined) {
      terms = read.terms;
      return;
    }
    // Both must hold: (a or b) and (c or d) = (a and c) or (a and d) or ...
    const prior: NodeSelectorRequirement[][] = terms;
    terms = prior.flatMap((left) => read.terms.map((right) => [...left, ...right]));
    cr.approximated("", "Kubernetes has one required node affinity; this constraint was combined with the one before it, so it returns as a single memberOf expression");
  });
  if (terms) {
    const affinity: Affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms.map((t) => ({ matchExpressions: t })) } } };
    spec.affinity = affinity;
  }
}

/** Task-level cpu ("1024", "1 vCPU") and memory ("2048", "2 GB") → pod-level resource limits. */
function taskSizeToK8s(td: RegisterTaskDefinitionCommandInput, spec: PodSpec, r: Reporter): void {
  const limits: Record<string, string> = {};
  if (td.cpu) {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(vcpu)?\s*$/i.exec(td.cpu);
    if (!m) r.unmapped("cpu", `expected CPU units ("1024") or vCPUs ("1 vCPU"); found '${td.cpu}'`);
    else {
      const units = m[2] ? Math.round(Number(m[1]) * 1024) : Number(m[1]);
      const cpu = unitsToCpu(units);
      limits.cpu = cpu.quantity;
      if (!cpu.exact) r.approximated("cpu", `${units} CPU units is not a whole number of millicores; ${cpu.quantity} is used`);
    }
  }
  if (td.memory) {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(gb)?\s*$/i.exec(td.memory);
    if (!m) r.unmapped("memory", `expected MiB ("2048") or GB ("2 GB"); found '${td.memory}'`);
    else limits.memory = mibToMemory(m[2] ? Math.round(Number(m[1]) * 1024) : Number(m[1]));
  }
  if (Object.keys(limits).length > 0) {
    spec.resources = { limits };
    r.info(td.cpu ? "cpu" : "memory", "the task-level size became pod-level resources (spec.resources, the PodLevelResources feature of Kubernetes 1.32 and later)");
  }
}

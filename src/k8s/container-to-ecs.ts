// One Kubernetes container → one ECS container definition.

import type { ContainerDefinition, PortMapping, ResourceRequirement } from "@aws-sdk/client-ecs";
import type { EcsContext } from "./ecs-context.js";
import { envToEcs } from "./env-to-ecs.js";
import type { Container, Probe, SecurityContext } from "./k8s-types.js";
import { reportLeftovers } from "./leftovers.js";
import { execProbeToHealthCheck, sameExecProbe } from "./probe.js";
import { cpuToUnitsExact, memoryToMiBExact } from "./quantity.js";
import type { Reporter } from "./report.js";

export type ContainerKind = "main" | "init" | "sidecar";

export interface PodSide {
  securityContext?: SecurityContext;
  /** Pod volumes that became task definition volumes. */
  volumes: ReadonlySet<string>;
  /** terminationGracePeriodSeconds, applied to every container as stopTimeout. */
  stopTimeout?: number;
  /** networkMode awsvpc (false: host). */
  awsvpc: boolean;
}

export interface ContainerResult {
  definition: ContainerDefinition;
  /** limits.cpu in CPU units, for the task-level limit. */
  cpuLimitUnits?: number;
  /** The httpGet/tcpSocket probe for the load balancer's health check, if any. */
  trafficProbe?: Probe;
}

const HANDLED = [
  "name", "image", "command", "args", "workingDir", "env", "envFrom", "ports", "resources",
  "livenessProbe", "readinessProbe", "startupProbe", "securityContext", "volumeMounts", "stdin", "tty",
  "restartPolicy",
];

const REASONS: Record<string, string> = {
  imagePullPolicy: "the ECS agent's ECS_IMAGE_PULL_BEHAVIOR setting decides when images are pulled, not the task definition",
  lifecycle: "ECS has no postStart or preStop hooks; stopTimeout and the target group's deregistration delay cover the usual preStop sleep",
  terminationMessagePath: "ECS reports a stopped container's exit code and reason instead of a termination message file",
  terminationMessagePolicy: "ECS reports a stopped container's exit code and reason instead of a termination message file",
  stdinOnce: "ECS has no stdinOnce",
  volumeDevices: "ECS has no block devices from volumes; linuxParameters.devices maps host devices",
  resizePolicy: "an ECS task definition is immutable; resources change only with a new revision",
};

const GPU = "nvidia.com/gpu";

/** `r` is positioned at the container, e.g. "Deployment/web.spec.template.spec.containers[0]". */
export function containerToEcs(c: Container, kind: ContainerKind, pod: PodSide, ctx: EcsContext, r: Reporter): ContainerResult {
  const def: ContainerDefinition = { name: c.name };
  if (c.image) def.image = c.image;
  else r.unmapped("image", "the container has no image; ECS requires one");
  if (kind !== "main") def.essential = false;

  if (c.command?.length) def.entryPoint = [...c.command];
  if (c.args?.length) def.command = [...c.args];
  for (const [field, list] of [["command", c.command], ["args", c.args]] as const) {
    if (list?.some((a) => a.includes("$("))) {
      r.approximated(field, "Kubernetes expands $(VAR) references here; ECS passes the text unchanged (use a shell to expand ${VAR})");
    }
  }
  if (c.workingDir) def.workingDirectory = c.workingDir;

  const { environment, secrets } = envToEcs(c, ctx, r);
  if (environment.length) def.environment = environment;
  if (secrets.length) def.secrets = secrets;

  const ports = portsToEcs(c, pod, r);
  if (ports.length) def.portMappings = ports;

  const result: ContainerResult = { definition: def };
  resourcesToEcs(c, def, result, r.child("resources"));
  probesToEcs(c, kind, def, result, r);
  securityToEcs(c.securityContext, pod.securityContext, def, r.child("securityContext"));

  const mounts = (c.volumeMounts ?? []).flatMap((m, i) => {
    const mr = r.child(`volumeMounts[${i}]`);
    if (!pod.volumes.has(m.name)) {
      mr.unmapped("", `volume '${m.name}' was not translated (see the pod's volumes)`);
      return [];
    }
    if (m.subPath !== undefined || m.subPathExpr !== undefined) mr.unmapped("subPath", "ECS mounts a whole volume; it has no subPath");
    if (m.mountPropagation !== undefined) mr.unmapped("mountPropagation", "ECS has no mount propagation setting");
    return [{ sourceVolume: m.name, containerPath: m.mountPath, ...(m.readOnly ? { readOnly: true } : {}) }];
  });
  if (mounts.length) def.mountPoints = mounts;

  if (c.stdin) def.interactive = true;
  if (c.tty) def.pseudoTerminal = true;
  if (pod.stopTimeout !== undefined) def.stopTimeout = pod.stopTimeout;

  reportLeftovers(c, HANDLED, REASONS, r, "no ECS container definition field corresponds");
  return result;
}

function portsToEcs(c: Container, pod: PodSide, r: Reporter): PortMapping[] {
  return (c.ports ?? []).flatMap((p, i) => {
    const pr = r.child(`ports[${i}]`);
    const protocol = (p.protocol ?? "TCP").toUpperCase();
    if (protocol !== "TCP" && protocol !== "UDP") {
      pr.unmapped("protocol", `ECS port mappings carry tcp or udp; found ${p.protocol}`);
      return [];
    }
    // Both sides default to TCP, so the protocol is written only when the manifest names it.
    const m: PortMapping = { containerPort: p.containerPort };
    if (p.protocol !== undefined) m.protocol = protocol === "TCP" ? "tcp" : "udp";
    if (p.name) m.name = p.name;
    if (p.hostPort !== undefined) {
      if (pod.awsvpc) {
        pr.unmapped("hostPort", "in awsvpc mode the task has its own address and hostPort can only equal containerPort; the port is reachable on the task's IP");
      } else {
        m.hostPort = p.hostPort;
      }
    }
    if (p.hostIP) pr.unmapped("hostIP", "ECS port mappings bind all addresses");
    return [m];
  });
}

function resourcesToEcs(c: Container, def: ContainerDefinition, out: ContainerResult, r: Reporter): void {
  const req = c.resources?.requests ?? {};
  const lim = c.resources?.limits ?? {};
  const read = <T>(field: string, value: string | number, f: (v: string | number) => T): T | undefined => {
    try {
      return f(value);
    } catch (e) {
      r.unmapped(field, (e as Error).message);
      return undefined;
    }
  };

  const cpuSource = req.cpu !== undefined ? "requests.cpu" : "limits.cpu";
  const cpuValue = req.cpu ?? lim.cpu;
  if (cpuValue !== undefined) {
    const cpu = read(cpuSource, cpuValue, cpuToUnitsExact);
    if (cpu) {
      def.cpu = cpu.units;
      if (!cpu.exact) r.info(cpuSource, `${cpuValue} is ${cpu.units} CPU units rounded up (1 core = 1024 units)`);
      if (req.cpu === undefined) r.info("limits.cpu", "with no request, Kubernetes requests the limit; the limit became the container's cpu reservation");
    }
  }
  if (lim.cpu !== undefined) {
    const limit = read("limits.cpu", lim.cpu, cpuToUnitsExact);
    if (limit) out.cpuLimitUnits = limit.units;
  }

  const memLimit = lim.memory !== undefined ? read("limits.memory", lim.memory, memoryToMiBExact) : undefined;
  const memRequest = req.memory !== undefined ? read("requests.memory", req.memory, memoryToMiBExact) : undefined;
  for (const [field, m, v] of [["limits.memory", memLimit, lim.memory], ["requests.memory", memRequest, req.memory]] as const) {
    if (m && !m.exact) r.info(field, `${v} is ${m.mib} MiB rounded up`);
  }
  if (memLimit) def.memory = memLimit.mib;
  if (memRequest) {
    if (!memLimit) def.memoryReservation = memRequest.mib;
    else if (memRequest.mib < memLimit.mib) def.memoryReservation = memRequest.mib;
    else if (memRequest.mib > memLimit.mib) r.unmapped("requests.memory", `the request ${req.memory} exceeds the limit ${lim.memory}`);
    // Equal: ECS reserves `memory` when there is no memoryReservation, which is the same.
  }

  const gpu = lim[GPU] ?? req[GPU];
  if (gpu !== undefined) {
    const n = Number(gpu);
    if (Number.isInteger(n) && n > 0) def.resourceRequirements = [{ type: "GPU", value: String(n) } satisfies ResourceRequirement];
    else r.unmapped(`limits.${GPU}`, `expected a whole number of GPUs; found ${gpu}`);
  }
  for (const [where, list] of [["requests", req], ["limits", lim]] as const) {
    for (const name of Object.keys(list)) {
      if (name === "cpu" || name === "memory" || name === GPU) continue;
      r.unmapped(`${where}.${name}`, `ECS reserves cpu, memory and GPUs per container; it has no '${name}' resource`);
    }
  }
}

function probesToEcs(c: Container, kind: ContainerKind, def: ContainerDefinition, out: ContainerResult, r: Reporter): void {
  const live = c.livenessProbe;
  const ready = c.readinessProbe;
  const startup = c.startupProbe;
  const traffic = ready?.httpGet || ready?.tcpSocket ? ready : live?.httpGet || live?.tcpSocket ? live : undefined;
  if (traffic) out.trafficProbe = traffic;

  for (const [field, p] of [["livenessProbe", live], ["readinessProbe", ready], ["startupProbe", startup]] as const) {
    if (!p) continue;
    if (kind === "init") {
      r.unmapped(field, "an init container runs to completion; probes do not apply to it");
      continue;
    }
    if (p.httpGet || p.tcpSocket) {
      const what = p.httpGet ? "an HTTP request" : "a TCP connection";
      if (p === traffic) {
        r.approximated(field, `${what} is not a container health check in ECS (the agent only runs commands); it is recorded as the load balancer's target group health check`);
      } else if (field === "startupProbe") {
        r.unmapped(field, `${what} is not a container health check in ECS, and ECS has no startup probe; the service's healthCheckGracePeriodSeconds is the nearest for load balancer checks`);
      } else {
        r.unmapped(field, `${what} is not a container health check in ECS, and the target group's one health check holds the readiness probe`);
      }
    } else if (p.grpc) {
      r.unmapped(field, "ECS has no gRPC health check; run grpc_health_probe as an exec check, or use the target group's health check");
    }
  }

  if (kind === "init") return;
  const lr = r.child("livenessProbe");
  const rr = r.child("readinessProbe");
  if (live?.exec) {
    def.healthCheck = execProbeToHealthCheck(live, lr);
    if (ready?.exec) {
      if (sameExecProbe(live, ready)) {
        rr.info("", "the same check as the liveness probe: ECS uses one health check both to replace tasks and to count them healthy");
      } else {
        rr.unmapped("", "ECS has one health check per container and it holds the liveness probe; during deployments ECS counts a task healthy by that check (and the target group's, if any)");
      }
    }
  } else if (ready?.exec) {
    def.healthCheck = execProbeToHealthCheck(ready, rr);
    rr.approximated("", "became the container health check: besides gating deployments, ECS replaces a task whose check fails, which Kubernetes does only for liveness");
  }
  if (startup?.exec) {
    const sr = r.child("startupProbe");
    if (def.healthCheck) {
      const window = (startup.initialDelaySeconds ?? 0) + (startup.failureThreshold ?? 3) * (startup.periodSeconds ?? 10);
      const start = Math.min(300, Math.max(def.healthCheck.startPeriod ?? 0, window));
      def.healthCheck.startPeriod = start;
      sr.approximated("", `ECS has no startup probe; its window (${window} s) became the health check's startPeriod ${start} s, during which failures do not count`);
    } else {
      sr.unmapped("", "ECS has no startup probe, and without a liveness or readiness check there is no health check to give a startPeriod");
    }
  }
}

function securityToEcs(c: SecurityContext | undefined, pod: SecurityContext | undefined, def: ContainerDefinition, r: Reporter): void {
  const user = c?.runAsUser ?? pod?.runAsUser;
  const group = c?.runAsGroup ?? pod?.runAsGroup;
  if (user !== undefined) def.user = group !== undefined ? `${user}:${group}` : String(user);
  else if (group !== undefined) r.unmapped("runAsGroup", "ECS's user field needs a user before a group (uid:gid)");
  if (c?.privileged) def.privileged = true;
  if (c?.readOnlyRootFilesystem) def.readonlyRootFilesystem = true;
  const add = c?.capabilities?.add?.map((x) => x.replace(/^CAP_/, ""));
  const drop = c?.capabilities?.drop?.map((x) => x.replace(/^CAP_/, ""));
  if (add?.length || drop?.length) {
    def.linuxParameters = { capabilities: { ...(add?.length ? { add } : {}), ...(drop?.length ? { drop } : {}) } };
  }
  reportLeftovers(c, ["runAsUser", "runAsGroup", "privileged", "readOnlyRootFilesystem", "capabilities"], {
    runAsNonRoot: "ECS does not check that the image's user is not root; set user explicitly",
    allowPrivilegeEscalation: "ECS has no no-new-privileges switch in the task definition",
    seccompProfile: "ECS applies Docker's default seccomp profile; dockerSecurityOptions can name another on EC2",
    seLinuxOptions: "dockerSecurityOptions ('label:...') can carry SELinux labels on EC2, but is not derived from seLinuxOptions",
    appArmorProfile: "dockerSecurityOptions ('apparmor:...') can name a profile on EC2, but is not derived from appArmorProfile",
  }, r, "no ECS container definition field corresponds");
}

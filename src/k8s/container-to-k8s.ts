// One ECS container definition → one Kubernetes container (the reverse of container-to-ecs).

import type { ContainerDefinition } from "@aws-sdk/client-ecs";
import type { Container, ContainerPort, EnvVar, ResourceRequirements, SecurityContext } from "./k8s-types.js";
import { reportLeftovers } from "./leftovers.js";
import { parseSecretArn } from "./options.js";
import { healthCheckToProbe } from "./probe.js";
import { mibToMemory, unitsToCpu } from "./quantity.js";
import type { Reporter } from "./report.js";

const HANDLED = [
  "name", "image", "entryPoint", "command", "workingDirectory", "environment", "secrets", "portMappings", "cpu",
  "memory", "memoryReservation", "resourceRequirements", "healthCheck", "user", "privileged", "readonlyRootFilesystem",
  "linuxParameters", "mountPoints", "interactive", "pseudoTerminal",
  // Read by the pod translation: essential, dependsOn, stopTimeout, restartPolicy.
  "essential", "dependsOn", "stopTimeout", "restartPolicy",
];

const REASONS: Record<string, string> = {
  links: "containers of a pod share one network namespace and reach each other on localhost",
  environmentFiles: "Kubernetes has no environment files from S3; envFrom reads a ConfigMap or Secret",
  logConfiguration: "Kubernetes collects stdout and stderr on the node; routing logs is a cluster add-on (a Fluent Bit DaemonSet, say)",
  firelensConfiguration: "Kubernetes collects stdout and stderr on the node; routing logs is a cluster add-on",
  repositoryCredentials: "a private registry's credentials are an imagePullSecret (a docker-registry Secret); not derived",
  dockerLabels: "Docker labels are not pod labels; not derived",
  ulimits: "Kubernetes has no per-container ulimits; they come from the container runtime's configuration",
  systemControls: "kernel parameters are the pod's securityContext.sysctls; not derived",
  dnsServers: "dnsConfig.nameservers is per pod; not derived",
  dnsSearchDomains: "dnsConfig.searches is per pod; not derived",
  extraHosts: "hostAliases is per pod; not derived",
  hostname: "the pod's hostname is per pod; not derived",
  dockerSecurityOptions: "SELinux, AppArmor and seccomp settings are securityContext fields; not derived",
  volumesFrom: "containers share volumes by mounting the same pod volume",
  startTimeout: "Kubernetes has no limit on how long a container waits for the one before it",
  disableNetworking: "containers of a pod always share the pod's network",
  credentialSpecs: "gMSA credential specs are securityContext.windowsOptions; not derived",
  versionConsistency: "Kubernetes resolves a tag to a digest per node, not once per deployment",
};

/** `r` is positioned at the container definition, e.g. "TaskDefinition/web.containerDefinitions[0]". */
export function containerToK8s(def: ContainerDefinition, awsvpc: boolean, r: Reporter): Container {
  const c: Container = { name: def.name ?? "" };
  if (def.image) c.image = def.image;
  if (def.entryPoint?.length) c.command = [...def.entryPoint];
  if (def.command?.length) c.args = [...def.command];
  if (def.workingDirectory) c.workingDir = def.workingDirectory;

  const env: EnvVar[] = (def.environment ?? []).map((e) => ({ name: e.name ?? "", value: e.value ?? "" }));
  (def.secrets ?? []).forEach((s, i) => {
    const src = parseSecretArn(s.valueFrom ?? "");
    if (src.kind === "secret") env.push({ name: s.name ?? "", valueFrom: { secretKeyRef: { name: src.name, key: src.key } } });
    else if (src.kind === "configMap") env.push({ name: s.name ?? "", valueFrom: { configMapKeyRef: { name: src.name, key: src.key } } });
    else {
      r.unmapped(`secrets[${i}]`, `'${s.valueFrom}' is not a Secrets Manager secret read by JSON key nor an SSM parameter /NAME/KEY, so it names no Secret or ConfigMap key`);
    }
  });
  if (env.length) c.env = env;

  const ports: ContainerPort[] = (def.portMappings ?? []).flatMap((p, i) => {
    const pr = r.child(`portMappings[${i}]`);
    if (p.containerPort === undefined) {
      pr.unmapped("containerPortRange", "Kubernetes declares single ports; a port range has no form");
      return [];
    }
    const port: ContainerPort = { containerPort: p.containerPort };
    if (p.name) port.name = p.name;
    if (p.protocol) port.protocol = p.protocol.toUpperCase();
    if (p.hostPort !== undefined && p.hostPort !== 0) {
      // In awsvpc mode hostPort can only repeat containerPort: the task's own IP serves it.
      if (awsvpc && p.hostPort === p.containerPort) pr.info("hostPort", "in awsvpc mode hostPort only repeats containerPort; a pod's port is reachable on the pod's IP the same way");
      else port.hostPort = p.hostPort;
    }
    if (p.appProtocol) pr.unmapped("appProtocol", "a container port has no application protocol in Kubernetes; a Service port's appProtocol does");
    return [port];
  });
  if (ports.length) c.ports = ports;

  const resources = resourcesToK8s(def, r);
  if (resources) c.resources = resources;

  if (def.healthCheck) {
    const probe = healthCheckToProbe(def.healthCheck, r.child("healthCheck"));
    if (probe) {
      c.livenessProbe = probe;
      c.readinessProbe = structuredClone(probe);
      r.info("healthCheck", "became both the liveness and the readiness probe: ECS replaces a task that fails it and counts only passing tasks as healthy");
    }
  }

  const sc = securityToK8s(def, r);
  if (sc) c.securityContext = sc;
  if (def.mountPoints?.length) {
    c.volumeMounts = def.mountPoints.map((m) => ({
      name: m.sourceVolume ?? "",
      mountPath: m.containerPath ?? "",
      ...(m.readOnly ? { readOnly: true } : {}),
    }));
  }
  if (def.interactive) c.stdin = true;
  if (def.pseudoTerminal) c.tty = true;

  reportLeftovers(def, HANDLED, REASONS, r, "no Kubernetes container field corresponds");
  return c;
}

function resourcesToK8s(def: ContainerDefinition, r: Reporter): ResourceRequirements | undefined {
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  if (def.cpu !== undefined && def.cpu > 0) {
    const cpu = unitsToCpu(def.cpu);
    requests.cpu = cpu.quantity;
    if (!cpu.exact) {
      r.approximated(
        "cpu",
        `${def.cpu} CPU units is ${(def.cpu * 1000) / 1024} millicores; Kubernetes counts whole millicores, so ${cpu.quantity}${cpu.returns ? " (which comes back as the same units)" : ` (which comes back as ${cpu.quantity === "0" ? 0 : "different"} units)`}`,
      );
    }
  }
  // memory is the hard limit; with no memoryReservation ECS reserves it, as Kubernetes
  // requests the limit when no request is given.
  if (def.memory !== undefined) limits.memory = mibToMemory(def.memory);
  if (def.memoryReservation !== undefined) requests.memory = mibToMemory(def.memoryReservation);
  (def.resourceRequirements ?? []).forEach((req, i) => {
    if (req.type === "GPU") limits["nvidia.com/gpu"] = req.value ?? "1";
    else r.unmapped(`resourceRequirements[${i}]`, `${req.type} has no Kubernetes resource name; not derived`);
  });
  if (Object.keys(requests).length === 0 && Object.keys(limits).length === 0) return undefined;
  return { ...(Object.keys(requests).length ? { requests } : {}), ...(Object.keys(limits).length ? { limits } : {}) };
}

function securityToK8s(def: ContainerDefinition, r: Reporter): SecurityContext | undefined {
  const sc: SecurityContext = {};
  if (def.user) {
    const m = /^(\d+)(?::(\d+))?$/.exec(def.user);
    if (m) {
      sc.runAsUser = Number(m[1]);
      if (m[2] !== undefined) sc.runAsGroup = Number(m[2]);
    } else {
      r.unmapped("user", `Kubernetes runs as numeric ids (runAsUser, runAsGroup); '${def.user}' names a user`);
    }
  }
  if (def.privileged) sc.privileged = true;
  if (def.readonlyRootFilesystem) sc.readOnlyRootFilesystem = true;
  const lp = def.linuxParameters;
  if (lp?.capabilities?.add?.length || lp?.capabilities?.drop?.length) {
    sc.capabilities = {
      ...(lp.capabilities.add?.length ? { add: [...lp.capabilities.add] } : {}),
      ...(lp.capabilities.drop?.length ? { drop: [...lp.capabilities.drop] } : {}),
    };
  }
  reportLeftovers(lp, ["capabilities"], {
    initProcessEnabled: "Kubernetes has no init-process switch; shareProcessNamespace gives the pod an init (pause) as PID 1",
    sharedMemorySize: "/dev/shm is sized with a memory-backed emptyDir volume; not derived",
    tmpfs: "a memory-backed emptyDir volume is Kubernetes' tmpfs; not derived",
    devices: "host devices need a device plugin in Kubernetes",
    maxSwap: "swap is configured per node (NodeSwap), not per container",
    swappiness: "swap is configured per node (NodeSwap), not per container",
  }, r.child("linuxParameters"), "no Kubernetes securityContext field corresponds");
  return Object.keys(sc).length > 0 ? sc : undefined;
}

// ContainerSpec → Docker's create-container body, pure. Mirrors what the ECS agent asks of
// Docker: cpu shares (at least 2), Memory/MemoryReservation in bytes, ulimits, the health check
// as Docker's HEALTHCHECK (the task definition's replaces the image's), port bindings for
// bridge mode, and labels by which berth finds its containers again.
import type Docker from "dockerode";
import { cpuShares } from "./cgroups.js";
import { ContainerError } from "./errors.js";
import { normalizeHealthCheck } from "./health-check.js";
import { containerLabels } from "./labels.js";
import type { ContainerSpec } from "./types.js";

const MIB = 1024 * 1024;
const MS_NS = 1_000_000;

/** Docker container names allow [a-zA-Z0-9][a-zA-Z0-9_.-]*. */
export function dockerContainerName(spec: ContainerSpec, suffix: string): string {
  const clean = (s: string) => s.replace(/[^a-zA-Z0-9_.-]/g, "-");
  return `berth-${clean(spec.taskId)}-${clean(spec.containerName)}-${suffix}`;
}

/** Docker pulls every tag of an untagged name; ECS means :latest. */
export function imageReference(image: string): string {
  if (image.includes("@")) return image;
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  return lastSegment.includes(":") ? image : `${image}:latest`;
}

function networkMode(spec: ContainerSpec): string {
  switch (spec.networkMode) {
    case "bridge":
    case "host":
    case "none":
      return spec.networkMode;
    case "awsvpc": {
      const id = spec.networkNamespace?.containerId;
      if (!id) {
        throw new ContainerError(
          "CannotCreateContainerError",
          `networkMode awsvpc needs networkNamespace.containerId (the task's pause container) for the docker runtime; none was given`,
        );
      }
      return `container:${id}`;
    }
    default:
      throw new ContainerError("CannotCreateContainerError", `networkMode ${JSON.stringify(spec.networkMode)} is not one of bridge, host, none, awsvpc`);
  }
}

/** Volumes and binds as Docker's Mounts, tmpfs as its Tmpfs map (size in bytes, then the options). */
export function dockerMounts(spec: ContainerSpec): Pick<Docker.HostConfig, "Mounts" | "Tmpfs" | "ReadonlyRootfs"> {
  const mounts: Docker.MountSettings[] = [];
  const tmpfs: Record<string, string> = {};
  for (const m of spec.mounts ?? []) {
    if (m.kind === "tmpfs") tmpfs[m.containerPath] = [...(m.sizeMiB ? [`size=${m.sizeMiB}m`] : []), ...m.options].join(",");
    // Mounts, not Binds: a missing source is an error rather than a directory Docker makes.
    else mounts.push({ Type: m.kind, Source: m.kind === "bind" ? m.source : m.name, Target: m.containerPath, ReadOnly: m.readOnly });
  }
  return {
    ...(mounts.length ? { Mounts: mounts } : {}),
    ...(Object.keys(tmpfs).length ? { Tmpfs: tmpfs } : {}),
    ...(spec.readonlyRootFilesystem ? { ReadonlyRootfs: true } : {}),
  };
}

export function dockerCreateOptions(spec: ContainerSpec, name: string): Docker.ContainerCreateOptions {
  const mode = networkMode(spec);
  const mappings = spec.portMappings ?? [];
  const portKey = (m: { containerPort: number; protocol?: string }) => `${m.containerPort}/${m.protocol ?? "tcp"}`;
  const exposed = Object.fromEntries(mappings.map((m) => [portKey(m), {}]));
  const bindings =
    spec.networkMode === "bridge" && mappings.length
      ? Object.fromEntries(mappings.map((m) => [portKey(m), [{ HostIp: "", HostPort: m.hostPort ? String(m.hostPort) : "" }]]))
      : undefined;
  // ECS ignores a HEALTHCHECK baked into the image unless the task definition defines one.
  let healthcheck: Docker.HealthConfig = { Test: ["NONE"] };
  if (spec.healthCheck) {
    let config;
    try {
      config = normalizeHealthCheck(spec.healthCheck);
    } catch (e) {
      throw new ContainerError("CannotCreateContainerError", (e as Error).message);
    }
    healthcheck = {
      Test: config.probe.kind === "exec" ? ["CMD", ...config.probe.argv] : ["CMD-SHELL", config.probe.script],
      Interval: config.intervalMs * MS_NS,
      Timeout: config.timeoutMs * MS_NS,
      Retries: config.retries,
      StartPeriod: config.startPeriodMs * MS_NS,
    };
  }
  // Docker refuses a hostname when the container shares another's or the host's UTS/network.
  const hostname = spec.hostname && (spec.networkMode === "bridge" || spec.networkMode === "none") ? spec.hostname : undefined;
  return {
    name,
    Image: imageReference(spec.image),
    ...(spec.entryPoint ? { Entrypoint: spec.entryPoint } : {}),
    ...(spec.command ? { Cmd: spec.command } : {}),
    Env: Object.entries({ ...spec.environment, ...spec.secretEnvironment }).map(([k, v]) => `${k}=${v}`),
    ...(spec.workingDirectory ? { WorkingDir: spec.workingDirectory } : {}),
    ...(spec.user ? { User: spec.user } : {}),
    ...(hostname ? { Hostname: hostname } : {}),
    Labels: containerLabels(spec, "docker"),
    ...(mappings.length ? { ExposedPorts: exposed } : {}),
    ...(spec.stopTimeout !== undefined ? { StopTimeout: spec.stopTimeout } : {}),
    ...(spec.stopSignal ? { StopSignal: spec.stopSignal } : {}),
    Healthcheck: healthcheck,
    HostConfig: {
      NetworkMode: mode,
      ...(bindings ? { PortBindings: bindings } : {}),
      CpuShares: cpuShares(spec.cpu),
      ...(spec.memory ? { Memory: spec.memory * MIB } : {}),
      ...(spec.memoryReservation ? { MemoryReservation: spec.memoryReservation * MIB } : {}),
      ...(spec.ulimits?.length ? { Ulimits: spec.ulimits.map((u) => ({ Name: u.name, Soft: u.softLimit, Hard: u.hardLimit })) } : {}),
      ...dockerMounts(spec),
    },
  };
}

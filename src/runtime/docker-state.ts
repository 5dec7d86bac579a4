// Docker's inspect answer → berth's ContainerState, pure. Docker's own health state is the
// source of container health, as for the ECS agent: starting → UNKNOWN, healthy, unhealthy.
import type Docker from "dockerode";
import { OUT_OF_MEMORY_REASON } from "./errors.js";
import { LABELS } from "./labels.js";
import type { ContainerHealth, ContainerState, ContainerStatus, HealthStatus, NetworkBinding, TransportProtocol } from "./types.js";



function time(text: string | undefined): number | undefined {
  if (!text || text.startsWith("0001-01-01")) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

export function dockerHealth(status: string | undefined): HealthStatus {
  return status === "healthy" ? "HEALTHY" : status === "unhealthy" ? "UNHEALTHY" : "UNKNOWN";
}

function status(state: Docker.ContainerInspectInfo["State"]): ContainerStatus {
  switch (state.Status) {
    case "created":
      return "CREATED";
    case "exited":
    case "dead":
      return time(state.StartedAt) === undefined && state.Status === "exited" ? "CREATED" : "EXITED";
    default:
      // running, paused, restarting, removing
      return state.Running || state.Status === "removing" ? "RUNNING" : "EXITED";
  }
}

function bindings(info: Docker.ContainerInspectInfo): NetworkBinding[] {
  const out: NetworkBinding[] = [];
  const split = (key: string) => {
    const [port, protocol] = key.split("/");
    return { containerPort: Number(port), protocol: (protocol === "udp" ? "udp" : "tcp") as TransportProtocol };
  };
  if (info.HostConfig?.NetworkMode === "host") {
    // Host networking publishes nothing: a container port is the host port (ECS reports so).
    for (const key of Object.keys(info.Config?.ExposedPorts ?? {})) {
      const { containerPort, protocol } = split(key);
      out.push({ bindIP: "0.0.0.0", containerPort, hostPort: containerPort, protocol });
    }
    return out;
  }
  for (const [key, hosts] of Object.entries(info.NetworkSettings?.Ports ?? {})) {
    const { containerPort, protocol } = split(key);
    for (const h of hosts ?? []) out.push({ bindIP: h.HostIp || "0.0.0.0", containerPort, hostPort: Number(h.HostPort), protocol });
  }
  return out;
}

export function containerStateFromInspect(info: Docker.ContainerInspectInfo): ContainerState {
  const labels = info.Config?.Labels ?? {};
  const s = info.State;
  const st = status(s);
  const health: ContainerHealth = s.Health
    ? {
        status: dockerHealth(s.Health.Status),
        failingStreak: s.Health.FailingStreak ?? 0,
        ...(s.Health.Log?.length ? { output: (s.Health.Log[s.Health.Log.length - 1]?.Output ?? "").trim() } : {}),
      }
    : { status: "UNKNOWN", failingStreak: 0 };
  const startedAt = time(s.StartedAt);
  const finishedAt = time(s.FinishedAt);
  return {
    id: info.Id,
    taskArn: labels[LABELS.taskArn] ?? "",
    taskId: labels[LABELS.taskId] ?? "",
    containerName: labels[LABELS.containerName] ?? info.Name.replace(/^\//, ""),
    image: info.Config?.Image ?? "",
    imageId: info.Image,
    labels: { ...labels },
    status: st,
    createdAt: time(info.Created) ?? 0,
    ...(startedAt !== undefined ? { startedAt } : {}),
    ...(st === "EXITED"
      ? {
          exit: {
            exitCode: s.ExitCode,
            ...(s.OOMKilled ? { reason: OUT_OF_MEMORY_REASON } : {}),
            // A container that exits at once can get a FinishedAt before its StartedAt.
            finishedAt: Math.max(finishedAt ?? 0, startedAt ?? 0),
          },
        }
      : {}),
    health,
    networkBindings: st === "CREATED" ? [] : bindings(info),
    ...(st === "RUNNING" && s.Pid ? { pid: s.Pid } : {}),
  };
}



// The contract between the agent and a container runtime. The agent turns an ECS container
// definition (after overrides) into a ContainerSpec, and drives one container through
// create → start → (stop) → exit → remove; the driver reports what happened through events,
// inspect() and wait(). Three drivers implement it — docker, process, simulated — and
// driver-conformance.ts holds the cases every driver must pass.
import type { ContainerStats } from "./stats-types.js";

export type RuntimeName = "docker" | "process" | "simulated";

/** ECS's container health values (wire values). */
export type HealthStatus = "HEALTHY" | "UNHEALTHY" | "UNKNOWN";

/**
 * The task definition's `healthCheck` as ECS models it. Times are in seconds. Drivers apply
 * ECS's defaults (health-check.ts) but accept values outside ECS's ranges, which the task
 * definition validator enforces; tests use 1-second intervals to stay fast.
 */
export interface HealthCheckDefinition {
  /** `["CMD", exe, ...args]` or `["CMD-SHELL", "shell command"]`. */
  command: string[];
  interval?: number;
  timeout?: number;
  retries?: number;
  startPeriod?: number;
}

/** ECS's ulimit names, which are also Docker's and prlimit's. */
export type UlimitName =
  | "core" | "cpu" | "data" | "fsize" | "locks" | "memlock" | "msgqueue" | "nice"
  | "nofile" | "nproc" | "rss" | "rtprio" | "rttime" | "sigpending" | "stack";

export interface Ulimit {
  name: UlimitName;
  softLimit: number;
  hardLimit: number;
}

export type TransportProtocol = "tcp" | "udp";

/** A port mapping whose host port the agent has already resolved (0 = let the runtime pick). */
export interface PortMapping {
  containerPort: number;
  hostPort?: number;
  protocol?: TransportProtocol;
}

/** ECS's `networkBindings[]` entry, as reported once the container runs. */
export interface NetworkBinding {
  bindIP: string;
  containerPort: number;
  hostPort: number;
  protocol: TransportProtocol;
}

export type NetworkMode = "bridge" | "host" | "none" | "awsvpc";

/** Where an awsvpc container's network lives; the network layer prepares it. */
export interface TaskNetworkNamespace {
  /** A network namespace file, e.g. /var/run/netns/<task>; the process driver joins it. */
  path?: string;
  /** A container holding the namespace (ECS's pause container); the docker driver joins it. */
  containerId?: string;
  /** A host file the container sees as /etc/resolv.conf (the task's resolvers), when there is one. */
  resolvConf?: string;
}

/**
 * A mount the runtime makes for one container (issue 16; src/agent/volumes/ decides them): a host
 * path, a Docker engine volume (docker runtime only), or a tmpfs. Sources exist before create.
 */
export type ContainerMount =
  | { kind: "bind"; source: string; containerPath: string; readOnly: boolean }
  | { kind: "volume"; name: string; containerPath: string; readOnly: boolean }
  | { kind: "tmpfs"; containerPath: string; sizeMiB?: number; options: string[] };

/** A Docker engine volume the agent asks for (dockerVolumeConfiguration). */
export interface VolumeSpec {
  name: string;
  driver: string;
  driverOpts: Record<string, string>;
  labels: Record<string, string>;
}

/** Credentials for a private registry (docker driver only). */
export interface RegistryAuth {
  username: string;
  password: string;
  serverAddress?: string;
}

/** One container of one task, as the runtime must run it. */
export interface ContainerSpec {
  taskArn: string;
  /** The last part of the task ARN; used in names, hostnames and log streams. */
  taskId: string;
  containerName: string;
  image: string;
  /** Overrides the image's ENTRYPOINT (the process driver has no image: see process-launch.ts). */
  entryPoint?: string[];
  /** The arguments (Docker's CMD). */
  command?: string[];
  /** The final environment, after overrides and environment files. */
  environment?: Record<string, string>;
  /**
   * The values of the task's secrets (ECS `secrets`), added after `environment`. A driver keeps
   * them in memory only: never in its state files (the agent hands them again to start()).
   */
  secretEnvironment?: Record<string, string>;
  workingDirectory?: string;
  /** `user`, `uid`, `user:group`, `uid:gid` ... as ECS accepts. */
  user?: string;
  hostname?: string;
  ulimits?: Ulimit[];
  /** ECS cpu units; becomes cpu shares (at least 2, as the ECS agent does). */
  cpu?: number;
  /** Hard memory limit in MiB. */
  memory?: number;
  /** Soft memory limit in MiB. */
  memoryReservation?: number;
  portMappings?: PortMapping[];
  networkMode: NetworkMode;
  /** Only for awsvpc. */
  networkNamespace?: TaskNetworkNamespace;
  /** Docker labels: the task definition's dockerLabels plus what the agent adds. */
  labels?: Record<string, string>;
  /** Seconds between the stop signal and SIGKILL when stop() is not given one. */
  stopTimeout?: number;
  /** Signal that stop() sends first when it is not given one (default SIGTERM). */
  stopSignal?: NodeJS.Signals;
  healthCheck?: HealthCheckDefinition;
  registryAuth?: RegistryAuth;
  /** Volumes and tmpfs mounts, parents before children. */
  mounts?: ContainerMount[];
  /** Everything but the mounts (and /dev, /proc, /sys) is read-only. */
  readonlyRootFilesystem?: boolean;
  /**
   * Host directories the container must not see (the process runtime covers them in the
   * container's mount namespace: the agent's volumes of other tasks).
   */
  hiddenPaths?: string[];
}

/** Runtime-level lifecycle; the agent maps CREATED to ECS PENDING and EXITED to STOPPED. */
export type ContainerStatus = "CREATED" | "RUNNING" | "EXITED";

export interface ExitInfo {
  /** null when the process was never seen to exit with a code (it vanished). */
  exitCode: number | null;
  /** ECS container reason, e.g. `OutOfMemoryError: Container killed due to memory usage`. */
  reason?: string;
  /** Epoch milliseconds. */
  finishedAt: number;
}

export interface ContainerHealth {
  status: HealthStatus;
  /** Consecutive failed probes counted toward `retries`. */
  failingStreak: number;
  /** Output of the last probe (truncated). */
  output?: string;
}

export interface ContainerState {
  /** The runtime's id (a Docker container id, or the process driver's own 64-hex id). */
  id: string;
  taskArn: string;
  taskId: string;
  containerName: string;
  image: string;
  /** The image digest/id when the runtime knows it (docker only). */
  imageId?: string;
  labels: Record<string, string>;
  status: ContainerStatus;
  createdAt: number;
  startedAt?: number;
  exit?: ExitInfo;
  health: ContainerHealth;
  networkBindings: NetworkBinding[];
  /** Host pid of the container's first process while it runs (docker, process). */
  pid?: number;
}

export type RuntimeEvent =
  | { kind: "started"; id: string; taskArn: string; containerName: string; at: number }
  | ({ kind: "exited"; id: string; taskArn: string; containerName: string } & ExitInfo)
  | {
      kind: "health";
      id: string;
      taskArn: string;
      containerName: string;
      status: HealthStatus;
      at: number;
      output?: string;
    };

export interface StopOptions {
  /** Seconds to wait after the first signal before SIGKILL; default: spec.stopTimeout, else 30. */
  timeoutSeconds?: number;
  /** First signal; default: spec.stopSignal, else the image's STOPSIGNAL (docker) or SIGTERM. */
  signal?: NodeJS.Signals;
}

export interface LogOptions {
  /** Keep yielding lines until the container exits (or the signal aborts). */
  follow?: boolean;
  /** Only lines at or after this epoch-milliseconds time. */
  since?: number;
  signal?: AbortSignal;
}

export interface LogLine {
  stream: "stdout" | "stderr";
  /** Epoch milliseconds. */
  timestamp: number;
  /** The line without its newline. */
  line: string;
}

export interface Attribute {
  name: string;
  value?: string;
}

export interface RuntimeCapabilities {
  /** Container-instance attributes this runtime contributes (capabilities, isolation). */
  attributes: Attribute[];
  /** What the runtime can give tasks: cpu units (vCPUs × 1024) and MiB. */
  resources: { cpu: number; memoryMiB: number };
}

export type Unsubscribe = () => void;

/** What a runtime needs to hold an awsvpc task's namespace for it (docker's pause container). */
export interface NamespaceHolderSpec {
  taskArn: string;
  taskId: string;
  /** The image the holder runs (the docker runtime cannot pull ECS's pause image). */
  image: string;
  labels?: Record<string, string>;
  /** The task's resolvers, shared by the containers that join the holder's network. */
  dnsServers?: string[];
}

export interface NamespaceHolder {
  containerId: string;
  /** A process in the namespace: the network layer names the namespace from /proc/<pid>/ns/net. */
  pid: number;
}

export interface StartOptions {
  /**
   * The spec's secretEnvironment, for a container this process did not create (the agent
   * restarted since): the driver never wrote the values down. Drivers whose engine keeps the
   * environment itself (Docker) need not use it.
   */
  secretEnvironment?: Record<string, string>;
}

export interface RuntimeDriver {
  readonly name: RuntimeName;
  capabilities(): Promise<RuntimeCapabilities>;
  /** Creates (pulls if needed) the container; returns its id. Throws ContainerError. */
  createContainer(spec: ContainerSpec): Promise<string>;
  /**
   * Starts a created container, or an exited one again as `docker start` does (same id, logs
   * appended; how the agent applies ECS's restartPolicy); a running one is left alone.
   * Throws ContainerError.
   */
  start(id: string, options?: StartOptions): Promise<void>;
  /**
   * Sends the stop signal, waits `timeoutSeconds`, then SIGKILL; resolves once the container
   * has exited. Stopping a container that is not running does nothing.
   */
  stop(id: string, options?: StopOptions): Promise<void>;
  /** Resolves when the container has exited (at once if it already has). */
  wait(id: string): Promise<ExitInfo>;
  inspect(id: string): Promise<ContainerState>;
  /** Docker's stats JSON for one container, as the task metadata endpoint's /stats serves it. */
  stats(id: string): Promise<ContainerStats>;
  logs(id: string, options?: LogOptions): AsyncIterable<LogLine>;
  /** Removes the container and what the driver kept for it, killing it if it still runs. */
  remove(id: string): Promise<void>;
  /**
   * Every container this driver's state (state dir, or Docker labels) knows, so a restarted
   * agent re-attaches. Subscribe to events() before calling list() so no exit is missed.
   */
  list(): Promise<ContainerState[]>;
  /** Started, exited and health transitions observed from now on. */
  events(listener: (event: RuntimeEvent) => void): Unsubscribe;
  /** Releases timers, watches and streams; containers keep running. */
  close(): Promise<void>;
  /**
   * Runtimes whose containers cannot join a namespace by path (docker) hold an awsvpc task's
   * namespace in a container of their own; idempotent per task. Absent: the agent makes the
   * namespace and the runtime joins it by path (process).
   */
  startNamespaceHolder?(spec: NamespaceHolderSpec): Promise<NamespaceHolder>;
  /** Removes the task's holder; nothing when there is none. */
  removeNamespaceHolder?(taskId: string): Promise<void>;
  /**
   * Runtimes with named volumes of their own (docker): makes the volume unless it exists;
   * create false only checks that it does (ECS's autoprovision false). Absent: the agent keeps
   * named volumes as directories (process).
   */
  ensureVolume?(spec: VolumeSpec, create: boolean): Promise<void>;
  /** Removes a named volume; nothing when it is gone. */
  removeVolume?(name: string): Promise<void>;
  /** The named volumes carrying all these labels (a restarted agent finds its task volumes). */
  listVolumes?(labels: Record<string, string>): Promise<{ name: string; labels: Record<string, string> }[]>;
}

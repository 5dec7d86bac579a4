// The simulated runtime: the RuntimeDriver contract without processes, for tests of the agent
// and for benchmarks with thousands of container instances in one process. Behavior comes from
// the containers' labels (simulate-schedule.ts); containers live on a SimulatedHost, which
// several driver instances may share (an agent restart), like a real machine's processes.
import { PORT_TRANSLATION_ATTRIBUTE } from "../model/index.js";
import { ContainerError, ContainerNotFoundError } from "./errors.js";
import { EventHub } from "./event-hub.js";
import { keepAliveUntil } from "./keep-alive.js";
import { containerLabels } from "./labels.js";
import { LineQueue } from "./line-queue.js";
import { simulatedBehavior } from "./simulate-schedule.js";
import { type SimulatedContainer, SimulatedHost } from "./simulated-host.js";
import { type ContainerStats, type CpuStats, emptyCpuStats, ZERO_TIME } from "./stats-types.js";
import { systemTimers, type Timers } from "./timers.js";
import type {
  ContainerSpec,
  ContainerState,
  ExitInfo,
  LogLine,
  LogOptions,
  NetworkBinding,
  RuntimeCapabilities,
  RuntimeDriver,
  RuntimeEvent,
  StopOptions,
  Unsubscribe,
} from "./types.js";

export interface SimulatedDriverOptions {
  /** The machine; share one between driver instances to simulate an agent restart. */
  host?: SimulatedHost;
  /** Used when no host is given. */
  timers?: Timers;
  /** What capabilities() offers; default 2 vCPUs (2048) and 4096 MiB. */
  resources?: { cpu: number; memoryMiB: number };
}

const MIB = 1024 * 1024;

export class SimulatedDriver implements RuntimeDriver {
  readonly name = "simulated" as const;
  readonly host: SimulatedHost;
  readonly #hub = new EventHub();
  readonly #unsubscribe: () => void;
  readonly #previousStats = new Map<string, { read: string; cpu: CpuStats }>();

  constructor(private readonly options: SimulatedDriverOptions = {}) {
    this.host = options.host ?? new SimulatedHost(options.timers ?? systemTimers);
    this.#unsubscribe = this.host.subscribe((e) => this.#hub.emit(e));
  }

  async capabilities(): Promise<RuntimeCapabilities> {
    return {
      attributes: [
        { name: "berth.runtime", value: "simulated" },
        { name: "berth.runtime.isolation", value: "none" },
        // Dynamic host ports are drawn from a counter, as Docker's bridge would.
        { name: PORT_TRANSLATION_ATTRIBUTE, value: "nat" },
        { name: "ecs.capability.container-health-check" },
      ],
      resources: this.options.resources ?? { cpu: 2048, memoryMiB: 4096 },
    };
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    let behavior;
    try {
      behavior = simulatedBehavior(spec);
    } catch (e) {
      throw new ContainerError("CannotCreateContainerError", (e as Error).message);
    }
    if (behavior.failPull !== undefined) throw new ContainerError("CannotPullContainerError", behavior.failPull);
    const bindings: NetworkBinding[] = (spec.portMappings ?? []).map((m) => ({
      bindIP: "0.0.0.0",
      containerPort: m.containerPort,
      hostPort: spec.networkMode === "bridge" && !m.hostPort ? this.host.nextHostPort() : m.hostPort || m.containerPort,
      protocol: m.protocol ?? "tcp",
    }));
    return this.host.add(spec, containerLabels(spec, "simulated"), behavior, bindings).id;
  }

  async start(id: string): Promise<void> {
    const c = this.#get(id);
    if (c.startedAt !== undefined && !c.exit) return;
    if (c.behavior.failStart !== undefined) throw new ContainerError("CannotStartContainerError", c.behavior.failStart);
    // An exited container runs its schedule again, as `docker start` reruns it.
    if (c.exit) this.host.forgetRun(c);
    this.host.start(c);
  }

  async stop(id: string, options: StopOptions = {}): Promise<void> {
    const c = this.#get(id);
    if (c.startedAt === undefined || c.exit) return;
    const timeoutMs = (options.timeoutSeconds ?? c.spec.stopTimeout ?? 30) * 1000;
    this.host.stop(c, timeoutMs, options.signal ?? c.spec.stopSignal ?? "SIGTERM");
    await keepAliveUntil(c.exited);
  }

  async wait(id: string): Promise<ExitInfo> {
    const c = this.#get(id);
    return c.exit ?? keepAliveUntil(c.exited);
  }

  async inspect(id: string): Promise<ContainerState> {
    return stateOf(this.#get(id));
  }

  async stats(id: string): Promise<ContainerStats> {
    const c = this.#get(id);
    const now = this.host.timers.now();
    const end = c.exit?.finishedAt ?? now;
    const runningMs = c.startedAt === undefined ? 0 : Math.max(0, end - c.startedAt);
    const used = runningMs * 1e6 * (c.behavior.cpuPercent / 100);
    const cpu: CpuStats = {
      ...emptyCpuStats(),
      cpu_usage: { total_usage: Math.round(used), usage_in_usermode: Math.round(used * 0.8), usage_in_kernelmode: Math.round(used * 0.2) },
      system_cpu_usage: Math.round((now - this.host.startedAt) * 1e6 * this.host.cpus),
      online_cpus: this.host.cpus,
    };
    const previous = this.#previousStats.get(id);
    const read = new Date(now).toISOString();
    const running = c.startedAt !== undefined && !c.exit;
    const usage = running ? c.behavior.memoryMiB * MIB : 0;
    const stats: ContainerStats = {
      read,
      preread: previous?.read ?? ZERO_TIME,
      name: `/${c.spec.containerName}`,
      id,
      pids_stats: { current: running ? 1 : 0 },
      num_procs: 0,
      cpu_stats: cpu,
      precpu_stats: previous?.cpu ?? emptyCpuStats(),
      memory_stats: { usage, max_usage: usage, stats: {}, limit: (c.spec.memory ?? 4096) * MIB },
      blkio_stats: { io_service_bytes_recursive: null, io_serviced_recursive: null },
    };
    this.#previousStats.set(id, { read, cpu });
    return stats;
  }

  async *logs(id: string, options: LogOptions = {}): AsyncGenerator<LogLine> {
    const c = this.#get(id);
    const since = options.since ?? -Infinity;
    const history = [...c.logs];
    let follower: LineQueue | undefined;
    if (options.follow && !c.exit) {
      follower = new LineQueue();
      c.followers.add(follower);
    }
    try {
      for (const l of history) if (l.timestamp >= since) yield l;
      if (follower) for await (const l of follower.drain(options.signal)) if (l.timestamp >= since) yield l;
    } finally {
      if (follower) c.followers.delete(follower);
    }
  }

  async remove(id: string): Promise<void> {
    const c = this.host.containers.get(id);
    if (!c) return;
    this.host.remove(c);
    this.#previousStats.delete(id);
  }

  async list(): Promise<ContainerState[]> {
    return [...this.host.containers.values()].map(stateOf);
  }

  events(listener: (event: RuntimeEvent) => void): Unsubscribe {
    return this.#hub.subscribe(listener);
  }

  async close(): Promise<void> {
    this.#unsubscribe();
  }

  #get(id: string): SimulatedContainer {
    const c = this.host.containers.get(id);
    if (!c) throw new ContainerNotFoundError(id, "simulated");
    return c;
  }
}

function stateOf(c: SimulatedContainer): ContainerState {
  return {
    id: c.id,
    taskArn: c.spec.taskArn,
    taskId: c.spec.taskId,
    containerName: c.spec.containerName,
    image: c.spec.image,
    labels: { ...c.labels },
    status: c.exit ? "EXITED" : c.startedAt !== undefined ? "RUNNING" : "CREATED",
    createdAt: c.createdAt,
    ...(c.startedAt !== undefined ? { startedAt: c.startedAt } : {}),
    ...(c.exit ? { exit: { ...c.exit } } : {}),
    health: { ...c.health },
    networkBindings: c.startedAt !== undefined ? c.networkBindings.map((b) => ({ ...b })) : [],
  };
}

// The process runtime: each container is a host process tree started from entryPoint ++ command
// (the image is recorded, not used). As root on Linux each container gets its own PID, mount
// and UTS namespaces and cgroups with its cpu shares and memory limits; elsewhere it runs as a
// plain process group, and capabilities() says so (berth.runtime.isolation=none).
//
// Everything needed to find a container again lives under the state dir (process-record.ts),
// and its exit status is written by a shell that outlives the agent (process-launch.ts), so a
// restarted agent re-attaches with list() and still learns exit codes it missed.
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, openSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { availableParallelism, totalmem } from "node:os";
import { NO_PORT_TRANSLATION, PORT_TRANSLATION_ATTRIBUTE } from "../model/index.js";
import { containerDirs } from "./cgroups.js";
import { createCgroups, procsFiles, removeCgroups } from "./cgroup-controller.js";
import { ContainerError, ContainerNotFoundError } from "./errors.js";
import { EventHub, ExitWaiters } from "./event-hub.js";
import { normalizeHealthCheck } from "./health-check.js";
import { keepAliveUntil } from "./keep-alive.js";
import { containerLabels } from "./labels.js";
import { logFiles } from "./log-recorder.js";
import { ProcessContainer } from "./process-container.js";
import { checkHostPorts } from "./host-port-check.js";
import { commandLine, containerEnvironment, type Isolation, joinsTaskNamespace, planLaunch, planNetwork } from "./process-launch.js";
import { checkRunnable, detectProcessHost, type ProcessHost, resolveContainerUser } from "./process-host.js";
import { containerDir, exitFile, type ProcessRecord, readRecords, removeContainerDir, writeRecord } from "./process-record.js";
import { findInit, spawnDetached, waitForCommandExec } from "./process-spawn.js";
import { needsOwnRoot } from "./process-root.js";
import { processInfo } from "./process-table.js";
import type { ContainerStats } from "./stats-types.js";
import { systemTimers, type TimerHandle, type Timers } from "./timers.js";
import type {
  ContainerSpec,
  ContainerState,
  ExitInfo,
  LogLine,
  LogOptions,
  RuntimeCapabilities,
  RuntimeDriver,
  RuntimeEvent,
  StartOptions,
  StopOptions,
  Unsubscribe,
} from "./types.js";

export interface ProcessDriverOptions {
  /** Where container records, exit files and logs live; survives agent restarts. */
  stateDir: string;
  /** "auto": namespaces when root on Linux with util-linux, else none. */
  isolation?: "auto" | Isolation;
  /** "auto": cgroups when root on Linux with usable hierarchies. */
  cgroups?: "auto" | "none";
  /** The containers' cgroup parent, relative to the agent's own cgroup unless absolute. */
  cgroupParent?: string;
  timers?: Timers;
  /** How often running containers' output is recorded and adopted ones checked for exit. */
  pollMs?: number;
}

export { detectProcessHost, type ProcessHost };

export async function createProcessDriver(options: ProcessDriverOptions): Promise<ProcessDriver> {
  return new ProcessDriver(options, await detectProcessHost(options));
}

const KILL_WAIT_MS = 10_000;

export class ProcessDriver implements RuntimeDriver {
  readonly name = "process" as const;
  readonly #timers: Timers;
  readonly #hub = new EventHub();
  readonly #waiters = new ExitWaiters();
  readonly #containers = new Map<string, ProcessContainer>();
  readonly #starting = new Map<string, Promise<void>>();
  #loaded: Promise<void> | undefined;
  #tick: TimerHandle | undefined;
  #closed = false;

  constructor(
    private readonly options: ProcessDriverOptions,
    readonly host: ProcessHost,
  ) {
    this.#timers = options.timers ?? systemTimers;
  }

  async capabilities(): Promise<RuntimeCapabilities> {
    return {
      attributes: [
        { name: "berth.runtime", value: "process" },
        { name: "berth.runtime.isolation", value: this.host.isolation },
        { name: "berth.runtime.cgroup", value: this.host.cgroups?.version ?? "none" },
        // A container binds its containerPort on the host: placement reserves it (no translation).
        // The agent says nat instead where it gives bridge tasks namespaces (node-networks.ts).
        { name: PORT_TRANSLATION_ATTRIBUTE, value: NO_PORT_TRANSLATION },
        { name: "ecs.capability.container-health-check" },
      ],
      resources: { cpu: availableParallelism() * 1024, memoryMiB: Math.floor(totalmem() / 1024 / 1024) },
    };
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    await this.#load();
    const id = randomBytes(32).toString("hex");
    const isolation = this.host.isolation;
    commandLine(spec);
    const networkBindings = planNetwork(spec, isolation);
    const user = await resolveContainerUser(spec.user);
    if (spec.healthCheck) {
      try {
        normalizeHealthCheck(spec.healthCheck);
      } catch (e) {
        throw new ContainerError("CannotCreateContainerError", (e as Error).message);
      }
    }
    const dir = containerDir(this.options.stateDir, id);
    await mkdir(dir, { recursive: true });
    const record: ProcessRecord = {
      version: 1,
      id,
      spec,
      labels: containerLabels(spec, "process"),
      isolation,
      networkBindings,
      createdAt: this.#timers.now(),
      ...(user ? { user } : {}),
    };
    if (this.host.cgroups) {
      record.cgroup = containerDirs(this.host.cgroups, this.options.cgroupParent ?? "berth", id);
      try {
        await createCgroups(record.cgroup, { cpu: spec.cpu, memoryMiB: spec.memory, memoryReservationMiB: spec.memoryReservation });
      } catch (e) {
        await removeCgroups(record.cgroup);
        await removeContainerDir(dir);
        throw new ContainerError("CannotCreateContainerError", `cgroups for container ${spec.containerName}: ${(e as Error).message}`);
      }
    }
    await writeRecord(dir, record);
    this.#containers.set(id, this.#wrap(record));
    return id;
  }

  async start(id: string, options: StartOptions = {}): Promise<void> {
    // Two concurrent starts of one container must not spawn it twice.
    let starting = this.#starting.get(id);
    if (!starting) {
      starting = this.#start(id, options).finally(() => this.#starting.delete(id));
      this.#starting.set(id, starting);
    }
    return starting;
  }

  async #start(id: string, options: StartOptions): Promise<void> {
    const c = await this.#get(id);
    const { record } = c;
    // Held in memory only (writeRecord leaves them out): a record read back after a restart has none.
    if (options.secretEnvironment) record.spec.secretEnvironment = options.secretEnvironment;
    // An exited container starts again as `docker start` does: same id, logs appended.
    if (record.exit) await c.prepareRestart();
    if (record.startedAt !== undefined) return;
    const { spec } = record;
    const env = containerEnvironment(spec, id, record.isolation);
    const argv0 = commandLine(spec)[0] as string;
    // What lies in a volume or tmpfs exists only in the container's own root (process-root.ts).
    const inMount = (path: string) => (spec.mounts ?? []).some((m) => path === m.containerPath || path.startsWith(`${m.containerPath}/`));
    if (!inMount(spec.workingDirectory || "/") && !inMount(argv0)) await checkRunnable(argv0, env, spec.workingDirectory || "/");
    const rootDir = `${c.dir}/root`;
    if (needsOwnRoot(spec)) await mkdir(rootDir, { recursive: true });
    // Ports are the host's (bound by the container, or forwarded to its namespace in bridge
    // mode): one another program holds fails the start here.
    const portProblem = spec.networkMode === "none" || spec.networkMode === "awsvpc" ? undefined : await checkHostPorts(record.networkBindings, joinsTaskNamespace(spec) ? "forwards" : "binds");
    if (portProblem !== undefined) throw new ContainerError("CannotStartContainerError", portProblem);
    const plan = planLaunch({
      spec,
      id,
      exitFile: exitFile(c.dir),
      isolation: record.isolation,
      cgroupProcsFiles: record.cgroup ? procsFiles(record.cgroup) : [],
      tools: this.host.tools,
      ...(record.user ? { user: record.user } : {}),
      rootDir,
    });
    const files = logFiles(c.dir);
    const out = openSync(files.stdout, "a");
    const err = openSync(files.stderr, "a");
    const startedAt = this.#timers.now();
    let child: ChildProcess;
    let childExit: Promise<number | null>;
    try {
      ({ child, exit: childExit } = await spawnDetached(plan.argv, plan.env, plan.cwd, out, err));
    } catch (e) {
      throw new ContainerError("CannotStartContainerError", `${plan.argv[0]}: ${(e as Error).message}`);
    } finally {
      closeSync(out);
      closeSync(err);
    }
    const pid = child.pid as number;
    record.startedAt = startedAt;
    record.waiterPid = pid;
    const info = await processInfo(pid);
    if (info) record.waiterStart = info.startToken;
    c.attachChild(child, childExit);
    const init = await findInit(pid, () => c.childExited);
    if (init) {
      record.initPid = init.pid;
      record.initStart = init.startToken;
      // Like `docker start`, return once the command itself runs: a stop signal sent earlier
      // would reach the init shell (PID 1 ignores SIGTERM) instead of the command's handler.
      await waitForCommandExec(init.pid, this.host.tools, () => c.childExited);
    }
    await c.persist();
    this.#emit({ kind: "started", id, taskArn: spec.taskArn, containerName: spec.containerName, at: record.startedAt });
    c.markStarted();
    c.startMonitoring();
    this.#ensureTick();
  }

  async stop(id: string, options: StopOptions = {}): Promise<void> {
    await keepAliveUntil(this.#stop(id, options));
  }

  async #stop(id: string, options: StopOptions): Promise<void> {
    const c = await this.#get(id);
    const { record } = c;
    if (record.startedAt === undefined || record.exit) return;
    const signal = options.signal ?? record.spec.stopSignal ?? "SIGTERM";
    const timeoutMs = (options.timeoutSeconds ?? record.spec.stopTimeout ?? 30) * 1000;
    const exited = c.exited();
    await c.signalInit(signal);
    if (await this.#within(exited, timeoutMs)) return;
    await c.signalInit("SIGKILL");
    if (!(await this.#within(exited, KILL_WAIT_MS))) {
      throw new ContainerError("CannotStopContainerError", `container ${record.spec.containerName} (${id}) still runs ${KILL_WAIT_MS / 1000} s after SIGKILL`);
    }
  }

  async wait(id: string): Promise<ExitInfo> {
    const c = await this.#get(id);
    if (c.record.exit) return c.record.exit;
    return keepAliveUntil(this.#waiters.wait(id));
  }

  async inspect(id: string): Promise<ContainerState> {
    return (await this.#get(id)).state();
  }

  async stats(id: string): Promise<ContainerStats> {
    return (await this.#get(id)).stats();
  }

  async *logs(id: string, options: LogOptions = {}): AsyncGenerator<LogLine> {
    const c = await this.#get(id);
    yield* c.recorder.read(options);
  }

  async remove(id: string): Promise<void> {
    await this.#load();
    const c = this.#containers.get(id);
    if (!c) return;
    if (c.record.startedAt !== undefined && !c.record.exit) {
      const exited = c.exited();
      await c.signalInit("SIGKILL");
      await keepAliveUntil(this.#within(exited, KILL_WAIT_MS));
    }
    this.#containers.delete(id);
    await c.destroy();
  }

  async list(): Promise<ContainerState[]> {
    await this.#load();
    return [...this.#containers.values()].map((c) => c.state());
  }

  events(listener: (event: RuntimeEvent) => void): Unsubscribe {
    return this.#hub.subscribe(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#tick) this.#timers.clearTimeout(this.#tick);
    for (const c of this.#containers.values()) c.detach();
    this.#waiters.rejectAll(new Error("process runtime driver closed"));
  }

  #emit(event: RuntimeEvent): void {
    this.#hub.emit(event);
  }

  #wrap(record: ProcessRecord): ProcessContainer {
    return new ProcessContainer(record, containerDir(this.options.stateDir, record.id), {
      timers: this.#timers,
      tools: this.host.tools,
      emit: (e) => this.#emit(e),
      onExit: (exit) => this.#waiters.resolve(record.id, exit),
    });
  }

  async #get(id: string): Promise<ProcessContainer> {
    await this.#load();
    const c = this.#containers.get(id);
    if (!c) throw new ContainerNotFoundError(id, "process");
    return c;
  }

  /** Reads the state dir once; containers that were running are adopted (or found exited). */
  #load(): Promise<void> {
    this.#loaded ??= (async () => {
      for (const record of await readRecords(this.options.stateDir)) {
        if (this.#containers.has(record.id)) continue;
        const c = this.#wrap(record);
        this.#containers.set(record.id, c);
        if (record.startedAt !== undefined && !record.exit) {
          c.startMonitoring();
          await c.checkExit();
        } else if (record.exit) {
          void c.recorder.finish();
        }
      }
      this.#ensureTick();
    })();
    return this.#loaded;
  }

  /** One timer for all running containers: record their output, notice exits of adopted ones. */
  #ensureTick(): void {
    if (this.#closed || this.#tick) return;
    if (![...this.#containers.values()].some((c) => c.isRunning)) return;
    this.#tick = this.#timers.setTimeout(async () => {
      const running = [...this.#containers.values()].filter((c) => c.isRunning);
      await Promise.all(running.map((c) => c.poll()));
      this.#tick = undefined;
      this.#ensureTick();
    }, this.options.pollMs ?? 200);
  }

  /** Whether `exited` settles within ms. */
  #within(exited: Promise<unknown>, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = this.#timers.setTimeout(() => resolve(false), ms);
      exited.then(
        () => {
          this.#timers.clearTimeout(timer);
          resolve(true);
        },
        () => resolve(true),
      );
    });
  }
}

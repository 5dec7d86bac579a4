// The docker runtime, through the engine's API (dockerode), the way the ECS agent uses Docker:
// pull when needed (a failure becomes `CannotPullContainerError: <engine's message>`), create
// with the task's limits and labels, start, stop with a timeout (stop signal, then SIGKILL),
// Docker's own HEALTHCHECK for health, OOMKilled from inspect for the OutOfMemoryError reason,
// and the engine's event stream for exits and health changes. Containers carry berth's labels,
// so a restarted agent lists them by label; the driver keeps no state of its own.
import { randomBytes } from "node:crypto";
import Docker from "dockerode";
import { PORT_TRANSLATION_ATTRIBUTE } from "../model/index.js";
import { dockerConnection } from "./detect-runtime.js";
import { dockerCreateOptions, dockerContainerName, imageReference } from "./docker-create-options.js";
import { type DockerEvent, DockerEventStream } from "./docker-events.js";
import { DockerLogDemuxer, dockerSince } from "./docker-log-frames.js";
import { containerStateFromInspect, dockerHealth } from "./docker-state.js";
import { ContainerError, type ContainerErrorName, ContainerNotFoundError, OUT_OF_MEMORY_REASON } from "./errors.js";
import { EventHub, ExitWaiters } from "./event-hub.js";
import { keepAliveUntil } from "./keep-alive.js";
import { removePause, startPause } from "./docker-pause.js";
import { LABELS } from "./labels.js";
import { type ContainerStats, type CpuStats, emptyCpuStats, ZERO_TIME } from "./stats-types.js";
import type {
  ContainerSpec,
  ContainerState,
  ExitInfo,
  LogLine,
  LogOptions,
  NamespaceHolder,
  NamespaceHolderSpec,
  RuntimeCapabilities,
  RuntimeDriver,
  RuntimeEvent,
  StopOptions,
  VolumeSpec,
  Unsubscribe,
} from "./types.js";

/** ECS_IMAGE_PULL_BEHAVIOR's choices that berth implements; "prefer-cached" is berth's default. */
export type PullBehavior = "default" | "always" | "prefer-cached";

export interface DockerDriverOptions {
  /** A dockerode client; default: DOCKER_HOST, else /var/run/docker.sock. */
  docker?: Docker;
  /**
   * default: pull, fall back to a cached image; always: pull, fail if the pull fails;
   * prefer-cached: use a local image, pull only when there is none.
   */
  pullBehavior?: PullBehavior;
}

/** The oldest Docker API the ECS agent still lists as a capability. */
const MIN_API_MINOR = 17;

interface DockerError extends Error {
  statusCode?: number;
  json?: { message?: string } | string;
}

function engineMessage(e: unknown): string {
  const err = e as DockerError;
  const json = err.json;
  if (json && typeof json === "object" && json.message) return json.message;
  if (typeof json === "string" && json.trim()) return json.trim();
  return err.message ?? String(e);
}

const statusOf = (e: unknown) => (e as DockerError).statusCode;

export async function createDockerDriver(options: DockerDriverOptions = {}): Promise<DockerDriver> {
  const docker = options.docker ?? new Docker(dockerConnection().options);
  const driver = new DockerDriver(docker, options);
  await driver.open();
  return driver;
}

export class DockerDriver implements RuntimeDriver {
  readonly name = "docker" as const;
  readonly #hub = new EventHub();
  readonly #waiters = new ExitWaiters();
  /** Containers the engine reported an "oom" event for: inspect's OOMKilled can lag the exit. */
  readonly #oomKilled = new Set<string>();
  readonly #events: DockerEventStream;
  readonly #previousStats = new Map<string, { read: string; cpu: CpuStats }>();

  constructor(
    readonly docker: Docker,
    private readonly options: DockerDriverOptions = {},
  ) {
    this.#events = new DockerEventStream(docker, (e) => void this.#onEvent(e), () => void this.#recheckWaiters());
  }

  /** Opens the event stream; createDockerDriver() calls it. */
  async open(): Promise<void> {
    await this.#events.open();
  }

  async capabilities(): Promise<RuntimeCapabilities> {
    const [version, info] = await Promise.all([this.docker.version(), this.docker.info()]);
    const minor = Number(String(version.ApiVersion).split(".")[1] ?? MIN_API_MINOR);
    const apis = [];
    for (let m = MIN_API_MINOR; m <= minor; m++) apis.push({ name: `com.amazonaws.ecs.capability.docker-remote-api.1.${m}` });
    const logDrivers: string[] = info.Plugins?.Log ?? [];
    return {
      attributes: [
        ...apis,
        ...["json-file", "none"].filter((d) => logDrivers.includes(d)).map((d) => ({ name: `com.amazonaws.ecs.capability.logging-driver.${d}` })),
        { name: "ecs.capability.container-health-check" },
        { name: "berth.runtime", value: "docker" },
        { name: "berth.runtime.isolation", value: "container" },
        { name: PORT_TRANSLATION_ATTRIBUTE, value: "nat" },
      ],
      resources: { cpu: (info.NCPU ?? 1) * 1024, memoryMiB: Math.floor((info.MemTotal ?? 0) / 1024 / 1024) },
    };
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    const body = dockerCreateOptions(spec, dockerContainerName(spec, randomBytes(4).toString("hex")));
    await this.#ensureImage(spec);
    try {
      const container = await this.docker.createContainer(body);
      return container.id;
    } catch (e) {
      throw new ContainerError("CannotCreateContainerError", engineMessage(e), { cause: e });
    }
  }

  async start(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).start();
    } catch (e) {
      if (statusOf(e) === 304) return; // already running
      this.#rethrow(e, id, "CannotStartContainerError");
    }
  }

  async stop(id: string, options: StopOptions = {}): Promise<void> {
    const container = this.docker.getContainer(id);
    let info: Docker.ContainerInspectInfo;
    try {
      info = await container.inspect();
    } catch (e) {
      this.#rethrow(e, id, "CannotStopContainerError");
    }
    if (containerStateFromInspect(info).status !== "RUNNING") return;
    // The spec's stopTimeout was stored as the container's StopTimeout; ECS's default is 30 s.
    const configured = (info.Config as { StopTimeout?: number }).StopTimeout;
    const timeoutSeconds = options.timeoutSeconds ?? configured ?? 30;
    try {
      if (options.signal) {
        // Engines before API 1.42 take no signal on stop: send it, wait, then kill.
        const exited = this.wait(id);
        await container.kill({ signal: options.signal });
        const done = await Promise.race([exited.then(() => true), sleep(timeoutSeconds * 1000).then(() => false)]);
        if (!done) await container.kill({ signal: "SIGKILL" });
        await exited;
        return;
      }
      await keepAliveUntil(container.stop({ t: timeoutSeconds }));
    } catch (e) {
      const code = statusOf(e);
      if (code === 304 || code === 409) return; // not running (any more)
      this.#rethrow(e, id, "CannotStopContainerError");
    }
    await this.wait(id);
  }

  async wait(id: string): Promise<ExitInfo> {
    // Register first, then look: an exit between the two is caught either way.
    const waiting = this.#waiters.wait(id);
    const state = await this.inspect(id).catch((e: unknown) => {
      this.#waiters.reject(id, e as Error);
      throw e;
    });
    if (state.exit) this.#waiters.resolve(id, state.exit);
    return keepAliveUntil(waiting);
  }

  async inspect(id: string): Promise<ContainerState> {
    try {
      return containerStateFromInspect(await this.docker.getContainer(id).inspect());
    } catch (e) {
      this.#rethrow(e, id, "CannotInspectContainerError");
    }
  }

  async stats(id: string): Promise<ContainerStats> {
    let raw: ContainerStats;
    try {
      // one-shot: the engine answers at once instead of sampling twice a second apart;
      // precpu_stats then comes from this driver's previous sample, as a streaming reader has it.
      raw = (await this.docker.getContainer(id).stats({ stream: false, "one-shot": true } as { stream: false })) as unknown as ContainerStats;
    } catch (e) {
      this.#rethrow(e, id, "CannotInspectContainerError");
    }
    const previous = this.#previousStats.get(id);
    const stats: ContainerStats = {
      ...raw,
      preread: previous?.read ?? ZERO_TIME,
      precpu_stats: previous?.cpu ?? emptyCpuStats(),
    };
    this.#previousStats.set(id, { read: stats.read, cpu: stats.cpu_stats });
    return stats;
  }

  async *logs(id: string, options: LogOptions = {}): AsyncGenerator<LogLine> {
    const container = this.docker.getContainer(id);
    const query = {
      stdout: true,
      stderr: true,
      timestamps: true,
      ...(options.since !== undefined ? { since: dockerSince(options.since) } : {}),
    };
    const since = options.since ?? -Infinity;
    const demux = new DockerLogDemuxer();
    if (!options.follow) {
      let buf: Buffer;
      try {
        buf = (await container.logs({ ...query, follow: false } as Docker.ContainerLogsOptions & { follow: false })) as unknown as Buffer;
      } catch (e) {
        this.#rethrow(e, id, "CannotInspectContainerError");
      }
      for (const l of [...demux.push(Buffer.from(buf)), ...demux.end()]) if (l.timestamp >= since) yield l;
      return;
    }
    let stream: NodeJS.ReadableStream;
    try {
      stream = (await container.logs({ ...query, follow: true } as Docker.ContainerLogsOptions & { follow: true })) as NodeJS.ReadableStream;
    } catch (e) {
      this.#rethrow(e, id, "CannotInspectContainerError");
    }
    const destroy = () => (stream as unknown as { destroy(): void }).destroy();
    options.signal?.addEventListener("abort", destroy, { once: true });
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        for (const l of demux.push(chunk)) if (l.timestamp >= since) yield l;
      }
      for (const l of demux.end()) if (l.timestamp >= since) yield l;
    } catch (e) {
      if (!options.signal?.aborted) throw e;
    } finally {
      options.signal?.removeEventListener("abort", destroy);
      destroy();
    }
  }

  async remove(id: string): Promise<void> {
    this.#previousStats.delete(id);
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (e) {
      if (statusOf(e) === 404) return;
      // 409: removal already in progress.
      if (statusOf(e) === 409) return;
      throw new Error(`cannot remove container ${id}: ${engineMessage(e)}`, { cause: e });
    }
  }

  async startNamespaceHolder(spec: NamespaceHolderSpec): Promise<NamespaceHolder> {
    try {
      await this.#ensureImage({ image: spec.image } as ContainerSpec);
      return await startPause(this.docker, spec);
    } catch (e) {
      if (e instanceof ContainerError) throw e;
      throw new ContainerError("CannotCreateContainerError", `pause container for task ${spec.taskId}: ${engineMessage(e)}`, { cause: e });
    }
  }

  removeNamespaceHolder(taskId: string): Promise<void> {
    return removePause(this.docker, taskId);
  }

  /** A named volume (dockerVolumeConfiguration): made unless it exists; create false only checks. */
  async ensureVolume(spec: VolumeSpec, create: boolean): Promise<void> {
    try {
      await this.docker.getVolume(spec.name).inspect();
      return;
    } catch (e) {
      if (statusOf(e) !== 404) throw new Error(`volume ${spec.name}: ${engineMessage(e)}`, { cause: e });
    }
    if (!create) throw new Error(`volume ${spec.name} does not exist in the engine and its dockerVolumeConfiguration does not autoprovision it`);
    try {
      await this.docker.createVolume({ Name: spec.name, Driver: spec.driver, DriverOpts: spec.driverOpts, Labels: { ...spec.labels, [LABELS.managed]: "true" } });
    } catch (e) {
      throw new Error(`volume ${spec.name}: ${engineMessage(e)}`, { cause: e });
    }
  }

  async listVolumes(labels: Record<string, string>): Promise<{ name: string; labels: Record<string, string> }[]> {
    const res = await this.docker.listVolumes({ filters: { label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) } });
    return (res.Volumes ?? []).map((v) => ({ name: v.Name, labels: v.Labels ?? {} }));
  }

  async removeVolume(name: string): Promise<void> {
    try {
      await this.docker.getVolume(name).remove();
    } catch (e) {
      if (statusOf(e) === 404) return;
      throw new Error(`cannot remove volume ${name}: ${engineMessage(e)}`, { cause: e });
    }
  }

  async list(): Promise<ContainerState[]> {
    const summaries = await this.docker.listContainers({ all: true, filters: { label: [`${LABELS.managed}=true`] } });
    const states = await Promise.all(summaries.map((s) => this.inspect(s.Id).catch(() => undefined)));
    return states.filter((s): s is ContainerState => s !== undefined);
  }

  events(listener: (event: RuntimeEvent) => void): Unsubscribe {
    return this.#hub.subscribe(listener);
  }

  async close(): Promise<void> {
    this.#events.close();
    this.#waiters.rejectAll(new Error("docker runtime driver closed"));
  }

  async #ensureImage(spec: ContainerSpec): Promise<void> {
    const ref = imageReference(spec.image);
    const behavior = this.options.pullBehavior ?? "prefer-cached";
    const cached = async () => {
      try {
        await this.docker.getImage(ref).inspect();
        return true;
      } catch {
        return false;
      }
    };
    if (behavior === "prefer-cached" && (await cached())) return;
    try {
      await this.#pull(ref, spec);
    } catch (e) {
      if (behavior === "default" && (await cached())) return;
      throw new ContainerError("CannotPullContainerError", engineMessage(e), { cause: e });
    }
  }

  async #pull(ref: string, spec: ContainerSpec): Promise<void> {
    const auth = spec.registryAuth
      ? { username: spec.registryAuth.username, password: spec.registryAuth.password, ...(spec.registryAuth.serverAddress ? { serveraddress: spec.registryAuth.serverAddress } : {}) }
      : undefined;
    const stream = (await this.docker.pull(ref, auth ? { authconfig: auth } : {})) as NodeJS.ReadableStream;
    // The engine reports a failed pull inside the progress stream, with HTTP 200.
    await new Promise<void>((resolve, reject) => {
      this.docker.modem.followProgress(stream, (err: Error | null, output: { error?: string; errorDetail?: { message?: string } }[]) => {
        if (err) return reject(err);
        const failed = output.find((o) => o.error || o.errorDetail);
        if (failed) return reject(new Error(failed.errorDetail?.message ?? failed.error));
        resolve();
      });
    });
  }

  #rethrow(e: unknown, id: string, name: ContainerErrorName): never {
    if (statusOf(e) === 404) throw new ContainerNotFoundError(id, "docker");
    throw new ContainerError(name, engineMessage(e), { cause: e });
  }

  async #onEvent(e: DockerEvent): Promise<void> {
    const taskArn = e.attributes[LABELS.taskArn] ?? "";
    const containerName = e.attributes[LABELS.containerName] ?? "";
    const ident = { id: e.id, taskArn, containerName };
    if (e.action === "start") {
      this.#hub.emit({ kind: "started", ...ident, at: e.time });
    } else if (e.action === "oom") {
      this.#oomKilled.add(e.id);
    } else if (e.action === "die") {
      let exit: ExitInfo | undefined;
      try {
        exit = (await this.inspect(e.id)).exit;
        // Under load the engine can record the exit before it has processed the kernel's OOM
        // notice: a SIGKILL death gets one more look before it is taken as a plain kill.
        if (exit?.exitCode === 137 && !exit.reason && !this.#oomKilled.has(e.id)) {
          await sleep(300);
          exit = (await this.inspect(e.id)).exit ?? exit;
        }
      } catch {
        // Removed with force before we could look: the event still carries the exit code.
      }
      exit ??= { exitCode: Number(e.attributes.exitCode ?? NaN), finishedAt: e.time };
      if (this.#oomKilled.delete(e.id) && !exit.reason) exit = { ...exit, reason: OUT_OF_MEMORY_REASON };
      this.#waiters.resolve(e.id, exit);
      this.#hub.emit({ kind: "exited", ...ident, ...exit });
    } else if (e.action.startsWith("health_status:")) {
      this.#hub.emit({ kind: "health", ...ident, status: dockerHealth(e.action.slice("health_status:".length).trim()), at: e.time });
    }
  }

  async #recheckWaiters(): Promise<void> {
    for (const id of this.#waiters.ids()) {
      const state = await this.inspect(id).catch(() => undefined);
      if (state?.exit) this.#waiters.resolve(id, state.exit);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

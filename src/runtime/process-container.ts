// One process-runtime container while a driver watches it: noticing its exit (from the child
// handle when this agent spawned it, from the exit file and pid checks when it was adopted
// after a restart), its health probes, its log recording, its stats and signals.
import { type ChildProcess, spawn } from "node:child_process";
import { readFile, rm, writeFile } from "node:fs/promises";
import { constants as osConstants, totalmem } from "node:os";
import { cgroupPids, oomKillCount, procsFiles, removeCgroups, sampleCgroupFiles } from "./cgroup-controller.js";
import { OUT_OF_MEMORY_REASON, truncateReason } from "./errors.js";
import { type HealthProbe, initialHealth, MAX_PROBE_OUTPUT, normalizeHealthCheck } from "./health-check.js";
import { HealthCheckRunner } from "./health-check-runner.js";
import { LogRecorder } from "./log-recorder.js";
import { type HostTools, ownsNetwork, planProbe } from "./process-launch.js";
import { exitFile, type ProcessRecord, readExitFile, removeContainerDir, writeRecord } from "./process-record.js";
import { buildStats } from "./process-stats.js";
import { childPids, isSameProcessAlive, listProcesses, signalProcess } from "./process-table.js";
import type { ContainerStats, CpuStats } from "./stats-types.js";
import type { Timers } from "./timers.js";
import type { ContainerState, ExitInfo, RuntimeEvent } from "./types.js";

export interface ContainerContext {
  timers: Timers;
  tools: HostTools;
  emit: (event: RuntimeEvent) => void;
  onExit: (exit: ExitInfo) => void;
}

export class ProcessContainer {
  readonly recorder: LogRecorder;
  #child: ChildProcess | undefined;
  #childExit: { code: number | null } | undefined;
  #health: HealthCheckRunner | undefined;
  #checking: Promise<void> = Promise.resolve();
  #exited: Promise<ExitInfo>;
  #resolveExited!: (exit: ExitInfo) => void;
  #previousStats: { read: string; cpu: CpuStats } | undefined;
  #detached = false;
  #writes: Promise<void> = Promise.resolve();
  // Exit handling waits until start() has reported "started", so events keep their order.
  #ready: Promise<void>;
  #markReady!: () => void;

  constructor(
    readonly record: ProcessRecord,
    readonly dir: string,
    private readonly ctx: ContainerContext,
  ) {
    this.recorder = new LogRecorder(dir, () => ctx.timers.now());
    this.#exited = new Promise((resolve) => (this.#resolveExited = resolve));
    if (record.exit) this.#resolveExited(record.exit);
    this.#ready = new Promise((resolve) => (this.#markReady = resolve));
    if (record.startedAt !== undefined) this.#markReady();
  }

  /** Forgets the last run of an exited container, so that start() runs it again. */
  async prepareRestart(): Promise<void> {
    const { record } = this;
    if (!record.exit) return;
    await rm(exitFile(this.dir), { force: true });
    // The cgroup's OOM kill count is cumulative: only kills after this point mean this run's OOM.
    if (record.cgroup) record.oomKillsBefore = await oomKillCount(record.cgroup);
    for (const k of ["exit", "startedAt", "waiterPid", "waiterStart", "initPid", "initStart", "health"] as const) delete record[k];
    this.#child = undefined;
    this.#childExit = undefined;
    this.#exited = new Promise((resolve) => (this.#resolveExited = resolve));
    this.#ready = new Promise((resolve) => (this.#markReady = resolve));
    this.recorder.reopen();
    await this.persist();
  }

  /** start() is done: exits may now be reported. */
  markStarted(): void {
    this.#markReady();
  }

  /** Writes the record; writes of one container never overlap. */
  persist(): Promise<void> {
    const snapshot = JSON.parse(JSON.stringify(this.record)) as ProcessRecord;
    this.#writes = this.#writes.then(() => writeRecord(this.dir, snapshot)).catch(() => undefined);
    return this.#writes;
  }

  get isRunning(): boolean {
    return this.record.startedAt !== undefined && !this.record.exit;
  }

  /** True once the waiting shell this agent spawned has exited. */
  get childExited(): boolean {
    return this.#childExit !== undefined;
  }

  exited(): Promise<ExitInfo> {
    return this.#exited;
  }

  /** `exit` settles with the waiting shell's exit code; it was listened for at spawn time. */
  attachChild(child: ChildProcess, exit: Promise<number | null>): void {
    this.#child = child;
    void exit.then((code) => {
      // The shell of an earlier run (before a restart) may end after its exit file was read.
      if (this.#detached || this.#child !== child) return;
      this.#childExit = { code };
      void this.checkExit();
    });
  }

  /** Starts health probes for a running container (again, after an agent restart). */
  startMonitoring(): void {
    const { spec } = this.record;
    if (!spec.healthCheck || !this.isRunning || this.#health) return;
    const config = normalizeHealthCheck(spec.healthCheck);
    const ident = { id: this.record.id, taskArn: spec.taskArn, containerName: spec.containerName };
    this.#health = new HealthCheckRunner({
      config,
      containerStartedAt: this.record.startedAt as number,
      timers: this.ctx.timers,
      run: (probe, signal) => this.#runProbe(probe, signal),
      ...(this.record.health ? { initial: this.record.health } : {}),
      onStatusChange: (health, at) => {
        this.ctx.emit({ kind: "health", ...ident, status: health.status, at, ...(health.output ? { output: health.output } : {}) });
      },
      onProbe: (health) => {
        const before = this.record.health;
        this.record.health = health;
        if (!this.#detached && (before?.status !== health.status || before?.failingStreak !== health.failingStreak)) {
          void this.persist();
        }
      },
    });
    this.#health.start();
  }

  /** Periodic work while running: record output; for adopted containers, look for the exit. */
  async poll(): Promise<void> {
    await this.recorder.pump().catch(() => undefined);
    // Adopted containers have no child handle to report the exit; a failed finalize retries.
    if (!this.#child || this.#childExit) await this.checkExit();
  }

  /** Finalizes the container if its init has exited; safe to call any time, from anywhere. */
  checkExit(): Promise<void> {
    this.#checking = this.#checking.then(() => this.#checkExitOnce()).catch(() => undefined);
    return this.#checking;
  }

  async #checkExitOnce(): Promise<void> {
    await this.#ready;
    if (!this.isRunning || this.#detached) return;
    const { record } = this;
    let file = await readExitFile(this.dir);
    if (!file) {
      const alive = this.#childExit ? false : await isSameProcessAlive(record.waiterPid ?? -1, record.waiterStart);
      if (alive) return;
      // The waiting shell writes before it exits: look once more now that it is gone.
      file = await readExitFile(this.dir);
    }
    let exit: ExitInfo;
    // The file system's clock is coarser than ours: never report an exit before the start.
    if (file) exit = { exitCode: file.code, finishedAt: Math.max(file.at, record.startedAt ?? 0) };
    else if (this.#childExit && this.#childExit.code !== null) {
      // It ended before the init ran (e.g. joining a cgroup failed); its own status says how.
      exit = { exitCode: this.#childExit.code, finishedAt: this.ctx.timers.now() };
    } else {
      exit = {
        exitCode: null,
        reason: truncateReason(
          `ContainerVanishedError: the process of container ${record.spec.containerName} (pid ${record.waiterPid}) ended without recording an exit status (host reboot, or killed from outside)`,
        ),
        finishedAt: this.ctx.timers.now(),
      };
      if (record.cgroup) for (const pid of await cgroupPids(record.cgroup)) signalProcess(pid, "SIGKILL");
    }
    await this.#finalize(exit);
  }

  async #finalize(exit: ExitInfo): Promise<void> {
    const { record } = this;
    if (record.cgroup && !exit.reason && (await oomKillCount(record.cgroup)) > (record.oomKillsBefore ?? 0)) exit.reason = OUT_OF_MEMORY_REASON;
    this.#health?.dispose();
    this.#health = undefined;
    await this.recorder.finish().catch(() => undefined);
    record.exit = exit;
    await this.persist();
    this.#resolveExited(exit);
    this.ctx.onExit(exit);
    const { spec } = record;
    this.ctx.emit({ kind: "exited", id: record.id, taskArn: spec.taskArn, containerName: spec.containerName, ...exit });
  }

  /** The container's init, verified by its start time so a reused pid is never signalled. */
  async #initPid(): Promise<number | undefined> {
    const { record } = this;
    if (record.initPid !== undefined && (await isSameProcessAlive(record.initPid, record.initStart))) return record.initPid;
    if (record.waiterPid === undefined || !(await isSameProcessAlive(record.waiterPid, record.waiterStart))) return undefined;
    return (await childPids(record.waiterPid))[0];
  }

  async signalInit(signal: NodeJS.Signals): Promise<void> {
    const pid = await this.#initPid();
    if (pid !== undefined) {
      signalProcess(pid, signal);
      return;
    }
    if (signal === "SIGKILL" && this.record.waiterPid !== undefined && (await isSameProcessAlive(this.record.waiterPid, this.record.waiterStart))) {
      // No init to be found but the waiting shell lives: kill its whole group, recording the
      // status the init would have had.
      await writeFile(exitFile(this.dir), "137\n");
      signalProcess(-this.record.waiterPid, "SIGKILL");
      void this.checkExit();
    }
  }

  state(): ContainerState {
    const { record } = this;
    const { spec } = record;
    const running = this.isRunning;
    return {
      id: record.id,
      taskArn: spec.taskArn,
      taskId: spec.taskId,
      containerName: spec.containerName,
      image: spec.image,
      labels: { ...record.labels },
      status: record.exit ? "EXITED" : record.startedAt !== undefined ? "RUNNING" : "CREATED",
      createdAt: record.createdAt,
      ...(record.startedAt !== undefined ? { startedAt: record.startedAt } : {}),
      ...(record.exit ? { exit: { ...record.exit } } : {}),
      health: { ...(this.#health?.health ?? record.health ?? initialHealth()) },
      networkBindings: record.startedAt !== undefined ? record.networkBindings.map((b) => ({ ...b })) : [],
      ...(running && record.initPid !== undefined ? { pid: record.initPid } : {}),
    };
  }

  async stats(): Promise<ContainerStats> {
    const { record } = this;
    const [procStat, cgroupFiles, processes, netDev] = await Promise.all([
      readFile("/proc/stat", "utf8").catch(() => undefined),
      record.cgroup ? sampleCgroupFiles(record.cgroup) : undefined,
      !record.cgroup && this.isRunning && record.waiterPid !== undefined
        ? listProcesses().then((all) => all.filter((p) => p.pgid === record.waiterPid))
        : undefined,
      ownsNetwork(record.spec) && this.isRunning && record.initPid !== undefined
        ? readFile(`/proc/${record.initPid}/net/dev`, "utf8").catch(() => undefined)
        : undefined,
    ]);
    const stats = buildStats({
      now: this.ctx.timers.now(),
      id: record.id,
      name: record.spec.containerName,
      ...(record.cgroup && cgroupFiles ? { cgroup: { version: record.cgroup.version, files: cgroupFiles } } : {}),
      ...(processes ? { processes } : {}),
      ...(procStat !== undefined ? { procStat } : {}),
      ...(netDev !== undefined ? { netDev } : {}),
      hostMemoryBytes: totalmem(),
      ...(this.#previousStats ? { previous: this.#previousStats } : {}),
    });
    this.#previousStats = { read: stats.read, cpu: stats.cpu_stats };
    return stats;
  }

  /** Stops watching (driver closed); the container itself keeps running. */
  detach(): void {
    this.#detached = true;
    this.#health?.dispose();
    this.#health = undefined;
  }

  async destroy(): Promise<void> {
    this.detach();
    await this.recorder.finish().catch(() => undefined);
    if (this.record.cgroup) await removeCgroups(this.record.cgroup);
    await removeContainerDir(this.dir);
  }

  #runProbe(probe: HealthProbe, signal: AbortSignal): Promise<{ exitCode: number | null; output: string }> {
    const { record } = this;
    if (record.initPid === undefined) return Promise.resolve({ exitCode: null, output: "container init not found" });
    const plan = planProbe({
      probe,
      spec: record.spec,
      id: record.id,
      isolation: record.isolation,
      initPid: record.initPid,
      cgroupProcsFiles: record.cgroup ? procsFiles(record.cgroup) : [],
      tools: this.ctx.tools,
      ...(record.user ? { user: record.user } : {}),
    });
    return new Promise((resolve) => {
      let output = "";
      const child = spawn(plan.argv[0] as string, plan.argv.slice(1), {
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
        env: plan.env,
        cwd: plan.cwd,
      });
      const collect = (chunk: Buffer) => {
        if (output.length < MAX_PROBE_OUTPUT) output += chunk.toString("utf8");
      };
      child.stdout?.on("data", collect);
      child.stderr?.on("data", collect);
      // The probe and whatever it started share its process group: kill them all.
      const onAbort = () => child.pid !== undefined && signalProcess(-child.pid, "SIGKILL");
      signal.addEventListener("abort", onAbort, { once: true });
      child.once("error", (e) => {
        signal.removeEventListener("abort", onAbort);
        resolve({ exitCode: null, output: e.message });
      });
      child.once("close", (code, sig) => {
        signal.removeEventListener("abort", onAbort);
        resolve({ exitCode: code ?? (sig ? 128 + signalNumber(sig) : null), output: output.slice(0, MAX_PROBE_OUTPUT) });
      });
    });
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  return (osConstants.signals as Record<string, number>)[signal] ?? 0;
}

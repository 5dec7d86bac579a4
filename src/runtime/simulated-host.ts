// The machine a simulated runtime runs on: containers that start, turn healthy and exit on the
// schedules their labels describe (simulate-schedule.ts), with no processes. Containers belong
// to the host, not to a driver, so a new driver on the same host — an agent restart — finds
// them still running, as on a real machine. Time comes from the host's Timers; a manual clock
// lets a test or benchmark run hours of many thousands of containers in moments.
import { OUT_OF_MEMORY_REASON } from "./errors.js";
import { initialHealth, normalizeHealthCheck } from "./health-check.js";
import { LineQueue } from "./line-queue.js";
import { type SimulatedBehavior } from "./simulate-schedule.js";
import type { TimerHandle, Timers } from "./timers.js";
import type { ContainerHealth, ContainerSpec, ExitInfo, HealthStatus, LogLine, NetworkBinding, RuntimeEvent } from "./types.js";

export interface SimulatedContainer {
  id: string;
  spec: ContainerSpec;
  labels: Record<string, string>;
  behavior: SimulatedBehavior;
  createdAt: number;
  startedAt?: number;
  exit?: ExitInfo;
  health: ContainerHealth;
  networkBindings: NetworkBinding[];
  logs: LogLine[];
  followers: Set<LineQueue>;
  timers: TimerHandle[];
  /** A stop is in progress: a second stop() waits for the same exit. */
  stopping?: boolean;
  exited: Promise<ExitInfo>;
  resolveExited: (exit: ExitInfo) => void;
}

export class SimulatedHost {
  readonly containers = new Map<string, SimulatedContainer>();
  readonly startedAt: number;
  #seq = 0;
  #listeners = new Set<(event: RuntimeEvent) => void>();
  #hostPort = 49153;

  constructor(
    readonly timers: Timers,
    readonly cpus = 2,
  ) {
    this.startedAt = timers.now();
  }

  /** Docker-shaped 64-hex ids, deterministic per host. */
  nextId(): string {
    return (++this.#seq).toString(16).padStart(64, "0");
  }

  /** Dynamic host ports for bridge mappings without one, from Docker's classic range. */
  nextHostPort(): number {
    return this.#hostPort++;
  }

  subscribe(listener: (event: RuntimeEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(event: RuntimeEvent): void {
    for (const l of [...this.#listeners]) l(event);
  }

  add(spec: ContainerSpec, labels: Record<string, string>, behavior: SimulatedBehavior, networkBindings: NetworkBinding[]): SimulatedContainer {
    let resolveExited!: (exit: ExitInfo) => void;
    const exited = new Promise<ExitInfo>((resolve) => (resolveExited = resolve));
    const c: SimulatedContainer = {
      id: this.nextId(),
      spec,
      labels,
      behavior,
      createdAt: this.timers.now(),
      health: initialHealth(),
      networkBindings,
      logs: [],
      followers: new Set(),
      timers: [],
      exited,
      resolveExited,
    };
    this.containers.set(c.id, c);
    return c;
  }

  start(c: SimulatedContainer): void {
    const now = this.timers.now();
    const b = c.behavior;
    c.startedAt = now;
    const ident = { id: c.id, taskArn: c.spec.taskArn, containerName: c.spec.containerName };
    this.#emit({ kind: "started", ...ident, at: now });
    if (b.logLines.length) this.#log(c, b.logLines);
    const later = (ms: number, fn: () => void) => c.timers.push(this.timers.setTimeout(fn, ms));
    if (b.exitAfterMs !== undefined) later(b.exitAfterMs, () => this.exit(c, { exitCode: b.exitCode }));
    if (b.oomAfterMs !== undefined) later(b.oomAfterMs, () => this.exit(c, { exitCode: 137, reason: OUT_OF_MEMORY_REASON }));
    if (b.healthyAfterMs !== undefined) later(b.healthyAfterMs, () => this.#setHealth(c, "HEALTHY"));
    if (b.unhealthyAfterMs !== undefined) later(b.unhealthyAfterMs, () => this.#setHealth(c, "UNHEALTHY"));
  }

  /** Clears an exited container's last run before it is started again. */
  forgetRun(c: SimulatedContainer): void {
    delete c.exit;
    delete c.stopping;
    c.health = initialHealth();
    c.exited = new Promise<ExitInfo>((resolve) => (c.resolveExited = resolve));
  }

  /** Docker's stop: SIGTERM (honoured after stopDelayMs unless ignored), SIGKILL at the timeout. */
  stop(c: SimulatedContainer, timeoutMs: number, signal: NodeJS.Signals): void {
    if (c.startedAt === undefined || c.exit || c.stopping) return;
    c.stopping = true;
    const b = c.behavior;
    const honoured = signal !== "SIGKILL" && !b.ignoreSigterm && b.stopDelayMs < timeoutMs;
    if (signal === "SIGKILL") this.exit(c, { exitCode: 137 });
    else if (honoured) c.timers.push(this.timers.setTimeout(() => this.exit(c, { exitCode: b.sigtermExitCode }), b.stopDelayMs));
    else c.timers.push(this.timers.setTimeout(() => this.exit(c, { exitCode: 137 }), timeoutMs));
  }

  exit(c: SimulatedContainer, how: { exitCode: number; reason?: string }): void {
    if (c.exit || c.startedAt === undefined) return;
    for (const t of c.timers) this.timers.clearTimeout(t);
    c.timers = [];
    c.exit = { exitCode: how.exitCode, ...(how.reason ? { reason: how.reason } : {}), finishedAt: this.timers.now() };
    for (const f of c.followers) f.end();
    c.followers.clear();
    c.resolveExited(c.exit);
    this.#emit({ kind: "exited", id: c.id, taskArn: c.spec.taskArn, containerName: c.spec.containerName, ...c.exit });
  }

  remove(c: SimulatedContainer): void {
    this.exit(c, { exitCode: 137 });
    this.containers.delete(c.id);
  }

  #setHealth(c: SimulatedContainer, status: HealthStatus): void {
    if (c.exit || c.health.status === status) return;
    const retries = c.spec.healthCheck ? normalizeHealthCheck(c.spec.healthCheck).retries : 0;
    c.health = { status, failingStreak: status === "UNHEALTHY" ? retries : 0 };
    this.#emit({ kind: "health", id: c.id, taskArn: c.spec.taskArn, containerName: c.spec.containerName, status, at: this.timers.now() });
  }

  #log(c: SimulatedContainer, lines: string[]): void {
    const at = this.timers.now();
    const records = lines.map((line): LogLine => ({ stream: "stdout", timestamp: at, line }));
    c.logs.push(...records);
    for (const f of c.followers) f.push(records);
  }
}

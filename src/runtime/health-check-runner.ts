// Runs one container's health probes on a clock and keeps its health. The driver supplies
// how a probe runs (the process driver spawns it inside the container's namespaces); the
// decisions are health-check.ts's. One runner per running container, disposed at its exit.
import {
  applyProbeResult,
  type HealthCheckConfig,
  type HealthProbe,
  MAX_PROBE_OUTPUT,
} from "./health-check.js";
import type { TimerHandle, Timers } from "./timers.js";
import type { ContainerHealth } from "./types.js";

/** Runs one probe; must stop it when `signal` aborts (the runner's timeout). */
export type ProbeRunner = (
  probe: HealthProbe,
  signal: AbortSignal,
) => Promise<{ exitCode: number | null; output: string }>;

export interface HealthCheckRunnerOptions {
  config: HealthCheckConfig;
  containerStartedAt: number;
  timers: Timers;
  run: ProbeRunner;
  /** Health to resume from (after an agent restart); default UNKNOWN. */
  initial?: ContainerHealth;
  /** Called after every probe whose result changed the status. */
  onStatusChange: (health: ContainerHealth, at: number) => void;
  /** Called after every probe (for persisting). */
  onProbe?: (health: ContainerHealth) => void;
}

export class HealthCheckRunner {
  #health: ContainerHealth;
  #timer: TimerHandle | undefined;
  #abort: AbortController | undefined;
  #disposed = false;

  constructor(private readonly options: HealthCheckRunnerOptions) {
    this.#health = options.initial ?? { status: "UNKNOWN", failingStreak: 0 };
  }

  get health(): ContainerHealth {
    return this.#health;
  }

  /** Schedules the first probe one interval from now. */
  start(): void {
    this.#schedule();
  }

  dispose(): void {
    this.#disposed = true;
    if (this.#timer) this.options.timers.clearTimeout(this.#timer);
    this.#abort?.abort();
  }

  #schedule(): void {
    if (this.#disposed) return;
    this.#timer = this.options.timers.setTimeout(() => void this.#probeOnce(), this.options.config.intervalMs);
  }

  async #probeOnce(): Promise<void> {
    const { config, timers } = this.options;
    const startedAt = timers.now();
    const abort = new AbortController();
    this.#abort = abort;
    let timedOut = false;
    const timeout = timers.setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, config.timeoutMs);
    let result: { exitCode: number | null; output: string };
    try {
      result = await this.options.run(config.probe, abort.signal);
    } catch (e) {
      result = { exitCode: null, output: `health check could not run: ${(e as Error).message}` };
    } finally {
      timers.clearTimeout(timeout);
    }
    if (this.#disposed) return;
    if (timedOut) {
      // Docker's wording for a probe that outlived its timeout.
      result = { exitCode: null, output: `Health check exceeded timeout (${config.timeoutMs / 1000}s)` };
    }
    const previous = this.#health;
    this.#health = applyProbeResult(
      previous,
      { ...result, output: result.output.slice(0, MAX_PROBE_OUTPUT), startedAt },
      config,
      this.options.containerStartedAt,
    );
    this.options.onProbe?.(this.#health);
    if (this.#health.status !== previous.status) this.options.onStatusChange(this.#health, timers.now());
    this.#schedule();
  }
}

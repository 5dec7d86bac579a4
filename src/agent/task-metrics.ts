// The agent's resource sampling for the AWS/ECS metrics (issue 14): every interval (20 s, as the
// ECS agent samples) it reads each running task's containers' stats from the runtime (cgroups or
// /proc for the process runtime, the engine's stats for docker), turns the CPU time used since
// the previous round into CPU units and the memory in use into MiB, and sends the round's samples
// in one TaskMetrics message. The control plane computes utilization from them (used / reserved).
import type { Logger } from "pino";
import type { AgentMessage, AssignedTask, TaskMetricsSample } from "../model/index.js";
import type { ContainerStats, RuntimeDriver, Timers, TimerHandle } from "../runtime/index.js";
import type { TaskRecord } from "./task-record.js";

/** ECS's agent samples container stats about every 20 s; CloudWatch's ECS metrics are per minute. */
export const DEFAULT_METRICS_INTERVAL_MS = 20_000;

/** One task's totals at one instant: CPU nanoseconds used so far by its containers, bytes in use. */
export interface TaskUsage {
  at: number;
  cpuNs: number;
  memoryBytes: number;
}

export interface Reservation {
  cpuUnits: number;
  memoryMiB: number;
}

const MIB = 2 ** 20;

/**
 * What a task reserves, as ECS counts it for utilization: the task-level cpu/memory when set,
 * else the sum of its containers' (memory: the hard limit, else the soft reservation).
 */
export function reservationOf(task: Pick<AssignedTask, "cpu" | "memory" | "containers">): Reservation {
  const n = (v: unknown) => (typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : 0);
  const sum = (f: (d: Record<string, unknown>) => number) => task.containers.reduce((a, c) => a + f(c.definition), 0);
  const cpuUnits = n(task.cpu) || sum((d) => n(d.cpu));
  const memoryMiB = n(task.memory) || sum((d) => n(d.memory) || n(d.memoryReservation));
  return { cpuUnits, memoryMiB };
}

/**
 * Memory a container uses as `docker stats` shows it: usage less the page cache the kernel can
 * drop (inactive_file on cgroup v2, total_inactive_file on v1).
 */
export function memoryInUse(stats: ContainerStats): number {
  const usage = stats.memory_stats.usage ?? 0;
  const s = stats.memory_stats.stats ?? {};
  const cache = s.inactive_file ?? s.total_inactive_file ?? 0;
  return Math.max(0, usage - (cache < usage ? cache : 0));
}

/** The containers' stats summed into one task usage. */
export function usageOf(at: number, stats: ContainerStats[]): TaskUsage {
  return {
    at,
    cpuNs: stats.reduce((a, s) => a + s.cpu_stats.cpu_usage.total_usage, 0),
    memoryBytes: stats.reduce((a, s) => a + memoryInUse(s), 0),
  };
}

/**
 * The sample for the interval between two usages; undefined for the first (no interval yet) or
 * when the counters went backwards (a container was replaced: its CPU time restarts at zero).
 */
export function sampleOf(taskArn: string, prev: TaskUsage | undefined, cur: TaskUsage, r: Reservation): TaskMetricsSample | undefined {
  if (!prev || cur.at <= prev.at || cur.cpuNs < prev.cpuNs) return undefined;
  const wallNs = (cur.at - prev.at) * 1e6;
  return {
    taskArn,
    timestamp: cur.at,
    cpuUnitsUsed: ((cur.cpuNs - prev.cpuNs) / wallNs) * 1024,
    cpuUnitsReserved: r.cpuUnits,
    memoryMiBUsed: cur.memoryBytes / MIB,
    memoryMiBReserved: r.memoryMiB,
  };
}

export interface TaskMetricsOptions {
  driver: RuntimeDriver;
  /** The agent's tasks as they are now. */
  tasks: () => Iterable<Readonly<TaskRecord>>;
  /** Sends a message on the channel; false when it is down (the round is dropped, as ECS's are). */
  send: (msg: AgentMessage) => boolean;
  timers: Timers;
  log: Logger;
  /** Default 20 s; tests shorten it. */
  intervalMs?: number;
}

/** Samples the running tasks every interval and sends each round as one message. */
export class TaskMetricsSampler {
  readonly #o: TaskMetricsOptions;
  readonly #previous = new Map<string, TaskUsage>();
  #timer: TimerHandle | undefined;
  #closed = false;

  constructor(options: TaskMetricsOptions) {
    this.#o = options;
  }

  start(): void {
    this.#schedule();
  }

  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) this.#o.timers.clearTimeout(this.#timer);
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = this.#o.timers.setTimeout(() => {
      this.round()
        .catch((err: unknown) => this.#o.log.warn({ err }, "could not sample task metrics"))
        .finally(() => this.#schedule());
    }, this.#o.intervalMs ?? DEFAULT_METRICS_INTERVAL_MS);
  }

  /** One sampling round; returns the samples it sent. */
  async round(): Promise<TaskMetricsSample[]> {
    const samples: TaskMetricsSample[] = [];
    const seen = new Set<string>();
    for (const rec of this.#o.tasks()) {
      if (rec.known !== "RUNNING") continue;
      const ids = rec.containers.filter((c) => c.runtimeId && c.known === "RUNNING").map((c) => c.runtimeId as string);
      if (ids.length === 0) continue;
      const stats = await Promise.all(ids.map((id) => this.#o.driver.stats(id).catch(() => undefined)));
      if (stats.some((s) => s === undefined)) continue; // a container just went away: skip the round
      const arn = rec.task.taskArn;
      seen.add(arn);
      const cur = usageOf(this.#o.timers.now(), stats as ContainerStats[]);
      const sample = sampleOf(arn, this.#previous.get(arn), cur, reservationOf(rec.task));
      this.#previous.set(arn, cur);
      if (sample) samples.push(sample);
    }
    for (const arn of [...this.#previous.keys()]) if (!seen.has(arn)) this.#previous.delete(arn);
    if (samples.length) this.#o.send({ type: "TaskMetrics", samples });
    return samples;
  }
}

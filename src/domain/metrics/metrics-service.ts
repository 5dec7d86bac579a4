// The metrics the control plane keeps: the agents' task samples turned into the AWS/ECS
// datapoints every rollup (the open minute and the one before are recomputed from the samples
// held in memory and replace what is stored, so a datapoint is readable within one rollup of its
// first sample and final once its minute has passed), and CloudWatch's operations over them.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import type { Scope, TaskMetricsSample } from "../../model/index.js";
import type { Deps } from "../deps.js";
import { keys } from "../keys.js";
import type { ContainerInstanceRecord } from "../records.js";
import type { TaskRecord } from "../task-records.js";
import { DatapointStore, RETENTION_MS } from "./datapoint-store.js";
import { type EcsSample, type InstanceBooks, rollupMinute } from "./ecs-rollup.js";
import * as requests from "./requests.js";
import { MINUTE_MS } from "./statistics.js";

/** Samples are held this long: the open minute and the one before it, with room to spare. */
const HOLD_MS = 3 * MINUTE_MS;
export const DEFAULT_ROLLUP_MS = 20_000;

export interface MetricsOptions {
  /** The data directory (metrics.db goes there), or ":memory:". */
  dataDir: string;
  /** How often the AWS/ECS datapoints are recomputed (default 20 s, the agents' sampling interval). */
  rollupMs?: number;
  logger: Logger;
}

const scopeKey = (s: Scope) => `${s.accountId}/${s.region}`;

export class Metrics {
  readonly store: DatapointStore;
  readonly #deps: Deps;
  readonly #log: Logger;
  /** Samples of the last minutes, by account/region. */
  readonly #samples = new Map<string, { scope: Scope; samples: EcsSample[] }>();
  readonly #timer: NodeJS.Timeout;
  #lastExpiry = 0;

  constructor(deps: Deps, options: MetricsOptions) {
    this.#deps = deps;
    this.#log = options.logger;
    // With the etcd backend nothing else may have made the data directory.
    if (options.dataDir !== ":memory:") mkdirSync(options.dataDir, { recursive: true });
    this.store = new DatapointStore(options.dataDir === ":memory:" ? ":memory:" : join(options.dataDir, "metrics.db"));
    this.#timer = setInterval(() => this.rollup(), options.rollupMs ?? DEFAULT_ROLLUP_MS);
    this.#timer.unref();
  }

  /** An agent's round of samples: each task found under the instance's cluster is kept. */
  ingest(scope: Scope, clusterName: string, samples: readonly TaskMetricsSample[]): void {
    const key = scopeKey(scope);
    const held = this.#samples.get(key) ?? { scope, samples: [] };
    this.#samples.set(key, held);
    for (const s of samples) {
      if (!isSample(s)) continue;
      const id = s.taskArn.slice(s.taskArn.lastIndexOf("/") + 1);
      const task = this.#deps.cache.get<TaskRecord>(keys.task(scope, clusterName, id));
      if (!task || task.taskArn !== s.taskArn) continue; // not this cluster's task
      const serviceName = task.serviceName ?? (task.group.startsWith("service:") ? task.group.slice(8) : undefined);
      held.samples.push({ ...s, clusterName, ...(serviceName ? { serviceName } : {}) });
    }
  }

  /** Recomputes the open minute and the one before it for every account that sent samples. */
  rollup(now = this.#deps.clock.now()): void {
    try {
      for (const held of this.#samples.values()) {
        held.samples = held.samples.filter((s) => s.timestamp >= now - HOLD_MS);
        const books = this.#books(held.scope, [...new Set(held.samples.map((s) => s.clusterName))]);
        const open = requests.minuteOf(now);
        // The closed minute's reservations were written while it was open (the books are today's);
        // its use is recomputed with the samples that came in since.
        const closed = rollupMinute(open - MINUTE_MS, held.samples, books).filter((r) => !r.metricName.endsWith("Reservation"));
        const rows = [...closed, ...rollupMinute(open, held.samples, books)];
        this.store.write(scopeKey(held.scope), rows, "replace");
      }
      if (now - this.#lastExpiry > 3600_000) {
        this.#lastExpiry = now;
        this.store.expire(now - RETENTION_MS);
      }
    } catch (err) {
      this.#log.error({ err }, "metrics rollup failed");
    }
  }

  /** The ACTIVE instances' books of the named clusters. */
  #books(scope: Scope, clusters: string[]): InstanceBooks[] {
    const value = (rs: ContainerInstanceRecord["registeredResources"], name: string) => rs?.find((r) => r.name === name)?.integerValue ?? 0;
    return clusters.flatMap((clusterName) =>
      this.#deps.cache
        .list<ContainerInstanceRecord>(keys.instances(scope, clusterName))
        .filter((i) => i.status === "ACTIVE" || i.status === "DRAINING")
        .map((i) => ({
          clusterName,
          registeredCpu: value(i.registeredResources, "CPU"),
          registeredMemory: value(i.registeredResources, "MEMORY"),
          remainingCpu: value(i.remainingResources, "CPU"),
          remainingMemory: value(i.remainingResources, "MEMORY"),
        })),
    );
  }

  putMetricData(scope: Scope, input: requests.PutMetricDataInput): void {
    this.store.write(scopeKey(scope), requests.putMetricDataRows(input, this.#deps.clock.now()), "merge");
  }

  getMetricStatistics(scope: Scope, input: requests.GetMetricStatisticsInput) {
    return requests.getMetricStatistics(this.store, scopeKey(scope), input);
  }

  getMetricData(scope: Scope, input: requests.GetMetricDataInput) {
    return requests.getMetricData(this.store, scopeKey(scope), input);
  }

  listMetrics(scope: Scope, input: requests.ListMetricsInput) {
    return requests.listMetrics(this.store, scopeKey(scope), input, this.#deps.clock.now());
  }

  close(): void {
    clearInterval(this.#timer);
    this.store.close();
  }
}

/** An agent's sample as the wire should carry it (the channel's input is not trusted). */
function isSample(s: unknown): s is TaskMetricsSample {
  if (typeof s !== "object" || s === null) return false;
  const o = s as Record<string, unknown>;
  const finite = (k: string) => typeof o[k] === "number" && Number.isFinite(o[k]) && (o[k] as number) >= 0;
  return typeof o.taskArn === "string" && ["timestamp", "cpuUnitsUsed", "cpuUnitsReserved", "memoryMiBUsed", "memoryMiBReserved"].every(finite);
}

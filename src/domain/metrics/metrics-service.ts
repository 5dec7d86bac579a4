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
import { catchUpGap, type Journal, type JournalLedger, type JournalRecord } from "../../store/index.js";
import { DatapointStore, RETENTION_MS } from "./datapoint-store.js";
import { type EcsSample, type InstanceBooks, type MetricRow, rollupMinute } from "./ecs-rollup.js";
import * as requests from "./requests.js";
import { MINUTE_MS } from "./statistics.js";

/** Samples are held this long: the open minute and the one before it, with room to spare. */
const HOLD_MS = 3 * MINUTE_MS;
export const DEFAULT_ROLLUP_MS = 20_000;

/** The topic of the shared journal that metrics go through (several servers on one etcd). */
export const METRICS_TOPIC = "metrics";

export interface MetricsOptions {
  /**
   * With several servers on one etcd: PutMetricData's datapoints and the agents' samples are
   * published here and every server applies them (store/etcd-journal.ts); absent, local only.
   */
  journal?: Journal;
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
  readonly #journal: Journal | undefined;
  readonly #ledger: JournalLedger | undefined;
  #follower: { stop(): void } | undefined;
  #lastExpiry = 0;

  constructor(deps: Deps, options: MetricsOptions) {
    this.#deps = deps;
    this.#log = options.logger;
    // With the etcd backend nothing else may have made the data directory.
    if (options.dataDir !== ":memory:") mkdirSync(options.dataDir, { recursive: true });
    this.store = new DatapointStore(options.dataDir === ":memory:" ? ":memory:" : join(options.dataDir, "metrics.db"));
    this.#timer = setInterval(() => this.rollup(), options.rollupMs ?? DEFAULT_ROLLUP_MS);
    this.#timer.unref();
    this.#journal = options.journal;
    this.#ledger = options.journal ? this.store.ledger() : undefined;
  }

  /**
   * An agent's round of samples. With a journal it is published first, so that every server's
   * rollup computes the same AWS/ECS datapoints from every agent's samples, whichever server
   * the agent is connected to; if etcd cannot take it, this server keeps it all the same.
   */
  ingest(scope: Scope, clusterName: string, samples: readonly TaskMetricsSample[]): void {
    const journal = this.#journal;
    if (!journal) return this.#ingest(scope, clusterName, samples);
    const body = { scope, clusterName, samples: samples.filter(isSample) };
    journal.publish(METRICS_TOPIC, "samples", body).then(
      ({ id, revision }) => {
        try {
          this.#apply(id, revision, "samples", body, "own");
        } catch (err) {
          this.#log.error({ err }, "metrics journal: applying an agent's samples failed");
        }
      },
      (err) => {
        this.#log.warn({ err }, "metrics journal: an agent's samples stay on this server only");
        this.#ingest(scope, clusterName, samples);
      },
    );
  }

  /** Keeps the samples of tasks found under the instance's cluster. */
  #ingest(scope: Scope, clusterName: string, samples: readonly TaskMetricsSample[]): void {
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

  /** Stores the call's datapoints (with a journal: once etcd committed them, then here at once). */
  async putMetricData(scope: Scope, input: requests.PutMetricDataInput): Promise<void> {
    const rows = requests.putMetricDataRows(input, this.#deps.clock.now());
    if (!this.#journal) return this.store.write(scopeKey(scope), rows, "merge");
    const body = { scope: scopeKey(scope), rows };
    const { id, revision } = await this.#journal.publish(METRICS_TOPIC, "merge", body);
    this.#apply(id, revision, "merge", body, "own");
  }

  /**
   * Starts following the journal from the ledger's position; resolves once every entry etcd
   * holds is applied. Samples held in memory are lost at a restart, so the catch-up feeds the
   * rollup again with those of the last minutes too.
   */
  async follow(): Promise<void> {
    const journal = this.#journal;
    const ledger = this.#ledger;
    if (!journal || !ledger || this.#follower) return;
    const gap = catchUpGap({ position: ledger.position(), seenAt: ledger.seenAt() }, Date.now(), journal.ttlMs);
    if (gap) this.#log[ledger.position() === 0 ? "info" : "warn"]({ topic: METRICS_TOPIC }, `metrics journal: ${gap}`);
    this.#follower = await journal.follow(METRICS_TOPIC, ledger.position(), {
      onEntry: (record: JournalRecord) => {
        try {
          this.#apply(record.id, record.revision, record.kind, record.body, "follower");
        } catch (err) {
          // Skipped, not retried forever: one bad entry must not stop every later one.
          this.#log.error({ err, entry: record.id, revision: record.revision }, "a metrics journal entry could not be applied; skipped");
          ledger.apply(record.id, record.revision, "follower", () => {});
        }
      },
      onCaughtUp: () => ledger.touch(Date.now()),
      onError: (err) => this.#log.warn({ err }, "metrics journal follower: reconnecting"),
    });
  }

  /** Applies a journal entry once (the ledger is in metrics.db, written in the same transaction). */
  #apply(id: string, revision: number, kind: string, body: unknown, via: "own" | "follower"): void {
    const entry = parseMetricsEntry(kind, body);
    if (!entry) throw new Error(`not a metrics journal entry: kind ${JSON.stringify(kind)}`);
    this.#ledger!.apply(id, revision, via, () => {
      if (entry.kind === "merge") this.store.write(entry.scope, entry.rows, "merge");
      else this.#ingest(entry.scope, entry.clusterName, entry.samples);
    });
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
    this.#follower?.stop();
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

/** What one journal entry of the metrics topic says. */
export type MetricsEntry = { kind: "merge"; scope: string; rows: MetricRow[] } | { kind: "samples"; scope: Scope; clusterName: string; samples: TaskMetricsSample[] };

/** An entry as read from etcd, checked (it crossed the network), or undefined if it is not one. */
export function parseMetricsEntry(kind: string, body: unknown): MetricsEntry | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const o = body as Record<string, unknown>;
  if (kind === "merge" && typeof o.scope === "string" && Array.isArray(o.rows) && o.rows.every(isRow)) return { kind, scope: o.scope, rows: o.rows as MetricRow[] };
  const scope = o.scope as Record<string, unknown> | null | undefined;
  if (kind !== "samples" || typeof scope !== "object" || scope === null || typeof scope.accountId !== "string" || typeof scope.region !== "string") return undefined;
  if (typeof o.clusterName !== "string" || !Array.isArray(o.samples)) return undefined;
  return { kind, scope: { accountId: scope.accountId, region: scope.region }, clusterName: o.clusterName, samples: o.samples.filter(isSample) };
}

function isRow(r: unknown): r is MetricRow {
  if (typeof r !== "object" || r === null) return false;
  const o = r as Record<string, unknown>;
  const s = o.summary as Record<string, unknown> | null | undefined;
  const num = (v: unknown) => typeof v === "number" && Number.isFinite(v);
  return (
    typeof o.namespace === "string" &&
    typeof o.metricName === "string" &&
    typeof o.unit === "string" &&
    num(o.time) &&
    Array.isArray(o.dimensions) &&
    o.dimensions.every((d) => typeof d === "object" && d !== null && typeof (d as { Name: unknown }).Name === "string" && typeof (d as { Value: unknown }).Value === "string") &&
    typeof s === "object" &&
    s !== null &&
    ["count", "sum", "min", "max"].every((k) => num(s[k]))
  );
}

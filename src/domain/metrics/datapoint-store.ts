// Where metric datapoints live: a SQLite file of their own (metrics.db beside berth.db), one row
// per metric, unit and minute holding the minute's summary. They are too many and too
// short-lived to be store keys (every key write is a revision the cache and the watches carry),
// and the store holds its file exclusively, hence a file of their own. Each write is one SQLite
// transaction, committed before the API answers, so an acknowledged PutMetricData survives
// kill -9. Minutes older than the retention (15 days, CloudWatch's for 60 s data) are deleted.
// With several servers on one etcd each keeps a full copy, kept in step through the journal
// (metrics-service.ts); its ledger of the journal lives in this file too.
import Database from "better-sqlite3";
import { openJournalLedger, type JournalLedger } from "../../store/index.js";
import type { Dimension, MetricRow } from "./ecs-rollup.js";
import type { MinutePoint, Summary } from "./statistics.js";

export const RETENTION_MS = 15 * 24 * 3600_000;

/** A metric's identity: namespace, name and its full dimension set. */
export interface MetricId {
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
}

/** Dimensions in one canonical order (by name), as the row's key text. */
export function dimensionsKey(dimensions: readonly Dimension[]): string {
  return JSON.stringify([...dimensions].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0)).map((d) => [d.Name, d.Value]));
}

export class DatapointStore {
  readonly #db: Database.Database;
  readonly #merge: Database.Statement;
  readonly #replace: Database.Statement;

  constructor(path: string) {
    this.#db = new Database(path);
    this.#db.pragma("journal_mode = WAL");
    this.#db.pragma("synchronous = NORMAL");
    this.#db.exec(`CREATE TABLE IF NOT EXISTS datapoints (
      scope TEXT NOT NULL, namespace TEXT NOT NULL, metric TEXT NOT NULL, dims TEXT NOT NULL,
      unit TEXT NOT NULL, minute INTEGER NOT NULL,
      count REAL NOT NULL, sum REAL NOT NULL, min REAL NOT NULL, max REAL NOT NULL,
      PRIMARY KEY (scope, namespace, metric, dims, unit, minute)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS datapoints_minute ON datapoints (minute);`);
    const insert = "INSERT INTO datapoints VALUES (@scope, @namespace, @metric, @dims, @unit, @minute, @count, @sum, @min, @max)";
    this.#merge = this.#db.prepare(`${insert} ON CONFLICT DO UPDATE SET count = count + excluded.count,
      sum = sum + excluded.sum, min = MIN(min, excluded.min), max = MAX(max, excluded.max)`);
    this.#replace = this.#db.prepare(`${insert} ON CONFLICT DO UPDATE SET count = excluded.count,
      sum = excluded.sum, min = excluded.min, max = excluded.max`);
  }

  /** This file's ledger of the shared journal (several servers on one etcd): kept with the datapoints it changed. */
  ledger(): JournalLedger {
    return openJournalLedger(this.#db);
  }

  /**
   * Writes rows in one transaction: `merge` folds them into what the minutes hold (PutMetricData),
   * `replace` sets the minutes (the ECS rollup recomputes its open minute as samples arrive).
   */
  write(scope: string, rows: readonly MetricRow[], mode: "merge" | "replace"): void {
    const stmt = mode === "merge" ? this.#merge : this.#replace;
    this.#db.transaction(() => {
      for (const r of rows) stmt.run(rowParams(scope, r));
    })();
  }

  /** A metric's minutes in [start, end), every unit. */
  minutes(scope: string, id: MetricId, start: number, end: number): MinutePoint[] {
    const rows = this.#db
      .prepare("SELECT minute, unit, count, sum, min, max FROM datapoints WHERE scope = ? AND namespace = ? AND metric = ? AND dims = ? AND minute >= ? AND minute < ? ORDER BY minute")
      .all(scope, id.namespace, id.metricName, dimensionsKey(id.dimensions), start, end) as { minute: number; unit: string; count: number; sum: number; min: number; max: number }[];
    return rows.map((r) => ({ time: r.minute, unit: r.unit, count: r.count, sum: r.sum, min: r.min, max: r.max }));
  }

  /** The metrics with a datapoint since `since`, optionally of one namespace and name, in order. */
  metrics(scope: string, filter: { namespace?: string; metricName?: string; since: number }): MetricId[] {
    const where = ["scope = ?", "minute >= ?"];
    const args: (string | number)[] = [scope, filter.since];
    if (filter.namespace !== undefined) (where.push("namespace = ?"), args.push(filter.namespace));
    if (filter.metricName !== undefined) (where.push("metric = ?"), args.push(filter.metricName));
    const rows = this.#db
      .prepare(`SELECT DISTINCT namespace, metric, dims FROM datapoints WHERE ${where.join(" AND ")} ORDER BY namespace, metric, dims`)
      .all(...args) as { namespace: string; metric: string; dims: string }[];
    return rows.map((r) => ({
      namespace: r.namespace,
      metricName: r.metric,
      dimensions: (JSON.parse(r.dims) as [string, string][]).map(([Name, Value]) => ({ Name, Value })),
    }));
  }

  /** Deletes minutes before `before`; returns how many. */
  expire(before: number): number {
    return this.#db.prepare("DELETE FROM datapoints WHERE minute < ?").run(before).changes;
  }

  close(): void {
    this.#db.close();
  }
}

function rowParams(scope: string, r: MetricRow): Record<string, string | number> {
  const s: Summary = r.summary;
  return { scope, namespace: r.namespace, metric: r.metricName, dims: dimensionsKey(r.dimensions), unit: r.unit, minute: r.time, count: s.count, sum: s.sum, min: s.min, max: s.max };
}

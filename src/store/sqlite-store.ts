// The embedded Store: one SQLite file owned by one server process, through better-sqlite3.
//
// Every call runs synchronously inside the caller's turn of the event loop, so transactions
// are serialized by construction: a txn's compares and ops run in one SQLite transaction that
// nothing can interleave with, and its revision is the in-memory counter plus one.
//
// Durability: in WAL mode a commit appends the transaction's pages to the -wal file with
// write(2) before COMMIT returns. With synchronous=NORMAL nothing is fsync'ed per commit, but
// once write(2) has returned the bytes are in the kernel's page cache, which outlives the
// process: after kill -9 the next open replays the WAL and finds every committed transaction.
// Only an OS crash or power loss can drop the last commits (the WAL stays consistent; they
// simply roll back). synchronous=FULL fsyncs the WAL on every commit and survives those too,
// at the cost of one disk flush per write.
import Database from "better-sqlite3";
import { checkPolicy, compactionPoint, HistoryLedger, type RetentionPolicy } from "./history-retention.js";
import { compareKeys, prefixEnd } from "./key-order.js";
import { convertToIncrementalVacuum, hasIncrementalVacuum, reclaimFreePages } from "./sqlite-space.js";
import { createSchema, prepareStatements, type CurrentRow, type HistoryRow, type Statements } from "./sqlite-schema.js";
import { toBatches, toKeyValue } from "./sqlite-rows.js";
import {
  type Compare,
  type Disposable,
  type KeyValue,
  type RangeOptions,
  type RangeResponse,
  type Store,
  type TxnRequest,
  type TxnResponse,
  type WatchBatch,
  type WatchEvent,
  type WatchOptions,
} from "./types.js";
import { checkKey, checkTxn } from "./txn-checks.js";
import { WatchHub, type WatchHistory } from "./watch-hub.js";

export interface SqliteStoreOptions {
  /** A file path, or ":memory:" for a store that lives and dies with the process. */
  path: string;
  /** NORMAL (the default) survives process crashes; FULL also survives OS crashes and power loss. */
  synchronous?: "NORMAL" | "FULL";
  /**
   * Every `intervalMs`, compact the history the policy lets go (history-retention.ts: at most
   * keepRevisions revisions, none older than maxAgeMs, at most maxBytes written), then give
   * the freed pages back to the file system.
   */
  autoCompact?: RetentionPolicy & { intervalMs: number };
  /** The clock that dates history for maxAgeMs (epoch milliseconds; default Date.now). */
  now?: () => number;
}

export interface SqliteStore extends Store {
  readonly path: string;
  /** The latest committed revision, without a promise. */
  currentRevision(): number;
  /** The highest compacted revision (0 if never compacted). */
  compactedRevision(): number;
  /** Compacts all but the last `keepRevisions` revisions; returns the compaction point. */
  compactKeeping(keepRevisions: number): Promise<number>;
  /** Compacts what `policy` lets go; returns the compaction point. */
  compactRetaining(policy: RetentionPolicy): Promise<number>;
  /** Bytes of keys and values written since the compaction point (an estimate after a restart). */
  historyBytes(): number;
  /** Gives free pages back to the file system and truncates a large WAL; returns the bytes released. */
  reclaimSpace(): number;
  /**
   * The open database, for tables of their own beside the key-value log (log-events.ts keeps
   * CloudWatch Logs events there: too many to be store keys or to sit in the cache).
   */
  database(): Database.Database;
}

export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const synchronous = options.synchronous ?? "NORMAL";
  if (synchronous !== "NORMAL" && synchronous !== "FULL") {
    throw new RangeError(`synchronous must be "NORMAL" or "FULL", got ${JSON.stringify(synchronous)}`);
  }
  const db = new Database(options.path);
  let store: SqliteStoreImpl | undefined;
  try {
    // One process owns the file (the revision counter lives in its memory), so hold SQLite's
    // lock for good: a second server on the same file fails at open instead of corrupting the
    // revision order, and each commit skips the lock and shared-memory traffic (~15% faster).
    // It must be set before WAL is first used, so that no -shm file is involved.
    db.pragma("locking_mode = EXCLUSIVE");
    db.pragma("busy_timeout = 2000");
    // Incremental auto-vacuum lets a compaction's freed pages go back to the file system
    // (reclaimSpace). It only takes on a new file, before WAL mode writes the header; an older
    // file is converted by one VACUUM below.
    db.pragma("auto_vacuum = INCREMENTAL");
    db.pragma("journal_mode = WAL"); // ":memory:" answers "memory", which is fine
    db.pragma(`synchronous = ${synchronous}`);
    // Checkpoints are where NORMAL fsyncs; 4,000 pages (16 MiB of WAL) between them instead of
    // 1,000 means fewer flushes, and a page rewritten by many commits is copied back once.
    db.pragma("wal_autocheckpoint = 4000");
    db.pragma("journal_size_limit = 67108864"); // truncate a WAL that a huge txn grew past 64 MiB
    db.pragma("cache_size = -32768"); // 32 MiB: a control plane's whole state stays hot
    createSchema(db);
    store = new SqliteStoreImpl(db, options);
    if (options.path !== ":memory:" && !hasIncrementalVacuum(db)) {
      // A file from before auto-vacuum: forget what the policy lets go first, so the one-time
      // rewrite copies only what is kept.
      if (options.autoCompact) store.compactNow(options.autoCompact);
      convertToIncrementalVacuum(db);
    }
    return store;
  } catch (err) {
    if (store) void store.close();
    else db.close();
    if (err instanceof Error && /database is locked/.test(err.message)) {
      throw new Error(`store file ${options.path} is in use by another process (SQLite: ${err.message})`, { cause: err });
    }
    throw err;
  }
}

class SqliteStoreImpl implements SqliteStore {
  readonly path: string;
  private readonly st: Statements;
  private rev: number;
  private compacted: number;
  private closed = false;
  private readonly hub: WatchHub;
  private readonly applyTxns: (requests: readonly TxnRequest[], firstRevision: number) => TxnOutcome[];
  /** Transactions waiting for the next group commit. */
  private queued: QueuedTxn[] = [];
  private commitScheduled = false;
  private readonly runCompaction: (revision: number) => void;
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private readonly ledger: HistoryLedger;

  constructor(
    private readonly db: Database.Database,
    options: SqliteStoreOptions,
  ) {
    this.path = options.path;
    this.st = prepareStatements(db);
    this.compacted = (this.st.getMeta.get("compacted") as number | undefined) ?? 0;
    // No counter is written per transaction: the newest log row carries the revision. Only a
    // compaction can remove it (a trailing deletion), and then the compaction point is it.
    this.rev = Math.max(this.compacted, this.st.maxLogRevision.get() as number);
    this.applyTxns = db.transaction((requests: readonly TxnRequest[], firstRevision: number) => {
      let revision = firstRevision;
      return requests.map((request) => {
        const outcome = this.apply(request, revision);
        if (outcome.events.length > 0) revision++;
        return outcome;
      });
    });
    this.runCompaction = db.transaction((revision: number) => {
      this.st.compact.run(revision, revision);
      this.st.setMeta.run("compacted", revision);
    });
    this.hub = new WatchHub(this.history());
    this.now = options.now ?? Date.now;
    const auto = options.autoCompact;
    if (auto) {
      checkPolicy(auto);
      if (!(auto.intervalMs > 0)) throw new RangeError(`autoCompact intervalMs must be > 0, got ${auto.intervalMs}`);
    }
    // Spans of an eighth of the size budget: a size compaction forgets about an eighth at a time.
    this.ledger = new HistoryLedger(auto?.maxBytes !== undefined ? Math.max(1, Math.floor(auto.maxBytes / 8)) : Infinity);
    // What is on disk from before this open counts as one span written now.
    this.ledger.record(this.rev, this.st.historyBytes.get(this.compacted) as number, this.now());
    this.ledger.seal();
    if (auto) {
      // A failed round costs nothing but some extra history; the next one tries again.
      this.timer = setInterval(() => {
        try {
          this.compactNow(auto);
          this.reclaimSpace();
        } catch {
          // the next round tries again
        }
      }, auto.intervalMs);
      this.timer.unref();
    }
  }

  currentRevision(): number {
    return this.rev;
  }

  compactedRevision(): number {
    return this.compacted;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.checkOpen();
    checkKey("get key", key);
    return this.st.get.get(key) as KeyValue | undefined;
  }

  async range(prefix: string, options: RangeOptions = {}): Promise<RangeResponse> {
    this.checkOpen();
    if (typeof prefix !== "string") throw new TypeError(`range prefix must be a string, got ${typeof prefix}`);
    const limit = options.limit ?? 0;
    if (!Number.isSafeInteger(limit) || limit < 0) {
      throw new RangeError(`range limit must be an integer >= 0, got ${limit}`);
    }
    const startKey = options.startKey;
    const start = startKey !== undefined && compareKeys(startKey, prefix) > 0 ? startKey : prefix;
    const end = prefixEnd(prefix);
    const sqlLimit = limit > 0 ? limit + 1 : -1;
    const kvs = (
      end === undefined ? this.st.rangeFrom.all(start, sqlLimit) : this.st.rangeBetween.all(start, end, sqlLimit)
    ) as KeyValue[];
    const more = limit > 0 && kvs.length > limit;
    if (more) kvs.pop();
    return { kvs, revision: this.rev, more };
  }

  /**
   * Group commit: the transactions asked for in one turn of the event loop are applied in order,
   * each with its own revision and its own compare, inside one SQLite transaction, and each
   * resolves once that commit is done. One commit per request cost most of a write's time.
   */
  async txn(request: TxnRequest): Promise<TxnResponse> {
    this.checkOpen();
    checkTxn(request);
    return new Promise((resolve, reject) => {
      this.queued.push({ request, resolve, reject });
      if (this.commitScheduled) return;
      this.commitScheduled = true;
      setImmediate(() => this.commitQueued());
    });
  }

  private commitQueued(): void {
    this.commitScheduled = false;
    const batch = this.queued;
    this.queued = [];
    if (this.closed) {
      for (const q of batch) q.reject(new Error(`store ${this.path} is closed`));
      return;
    }
    let outcomes: TxnOutcome[];
    try {
      outcomes = this.applyTxns(
        batch.map((q) => q.request),
        this.rev + 1,
      );
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      // Nothing was committed: commit each alone, so that only the one at fault fails.
      for (const q of batch) this.commitAlone(q);
      return;
    }
    batch.forEach((q, i) => this.finish(q, outcomes[i]!));
  }

  private commitAlone(q: QueuedTxn): void {
    try {
      this.finish(q, this.applyTxns([q.request], this.rev + 1)[0]!);
    } catch (err) {
      q.reject(err);
    }
  }

  /** After the commit: move the counter, tell the watchers, answer the caller. */
  private finish(q: QueuedTxn, outcome: TxnOutcome): void {
    if (outcome.events.length > 0) {
      this.rev += 1;
      this.ledger.record(this.rev, outcome.bytes, this.now());
      this.hub.publish({ revision: this.rev, events: outcome.events });
    }
    q.resolve({ succeeded: outcome.succeeded, revision: this.rev });
  }

  watch(prefix: string, options: WatchOptions, onBatch: (batch: WatchBatch) => void): Disposable {
    this.checkOpen();
    return this.hub.watch(prefix, options, onBatch);
  }

  async revision(): Promise<number> {
    this.checkOpen();
    return this.rev;
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    if (!Number.isSafeInteger(revision) || revision < 0) {
      throw new RangeError(`compact revision must be an integer >= 0, got ${revision}`);
    }
    if (revision > this.rev) {
      throw new RangeError(`compact revision ${revision} is beyond the current revision ${this.rev}`);
    }
    if (revision <= this.compacted) return;
    this.runCompaction(revision);
    this.compacted = revision;
    this.ledger.forget(revision);
  }

  async compactKeeping(keepRevisions: number): Promise<number> {
    if (!Number.isSafeInteger(keepRevisions) || keepRevisions < 0) {
      throw new RangeError(`keepRevisions must be an integer >= 0, got ${keepRevisions}`);
    }
    return this.compactRetaining({ keepRevisions });
  }

  async compactRetaining(policy: RetentionPolicy): Promise<number> {
    this.checkOpen();
    checkPolicy(policy);
    return this.compactNow(policy);
  }

  /** Compacts what the policy lets go and closes the ledger's open span (one auto-compaction round). */
  compactNow(policy: RetentionPolicy): number {
    const now = this.now();
    const target = compactionPoint(this.ledger.list(), this.rev, this.compacted, policy, now);
    if (target > this.compacted) {
      this.runCompaction(target);
      this.compacted = target;
      this.ledger.forget(target);
    }
    this.ledger.seal();
    return this.compacted;
  }

  historyBytes(): number {
    return this.ledger.bytes();
  }

  database(): Database.Database {
    this.checkOpen();
    return this.db;
  }

  reclaimSpace(): number {
    this.checkOpen();
    return this.path === ":memory:" ? 0 : reclaimFreePages(this.db, this.path);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Transactions already asked for are committed, not dropped.
    if (this.queued.length > 0) this.commitQueued();
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.hub.close();
    this.db.close();
  }

  private checkOpen(): void {
    if (this.closed) throw new Error(`store ${this.path} is closed`);
  }

  /** Runs inside the SQLite transaction; returns the changes made, none when nothing changed. */
  private apply(request: TxnRequest, revision: number): TxnOutcome {
    const succeeded = (request.compare ?? []).every((c) => this.holds(c));
    const ops = succeeded ? request.success : (request.failure ?? []);
    const events: WatchEvent[] = [];
    // What the transaction adds to the log, for the size rule of compaction: keys and values.
    let bytes = 0;
    for (const op of ops) {
      if (op.kind === "put") {
        events.push(this.put(op.key, op.value, revision));
        bytes += op.key.length + op.value.length;
      } else if (op.kind === "delete") {
        const row = this.st.current.get(op.key) as CurrentRow | undefined;
        if (row) events.push(this.remove(row, revision));
        if (row) bytes += row.key.length;
      } else {
        const end = prefixEnd(op.prefix);
        const rows = (
          end === undefined ? this.st.currentFrom.all(op.prefix) : this.st.currentBetween.all(op.prefix, end)
        ) as CurrentRow[];
        for (const row of rows) {
          events.push(this.remove(row, revision));
          bytes += row.key.length;
        }
      }
    }
    return { succeeded, events, bytes };
  }

  private holds(compare: Compare): boolean {
    const actual = (this.st.modRevision.get(compare.key) as number | undefined) ?? 0;
    switch (compare.op ?? "==") {
      case "==":
        return actual === compare.modRevision;
      case "!=":
        return actual !== compare.modRevision;
      case "<":
        return actual < compare.modRevision;
      case ">":
        return actual > compare.modRevision;
    }
  }

  private put(key: string, value: string, revision: number): WatchEvent {
    const prev = this.st.current.get(key) as CurrentRow | undefined;
    const createRevision = prev ? prev.createRevision : revision;
    const version = prev ? prev.version + 1 : 1;
    const logId = Number(
      this.st.insertLog.run(revision, key, value, createRevision, version, 0, prev ? prev.logId : null).lastInsertRowid,
    );
    this.st.upsertKv.run(key, logId);
    const kv: KeyValue = { key, value, createRevision, modRevision: revision, version };
    return prev ? { type: "put", kv, prevKv: toKeyValue(prev) } : { type: "put", kv };
  }

  private remove(prev: CurrentRow, revision: number): WatchEvent {
    this.st.insertLog.run(revision, prev.key, null, prev.createRevision, 0, 1, prev.logId);
    this.st.deleteKv.run(prev.key);
    return { type: "delete", key: prev.key, modRevision: revision, prevKv: toKeyValue(prev) };
  }

  private history(): WatchHistory {
    return {
      revision: () => this.rev,
      compacted: () => this.compacted,
      read: (after, through, maxEvents) => {
        let rows = this.st.history.all(after, through, maxEvents + 1) as HistoryRow[];
        let readThrough = through;
        if (rows.length > maxEvents) {
          const lastRevision = (rows[rows.length - 1] as HistoryRow).revision;
          if ((rows[0] as HistoryRow).revision === lastRevision) {
            // One transaction bigger than a chunk: read all of it, a batch is never split.
            rows = this.st.history.all(lastRevision - 1, lastRevision, -1) as HistoryRow[];
            readThrough = lastRevision;
          } else {
            // The last transaction may be cut short: leave it for the next chunk.
            rows = rows.filter((r) => r.revision < lastRevision);
            readThrough = lastRevision - 1;
          }
        }
        return { batches: toBatches(rows), readThrough };
      },
    };
  }
}

interface TxnOutcome {
  succeeded: boolean;
  events: WatchEvent[];
  bytes: number;
}


interface QueuedTxn {
  request: TxnRequest;
  resolve(response: TxnResponse): void;
  reject(err: unknown): void;
}


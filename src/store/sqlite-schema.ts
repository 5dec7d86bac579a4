// The SQLite layout, in the manner of k3s's kine: an append-only `log` with one row per key
// change (so watches can replay), and a `kv` table pointing at each key's current log row (so
// get and range are an index lookup, not a search for the latest row of each key).
import type Database from "better-sqlite3";

const SCHEMA_VERSION = 1;

const DDL = `
CREATE TABLE IF NOT EXISTS meta (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;

-- One row per change. A transaction's rows share its revision; id orders them within it.
CREATE TABLE IF NOT EXISTS log (
  id              INTEGER PRIMARY KEY,
  revision        INTEGER NOT NULL,
  key             TEXT NOT NULL,
  value           TEXT,              -- NULL when deleted
  create_revision INTEGER NOT NULL,
  version         INTEGER NOT NULL,  -- 0 when deleted
  deleted         INTEGER NOT NULL,
  prev_id         INTEGER            -- the row this change replaced; NULL if the key was absent
);
CREATE INDEX IF NOT EXISTS log_revision ON log (revision);

-- Every live key and its current row in the log. Values are not copied here: kept this small
-- the table packs dozens of keys per page, so a write dirties one small page instead of rewriting
-- (and, past ~1 KB, overflowing) a copy of the value; that made commits about 2.5x faster.
CREATE TABLE IF NOT EXISTS kv (
  key    TEXT PRIMARY KEY,
  log_id INTEGER NOT NULL
) WITHOUT ROWID;
`;

export function createSchema(db: Database.Database): void {
  db.exec(DDL);
  const found = db.prepare("SELECT value FROM meta WHERE name = 'schema'").pluck().get() as number | undefined;
  if (found === undefined) {
    db.prepare("INSERT INTO meta (name, value) VALUES ('schema', ?)").run(SCHEMA_VERSION);
  } else if (found !== SCHEMA_VERSION) {
    throw new Error(`store schema version ${found} is not supported: this berth reads version ${SCHEMA_VERSION}`);
  }
}

const KV_COLUMNS =
  "l.key, l.value, l.create_revision AS createRevision, l.revision AS modRevision, l.version";
const CURRENT = "kv JOIN log l ON l.id = kv.log_id";

export interface CurrentRow {
  key: string;
  value: string;
  createRevision: number;
  modRevision: number;
  version: number;
  logId: number;
}

export interface HistoryRow {
  id: number;
  revision: number;
  key: string;
  value: string | null;
  createRevision: number;
  version: number;
  deleted: 0 | 1;
  prevId: number | null;
  prevValue: string | null;
  prevCreateRevision: number | null;
  prevModRevision: number | null;
  prevVersion: number | null;
}

export function prepareStatements(db: Database.Database) {
  return {
    get: db.prepare(`SELECT ${KV_COLUMNS} FROM ${CURRENT} WHERE kv.key = ?`),
    current: db.prepare(`SELECT ${KV_COLUMNS}, l.id AS logId FROM ${CURRENT} WHERE kv.key = ?`),
    modRevision: db.prepare(`SELECT l.revision FROM ${CURRENT} WHERE kv.key = ?`).pluck(),
    // LIMIT -1 is "no limit". Two forms, so that the bounded one is a range scan of the key
    // index that stops at the prefix's end.
    rangeBetween: db.prepare(`SELECT ${KV_COLUMNS} FROM ${CURRENT} WHERE kv.key >= ? AND kv.key < ? ORDER BY kv.key LIMIT ?`),
    rangeFrom: db.prepare(`SELECT ${KV_COLUMNS} FROM ${CURRENT} WHERE kv.key >= ? ORDER BY kv.key LIMIT ?`),
    currentBetween: db.prepare(
      `SELECT ${KV_COLUMNS}, l.id AS logId FROM ${CURRENT} WHERE kv.key >= ? AND kv.key < ? ORDER BY kv.key`,
    ),
    currentFrom: db.prepare(`SELECT ${KV_COLUMNS}, l.id AS logId FROM ${CURRENT} WHERE kv.key >= ? ORDER BY kv.key`),
    insertLog: db.prepare(
      "INSERT INTO log (revision, key, value, create_revision, version, deleted, prev_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
    ),
    upsertKv: db.prepare("INSERT INTO kv (key, log_id) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET log_id = excluded.log_id"),
    deleteKv: db.prepare("DELETE FROM kv WHERE key = ?"),
    history: db.prepare(
      `SELECT l.id, l.revision, l.key, l.value, l.create_revision AS createRevision, l.version, l.deleted,
         l.prev_id AS prevId, p.value AS prevValue, p.create_revision AS prevCreateRevision,
         p.revision AS prevModRevision, p.version AS prevVersion
       FROM log l LEFT JOIN log p ON p.id = l.prev_id
       WHERE l.revision > ? AND l.revision <= ?
       ORDER BY l.revision, l.id LIMIT ?`,
    ),
    maxLogRevision: db.prepare("SELECT coalesce(max(revision), 0) FROM log").pluck(),
    // Keys and values written after a revision: the history a compaction there would keep.
    historyBytes: db
      .prepare("SELECT coalesce(sum(length(key) + coalesce(length(value), 0)), 0) FROM log WHERE revision > ?")
      .pluck(),
    getMeta: db.prepare("SELECT value FROM meta WHERE name = ?").pluck(),
    setMeta: db.prepare("INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value"),
    // Keeps, at or below the compaction point, only rows something still needs: each key's
    // current row (kv points at it, and the key's next change will name it as its previous
    // row) and rows that a later change names as its previous one (a replayed event carries
    // the value it replaced). That is, per key, the newest row at or below the point unless it
    // is a deletion: what etcd keeps too.
    compact: db.prepare(
      `DELETE FROM log WHERE revision <= ?
         AND id NOT IN (SELECT log_id FROM kv)
         AND id NOT IN (SELECT prev_id FROM log WHERE revision > ? AND prev_id IS NOT NULL)`,
    ),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;

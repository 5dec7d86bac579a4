// Where CloudWatch Logs events go when the store is etcd: a SQLite file of the server's own.
// Events are too many to be etcd keys (etcd's whole keyspace is meant to stay in the low GiB),
// so each server keeps a copy of every event here, brought in step by the journal
// (etcd-journal.ts; its ledger lives in this file too); groups and streams are store records.
// The file is set up like the store's (sqlite-store.ts): WAL, synchronous=NORMAL, so that an
// acknowledged PutLogEvents survives kill -9 of the server.
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

/** Opens (creating) <dataDir>/log-events.db, or an in-memory database for ":memory:". */
export function openLocalLogDatabase(dataDir: string): Database.Database {
  if (dataDir !== ":memory:") mkdirSync(dataDir, { recursive: true });
  const db = new Database(dataDir === ":memory:" ? ":memory:" : join(dataDir, "log-events.db"));
  // One server owns the file, as berth.db is owned: a second server on it fails at open.
  db.pragma("locking_mode = EXCLUSIVE");
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  return db;
}

// Giving a SQLite store's free space back to the file system. A compaction frees pages inside
// the file; SQLite reuses them for later writes but never shrinks the file by itself. With
// incremental auto-vacuum the free pages can be released after a compaction, and a WAL that
// grew past its usual size can be truncated (otherwise it is reused from its start).
import type Database from "better-sqlite3";
import { statSync } from "node:fs";

const INCREMENTAL = 2;
/** A WAL past this is truncated after a compaction; below it, it is reused from its start. */
const WAL_TRUNCATE_BYTES = 16 * 2 ** 20;

export function hasIncrementalVacuum(db: Database.Database): boolean {
  return db.pragma("auto_vacuum", { simple: true }) === INCREMENTAL;
}

/** Converts a file made without auto-vacuum: the setting only takes with a full rewrite. */
export function convertToIncrementalVacuum(db: Database.Database): void {
  db.pragma("auto_vacuum = INCREMENTAL");
  db.exec("VACUUM");
  db.pragma("wal_checkpoint(TRUNCATE)");
}

/** Releases free pages when they are worth it and truncates a large WAL; returns the bytes the files shrank by. */
export function reclaimFreePages(db: Database.Database, path: string): number {
  const before = fileSize(path) + fileSize(`${path}-wal`);
  const free = db.pragma("freelist_count", { simple: true }) as number;
  const pages = db.pragma("page_count", { simple: true }) as number;
  const pageSize = db.pragma("page_size", { simple: true }) as number;
  // Free pages are reused by later writes; giving them back costs page moves, so only when
  // they are a quarter of the file (and at least 4 MiB): a compaction that freed a burst.
  const vacuum = hasIncrementalVacuum(db) && free * 4 >= pages && free * pageSize >= 4 * 2 ** 20;
  if (vacuum) db.pragma("incremental_vacuum");
  // The file shrinks when the WAL is checkpointed; TRUNCATE also empties the WAL.
  if (vacuum || fileSize(`${path}-wal`) > WAL_TRUNCATE_BYTES) db.pragma("wal_checkpoint(TRUNCATE)");
  return Math.max(0, before - fileSize(path) - fileSize(`${path}-wal`));
}

function fileSize(path: string): number {
  return statSync(path, { throwIfNoEntry: false })?.size ?? 0;
}

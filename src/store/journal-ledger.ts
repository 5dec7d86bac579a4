// What a server has applied of the shared journal (etcd-journal.ts), kept in the same SQLite
// file as the data the entries change (log-events.db, metrics.db) so that applying an entry and
// recording it are one transaction: after kill -9 either both happened or neither, and an entry
// is applied exactly once, across restarts too. The rules are journal-rules.ts' decideApply.
import type Database from "better-sqlite3";
import { decideApply } from "./journal-rules.js";

export interface JournalLedger {
  /** The follower's etcd revision: every entry at or below it has been applied or skipped. */
  position(): number;
  /** When the follower was last known to be caught up (ms), 0 if never. */
  seenAt(): number;
  /** Records that the follower was caught up at `now` (for the gap warning at the next start). */
  touch(now: number): void;
  /**
   * Runs `apply` for the entry unless it was applied already, and records it, in one
   * transaction (nested in the caller's, if any). Returns whether `apply` ran.
   */
  apply(id: string, revision: number, via: "own" | "follower", apply: () => void): boolean;
}

const DDL = `
CREATE TABLE IF NOT EXISTS journal_position (
  id INTEGER PRIMARY KEY CHECK (id = 0),
  revision INTEGER NOT NULL,
  seen_at INTEGER NOT NULL
);
INSERT OR IGNORE INTO journal_position (id, revision, seen_at) VALUES (0, 0, 0);
CREATE TABLE IF NOT EXISTS journal_applied (
  id TEXT PRIMARY KEY,
  revision INTEGER NOT NULL
) WITHOUT ROWID;
`;

export function openJournalLedger(db: Database.Database): JournalLedger {
  db.exec(DDL);
  const st = {
    position: db.prepare("SELECT revision FROM journal_position WHERE id = 0").pluck(),
    seenAt: db.prepare("SELECT seen_at FROM journal_position WHERE id = 0").pluck(),
    advance: db.prepare("UPDATE journal_position SET revision = ? WHERE id = 0"),
    touch: db.prepare("UPDATE journal_position SET seen_at = ? WHERE id = 0"),
    isApplied: db.prepare("SELECT 1 FROM journal_applied WHERE id = ?").pluck(),
    remember: db.prepare("INSERT INTO journal_applied (id, revision) VALUES (?, ?)"),
    // An id applied ahead is forgotten when the follower passes it (or passes its revision, had
    // the follower missed the entry: expired while this server was down).
    forget: db.prepare("DELETE FROM journal_applied WHERE id = ? OR revision <= ?"),
  };
  const apply = db.transaction((id: string, revision: number, via: "own" | "follower", fn: () => void): boolean => {
    const decision = decideApply({ position: st.position.get() as number, applied: st.isApplied.get(id) !== undefined }, revision, via);
    if (decision.apply) fn();
    if (decision.remember) st.remember.run(id, revision);
    if (decision.forget || decision.advance) st.forget.run(id, revision);
    if (decision.advance) st.advance.run(revision);
    return decision.apply;
  });
  return {
    position: () => st.position.get() as number,
    seenAt: () => st.seenAt.get() as number,
    touch: (now) => void st.touch.run(now),
    apply: (id, revision, via, fn) => apply(id, revision, via, fn),
  };
}

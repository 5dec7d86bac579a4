// CloudWatch Logs events in tables of their own in the store's SQLite file: a control plane may
// hold millions of lines, far too many to be store keys, to pass through watches or to sit in
// the cache. Groups and streams stay records in the store (domain/logs); here they are only the
// opaque ids those records carry, so a group or stream made again under an old name never sees
// the old one's events, even if a crash left them behind.
//
// Each call is one SQLite transaction on the store's connection, synchronous like the store's
// own: in WAL mode a returned append has been written to the -wal file, which outlives kill -9
// (sqlite-store.ts, Durability). Events are ordered by (timestamp, seq); seq is the table's rowid,
// assigned in arrival order, so it is also the event's stable id.
import type Database from "better-sqlite3";

export interface LogEventInput {
  timestamp: number;
  message: string;
}

export interface StoredLogEvent {
  seq: number;
  streamUid: string;
  timestamp: number;
  ingestionTime: number;
  message: string;
}

/** A place in a stream or group's order: events strictly after or before (timestamp, seq). */
export interface LogPosition {
  timestamp: number;
  seq: number;
}

export interface StreamStats {
  firstEventTimestamp: number;
  lastEventTimestamp: number;
  lastIngestionTime: number;
  storedBytes: number;
}

export interface StreamRead {
  groupUid: string;
  streamUid: string;
  /** Inclusive lower bound on timestamps. */
  startTime: number;
  /** Exclusive upper bound on timestamps. */
  endTime: number;
  /** Ascending from `after` (or the start), or descending from `before` (or the end). */
  direction: "forward" | "backward";
  after?: LogPosition;
  before?: LogPosition;
  limit: number;
}

export interface GroupScan {
  groupUid: string;
  /** Inclusive bounds on timestamps. */
  startTime: number;
  endTime: number;
  after?: LogPosition;
  limit: number;
  /**
   * Substrings every returned message holds (case-sensitive): a filter's required terms,
   * checked by SQLite while scanning so that rows no pattern could match never reach JS.
   */
  contains?: readonly string[];
}

export interface LogEventStore {
  /**
   * Appends a batch to a stream (all or nothing); returns the seq of the first event. With
   * `firstSeq` the events get firstSeq, firstSeq+1…, as every server of a shared journal gives
   * them (store/journal-rules.ts); without it, the next free seqs.
   */
  append(groupUid: string, streamUid: string, events: readonly LogEventInput[], ingestionTime: number, firstSeq?: number): number;
  readStream(q: StreamRead): StoredLogEvent[];
  /** A group's events in (timestamp, seq) order, every stream interleaved. */
  scanGroup(q: GroupScan): StoredLogEvent[];
  streamStats(groupUid: string, streamUid: string): StreamStats | undefined;
  /** Bytes stored per group: the sum of its streams'. */
  groupBytes(groupUid: string): number;
  deleteStream(groupUid: string, streamUid: string): void;
  deleteGroup(groupUid: string): void;
  /** Deletes a group's events older than `cutoff` (at most `max` of them); returns how many went. */
  deleteOlderThan(groupUid: string, cutoff: number, max: number): number;
  /** Every group uid that has events, for sweeps. */
  groups(): string[];
}

const DDL = `
CREATE TABLE IF NOT EXISTS log_groups (
  id INTEGER PRIMARY KEY,
  uid TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS log_streams (
  id INTEGER PRIMARY KEY,
  group_id INTEGER NOT NULL,
  uid TEXT NOT NULL UNIQUE,
  first_ts INTEGER,
  last_ts INTEGER,
  last_ingest INTEGER,
  bytes INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS log_streams_by_group ON log_streams (group_id);
CREATE TABLE IF NOT EXISTS log_events (
  seq INTEGER PRIMARY KEY,
  group_id INTEGER NOT NULL,
  stream_id INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  ingested INTEGER NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS log_events_by_stream ON log_events (stream_id, ts, seq);
CREATE INDEX IF NOT EXISTS log_events_by_group ON log_events (group_id, ts, seq);
`;

/** What an event costs in storedBytes: its message's UTF-8 bytes plus the 26 bytes AWS counts per event. */
export const EVENT_OVERHEAD = 26;

const INSERT_ROWS = 64;

const SELECT = "SELECT e.seq, s.uid AS streamUid, e.ts AS timestamp, e.ingested AS ingestionTime, e.message FROM log_events e JOIN log_streams s ON s.id = e.stream_id";

export function openLogEventStore(db: Database.Database): LogEventStore {
  db.exec(DDL);
  const st = {
    groupId: db.prepare("SELECT id FROM log_groups WHERE uid = ?").pluck(),
    addGroup: db.prepare("INSERT INTO log_groups (uid) VALUES (?)"),
    stream: db.prepare("SELECT id, first_ts AS firstTs, last_ts AS lastTs, last_ingest AS lastIngest, bytes FROM log_streams WHERE uid = ?"),
    addStream: db.prepare("INSERT INTO log_streams (group_id, uid) VALUES (?, ?)"),
    insert: db.prepare("INSERT INTO log_events (group_id, stream_id, ts, ingested, message) VALUES (?, ?, ?, ?, ?)"),
    // Rows go in INSERT_ROWS at a time: one statement step per row costs more than the row.
    insertMany: db.prepare(`INSERT INTO log_events (group_id, stream_id, ts, ingested, message) VALUES ${"(?, ?, ?, ?, ?), ".repeat(INSERT_ROWS - 1)}(?, ?, ?, ?, ?)`),
    insertAt: db.prepare("INSERT INTO log_events (seq, group_id, stream_id, ts, ingested, message) VALUES (?, ?, ?, ?, ?, ?)"),
    insertManyAt: db.prepare(`INSERT INTO log_events (seq, group_id, stream_id, ts, ingested, message) VALUES ${"(?, ?, ?, ?, ?, ?), ".repeat(INSERT_ROWS - 1)}(?, ?, ?, ?, ?, ?)`),
    setStats: db.prepare("UPDATE log_streams SET first_ts = ?, last_ts = ?, last_ingest = ?, bytes = ? WHERE id = ?"),
    forward: db.prepare(`${SELECT} WHERE e.stream_id = ? AND (e.ts, e.seq) > (?, ?) AND e.ts < ? ORDER BY e.ts, e.seq LIMIT ?`),
    backward: db.prepare(`${SELECT} WHERE e.stream_id = ? AND (e.ts, e.seq) < (?, ?) AND e.ts >= ? ORDER BY e.ts DESC, e.seq DESC LIMIT ?`),
    groupBytes: db.prepare("SELECT COALESCE(SUM(bytes), 0) FROM log_streams WHERE group_id = ?").pluck(),
    deleteStreamEvents: db.prepare("DELETE FROM log_events WHERE stream_id = ?"),
    deleteStream: db.prepare("DELETE FROM log_streams WHERE id = ?"),
    deleteGroupEvents: db.prepare("DELETE FROM log_events WHERE group_id = ?"),
    deleteGroupStreams: db.prepare("DELETE FROM log_streams WHERE group_id = ?"),
    deleteGroup: db.prepare("DELETE FROM log_groups WHERE id = ?"),
    oldest: db.prepare(
      "SELECT seq, stream_id AS streamId, ts, length(CAST(message AS BLOB)) AS size FROM log_events WHERE group_id = ? AND ts < ? ORDER BY ts, seq LIMIT ?",
    ),
    deleteEvent: db.prepare("DELETE FROM log_events WHERE seq = ?"),
    shrink: db.prepare("UPDATE log_streams SET bytes = bytes - ? WHERE id = ?"),
    firstOf: db.prepare("SELECT ts FROM log_events WHERE stream_id = ? ORDER BY ts, seq LIMIT 1").pluck(),
    clearStats: db.prepare("UPDATE log_streams SET first_ts = NULL, last_ts = NULL, bytes = 0 WHERE id = ?"),
    setFirst: db.prepare("UPDATE log_streams SET first_ts = ? WHERE id = ?"),
    groups: db.prepare("SELECT uid FROM log_groups").pluck(),
  };

  interface StreamRow {
    id: number;
    firstTs: number | null;
    lastTs: number | null;
    lastIngest: number | null;
    bytes: number;
  }

  // One scan statement per number of required substrings, prepared when first needed.
  const scans = new Map<number, Database.Statement>();
  const scanWith = (n: number) => {
    let stmt = scans.get(n);
    if (!stmt) {
      const terms = " AND instr(e.message, ?) > 0".repeat(n);
      stmt = db.prepare(`${SELECT} WHERE e.group_id = ? AND (e.ts, e.seq) > (?, ?) AND e.ts <= ?${terms} ORDER BY e.ts, e.seq LIMIT ?`);
      scans.set(n, stmt);
    }
    return stmt;
  };

  const groupIdOf = (uid: string) => st.groupId.get(uid) as number | undefined;

  const append = db.transaction((groupUid: string, streamUid: string, events: readonly LogEventInput[], ingestionTime: number, at?: number): number => {
    let groupId = groupIdOf(groupUid);
    if (groupId === undefined) groupId = Number(st.addGroup.run(groupUid).lastInsertRowid);
    let row = st.stream.get(streamUid) as StreamRow | undefined;
    if (!row) {
      st.addStream.run(groupId, streamUid);
      row = st.stream.get(streamUid) as StreamRow;
    }
    let first = row.firstTs;
    let last = row.lastTs;
    let bytes = row.bytes;
    let firstSeq = 0;
    const params: unknown[] = [];
    let i = 0;
    if (at !== undefined) {
      // Seqs given: the same rows with their seq first.
      for (; i + INSERT_ROWS <= events.length; i += INSERT_ROWS) {
        params.length = 0;
        for (let j = i; j < i + INSERT_ROWS; j++) params.push(at + j, groupId, row.id, events[j]!.timestamp, ingestionTime, events[j]!.message);
        st.insertManyAt.run(...params);
      }
      for (; i < events.length; i++) st.insertAt.run(at + i, groupId, row.id, events[i]!.timestamp, ingestionTime, events[i]!.message);
      firstSeq = at;
    }
    for (; i + INSERT_ROWS <= events.length; i += INSERT_ROWS) {
      params.length = 0;
      for (let j = i; j < i + INSERT_ROWS; j++) params.push(groupId, row.id, events[j]!.timestamp, ingestionTime, events[j]!.message);
      // Rowids of one statement's rows are consecutive: the last minus the count is the first.
      const last = Number(st.insertMany.run(...params).lastInsertRowid);
      if (firstSeq === 0) firstSeq = last - INSERT_ROWS + 1;
    }
    for (; i < events.length; i++) {
      const seq = Number(st.insert.run(groupId, row.id, events[i]!.timestamp, ingestionTime, events[i]!.message).lastInsertRowid);
      if (firstSeq === 0) firstSeq = seq;
    }
    for (const e of events) {
      if (first === null || e.timestamp < first) first = e.timestamp;
      if (last === null || e.timestamp > last) last = e.timestamp;
      bytes += Buffer.byteLength(e.message) + EVENT_OVERHEAD;
    }
    st.setStats.run(first, last, ingestionTime, bytes, row.id);
    return firstSeq;
  });

  const deleteStream = db.transaction((streamUid: string) => {
    const row = st.stream.get(streamUid) as StreamRow | undefined;
    if (!row) return;
    st.deleteStreamEvents.run(row.id);
    st.deleteStream.run(row.id);
  });

  const deleteGroup = db.transaction((groupUid: string) => {
    const id = groupIdOf(groupUid);
    if (id === undefined) return;
    st.deleteGroupEvents.run(id);
    st.deleteGroupStreams.run(id);
    st.deleteGroup.run(id);
  });

  const deleteOlderThan = db.transaction((groupUid: string, cutoff: number, max: number): number => {
    const id = groupIdOf(groupUid);
    if (id === undefined) return 0;
    const rows = st.oldest.all(id, cutoff, max) as { seq: number; streamId: number; ts: number; size: number }[];
    const shrunk = new Map<number, number>();
    for (const r of rows) {
      st.deleteEvent.run(r.seq);
      shrunk.set(r.streamId, (shrunk.get(r.streamId) ?? 0) + r.size + EVENT_OVERHEAD);
    }
    for (const [streamId, size] of shrunk) {
      st.shrink.run(size, streamId);
      const first = st.firstOf.get(streamId) as number | undefined;
      if (first === undefined) st.clearStats.run(streamId);
      else st.setFirst.run(first, streamId);
    }
    return rows.length;
  });

  return {
    append: (groupUid, streamUid, events, ingestionTime, firstSeq) => append(groupUid, streamUid, events, ingestionTime, firstSeq),
    readStream(q) {
      const row = st.stream.get(q.streamUid) as StreamRow | undefined;
      if (!row) return [];
      if (q.direction === "forward") {
        const from = q.after ?? { timestamp: q.startTime, seq: 0 };
        // Whichever is later: the position or the start of the window.
        const pos = from.timestamp >= q.startTime ? from : { timestamp: q.startTime, seq: 0 };
        return st.forward.all(row.id, pos.timestamp, pos.seq, q.endTime, q.limit) as StoredLogEvent[];
      }
      const from = q.before ?? { timestamp: q.endTime, seq: 0 };
      const pos = from.timestamp < q.endTime ? from : { timestamp: q.endTime, seq: 0 };
      return st.backward.all(row.id, pos.timestamp, pos.seq, q.startTime, q.limit) as StoredLogEvent[];
    },
    scanGroup(q) {
      const id = groupIdOf(q.groupUid);
      if (id === undefined) return [];
      const pos = q.after && q.after.timestamp >= q.startTime ? q.after : { timestamp: q.startTime, seq: 0 };
      const contains = q.contains ?? [];
      return scanWith(contains.length).all(id, pos.timestamp, pos.seq, q.endTime, ...contains, q.limit) as StoredLogEvent[];
    },
    streamStats(_groupUid, streamUid) {
      const row = st.stream.get(streamUid) as StreamRow | undefined;
      if (!row || row.firstTs === null || row.lastTs === null) return undefined;
      return { firstEventTimestamp: row.firstTs, lastEventTimestamp: row.lastTs, lastIngestionTime: row.lastIngest ?? 0, storedBytes: row.bytes };
    },
    groupBytes(groupUid) {
      const id = groupIdOf(groupUid);
      return id === undefined ? 0 : (st.groupBytes.get(id) as number);
    },
    deleteStream: (_groupUid, streamUid) => deleteStream(streamUid),
    deleteGroup: (groupUid) => deleteGroup(groupUid),
    deleteOlderThan: (groupUid, cutoff, max) => deleteOlderThan(groupUid, cutoff, max),
    groups: () => st.groups.all() as string[],
  };
}

// The pure parts of the write journal that several servers on one etcd share (etcd-journal.ts):
// how an entry is written as an etcd key and value, the order of log events that follows from
// the revision etcd gave it, whether a server applies an entry it is handed, and when to warn
// that a server has missed entries. Kept apart so that they are table-tested without etcd.

/** One decoded journal entry: what a server applies, exactly once, in revision order. */
export interface JournalRecord {
  /** The entry's id: the last part of its key, unique across servers. */
  id: string;
  /** The topic it was published under ("logs", "metrics"). */
  topic: string;
  /** The kind of write, as its domain names it ("put", "deleteGroup"…). */
  kind: string;
  body: unknown;
  /** etcd's revision of the put that wrote it (the journal's order). */
  revision: number;
}

const FORMAT = 1;

/** The etcd key of an entry: <root>journal/<topic>/<id>. `root` ends with "/". */
export function entryKey(root: string, topic: string, id: string): string {
  return `${journalPrefix(root, topic)}${id}`;
}

export function journalPrefix(root: string, topic: string): string {
  return `${root}journal/${topic}/`;
}

/**
 * A new entry id: the publishing time in base 36 (so a listing of keys reads roughly in time
 * order, though the journal's order is etcd's revision), the server and a random part.
 */
export function newEntryId(now: number, serverId: string, random: string): string {
  return `${now.toString(36).padStart(9, "0")}-${serverId.replace(/[^A-Za-z0-9_.-]/g, "_")}-${random}`;
}

export function encodeEntry(kind: string, body: unknown): string {
  return JSON.stringify({ v: FORMAT, kind, body });
}

/** Reads an entry back from its key and value; undefined for a key or value berth did not write. */
export function decodeEntry(root: string, key: string, value: string, revision: number): JournalRecord | undefined {
  const rest = key.startsWith(`${root}journal/`) ? key.slice(`${root}journal/`.length) : undefined;
  const slash = rest?.indexOf("/") ?? -1;
  if (rest === undefined || slash <= 0 || slash === rest.length - 1) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const o = parsed as Record<string, unknown>;
  if (o.v !== FORMAT || typeof o.kind !== "string" || !("body" in o)) return undefined;
  return { id: rest.slice(slash + 1), topic: rest.slice(0, slash), kind: o.kind, body: o.body, revision };
}

/**
 * Room for one PutLogEvents batch (AWS allows 10,000 events) in the seq numbers of one revision.
 * An event's seq is its batch's revision times this plus its index, the same on every server,
 * so (timestamp, seq) orders events the same everywhere and a GetLogEvents or FilterLogEvents
 * token from one server reads on at the same place on another. Safe up to revision 2^39.
 */
export const SEQS_PER_REVISION = 16_384;

export function firstSeqOf(revision: number): number {
  const seq = revision * SEQS_PER_REVISION;
  if (!Number.isSafeInteger(seq)) throw new RangeError(`etcd revision ${revision} is past what log event seqs can hold`);
  return seq;
}

/** What a server holds of the journal: how far its follower has got, and what it applied ahead. */
export interface LedgerState {
  /** The follower's revision: every entry at or below it has been applied or skipped. */
  position: number;
  /** Whether this entry's id was already applied (by the server that published it, ahead of its follower). */
  applied: boolean;
}

/**
 * What to do with an entry handed to this server, `via` its own write (it published the entry
 * and applies it at once, so that a read on the same server sees it) or its follower (every
 * entry, in revision order, the server's own included). An entry is applied once: the first of
 * the two to get there applies it and the other skips it. Only the follower moves the position,
 * since it alone has seen every entry below it; an entry applied ahead is remembered by id until
 * the follower passes it (`forget`).
 */
export function decideApply(state: LedgerState, revision: number, via: "own" | "follower"): { apply: boolean; advance: boolean; remember: boolean; forget: boolean } {
  if (revision <= state.position) return { apply: false, advance: false, remember: false, forget: false };
  if (via === "own") return { apply: !state.applied, advance: false, remember: !state.applied, forget: false };
  return { apply: !state.applied, advance: true, remember: false, forget: state.applied };
}

/**
 * The warning a server logs when it starts following, or undefined: entries live `ttlMs` in
 * etcd, so a server whose follower was last caught up longer ago than that may have missed some.
 * A server that never followed (a new one) gets only the entries of the last `ttlMs`.
 */
export function catchUpGap(state: { position: number; seenAt: number }, now: number, ttlMs: number): string | undefined {
  if (state.position === 0) {
    return `first start on this data directory: the journal holds the writes of the last ${formatDuration(ttlMs)} only; older log events and datapoints stay on the servers that had them`;
  }
  const away = now - state.seenAt;
  if (away <= ttlMs) return undefined;
  return `this server last followed the journal ${formatDuration(away)} ago (etcd revision ${state.position}, at ${new Date(state.seenAt).toISOString()}), longer than the journal keeps entries (${formatDuration(ttlMs)}): log events and datapoints written on other servers between then and ${new Date(now - ttlMs).toISOString()} are missing here`;
}

function formatDuration(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms >= 60_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 1000)} s`;
}

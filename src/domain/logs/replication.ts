// CloudWatch Logs events on several servers of one etcd: each server keeps every event in its
// own event store (log-events.db), and the writes reach the others through the store's journal
// (store/etcd-journal.ts). A PutLogEvents batch, a DeleteLogGroup and a DeleteLogStream are each
// one journal entry, published after the call was validated and before it answers; the server
// that accepted it applies it at once (read-your-writes), every other when its follower hands
// it over, and the ledger in the same SQLite file makes each apply exactly once. Events take
// their seqs from the entry's revision, so they sort the same on every server and a token from
// one reads on at the same place on another. Live Tail sessions hear of a batch when it is
// applied here, whichever server accepted it. With one SQLite store there is no journal and
// everything is applied at once, as before.
import type { Logger } from "pino";
import { catchUpGap, firstSeqOf, type JournalRecord, type LogEventInput } from "../../store/index.js";
import { liveTailHub, type AppendedBatch } from "./live-tail-hub.js";
import type { LogsDeps, LogsReplication } from "./records.js";

export const LOGS_TOPIC = "logs";

/** What one journal entry of the logs topic says. */
export type LogsEntry =
  | { kind: "put"; groupUid: string; streamUid: string; logStreamName: string; ingestionTime: number; events: LogEventInput[] }
  | { kind: "deleteGroup"; groupUid: string }
  | { kind: "deleteStream"; groupUid: string; streamUid: string };

/** An entry as read from etcd, checked (it crossed the network), or undefined if it is not one. */
export function parseLogsEntry(kind: string, body: unknown): LogsEntry | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const o = body as Record<string, unknown>;
  const str = (k: string) => typeof o[k] === "string";
  if (kind === "deleteGroup" && str("groupUid")) return { kind, groupUid: o.groupUid as string };
  if (kind === "deleteStream" && str("groupUid") && str("streamUid")) return { kind, groupUid: o.groupUid as string, streamUid: o.streamUid as string };
  if (kind !== "put" || !str("groupUid") || !str("streamUid") || !str("logStreamName") || !Number.isSafeInteger(o.ingestionTime) || !Array.isArray(o.events)) return undefined;
  const events = o.events as unknown[];
  const ok = events.length > 0 && events.every((e) => typeof e === "object" && e !== null && Number.isSafeInteger((e as LogEventInput).timestamp) && typeof (e as LogEventInput).message === "string");
  if (!ok) return undefined;
  return {
    kind,
    groupUid: o.groupUid as string,
    streamUid: o.streamUid as string,
    logStreamName: o.logStreamName as string,
    ingestionTime: o.ingestionTime as number,
    events: (events as LogEventInput[]).map((e) => ({ timestamp: e.timestamp, message: e.message })),
  };
}

/** The entry's change to the event store; a put's batch comes back for Live Tail. `firstSeq` absent: the store's next seqs. */
function change(deps: LogsDeps, entry: LogsEntry, firstSeq: number | undefined): { seq: number; batch?: AppendedBatch } {
  if (entry.kind === "deleteGroup") return (deps.logEvents.deleteGroup(entry.groupUid), { seq: 0 });
  if (entry.kind === "deleteStream") return (deps.logEvents.deleteStream(entry.groupUid, entry.streamUid), { seq: 0 });
  const seq = deps.logEvents.append(entry.groupUid, entry.streamUid, entry.events, entry.ingestionTime, firstSeq);
  return { seq, batch: { groupUid: entry.groupUid, logStreamName: entry.logStreamName, events: entry.events, ingestionTime: entry.ingestionTime } };
}

/** Applies an entry unless this server has already; Live Tail hears of a batch once it is stored. */
function applyOnce(deps: LogsDeps, replication: LogsReplication, id: string, revision: number, entry: LogsEntry, via: "own" | "follower"): void {
  let batch: AppendedBatch | undefined;
  replication.ledger.apply(id, revision, via, () => {
    batch = change(deps, entry, firstSeqOf(revision)).batch;
  });
  if (batch) liveTailHub(deps).publish(batch);
}

/**
 * Makes a validated write: with a journal, once etcd has committed its entry (so that every
 * server gets it, also if this one dies right after answering), then here at once; without,
 * here only. Returns the seq of a put's first event.
 */
export async function writeLogs(deps: LogsDeps, entry: LogsEntry): Promise<number> {
  const replication = deps.replication;
  if (!replication) {
    const { seq, batch } = change(deps, entry, undefined);
    // Stored (durable) before any Live Tail session hears of it.
    if (batch) liveTailHub(deps).publish(batch);
    return seq;
  }
  const { kind, ...body } = entry;
  const { id, revision } = await replication.journal.publish(LOGS_TOPIC, kind, body);
  applyOnce(deps, replication, id, revision, entry, "own");
  return entry.kind === "put" ? firstSeqOf(revision) : 0;
}

/**
 * Starts this server's follower of the logs journal from its ledger's position; resolves once
 * it has applied every entry etcd holds (the control plane waits for that before it answers).
 */
export async function followLogsJournal(deps: LogsDeps, logger: Logger): Promise<{ stop(): void }> {
  const replication = deps.replication;
  if (!replication) return { stop() {} };
  const { journal, ledger } = replication;
  const gap = catchUpGap({ position: ledger.position(), seenAt: ledger.seenAt() }, Date.now(), journal.ttlMs);
  if (gap) logger[ledger.position() === 0 ? "info" : "warn"]({ topic: LOGS_TOPIC }, `logs journal: ${gap}`);
  return journal.follow(LOGS_TOPIC, ledger.position(), {
    onEntry: (record: JournalRecord) => {
      const entry = parseLogsEntry(record.kind, record.body);
      try {
        if (!entry) throw new Error(`not a logs journal entry: kind ${JSON.stringify(record.kind)}`);
        applyOnce(deps, replication, record.id, record.revision, entry, "follower");
      } catch (err) {
        // Skipped, not retried forever: one bad entry must not stop every later one.
        logger.error({ err, entry: record.id, revision: record.revision }, "a logs journal entry could not be applied; skipped");
        ledger.apply(record.id, record.revision, "follower", () => {});
      }
    },
    onCaughtUp: () => ledger.touch(Date.now()),
    onError: (err) => logger.warn({ err }, "logs journal follower: reconnecting"),
  });
}

// CloudWatch Logs' event operations: PutLogEvents, GetLogEvents, FilterLogEvents. The group
// and stream are looked up in the cache; the events go to and come from the event store
// (store/log-events.ts), one SQLite transaction per PutLogEvents, durable when it returns.
import type { Scope } from "../../model/index.js";
import type { LogEventInput, LogPosition, StoredLogEvent } from "../../store/index.js";
import { compileFilterPattern, FilterPatternError } from "./filter-pattern.js";
import { decidePut } from "./put-rules.js";
import { groupNameFrom, groupOf, logsErrors, logsKeys, retentionCutoff, streamOf, type LogsDeps, type LogStreamRecord } from "./records.js";
import { writeLogs } from "./replication.js";
import { decodePosition, encodePosition } from "./tokens.js";

/** Pages stop at this many message bytes, as AWS's do (1 MB of events per response). */
const MAX_PAGE_BYTES = 1_048_576;
/** FilterLogEvents looks at this many events per call at most; past it, it answers with a nextToken. */
const FILTER_SCAN_BUDGET = 200_000;
const SCAN_CHUNK = 2_000;
const FAR_FUTURE = Number.MAX_SAFE_INTEGER;

interface PutInput {
  logGroupName: string;
  logStreamName: string;
  logEvents: LogEventInput[];
  sequenceToken?: string;
}

export async function putLogEvents(deps: LogsDeps, scope: Scope, input: PutInput) {
  const group = groupOf(deps, scope, input.logGroupName);
  const stream = streamOf(deps, scope, input.logGroupName, input.logStreamName);
  const now = deps.clock.now();
  const decision = decidePut(input.logEvents, now, group.retentionInDays);
  let seq = 0;
  if (decision.end > decision.start) {
    const kept = input.logEvents.slice(decision.start, decision.end).map((e) => ({ timestamp: e.timestamp, message: e.message }));
    // Stored (and with several servers, in the shared journal) before the call answers.
    seq = await writeLogs(deps, { kind: "put", groupUid: group.uid, streamUid: stream.uid, logStreamName: stream.logStreamName, events: kept, ingestionTime: now });
  }
  // The token means nothing to AWS any more; old clients (Docker's awslogs) still pass it on.
  return { nextSequenceToken: String(seq).padStart(56, "0"), ...(decision.rejected ? { rejectedLogEventsInfo: decision.rejected } : {}) };
}

interface GetInput {
  logGroupName?: string;
  logGroupIdentifier?: string;
  logStreamName: string;
  startTime?: number;
  endTime?: number;
  nextToken?: string;
  limit?: number;
  startFromHead?: boolean;
}

export interface LogEventView {
  timestamp: number;
  message: string;
  ingestionTime: number;
}

/**
 * GetLogEvents: one page of a stream, ascending within the page. Without a token the newest
 * page (or with startFromHead the oldest); a forward token reads on after the page, a backward
 * one before it. At the end the same token comes back: that is how callers know to stop.
 */
export function getLogEvents(deps: LogsDeps, scope: Scope, input: GetInput) {
  const groupName = groupNameFrom(input);
  const group = groupOf(deps, scope, groupName);
  const stream = streamOf(deps, scope, groupName, input.logStreamName);
  const token = input.nextToken !== undefined ? decodePosition(input.nextToken, ["f", "b"]) : undefined;
  const startTime = Math.max(input.startTime ?? 0, retentionCutoff(group, deps.clock.now()));
  const endTime = input.endTime ?? FAR_FUTURE;
  const limit = input.limit ?? 10_000;
  const forward = token ? token.kind === "f" : !!input.startFromHead;
  const rows = deps.logEvents.readStream({
    groupUid: group.uid,
    streamUid: stream.uid,
    startTime,
    endTime,
    direction: forward ? "forward" : "backward",
    ...(token?.kind === "f" ? { after: token.position } : {}),
    ...(token?.kind === "b" ? { before: token.position } : {}),
    limit,
  });
  const page = fitPage(rows);
  if (!forward) page.reverse();
  const events = page.map(view);
  const first = page[0];
  const last = page[page.length - 1];
  let nextForwardToken: string;
  let nextBackwardToken: string;
  if (first && last) {
    nextForwardToken = encodePosition("f", last);
    nextBackwardToken = encodePosition("b", first);
  } else if (token) {
    // Nothing more this way: the caller's own token back, and the other way from the same place.
    nextForwardToken = token.kind === "f" ? input.nextToken! : encodePosition("f", token.position);
    nextBackwardToken = token.kind === "b" ? input.nextToken! : encodePosition("b", token.position);
  } else {
    nextForwardToken = encodePosition("f", { timestamp: startTime, seq: 0 });
    nextBackwardToken = encodePosition("b", { timestamp: Math.min(endTime, FAR_FUTURE), seq: 0 });
  }
  return { events, nextForwardToken, nextBackwardToken };
}

const view = (e: StoredLogEvent): LogEventView => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime });

/** The rows that fit in one response's 1 MB, at least one. */
function fitPage(rows: StoredLogEvent[]): StoredLogEvent[] {
  let bytes = 0;
  for (let i = 0; i < rows.length; i++) {
    bytes += Buffer.byteLength(rows[i]!.message) + 26;
    if (bytes > MAX_PAGE_BYTES && i > 0) return rows.slice(0, i);
  }
  return rows;
}

interface FilterInput {
  logGroupName?: string;
  logGroupIdentifier?: string;
  logStreamNames?: string[];
  logStreamNamePrefix?: string;
  startTime?: number;
  endTime?: number;
  filterPattern?: string;
  nextToken?: string;
  limit?: number;
  interleaved?: boolean;
}

export interface FilteredEvent extends LogEventView {
  logStreamName: string;
  eventId: string;
}

/**
 * FilterLogEvents: a group's events across its streams, by (timestamp, arrival), matching the
 * pattern. A page ends at the limit, at 1 MB, or after FILTER_SCAN_BUDGET events looked at
 * (then possibly empty, with a nextToken, as AWS's pages may be); no nextToken means done.
 * eventIds are stable, which `aws logs tail --follow` relies on to skip what it printed.
 */
export function filterLogEvents(deps: LogsDeps, scope: Scope, input: FilterInput) {
  const groupName = groupNameFrom(input);
  if (input.logStreamNames !== undefined && input.logStreamNamePrefix !== undefined) {
    throw logsErrors.invalidParameter("logStreamNames and logStreamNamePrefix are mutually exclusive parameters.");
  }
  let pattern;
  try {
    pattern = compileFilterPattern(input.filterPattern);
  } catch (err) {
    if (err instanceof FilterPatternError) throw logsErrors.invalidParameter(err.message);
    throw err;
  }
  const group = groupOf(deps, scope, groupName);
  const streams = deps.cache.list<LogStreamRecord>(logsKeys.streams(scope, groupName));
  const names = new Map(streams.map((s) => [s.uid, s.logStreamName]));
  if (input.logStreamNames) {
    for (const n of input.logStreamNames) {
      if (!streams.some((s) => s.logStreamName === n)) throw logsErrors.streamNotFound();
    }
  }
  const wanted = (name: string) =>
    (input.logStreamNames === undefined || input.logStreamNames.includes(name)) && (input.logStreamNamePrefix === undefined || name.startsWith(input.logStreamNamePrefix));
  let after: LogPosition | undefined = input.nextToken !== undefined ? decodePosition(input.nextToken, ["n"]).position : undefined;
  const startTime = Math.max(input.startTime ?? 0, retentionCutoff(group, deps.clock.now()));
  const endTime = input.endTime ?? FAR_FUTURE;
  const limit = input.limit ?? 10_000;
  const events: FilteredEvent[] = [];
  let bytes = 0;
  let scanned = 0;
  let more = true;
  while (events.length < limit && bytes < MAX_PAGE_BYTES && scanned < FILTER_SCAN_BUDGET) {
    const rows = deps.logEvents.scanGroup({ groupUid: group.uid, startTime, endTime, ...(after ? { after } : {}), limit: SCAN_CHUNK, contains: pattern.required });
    let stopped = false;
    for (const row of rows) {
      scanned++;
      after = { timestamp: row.timestamp, seq: row.seq };
      const name = names.get(row.streamUid);
      // A row whose stream record is gone was deleted (its rows go right after the record).
      if (name === undefined || !wanted(name) || !pattern.matches(row.message)) continue;
      events.push({ logStreamName: name, timestamp: row.timestamp, message: row.message, ingestionTime: row.ingestionTime, eventId: String(row.seq) });
      bytes += Buffer.byteLength(row.message) + 26;
      if (events.length >= limit || bytes >= MAX_PAGE_BYTES) {
        stopped = true;
        break;
      }
    }
    if (!stopped && rows.length < SCAN_CHUNK) {
      more = false;
      break;
    }
  }
  return { events, ...(more && after ? { nextToken: encodePosition("n", after) } : {}), searchedLogStreams: [] };
}

/**
 * A stream's events since a time, oldest first, for berth's own readers (the console, `berth
 * logs`): at most `limit`, and the position to read on from (pass it back as `after`).
 */
export function readStreamSince(
  deps: LogsDeps,
  scope: Scope,
  input: { logGroupName: string; logStreamName: string; since: number; after?: LogPosition; limit?: number },
): { events: LogEventView[]; next: LogPosition } {
  const group = groupOf(deps, scope, input.logGroupName);
  const stream = streamOf(deps, scope, input.logGroupName, input.logStreamName);
  const startTime = Math.max(input.since, retentionCutoff(group, deps.clock.now()));
  const rows = deps.logEvents.readStream({
    groupUid: group.uid,
    streamUid: stream.uid,
    startTime,
    endTime: FAR_FUTURE,
    direction: "forward",
    ...(input.after ? { after: input.after } : {}),
    limit: input.limit ?? 1_000,
  });
  const last = rows[rows.length - 1];
  return { events: rows.map(view), next: last ? { timestamp: last.timestamp, seq: last.seq } : (input.after ?? { timestamp: startTime, seq: 0 }) };
}

// PutLogEvents' rules, decided purely on the batch, the time and the group's retention
// (AWS's PutLogEvents reference and quotas):
//  - a batch is at most 10,000 events and at most 1,048,576 bytes, counting each event's
//    message in UTF-8 plus 26 bytes; an event (message + 26) is at most 1,048,576 bytes;
//  - events must be in non-decreasing timestamp order, else the whole call fails;
//  - the events that are kept may span at most 24 hours;
//  - an event older than 14 days is too old, one older than the group's retention is expired,
//    one more than 2 hours in the future is too new: those are skipped, the rest stored, and
//    the answer's rejectedLogEventsInfo says which (end indexes exclusive, start index inclusive).
// Sequence tokens are no longer checked by AWS: whatever the caller sends is ignored.
import { EVENT_OVERHEAD, type LogEventInput } from "../../store/index.js";
import { DAY_MS, logsErrors } from "./records.js";

export const MAX_BATCH_EVENTS = 10_000;
export const MAX_BATCH_BYTES = 1_048_576;
export const MAX_EVENT_BYTES = 1_048_576;
export const MAX_SPAN_MS = DAY_MS;
export const MAX_AGE_MS = 14 * DAY_MS;
export const MAX_AHEAD_MS = 2 * 3_600_000;

export interface RejectedInfo {
  tooOldLogEventEndIndex?: number;
  tooNewLogEventStartIndex?: number;
  expiredLogEventEndIndex?: number;
}

export interface PutDecision {
  /** Events [start, end) of the batch are stored. */
  start: number;
  end: number;
  rejected?: RejectedInfo;
}

export function decidePut(events: readonly LogEventInput[], now: number, retentionInDays: number | undefined): PutDecision {
  if (events.length === 0) throw logsErrors.invalidParameter("1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length greater than or equal to 1");
  if (events.length > MAX_BATCH_EVENTS) {
    throw logsErrors.invalidParameter(`1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length less than or equal to ${MAX_BATCH_EVENTS}`);
  }
  let bytes = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const size = Buffer.byteLength(e.message) + EVENT_OVERHEAD;
    if (size > MAX_EVENT_BYTES) throw logsErrors.invalidParameter(`Log event too large: ${size} bytes exceeds limit of ${MAX_EVENT_BYTES}`);
    bytes += size;
    if (i > 0 && e.timestamp < events[i - 1]!.timestamp) {
      throw logsErrors.invalidParameter("Log events in a single PutLogEvents request must be in chronological order.");
    }
  }
  if (bytes > MAX_BATCH_BYTES) throw logsErrors.invalidParameter(`Upload too large: ${bytes} bytes exceeds limit of ${MAX_BATCH_BYTES}`);

  // Sorted, so the too old and expired events are a prefix and the too new ones a suffix.
  const oldest = now - MAX_AGE_MS;
  const retained = retentionInDays !== undefined ? now - retentionInDays * DAY_MS : -Infinity;
  let tooOld = 0;
  let expired = 0;
  while (tooOld < events.length && events[tooOld]!.timestamp < oldest) tooOld++;
  while (expired < events.length && events[expired]!.timestamp < retained) expired++;
  let tooNew = events.length;
  while (tooNew > 0 && events[tooNew - 1]!.timestamp > now + MAX_AHEAD_MS) tooNew--;
  const start = Math.min(Math.max(tooOld, expired), tooNew);
  const end = tooNew;
  if (end > start && events[end - 1]!.timestamp - events[start]!.timestamp > MAX_SPAN_MS) {
    throw logsErrors.invalidParameter("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.");
  }
  const rejected: RejectedInfo = {
    ...(tooOld > 0 ? { tooOldLogEventEndIndex: tooOld } : {}),
    ...(expired > 0 ? { expiredLogEventEndIndex: expired } : {}),
    ...(tooNew < events.length ? { tooNewLogEventStartIndex: tooNew } : {}),
  };
  return { start, end, ...(Object.keys(rejected).length > 0 ? { rejected } : {}) };
}

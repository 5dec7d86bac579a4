// The retention sweep: events older than their group's retention are already invisible to
// reads (records.ts, retentionCutoff); this removes them from the file, at most maxBatches
// batches of 20,000 per sweep (once a minute) so that one sweep never holds the event loop
// long, and drops the rows of groups whose record is gone (a crash between DeleteLogGroup's
// commit and its event deletion leaves those). A group is dropped only when it was found
// without a record by the sweep before too: with several servers, a batch from the journal
// may be applied here a moment before this server's cache holds the group another server just
// made (replication.ts), and must not be taken for a left-over.
import type { LogEventStore } from "../../store/index.js";
import { DAY_MS, type LogGroupRecord, type LogsDeps } from "./records.js";

const BATCH = 20_000;

/** Per event store: the group uids the last sweep found without a record. */
const suspects = new WeakMap<LogEventStore, Set<string>>();

export function sweepExpiredLogEvents(deps: LogsDeps, maxBatches = 5): number {
  const now = deps.clock.now();
  const live = new Map<string, LogGroupRecord>();
  for (const e of deps.cache.listEntries<LogGroupRecord>("/berth/")) {
    if (e.key.split("/")[4] === "logs" && e.key.split("/")[5] === "groups") live.set(e.value.uid, e.value);
  }
  let removed = 0;
  let batches = 0;
  const before = suspects.get(deps.logEvents) ?? new Set<string>();
  const orphans = new Set<string>();
  for (const uid of deps.logEvents.groups()) {
    const group = live.get(uid);
    if (!group) {
      if (before.has(uid)) deps.logEvents.deleteGroup(uid);
      else orphans.add(uid);
      continue;
    }
    if (group.retentionInDays === undefined) continue;
    const cutoff = now - group.retentionInDays * DAY_MS;
    while (batches++ < maxBatches) {
      const n = deps.logEvents.deleteOlderThan(uid, cutoff, BATCH);
      removed += n;
      if (n < BATCH) break;
    }
  }
  suspects.set(deps.logEvents, orphans);
  return removed;
}


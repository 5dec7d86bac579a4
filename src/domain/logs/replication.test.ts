// The logs side of the journal (replication.ts): which entries read back from etcd are taken,
// and that a batch published here and then handed over again by the follower is stored and
// told to Live Tail once, with seqs from its revision. The journal is played in memory (it
// hands back a revision as etcd would); the event store and the ledger are real, on SQLite.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import pino from "pino";
import { systemClock } from "../../model/index.js";
import { firstSeqOf, openJournalLedger, openLogEventStore } from "../../store/index.js";
import { memoryJournal } from "../../../test/helpers/memory-journal.js";
import { liveTailHub } from "./live-tail-hub.js";
import type { LogsDeps } from "./records.js";
import { followLogsJournal, parseLogsEntry, writeLogs } from "./replication.js";

describe("parseLogsEntry", () => {
  const put = { groupUid: "g", streamUid: "s", logStreamName: "web", ingestionTime: 5, events: [{ timestamp: 1, message: "m" }] };
  const cases: [what: string, kind: string, body: unknown, ok: boolean][] = [
    ["a put", "put", put, true],
    ["a group deletion", "deleteGroup", { groupUid: "g" }, true],
    ["a stream deletion", "deleteStream", { groupUid: "g", streamUid: "s" }, true],
    ["an unknown kind", "merge", put, false],
    ["a put without events", "put", { ...put, events: [] }, false],
    ["a put with a bad event", "put", { ...put, events: [{ timestamp: "1", message: "m" }] }, false],
    ["a put without its stream's name", "put", { ...put, logStreamName: 3 }, false],
    ["a fractional ingestion time", "put", { ...put, ingestionTime: 1.5 }, false],
    ["a stream deletion without its stream", "deleteStream", { groupUid: "g" }, false],
    ["no body", "deleteGroup", null, false],
  ];
  for (const [what, kind, body, ok] of cases) it(`${ok ? "takes" : "refuses"} ${what}`, () => assert.equal(parseLogsEntry(kind, body) !== undefined, ok));
  it("keeps only an event's timestamp and message", () => {
    const got = parseLogsEntry("put", { ...put, events: [{ timestamp: 1, message: "m", extra: true }] });
    assert.deepEqual(got, { kind: "put", ...put });
  });
});

describe("writeLogs with a journal", () => {
  it("stores a batch once whether its own write or the follower comes first, and tells Live Tail once", async () => {
    const db = new Database(":memory:");
    const logEvents = openLogEventStore(db);
    const mem = memoryJournal();
    const deps = { clock: systemClock, logEvents, replication: { journal: mem.journal, ledger: openJournalLedger(db) } } as unknown as LogsDeps;
    const heard: string[] = [];
    liveTailHub(deps).subscribe(["g"], (b) => heard.push(...b.events.map((e) => e.message)));
    await followLogsJournal(deps, pino({ level: "silent" }));

    const seq = await writeLogs(deps, { kind: "put", groupUid: "g", streamUid: "s", logStreamName: "web", ingestionTime: 7, events: [{ timestamp: 1, message: "a" }, { timestamp: 1, message: "b" }] });
    assert.equal(seq, firstSeqOf(101));
    mem.deliver(mem.entries[0]!); // the follower hands the same entry over again
    // Another server's batch reaches this one by the follower only.
    const other = mem.other("logs", "other", "put", { groupUid: "g", streamUid: "s", logStreamName: "web", ingestionTime: 8, events: [{ timestamp: 1, message: "c" }] });
    mem.deliver(other);
    mem.deliver(other);
    const rows = logEvents.readStream({ groupUid: "g", streamUid: "s", startTime: 0, endTime: 10, direction: "forward", limit: 10 });
    assert.deepEqual(rows.map((r) => [r.seq, r.message, r.ingestionTime]), [[firstSeqOf(101), "a", 7], [firstSeqOf(101) + 1, "b", 7], [firstSeqOf(102), "c", 8]]);
    assert.deepEqual(heard, ["a", "b", "c"]);

    // A deletion goes the same way; an entry that is not one is skipped, and later ones still apply.
    mem.deliver(mem.other("logs", "junk", "put", { nonsense: 1 }));
    assert.equal(deps.replication!.ledger.position(), 103);
    await writeLogs(deps, { kind: "deleteGroup", groupUid: "g" });
    assert.deepEqual(logEvents.groups(), []);
  });

  it("without a journal, stores at once with the store's own seqs", async () => {
    const logEvents = openLogEventStore(new Database(":memory:"));
    const deps = { clock: systemClock, logEvents } as unknown as LogsDeps;
    assert.equal(await writeLogs(deps, { kind: "put", groupUid: "g", streamUid: "s", logStreamName: "web", ingestionTime: 7, events: [{ timestamp: 1, message: "a" }] }), 1);
  });
});

// Table tests for the write journal's pure parts (journal-rules.ts) and for its ledger on an
// in-memory SQLite database (journal-ledger.ts): which handing-over of an entry applies it,
// that each entry is applied once whichever way comes first, across a reopen too, and that a
// failed apply leaves nothing recorded.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import { openJournalLedger } from "./journal-ledger.js";
import { catchUpGap, decideApply, decodeEntry, encodeEntry, entryKey, firstSeqOf, newEntryId, SEQS_PER_REVISION } from "./journal-rules.js";
import { openLogEventStore } from "./log-events.js";

describe("journal entries", () => {
  it("round-trip through key and value", () => {
    const key = entryKey("/berth/", "logs", "abc-s1-01");
    assert.equal(key, "/berth/journal/logs/abc-s1-01");
    assert.deepEqual(decodeEntry("/berth/", key, encodeEntry("put", { a: [1, "x"] }), 42), { id: "abc-s1-01", topic: "logs", kind: "put", body: { a: [1, "x"] }, revision: 42 });
  });

  const bad: [what: string, key: string, value: string][] = [
    ["another prefix", "/other/journal/logs/x", encodeEntry("put", {})],
    ["the store's keys", "/berth/kv/logs/x", encodeEntry("put", {})],
    ["no id", "/berth/journal/logs/", encodeEntry("put", {})],
    ["no topic", "/berth/journal/x", encodeEntry("put", {})],
    ["not JSON", "/berth/journal/logs/x", "{"],
    ["another format", "/berth/journal/logs/x", JSON.stringify({ v: 2, kind: "put", body: {} })],
    ["no kind", "/berth/journal/logs/x", JSON.stringify({ v: 1, body: {} })],
    ["no body", "/berth/journal/logs/x", JSON.stringify({ v: 1, kind: "put" })],
    ["not an object", "/berth/journal/logs/x", "7"],
  ];
  for (const [what, key, value] of bad) it(`are refused when ${what}`, () => assert.equal(decodeEntry("/berth/", key, value, 1), undefined));

  it("ids sort by time and name their server, in characters safe in a key", () => {
    const a = newEntryId(1_000, "host a/1", "r1");
    const b = newEntryId(2_000_000_000_000, "s2", "r0");
    assert.ok(a < b);
    assert.equal(a, "0000000rs-host_a_1-r1");
  });
});

describe("log event seqs from revisions", () => {
  it("give every batch room for 10,000 events and order batches by revision", () => {
    assert.equal(firstSeqOf(7), 7 * SEQS_PER_REVISION);
    assert.ok(firstSeqOf(7) + 9_999 < firstSeqOf(8));
  });
  it("refuse a revision past what a safe integer holds", () => assert.throws(() => firstSeqOf(2 ** 40), RangeError));
});

describe("decideApply", () => {
  const none = { apply: false, advance: false, remember: false, forget: false };
  const cases: [what: string, state: { position: number; applied: boolean }, revision: number, via: "own" | "follower", want: typeof none][] = [
    ["own write first", { position: 5, applied: false }, 9, "own", { apply: true, advance: false, remember: true, forget: false }],
    ["own write again", { position: 5, applied: true }, 9, "own", none],
    ["follower after the own write", { position: 5, applied: true }, 9, "follower", { apply: false, advance: true, remember: false, forget: true }],
    ["follower first", { position: 5, applied: false }, 9, "follower", { apply: true, advance: true, remember: false, forget: false }],
    ["own write after the follower passed it", { position: 9, applied: false }, 9, "own", none],
    ["follower handed an old entry again", { position: 12, applied: false }, 9, "follower", none],
  ];
  for (const [what, state, revision, via, want] of cases) it(what, () => assert.deepEqual(decideApply(state, revision, via), want));
});

describe("catchUpGap", () => {
  const hour = 3_600_000;
  it("says what a new server gets", () => assert.match(catchUpGap({ position: 0, seenAt: 0 }, 10 * hour, hour)!, /first start.*last 1 h/));
  it("is silent within the TTL", () => assert.equal(catchUpGap({ position: 40, seenAt: 9 * hour }, 10 * hour, hour), undefined));
  it("names the gap past the TTL", () => {
    const msg = catchUpGap({ position: 40, seenAt: 7 * hour }, 10 * hour, hour)!;
    assert.match(msg, /3 h ago \(etcd revision 40, at 1970-01-01T07:00:00.000Z\)/);
    assert.match(msg, /between then and 1970-01-01T09:00:00.000Z are missing/);
  });
});

describe("the journal ledger", () => {
  it("applies each entry once, whichever of the own write and the follower comes first", () => {
    const db = new Database(":memory:");
    const ledger = openJournalLedger(db);
    const ran: string[] = [];
    const apply = (id: string, rev: number, via: "own" | "follower") => ledger.apply(id, rev, via, () => ran.push(`${id}@${rev}`));
    assert.equal(apply("a", 10, "own"), true);
    assert.equal(apply("b", 11, "follower"), true);
    assert.equal(apply("a", 10, "follower"), false); // behind the position already: skipped
    assert.equal(ledger.position(), 11);
    assert.equal(apply("c", 12, "own"), true);
    assert.equal(apply("c", 12, "own"), false);
    assert.equal(apply("c", 12, "follower"), false);
    assert.equal(ledger.position(), 12);
    assert.equal(apply("d", 13, "follower"), true);
    assert.equal(apply("d", 13, "own"), false);
    assert.deepEqual(ran, ["a@10", "b@11", "c@12", "d@13"]);
    // The own entries were forgotten once the follower passed them.
    assert.equal(db.prepare("SELECT COUNT(*) FROM journal_applied").pluck().get(), 0);
  });

  it("keeps its position and applied ids across a reopen, and records nothing of a failed apply", () => {
    const db = new Database(":memory:");
    const ledger = openJournalLedger(db);
    ledger.apply("x", 3, "follower", () => {});
    ledger.apply("y", 8, "own", () => {});
    ledger.touch(1234);
    assert.throws(() => ledger.apply("z", 5, "follower", () => {
      throw new Error("boom");
    }));
    const again = openJournalLedger(db);
    assert.equal(again.position(), 3);
    assert.equal(again.seenAt(), 1234);
    assert.equal(again.apply("z", 5, "follower", () => {}), true);
    assert.equal(again.apply("y", 8, "follower", () => assert.fail("applied twice")), false);
  });

  it("rolls the event store back with it: a batch is in the file exactly when the ledger says so", () => {
    const db = new Database(":memory:");
    const ledger = openJournalLedger(db);
    const events = openLogEventStore(db);
    const at = firstSeqOf(20);
    assert.throws(() =>
      ledger.apply("p", 20, "follower", () => {
        events.append("g", "s", [{ timestamp: 1, message: "one" }], 5, at);
        throw new Error("crash mid-apply");
      }),
    );
    assert.equal(events.streamStats("g", "s"), undefined);
    ledger.apply("p", 20, "follower", () => void events.append("g", "s", [{ timestamp: 1, message: "one" }, { timestamp: 1, message: "two" }], 5, at));
    const rows = events.readStream({ groupUid: "g", streamUid: "s", startTime: 0, endTime: 10, direction: "forward", limit: 10 });
    assert.deepEqual(rows.map((r) => [r.seq, r.message]), [[at, "one"], [at + 1, "two"]]);
  });
});

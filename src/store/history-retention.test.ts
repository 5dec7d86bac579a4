import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkPolicy, compactionPoint, HistoryLedger, type HistorySpan, type RetentionPolicy } from "./history-retention.js";

const MIN = 60_000;
// The worked example of compactionPoint's comment: head 1,000, three spans, now 10:12.
const at = (h: number, m: number) => Date.UTC(2026, 0, 1, h, m);
const spans: HistorySpan[] = [
  { through: 400, endedAt: at(10, 0), bytes: 300_000 },
  { through: 700, endedAt: at(10, 5), bytes: 500_000 },
  { through: 1000, endedAt: at(10, 10), bytes: 400_000 },
];

describe("compactionPoint", () => {
  const cases: [string, RetentionPolicy, number, number][] = [
    ["no rule: nothing", {}, 0, 0],
    ["keepRevisions 800", { keepRevisions: 800 }, 0, 200],
    ["keepRevisions beyond the head", { keepRevisions: 5000 }, 0, 0],
    ["keepRevisions 0: everything", { keepRevisions: 0 }, 0, 1000],
    ["maxAgeMs 10 min: the span that ended 12 min ago", { maxAgeMs: 10 * MIN }, 0, 400],
    ["maxAgeMs 3 min: all but the newest span", { maxAgeMs: 3 * MIN }, 0, 700],
    ["maxAgeMs 1 min: every span", { maxAgeMs: MIN }, 0, 1000],
    ["maxAgeMs 1 h: nothing", { maxAgeMs: 60 * MIN }, 0, 0],
    ["maxBytes 1 MB: the two newest spans fit", { maxBytes: 1_000_000 }, 0, 400],
    ["maxBytes 900 KB exactly fits two spans", { maxBytes: 900_000 }, 0, 400],
    ["maxBytes 500 KB: only the newest fits", { maxBytes: 500_000 }, 0, 700],
    ["maxBytes 100 KB: not even the newest span fits", { maxBytes: 100_000 }, 0, 1000],
    ["maxBytes 2 MB: everything fits", { maxBytes: 2_000_000 }, 0, 0],
    ["all three: the furthest wins", { keepRevisions: 800, maxAgeMs: 10 * MIN, maxBytes: 500_000 }, 0, 700],
    ["never below what is already compacted", { keepRevisions: 800 }, 300, 300],
  ];
  for (const [what, policy, compacted, expected] of cases) {
    it(`${what} → ${expected}`, () => {
      assert.equal(compactionPoint(spans, 1000, compacted, policy, at(10, 12)), expected);
    });
  }
});

describe("HistoryLedger", () => {
  it("starts a span when the open one is full or sealed, and forgets what a compaction passed", () => {
    const ledger = new HistoryLedger(100);
    ledger.record(1, 60, 1);
    ledger.record(2, 60, 2); // the span now holds 120 >= 100: the next write opens another
    ledger.record(3, 10, 3);
    ledger.seal();
    ledger.record(4, 10, 4);
    assert.deepEqual(ledger.list(), [
      { through: 2, endedAt: 2, bytes: 120 },
      { through: 3, endedAt: 3, bytes: 10 },
      { through: 4, endedAt: 4, bytes: 10 },
    ]);
    assert.equal(ledger.bytes(), 140);
    ledger.forget(3);
    assert.deepEqual(ledger.list(), [{ through: 4, endedAt: 4, bytes: 10 }]);
    assert.equal(ledger.bytes(), 10);
  });
});

describe("checkPolicy", () => {
  it("refuses a negative or fractional limit, naming it", () => {
    assert.throws(() => checkPolicy({ maxBytes: -1 }), /maxBytes must be an integer >= 0, got -1/);
    assert.throws(() => checkPolicy({ maxAgeMs: 1.5 }), /maxAgeMs/);
    checkPolicy({ keepRevisions: 0, maxAgeMs: 0, maxBytes: 0 });
  });
});

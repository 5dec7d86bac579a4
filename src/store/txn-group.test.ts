import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formGroup, type GroupableTxn, TxnGroup, type TxnOutcome } from "./txn-group.js";

const t = (writes: string[], reads: string[] = [], bytes = 10): GroupableTxn<string, string> => ({
  reads,
  writes,
  compare: reads.map((k) => `cmp:${k}`),
  success: writes.map((k) => `put:${k}`),
  bytes,
});
const limits = { maxOps: 4, maxBytes: 100 };

describe("formGroup", () => {
  const cases: [string, GroupableTxn<string, string>[], number[]][] = [
    ["nothing queued", [], []],
    ["disjoint writes join", [t(["a"], ["a"]), t(["b"], ["b"]), t(["c"])], [0, 1, 2]],
    ["a second write of a key waits", [t(["a"]), t(["a"]), t(["b"])], [0, 2]],
    ["a write of a key another compares waits", [t(["a"], ["x"]), t(["x"])], [0]],
    ["a compare of a key another writes waits", [t(["a"]), t(["b"], ["a"])], [0]],
    ["two compares of one key join", [t(["a"], ["x"]), t(["b"], ["x"])], [0, 1]],
    ["ops beyond etcd's limit wait", [t(["a", "b", "c"]), t(["d", "e"]), t(["f"])], [0, 2]],
    ["bytes beyond the limit wait", [t(["a"], [], 60), t(["b"], [], 60), t(["c"], [], 30)], [0, 2]],
  ];
  for (const [name, queue, want] of cases) it(name, () => assert.deepEqual(formGroup(queue, limits), want));
});

describe("TxnGroup", () => {
  /** A fake etcd: compares are "cmp:<key>" that hold while the key is unwritten; revision per send. */
  function fakeEtcd(delayMs = 5) {
    const written = new Set<string>();
    let revision = 0;
    const sent: number[] = [];
    const send = async (compare: string[], success: string[]): Promise<TxnOutcome> => {
      sent.push(success.length);
      await new Promise((r) => setTimeout(r, delayMs));
      const ok = compare.every((c) => !written.has(c.slice(4)));
      if (ok) for (const op of success) written.add(op.slice(4));
      if (ok && success.length) revision++;
      return { succeeded: ok, revision };
    };
    return { send, sent, written };
  }

  it("sends alone while under maxInFlight, and groups what queues behind", async () => {
    const etcd = fakeEtcd();
    const group = new TxnGroup(etcd.send, { maxInFlight: 1 });
    const outcomes = await Promise.all(["a", "b", "c", "d"].map((k) => group.submit(t([k]))));
    assert.ok(outcomes.every((o) => o.succeeded));
    assert.deepEqual(etcd.sent, [1, 3], "the first alone, the three queued behind it together");
    assert.equal(new Set(outcomes.slice(1).map((o) => o.revision)).size, 1, "one revision for the group");
  });

  it("gives each member of a failed group its own answer", async () => {
    const etcd = fakeEtcd();
    const group = new TxnGroup(etcd.send, { maxInFlight: 1 });
    // "x" is written by the first; the second compares "x" unwritten (fails), the third does not care.
    const first = group.submit(t(["x"]));
    const second = group.submit(t(["y"], ["x"]));
    const third = group.submit(t(["z"], ["w"]));
    const [a, b, c] = await Promise.all([first, second, third]);
    assert.equal(a.succeeded, true);
    assert.equal(b.succeeded, false);
    assert.equal(c.succeeded, true);
    assert.ok(etcd.written.has("z") && !etcd.written.has("y"));
  });

  it("rejects every member when the merged request fails", async () => {
    let calls = 0;
    const group = new TxnGroup<string, string>(
      async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 5));
        if (calls > 1) throw new Error("etcd unavailable");
        return { succeeded: true, revision: 1 };
      },
      { maxInFlight: 1 },
    );
    const results = await Promise.allSettled(["a", "b", "c"].map((k) => group.submit(t([k]))));
    assert.deepEqual(results.map((r) => r.status), ["fulfilled", "rejected", "rejected"]);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { ManualTimers, SkippingTimers } from "./timers.js";

describe("ManualTimers", () => {
  it("runs due callbacks in time order, ties in the order they were set, and moves now", () => {
    const t = new ManualTimers(100);
    const ran: string[] = [];
    t.setTimeout(() => ran.push(`b@${t.now()}`), 20);
    t.setTimeout(() => ran.push(`a@${t.now()}`), 10);
    t.setTimeout(() => ran.push(`c@${t.now()}`), 20);
    t.advance(15);
    assert.deepEqual(ran, ["a@110"]);
    assert.equal(t.now(), 115);
    t.advance(100);
    assert.deepEqual(ran, ["a@110", "b@120", "c@120"]);
    assert.equal(t.now(), 215);
  });

  it("runs callbacks set by callbacks inside the advanced window; cleared ones never run", () => {
    const t = new ManualTimers();
    const ran: number[] = [];
    const cleared = t.setTimeout(() => ran.push(-1), 5);
    t.setTimeout(() => t.setTimeout(() => ran.push(t.now()), 5), 5);
    t.clearTimeout(cleared);
    assert.equal(t.pendingCount, 1);
    t.advance(10);
    assert.deepEqual(ran, [10]);
    assert.equal(t.pendingCount, 0);
  });

  it("property: any set of delays fires sorted by (delay, order)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 200 }), (delays) => {
        const t = new ManualTimers();
        const fired: number[] = [];
        delays.forEach((d, i) => t.setTimeout(() => fired.push(i), d));
        t.advance(1000);
        const expected = delays.map((d, i) => [d, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i);
        assert.deepEqual(fired, expected);
      }),
    );
  });
});

describe("SkippingTimers", () => {
  it("moves now() by skip() on top of its base clock, and leaves timers to the base", () => {
    const base = new ManualTimers(1000);
    const t = new SkippingTimers(base);
    let ran = false;
    t.setTimeout(() => (ran = true), 50);
    t.skip(60_000);
    assert.equal(t.now(), 61_000);
    assert.equal(ran, false, "a skip does not fire timers");
    base.advance(50);
    assert.equal(ran, true);
    assert.equal(t.now(), 61_050);
  });
});

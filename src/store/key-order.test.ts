import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { compareKeys, insertSorted, lowerBound, removeSorted } from "./key-order.js";

// Keys from an alphabet where `<` and code point order disagree: ASCII, a character of
// U+E000..U+FFFF and one above U+FFFF (a surrogate pair).
const key = fc.array(fc.constantFrom("a", "b", "/", "\uFFFD", "\uE000", "\u{1F600}", "\u{10FFFF}"), { maxLength: 6 }).map((cs) => cs.join(""));

describe("key order", () => {
  it("sorts by code point, not by UTF-16 unit", () => {
    assert.ok(compareKeys("\uFFFD", "\u{1F600}") < 0);
    assert.ok("\uFFFD" > "\u{1F600}", "where JavaScript's < says the opposite");
  });

  it("lowerBound finds the first key not below the probe, for keys with and without high units", () => {
    fc.assert(
      fc.property(fc.array(key, { maxLength: 30 }), key, (keys, probe) => {
        const sorted = [...new Set(keys)].sort(compareKeys);
        const expected = sorted.findIndex((k) => compareKeys(k, probe) >= 0);
        assert.equal(lowerBound(sorted, probe), expected === -1 ? sorted.length : expected);
      }),
      { numRuns: 2000 },
    );
  });

  it("insertSorted and removeSorted keep the order and refuse duplicates and strangers", () => {
    fc.assert(
      fc.property(fc.array(key, { maxLength: 40 }), (keys) => {
        const kept: string[] = [];
        keys.forEach((k, i) => assert.equal(insertSorted(kept, k), !keys.slice(0, i).includes(k)));
        assert.deepEqual(kept, [...new Set(keys)].sort(compareKeys));
        for (const k of [...kept]) assert.equal(removeSorted(kept, k), true);
        assert.deepEqual(kept, []);
        assert.equal(removeSorted(kept, "a"), false);
      }),
    );
  });
});

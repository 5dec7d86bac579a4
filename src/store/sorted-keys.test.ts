import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { compareKeys } from "./key-order.js";
import { SortedKeys } from "./sorted-keys.js";

const key = fc.array(fc.constantFrom("a", "b", "/", "\uFFFD", "\u{1F600}"), { minLength: 1, maxLength: 5 }).map((cs) => cs.join(""));
const withPrefix = (keys: SortedKeys, prefix: string) => {
  const out: string[] = [];
  keys.forEachWithPrefix(prefix, (k) => out.push(k));
  return out;
};

describe("SortedKeys", () => {
  it("answers prefix reads as a plain sorted array would, through inserts, removes and chunk splits", () => {
    fc.assert(
      fc.property(
        fc.array(key, { maxLength: 60 }),
        fc.array(fc.tuple(fc.boolean(), key), { maxLength: 3000 }),
        fc.array(fc.string({ maxLength: 2 }).map((s) => s.replace(/[^ab/]/g, "a")), { maxLength: 5 }),
        (initial, ops, prefixes) => {
          const start = [...new Set(initial)].sort(compareKeys);
          const keys = new SortedKeys(start);
          const plain = new Set(start);
          for (const [add, k] of ops) {
            assert.equal(add ? keys.insert(k) : keys.remove(k), add ? !plain.has(k) : plain.has(k));
            if (add) plain.add(k);
            else plain.delete(k);
          }
          const sorted = [...plain].sort(compareKeys);
          assert.equal(keys.size, sorted.length);
          for (const p of ["", ...prefixes]) assert.deepEqual(withPrefix(keys, p), sorted.filter((k) => k.startsWith(p)), `prefix ${JSON.stringify(p)}`);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("splits a large chunk and keeps every key in order", () => {
    const keys = new SortedKeys();
    const all = Array.from({ length: 5000 }, (_, i) => `k/${String((i * 7919) % 5000).padStart(5, "0")}`);
    for (const k of all) keys.insert(k);
    assert.deepEqual(withPrefix(keys, "k/"), [...all].sort(compareKeys));
    assert.deepEqual(withPrefix(keys, "k/0499"), ["k/04990", "k/04991", "k/04992", "k/04993", "k/04994", "k/04995", "k/04996", "k/04997", "k/04998", "k/04999"]);
    for (const k of all) assert.equal(keys.remove(k), true);
    assert.equal(keys.size, 0);
    assert.deepEqual(withPrefix(keys, ""), []);
  });
});

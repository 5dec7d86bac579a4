import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KeyValue } from "../store/index.js";
import { exportLines, importBatches, parseExport } from "./store-transfer.js";

const kv = (key: string, modRevision: number, value = `v:${key}`): KeyValue => ({ key, value, createRevision: 1, modRevision, version: 1 });

describe("store export format", () => {
  it("writes a header, then keys by modRevision and key; reads back the same", () => {
    const kvs = [kv("b", 3), kv("a", 3), kv("z", 1), kv("\u{1F600}", 2), kv("\uFFFD", 2)];
    const lines = exportLines(kvs, 5);
    assert.deepEqual(JSON.parse(lines[0]!), { format: "berth-store", version: 1, revision: 5, keys: 5 });
    const parsed = parseExport(`${lines.join("\n")}\n`);
    assert.deepEqual(parsed.kvs.map((k) => k.key), ["z", "\uFFFD", "\u{1F600}", "a", "b"]);
    assert.equal(parsed.header.revision, 5);
  });

  const bad: [string, string, RegExp][] = [
    ["empty input", "", /empty/],
    ["not JSON", "nope", /line 1: not a JSON object/],
    ["another format", '{"format":"x"}', /not a berth store export/],
    ["a newer version", '{"format":"berth-store","version":2,"revision":0,"keys":0}', /version 2 is not supported/],
    ["a key without a value", '{"format":"berth-store","version":1,"revision":1,"keys":1}\n{"key":"a","createRevision":1,"modRevision":1,"version":1}', /line 2: value of a/],
    ["an empty key", '{"format":"berth-store","version":1,"revision":1,"keys":1}\n{"key":"","value":"v","createRevision":1,"modRevision":1,"version":1}', /line 2: key/],
    [
      "keys out of order",
      '{"format":"berth-store","version":1,"revision":2,"keys":2}\n{"key":"a","value":"v","createRevision":2,"modRevision":2,"version":1}\n{"key":"b","value":"v","createRevision":1,"modRevision":1,"version":1}',
      /line 3: b is out of modRevision order/,
    ],
    ["a cut", '{"format":"berth-store","version":1,"revision":2,"keys":2}\n{"key":"a","value":"v","createRevision":1,"modRevision":1,"version":1}', /cut short/],
  ];
  for (const [name, text, error] of bad) it(`refuses ${name}`, () => assert.throws(() => parseExport(text), error));
});

describe("importBatches", () => {
  it("keeps each source revision's keys together, in order, split at the limits", () => {
    const kvs = [kv("a", 1), kv("b", 1), kv("c", 2), kv("d", 3), kv("e", 3), kv("f", 3)];
    const keys = (limits?: { maxOps: number; maxBytes: number }) => importBatches(kvs, limits).map((ops) => ops.map((op) => (op.kind === "put" ? op.key : "?")).join(""));
    assert.deepEqual(keys(), ["ab", "c", "def"]);
    assert.deepEqual(keys({ maxOps: 2, maxBytes: 1e6 }), ["ab", "c", "de", "f"]);
    // "a" + "v:a" is 4 bytes: 8 bytes fit two keys.
    assert.deepEqual(keys({ maxOps: 100, maxBytes: 8 }), ["ab", "c", "de", "f"]);
    assert.deepEqual(importBatches([]), []);
  });
});

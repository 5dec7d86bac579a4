import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planOps } from "./etcd-ops.js";
import type { Op } from "./types.js";

const put = (key: string, value = "v"): Op => ({ kind: "put", key, value });
const del = (key: string): Op => ({ kind: "delete", key });
const delPrefix = (prefix: string): Op => ({ kind: "deletePrefix", prefix });

describe("planOps: a txn's ops as one etcd txn that names each key once", () => {
  const table: { name: string; ops: Op[]; plan: ReturnType<typeof planOps> }[] = [
    { name: "no ops", ops: [], plan: [] },
    { name: "plain ops pass through", ops: [put("a"), del("b")], plan: [{ kind: "put", key: "a", value: "v" }, { kind: "deleteKey", key: "b" }] },
    { name: "the last put of a key wins", ops: [put("x", "1"), put("x", "2")], plan: [{ kind: "put", key: "x", value: "2" }] },
    { name: "put then delete is a delete", ops: [put("y"), del("y")], plan: [{ kind: "deleteKey", key: "y" }] },
    { name: "delete then put is a put", ops: [del("y"), put("y", "2")], plan: [{ kind: "put", key: "y", value: "2" }] },
    {
      name: "a put before deletePrefix is dropped (the range covers it)",
      ops: [put("d/1"), delPrefix("d/")],
      plan: [{ kind: "deleteRange", from: "d/", to: "d0" }],
    },
    {
      name: "a put after deletePrefix is a hole in the range",
      ops: [delPrefix("d/"), put("d/m", "new")],
      plan: [
        { kind: "deleteRange", from: "d/", to: "d/m" },
        { kind: "deleteRange", from: "d/m\u0000", to: "d0" },
        { kind: "put", key: "d/m", value: "new" },
      ],
    },
    {
      name: "a hole at the prefix itself leaves no empty range",
      ops: [delPrefix("d/"), put("d/")],
      plan: [
        { kind: "deleteRange", from: "d/\u0000", to: "d0" },
        { kind: "put", key: "d/", value: "v" },
      ],
    },
    {
      name: "nested prefixes delete once; deletes inside them are covered",
      ops: [delPrefix("a/b/"), del("a/x"), delPrefix("a/"), del("z")],
      plan: [
        { kind: "deleteRange", from: "a/", to: "a0" },
        { kind: "deleteKey", key: "z" },
      ],
    },
    { name: "the empty prefix runs to the end of the key space", ops: [delPrefix("")], plan: [{ kind: "deleteRange", from: "", to: undefined }] },
    {
      name: "holes sort in code point order",
      ops: [delPrefix("p/"), put("p/\uFFFD"), put("p/\u{1F600}"), put("p/a")],
      plan: [
        { kind: "deleteRange", from: "p/", to: "p/a" },
        { kind: "deleteRange", from: "p/a\u0000", to: "p/\uFFFD" },
        { kind: "deleteRange", from: "p/\uFFFD\u0000", to: "p/\u{1F600}" },
        { kind: "deleteRange", from: "p/\u{1F600}\u0000", to: "p0" },
        { kind: "put", key: "p/\uFFFD", value: "v" },
        { kind: "put", key: "p/\u{1F600}", value: "v" },
        { kind: "put", key: "p/a", value: "v" },
      ],
    },
  ];
  for (const row of table) {
    it(row.name, () => assert.deepEqual(planOps(row.ops), row.plan));
  }
});

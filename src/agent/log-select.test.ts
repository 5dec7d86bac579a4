import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { LogCursor } from "../model/index.js";
import type { LogLine } from "../runtime/index.js";
import { mergePage, positioned, selectContainer } from "./log-select.js";

/** "a@5" → a line "a" stamped 5 on stdout. */
const lines = (...specs: string[]): LogLine[] =>
  specs.map((s) => {
    const [line, t] = s.split("@") as [string, string];
    return { stream: "stdout", timestamp: Number(t), line };
  });

describe("positioned", () => {
  it("numbers lines within each timestamp", () => {
    assert.deepEqual(
      positioned(lines("a@5", "b@5", "c@7", "d@7", "e@7")).map((l) => l.at),
      [{ t: 5, n: 1 }, { t: 5, n: 2 }, { t: 7, n: 1 }, { t: 7, n: 2 }, { t: 7, n: 3 }],
    );
  });
});

describe("selectContainer", () => {
  const read = lines("a@5", "b@5", "c@5", "d@9");
  const cases: { name: string; cursor?: LogCursor; tail?: number; pending: string[]; base?: LogCursor }[] = [
    { name: "no cursor, no tail: everything", pending: ["a", "b", "c", "d"] },
    { name: "a cursor mid-timestamp skips what it counted", cursor: { t: 5, n: 2 }, pending: ["c", "d"], base: { t: 5, n: 2 } },
    { name: "a cursor at the last line: nothing", cursor: { t: 9, n: 1 }, pending: [], base: { t: 9, n: 1 } },
    { name: "tail cuts inside a timestamp; base moves past the cut", tail: 2, pending: ["c", "d"], base: { t: 5, n: 2 } },
    { name: "tail 0: nothing now, base at the end", tail: 0, pending: [], base: { t: 9, n: 1 } },
    { name: "tail longer than the log: everything", tail: 10, pending: ["a", "b", "c", "d"] },
    { name: "a cursor wins over tail (tail is for the first page)", cursor: { t: 5, n: 1 }, tail: 1, pending: ["b", "c", "d"], base: { t: 5, n: 1 } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s = selectContainer(read, c.cursor, c.tail);
      assert.deepEqual(s.pending.map((l) => l.line), c.pending);
      assert.deepEqual(s.base, c.base);
    });
  }
});

describe("mergePage", () => {
  const app = { container: "app", selection: selectContainer(lines("a1@1", "a2@3", "a3@5"), undefined, undefined) };
  const side = { container: "side", selection: selectContainer(lines("s1@2", "s2@3"), undefined, undefined) };

  it("merges by time, ties in the containers' order, and moves each cursor past its lines", () => {
    const page = mergePage([app, side], { limit: 100, maxBytes: 1 << 20 });
    assert.deepEqual(page.lines.map((l) => `${l.container}:${l.line}`), ["app:a1", "side:s1", "app:a2", "side:s2", "app:a3"]);
    assert.deepEqual(page.cursors, { app: { t: 5, n: 1 }, side: { t: 3, n: 1 } });
    assert.equal(page.more, false);
  });

  it("the line cap leaves the rest for the next page, and the cursors say where", () => {
    const page = mergePage([app, side], { limit: 3, maxBytes: 1 << 20 });
    assert.deepEqual(page.lines.map((l) => l.line), ["a1", "s1", "a2"]);
    assert.deepEqual(page.cursors, { app: { t: 3, n: 1 }, side: { t: 2, n: 1 } });
    assert.equal(page.more, true);
  });

  it("the byte cap stops a page early but always takes one line", () => {
    const big = { container: "app", selection: selectContainer(lines(`${"x".repeat(500)}@1`, "y@2"), undefined, undefined) };
    const page = mergePage([big], { limit: 100, maxBytes: 100 });
    assert.equal(page.lines.length, 1);
    assert.equal(page.more, true);
  });

  it("a container with nothing to deliver keeps its base cursor (or none)", () => {
    const tailed = { container: "app", selection: selectContainer(lines("a@1", "b@2"), undefined, 0) };
    const empty = { container: "side", selection: selectContainer([], undefined, undefined) };
    const page = mergePage([tailed, empty], { limit: 10, maxBytes: 1 << 20 });
    assert.deepEqual(page, { lines: [], cursors: { app: { t: 2, n: 1 } }, more: false });
  });
});

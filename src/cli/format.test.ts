import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { age, formatDuration, lastSegment, parseDuration, taskDefName, taskSize } from "./format.js";
import { renderCells, renderTable } from "./table.js";
import { makeStyle, visibleWidth } from "./style.js";
import { splitWords } from "./words.js";

describe("formatDuration", () => {
  it("reads like kubectl's ages", () => {
    const cases: [number, string][] = [
      [0, "0s"],
      [59_999, "59s"],
      [60_000, "1m"],
      [312_000, "5m12s"],
      [17 * 60_000 + 5_000, "17m"],
      [3 * 3_600_000 + 4 * 60_000, "3h4m"],
      [30 * 3_600_000, "30h"],
      [51 * 3_600_000, "2d3h"],
      [12 * 86_400_000, "12d"],
    ];
    for (const [ms, text] of cases) assert.equal(formatDuration(ms), text, `${ms} ms`);
  });
  it("age of a missing timestamp is empty, of a future one 0s", () => {
    assert.equal(age(undefined, 1000), "");
    assert.equal(age(new Date(5000), 1000), "0s");
  });
});

describe("parseDuration", () => {
  it("takes units, combinations and plain seconds; refuses the rest", () => {
    assert.equal(parseDuration("90s"), 90_000);
    assert.equal(parseDuration("1h30m"), 5_400_000);
    assert.equal(parseDuration("250ms"), 250);
    assert.equal(parseDuration("12"), 12_000);
    assert.equal(parseDuration("5 minutes"), undefined);
    assert.equal(parseDuration(""), undefined);
  });
});

describe("names out of ARNs", () => {
  it("takes the last segment", () => {
    assert.equal(taskDefName("arn:aws:ecs:us-east-1:0:task-definition/web:3"), "web:3");
    assert.equal(lastSegment("arn:aws:ecs:us-east-1:0:task/default/abc"), "abc");
    assert.equal(lastSegment(undefined), "");
  });
});

describe("renderTable", () => {
  it("pads columns to the widest cell, right-aligns numbers, leaves the last column ragged", () => {
    const lines = renderTable(
      [
        { header: "NAME", value: (r: { n: string; c: number }) => r.n },
        { header: "COUNT", value: (r) => String(r.c), align: "right" },
        { header: "NOTE", value: () => "x" },
        { header: "WIDE", value: () => "w", wide: true },
      ],
      [
        { n: "web", c: 12 },
        { n: "worker-long", c: 3 },
      ],
    );
    assert.deepEqual(lines, ["NAME          COUNT   NOTE", "web              12   x", "worker-long       3   x"]);
  });
  it("measures cells without their colour codes", () => {
    const s = makeStyle(true);
    const lines = renderCells(["A", "B"], [[s.green("RUNNING"), "x"]]);
    assert.equal(visibleWidth(lines[1]!), "RUNNING   x".length);
  });
});

describe("splitWords", () => {
  it("splits as a shell would for quotes and escapes", () => {
    assert.deepEqual(splitWords(`sh -c './migrate up' "a \\"b\\"" c\\ d`), ["sh", "-c", "./migrate up", 'a "b"', "c d"]);
    assert.deepEqual(splitWords("  "), []);
    assert.deepEqual(splitWords("''"), [""]);
  });
  it("refuses an unclosed quote", () => {
    assert.throws(() => splitWords("sh -c 'oops"), /unclosed '/);
  });
});

describe("taskSize", () => {
  it("shows the task's CPU and memory, else their sum over the containers, marked", () => {
    const c = (cpu?: number, memory?: number, memoryReservation?: number) => ({ name: "c", image: "x", cpu, memory, memoryReservation });
    const cases: [Parameters<typeof taskSize>[0], string, string][] = [
      [{ cpu: "256", memory: "512", containerDefinitions: [c(64, 32)] }, "256", "512"],
      [{ containerDefinitions: [c(64, 32), c(128, undefined, 48)] }, "192 (sum)", "80 (sum)"],
      [{ containerDefinitions: [c(0, 16)] }, "", "16 (sum)"],
      [{ cpu: "1024", containerDefinitions: [c(undefined, 64)] }, "1024", "64 (sum)"],
    ];
    for (const [td, cpu, memory] of cases) {
      assert.equal(taskSize(td, "cpu"), cpu, JSON.stringify(td));
      assert.equal(taskSize(td, "memory"), memory, JSON.stringify(td));
    }
  });
});

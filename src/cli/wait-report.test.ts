import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { makeStyle, visibleWidth } from "./style.js";
import type { WaitReason } from "./wait-reason.js";
import { pipeLines, spinnerLine, STILL_WAITING_EVERY_MS, type PipeState } from "./wait-report.js";

const t0 = Date.parse("2026-11-28T12:00:00Z");
const reason = (key: string, text = key): WaitReason => ({ kind: "pending", key, text });

describe("pipeLines", () => {
  // Each step: the state before, what is seen at t0 + at ms, and the lines a pipe gets.
  const steps: { name: string; prev: PipeState; progress: string; reason?: WaitReason; at: number; lines: string[] }[] = [
    { name: "first look: progress and reason", prev: {}, progress: "P1", reason: reason("a", "2 tasks PENDING for 0s"), at: 0, lines: ["P1", "waiting (0s): 2 tasks PENDING for 0s"] },
    { name: "nothing new, soon after: silence", prev: { progress: "P1", reasonKey: "a", saidAt: t0 }, progress: "P1", reason: reason("a", "2 tasks PENDING for 5s"), at: 5_000, lines: [] },
    { name: "the countdown moved, the cause did not: silence", prev: { progress: "P1", reasonKey: "a", saidAt: t0 }, progress: "P1", reason: reason("a", "in 3s"), at: 7_000, lines: [] },
    { name: "the cause changed", prev: { progress: "P1", reasonKey: "a", saidAt: t0 }, progress: "P1", reason: reason("b", "draining"), at: 8_000, lines: ["waiting (8s): draining"] },
    { name: "the counts changed, same cause", prev: { progress: "P1", reasonKey: "a", saidAt: t0 }, progress: "P2", reason: reason("a"), at: 9_000, lines: ["P2"] },
    {
      name: "counts changing at every poll do not hide the reason for long",
      prev: { progress: "P1", reasonKey: "a", saidAt: t0 },
      progress: "P2",
      reason: reason("a", "task 1 failed 0s ago"),
      at: STILL_WAITING_EVERY_MS,
      lines: ["P2", "still waiting (20s): task 1 failed 0s ago"],
    },
    {
      name: "silence long enough: still waiting, with the time and the reason",
      prev: { progress: "P1", reasonKey: "a", saidAt: t0 + 60_000 },
      progress: "P1",
      reason: reason("a", "no health check: counted healthy 40 s after RUNNING (in 12s)"),
      at: 60_000 + STILL_WAITING_EVERY_MS,
      lines: ["still waiting (1m20s): no health check: counted healthy 40 s after RUNNING (in 12s)"],
    },
    { name: "still waiting without a known reason", prev: { progress: "P1", saidAt: t0 }, progress: "P1", at: STILL_WAITING_EVERY_MS, lines: ["still waiting (20s)"] },
  ];
  for (const s of steps) {
    it(s.name, () => {
      const out = pipeLines(s.prev, s.progress, s.reason, t0 + s.at, t0);
      assert.deepEqual(out.lines, s.lines);
      assert.equal(out.state.progress, s.progress);
      const said = s.lines.some((l) => l.includes("waiting"));
      assert.equal(out.state.saidAt, said ? t0 + s.at : s.prev.saidAt);
    });
  }

  it("a run of polls prints once per change and once per silent stretch", () => {
    let state: PipeState = {};
    const printed: string[] = [];
    for (let at = 0; at <= 45_000; at += 1_000) {
      const r = at < 10_000 ? reason("pending", `PENDING for ${at / 1000}s`) : reason("no-check", `in ${40 - at / 1000}s`);
      const out = pipeLines(state, "P", r, t0 + at, t0);
      state = out.state;
      printed.push(...out.lines);
    }
    assert.deepEqual(printed, ["P", "waiting (0s): PENDING for 0s", "waiting (10s): in 30s", "still waiting (30s): in 10s"]);
  });
});

describe("spinnerLine", () => {
  const plain = makeStyle(false);
  it("turns, shows the time waited and the reason", () => {
    assert.equal(spinnerLine(0, 80_000, reason("a", "draining task 1: SIGKILL in 25s"), 120, plain), "| waiting 1m20s: draining task 1: SIGKILL in 25s");
    assert.equal(spinnerLine(1, 2_000, undefined, 120, plain), "/ waiting 2s");
    assert.notEqual(spinnerLine(0, 0, undefined, 80, plain)[0], spinnerLine(2, 0, undefined, 80, plain)[0]);
  });
  it("never takes the whole width, so it cannot wrap", () => {
    const line = spinnerLine(3, 5_000, reason("a", "x".repeat(200)), 60, makeStyle(true));
    assert.equal(visibleWidth(line), 59);
    assert.ok(line.endsWith("…"));
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseSince } from "./logs-since.js";

describe("parseSince", () => {
  const now = Date.parse("2026-03-01T12:00:00Z");
  const cases: [string, number | undefined][] = [
    ["10s", now - 10_000],
    ["5m", now - 300_000],
    ["1h30m", now - 5_400_000],
    ["90", now - 90_000],
    ["0s", now],
    ["2026-03-01T11:59:00Z", now - 60_000],
    ["2026-03-01T12:59:00+01:00", now - 60_000],
    ["2026-03-01", Date.parse("2026-03-01")],
    ["", undefined],
    ["yesterday", undefined],
    ["5 minutes", undefined],
    ["-5m", undefined],
    ["May", undefined],
    ["2026-13-45T00:00:00Z", undefined],
  ];
  for (const [text, want] of cases) {
    it(`${JSON.stringify(text)} → ${want === undefined ? "refused" : new Date(want).toISOString()}`, () => {
      assert.equal(parseSince(text, now), want);
    });
  }
});

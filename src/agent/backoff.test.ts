import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { backoffDelay, RECONNECT_BACKOFF, REPORT_BACKOFF } from "./backoff.js";

describe("backoffDelay", () => {
  it("grows by the factor from the initial delay without jitter", () => {
    const mid = () => 0.5;
    assert.deepEqual([0, 1, 2, 3].map((n) => backoffDelay(RECONNECT_BACKOFF, n, mid)), [250, 375, 563, 844]);
  });
  it("is capped", () => {
    assert.equal(backoffDelay(RECONNECT_BACKOFF, 40, () => 0.5), 120_000);
    assert.equal(backoffDelay(REPORT_BACKOFF, 40, () => 1), 30_000);
  });
  it("stays within the jitter band and the cap", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const base = Math.min(REPORT_BACKOFF.maxMs, REPORT_BACKOFF.initialMs * REPORT_BACKOFF.factor ** attempt);
        const d = backoffDelay(REPORT_BACKOFF, attempt, () => r);
        return d >= Math.floor(base * 0.8) && d <= Math.ceil(Math.min(REPORT_BACKOFF.maxMs, base * 1.2));
      }),
    );
  });
});

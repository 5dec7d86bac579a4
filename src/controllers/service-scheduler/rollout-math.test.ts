import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  circuitBreakerThreshold,
  isStuckConfiguration,
  launchBackoffDelayMs,
  launchHeadroom,
  LAUNCH_BACKOFF_MAX_MS,
  maximumTotalTasks,
  minimumHealthyTasks,
  stopBudget,
} from "./rollout-math.js";

describe("minimumHealthyTasks / maximumTotalTasks", () => {
  const cases: [desired: number, min: number, max: number, minHealthy: number, maxTotal: number][] = [
    // The AWS guide's worked examples.
    [4, 50, 200, 2, 8],
    [2, 75, 200, 2, 4],
    [3, 100, 125, 3, 3],
    // The rollout configurations of the table tests.
    [4, 100, 200, 4, 8],
    [4, 0, 100, 0, 4],
    [4, 100, 100, 4, 4],
    [4, 50, 150, 2, 6],
    [10, 50, 150, 5, 15],
    [1, 50, 150, 1, 1],
    [1, 100, 200, 1, 2],
    [3, 34, 133, 2, 3],
    [0, 100, 200, 0, 0],
    [0, 0, 100, 0, 0],
    [7, 1, 101, 1, 7],
  ];
  for (const [desired, min, max, minHealthy, maxTotal] of cases) {
    it(`desired ${desired}, (${min}, ${max}) → minimum ${minHealthy}, maximum ${maxTotal}`, () => {
      assert.equal(minimumHealthyTasks(desired, min), minHealthy);
      assert.equal(maximumTotalTasks(desired, max), maxTotal);
    });
  }

  it("rejects negative or fractional counts, naming the value", () => {
    assert.throws(() => minimumHealthyTasks(-1, 100), /desiredCount must be a non-negative integer, found -1/);
    assert.throws(() => maximumTotalTasks(2, 1.5), /maximumPercent must be a non-negative integer, found 1.5/);
  });
});

describe("launchHeadroom / stopBudget", () => {
  it("is the room under the ceiling and above the floor, never negative", () => {
    assert.equal(launchHeadroom(6, 5), 1);
    assert.equal(launchHeadroom(4, 10), 0);
    assert.equal(stopBudget(4, 2), 2);
    assert.equal(stopBudget(1, 3), 0);
  });
});

describe("isStuckConfiguration", () => {
  const cases: [desired: number, min: number, max: number, stuck: boolean][] = [
    [2, 100, 100, true],
    [1, 50, 150, true],
    [1, 50, 100, true],
    [4, 50, 150, false],
    [4, 100, 200, false],
    [4, 0, 100, false],
    [0, 100, 100, false],
    [3, 100, 125, true],
  ];
  for (const [desired, min, max, stuck] of cases) {
    it(`desired ${desired}, (${min}, ${max}) → ${stuck ? "stuck" : "can move"}`, () => {
      assert.equal(isStuckConfiguration(desired, min, max), stuck);
    });
  }
});

describe("circuitBreakerThreshold", () => {
  const cases: [desired: number, threshold: number][] = [
    [0, 3],
    [1, 3],
    [5, 3],
    [6, 3],
    [7, 4],
    [10, 5],
    [25, 13],
    [399, 200],
    [400, 200],
    [800, 200],
  ];
  for (const [desired, threshold] of cases) {
    it(`desired ${desired} → ${threshold}`, () => assert.equal(circuitBreakerThreshold(desired), threshold));
  }
});

describe("launchBackoffDelayMs", () => {
  it("replaces a first failure at once, then doubles from 15 s to the 27-minute cap", () => {
    const delays = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 50].map(launchBackoffDelayMs);
    assert.deepEqual(delays, [0, 0, 15_000, 30_000, 60_000, 120_000, 240_000, 480_000, 960_000, LAUNCH_BACKOFF_MAX_MS, LAUNCH_BACKOFF_MAX_MS, LAUNCH_BACKOFF_MAX_MS]);
  });
});

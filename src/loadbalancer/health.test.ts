import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { afterCheck, checking, codeMatches, deregistered, drainFinished, registered, type CheckResult, type TargetHealth } from "./health.js";

const cfg = { HealthyThresholdCount: 5, UnhealthyThresholdCount: 2 };
const pass: CheckResult = { kind: "pass" };
const c503: CheckResult = { kind: "code", code: 503 };
const timeout: CheckResult = { kind: "timeout" };
const refused: CheckResult = { kind: "failed", detail: "ECONNREFUSED" };

function run(results: CheckResult[], from: TargetHealth = checking(registered())): TargetHealth {
  return results.reduce((h, r) => afterCheck(h, r, cfg), from);
}

const view = (h: TargetHealth) => [h.State, h.Reason, h.Description];

describe("target health state machine", () => {
  const cases: [string, CheckResult[], (string | undefined)[]][] = [
    ["registered, not yet checked", [], ["initial", "Elb.InitialHealthChecking", "Initial health checks in progress"]],
    ["one pass from initial is healthy, without a reason", [pass], ["healthy", undefined, undefined]],
    ["one failure from initial stays initial", [c503], ["initial", "Elb.InitialHealthChecking", "Initial health checks in progress"]],
    ["UnhealthyThresholdCount failures from initial", [c503, c503], ["unhealthy", "Target.ResponseCodeMismatch", "Health checks failed with these codes: [503]"]],
    ["healthy, then failures in a row", [pass, timeout, timeout], ["unhealthy", "Target.Timeout", "Request timed out"]],
    ["a pass between failures resets the count", [pass, refused, pass, refused], ["healthy", undefined, undefined]],
    ["connection refused", [refused, refused], ["unhealthy", "Target.FailedHealthChecks", "Health checks failed"]],
    ["the latest failure names the reason", [c503, c503, timeout], ["unhealthy", "Target.Timeout", "Request timed out"]],
    ["unhealthy needs HealthyThresholdCount passes: 4 are not enough", [c503, c503, pass, pass, pass, pass], ["unhealthy", "Target.ResponseCodeMismatch", "Health checks failed with these codes: [503]"]],
    ["the 5th pass makes it healthy", [c503, c503, pass, pass, pass, pass, pass], ["healthy", undefined, undefined]],
  ];
  for (const [name, results, want] of cases) it(name, () => assert.deepEqual(view(run(results)), want));

  it("starts with registration in progress", () => {
    assert.deepEqual(view(registered()), ["initial", "Elb.RegistrationInProgress", "Target registration is in progress"]);
  });

  it("draining ignores checks and names its reason", () => {
    const h = deregistered(run([pass]), 1000, 30);
    assert.deepEqual(view(h), ["draining", "Target.DeregistrationInProgress", "Target deregistration is in progress"]);
    assert.deepEqual(afterCheck(h, c503, cfg), h);
  });
});

describe("drainFinished", () => {
  const h = deregistered(registered(), 1000, 30);
  const cases: [string, number, number, boolean][] = [
    ["requests in flight, delay not over", 2000, 1, false],
    ["idle before the delay ends: leaves now", 2000, 0, true],
    ["delay over with requests in flight: leaves", 31_000, 3, true],
  ];
  for (const [name, now, inFlight, want] of cases) it(name, () => assert.equal(drainFinished(h, now, inFlight), want));
  it("a target that is not draining never finishes", () => assert.equal(drainFinished(registered(), 99_999, 0), false));
});

describe("codeMatches", () => {
  const cases: [string, number, boolean][] = [
    ["200", 200, true],
    ["200", 204, false],
    ["200,202", 202, true],
    ["200-299", 299, true],
    ["200-299", 301, false],
    ["200-299, 404", 404, true],
  ];
  for (const [m, code, want] of cases) it(`${m} ${want ? "matches" : "does not match"} ${code}`, () => assert.equal(codeMatches(m, code), want));
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decideRestart, type RestartInput, type RestartPolicy, restartPolicyOf, type RestartVerdict } from "./restart-policy.js";

const S = 1000;
const T0 = 1_000_000 * S;
const policy = (over: Partial<RestartPolicy> = {}): RestartPolicy => ({ enabled: true, ignoredExitCodes: [], restartAttemptPeriodSeconds: 60, ...over });
const input = (over: Partial<RestartInput> = {}): RestartInput => ({
  policy: policy(),
  desired: "RUNNING",
  exitCode: 1,
  startedAt: T0,
  lastRestartAt: undefined,
  now: T0 + 120 * S,
  ...over,
});

describe("decideRestart", () => {
  const cases: { name: string; in: RestartInput; want: RestartVerdict }[] = [
    { name: "restarts an exit after the period", in: input(), want: { restart: true } },
    { name: "restarts exactly at the period", in: input({ now: T0 + 60 * S }), want: { restart: true } },
    { name: "restarts an exit code 0 that is not ignored", in: input({ exitCode: 0 }), want: { restart: true } },
    { name: "no policy", in: input({ policy: undefined }), want: { restart: false, why: "no restart policy is enabled" } },
    { name: "a disabled policy", in: input({ policy: policy({ enabled: false }) }), want: { restart: false, why: "no restart policy is enabled" } },
    { name: "the task is stopping", in: input({ desired: "STOPPED" }), want: { restart: false, why: "the task is stopping" } },
    { name: "no exit code (vanished)", in: input({ exitCode: null }), want: { restart: false, why: "the exit code is unknown" } },
    {
      name: "an ignored exit code",
      in: input({ exitCode: 0, policy: policy({ ignoredExitCodes: [0, 2] }) }),
      want: { restart: false, why: "exit code 0 is in ignoredExitCodes" },
    },
    {
      name: "ran less than the period since its start",
      in: input({ now: T0 + 59_999 }),
      want: { restart: false, why: "it ran 59 s since its start, less than restartAttemptPeriod (60 s)" },
    },
    {
      name: "counted from the last restart, not the first start: once per period",
      in: input({ lastRestartAt: T0 + 100 * S, now: T0 + 130 * S }),
      want: { restart: false, why: "it ran 30 s since its last restart, less than restartAttemptPeriod (60 s)" },
    },
    { name: "again once a period has passed since the last restart", in: input({ lastRestartAt: T0 + 100 * S, now: T0 + 160 * S }), want: { restart: true } },
    {
      name: "the default period is 300 s",
      in: input({ policy: restartPolicyOf({ restartPolicy: { enabled: true } }), now: T0 + 299 * S }),
      want: { restart: false, why: "it ran 299 s since its start, less than restartAttemptPeriod (300 s)" },
    },
    { name: "never ran", in: input({ startedAt: undefined }), want: { restart: false, why: "the container never ran" } },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(decideRestart(c.in), c.want));
});

describe("restartPolicyOf", () => {
  it("reads the definition's policy with ECS's defaults", () => {
    assert.equal(restartPolicyOf({}), undefined);
    assert.deepEqual(restartPolicyOf({ restartPolicy: { enabled: true } }), { enabled: true, ignoredExitCodes: [], restartAttemptPeriodSeconds: 300 });
    assert.deepEqual(restartPolicyOf({ restartPolicy: { enabled: false, ignoredExitCodes: [0, 137], restartAttemptPeriod: 90 } }), {
      enabled: false,
      ignoredExitCodes: [0, 137],
      restartAttemptPeriodSeconds: 90,
    });
  });
});

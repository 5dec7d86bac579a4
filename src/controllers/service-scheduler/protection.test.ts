import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decide } from "./decide.js";
import { MINUTE, NOW, aDeployment, aService, aTask, actionsOf, launchedCount, observe, stoppedIds } from "./test-builders.js";
import type { ObservedTask } from "./types.js";

const P = "ecs-svc/2000000000000000002";
const OLD = "ecs-svc/1000000000000000001";

const guarded = (t: ObservedTask, minutes: number): ObservedTask => ({ ...t, protectedUntil: NOW + minutes * MINUTE });

interface Row {
  name: string;
  desired: number;
  tasks: ObservedTask[];
  deployments?: ReturnType<typeof aDeployment>[];
  min?: number;
  stopped: string[];
  launched?: number;
  /** A substring of one of the waits; absent: no protection wait. */
  wait?: string;
  requeueMs?: number;
  steady?: boolean;
}

const rows: Row[] = [
  {
    name: "scale-in skips the protected task and stops the next youngest",
    desired: 2,
    tasks: [guarded(aTask({ id: "t1", deployment: P, startedAgo: 100 }), 30), aTask({ id: "t2", deployment: P, startedAgo: 200 }), aTask({ id: "t3", deployment: P, startedAgo: 300 })],
    stopped: ["t2"],
    requeueMs: 30 * MINUTE,
  },
  {
    name: "more protected tasks than desired: only the unprotected go, the rest wait naming the tasks",
    desired: 1,
    tasks: [guarded(aTask({ id: "t1", deployment: P }), 5), guarded(aTask({ id: "t2", deployment: P }), 10), aTask({ id: "t3", deployment: P })],
    stopped: ["t3"],
    wait: "1 task(s) to stop for scale-in are protected from scale-in (UpdateTaskProtection); the first protection ends at 2026-01-01T12:05:00.000Z: (task t",
    requeueMs: 5 * MINUTE,
    steady: false,
  },
  {
    name: "scale to zero keeps a protected task",
    desired: 0,
    tasks: [guarded(aTask({ id: "t1", deployment: P }), 1), aTask({ id: "t2", deployment: P })],
    stopped: ["t2"],
    wait: "(task t1)",
    steady: false,
  },
  {
    name: "an expired protection no longer holds",
    desired: 0,
    tasks: [{ ...aTask({ id: "t1", deployment: P }), protectedUntil: NOW - 1 }, aTask({ id: "t2", deployment: P })],
    stopped: ["t1", "t2"],
  },
  {
    name: "a deployment does not replace a protected old task; it launches and stops the others",
    desired: 2,
    min: 50,
    deployments: [aDeployment({ id: OLD, status: "ACTIVE", desired: 2, rolloutState: "COMPLETED", age: 20 }), aDeployment({ id: P, desired: 2, td: 2 })],
    tasks: [guarded(aTask({ id: "o1", deployment: OLD }), 20), aTask({ id: "o2", deployment: OLD })],
    stopped: ["o2"],
    launched: 2,
    wait: "1 task(s) to stop for the deployment are protected from scale-in (UpdateTaskProtection)",
    requeueMs: 20 * MINUTE,
    steady: false,
  },
  {
    name: "protection does not keep an unhealthy task",
    desired: 1,
    tasks: [guarded(aTask({ id: "t1", deployment: P, state: "unhealthy", health: "UNHEALTHY" }), 30)],
    stopped: ["t1"],
    launched: 1,
  },
];

describe("decide: task scale-in protection", () => {
  for (const r of rows) {
    it(r.name, () => {
      const deployments = r.deployments ?? [aDeployment({ id: P, desired: r.desired, rolloutState: "COMPLETED", ...(r.name.includes("unhealthy") ? { checks: true } : {}) })];
      const d = decide(observe(aService({ desired: r.desired, ...(r.min !== undefined ? { min: r.min } : {}) }), deployments, r.tasks), NOW);
      assert.deepEqual(stoppedIds(d), r.stopped);
      assert.equal(launchedCount(d), r.launched ?? 0);
      const waits = d.waits.filter((w) => w.includes("protected"));
      if (r.wait === undefined) assert.deepEqual(waits, []);
      else assert.ok(waits.some((w) => w.includes(r.wait!)), `waits: ${JSON.stringify(d.waits)}`);
      if (r.requeueMs !== undefined) assert.equal(d.requeueAfterMs, r.requeueMs);
      if (r.steady !== undefined) assert.equal(d.steady, r.steady);
      // Held tasks are never reported as a stuck configuration.
      assert.ok(!actionsOf(d, "event").some((e) => /unable to|stuck/i.test(e.message)), JSON.stringify(actionsOf(d, "event")));
    });
  }
});

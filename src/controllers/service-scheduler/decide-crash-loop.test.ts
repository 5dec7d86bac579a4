// decide() when tasks of the PRIMARY deployment stop by themselves soon after RUNNING: berth's
// crash-loop back-off (crash-loop.ts; docs/design.md, "The service scheduler").
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CRASH_BACKOFF_MAX_MS, HEALTHY_RUN_MS, crashBackoffDelayMs, isCrash } from "./crash-loop.js";
import { decide } from "./decide.js";
import {
  NOW,
  SECOND,
  aDeployment,
  aService,
  aTask,
  actionsOf as all,
  anInstance,
  eventMessages as messages,
  launchedCount as launched,
  observe,
  taskArn,
  type TaskOptions,
} from "./test-builders.js";
import type { CrashLoopTracking, FailureTracking } from "./types.js";

const P = "ecs-svc/2000000000000000002";
const OLD = "ecs-svc/1000000000000000001";
const EXITED = "Essential container in task exited";
const LAST = `${EXITED} (exit code 1)`;

/** A task of `deployment` that ran `ran` s and exited by itself `stoppedAgo` s before NOW. */
const crashed = (id: string, o: { createdAgo: number; stoppedAgo: number; ran?: number; deployment?: string } & Partial<TaskOptions>) =>
  aTask({
    deployment: P,
    state: "stopped",
    stopCode: "EssentialContainerExited",
    stoppedReason: EXITED,
    exitCode: 1,
    startedAgo: o.stoppedAgo + (o.ran ?? 1),
    ...o,
    id,
  });

/** Tracking after a loop whose newest crash (the watermark) is `id`, `ago` s before NOW. */
const after = (id: string, ago: number, loop: Partial<CrashLoopTracking> & { rounds: number; crashes: number }): FailureTracking => ({
  countedThrough: NOW - ago * SECOND,
  countedAtWatermark: [taskArn(id)],
  consecutiveStartFailures: 0,
  deploymentId: P,
  crashLoop: { roundOpenedAt: NOW - ago * SECOND, lastCrashAt: NOW - ago * SECOND, lastReason: LAST, longestRunMs: 1000, ...loop },
});

const primary = (o: Partial<Parameters<typeof aDeployment>[0]> = {}) => aDeployment({ id: P, rolloutState: "COMPLETED", hadHealthyTask: true, ...o });
const trackingOf = (d: ReturnType<typeof decide>) => all(d, "setFailureTracking")[0]?.tracking;

describe("crashBackoffDelayMs", () => {
  const cases: [number, number][] = [
    [0, 0],
    [1, 0],
    [2, 10 * SECOND],
    [3, 20 * SECOND],
    [4, 40 * SECOND],
    [5, 80 * SECOND],
    [6, 160 * SECOND],
    [7, CRASH_BACKOFF_MAX_MS],
    [8, CRASH_BACKOFF_MAX_MS],
    [1000, CRASH_BACKOFF_MAX_MS],
  ];
  for (const [rounds, ms] of cases) it(`${rounds} rounds → ${ms / SECOND} s`, () => assert.equal(crashBackoffDelayMs(rounds), ms));
});

describe("isCrash", () => {
  const cases: [string, Partial<TaskOptions> & { ran?: number }, boolean][] = [
    ["an essential container exited 1 s after RUNNING", {}, true],
    ["exit code 0 is a crash too: a service's task is not meant to finish", { exitCode: 0 }, true],
    ["no stop code (an agent that said nothing) counts as stopping by itself", { stopCode: undefined }, true],
    ["a run just under the healthy run", { ran: HEALTHY_RUN_MS / SECOND - 1 }, true],
    ["a healthy run (5 minutes) is not a crash", { ran: HEALTHY_RUN_MS / SECOND }, false],
    ["StopTask", { stopCode: "UserInitiated" }, false],
    ["the scheduler's own stop", { stopCode: "ServiceSchedulerInitiated" }, false],
    ["a Spot interruption", { stopCode: "SpotInterruption" }, false],
    ["a termination notice", { stopCode: "TerminationNotice" }, false],
    ["a task that never reached RUNNING (launch throttling's, not this)", { stopCode: "TaskFailedToStart", neverStarted: true }, false],
  ];
  for (const [name, o, want] of cases) {
    it(`${name} → ${want}`, () => {
      assert.equal(isCrash(crashed("c1", { createdAgo: 600, stoppedAgo: 5, ...o })), want);
    });
  }
  it("a task still running is not a crash", () => assert.equal(isCrash(aTask({ id: "t1", deployment: P, startedAgo: 5 })), false));
});

describe("decide: crash-loop back-off", () => {
  it("replaces a first crash at once: one crash is no loop", () => {
    const d = decide(observe(aService({ desired: 1 }), [primary()], [crashed("c1", { createdAgo: 7, stoppedAgo: 5 })]), NOW);
    assert.equal(launched(d), 1);
    assert.deepEqual(trackingOf(d)?.crashLoop, {
      rounds: 1,
      crashes: 1,
      roundOpenedAt: NOW - 5 * SECOND,
      lastCrashAt: NOW - 5 * SECOND,
      lastReason: LAST,
      longestRunMs: 1000,
    });
    assert.deepEqual(messages(d), []);
    assert.equal(d.inputs.launchBackoffUntil, undefined);
  });

  it("backs off after the relaunch crashes too, says so once, and wakes when the back-off ends", () => {
    const tasks = [crashed("c1", { createdAgo: 7, stoppedAgo: 5 }), crashed("c2", { createdAgo: 4, stoppedAgo: 2 })];
    const service = (tracking: FailureTracking) => aService({ desired: 1, tracking });
    const d = decide(observe(service(after("c1", 5, { rounds: 1, crashes: 1 })), [primary()], tasks), NOW);
    assert.equal(launched(d), 0);
    assert.deepEqual(messages(d), [
      "(service web) is crash-looping: 2 task(s) stopped within 1 s of starting; launches back off until 2026-01-01T12:00:08.000Z.",
    ]);
    assert.deepEqual(d.waits, [`crash-loop back-off until 2026-01-01T12:00:08.000Z after 2 crashes; last: ${LAST}`]);
    assert.equal(d.requeueAfterMs, 8 * SECOND);
    assert.equal(d.inputs.launchBackoffUntil, NOW + 8 * SECOND);
    const tracking = trackingOf(d)!;
    assert.deepEqual([tracking.crashLoop?.rounds, tracking.crashLoop?.crashes], [2, 2]);

    // Level-based: the next pass sees the same loop, waits and says nothing new.
    const again = decide(observe(service(tracking), [primary()], tasks), NOW + SECOND);
    assert.deepEqual([launched(again), messages(again), all(again, "setFailureTracking")], [0, [], []]);
    assert.deepEqual(again.waits, d.waits);
    assert.equal(again.requeueAfterMs, 7 * SECOND);

    const done = decide(observe(service(tracking), [primary()], tasks), NOW + 8 * SECOND);
    assert.deepEqual([launched(done), messages(done), done.waits], [1, [], []]);
  });

  it("counts a batch crashing together as one round, however far apart the crashes land", () => {
    const tasks = [
      crashed("c1", { createdAgo: 10, stoppedAgo: 5 }),
      crashed("c2", { createdAgo: 10, stoppedAgo: 4, ran: 3 }),
      crashed("c3", { createdAgo: 10, stoppedAgo: 3 }),
    ];
    const d = decide(observe(aService({ desired: 3 }), [primary()], tasks), NOW);
    assert.equal(launched(d), 3);
    const loop = trackingOf(d)!.crashLoop!;
    assert.deepEqual([loop.rounds, loop.crashes, loop.longestRunMs, loop.lastCrashAt], [1, 3, 3000, NOW - 3 * SECOND]);
  });

  it("counts a relaunch's crash as a new round even when a sibling of the old round crashed after it was created", () => {
    // a1 opened round 1 at -20 s; its relaunch a2 was created at -19 s, then the sibling b1
    // (created with a1) crashed at -18 s, then a2 crashed. a2 knew of a crash: round 2.
    const tasks = [
      crashed("a1", { createdAgo: 60, stoppedAgo: 20 }),
      crashed("b1", { createdAgo: 60, stoppedAgo: 18 }),
      crashed("a2", { createdAgo: 19, stoppedAgo: 5 }),
    ];
    const d = decide(observe(aService({ desired: 2, tracking: after("a1", 20, { rounds: 1, crashes: 1 }) }), [primary()], tasks), NOW);
    const loop = trackingOf(d)!.crashLoop!;
    assert.deepEqual([loop.rounds, loop.crashes, loop.roundOpenedAt], [2, 3, NOW - 5 * SECOND]);
    assert.equal(launched(d), 0);
    assert.equal(d.inputs.launchBackoffUntil, NOW + 5 * SECOND);
  });

  it("keeps the end it announced when another task of the round crashes later", () => {
    // Round 2 opened at -5 s (back-off until +5 s); b2, launched with a2 before that, crashes now.
    const tasks = [crashed("a2", { createdAgo: 8, stoppedAgo: 5 }), crashed("b2", { createdAgo: 8, stoppedAgo: 1, ran: 4 })];
    const d = decide(observe(aService({ desired: 2, tracking: after("a2", 5, { rounds: 2, crashes: 3 }) }), [primary()], tasks), NOW);
    const loop = trackingOf(d)!.crashLoop!;
    assert.deepEqual([loop.rounds, loop.crashes, loop.lastCrashAt, loop.longestRunMs], [2, 4, NOW - SECOND, 4000]);
    assert.equal(d.inputs.launchBackoffUntil, NOW + 5 * SECOND);
    assert.deepEqual(messages(d), []);
  });

  it("announces nothing for a round whose back-off is already over when it is counted", () => {
    // The control plane was down: both crashes are first seen 20 s later, past the 10 s wait.
    const tasks = [crashed("c1", { createdAgo: 27, stoppedAgo: 25 }), crashed("c2", { createdAgo: 24, stoppedAgo: 22 })];
    const d = decide(observe(aService({ desired: 1 }), [primary()], tasks), NOW);
    assert.equal(trackingOf(d)!.crashLoop!.rounds, 2);
    assert.deepEqual([launched(d), messages(d), d.waits], [1, [], []]);
  });

  it("grows to the 5-minute cap", () => {
    const tasks = [crashed("c1", { createdAgo: 400, stoppedAgo: 300 }), crashed("c2", { createdAgo: 3, stoppedAgo: 1 })];
    const d = decide(observe(aService({ desired: 1, tracking: after("c1", 300, { rounds: 9, crashes: 9 }) }), [primary()], tasks), NOW);
    assert.equal(trackingOf(d)!.crashLoop!.rounds, 10);
    assert.equal(d.requeueAfterMs, CRASH_BACKOFF_MAX_MS - SECOND);
    assert.match(messages(d)[0]!, /10 task\(s\) stopped within 1 s of starting; launches back off until 2026-01-01T12:04:59.000Z\.$/);
  });

  it("ends the loop when a task started after the newest crash has run 5 minutes", () => {
    const healthy = aTask({ id: "t1", deployment: P, startedAgo: 350 });
    const tasks = [crashed("c0", { createdAgo: 500, stoppedAgo: 400 }), healthy, crashed("c1", { createdAgo: 12, stoppedAgo: 5 })];
    const d = decide(observe(aService({ desired: 2, tracking: after("c0", 400, { rounds: 6, crashes: 6 }) }), [primary()], tasks), NOW);
    assert.deepEqual([trackingOf(d)!.crashLoop!.rounds, trackingOf(d)!.crashLoop!.crashes], [1, 1]);
    assert.equal(launched(d), 1);
    assert.deepEqual(messages(d), []);

    // With no new crash, the healthy run clears the loop from the store.
    const quiet = decide(observe(aService({ desired: 1, tracking: after("c0", 400, { rounds: 6, crashes: 6 }) }), [primary()], [tasks[0]!, healthy]), NOW);
    assert.equal(trackingOf(quiet)!.crashLoop, undefined);
  });

  it("is not ended by a long run that began before the newest crash", () => {
    const old = aTask({ id: "t1", deployment: P, startedAgo: 3600 });
    const tasks = [crashed("c0", { createdAgo: 500, stoppedAgo: 400 }), old, crashed("c1", { createdAgo: 12, stoppedAgo: 5 })];
    const d = decide(observe(aService({ desired: 2, tracking: after("c0", 400, { rounds: 6, crashes: 6 }) }), [primary()], tasks), NOW);
    assert.equal(trackingOf(d)!.crashLoop!.rounds, 7);
    assert.equal(launched(d), 0);
    assert.match(d.waits.join("\n"), /crash-loop back-off until 2026-01-01T12:04:55.000Z after 7 crashes; last: /);
  });

  it("a new deployment starts without the old deployment's loop", () => {
    const tracking: FailureTracking = { ...after("c0", 5, { rounds: 6, crashes: 12 }), deploymentId: OLD };
    const d = decide(
      observe(aService({ desired: 2, tracking }), [aDeployment({ id: OLD, status: "ACTIVE", age: 60 }), aDeployment({ id: P, desired: 2, td: 2 })], []),
      NOW,
    );
    assert.equal(launched(d), 2);
    assert.equal(trackingOf(d)!.crashLoop, undefined);
  });

  it("does not count crashes of an older deployment", () => {
    const tasks = [
      aTask({ id: "o1", deployment: OLD }),
      crashed("c1", { deployment: OLD, createdAgo: 7, stoppedAgo: 5 }),
      crashed("c2", { deployment: OLD, createdAgo: 4, stoppedAgo: 2 }),
    ];
    const d = decide(observe(aService({ desired: 2 }), [aDeployment({ id: OLD, status: "ACTIVE", age: 60, desired: 2 }), aDeployment({ id: P, desired: 2, td: 2 })], tasks), NOW);
    assert.equal(trackingOf(d)!.crashLoop, undefined);
  });

  it("backs off whether the circuit breaker is on or off, and the breaker still counts the crashes", () => {
    const tasks = [crashed("c1", { createdAgo: 7, stoppedAgo: 5 }), crashed("c2", { createdAgo: 4, stoppedAgo: 2 })];
    const tracking = after("c1", 5, { rounds: 1, crashes: 1 });
    const fresh = aDeployment({ id: P, desired: 10, failedTasks: 1 });
    for (const breaker of [true, false]) {
      const d = decide(observe(aService({ desired: 10, breaker, tracking }), [fresh], tasks), NOW);
      assert.equal(launched(d), 0, `breaker ${breaker}`);
      assert.equal(all(d, "setDeploymentCounts")[0]!.failedTasks, 2);
    }
    // At its threshold (3 for desired 3) the breaker fails the deployment.
    const three = [...tasks, crashed("c3", { createdAgo: 7, stoppedAgo: 4 })];
    const d = decide(observe(aService({ desired: 3, breaker: true, tracking }), [aDeployment({ id: P, desired: 3, failedTasks: 1 })], three), NOW);
    assert.deepEqual(all(d, "setRolloutState").map((a) => a.rolloutState), ["FAILED"]);
  });

  it("waits for the later of the two back-offs and names both", () => {
    const tasks = [
      crashed("c1", { createdAgo: 7, stoppedAgo: 5 }),
      crashed("c2", { createdAgo: 4, stoppedAgo: 2 }),
      aTask({ id: "f1", deployment: P, state: "stopped", stopCode: "TaskFailedToStart", createdAgo: 30, stoppedAgo: 1 }),
    ];
    const tracking: FailureTracking = { ...after("c1", 5, { rounds: 1, crashes: 1 }), consecutiveStartFailures: 1, lastStartFailureAt: NOW - 40 * SECOND };
    const d = decide(observe(aService({ desired: 3, tracking }), [primary()], tasks), NOW);
    assert.equal(d.inputs.launchBackoffUntil, NOW + 14 * SECOND);
    assert.deepEqual(d.waits, [
      "launches are backed off after 2 consecutive failed launches until 2026-01-01T12:00:14.000Z",
      `crash-loop back-off until 2026-01-01T12:00:08.000Z after 2 crashes; last: ${LAST}`,
    ]);
  });

  it("holds DAEMON launches too", () => {
    const tasks = [crashed("c1", { createdAgo: 7, stoppedAgo: 5, instance: "i1" }), crashed("c2", { createdAgo: 4, stoppedAgo: 2, instance: "i1" })];
    const d = decide(
      observe(aService({ strategy: "DAEMON", tracking: after("c1", 5, { rounds: 1, crashes: 1 }) }), [primary()], tasks, [anInstance("i1"), anInstance("i2")]),
      NOW,
    );
    assert.equal(launched(d), 0);
    assert.match(d.waits.join("\n"), /^crash-loop back-off until 2026-01-01T12:00:08.000Z after 2 crashes; last: /m);
    assert.equal(messages(d).length, 1);
  });
});

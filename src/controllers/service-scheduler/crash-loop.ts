// Crash-loop back-off: berth's answer to a PRIMARY deployment whose tasks reach RUNNING and stop
// by themselves soon after (Kubernetes' CrashLoopBackOff, kept per deployment instead of per pod).
//
// Why berth needs it and ECS does not: ECS throttles only launches that never reach RUNNING
// (§4.7, failures.ts); a task that dies after RUNNING is replaced at once, which costs little in
// ECS because a launch there takes tens of seconds. berth launches a process in milliseconds, so
// `sh -c "exit 1"` became hundreds of tasks a minute.
//
// The rule (docs/design.md, "The service scheduler"):
// - a crash is a task of the PRIMARY deployment that reached RUNNING and stopped by itself (not
//   StopTask, not the scheduler, not a Spot/termination notice) less than HEALTHY_RUN_MS later;
//   its exit code does not matter (a service's task is not meant to finish);
// - crashes are counted in rounds: a crash opens a new round when its task was created at or
//   after the moment the current round's first crash was recorded — it is a relaunch that could
//   already know of the crash. Its siblings (created before) join the round, so a batch crashing
//   together is one round however the passes slice it. (The start-failure streak compares with
//   the round's *latest* failure instead; with crashes a few ms apart that would let a relaunch
//   made between two sibling crashes join the old round, and the streak would never grow.)
// - after round r the next launch waits crashBackoffDelayMs(r) from the crash that opened the
//   round: r 1 → 0 (one crash is no loop; kubelet too restarts the first time at once), r 2 →
//   10 s, then doubling to a cap of 5 minutes (kubelet's numbers). Later crashes of the same round
//   do not push the end back, so the time the event names is the time launches resume;
// - a healthy run ends the loop: a PRIMARY task started after the newest crash that stayed up
//   HEALTHY_RUN_MS (still running, or stopped later). So does a new deployment (failures.ts).
//
// Pure: stopped tasks are read once each (the caller passes only those past its watermark), and
// the state lives in the service's FailureTracking, so deciding the same snapshot twice changes
// nothing.

import type { CrashLoopTracking, ObservedTask } from "./types.js";

/** The first delayed relaunch waits this long (kubelet's initial back-off). */
export const CRASH_BACKOFF_BASE_MS = 10_000;
/** The longest wait between relaunches of a crash-looping deployment (kubelet's cap). */
export const CRASH_BACKOFF_MAX_MS = 5 * 60_000;
/**
 * A run this long is healthy: shorter self-stops are crashes, and one such run resets the loop.
 * 300 s is ECS's own bar for a container worth restarting (restartPolicy's default
 * restartAttemptPeriod); kubelet uses 10 minutes.
 */
export const HEALTHY_RUN_MS = 5 * 60_000;

/** Longest stop reason kept on the service (it is repeated in decision-log lines). */
const REASON_MAX = 200;

/** Stop codes of stops someone ordered: never crashes. */
const ORDERED_STOPS: ReadonlySet<string> = new Set(["UserInitiated", "ServiceSchedulerInitiated", "SpotInterruption", "TerminationNotice"]);

/**
 * Wait before the next launch after `rounds` crash rounds:
 *   1 → 0, 2 → 10 s, 3 → 20 s, 4 → 40 s, 5 → 80 s, 6 → 160 s, 7 and on → 5 min (320 capped).
 * With these a deployment of N crashing tasks launches at most 6 × N tasks in its first
 * 5 minutes: at 0, at once again, then after 10, 30, 70 and 150 s.
 */
export function crashBackoffDelayMs(rounds: number): number {
  if (rounds <= 1) return 0;
  const doublings = Math.min(rounds - 2, 30);
  return Math.min(CRASH_BACKOFF_MAX_MS, CRASH_BACKOFF_BASE_MS * 2 ** doublings);
}

/** When the task's run ended: when it began stopping, else when it stopped, else not yet. */
function runEnd(task: ObservedTask): number | undefined {
  return task.stoppingAt ?? task.stoppedAt;
}

/** A STOPPED task that reached RUNNING and stopped by itself within HEALTHY_RUN_MS. */
export function isCrash(task: ObservedTask): boolean {
  if (task.startedAt === undefined || task.stoppedAt === undefined) return false;
  if (task.stopCode !== undefined && ORDERED_STOPS.has(task.stopCode)) return false;
  return runEnd(task)! - task.startedAt < HEALTHY_RUN_MS;
}

/** Some task started at or after `since` had been up HEALTHY_RUN_MS by `by`. */
function ranHealthy(tasks: readonly ObservedTask[], since: number, by: number): boolean {
  return tasks.some((t) => {
    if (t.startedAt === undefined || t.startedAt < since) return false;
    return Math.min(runEnd(t) ?? by, by) - t.startedAt >= HEALTHY_RUN_MS;
  });
}

/** "Essential container in task exited (exit code 1)". */
function reasonOf(task: ObservedTask): string {
  const reason = task.stoppedReason ?? task.stopCode ?? "stopped";
  const code = task.exitCode !== undefined && task.exitCode !== null ? ` (exit code ${task.exitCode})` : "";
  return (reason + code).slice(0, REASON_MAX);
}

export interface CrashCount {
  /** Undefined when no loop is under way. */
  readonly tracking?: CrashLoopTracking;
  /** No launch before this time (epoch ms); absent when not backed off. */
  readonly backoffUntil?: number;
  /** A new round started a (longer) back-off in this pass: say so in an event. */
  readonly lengthened: boolean;
}

/**
 * Adds this pass's newly stopped tasks of the PRIMARY deployment (`fresh`, oldest stop first) to
 * the loop. `primaryTasks` is every task of that deployment the snapshot holds, to find healthy
 * runs; `now` closes the last window.
 */
export function countCrashes(
  before: CrashLoopTracking | undefined,
  fresh: readonly ObservedTask[],
  primaryTasks: readonly ObservedTask[],
  now: number,
): CrashCount {
  let state = before;
  let lengthened = false;
  for (const task of fresh) {
    if (!isCrash(task)) continue;
    // A healthy run between the newest counted crash and this one ended that loop.
    if (state !== undefined && ranHealthy(primaryTasks, state.lastCrashAt, task.stoppedAt!)) {
      state = undefined;
      lengthened = false;
    }
    const stoppedAt = task.stoppedAt!;
    const run = runEnd(task)! - task.startedAt!;
    if (state === undefined) {
      state = { rounds: 1, crashes: 1, roundOpenedAt: stoppedAt, lastCrashAt: stoppedAt, lastReason: reasonOf(task), longestRunMs: run };
      continue;
    }
    const newRound = task.createdAt >= state.roundOpenedAt;
    state = {
      rounds: state.rounds + (newRound ? 1 : 0),
      crashes: state.crashes + 1,
      roundOpenedAt: newRound ? stoppedAt : state.roundOpenedAt,
      lastCrashAt: Math.max(state.lastCrashAt, stoppedAt),
      lastReason: reasonOf(task),
      longestRunMs: Math.max(state.longestRunMs, run),
    };
    if (newRound && crashBackoffDelayMs(state.rounds) > 0) lengthened = true;
  }
  if (state !== undefined && ranHealthy(primaryTasks, state.lastCrashAt, now)) return { lengthened: false };
  if (state === undefined) return { lengthened: false };
  const delay = crashBackoffDelayMs(state.rounds);
  return { tracking: state, lengthened, ...(delay > 0 ? { backoffUntil: state.roundOpenedAt + delay } : {}) };
}

/** Field-by-field equality, so an unchanged loop writes nothing. */
export function sameCrashLoop(a: CrashLoopTracking | undefined, b: CrashLoopTracking | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.rounds === b.rounds &&
    a.crashes === b.crashes &&
    a.roundOpenedAt === b.roundOpenedAt &&
    a.lastCrashAt === b.lastCrashAt &&
    a.lastReason === b.lastReason &&
    a.longestRunMs === b.longestRunMs
  );
}

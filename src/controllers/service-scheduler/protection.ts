// Task scale-in protection (UpdateTaskProtection, the agent's task-protection endpoint): a
// protected task is never chosen to stop by a scale-in or by a deployment's replacement until its
// protection expires (ecs-behavior.md §4.15). Other stops still take it: a task that fails its
// health checks, one on a draining instance, and every task of a service being deleted — ECS's
// documentation scopes protection to "scale-in events from Service Auto Scaling or deployments".
//
// The scheduler sets such tasks aside before choosing victims and says why in the decision log,
// naming the tasks and when the first protection ends; the pass is requeued for that moment.

import type { LiveTask } from "./classify.js";
import { taskIdOf } from "./events.js";

/** Whether the task's protection still holds at `now`. */
export function isProtected(live: LiveTask, now: number): boolean {
  const until = live.task.protectedUntil;
  return until !== undefined && until > now;
}

/** Splits stop candidates into those that may go and those their protection holds. */
export function setAsideProtected(candidates: readonly LiveTask[], now: number): { free: LiveTask[]; held: LiveTask[] } {
  const free: LiveTask[] = [];
  const held: LiveTask[] = [];
  for (const l of candidates) (isProtected(l, now) ? held : free).push(l);
  return { free, held };
}

/**
 * The decision log's line for tasks a scale-in or deployment wanted to stop but may not, e.g.
 * "1 task(s) to stop for scale-in are protected until 2026-12-05T13:00:00.000Z: (task 0123…)".
 */
export function protectionWait(held: readonly LiveTask[], purpose: "scale-in" | "the deployment"): string | undefined {
  if (held.length === 0) return undefined;
  const until = Math.min(...held.map((l) => l.task.protectedUntil!));
  const ids = [...held]
    .sort((a, b) => (a.task.taskArn < b.task.taskArn ? -1 : 1))
    .map((l) => `(task ${taskIdOf(l.task.taskArn)})`)
    .join(" ");
  return `${held.length} task(s) to stop for ${purpose} are protected from scale-in (UpdateTaskProtection); the first protection ends at ${new Date(until).toISOString()}: ${ids}`;
}

/** The earliest moment a protection that holds now ends, to look again then. */
export function nextProtectionExpiry(live: readonly LiveTask[], now: number): number | undefined {
  let best: number | undefined;
  for (const l of live) {
    const until = l.task.protectedUntil;
    if (until !== undefined && until > now && (best === undefined || until < best)) best = until;
  }
  return best;
}

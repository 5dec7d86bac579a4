// GetTaskProtection and UpdateTaskProtection: task scale-in protection (ecs-behavior.md §4.15).
// The protection lives on the task record (`protection`), so it is written with the task's own
// compare-and-swap and ends with the task: a task that is stopping or stopped reads as
// unprotected, and so does one whose expiration has passed (ECS then clears protectionEnabled;
// berth computes it on read, so no sweeper has to run at the expiry).
//
// ECS's rules, from its API reference: 1 to 10 tasks per UpdateTaskProtection (100 for Get);
// expiresInMinutes 1 to 2,880 (48 hours), 120 (2 hours) when omitted, reset on every call that
// enables protection; only tasks of a service can be protected — others are answered in
// `failures` with reason TASK_NOT_VALID; unknown tasks with reason MISSING.
import { arns, invalidParameter, type Scope } from "../model/index.js";
import { commit, guardOf, put, type Deps } from "./deps.js";
import { keys } from "./keys.js";
import { activeCluster } from "./resolve.js";
import type { TaskRecord } from "./task-records.js";
import { findTask } from "./tasks.js";

export const DEFAULT_PROTECTION_MINUTES = 120;
export const MAX_PROTECTION_MINUTES = 2880;
const MAX_UPDATE_TASKS = 10;
const MAX_GET_TASKS = 100;

export interface TaskProtectionRecord {
  protectionEnabled: boolean;
  /** Epoch ms; present while enabled. */
  expirationDate?: number;
}

export interface ProtectedTask {
  taskArn: string;
  protectionEnabled: boolean;
  expirationDate?: number;
}

interface Failure {
  arn: string;
  reason: string;
}

/** Whether the task is protected at `now`: enabled, unexpired, and the task not on its way down. */
export function protectedUntil(t: Pick<TaskRecord, "protection" | "desiredStatus" | "lastStatus">, now: number): number | undefined {
  const p = t.protection;
  if (!p?.protectionEnabled || p.expirationDate === undefined || p.expirationDate <= now) return undefined;
  if (t.desiredStatus === "STOPPED" || t.lastStatus === "STOPPED") return undefined;
  return p.expirationDate;
}

function view(t: TaskRecord, now: number): ProtectedTask {
  const until = protectedUntil(t, now);
  return until === undefined ? { taskArn: t.taskArn, protectionEnabled: false } : { taskArn: t.taskArn, protectionEnabled: true, expirationDate: until };
}

function checkCount(field: string, refs: string[] | undefined, max: number): string[] {
  const list = refs ?? [];
  if (list.length === 0 || list.length > max) {
    throw invalidParameter(`Invalid parameter '${field}': give 1 to ${max} tasks, found ${list.length}.`);
  }
  return list;
}

/** The tasks a request names, sorted into those that may be protected and failures. */
function resolve(deps: Deps, scope: Scope, clusterName: string, refs: string[]): { found: TaskRecord[]; failures: Failure[] } {
  const found: TaskRecord[] = [];
  const failures: Failure[] = [];
  const seen = new Set<string>();
  for (const ref of refs) {
    const t = findTask(deps, scope, clusterName, ref);
    const arn = t?.taskArn ?? (ref.startsWith("arn:") ? ref : arns.task(scope, clusterName, ref));
    if (seen.has(arn)) continue;
    seen.add(arn);
    if (!t) failures.push({ arn, reason: "MISSING" });
    else if (!t.serviceName) failures.push({ arn, reason: "TASK_NOT_VALID" });
    else found.push(t);
  }
  return { found, failures };
}

export function getTaskProtection(deps: Deps, scope: Scope, input: { cluster: string; tasks?: string[] }) {
  const cluster = activeCluster(deps, scope, input.cluster);
  const refs = checkCount("tasks", input.tasks, MAX_GET_TASKS);
  const { found, failures } = resolve(deps, scope, cluster.clusterName, refs);
  const now = deps.clock.now();
  return { protectedTasks: found.map((t) => view(t, now)), failures };
}

export async function updateTaskProtection(
  deps: Deps,
  scope: Scope,
  input: { cluster: string; tasks: string[]; protectionEnabled: boolean; expiresInMinutes?: number },
) {
  const cluster = activeCluster(deps, scope, input.cluster);
  const refs = checkCount("tasks", input.tasks, MAX_UPDATE_TASKS);
  const minutes = input.expiresInMinutes ?? DEFAULT_PROTECTION_MINUTES;
  if (input.protectionEnabled && (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_PROTECTION_MINUTES)) {
    throw invalidParameter(`Invalid parameter 'expiresInMinutes': ${minutes} is outside 1 to ${MAX_PROTECTION_MINUTES} minutes (48 hours).`);
  }
  const { found, failures } = resolve(deps, scope, cluster.clusterName, refs);
  // One guarded commit for every task named: all protections change together or none does.
  const updated = await commit(deps, () => {
    const now = deps.clock.now();
    const protection: TaskProtectionRecord = input.protectionEnabled ? { protectionEnabled: true, expirationDate: now + minutes * 60_000 } : { protectionEnabled: false };
    const guards = [];
    const ops = [];
    const result: TaskRecord[] = [];
    for (const t of found) {
      const key = keys.task(scope, t.clusterName, t.id);
      const current = deps.cache.get<TaskRecord>(key) ?? t;
      const next: TaskRecord = { ...current, protection };
      guards.push(guardOf(deps, key));
      ops.push(put(key, next));
      result.push(next);
    }
    return { guards, ops, result };
  });
  const now = deps.clock.now();
  return { protectedTasks: updated.map((t) => view(t, now)), failures };
}

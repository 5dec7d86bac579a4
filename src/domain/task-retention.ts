// Stopped tasks stay describable for an hour, then vanish (ecs-behavior.md §1.5); after that
// DescribeTasks reports them MISSING.
import type { Store } from "../store/index.js";
import type { Deps } from "./deps.js";
import { ROOT } from "./keys.js";
import type { TaskRecord } from "./task-records.js";

export const DEFAULT_TASK_RETENTION_MS = 60 * 60 * 1000;

/** The keys of tasks stopped longer ago than the retention: pure, for tests and the sweeper. */
export function expiredTaskKeys(entries: { key: string; value: TaskRecord }[], now: number, retentionMs: number): string[] {
  return entries
    .filter((e) => e.value.lastStatus === "STOPPED" && e.value.released && (e.value.stoppedAt ?? now) < now - retentionMs)
    .map((e) => e.key);
}

export async function sweepStoppedTasks(deps: Deps, retentionMs = DEFAULT_TASK_RETENTION_MS): Promise<number> {
  const tasks = deps.cache.listEntries<TaskRecord>(ROOT).filter((e) => e.key.split("/")[4] === "tasks");
  const expired = expiredTaskKeys(tasks, deps.clock.now(), retentionMs);
  if (expired.length === 0) return 0;
  // Each delete is guarded: a task written since it was read is left for the next sweep.
  const store: Store = deps.store;
  let removed = 0;
  for (const key of expired) {
    const entry = deps.cache.getEntry(key);
    if (!entry) continue;
    const res = await store.txn({ compare: [{ key, modRevision: entry.modRevision }], success: [{ kind: "delete", key }] });
    if (res.succeeded) removed++;
    await deps.cache.waitFor(res.revision);
  }
  return removed;
}

// What `berth down` writes into an agent's journal for the containers it stopped, pure. The next
// agent on the state dir then finds each container STOPPED with the exit `down` saw (the runtime
// no longer has the container: down removed it) and reports the task STOPPED with that code and
// DOWN_STOP_REASON, as the ECS agent reports containers that ended while it was not running.
import type { ExitInfo } from "../runtime/index.js";
import { applyExit } from "./runtime-reconcile.js";
import type { TaskRecord } from "./task-record.js";

export const DOWN_STOP_REASON = "Task stopped by berth down";

export interface StoppedContainer {
  /** The runtime's container id. */
  id: string;
  taskArn: string;
  containerName: string;
  /** undefined: it never ran (created only), or its exit could not be read. */
  exit?: ExitInfo;
}

/**
 * The records that change, as copies; the input is left as it was. A container is found by its
 * runtime id, or by name when the agent died before recording the id. A container that never
 * ran gets exitCode null, as a vanished one does.
 */
export function recordDownExits(records: readonly TaskRecord[], stopped: readonly StoppedContainer[], now: number): TaskRecord[] {
  const out: TaskRecord[] = [];
  for (const original of records) {
    const mine = stopped.filter((s) => s.taskArn === original.task.taskArn);
    if (mine.length === 0) continue;
    const rec = structuredClone(original);
    let changed = false;
    for (const s of mine) {
      const c = rec.containers.find((x) => x.runtimeId === s.id) ?? rec.containers.find((x) => !x.runtimeId && x.name === s.containerName);
      if (!c || c.known === "STOPPED") continue;
      c.runtimeId = s.id;
      applyExit(c, s.exit ?? { exitCode: null, finishedAt: now });
      changed = true;
    }
    if (!changed) continue;
    if (rec.desired !== "STOPPED") {
      rec.desired = "STOPPED";
      rec.stopReason ??= DOWN_STOP_REASON;
    }
    out.push(rec);
  }
  return out;
}

// After a restart, the agent's records meet the runtime's truth (driver.list()), pure. Each
// recorded container is matched by runtime id, or — when the agent died between creating a
// container and recording its id — by its task ARN and name label. What the runtime saw while
// the agent was down moves the record forward (started, exited with a code); a container the
// runtime no longer has is STOPPED as vanished. Containers no record claims are orphans.
import type { ContainerState, ExitInfo } from "../runtime/index.js";
import { restartPolicyOf } from "./restart-policy.js";
import type { ContainerRecord, TaskRecord } from "./task-record.js";
import { rank } from "./task-transitions.js";

export const VANISHED_REASON = "ContainerVanishedError: the container disappeared from the runtime while the agent was not watching";

export function applyExit(c: ContainerRecord, exit: ExitInfo): void {
  c.known = "STOPPED";
  c.exitCode = exit.exitCode;
  if (exit.reason) c.reason = exit.reason;
  c.finishedAt = exit.finishedAt;
}

/**
 * Moves one container record to what the runtime reports. The exit of a running container
 * with a restart policy is left for its ManagedTask to judge (restart it, or let it stand).
 */
export function applyRuntimeState(c: ContainerRecord, st: ContainerState, restartable = false): void {
  c.runtimeId = st.id;
  if (st.imageId) c.imageId = st.imageId;
  if (c.known === "STOPPED") return;
  if (c.known === "NONE") {
    c.known = "CREATED";
    c.createdAt = st.createdAt;
  }
  if (st.startedAt !== undefined && rank(c.known) < rank("RUNNING")) {
    c.known = "RUNNING";
    c.startedAt = st.startedAt;
  }
  if (st.networkBindings.length) c.networkBindings = st.networkBindings;
  if (st.health.status !== c.health) c.health = st.health.status;
  if (st.status === "EXITED" && st.exit) {
    if (restartable && c.known === "RUNNING") c.unhandledExit = st.exit;
    else applyExit(c, st.exit);
  }
}

/**
 * Reconciles a task record with the runtime's containers of that task. Returns the runtime
 * containers it claimed (the caller removes the rest of the task's containers: duplicates).
 */
export function reconcileTask(rec: TaskRecord, states: readonly ContainerState[], now: number): Set<string> {
  const claimed = new Set<string>();
  for (const c of rec.containers) {
    const st =
      (c.runtimeId ? states.find((s) => s.id === c.runtimeId) : undefined) ??
      (c.runtimeId ? undefined : states.find((s) => s.containerName === c.name && !claimed.has(s.id)));
    if (st) {
      claimed.add(st.id);
      const definition = rec.task.containers.find((a) => a.name === c.name)?.definition;
      applyRuntimeState(c, st, definition !== undefined && restartPolicyOf(definition)?.enabled === true);
    } else if (c.runtimeId && c.known !== "STOPPED") {
      c.known = "STOPPED";
      c.exitCode = null;
      c.reason = VANISHED_REASON;
      c.finishedAt = now;
    }
  }
  if (rec.pullStartedAt !== undefined && rec.pullStoppedAt === undefined && rec.containers.every((c) => c.known !== "NONE")) {
    rec.pullStoppedAt = now;
  }
  return claimed;
}

/** ECS's `<ErrorName>: <detail>` from a driver error, or the fallback name with its message. */
export function reasonOf(err: unknown, fallback: string): string {
  const reason = (err as { reason?: unknown } | undefined)?.reason;
  const text = typeof reason === "string" ? reason : `${fallback}: ${err instanceof Error ? err.message : String(err)}`;
  return text.length <= 1024 ? text : text.slice(0, 1024);
}

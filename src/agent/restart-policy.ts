// ECS's container restartPolicy, decided purely: when a container with an enabled policy exits,
// the agent restarts it in place (same container, same task) instead of letting the exit stop
// the task. ECS's rules (the ECS agent's restart tracker, API_ContainerRestartPolicy):
//   - no restart when the task is stopping, or when the exit code is unknown (the container
//     vanished) or listed in ignoredExitCodes;
//   - no restart when the container ran less than restartAttemptPeriod seconds (default 300)
//     since its last restart, or since its start when it was never restarted: so a container
//     is restarted at most once per period, and one that keeps dying early is not restarted.
// An exit that is not restarted follows the ordinary path: STOPPED, and the task stops when the
// container is essential. Time is the agent's clock (`now`), read when the exit is handled.
import type { ContainerRecord, TaskRecord } from "./task-record.js";

/** ECS's default restartAttemptPeriod, in seconds (RegisterTaskDefinition enforces 60-1800). */
export const DEFAULT_RESTART_ATTEMPT_PERIOD_SECONDS = 300;

export interface RestartPolicy {
  enabled: boolean;
  ignoredExitCodes: readonly number[];
  restartAttemptPeriodSeconds: number;
}

/** The container definition's restartPolicy, with ECS's defaults; undefined when it has none. */
export function restartPolicyOf(definition: Record<string, unknown>): RestartPolicy | undefined {
  const p = definition.restartPolicy as Record<string, unknown> | undefined;
  if (!p || typeof p !== "object") return undefined;
  const codes = Array.isArray(p.ignoredExitCodes) ? p.ignoredExitCodes.filter((x): x is number => typeof x === "number") : [];
  const period = typeof p.restartAttemptPeriod === "number" ? p.restartAttemptPeriod : DEFAULT_RESTART_ATTEMPT_PERIOD_SECONDS;
  return { enabled: p.enabled === true, ignoredExitCodes: codes, restartAttemptPeriodSeconds: period };
}

export interface RestartInput {
  policy: RestartPolicy | undefined;
  /** The task's desired status when the exit is handled. */
  desired: "RUNNING" | "STOPPED";
  /** null when the runtime knows no exit code (the container vanished). */
  exitCode: number | null;
  /** Epoch ms of the container's (first) start; undefined if it never ran. */
  startedAt: number | undefined;
  /** Epoch ms of the agent's last restart of it, if any. */
  lastRestartAt: number | undefined;
  now: number;
}

export type RestartVerdict = { restart: true } | { restart: false; why: string };

export function decideRestart(input: RestartInput): RestartVerdict {
  const { policy } = input;
  const no = (why: string): RestartVerdict => ({ restart: false, why });
  if (!policy?.enabled) return no("no restart policy is enabled");
  if (input.desired === "STOPPED") return no("the task is stopping");
  if (input.exitCode === null) return no("the exit code is unknown");
  if (policy.ignoredExitCodes.includes(input.exitCode)) return no(`exit code ${input.exitCode} is in ignoredExitCodes`);
  const since = input.lastRestartAt ?? input.startedAt;
  if (since === undefined) return no("the container never ran");
  // Worked example: period 60 s, restarted at t=1000 s, exits at t=1059 s: 59 s < 60 s, so the
  // exit stands; had it exited at t=1060 s it would be restarted (again).
  const ranMs = input.now - since;
  const periodMs = policy.restartAttemptPeriodSeconds * 1000;
  if (ranMs < periodMs) {
    const what = input.lastRestartAt !== undefined ? "its last restart" : "its start";
    return no(`it ran ${Math.max(0, Math.floor(ranMs / 1000))} s since ${what}, less than restartAttemptPeriod (${policy.restartAttemptPeriodSeconds} s)`);
  }
  return { restart: true };
}

/** The decision's input for container c of a task record, whose run ended with exitCode. */
export function restartInput(rec: TaskRecord, c: ContainerRecord, exitCode: number | null, now: number): RestartInput {
  const definition = rec.task.containers.find((a) => a.name === c.name)?.definition;
  return {
    policy: definition ? restartPolicyOf(definition) : undefined,
    desired: rec.desired,
    exitCode,
    startedAt: c.startedAt,
    lastRestartAt: c.lastRestartAt,
    now,
  };
}

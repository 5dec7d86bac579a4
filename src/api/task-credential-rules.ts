// What the control plane decides about a task's role credentials, pure: whether a task's agent
// needs them now, when a session is renewed, and the reason a task stops with when a role cannot
// be assumed (which roles: model's rolesNeeded, shared with the agent). The vendor
// (task-credentials.ts) does the I/O.

/** ECS's task role sessions last 6 hours. */
export const SESSION_SECONDS = 6 * 60 * 60;

/** The service principal ECS assumes task and execution roles as. */
export const ECS_TASKS_PRINCIPAL = "ecs-tasks.amazonaws.com" as const;

/** After a failed refresh of a running task's credentials, try again this much later (doubling). */
export const REFRESH_RETRY_MS = 30_000;

export interface TaskStatusView {
  lastStatus: string;
  /** What the agent is told to want (a stop held for a drain still says RUNNING). */
  agentDesired: string;
  startedAt?: number;
}

/**
 * Whether a task's agent needs its credentials now: not once it has stopped, and not for a task
 * stopped before it ever ran (nothing of it will start).
 */
export function wantsCredentials(t: TaskStatusView): boolean {
  if (t.lastStatus === "STOPPED") return false;
  return t.agentDesired === "RUNNING" || t.startedAt !== undefined;
}

/**
 * When a session is renewed: at half its life, as ECS does, so a client that caches credentials
 * until shortly before they expire (botocore: 15 minutes) always holds a valid pair.
 * Example: issued at 12:00 for 6 h (expires 18:00) → renewed at 15:00.
 */
export function refreshAt(issuedAt: number, expiration: string): number {
  const expires = Date.parse(expiration);
  return issuedAt + Math.max(0, expires - issuedAt) / 2;
}

/** ECS's reason, as its service events and stopped tasks show it, when a role cannot be assumed. */
export function assumeFailureReason(roleArn: string): string {
  return (
    `ECS was unable to assume the role '${roleArn}' that was provided for this task. Please verify that the role being passed ` +
    "has the proper trust relationship and permissions and that your IAM user has permissions to pass this role."
  );
}

/**
 * IAM's answers that no retry changes: the role is missing or malformed (NoSuchEntity,
 * ValidationError) or does not trust ecs-tasks.amazonaws.com (AccessDenied). Anything else (the
 * store failing) is tried again.
 */
export function isPermanentAssumeFailure(code: string | undefined): boolean {
  return code === "NoSuchEntity" || code === "AccessDenied" || code === "ValidationError" || code === "InvalidInput";
}

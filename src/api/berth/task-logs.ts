// Berth_20261128.GetTaskLogs: a page of a task's container logs, read by the agent that holds
// them and forwarded over its channel, so a client needs the control plane's port only.
//
// Following is long-polling with a token, as CloudWatch Logs' GetLogEvents pages with
// nextForwardToken and SQS waits with WaitTimeSeconds: the request waits up to waitSeconds for
// a line, and nextToken (the per-container cursors) says where the next request starts. It works
// through any HTTP client and SigV4 as every other call, a dropped connection loses nothing
// (ask again with the same token), and neither the control plane nor the agent keeps state per
// reader. A streamed response would save a round trip per batch, but it ties a reader to one
// connection and one control-plane replica, and the AWS JSON protocol has no streaming shape.
import { tasks, type Deps } from "../../domain/index.js";
import { EcsError, type EcsErrorType, invalidParameter, type LogCursor, type LogsRequest } from "../../model/index.js";
import type { AgentChannel } from "../agent-channel.js";
import type { RequestContext } from "../context.js";

export const DEFAULT_LOG_LIMIT = 1000;
/** Time the agent gets beyond the request's own wait before the call gives up on it. */
const ANSWER_MARGIN_MS = 15_000;

export interface GetTaskLogsInput {
  cluster?: string;
  task: string;
  containers?: string[];
  /** Epoch ms (the protocol layer converts from the wire's seconds). */
  startTime?: number;
  tail?: number;
  limit?: number;
  nextToken?: string;
  waitSeconds?: number;
}

export function getTaskLogsHandler(deps: Deps, agents: Pick<AgentChannel, "requestLogs">) {
  return async (ctx: RequestContext, input: GetTaskLogsInput) => {
    const task = tasks.getTask(deps, ctx.scope, input);
    const taskId = task.id;
    const names = task.containers.map((c) => c.name);
    const unknown = (input.containers ?? []).filter((n) => !names.includes(n));
    if (unknown.length) {
      throw invalidParameter(`Invalid parameter 'containers': task ${taskId} has no container ${unknown.map((n) => `'${n}'`).join(", ")}; its containers: ${names.join(", ")}.`);
    }
    const cursors = input.nextToken !== undefined ? decodeToken(input.nextToken) : undefined;
    const instanceArn = task.containerInstanceArn;
    if (!instanceArn) {
      if (task.lastStatus === "STOPPED") throw new EcsError("ResourceNotFoundException", `Task ${taskId} never ran on a container instance, so it has no logs.`);
      return { taskArn: task.taskArn, events: [], nextToken: input.nextToken ?? encodeToken({}), more: false, ended: false, missing: [] };
    }
    const waitMs = (input.waitSeconds ?? 0) * 1000;
    const request: LogsRequest = {
      taskArn: task.taskArn,
      limit: input.limit ?? DEFAULT_LOG_LIMIT,
      ...(input.containers?.length ? { containers: input.containers } : {}),
      ...(input.startTime !== undefined ? { since: input.startTime } : {}),
      // The tail applies to the first page only: a token means the reader is past it.
      ...(input.tail !== undefined && cursors === undefined ? { tail: input.tail } : {}),
      ...(cursors ? { cursors } : {}),
      ...(waitMs > 0 ? { waitMs } : {}),
    };
    const outcome = await agents.requestLogs(instanceArn, request, waitMs + ANSWER_MARGIN_MS);
    // A Fargate task's instance is berth's own and hidden (task-records.ts): not named.
    const where = task.launchType === "FARGATE" ? "the agent running it" : `the agent of container instance ${instanceArn.slice(instanceArn.lastIndexOf("/") + 1)}`;
    if (outcome.kind === "notConnected") {
      throw new EcsError("TargetNotConnectedException", `The logs of task ${taskId} are kept by ${where}, which is not connected to the control plane; they can be read once it reconnects.`);
    }
    if (outcome.kind === "noAnswer") {
      throw new EcsError("TargetNotConnectedException", `${capitalize(where)} did not answer for the logs of task ${taskId} within ${Math.round((waitMs + ANSWER_MARGIN_MS) / 1000)} s.`);
    }
    const { reply } = outcome;
    // Placement names the instance before its agent has the task: until the agent takes it,
    // the agent knows nothing of it, which is "no lines yet", not "gone".
    if (reply.error?.type === "ResourceNotFoundException" && task.lastStatus !== "STOPPED") {
      return { taskArn: task.taskArn, events: [], nextToken: input.nextToken ?? encodeToken({}), more: false, ended: false, missing: [] };
    }
    if (reply.error) throw new EcsError(reply.error.type as EcsErrorType, reply.error.message, reply.error.status);
    const page = reply.page;
    return {
      taskArn: task.taskArn,
      events: page.lines.map((l) => ({ container: l.container, stream: l.stream, timestamp: l.timestamp, message: l.line })),
      nextToken: encodeToken(page.cursors),
      more: page.more,
      ended: page.ended,
      missing: page.missing,
    };
  };
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The cursors as an opaque token (base64url of `{"c":{container:[t,n]}}`). */
export function encodeToken(cursors: Record<string, LogCursor>): string {
  const c = Object.fromEntries(Object.entries(cursors).map(([name, { t, n }]) => [name, [t, n]]));
  return Buffer.from(JSON.stringify({ c })).toString("base64url");
}

export function decodeToken(token: string): Record<string, LogCursor> {
  const bad = () => invalidParameter(`Invalid parameter 'nextToken': '${token.slice(0, 60)}' is not a token GetTaskLogs returned.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw bad();
  }
  const c = (parsed as { c?: unknown } | null)?.c;
  if (typeof c !== "object" || c === null || Array.isArray(c)) throw bad();
  const out: Record<string, LogCursor> = {};
  for (const [name, v] of Object.entries(c)) {
    if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => Number.isInteger(x))) throw bad();
    out[name] = { t: v[0] as number, n: v[1] as number };
  }
  return out;
}

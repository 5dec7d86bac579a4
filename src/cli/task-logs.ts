// Reading a task's container logs through Berth_20261128.GetTaskLogs: the control plane asks
// the agent that keeps them. History comes in pages (the server caps each one); following is a
// long poll with the page's nextToken, until the task's containers have exited.
import type { Task } from "@aws-sdk/client-ecs";
import { JsonCallError } from "../client/index.js";
import type { CliContext } from "./context.js";
import type { FailedLogs } from "./describe-views.js";
import { CliError } from "./errors.js";

/** One line as GetTaskLogs returns it (timestamp in epoch seconds, as on the wire). */
export interface TaskLogEvent {
  container: string;
  stream: "stdout" | "stderr";
  timestamp: number;
  message: string;
}

export interface TaskLogsPage {
  taskArn: string;
  events?: TaskLogEvent[];
  nextToken?: string;
  more?: boolean;
  ended?: boolean;
  missing?: { container: string; reason: string }[];
}

export interface LogQuery {
  /** Containers to read (all when absent). */
  containers?: string[];
  /** Epoch ms. */
  since?: number;
  /** The last N lines of each container, before following. */
  tail?: number;
  follow: boolean;
}

/** How long one follow request waits on the server for a new line (GetTaskLogs allows 20). */
export const FOLLOW_WAIT_SECONDS = 20;

/** Pages of one task's logs: the history, then (following) new lines until its containers end. */
export async function* taskLogPages(ctx: CliContext, taskArn: string, q: LogQuery): AsyncGenerator<TaskLogsPage> {
  let nextToken: string | undefined;
  let wait = false;
  for (;;) {
    const page = await ctx.berth<TaskLogsPage>("GetTaskLogs", {
      cluster: ctx.cluster,
      task: taskArn,
      ...(q.containers ? { containers: q.containers } : {}),
      ...(q.since !== undefined ? { startTime: q.since / 1000 } : {}),
      ...(q.tail !== undefined && nextToken === undefined ? { tail: q.tail } : {}),
      ...(nextToken !== undefined ? { nextToken } : {}),
      ...(wait ? { waitSeconds: FOLLOW_WAIT_SECONDS } : {}),
    });
    yield page;
    nextToken = page.nextToken;
    if (page.more) {
      wait = false;
      continue;
    }
    if (!q.follow || page.ended) return;
    wait = true;
  }
}

/** Every line of a task's logs that the query selects (no following). */
export async function allTaskLogs(ctx: CliContext, taskArn: string, q: Omit<LogQuery, "follow">): Promise<{ events: TaskLogEvent[]; missing: { container: string; reason: string }[] }> {
  const events: TaskLogEvent[] = [];
  const missing: { container: string; reason: string }[] = [];
  for await (const page of taskLogPages(ctx, taskArn, { ...q, follow: false })) {
    events.push(...(page.events ?? []));
    if (!missing.length) missing.push(...(page.missing ?? []));
  }
  return { events, missing };
}

/** A line as printed: `[prefix] ` when several sources share the output, the time with --timestamps. */
export function formatLogLine(e: TaskLogEvent, prefix: string | undefined, timestamps: boolean): string {
  const time = timestamps ? `${new Date(Math.round(e.timestamp * 1000)).toISOString()} ` : "";
  return `${prefix ? `[${prefix}] ` : ""}${time}${e.message}`;
}

/** How many lines `describe task` shows of each failed container. */
export const DESCRIBE_TAIL_LINES = 10;

/** Containers that failed: a non-zero exit, or any exit once the task stopped. */
export function failedContainers(t: Task): { name: string; exitCode?: number }[] {
  const stopped = t.lastStatus === "STOPPED";
  return (t.containers ?? [])
    .filter((c) => c.exitCode !== undefined && c.exitCode !== null && (c.exitCode !== 0 || stopped))
    .map((c) => ({ name: c.name ?? "", exitCode: c.exitCode! }));
}

/** The last lines of each failed container, or why they cannot be read; undefined when none failed. */
export async function failedContainerLogs(ctx: CliContext, t: Task, lines = DESCRIBE_TAIL_LINES): Promise<FailedLogs | undefined> {
  const failed = failedContainers(t);
  if (failed.length === 0 || !t.taskArn) return undefined;
  try {
    const { events } = await allTaskLogs(ctx, t.taskArn, { containers: failed.map((c) => c.name), tail: lines });
    return { containers: failed.map((c) => ({ ...c, lines: events.filter((e) => e.container === c.name).map((e) => e.message) })) };
  } catch (err) {
    // describe still shows the task: the logs are an extra, and the reason they are missing is news.
    if (err instanceof JsonCallError || err instanceof CliError) return { containers: [], note: err.message };
    throw err;
  }
}

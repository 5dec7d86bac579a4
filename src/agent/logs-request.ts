// The agent's answer to a LogsRequest from the control plane (`berth logs`, `describe task`):
// one page of a task's container logs after the reader's cursors. The agent keeps no state per
// reader; following is the reader asking again with waitMs, and the page says when the log
// has ended. Errors come back as the API errors the control plane passes on.
import type { LogsPage, LogsReply, LogsRequest } from "../model/index.js";
import type { RuntimeDriver, Timers } from "../runtime/index.js";
import { readContainerLog, type LogTarget, waitForLine } from "./log-reader.js";
import { type ContainerSelection, mergePage } from "./log-select.js";
import { taskIdOf } from "./container-spec.js";
import type { ContainerRecord, TaskRecord } from "./task-record.js";

/** A page stays well under the channel's 1 MiB message limit. */
export const MAX_PAGE_BYTES = 512 * 1024;
/** The most a LogsRequest may wait for a line; the control plane asks for less. */
export const MAX_LOGS_WAIT_MS = 30_000;
const NOTHING_TO_FOLLOW_MS = 1_000;

export interface LogsSource {
  /** The agent's record of a task, while it still has one (until cleanupWaitMs after it stopped). */
  task(taskArn: string): Readonly<TaskRecord> | undefined;
  driver: RuntimeDriver;
  timers: Timers;
  /** How long a stopped task's containers (and logs) are kept: for the message when they are gone. */
  cleanupWaitMs: number;
}

export async function serveLogs(src: LogsSource, req: LogsRequest): Promise<LogsReply> {
  const rec = src.task(req.taskArn);
  if (!rec) {
    return error(
      "ResourceNotFoundException",
      `The logs of task ${taskIdOf(req.taskArn)} are gone: its agent removes a stopped task's containers and their logs ${duration(src.cleanupWaitMs)} after it stops.`,
    );
  }
  const names = req.containers ?? rec.containers.map((c) => c.name);
  const unknown = names.filter((n) => !rec.containers.some((c) => c.name === n));
  if (unknown.length) {
    return error("InvalidParameterException", `Invalid parameter 'containers': task ${taskIdOf(req.taskArn)} has no container ${unknown.map((n) => `'${n}'`).join(", ")}; its containers: ${rec.containers.map((c) => c.name).join(", ")}.`);
  }
  const chosen = names.map((n) => rec.containers.find((c) => c.name === n) as ContainerRecord);
  let page = await readPage(src, rec, chosen, req);
  if (page.lines.length === 0 && !page.ended && req.waitMs) {
    const targets = chosen.flatMap((c) => (c.runtimeId ? [targetOf(c, req, page)] : []));
    const waitMs = Math.min(req.waitMs, MAX_LOGS_WAIT_MS);
    // No container exists yet to follow: wait a little, so a follower does not spin.
    if (targets.length === 0) await new Promise<void>((resolve) => src.timers.setTimeout(resolve, Math.min(waitMs, NOTHING_TO_FOLLOW_MS)));
    else await waitForLine(src.driver, targets, waitMs, src.timers);
    page = await readPage(src, rec, chosen, { ...req, cursors: page.cursors, tail: undefined });
  }
  return { page };
}

function targetOf(c: ContainerRecord, req: LogsRequest, page?: LogsPage): LogTarget {
  const cursor = page ? page.cursors[c.name] : req.cursors?.[c.name];
  return { runtimeId: c.runtimeId as string, ...(cursor ? { cursor } : {}), ...(req.since !== undefined ? { since: req.since } : {}) };
}

async function readPage(src: LogsSource, rec: Readonly<TaskRecord>, chosen: readonly ContainerRecord[], req: LogsRequest): Promise<LogsPage> {
  // Judged before reading: a container that had exited has its last line recorded by now
  // (the runtime records the rest of its output before it reports the exit).
  const ended = chosen.every((c) => c.known === "STOPPED");
  const missing: LogsPage["missing"] = [];
  const selections: { container: string; selection: ContainerSelection }[] = [];
  for (const c of chosen) {
    if (!c.runtimeId) {
      if (c.known === "STOPPED") missing.push({ container: c.name, reason: `it never ran${c.reason ? ` (${c.reason})` : ""}` });
      continue;
    }
    try {
      selections.push({ container: c.name, selection: await readContainerLog(src.driver, targetOf(c, req), req.tail) });
    } catch (err) {
      if ((err as Error).name !== "ContainerNotFoundError") throw err;
      missing.push({ container: c.name, reason: "its log is gone: the runtime no longer has the container" });
    }
  }
  const merged = mergePage(selections, { limit: req.limit, maxBytes: MAX_PAGE_BYTES });
  return {
    lines: merged.lines.map((l) => ({ container: l.container, stream: l.stream, timestamp: l.timestamp, line: l.line })),
    cursors: { ...req.cursors, ...merged.cursors },
    more: merged.more,
    ended: ended && !merged.more,
    missing,
  };
}

function error(type: string, message: string): LogsReply {
  return { error: { type, message, status: 400 } };
}

/** 10800000 → "3 h", 90000 → "90 s", 200 → "200 ms". */
function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}

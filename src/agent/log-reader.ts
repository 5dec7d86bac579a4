// Reading one container's log after a cursor, through the runtime driver (docker's json-file
// logs, the process runtime's log.jsonl): the I/O half of log-select.ts. `berth logs` pages
// through it; the CloudWatch Logs shipper is meant to call the same two functions with cursors
// of its own (read a batch after its cursor, put it, keep the new cursor; wait when caught up).
import type { LogCursor } from "../model/index.js";
import type { LogLine, RuntimeDriver, Timers } from "../runtime/index.js";
import { type ContainerSelection, isAfter, selectContainer } from "./log-select.js";

export interface LogTarget {
  runtimeId: string;
  cursor?: LogCursor;
  /** Epoch ms: only lines recorded at or after. */
  since?: number;
}

/** Where to start reading: never before the cursor's timestamp (a timestamp boundary, see log-select.ts). */
function readFrom(target: LogTarget): number | undefined {
  const from = Math.max(target.since ?? -Infinity, target.cursor?.t ?? -Infinity);
  return Number.isFinite(from) ? from : undefined;
}

/** The lines of a container past its cursor (or its last `tail` lines when it has none). Throws ContainerNotFoundError. */
export async function readContainerLog(driver: RuntimeDriver, target: LogTarget, tail?: number): Promise<ContainerSelection> {
  const since = readFrom(target);
  const read: LogLine[] = [];
  for await (const line of driver.logs(target.runtimeId, since !== undefined ? { since } : {})) read.push(line);
  return selectContainer(read, target.cursor, tail);
}

/**
 * Resolves once one of the containers records a line past its cursor, once every one of them
 * has exited (their logs are complete), after waitMs, or when the signal aborts — whichever
 * comes first. It follows the runtime's own log stream, so nothing polls.
 */
export async function waitForLine(driver: RuntimeDriver, targets: readonly LogTarget[], waitMs: number, timers: Timers, signal?: AbortSignal): Promise<void> {
  if (targets.length === 0 || waitMs <= 0 || signal?.aborted) return;
  const stop = new AbortController();
  const timer = timers.setTimeout(() => stop.abort(), waitMs);
  const onAbort = () => stop.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  const watch = async (target: LogTarget) => {
    const since = readFrom(target);
    let t = Number.NaN;
    let n = 0;
    try {
      for await (const l of driver.logs(target.runtimeId, { follow: true, signal: stop.signal, ...(since !== undefined ? { since } : {}) })) {
        if (l.timestamp === t) n++;
        else [t, n] = [l.timestamp, 1];
        if (isAfter({ t, n }, target.cursor)) {
          stop.abort();
          return;
        }
      }
    } catch {
      // The container is gone: there is nothing to wait for; the next read says so.
    }
  };
  try {
    await Promise.all(targets.map(watch));
  } finally {
    timers.clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
    stop.abort();
  }
}

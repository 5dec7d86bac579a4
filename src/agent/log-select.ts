// Which log lines a page holds: pure. A reader (`berth logs`, and later the CloudWatch Logs
// shipper) keeps a cursor per container — the timestamp of the last line it consumed and how
// many lines with that timestamp it consumed — so the agent keeps nothing per reader and a
// reader resumes after a reconnect, an agent restart or a control-plane failover.
//
// A read from the runtime always starts at a timestamp boundary (the start of the log, or the
// first line at or after `since`), so counting lines per timestamp from the start of a read
// gives every line its true position. Lines are recorded in time order (the agent stamps them
// as it sees them), which is what makes (timestamp, count) a position at all.
import type { LogCursor } from "../model/index.js";
import type { LogLine } from "../runtime/index.js";

/** A line and its position: the cursor that points just past it. */
export interface PositionedLine extends LogLine {
  at: LogCursor;
}

/** Numbers lines by timestamp: the n-th line stamped t gets position (t, n). */
export function positioned(lines: readonly LogLine[]): PositionedLine[] {
  let t = Number.NaN;
  let n = 0;
  return lines.map((l) => {
    if (l.timestamp === t) n++;
    else {
      t = l.timestamp;
      n = 1;
    }
    return { ...l, at: { t, n } };
  });
}

/** a after b: later timestamp, or the same timestamp further on. */
export function isAfter(a: LogCursor, b: LogCursor | undefined): boolean {
  return b === undefined || a.t > b.t || (a.t === b.t && a.n > b.n);
}

export interface ContainerSelection {
  /** Where the reader stands once the lines before `pending` are consumed (skipped by --tail). */
  base: LogCursor | undefined;
  /** The lines to deliver, oldest first. */
  pending: PositionedLine[];
}

/**
 * The lines of one container's read that come after its cursor. With no cursor yet, `tail`
 * keeps the last N and consumes the rest (tail 0: nothing now, only what comes later).
 * Worked example: lines a,b,c all stamped 5, tail 2 → pending b (5,2), c (5,3), base (5,1):
 * a page that delivers nothing still moves the reader past a.
 */
export function selectContainer(read: readonly LogLine[], cursor: LogCursor | undefined, tail: number | undefined): ContainerSelection {
  const after = positioned(read).filter((l) => isAfter(l.at, cursor));
  if (cursor !== undefined || tail === undefined || after.length <= tail) return { base: cursor, pending: after };
  const cut = after.length - tail;
  return { base: after[cut - 1]!.at, pending: after.slice(cut) };
}

export interface PageBounds {
  /** At most this many lines. */
  limit: number;
  /** At most about this many bytes of line text (the first line always goes, whatever its size). */
  maxBytes: number;
}

export interface MergedPage {
  lines: (PositionedLine & { container: string })[];
  cursors: Record<string, LogCursor>;
  /** Some pending lines did not fit. */
  more: boolean;
}

/**
 * Merges the containers' pending lines by time (ties keep the containers' order) and takes what
 * fits the bounds; each container's cursor moves past the lines it got, or stays at its base.
 */
export function mergePage(selections: readonly { container: string; selection: ContainerSelection }[], bounds: PageBounds): MergedPage {
  const all = selections.flatMap(({ container, selection }, order) => selection.pending.map((l, i) => ({ ...l, container, order, i })));
  all.sort((a, b) => a.timestamp - b.timestamp || a.order - b.order || a.i - b.i);
  const taken: typeof all = [];
  let bytes = 0;
  for (const l of all) {
    if (taken.length >= bounds.limit) break;
    const size = Buffer.byteLength(l.line) + 64;
    if (taken.length > 0 && bytes + size > bounds.maxBytes) break;
    bytes += size;
    taken.push(l);
  }
  const cursors: Record<string, LogCursor> = {};
  for (const { container, selection } of selections) if (selection.base) cursors[container] = selection.base;
  for (const l of taken) cursors[l.container] = l.at;
  return {
    lines: taken.map(({ order: _o, i: _i, ...l }) => l),
    cursors,
    more: taken.length < all.length,
  };
}

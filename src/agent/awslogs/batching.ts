// How the awslogs driver groups log events into PutLogEvents calls: pure. The numbers are
// CloudWatch Logs' PutLogEvents limits, which Docker's awslogs driver (moby
// daemon/logger/awslogs) also uses: at most 10,000 events and 1,048,576 bytes a call, where
// each event counts its UTF-8 message plus 26 bytes; an event's message at most 256 KiB less
// those 26 bytes; a batch goes out when full or on a 1-second tick. Events in a call are in
// timestamp order (the agent stamps lines as it reads them, so sorting only guards restarts).

export const MAX_EVENTS_PER_PUT = 10_000;
export const MAX_BYTES_PER_PUT = 1_048_576;
export const PER_EVENT_BYTES = 26;
export const MAX_EVENT_BYTES = 262_144 - PER_EVENT_BYTES;
/**
 * Docker's driver publishes every 5 s; berth every second, so that a line reaches a follower
 * (`aws logs tail --follow` polls) within the 5 s users expect — calls are local and cheap here.
 */
export const FLUSH_INTERVAL_MS = 1_000;
/** max-buffer-size's default in non-blocking mode, as Docker's ("1m", binary). */
export const DEFAULT_MAX_BUFFER_BYTES = 1_048_576;

/** A position in a container's local log (log-select.ts): where the reader stands after a line. */
export interface LogPosition {
  t: number;
  n: number;
}

export interface LogEvent {
  timestamp: number;
  message: string;
  /** The local-log position of the event's last line: the shipper's cursor once it is stored. */
  through?: LogPosition;
}

/** What an event costs against the batch size limit. */
export function eventBytes(e: Pick<LogEvent, "message">): number {
  return Buffer.byteLength(e.message, "utf8") + PER_EVENT_BYTES;
}

/**
 * A message longer than one event may be, cut into events of at most MAX_EVENT_BYTES bytes
 * each, on UTF-8 character boundaries (Docker cuts the same way: no character is split).
 */
export function splitEvent(e: LogEvent): LogEvent[] {
  const buf = Buffer.from(e.message, "utf8");
  if (buf.length <= MAX_EVENT_BYTES) return [e];
  const out: LogEvent[] = [];
  let start = 0;
  while (start < buf.length) {
    let end = Math.min(start + MAX_EVENT_BYTES, buf.length);
    // Back off continuation bytes (10xxxxxx) so the cut falls between characters.
    while (end < buf.length && end > start && (buf[end]! & 0xc0) === 0x80) end--;
    out.push({ timestamp: e.timestamp, message: buf.subarray(start, end).toString("utf8") });
    start = end;
  }
  // Only the last piece completes the line: the cursor moves past it once that piece is stored.
  if (e.through) out[out.length - 1]!.through = e.through;
  return out;
}

/**
 * Events waiting to be sent, oldest first. In non-blocking mode the queue holds at most
 * maxBytes (message bytes plus the per-event overhead) and drops the oldest to make room, as
 * Docker's ring buffer does; `dropped` counts them until the shipper reports and resets it.
 */
export class EventQueue {
  #events: LogEvent[] = [];
  #bytes = 0;
  dropped = 0;

  constructor(readonly maxBytes = Infinity) {}

  get length(): number {
    return this.#events.length;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Adds an event (split when too long); returns how many old events were dropped for room. */
  push(e: LogEvent): number {
    let dropped = 0;
    for (const piece of splitEvent(e)) {
      this.#events.push(piece);
      this.#bytes += eventBytes(piece);
      dropped += this.#trim();
    }
    return dropped;
  }

  /** A batch that could not be sent goes back to the front (non-blocking mode keeps reading meanwhile). */
  unshift(batch: readonly LogEvent[]): number {
    this.#events.unshift(...batch);
    for (const e of batch) this.#bytes += eventBytes(e);
    return this.#trim();
  }

  /** A batch is full: send it now rather than at the tick. */
  get full(): boolean {
    return this.#events.length >= MAX_EVENTS_PER_PUT || this.#bytes >= MAX_BYTES_PER_PUT;
  }

  /** The next PutLogEvents batch: oldest first, within the count and size limits, sorted. */
  take(): LogEvent[] {
    let bytes = 0;
    let n = 0;
    while (n < this.#events.length && n < MAX_EVENTS_PER_PUT) {
      const size = eventBytes(this.#events[n]!);
      if (bytes + size > MAX_BYTES_PER_PUT) break;
      bytes += size;
      n++;
    }
    const batch = this.#events.splice(0, n);
    this.#bytes -= bytes;
    return sortEvents(batch);
  }

  #trim(): number {
    let dropped = 0;
    while (this.#bytes > this.maxBytes && this.#events.length > 1) {
      this.#bytes -= eventBytes(this.#events.shift()!);
      dropped++;
    }
    this.dropped += dropped;
    return dropped;
  }
}

/** Stable sort by timestamp: lines stamped alike keep the order they were written in. */
export function sortEvents(events: LogEvent[]): LogEvent[] {
  return events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.timestamp - b.e.timestamp || a.i - b.i)
    .map((x) => x.e);
}

/** A batch is due: it is full, or the tick came and something waits. */
export function flushDue(queue: Pick<EventQueue, "length" | "full">, now: number, lastFlushAt: number): boolean {
  return queue.full || (queue.length > 0 && now - lastFlushAt >= FLUSH_INTERVAL_MS);
}

/**
 * Joins lines into events with awslogs-multiline-pattern or awslogs-datetime-format: a line
 * that matches starts a new event; the lines after it, up to the next match, belong to it.
 * Lines before the first match are events of their own (there is nothing to join them to).
 * Without a pattern every line is an event. An event still open is sent when the next match
 * comes, when it has been left idle for a flush interval, or when the log ends.
 */
export class LineJoiner {
  #open: { timestamp: number; lines: string[]; through?: LogPosition; lastAt: number } | undefined;

  constructor(readonly pattern?: RegExp) {}

  push(line: { timestamp: number; line: string; at?: LogPosition }): LogEvent[] {
    const at = line.at ? { through: line.at } : {};
    if (!this.pattern) return [{ timestamp: line.timestamp, message: line.line, ...at }];
    if (this.pattern.test(line.line)) {
      const done = this.flush();
      this.#open = { timestamp: line.timestamp, lines: [line.line], lastAt: line.timestamp, ...at };
      return done;
    }
    if (!this.#open) return [{ timestamp: line.timestamp, message: line.line, ...at }];
    this.#open.lines.push(line.line);
    this.#open.lastAt = line.timestamp;
    if (line.at) this.#open.through = line.at;
    return [];
  }

  /** The open event, if it has waited a flush interval since its last line. */
  flushIdle(now: number): LogEvent[] {
    return this.#open && now - this.#open.lastAt >= FLUSH_INTERVAL_MS ? this.flush() : [];
  }

  flush(): LogEvent[] {
    const o = this.#open;
    this.#open = undefined;
    return o ? [{ timestamp: o.timestamp, message: o.lines.join("\n"), ...(o.through ? { through: o.through } : {}) }] : [];
  }
}

/** strftime directives Docker's awslogs driver understands in awslogs-datetime-format, as regular expressions. */
const DATETIME_DIRECTIVES: Record<string, string> = {
  a: "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)",
  A: "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)",
  b: "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)",
  B: "(?:January|February|March|April|May|June|July|August|September|October|November|December)",
  d: "(?:0[1-9]|[12][0-9]|3[01])",
  e: "(?: [1-9]|[12][0-9]|3[01])",
  H: "(?:[01][0-9]|2[0-3])",
  I: "(?:0[0-9]|1[0-2])",
  j: "(?:00[1-9]|0[1-9][0-9]|[12][0-9][0-9]|3[0-5][0-9]|36[0-6])",
  L: "\\.\\d{3}",
  m: "(?:0[1-9]|1[0-2])",
  M: "[0-5][0-9]",
  p: "[AP]M",
  S: "[0-5][0-9]",
  y: "\\d{2}",
  Y: "\\d{4}",
  z: "[+-]\\d{4}",
  Z: "[A-Z]{1,4}T",
  f: "\\d{1,9}",
  "%": "%",
};

/**
 * awslogs-datetime-format as the pattern that starts an event: anchored at the line's start, as
 * Docker's driver anchors it. An unknown directive is refused (the caller names the option).
 */
export function datetimePattern(format: string): RegExp {
  let out = "^";
  for (let i = 0; i < format.length; i++) {
    const ch = format[i]!;
    if (ch !== "%") {
      out += ch.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
      continue;
    }
    const d = format[++i];
    const re = d === undefined ? undefined : DATETIME_DIRECTIVES[d];
    if (re === undefined) throw new Error(`unknown directive %${d ?? ""}`);
    out += re;
  }
  return new RegExp(out);
}

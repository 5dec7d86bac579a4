// Logs of a process-runtime container. The container writes straight into two files
// (stdout.log, stderr.log) that the agent never holds open: a pipe to the agent would break
// (SIGPIPE) when the agent restarts, a file does not. While the agent runs, it tails both
// files and records each complete line with the time it first saw it into log.jsonl, like
// Docker's json-file driver; logs() reads that record. Lines written while no agent ran are
// stamped with the time the next agent recorded them. Offsets are saved after each append, so
// a crash between the two can repeat one batch, never lose one.
import { appendFile, open, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { LineQueue } from "./line-queue.js";
import type { LogLine, LogOptions } from "./types.js";

/** Docker splits longer lines into pieces of this size. */
const MAX_LINE_BYTES = 16 * 1024;
/** At most this much is read per stream per pump, so a flood can't stall the agent. */
const MAX_READ_BYTES = 1024 * 1024;

type Stream = "stdout" | "stderr";
const STREAMS: Stream[] = ["stdout", "stderr"];

export function logFiles(dir: string) {
  return {
    stdout: join(dir, "stdout.log"),
    stderr: join(dir, "stderr.log"),
    records: join(dir, "log.jsonl"),
    offsets: join(dir, "log-offsets.json"),
  };
}

export class LogRecorder {
  readonly files: ReturnType<typeof logFiles>;
  #offsets: Record<Stream, number> | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #followers = new Set<LineQueue>();
  #finished = false;

  constructor(
    dir: string,
    private readonly now: () => number,
  ) {
    this.files = logFiles(dir);
  }

  get finished(): boolean {
    return this.#finished;
  }

  /** Records what the container wrote since the last pump. */
  pump(): Promise<void> {
    return this.#enqueue(() => this.#pumpNow(false));
  }

  /** The final pump after the container exited: a last line without newline counts too. */
  finish(): Promise<void> {
    return this.#enqueue(async () => {
      if (this.#finished) return;
      await this.#pumpNow(true);
      this.#finished = true;
      for (const f of this.#followers) f.end();
      this.#followers.clear();
    });
  }

  /** The container runs again (a restart): record its output as before. */
  reopen(): void {
    this.#finished = false;
  }

  async *read(options: LogOptions = {}): AsyncGenerator<LogLine> {
    const { history, follower } = await this.#enqueue(async () => {
      if (!this.#finished) await this.#pumpNow(false);
      const text = await readFile(this.files.records, "utf8").catch(() => "");
      let follower: LineQueue | undefined;
      if (options.follow && !this.#finished) {
        follower = new LineQueue();
        this.#followers.add(follower);
      }
      return { history: parseRecords(text), follower };
    });
    const since = options.since ?? -Infinity;
    try {
      for (const line of history) {
        if (options.signal?.aborted) return;
        if (line.timestamp >= since) yield line;
      }
      if (follower) {
        for await (const line of follower.drain(options.signal)) if (line.timestamp >= since) yield line;
      }
    } finally {
      if (follower) this.#followers.delete(follower);
    }
  }

  #enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #loadOffsets(): Promise<Record<Stream, number>> {
    if (!this.#offsets) {
      try {
        const saved = JSON.parse(await readFile(this.files.offsets, "utf8")) as Record<Stream, number>;
        this.#offsets = { stdout: saved.stdout ?? 0, stderr: saved.stderr ?? 0 };
      } catch {
        this.#offsets = { stdout: 0, stderr: 0 };
      }
    }
    return this.#offsets;
  }

  async #pumpNow(final: boolean): Promise<void> {
    const offsets = await this.#loadOffsets();
    const at = this.now();
    const fresh: LogLine[] = [];
    for (const stream of STREAMS) {
      for (;;) {
        const { lines, consumed, more } = await readLines(this.files[stream], offsets[stream], final);
        offsets[stream] += consumed;
        for (const line of lines) fresh.push({ stream, timestamp: at, line });
        if (!more) break;
      }
    }
    if (fresh.length === 0) return;
    const text = fresh.map((l) => JSON.stringify({ t: l.timestamp, s: l.stream, l: l.line })).join("\n") + "\n";
    await appendFile(this.files.records, text);
    await writeFile(this.files.offsets, JSON.stringify(offsets));
    for (const f of this.#followers) f.push(fresh);
  }
}

async function readLines(
  path: string,
  offset: number,
  final: boolean,
): Promise<{ lines: string[]; consumed: number; more: boolean }> {
  const handle = await open(path, "r").catch(() => undefined);
  if (!handle) return { lines: [], consumed: 0, more: false };
  try {
    const { size } = await handle.stat();
    const length = Math.min(size - offset, MAX_READ_BYTES);
    if (length <= 0) return { lines: [], consumed: 0, more: false };
    const buf = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buf, 0, length, offset);
    const data = buf.subarray(0, bytesRead);
    const more = offset + bytesRead < size;
    const lines: string[] = [];
    let start = 0;
    while (start < data.length) {
      const nl = data.indexOf(0x0a, start);
      if (nl >= 0 && nl - start <= MAX_LINE_BYTES) {
        lines.push(data.subarray(start, nl).toString("utf8"));
        start = nl + 1;
        continue;
      }
      const available = (nl >= 0 ? nl : data.length) - start;
      if (available >= MAX_LINE_BYTES) {
        lines.push(data.subarray(start, start + MAX_LINE_BYTES).toString("utf8"));
        start += MAX_LINE_BYTES;
        continue;
      }
      // An unterminated tail waits for its newline, unless the container has exited.
      if (final && !more) {
        lines.push(data.subarray(start).toString("utf8"));
        start = data.length;
      }
      break;
    }
    return { lines, consumed: start, more: more && start > 0 };
  } finally {
    await handle.close();
  }
}

function parseRecords(text: string): LogLine[] {
  const out: LogLine[] = [];
  for (const row of text.split("\n")) {
    if (!row) continue;
    try {
      const r = JSON.parse(row) as { t: number; s: Stream; l: string };
      out.push({ stream: r.s, timestamp: r.t, line: r.l });
    } catch {
      // A row cut short by a crash mid-append: skip it.
    }
  }
  return out;
}

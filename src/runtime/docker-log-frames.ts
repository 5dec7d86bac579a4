// Docker's log stream for a container without a TTY, pure: frames of an 8-byte header
// (stream: 1 stdout, 2 stderr; three zero bytes; payload size, big-endian) and a payload. With
// timestamps=true each line of a payload starts with an RFC 3339 nanosecond time and a space.
// Frames may arrive split across chunks, and a line across frames (Docker cuts at 16 KiB).
import type { LogLine } from "./types.js";

const HEADER = 8;

/** "2024-01-02T03:04:05.123456789Z" → epoch ms (Date.parse wants at most milliseconds). */
export function parseDockerTime(text: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!m) return Number.NaN;
  const ms = (m[2] ?? "").padEnd(3, "0").slice(0, 3);
  return Date.parse(`${m[1]}.${ms}${m[3]}`);
}

/** Docker's `since`: seconds with a nine-digit nanosecond fraction. */
export function dockerSince(epochMs: number): string {
  const seconds = Math.floor(epochMs / 1000);
  const nanos = Math.round((epochMs - seconds * 1000) * 1_000_000);
  return `${seconds}.${String(nanos).padStart(9, "0")}`;
}

export class DockerLogDemuxer {
  #pending: Buffer = Buffer.alloc(0);
  #partial: Record<"stdout" | "stderr", Buffer> = { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) };

  /** Feeds a chunk; returns the complete lines it finished. */
  push(chunk: Buffer): LogLine[] {
    this.#pending = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    const out: LogLine[] = [];
    while (this.#pending.length >= HEADER) {
      const size = this.#pending.readUInt32BE(4);
      if (this.#pending.length < HEADER + size) break;
      const type = this.#pending[0];
      const payload = this.#pending.subarray(HEADER, HEADER + size);
      this.#pending = this.#pending.subarray(HEADER + size);
      if (type !== 1 && type !== 2) continue;
      const stream = type === 1 ? "stdout" : "stderr";
      let data = Buffer.concat([this.#partial[stream], payload]);
      for (;;) {
        const nl = data.indexOf(0x0a);
        if (nl < 0) break;
        out.push(parseLine(stream, data.subarray(0, nl).toString("utf8")));
        data = data.subarray(nl + 1);
      }
      this.#partial[stream] = Buffer.from(data);
    }
    return out;
  }

  /** The stream ended: unterminated lines count. */
  end(): LogLine[] {
    const out: LogLine[] = [];
    for (const stream of ["stdout", "stderr"] as const) {
      if (this.#partial[stream].length) out.push(parseLine(stream, this.#partial[stream].toString("utf8")));
      this.#partial[stream] = Buffer.alloc(0);
    }
    return out;
  }
}

function parseLine(stream: "stdout" | "stderr", text: string): LogLine {
  const space = text.indexOf(" ");
  const timestamp = space > 0 ? parseDockerTime(text.slice(0, space)) : Number.NaN;
  if (Number.isNaN(timestamp)) return { stream, timestamp: Date.now(), line: text };
  return { stream, timestamp, line: text.slice(space + 1) };
}

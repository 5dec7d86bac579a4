// A log follower's queue: lines pushed by whoever records them, drained by one consumer that
// waits for more until the queue ends (the container exited) or its signal aborts.
import { keepAliveUntil } from "./keep-alive.js";
import type { LogLine } from "./types.js";

/** A follower's queue of lines; next() waits for lines or the end. */
export class LineQueue {
  #lines: LogLine[] = [];
  #wake: (() => void) | undefined;
  #ended = false;

  push(lines: LogLine[]): void {
    this.#lines.push(...lines);
    this.#wake?.();
  }

  end(): void {
    this.#ended = true;
    this.#wake?.();
  }

  async *drain(signal?: AbortSignal): AsyncGenerator<LogLine> {
    const onAbort = () => this.end();
    signal?.addEventListener("abort", onAbort);
    try {
      for (;;) {
        if (this.#lines.length) {
          yield this.#lines.shift() as LogLine;
          continue;
        }
        if (this.#ended || signal?.aborted) return;
        await keepAliveUntil(new Promise<void>((resolve) => (this.#wake = resolve)));
        this.#wake = undefined;
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }
}


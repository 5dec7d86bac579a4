// Live displays: a block of lines redrawn in place on a terminal (get -w, rollout status), and a
// polling loop that ends cleanly on Ctrl-C.
import { visibleWidth } from "./style.js";

export interface Screen {
  isTTY?: boolean;
  columns?: number;
  rows?: number;
  write(s: string): unknown;
}

/** Redraws a block of lines where it was last drawn: cursor up, rewrite, clear what is left. */
export class LiveView {
  #drawn = 0;
  constructor(private readonly screen: Screen) {}

  render(lines: readonly string[]): void {
    const columns = this.screen.columns && this.screen.columns > 0 ? this.screen.columns : 80;
    // A line longer than the terminal wraps onto more rows, and the next redraw must climb them all.
    const rows = lines.reduce((n, l) => n + Math.max(1, Math.ceil(visibleWidth(l) / columns)), 0);
    let out = "";
    if (this.#drawn > 0) {
      const height = this.screen.rows ?? 0;
      // Rows that scrolled off the top cannot be reached with cursor-up: start from a clear screen.
      out += height > 0 && this.#drawn >= height ? "\x1b[H\x1b[2J" : `\x1b[${this.#drawn}A\r`;
    }
    for (const l of lines) out += `\x1b[2K${l}\n`;
    out += "\x1b[J";
    this.screen.write(out);
    this.#drawn = rows;
  }
}

/** An AbortSignal that fires on Ctrl-C (SIGINT) or SIGTERM, for the lifetime of one command. */
export function interruptSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return {
    signal: controller.signal,
    dispose() {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
    },
  };
}

/** Resolves after `ms`, or at once when the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** The poll interval of live commands: --interval, else BERTH_WATCH_INTERVAL_MS, else 1 s. */
export function pollInterval(seconds?: number, env: NodeJS.ProcessEnv = process.env): number {
  if (seconds !== undefined) return seconds * 1000;
  const fromEnv = Number(env.BERTH_WATCH_INTERVAL_MS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 1000;
}

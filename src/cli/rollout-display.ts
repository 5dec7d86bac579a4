// What a person watching a rollout sees while it waits (`rollout status`, `deploy --wait`): on a
// terminal the deployments block and a spinner line with the time waited and the reason, redrawn
// in place several times a second; in a pipe the progress and reason lines when they change and
// a "still waiting" line when nothing has been said for a while. The observation is refreshed at
// each poll; between polls the clock alone moves the countdowns and the spinner.
import type { Service } from "@aws-sdk/client-ecs";
import { writeLines } from "./output.js";
import { progressLine, rolloutLines } from "./rollout-progress.js";
import type { Style } from "./style.js";
import { waitReason, type WaitObservation, type WaitReason } from "./wait-reason.js";
import { pipeLines, spinnerLine, type PipeState } from "./wait-report.js";
import { sleep, type LiveView } from "./watch.js";

/** How often the terminal line is redrawn between polls. */
const TICK_MS = 250;

export interface RolloutDisplayOptions {
  /** Present on a terminal. */
  live?: LiveView;
  columns(): number;
  style: Style;
  startedAt: number;
}

export class RolloutDisplay {
  #pipe: PipeState = {};
  #ticks = 0;
  #shown?: { svc: Service; tracked: string; waiting: boolean; observation?: WaitObservation };

  constructor(private readonly o: RolloutDisplayOptions) {}

  /**
   * A fresh poll: the service, the followed deployment, whether it still waits and what was
   * observed (absent when the observation could not be made: the counts still show).
   */
  show(svc: Service, tracked: string, waiting: boolean, observation: WaitObservation | undefined, now: number): void {
    this.#shown = { svc, tracked, waiting, ...(observation ? { observation } : {}) };
    this.#draw(now);
  }

  /** The reason at `now`, from the last observation. */
  reason(now: number): WaitReason | undefined {
    const obs = this.#shown?.observation;
    return obs ? waitReason({ ...obs, now }) : undefined;
  }

  /** Waits `ms` (or until the signal), redrawing the terminal line as the clock moves. */
  async pause(ms: number, signal: AbortSignal): Promise<void> {
    const end = Date.now() + ms;
    for (;;) {
      const left = end - Date.now();
      if (left <= 0 || signal.aborted) return;
      await sleep(Math.min(TICK_MS, left), signal);
      if (!signal.aborted) this.#draw(Date.now());
    }
  }

  #draw(now: number): void {
    const shown = this.#shown;
    if (!shown) return;
    const reason = this.reason(now);
    if (this.o.live) {
      const lines = rolloutLines(shown.svc, shown.tracked, now, this.o.style);
      if (shown.waiting) lines.push(`  ${spinnerLine(this.#ticks++, now - this.o.startedAt, reason, this.o.columns() - 2, this.o.style)}`);
      this.o.live.render(lines);
      return;
    }
    const progress = progressLine(shown.svc, shown.tracked);
    if (!shown.waiting) {
      if (progress !== this.#pipe.progress) writeLines([progress]);
      this.#pipe = { ...this.#pipe, progress };
      return;
    }
    const next = pipeLines(this.#pipe, progress, reason, now, this.o.startedAt);
    this.#pipe = next.state;
    writeLines(next.lines);
  }
}

// Sends one task's state changes to the control plane, one at a time and in order, retrying
// with backoff until each is acknowledged (ecs-behavior.md §11.3). Level-based: every send
// recomputes the next report from the task's current record (report-plan.ts), so a retry
// never sends stale news and a burst of changes collapses into the reports still needed.
import type { Logger } from "pino";
import type { Timers } from "../runtime/index.js";
import { backoffDelay, REPORT_BACKOFF } from "./backoff.js";
import { nextReport, type Report } from "./report-plan.js";
import type { TaskRecord } from "./task-record.js";

/** A rejection retrying cannot fix (the control plane does not know the task): give up on it. */
export class PermanentReportError extends Error {
  override readonly name = "PermanentReportError";
}

export interface TaskReporterDeps {
  record(): TaskRecord;
  /** True while the record is mid-change; the reporter waits for the next kick. */
  busy(): boolean;
  submit(report: Report, rec: TaskRecord): Promise<void>;
  /** Called once the control plane acknowledged (or permanently refused) the report. */
  acknowledged(report: Report): void;
  timers: Timers;
  rng: () => number;
  log: Logger;
}

export class TaskReporter {
  #sending = false;
  #retry: object | undefined;
  #attempt = 0;
  #closed = false;
  #idle: (() => void)[] = [];

  constructor(private readonly deps: TaskReporterDeps) {}

  /** Something changed: send what is due, unless a send or a retry wait is under way. */
  kick(): void {
    if (this.#closed || this.#sending || this.#retry) return;
    void this.#drain();
  }

  /** Ends a back-off wait early: what is due is sent now. */
  retryNow(): void {
    if (!this.#retry) return;
    this.deps.timers.clearTimeout(this.#retry);
    this.#retry = undefined;
    this.#attempt = 0;
    this.kick();
  }

  /** True when nothing is due and nothing is in flight. */
  get idle(): boolean {
    return !this.#sending && !this.#retry && nextReport(this.deps.record()) === undefined;
  }

  /** Resolves once idle (tests and shutdown). */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  close(): void {
    this.#closed = true;
    if (this.#retry) this.deps.timers.clearTimeout(this.#retry);
    this.#retry = undefined;
  }

  async #drain(): Promise<void> {
    this.#sending = true;
    try {
      for (;;) {
        if (this.#closed || this.deps.busy()) return;
        const rec = this.deps.record();
        const report = nextReport(rec);
        if (!report) break;
        try {
          await this.deps.submit(report, rec);
          this.#attempt = 0;
          this.deps.acknowledged(report);
        } catch (err) {
          if (err instanceof PermanentReportError) {
            this.deps.log.error({ err, report }, "the control plane refused a state change; not retrying it");
            this.deps.acknowledged(report);
            continue;
          }
          const delay = backoffDelay(REPORT_BACKOFF, this.#attempt++, this.deps.rng);
          this.deps.log.warn({ err: (err as Error).message, delayMs: delay, task: rec.task.taskArn }, "state change not acknowledged; retrying");
          this.#retry = this.deps.timers.setTimeout(() => {
            this.#retry = undefined;
            this.kick();
          }, delay);
          return;
        }
      }
    } finally {
      this.#sending = false;
    }
    const waiting = this.#idle;
    this.#idle = [];
    for (const resolve of waiting) resolve();
  }
}

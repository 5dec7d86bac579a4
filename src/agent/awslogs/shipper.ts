// Ships one container's output to a CloudWatch Logs stream. It reads the container's local log
// (the runtime's record: docker's json-file, the process runtime's log.jsonl) after a cursor
// of its own, as `berth logs` does (log-reader.ts), joins lines into events, batches them
// (batching.ts) and sends each batch with PutLogEvents.
//
// Blocking mode: the local log is the buffer. While a batch cannot be sent (the control plane
// is away) the shipper reads nothing more and tries the batch again with backoff, so memory
// stays at one batch and no line is lost; the container itself never waits, its runtime keeps
// recording. Non-blocking mode: reading goes on while sends fail; the queue keeps at most
// max-buffer-size bytes and drops the oldest events beyond, counted and logged.
//
// A batch the API refuses for good (a 4xx other than throttling: permissions taken away after
// the stream was made, say) is dropped and logged, as Docker's driver drops it; the check that
// stops a task is the stream creation before its container starts (awslogs-driver.ts).
import type { Logger } from "pino";
import type { Credentials, EndpointTarget } from "../../client/index.js";
import type { RuntimeDriver, Timers } from "../../runtime/index.js";
import { waitForLine } from "../log-reader.js";
import { isAfter } from "../log-select.js";
import { EventQueue, FLUSH_INTERVAL_MS, flushDue, type LogEvent, LineJoiner, type LogPosition } from "./batching.js";
import { isTransient, putEvents, type LogsCall } from "./cloudwatch-calls.js";
import type { AwslogsConfig } from "./options.js";

/** Lines read from the local log per pass. */
const READ_LINES = 5_000;
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5_000;
/** While an exited container's last batches cannot be sent, try again this often at most. */
const EXITED_POLL_MS = 1_000;

export interface ShipperDeps {
  driver: RuntimeDriver;
  timers: Timers;
  log: Logger;
  endpoint: EndpointTarget;
  /** The credentials to sign with now; undefined while there are none (a put then waits). */
  credentials(): Credentials | undefined;
  /** Called after each stored batch with the new position (cursor-file.ts keeps it). */
  onStored?(at: LogPosition): Promise<void>;
  call?: LogsCall;
}

interface ReadLine {
  timestamp: number;
  line: string;
  at: LogPosition;
}

export interface ShipperStats {
  /** Events PutLogEvents accepted. */
  sent: number;
  /** Events dropped: non-blocking overflow, or batches refused for good. */
  dropped: number;
}

export class ContainerShipper {
  readonly stats: ShipperStats = { sent: 0, dropped: 0 };
  readonly #deps: ShipperDeps;
  readonly #queue: EventQueue;
  readonly #joiner: LineJoiner;
  readonly #stop = new AbortController();
  /** Past the last line read into memory. */
  #read: LogPosition | undefined;
  /** Past the last line whose event PutLogEvents accepted. */
  #stored: LogPosition | undefined;
  #lastFlushAt: number;
  #retryAt = 0;
  #retryDelay = RETRY_FIRST_MS;
  #done: Promise<void> | undefined;
  #running = false;
  /** start() calls: one made while the loop was deciding to end keeps it going. */
  #starts = 0;

  constructor(
    deps: ShipperDeps,
    readonly config: AwslogsConfig,
    readonly stream: string,
    readonly runtimeId: string,
    /** Resume after this position (an agent restart); the start of the log without one. */
    from?: LogPosition,
  ) {
    this.#deps = deps;
    this.#read = from;
    this.#stored = from;
    this.#queue = new EventQueue(config.mode === "non-blocking" ? config.maxBufferBytes : Infinity);
    this.#joiner = new LineJoiner(config.startPattern);
    this.#lastFlushAt = deps.timers.now();
  }

  /** Where the stream is complete up to, in the local log. */
  get stored(): LogPosition | undefined {
    return this.#stored;
  }

  /**
   * Runs until the container has exited and everything it wrote is stored (or the shipper is
   * stopped). Called again when the container starts again (a restart in place): the shipper
   * goes on from where it is.
   */
  start(): Promise<void> {
    this.#starts++;
    if (!this.#running) {
      this.#running = true;
      this.#done = this.#run()
        .catch((err: unknown) => this.#deps.log.error({ err, stream: this.stream }, "awslogs shipper failed"))
        .finally(() => (this.#running = false));
    }
    return this.#done ?? Promise.resolve();
  }

  /** Stops at once (the container is being removed, or the agent closes); what is unsent stays unsent. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#done;
  }

  async #run(): Promise<void> {
    const { timers } = this.#deps;
    while (!this.#stop.signal.aborted) {
      let lines: ReadLine[];
      try {
        lines = await this.#readLines();
      } catch (err) {
        if ((err as Error).name === "ContainerNotFoundError") break;
        throw err;
      }
      for (const l of lines) {
        this.#enqueue(this.#joiner.push({ timestamp: l.timestamp, line: l.line, at: l.at }));
        this.#read = l.at;
        if (this.config.mode === "blocking") while (this.#queue.full && !this.#stop.signal.aborted) await this.#send(true);
      }
      const caughtUp = lines.length < READ_LINES;
      const starts = this.#starts;
      const exited = caughtUp && (await this.#exited());
      this.#enqueue(exited ? this.#joiner.flush() : this.#joiner.flushIdle(timers.now()));
      if (exited || flushDue(this.#queue, timers.now(), this.#lastFlushAt)) {
        this.#lastFlushAt = timers.now();
        while (this.#queue.length > 0 && !this.#stop.signal.aborted) {
          if (!(await this.#send(this.config.mode === "blocking"))) break;
        }
      }
      if (!caughtUp) continue;
      // All of an exited container's output is stored: nothing more comes unless it starts
      // again, and then start() is called first (before the runtime starts it).
      if (exited && this.#queue.length === 0 && starts === this.#starts) return;
      const untilTick = Math.max(50, this.#lastFlushAt + FLUSH_INTERVAL_MS - timers.now(), this.#retryAt - timers.now());
      if (exited) await sleep(timers, Math.min(untilTick, EXITED_POLL_MS), this.#stop.signal);
      else await waitForLine(this.#deps.driver, [{ runtimeId: this.runtimeId, ...(this.#read ? { cursor: this.#read } : {}) }], untilTick, timers, this.#stop.signal);
    }
  }

  #enqueue(events: LogEvent[]): void {
    for (const e of events) {
      const dropped = this.#queue.push(e);
      if (dropped) this.#dropped(dropped, "the non-blocking buffer (max-buffer-size) is full");
    }
  }

  #dropped(n: number, why: string): void {
    this.stats.dropped += n;
    this.#deps.log.warn({ stream: this.stream, dropped: n, droppedTotal: this.stats.dropped }, `awslogs dropped ${n} log event(s): ${why}`);
  }

  /** The next lines after the read cursor, at most READ_LINES, each with its position. */
  async #readLines(): Promise<ReadLine[]> {
    const out: ReadLine[] = [];
    let t = Number.NaN;
    let n = 0;
    const since = this.#read?.t;
    for await (const l of this.#deps.driver.logs(this.runtimeId, since !== undefined ? { since } : {})) {
      if (l.timestamp === t) n++;
      else [t, n] = [l.timestamp, 1];
      const at = { t, n };
      if (!isAfter(at, this.#read)) continue;
      out.push({ timestamp: l.timestamp, line: l.line, at });
      if (out.length >= READ_LINES) break;
    }
    return out;
  }

  async #exited(): Promise<boolean> {
    try {
      return (await this.#deps.driver.inspect(this.runtimeId)).status === "EXITED";
    } catch {
      return true;
    }
  }

  /**
   * Sends one batch. Blocking: tries until it is stored or refused for good (true), or the
   * shipper stops (false). Non-blocking: one try when not backing off; a failed batch goes back
   * to the queue (false), and reading goes on.
   */
  async #send(blocking: boolean): Promise<boolean> {
    const { timers } = this.#deps;
    if (!blocking && timers.now() < this.#retryAt) return false;
    const batch = this.#queue.take();
    if (batch.length === 0) return true;
    for (;;) {
      const credentials = this.#deps.credentials();
      try {
        if (!credentials) throw Object.assign(new Error("no credentials for the task's execution role yet"), { transient: true });
        await putEvents({ endpoint: this.#deps.endpoint, region: this.config.region, credentials }, this.config.group, this.stream, batch, this.#deps.call);
        this.stats.sent += batch.length;
        const last = batch.reduce<LogPosition | undefined>((p, e) => (e.through && isAfter(e.through, p) ? e.through : p), this.#stored);
        if (last && last !== this.#stored) {
          this.#stored = last;
          await this.#deps.onStored?.(last).catch((err: unknown) => this.#deps.log.warn({ err }, "could not save the awslogs position"));
        }
        this.#retryDelay = RETRY_FIRST_MS;
        this.#retryAt = 0;
        return true;
      } catch (err) {
        if (!(err as { transient?: boolean }).transient && !isTransient(err)) {
          this.#dropped(batch.length, `PutLogEvents refused them: ${(err as Error).name}: ${(err as Error).message}`);
          return true;
        }
        this.#deps.log.info({ stream: this.stream, err: (err as Error).message, retryInMs: this.#retryDelay }, "awslogs could not send a batch; trying again");
        this.#retryAt = timers.now() + this.#retryDelay;
        const wait = this.#retryDelay;
        this.#retryDelay = Math.min(this.#retryDelay * 2, RETRY_MAX_MS);
        if (!blocking) {
          const dropped = this.#queue.unshift(batch);
          if (dropped) this.#dropped(dropped, "the non-blocking buffer (max-buffer-size) is full");
          return false;
        }
        await sleep(timers, wait, this.#stop.signal);
        if (this.#stop.signal.aborted) return false;
      }
    }
  }
}

function sleep(timers: Timers, ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      timers.clearTimeout(handle);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const handle = timers.setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

// Fan-out of committed transactions to watchers, shared by store backends that commit in this
// process. Each watcher owns a queue: a late watcher first replays history from the backend in
// chunks, while live batches wait in its queue; then it drains the queue. Both sides meet at the
// revision the watch was opened at, so there is no gap and no duplicate.
import { CompactedError, type Disposable, type WatchBatch, type WatchEvent, type WatchOptions } from "./types.js";

/** Where the hub reads what a late watcher missed. */
export interface WatchHistory {
  /** The latest committed revision. */
  revision(): number;
  /** The highest compacted revision: history at or below it is gone. */
  compacted(): number;
  /**
   * Committed batches with `after < revision <= through`, oldest first, whole transactions
   * only, about `maxEvents` events at most (more when one transaction alone is bigger), and the
   * revision up to which everything was read.
   */
  read(after: number, through: number, maxEvents: number): { batches: WatchBatch[]; readThrough: number };
}

export type BatchListener = (batch: WatchBatch) => void;

/** Events per history read: big enough to be efficient, small enough not to stall the loop. */
const REPLAY_CHUNK = 1000;

export class WatchHub {
  private readonly watchers = new Set<Watcher>();

  constructor(private readonly history: WatchHistory) {}

  watch(prefix: string, options: WatchOptions, onBatch: BatchListener): Disposable {
    if (typeof prefix !== "string") throw new TypeError(`watch prefix must be a string, got ${typeof prefix}`);
    const after = options.afterRevision;
    if (!Number.isSafeInteger(after) || after < 0) {
      throw new RangeError(`watch afterRevision must be an integer >= 0, got ${after}`);
    }
    const watcher = new Watcher(this.history, prefix, options, onBatch, this.history.revision(), (w) =>
      this.watchers.delete(w),
    );
    this.watchers.add(watcher);
    watcher.schedule();
    return { dispose: () => watcher.dispose() };
  }

  /** Hands a just-committed transaction to every watcher; call it right after the commit. */
  publish(batch: WatchBatch): void {
    for (const watcher of this.watchers) watcher.offer(batch);
  }

  /** Disposes every watcher: nothing more is delivered. */
  close(): void {
    for (const watcher of [...this.watchers]) watcher.dispose();
  }
}

class Watcher {
  private queue: WatchBatch[] = [];
  private scheduled = false;
  private disposed = false;
  /** Everything up to here was read from history (or needs none). */
  private cursor: number;
  private lastDelivered: number;

  constructor(
    private readonly history: WatchHistory,
    private readonly prefix: string,
    private readonly options: WatchOptions,
    private readonly onBatch: BatchListener,
    /** The revision the watch was opened at: older batches come from history, newer live. */
    private readonly replayThrough: number,
    private readonly forget: (watcher: Watcher) => void,
  ) {
    this.cursor = options.afterRevision;
    this.lastDelivered = options.afterRevision;
  }

  offer(batch: WatchBatch): void {
    if (this.disposed || batch.revision <= this.options.afterRevision) return;
    const events = this.matching(batch.events);
    if (events.length === 0) {
      if (!this.options.progress) return;
      // Consecutive progress-only batches say the same thing; keep the newest.
      const tail = this.queue[this.queue.length - 1];
      if (tail && tail.events.length === 0) this.queue.pop();
    }
    this.queue.push({ revision: batch.revision, events });
    this.schedule();
  }

  schedule(): void {
    if (this.scheduled || this.disposed) return;
    this.scheduled = true;
    // setImmediate, not a microtask: a watcher that writes on every batch must not starve I/O.
    setImmediate(() => this.drain());
  }

  dispose(): void {
    this.disposed = true;
    this.queue = [];
    this.forget(this);
  }

  private drain(): void {
    this.scheduled = false;
    if (this.disposed) return;
    if (this.cursor < this.replayThrough) {
      if (!this.replayChunk()) return;
      if (this.cursor < this.replayThrough) {
        this.schedule(); // let other work run between chunks
        return;
      }
      if (this.options.progress && this.lastDelivered < this.replayThrough) {
        this.deliver({ revision: this.replayThrough, events: [] });
      }
    }
    while (this.queue.length > 0 && !this.disposed) {
      const batches = this.queue;
      this.queue = []; // batches committed by our own listener land in the new queue
      for (const batch of batches) {
        if (this.disposed) return;
        this.deliver(batch);
      }
    }
  }

  /** Replays one chunk of history; false when the watch failed. */
  private replayChunk(): boolean {
    const history = this.history;
    const compacted = history.compacted();
    if (this.cursor < compacted) {
      this.fail(new CompactedError(this.cursor, compacted));
      return false;
    }
    const { batches, readThrough } = history.read(this.cursor, this.replayThrough, REPLAY_CHUNK);
    for (const batch of batches) {
      const events = this.matching(batch.events);
      if (events.length > 0) this.deliver({ revision: batch.revision, events });
      if (this.disposed) return false;
    }
    this.cursor = readThrough;
    return true;
  }

  private matching(events: WatchEvent[]): WatchEvent[] {
    if (this.prefix === "") return events;
    return events.filter((e) => (e.type === "put" ? e.kv.key : e.key).startsWith(this.prefix));
  }

  private deliver(batch: WatchBatch): void {
    this.lastDelivered = batch.revision;
    try {
      this.onBatch(batch);
    } catch (err) {
      this.report(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private fail(err: Error): void {
    this.dispose();
    this.report(err);
  }

  private report(err: Error): void {
    const onError = this.options.onError;
    if (onError) onError(err);
    // Nobody listens: surface the bug rather than swallow it.
    else queueMicrotask(() => {
      throw err;
    });
  }
}

// Records what a watch delivers, for tests: the batches, the errors, and ways to wait for them.
import type { Store, WatchBatch, WatchOptions } from "./types.js";

export interface Recorder {
  batches: WatchBatch[];
  errors: Error[];
  /** Resolves once `done(batches)` holds; rejects after `timeoutMs`. */
  until(done: (batches: WatchBatch[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Resolves once a batch at `revision` or later has arrived. */
  reach(revision: number): Promise<void>;
  dispose(): void;
}

export function record(store: Store, prefix: string, options: WatchOptions): Recorder {
  const batches: WatchBatch[] = [];
  const errors: Error[] = [];
  let wake = () => {};
  const handle = store.watch(
    prefix,
    {
      ...options,
      onError: (err) => {
        errors.push(err);
        wake();
      },
    },
    (batch) => {
      batches.push(batch);
      wake();
    },
  );
  const until = async (done: (batches: WatchBatch[]) => boolean, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    while (!done(batches)) {
      if (errors.length > 0) throw errors[0];
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`watch ${prefix} timed out with ${batches.length} batches: ${JSON.stringify(batches.slice(-3))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  };
  return {
    batches,
    errors,
    until,
    reach: (revision) => until((b) => (b[b.length - 1]?.revision ?? 0) >= revision),
    dispose: () => handle.dispose(),
  };
}

/** Lets queued watch deliveries run (they are asynchronous). */
export const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 20));

export const keysOf = (batch: WatchBatch) => batch.events.map((e) => (e.type === "put" ? `put ${e.kv.key}` : `delete ${e.key}`));

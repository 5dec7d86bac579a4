// The store is shaped like etcd's v3 KV API, so that SQLite (the embedded default) and etcd
// implement the same contract and callers never know which one they talk to.
//
// - Every committed transaction advances one cluster-wide revision (an integer, starting at 1
//   for the first write; 0 means "nothing written yet").
// - Each key remembers the revision that created it (createRevision), last modified it
//   (modRevision) and how often it was written since creation (version).
// - Compare-and-swap is done on modRevision: modRevision 0 means "the key does not exist".
// - A watch delivers every change after a given revision, in revision order, replaying what
//   the watcher missed, so list-then-watch loses nothing.

export interface KeyValue {
  key: string;
  /** The stored value; berth stores JSON text. */
  value: string;
  createRevision: number;
  modRevision: number;
  /** Number of writes since creation: 1 after the first put. */
  version: number;
}

/** A guard on one key: true when the key's modRevision compares as stated. */
export interface Compare {
  key: string;
  /** Only modRevision is compared, as berth needs nothing else; 0 means "absent". */
  modRevision: number;
  /** Defaults to "==". */
  op?: "==" | "!=" | "<" | ">";
}

export type Op =
  | { kind: "put"; key: string; value: string }
  | { kind: "delete"; key: string }
  /** Deletes every key starting with the prefix. */
  | { kind: "deletePrefix"; prefix: string };

/**
 * Compares are all evaluated first, against the state before the transaction; then either
 * `success` or `failure` is applied, in order, as if one op ran after the other: a later op sees
 * what an earlier one wrote. Everything commits atomically at one new revision, or, when no op
 * changed anything (no ops, or only deletes of absent keys), nothing commits and the revision
 * stays where it was.
 */
export interface TxnRequest {
  compare?: Compare[];
  success: Op[];
  failure?: Op[];
}

export interface TxnResponse {
  /** Whether every compare held (and so `success` was applied). */
  succeeded: boolean;
  /** The store's revision after the transaction (unchanged if nothing was written). */
  revision: number;
}

export interface RangeOptions {
  /** Return at most this many keys (0 or absent: no limit). */
  limit?: number;
  /** Start at this key (inclusive) instead of the prefix itself: for paging. */
  startKey?: string;
}

export interface RangeResponse {
  /** Keys in ascending byte order of their UTF-8 text, which is Unicode code point order. */
  kvs: KeyValue[];
  /** The store revision the read was served at. */
  revision: number;
  /** True when `limit` cut the result short. */
  more: boolean;
}

/** `prevKv` is the key's value just before this change; absent when the key did not exist. */
export type WatchEvent =
  | { type: "put"; kv: KeyValue; prevKv?: KeyValue }
  | { type: "delete"; key: string; modRevision: number; prevKv?: KeyValue };

export interface WatchBatch {
  /** The revision all events in the batch belong to (one transaction). */
  revision: number;
  events: WatchEvent[];
}

export interface Disposable {
  dispose(): void;
}

export interface WatchOptions {
  /**
   * Deliver changes with revision > afterRevision. Changes older than the store's compaction
   * point cannot be replayed: the watch then fails with CompactedError via onError.
   */
  afterRevision: number;
  /**
   * Gets a CompactedError, after which the watch is over, and anything `onBatch` throws, after
   * which it goes on. Without it, such errors are rethrown outside the store (uncaught).
   */
  onError?: (err: Error) => void;
  /**
   * Also deliver batches with no events, for transactions that changed nothing under the
   * prefix (and once when a replay ends), so the watcher learns how far the store has got even
   * when its keys are quiet. A caller that waits for "my write's revision" needs this: the write
   * may have touched no key it watches, or a failed compare-and-swap may return a revision made
   * by someone else's unrelated write. etcd offers the same as progress notifications.
   */
  progress?: boolean;
}

export interface Store {
  get(key: string): Promise<KeyValue | undefined>;
  /** Every key starting with `prefix` (an empty prefix lists everything). */
  range(prefix: string, options?: RangeOptions): Promise<RangeResponse>;
  txn(request: TxnRequest): Promise<TxnResponse>;
  /** Batches arrive in revision order, each exactly once, never concurrently. */
  watch(prefix: string, options: WatchOptions, onBatch: (batch: WatchBatch) => void): Disposable;
  /** The latest committed revision. */
  revision(): Promise<number>;
  /** Forget history up to and including `revision`; watches from before it fail. */
  compact(revision: number): Promise<void>;
  close(): Promise<void>;
}

export class CompactedError extends Error {
  constructor(
    readonly requested: number,
    readonly compactedAt: number,
  ) {
    super(`watch from revision ${requested} is impossible: history is compacted up to ${compactedAt}`);
    this.name = "CompactedError";
  }
}

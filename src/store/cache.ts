// An informer: an in-memory copy of everything under one prefix, fed by list + watch, so that
// the API and the controllers read without touching the store. Values are JSON-parsed once, on
// arrival, and frozen (they are shared by every reader). Reads are synchronous: a map lookup
// for a key, a binary search into one sorted key array for a prefix, one sorted bucket for an
// index value — nothing scans the whole cache.
import { SecondaryIndex, type IndexFunction } from "./cache-index.js";
import { SortedKeys } from "./sorted-keys.js";
import { CompactedError, type Disposable, type KeyValue, type Store, type WatchBatch } from "./types.js";

export type { IndexFunction } from "./cache-index.js";

export interface CacheEntry<T = unknown> {
  readonly key: string;
  readonly value: T;
  /** Pass it as a Compare's modRevision to write only if nobody wrote since this read. */
  readonly modRevision: number;
  readonly createRevision: number;
}

export interface CacheChange {
  type: "put" | "delete";
  key: string;
  /** The new value (put only). */
  value?: unknown;
  /** The value before the change; absent when the key is new. */
  prev?: unknown;
  /** The revision of the change (for a delete found by a relist: the relist's revision). */
  revision: number;
}

export interface CacheOptions {
  /** The cache holds every key starting with this. */
  prefix: string;
  /** Named secondary indexes: each maps a record to the index values it is found under. */
  indexes?: Record<string, IndexFunction>;
  /** Gets failures that do not stop the cache: a listener or index function that threw, a value that is not JSON, a watch error before a relist. Defaults to console.error. */
  onError?: (err: unknown) => void;
  /** Deep-freeze values so a reader cannot corrupt the shared copy (default true). */
  freeze?: boolean;
}

export interface Cache {
  /** Lists the prefix, then watches from the listed revision; resolves once the list is applied. */
  start(): Promise<void>;
  /** The highest store revision the cache reflects. */
  readonly revision: number;
  /** Resolves once the cache reflects `revision`: after a write, wait for its revision to read your own write. */
  waitFor(revision: number): Promise<void>;
  get<T = unknown>(key: string): T | undefined;
  getEntry<T = unknown>(key: string): CacheEntry<T> | undefined;
  /** Values of the keys starting with `prefix`, in ascending key order. */
  list<T = unknown>(prefix: string): T[];
  listEntries<T = unknown>(prefix: string): CacheEntry<T>[];
  /** Values filed under `indexValue` in the index `index`, in ascending key order. */
  byIndex<T = unknown>(index: string, indexValue: string): T[];
  byIndexEntries<T = unknown>(index: string, indexValue: string): CacheEntry<T>[];
  countByIndex(index: string, indexValue: string): number;
  /** The keys filed under an index value, ascending, without their values; do not modify. */
  byIndexKeys(index: string, indexValue: string): readonly string[];
  /**
   * Changes whenever a key is filed under or unfiled from indexValue, never repeating: equal
   * numbers mean the same keys (though their values may be newer).
   */
  indexGeneration(index: string, indexValue: string): number;
  /** Called synchronously for every change, after the whole transaction is applied. */
  subscribe(listener: (change: CacheChange) => void): Disposable;
  /** Stops watching; pending waitFor calls reject. */
  stop(): void;
}

export function createCache(store: Store, options: CacheOptions): Cache {
  return new InformerCache(store, options);
}

interface Waiter {
  revision: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** Retry delays after a failed watch or list: 100 ms doubling up to 5 s. */
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5000;

class InformerCache implements Cache {
  private entries = new Map<string, CacheEntry>();
  private keys = new SortedKeys();
  private readonly indexes = new Map<string, SecondaryIndex>();
  private readonly listeners = new Set<(change: CacheChange) => void>();
  private waiters: Waiter[] = [];
  private rev = 0;
  private state: "new" | "starting" | "running" | "stopped" = "new";
  /** Bumped on every relist and on stop, so callbacks of an older watch are ignored. */
  private generation = 0;
  private watch: Disposable | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelay = RETRY_MIN_MS;
  private readonly prefix: string;
  private readonly freeze: boolean;
  private readonly reportError: (err: unknown) => void;

  constructor(
    private readonly store: Store,
    options: CacheOptions,
  ) {
    this.prefix = options.prefix;
    this.freeze = options.freeze ?? true;
    this.reportError = options.onError ?? ((err) => console.error(`cache ${options.prefix}:`, err));
    for (const [name, fn] of Object.entries(options.indexes ?? {})) {
      this.indexes.set(name, new SecondaryIndex(name, fn, this.reportError));
    }
  }

  get revision(): number {
    return this.rev;
  }

  async start(): Promise<void> {
    if (this.state !== "new") throw new Error(`cache ${this.prefix} cannot start: it is ${this.state}`);
    this.state = "starting";
    try {
      await this.relist();
    } catch (err) {
      if (this.state === "starting") this.state = "new";
      throw err;
    }
    if (this.state === "starting") this.state = "running";
  }

  waitFor(revision: number): Promise<void> {
    if (revision <= this.rev) return Promise.resolve();
    if (this.state === "stopped") {
      return Promise.reject(new Error(`cache ${this.prefix} is stopped at revision ${this.rev}; revision ${revision} will never come`));
    }
    return new Promise((resolve, reject) => {
      let lo = 0;
      let hi = this.waiters.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((this.waiters[mid] as Waiter).revision <= revision) lo = mid + 1;
        else hi = mid;
      }
      this.waiters.splice(lo, 0, { revision, resolve, reject });
    });
  }

  get<T>(key: string): T | undefined {
    return this.entries.get(key)?.value as T | undefined;
  }

  getEntry<T>(key: string): CacheEntry<T> | undefined {
    return this.entries.get(key) as CacheEntry<T> | undefined;
  }

  list<T>(prefix: string): T[] {
    return this.listEntries<T>(prefix).map((e) => e.value);
  }

  listEntries<T>(prefix: string): CacheEntry<T>[] {
    const out: CacheEntry<T>[] = [];
    this.keys.forEachWithPrefix(prefix, (key) => out.push(this.entries.get(key) as CacheEntry<T>));
    return out;
  }

  byIndex<T>(index: string, indexValue: string): T[] {
    return this.index(index)
      .keys(indexValue)
      .map((key) => (this.entries.get(key) as CacheEntry<T>).value);
  }

  byIndexEntries<T>(index: string, indexValue: string): CacheEntry<T>[] {
    return this.index(index)
      .keys(indexValue)
      .map((key) => this.entries.get(key) as CacheEntry<T>);
  }

  countByIndex(index: string, indexValue: string): number {
    return this.index(index).keys(indexValue).length;
  }

  byIndexKeys(index: string, indexValue: string): readonly string[] {
    return this.index(index).keys(indexValue);
  }

  indexGeneration(index: string, indexValue: string): number {
    return this.index(index).generation(indexValue);
  }

  subscribe(listener: (change: CacheChange) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  stop(): void {
    if (this.state === "stopped") return;
    this.state = "stopped";
    this.generation++;
    this.watch?.dispose();
    this.watch = undefined;
    clearTimeout(this.retryTimer);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) {
      w.reject(new Error(`cache ${this.prefix} stopped at revision ${this.rev} before reaching revision ${w.revision}`));
    }
  }

  private index(name: string): SecondaryIndex {
    const index = this.indexes.get(name);
    if (!index) {
      const known = [...this.indexes.keys()].join(", ") || "none";
      throw new RangeError(`cache ${this.prefix} has no index ${JSON.stringify(name)}; indexes: ${known}`);
    }
    return index;
  }

  /** Lists, replaces the contents with the listing, and watches from there. */
  private async relist(): Promise<void> {
    const generation = ++this.generation;
    this.watch?.dispose();
    this.watch = undefined;
    const listing = await this.store.range(this.prefix);
    if (generation !== this.generation) return; // stopped, or a newer relist took over
    this.replace(listing.kvs, listing.revision);
    this.watch = this.store.watch(
      this.prefix,
      {
        afterRevision: listing.revision,
        progress: true,
        onError: (err) => {
          if (generation === this.generation) this.watchFailed(err);
        },
      },
      (batch) => {
        if (generation === this.generation) this.apply(batch);
      },
    );
  }

  private watchFailed(err: Error): void {
    // A compacted watch is routine for a cache that fell behind: relist without complaint.
    if (!(err instanceof CompactedError)) this.reportError(err);
    this.watch?.dispose();
    this.watch = undefined;
    const delay = err instanceof CompactedError ? 0 : this.retryDelay;
    this.scheduleRelist(delay);
  }

  private scheduleRelist(delayMs: number): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (this.state === "stopped") return;
      this.relist().then(
        () => {
          this.retryDelay = RETRY_MIN_MS;
        },
        (err) => {
          this.reportError(err);
          this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MAX_MS);
          this.scheduleRelist(this.retryDelay);
        },
      );
    }, delayMs);
  }

  /** Swaps in a full listing, telling listeners what differs from what the cache held. */
  private replace(kvs: KeyValue[], revision: number): void {
    const changes: CacheChange[] = [];
    const previous = this.entries;
    const next = new Map<string, CacheEntry>();
    for (const kv of kvs) {
      const old = previous.get(kv.key);
      if (old && old.modRevision === kv.modRevision) {
        next.set(kv.key, old);
        continue;
      }
      const entry = this.toEntry(kv);
      next.set(kv.key, entry);
      changes.push(old ? { type: "put", key: kv.key, value: entry.value, prev: old.value, revision: kv.modRevision }
        : { type: "put", key: kv.key, value: entry.value, revision: kv.modRevision });
    }
    for (const [key, old] of previous) {
      if (!next.has(key)) changes.push({ type: "delete", key, prev: old.value, revision });
    }
    this.entries = next;
    // The store lists in byte order, which is compareKeys order: no sort needed.
    this.keys = new SortedKeys(kvs.map((kv) => kv.key));
    for (const index of this.indexes.values()) {
      index.clear();
      for (const entry of next.values()) index.put(entry.key, entry.value);
    }
    this.advance(Math.max(this.rev, revision), changes);
  }

  private apply(batch: WatchBatch): void {
    if (batch.revision <= this.rev) return;
    const changes: CacheChange[] = [];
    for (const event of batch.events) {
      if (event.type === "put") {
        const key = event.kv.key;
        const old = this.entries.get(key);
        const entry = this.toEntry(event.kv);
        this.entries.set(key, entry);
        if (!old) this.keys.insert(key);
        for (const index of this.indexes.values()) index.put(key, entry.value);
        changes.push(old ? { type: "put", key, value: entry.value, prev: old.value, revision: batch.revision }
          : { type: "put", key, value: entry.value, revision: batch.revision });
      } else {
        const key = event.key;
        const old = this.entries.get(key);
        if (!old) continue;
        this.entries.delete(key);
        this.keys.remove(key);
        for (const index of this.indexes.values()) index.remove(key);
        changes.push({ type: "delete", key, prev: old.value, revision: batch.revision });
      }
    }
    this.advance(batch.revision, changes);
  }

  private advance(revision: number, changes: CacheChange[]): void {
    this.rev = revision;
    for (const change of changes) {
      for (const listener of this.listeners) {
        try {
          listener(change);
        } catch (err) {
          this.reportError(err);
        }
      }
    }
    let ready = 0;
    while (ready < this.waiters.length && (this.waiters[ready] as Waiter).revision <= revision) ready++;
    if (ready === 0) return;
    const done = this.waiters.splice(0, ready);
    for (const w of done) w.resolve();
  }

  private toEntry(kv: KeyValue): CacheEntry {
    let value: unknown;
    try {
      value = JSON.parse(kv.value);
    } catch {
      this.reportError(new SyntaxError(`cache ${this.prefix}: value of ${kv.key} at revision ${kv.modRevision} is not JSON; kept as text`));
      value = kv.value;
    }
    if (this.freeze) deepFreeze(value);
    return Object.freeze({ key: kv.key, value, modRevision: kv.modRevision, createRevision: kv.createRevision });
  }
}

function deepFreeze(value: unknown): void {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}

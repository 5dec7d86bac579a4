// A secondary index of the cache: for each index value, the keys filed under it, kept sorted
// so a lookup returns them in key order without sorting and without scanning other values.
import { insertSorted, removeSorted } from "./key-order.js";

/** Says under which values of the index a record is found; [] for none. */
export type IndexFunction = (key: string, value: unknown) => string[];

const NONE: readonly string[] = [];

export class SecondaryIndex {
  private readonly buckets = new Map<string, string[]>();
  /** What each key is filed under now, to unfile it when it changes or goes. */
  private readonly filed = new Map<string, readonly string[]>();
  /** Per index value, the tick of its bucket's last change of keys (see generation()). */
  private readonly changedAt = new Map<string, number>();
  private tick = 0;

  constructor(
    readonly name: string,
    private readonly indexFunction: IndexFunction,
    private readonly reportError: (err: unknown) => void,
  ) {}

  /** Files `key` under the values its new `value` maps to, and out of the ones it no longer does. */
  put(key: string, value: unknown): void {
    const next = this.valuesOf(key, value);
    const prev = this.filed.get(key) ?? NONE;
    for (const v of prev) if (!next.includes(v)) this.unfile(v, key);
    for (const v of next) if (!prev.includes(v)) this.file(v, key);
    if (next.length > 0) this.filed.set(key, next);
    else this.filed.delete(key);
  }

  remove(key: string): void {
    const prev = this.filed.get(key);
    if (!prev) return;
    for (const v of prev) this.unfile(v, key);
    this.filed.delete(key);
  }

  /** The keys filed under `indexValue`, ascending; do not modify. */
  keys(indexValue: string): readonly string[] {
    return this.buckets.get(indexValue) ?? NONE;
  }

  /**
   * A number that changes whenever the bucket of `indexValue` gains or loses a key, and never
   * returns to an earlier number: equal generations mean the same keys (their values may have
   * changed), so a caller can keep what it derived from the fields that decide membership.
   */
  generation(indexValue: string): number {
    return this.changedAt.get(indexValue) ?? 0;
  }

  clear(): void {
    this.buckets.clear();
    this.filed.clear();
    // Ticks keep counting, so a generation read before the clear never matches one after it.
    for (const v of this.changedAt.keys()) this.changedAt.set(v, ++this.tick);
  }

  private valuesOf(key: string, value: unknown): readonly string[] {
    let values: unknown;
    try {
      values = this.indexFunction(key, value);
    } catch (err) {
      this.reportError(err);
      return NONE;
    }
    if (!Array.isArray(values) || values.some((v) => typeof v !== "string")) {
      this.reportError(new TypeError(`index ${this.name} must return an array of strings for ${key}, got ${JSON.stringify(values)}`));
      return NONE;
    }
    return values.length <= 1 ? values : [...new Set(values as string[])];
  }

  private file(indexValue: string, key: string): void {
    this.changedAt.set(indexValue, ++this.tick);
    const bucket = this.buckets.get(indexValue);
    if (bucket) insertSorted(bucket, key);
    else this.buckets.set(indexValue, [key]);
  }

  private unfile(indexValue: string, key: string): void {
    const bucket = this.buckets.get(indexValue);
    if (!bucket) return;
    this.changedAt.set(indexValue, ++this.tick);
    removeSorted(bucket, key);
    if (bucket.length === 0) this.buckets.delete(indexValue);
  }
}

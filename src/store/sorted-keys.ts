// The cache's keys in code point order, kept in chunks: one sorted array of every key made each
// new key cost a copy of half the array (tens of thousands of entries, on every create), a
// chunk costs at most a few hundred. Prefix reads walk the chunks in order.
import { compareKeys, insertSorted, lowerBound, removeSorted } from "./key-order.js";

/** A chunk splits in two past this many keys. */
const MAX_CHUNK = 1024;

export class SortedKeys {
  /** Non-empty sorted chunks; every key of a chunk sorts before every key of the next. */
  private chunks: string[][] = [];

  /** `sorted` must already be in compareKeys order without duplicates. */
  constructor(sorted: readonly string[] = []) {
    for (let i = 0; i < sorted.length; i += MAX_CHUNK / 2) this.chunks.push(sorted.slice(i, i + MAX_CHUNK / 2));
  }

  get size(): number {
    let n = 0;
    for (const c of this.chunks) n += c.length;
    return n;
  }

  /** Adds `key` unless present; returns whether it was added. */
  insert(key: string): boolean {
    if (this.chunks.length === 0) {
      this.chunks.push([key]);
      return true;
    }
    const at = Math.min(this.chunkFor(key), this.chunks.length - 1);
    const chunk = this.chunks[at]!;
    if (!insertSorted(chunk, key)) return false;
    if (chunk.length > MAX_CHUNK) this.chunks.splice(at, 1, chunk.slice(0, chunk.length >> 1), chunk.slice(chunk.length >> 1));
    return true;
  }

  /** Removes `key`; returns whether it was there. */
  remove(key: string): boolean {
    const at = this.chunkFor(key);
    const chunk = this.chunks[at];
    if (!chunk || !removeSorted(chunk, key)) return false;
    if (chunk.length === 0) this.chunks.splice(at, 1);
    return true;
  }

  /** Calls `visit` with each key that starts with `prefix`, in order. */
  forEachWithPrefix(prefix: string, visit: (key: string) => void): void {
    const first = this.chunkFor(prefix);
    for (let c = first; c < this.chunks.length; c++) {
      const chunk = this.chunks[c]!;
      for (let i = c === first ? lowerBound(chunk, prefix) : 0; i < chunk.length; i++) {
        const key = chunk[i]!;
        if (!key.startsWith(prefix)) return;
        visit(key);
      }
    }
  }

  /** The first chunk whose last key is not below `key` (chunks.length when none is). */
  private chunkFor(key: string): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = this.chunks[mid]!;
      if (compareKeys(chunk[chunk.length - 1]!, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

// A bucket's members sorted by the keys of its instance-level strategy steps, then by instance
// position: the tie-break by position makes the order a function of the keys alone, so an order
// patched for a few changed instances is exactly the order a full sort would give.

import { spliceRows, type SnapshotChange } from "./snapshot-change.js";

/** Members sorted by a composite key; keys holds `width` numbers per position. */
export interface Order {
  readonly idx: Int32Array;
  readonly keys: Float64Array;
  readonly width: number;
}

/** Key number l of instance i. */
export type KeyOf = (i: number, l: number) => number;

export function buildOrder(members: Int32Array, width: number, keyOf: KeyOf): Order {
  const n = members.length;
  const raw = new Float64Array(n * width);
  for (let m = 0; m < n; m++) {
    for (let l = 0; l < width; l++) raw[m * width + l] = keyOf(members[m]!, l);
  }
  const perm = sortedPermutation(raw, n, width);
  const idx = new Int32Array(n);
  const keys = new Float64Array(n * width);
  for (let pos = 0; pos < n; pos++) {
    const m = perm[pos]!;
    idx[pos] = members[m]!;
    for (let l = 0; l < width; l++) keys[pos * width + l] = raw[m * width + l]!;
  }
  return { idx, keys, width };
}

const PACK = 2 ** 21;

/**
 * The order of rows sorted by key, then by row number. A single integer key (the common case:
 * MiB, cpu units, task counts) is packed with the row number into one float and sorted
 * natively, several times faster than a comparator over 10,000 rows.
 */
function sortedPermutation(raw: Float64Array, n: number, width: number): ArrayLike<number> {
  if (width === 1 && n < PACK && raw.every((k) => Number.isInteger(k) && Math.abs(k) < 2 ** 31)) {
    const packed = new Float64Array(n);
    for (let m = 0; m < n; m++) packed[m] = raw[m]! * PACK + m;
    packed.sort();
    const perm = new Int32Array(n);
    // The row number is the packed value's remainder; floor keeps it right for negative keys.
    for (let pos = 0; pos < n; pos++) perm[pos] = packed[pos]! - Math.floor(packed[pos]! / PACK) * PACK;
    return perm;
  }
  const perm = Array.from({ length: n }, (_, k) => k);
  perm.sort((a, b) => {
    for (let l = 0; l < width; l++) {
      const d = raw[a * width + l]! - raw[b * width + l]!;
      if (d !== 0) return d;
    }
    return a - b;
  });
  return perm;
}

/**
 * The order carried over a change: dropped members leave, kept ones are renumbered (their keys
 * did not change: same view object), and `added` (fresh members, new positions, ascending)
 * are sorted among themselves and merged in. `oldKeyOf` reads a dropped member's key as it
 * was. When positions did not move this is a splice: O((dropped + added)·log n) plus copying.
 */
export function patchOrder(
  order: Order,
  change: SnapshotChange,
  added: readonly number[],
  keyOf: KeyOf,
  /** A dropped instance's key as it was. */
  oldKeyOf: KeyOf,
  /** False when dropped instance d cannot have been a member (saves a search). */
  mayHaveHeld: (d: number) => boolean,
): Order {
  const w = order.width;
  const k = added.length;
  // Plain arrays for these few rows: small typed arrays cost more to allocate.
  const rawKeys = new Array<number>(k * w);
  for (let a = 0; a < k; a++) for (let l = 0; l < w; l++) rawKeys[a * w + l] = keyOf(added[a]!, l);
  const perm = sortedRows(rawKeys, added, w);
  const addedIdx = new Array<number>(k);
  const addedKeys = new Array<number>(k * w);
  for (let s = 0; s < k; s++) {
    addedIdx[s] = added[perm[s]!]!;
    for (let l = 0; l < w; l++) addedKeys[s * w + l] = rawKeys[perm[s]! * w + l]!;
  }
  if (change.remap === undefined) {
    const removeAt: number[] = [];
    const key = new Array<number>(w);
    for (const d of change.dropped) {
      if (!mayHaveHeld(d)) continue;
      for (let l = 0; l < w; l++) key[l] = oldKeyOf(d, l);
      const at = firstAfter(order, key, 0, d) - 1;
      if (at >= 0 && order.idx[at] === d) removeAt.push(at);
    }
    removeAt.sort((a, b) => a - b);
    const insertAt: number[] = [];
    for (let s = 0; s < k; s++) insertAt.push(firstAfter(order, addedKeys, s, addedIdx[s]!));
    return spliceRows(order, removeAt, insertAt, addedIdx, addedKeys);
  }
  return mergeRenumbered(order, change.remap, addedIdx, addedKeys);
}

/** Layout changed: renumber every kept entry while merging the added ones in. */
function mergeRenumbered(order: Order, remap: Int32Array, addedIdx: readonly number[], addedKeys: readonly number[]): Order {
  const w = order.width;
  const n = order.idx.length;
  const k = addedIdx.length;
  const idx = new Int32Array(n + k);
  const keys = new Float64Array((n + k) * w);
  let out = 0;
  let s = 0;
  for (let pos = 0; pos < n; pos++) {
    const p = remap[order.idx[pos]!]!;
    if (p < 0) continue;
    while (s < k && (compareRows(addedKeys, s, order.keys, pos, w) || addedIdx[s]! - p) < 0) {
      idx[out] = addedIdx[s]!;
      for (let l = 0; l < w; l++) keys[out * w + l] = addedKeys[s * w + l]!;
      out++;
      s++;
    }
    idx[out] = p;
    for (let l = 0; l < w; l++) keys[out * w + l] = order.keys[pos * w + l]!;
    out++;
  }
  for (; s < k; s++, out++) {
    idx[out] = addedIdx[s]!;
    for (let l = 0; l < w; l++) keys[out * w + l] = addedKeys[s * w + l]!;
  }
  return out === n + k ? { idx, keys, width: w } : { idx: idx.slice(0, out), keys: keys.slice(0, out * w), width: w };
}

/** The rows' order by (keys, position); insertion sort, as there are few (the changed ones). */
function sortedRows(keys: readonly number[], positions: readonly number[], w: number): number[] {
  const perm: number[] = [];
  for (let a = 0; a < positions.length; a++) {
    let at = perm.length;
    while (at > 0 && (compareRows(keys, perm[at - 1]!, keys, a, w) || positions[perm[at - 1]!]! - positions[a]!) > 0) at--;
    perm.splice(at, 0, a);
  }
  return perm;
}

function compareRows(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number, w: number): number {
  for (let l = 0; l < w; l++) {
    const d = a[i * w + l]! - b[j * w + l]!;
    if (d !== 0) return d;
  }
  return 0;
}

/** The first position of the order whose (keys, position) sorts after (row r of `keys`, p). */
function firstAfter(order: Order, keys: ArrayLike<number>, r: number, p: number): number {
  const w = order.width;
  let lo = 0;
  let hi = order.idx.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareRows(order.keys, mid, keys, r, w) || order.idx[mid]! - p;
    if (c <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Compares the key at `pos` with `key`: negative, zero or positive. */
export function compareAt(order: Order, pos: number, key: ArrayLike<number>): number {
  const w = order.width;
  for (let l = 0; l < w; l++) {
    const d = order.keys[pos * w + l]! - key[l]!;
    if (d !== 0) return d;
  }
  return 0;
}

export function keyAt(order: Order, pos: number): number[] {
  const w = order.width;
  const key = new Array<number>(w);
  for (let l = 0; l < w; l++) key[l] = order.keys[pos * w + l]!;
  return key;
}

/** First position whose first key is ≥ min (binpack: the first instance with enough). */
export function lowerBound(order: Order, min: number): number {
  let lo = 0;
  let hi = order.idx.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (order.keys[mid * order.width]! < min) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First position at or after `from` whose key is greater than `key`. */
export function upperBound(order: Order, from: number, key: ArrayLike<number>): number {
  let lo = from;
  let hi = order.idx.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareAt(order, mid, key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

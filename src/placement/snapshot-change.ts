// What changed between two instance lists of one cluster, found by object identity: callers
// keep an InstanceView while the instance is unchanged and make a new one when it changes, so a
// view object that is in both lists stands for the same state. Indexes built for the old list
// are patched with this (snapshot.ts, indexes.ts, orders.ts) instead of being rebuilt.
//
// Every index of a snapshot orders instances by their position (the tie-break of strategy
// orders, the order of spread buckets), so a patch must keep the positions' relative order: the
// instances kept are renumbered monotonically. A kept instance that moved before another kept
// one is counted as changed (dropped and fresh) rather than breaking that.

import type { LiveInstance } from "./live-instance.js";
import type { InstanceView } from "./types.js";

export interface SnapshotChange {
  /**
   * Old position → new position, −1 when dropped; absent in the common case where every kept
   * instance keeps its position (only views were replaced), which lets patches splice sorted
   * arrays by binary search instead of renumbering every entry.
   */
  readonly remap: Int32Array | undefined;
  /** Old positions whose view is gone (changed or removed), ascending. */
  readonly dropped: Int32Array;
  /** New positions whose view is new (changed or added), ascending. */
  readonly fresh: Int32Array;
  /** The old list's base states, to read the dropped instances' former keys and counts. */
  readonly fromLive: readonly LiveInstance[];
  /**
   * The part of the change that indexes of static facts (status, agent, attributes, ids: what
   * static filters and spread buckets read) must see, when smaller than the whole (see
   * staticPart): an instance that only got or lost tasks, the usual change between launches,
   * keeps its static verdicts and buckets.
   */
  readonly statics?: SnapshotChange;
}

/** The change as indexes of static facts see it. */
export function staticPart(c: SnapshotChange): SnapshotChange {
  return c.statics ?? c;
}

/**
 * Past this share of fresh instances a patch saves little over a rebuild, and the rebuild
 * keeps indexes from being patched round after round from ever older bases.
 */
const MAX_FRESH_SHARE = 0.5;

export function isEmptyChange(c: SnapshotChange): boolean {
  return c.remap === undefined && c.fresh.length === 0 && c.dropped.length === 0;
}

/** The change from `from` to `to`, or undefined when so much differs that a rebuild is better. */
export function changeBetween(
  from: readonly InstanceView[],
  fromLive: readonly LiveInstance[],
  to: readonly InstanceView[],
): SnapshotChange | undefined {
  if (from.length === to.length) {
    const positional = samePositions(from, fromLive, to);
    if (positional !== undefined) return positional;
  }
  return byIdentity(from, fromLive, to);
}

function limit(n: number): number {
  return Math.floor(n * MAX_FRESH_SHARE);
}

/** The common case: same length, the differing positions are the changed instances. */
function samePositions(from: readonly InstanceView[], fromLive: readonly LiveInstance[], to: readonly InstanceView[]): SnapshotChange | undefined {
  const max = limit(to.length);
  const changed: number[] = [];
  for (let i = 0; i < to.length; i++) {
    if (from[i] === to[i]) continue;
    if (changed.length === max) return undefined;
    changed.push(i);
  }
  const positions = Int32Array.from(changed);
  const staticPositions = changed.filter((i) => !sameStaticFacts(from[i]!, to[i]!));
  if (staticPositions.length === changed.length) return { remap: undefined, dropped: positions, fresh: positions, fromLive };
  const statics = Int32Array.from(staticPositions);
  return {
    remap: undefined,
    dropped: positions,
    fresh: positions,
    fromLive,
    statics: { remap: undefined, dropped: statics, fresh: statics, fromLive },
  };
}

/** Whether two views agree on everything but remaining resources and tasks. */
function sameStaticFacts(a: InstanceView, b: InstanceView): boolean {
  if (
    a.status !== b.status ||
    a.agentConnected !== b.agentConnected ||
    a.agentVersion !== b.agentVersion ||
    a.ec2InstanceId !== b.ec2InstanceId ||
    a.registeredAt !== b.registeredAt
  ) {
    return false;
  }
  if (a.attributes === b.attributes) return true;
  if (a.attributes.length !== b.attributes.length) return false;
  for (let k = 0; k < a.attributes.length; k++) {
    const x = a.attributes[k]!;
    const y = b.attributes[k]!;
    if (x.name !== y.name || x.value !== y.value) return false;
  }
  return true;
}

/** Instances added, removed or moved: match views by identity, keeping the matches in order. */
function byIdentity(from: readonly InstanceView[], fromLive: readonly LiveInstance[], to: readonly InstanceView[]): SnapshotChange | undefined {
  const max = limit(to.length);
  const oldPosition = new Map<InstanceView, number>();
  for (let i = 0; i < from.length; i++) oldPosition.set(from[i]!, i);
  const remap = new Int32Array(from.length).fill(-1);
  const fresh: number[] = [];
  let last = -1;
  for (let j = 0; j < to.length; j++) {
    const o = oldPosition.get(to[j]!);
    if (o !== undefined && o > last) {
      remap[o] = j;
      last = o;
      continue;
    }
    if (fresh.length === max) return undefined;
    fresh.push(j);
  }
  const dropped: number[] = [];
  for (let o = 0; o < from.length; o++) if (remap[o] === -1) dropped.push(o);
  return { remap, dropped: Int32Array.from(dropped), fresh: Int32Array.from(fresh), fromLive };
}

/** Position of the first entry of ascending `list` that is ≥ p. */
export function lowerBoundOf(list: Int32Array, p: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < p) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether ascending `list` holds position p. */
export function includesPosition(list: Int32Array, p: number): boolean {
  const at = lowerBoundOf(list, p);
  return at < list.length && list[at] === p;
}

/**
 * An ascending list of positions carried over a change: dropped positions leave, kept ones are
 * renumbered (order is preserved, see above), and `added` (new positions, ascending) merge in.
 */
export function patchPositions(list: Int32Array, c: SnapshotChange, added: readonly number[]): Int32Array {
  if (c.remap === undefined) {
    // Positions unchanged: remove and insert by binary search, copy the runs between.
    const removeAt: number[] = [];
    for (const d of c.dropped) {
      const at = lowerBoundOf(list, d);
      if (at < list.length && list[at] === d) removeAt.push(at);
    }
    const insertAt = added.map((f) => lowerBoundOf(list, f));
    return spliceRows({ idx: list, keys: EMPTY_KEYS, width: 0 }, removeAt, insertAt, added, []).idx;
  }
  const remap = c.remap;
  const out = new Int32Array(list.length + added.length);
  let n = 0;
  let a = 0;
  for (let k = 0; k < list.length; k++) {
    const p = remap[list[k]!]!;
    if (p < 0) continue;
    while (a < added.length && added[a]! < p) out[n++] = added[a++]!;
    out[n++] = p;
  }
  while (a < added.length) out[n++] = added[a++]!;
  return n === out.length ? out : out.slice(0, n);
}

const EMPTY_KEYS = new Float64Array(0);

/** Rows of positions with `width` keys each (width 0: a plain position list). */
export interface Rows {
  readonly idx: Int32Array;
  readonly keys: Float64Array;
  readonly width: number;
}

/**
 * A copy of `rows` without the rows at `removeAt` (ascending) and with row k of
 * (insertIdx, insertKeys) placed before old row insertAt[k] (insertAt ascending; an insertion
 * at a removed row's place lands where that row was). Copies whole runs between the edits, so
 * a few edits to a long array cost little more than a memcpy.
 */
export function spliceRows(
  rows: Rows,
  removeAt: readonly number[],
  insertAt: readonly number[],
  insertIdx: ArrayLike<number>,
  insertKeys: ArrayLike<number>,
): Rows {
  // Shared, not copied: indexes are never modified once built.
  if (removeAt.length === 0 && insertAt.length === 0) return rows;
  const w = rows.width;
  const n = rows.idx.length;
  const size = n - removeAt.length + insertAt.length;
  const out: Rows = { idx: new Int32Array(size), keys: w === 0 ? EMPTY_KEYS : new Float64Array(size * w), width: w };
  let from = 0;
  let at = 0;
  let r = 0;
  let s = 0;
  while (r < removeAt.length || s < insertAt.length) {
    // Insertions before a row come before that row's removal.
    if (s < insertAt.length && (r >= removeAt.length || insertAt[s]! <= removeAt[r]!)) {
      at = copyRows(rows, from, insertAt[s]!, out, at);
      from = Math.max(from, insertAt[s]!);
      out.idx[at] = insertIdx[s]!;
      for (let l = 0; l < w; l++) out.keys[at * w + l] = insertKeys[s * w + l]!;
      at++;
      s++;
    } else {
      at = copyRows(rows, from, removeAt[r]!, out, at);
      from = removeAt[r]! + 1;
      r++;
    }
  }
  copyRows(rows, from, n, out, at);
  return out;
}

/** Below this many rows a loop beats creating subarray views for a native copy. */
const NATIVE_COPY = 48;

/** Copies rows [from, end) of src to dst at row `at`; returns the row after the last copied. */
function copyRows(src: Rows, from: number, end: number, dst: Rows, at: number): number {
  const count = end - from;
  if (count <= 0) return at;
  const w = src.width;
  if (count < NATIVE_COPY) {
    for (let k = 0; k < count; k++) dst.idx[at + k] = src.idx[from + k]!;
    for (let k = 0; k < count * w; k++) dst.keys[at * w + k] = src.keys[from * w + k]!;
  } else {
    dst.idx.set(src.idx.subarray(from, end), at);
    if (w > 0) dst.keys.set(src.keys.subarray(from * w, end * w), at * w);
  }
  return at + count;
}

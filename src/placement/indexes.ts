// Per-snapshot indexes for the strategy chain, built on first use and kept on the snapshot:
// - bucket nodes: the static candidates split by the values of the spread attributes, nested in
//   strategy order (AZ, then within an AZ by the next spread attribute, ...);
// - base spread counts: tasks of a group per attribute value over the whole cluster;
// - orders: a node's members sorted by the keys of consecutive instance-level strategies
//   (binpack, spread instanceId), so the best instance is found by scanning from the front.
// All of these describe the snapshot's base state; the overlay corrects for this call's tasks.

import type { ClusterSnapshot, LiveInstance } from "./snapshot.js";
import { bucketValue, type StrategyStep } from "./strategies.js";

export interface BucketNode {
  /** Static candidates in this bucket, ascending by instance index. */
  readonly members: Int32Array;
  /** The (attribute, value) pairs that define the bucket, outermost first. */
  readonly path: readonly (readonly [string, string])[];
  readonly children: Map<string, Map<string, BucketNode>>;
  readonly orders: Map<string, Order>;
}

/** Members sorted by a composite key; keys holds `width` numbers per position. */
export interface Order {
  readonly idx: Int32Array;
  readonly keys: Float64Array;
  readonly width: number;
}

export function rootNode(snapshot: ClusterSnapshot, staticKey: string, members: Int32Array): BucketNode {
  return snapshot.memoize(`root\u0000${staticKey}`, () => ({ members, path: [], children: new Map(), orders: new Map() }));
}

/** The node's members split by their value of `attribute` (missing values share a bucket). */
export function childrenOf(snapshot: ClusterSnapshot, node: BucketNode, attribute: string): Map<string, BucketNode> {
  let byValue = node.children.get(attribute);
  if (byValue) return byValue;
  const lists = new Map<string, number[]>();
  for (const i of node.members) {
    const v = bucketValue(snapshot.live[i]!.facts.attributes, attribute);
    let list = lists.get(v);
    if (!list) lists.set(v, (list = []));
    list.push(i);
  }
  byValue = new Map();
  for (const [value, list] of lists) {
    byValue.set(value, {
      members: Int32Array.from(list),
      path: [...node.path, [attribute, value]],
      children: new Map(),
      orders: new Map(),
    });
  }
  node.children.set(attribute, byValue);
  return byValue;
}

/** Tasks of `group` per value of `attribute`, over every instance of the snapshot. */
export function baseBucketCounts(snapshot: ClusterSnapshot, group: string, attribute: string): ReadonlyMap<string, number> {
  return snapshot.memoize(`counts\u0000${group}\u0000${attribute}`, () => {
    const counts = new Map<string, number>();
    for (const live of snapshot.live) {
      const n = live.facts.taskGroups.get(group) ?? 0;
      const v = bucketValue(live.facts.attributes, attribute);
      counts.set(v, (counts.get(v) ?? 0) + n);
    }
    return counts;
  });
}

/** The key of an instance-level step; smaller is better. */
export function levelKey(step: StrategyStep, live: LiveInstance, group: string): number {
  switch (step.kind) {
    case "binpack":
      return step.resource === "cpu" ? live.cpu : live.memory;
    case "spreadInstance":
      return live.facts.taskGroups.get(group) ?? 0;
    case "spreadAttribute":
      throw new TypeError("spread by attribute is not an instance-level key");
  }
}

export function orderOf(
  snapshot: ClusterSnapshot,
  node: BucketNode,
  levels: readonly StrategyStep[],
  group: string,
  /** Names levels (and group, when a level depends on it) in the node's memo. */
  key: string,
): Order {
  let order = node.orders.get(key);
  if (order) return order;
  const width = levels.length;
  const n = node.members.length;
  const raw = new Float64Array(n * width);
  for (let m = 0; m < n; m++) {
    const live = snapshot.live[node.members[m]!]!;
    for (let l = 0; l < width; l++) raw[m * width + l] = levelKey(levels[l]!, live, group);
  }
  const perm = sortedPermutation(raw, n, width);
  const idx = new Int32Array(n);
  const keys = new Float64Array(n * width);
  for (let pos = 0; pos < n; pos++) {
    const m = perm[pos]!;
    idx[pos] = node.members[m]!;
    for (let l = 0; l < width; l++) keys[pos * width + l] = raw[m * width + l]!;
  }
  order = { idx, keys, width };
  node.orders.set(key, order);
  return order;
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
  return Array.from(order.keys.subarray(pos * order.width, (pos + 1) * order.width));
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

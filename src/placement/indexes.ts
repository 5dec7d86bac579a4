// Per-snapshot indexes for the strategy chain, built on first use (or patched from the previous
// snapshot's, see snapshot.ts):
// - bucket nodes: the static candidates split by the values of the spread attributes, nested in
//   strategy order (AZ, then within an AZ by the next spread attribute, ...);
// - base spread counts: tasks of a group per attribute value over the whole cluster;
// - orders: a node's members sorted by the keys of consecutive instance-level strategies
//   (binpack, spread instanceId), so the best instance is found by scanning from the front
//   (orders.ts).
// All of these describe the snapshot's base state; the overlay corrects for this call's tasks.

import type { ClusterSnapshot, IndexKind, LiveInstance } from "./snapshot.js";
import { includesPosition, isEmptyChange, patchPositions, staticPart, type SnapshotChange } from "./snapshot-change.js";
import { bucketValue, type StrategyStep } from "./strategies.js";
import { buildOrder, patchOrder, type Order } from "./orders.js";

export { compareAt, keyAt, lowerBound, upperBound, type Order } from "./orders.js";

export interface BucketNode {
  /** Names the node in the snapshot's indexes: the static filters and the path. */
  readonly key: string;
  /** Static candidates in this bucket, ascending by instance index. */
  readonly members: Int32Array;
  /** The (attribute, value) pairs that define the bucket, outermost first. */
  readonly path: readonly (readonly [string, string])[];
  /** This snapshot's wrappers, by attribute then value; the member lists are indexes. */
  readonly children: Map<string, Map<string, BucketNode>>;
  readonly orders: Map<string, Order>;
}

export function rootNode(snapshot: ClusterSnapshot, staticKey: string, members: Int32Array): BucketNode {
  return snapshot.memoize(`root\u0000${staticKey}`, () => ({ key: staticKey, members, path: [], children: new Map(), orders: new Map() }));
}

/** Member lists per value, in the order the values first occur among the parent's members. */
type Split = ReadonlyMap<string, Int32Array>;

function splitKind(parent: BucketNode, attribute: string): IndexKind<Split> {
  return {
    build(snapshot) {
      const lists = new Map<string, number[]>();
      for (const i of parent.members) {
        const v = bucketValue(snapshot.live[i]!.facts.attributes, attribute);
        let list = lists.get(v);
        if (!list) lists.set(v, (list = []));
        list.push(i);
      }
      return new Map([...lists].map(([v, list]) => [v, Int32Array.from(list)]));
    },
    patch(previous, whole, snapshot) {
      // Members and buckets are static facts.
      const change = staticPart(whole);
      if (isEmptyChange(change)) return previous;
      const added = new Map<string, number[]>();
      for (const f of change.fresh) {
        if (!includesPosition(parent.members, f)) continue;
        const v = bucketValue(snapshot.live[f]!.facts.attributes, attribute);
        let list = added.get(v);
        if (!list) added.set(v, (list = []));
        list.push(f);
      }
      const out: [string, Int32Array][] = [];
      for (const [v, list] of previous) {
        const patched = patchPositions(list, change, added.get(v) ?? []);
        added.delete(v);
        if (patched.length > 0) out.push([v, patched]);
      }
      for (const [v, list] of added) out.push([v, Int32Array.from(list)]);
      // First occurrence among the parent's members = each list's first (smallest) position.
      return new Map(out.sort((a, b) => a[1][0]! - b[1][0]!));
    },
  };
}

/** The node's members split by their value of `attribute` (missing values share a bucket). */
export function childrenOf(snapshot: ClusterSnapshot, node: BucketNode, attribute: string): Map<string, BucketNode> {
  let byValue = node.children.get(attribute);
  if (byValue) return byValue;
  const split = snapshot.index(`split\u0000${node.key}\u0000${attribute}`, splitKind(node, attribute));
  byValue = new Map();
  for (const [value, members] of split) {
    byValue.set(value, {
      key: `${node.key}\u0000${attribute}\u0000${value}`,
      members,
      path: [...node.path, [attribute, value]],
      children: new Map(),
      orders: new Map(),
    });
  }
  node.children.set(attribute, byValue);
  return byValue;
}

function addCounts(counts: Map<string, number>, live: Omit<LiveInstance, "index">, group: string, attribute: string, sign: 1 | -1): void {
  const n = live.facts.taskGroups.get(group) ?? 0;
  const v = bucketValue(live.facts.attributes, attribute);
  counts.set(v, (counts.get(v) ?? 0) + sign * n);
}

function countsKind(group: string, attribute: string): IndexKind<ReadonlyMap<string, number>> {
  return {
    build(snapshot) {
      const counts = new Map<string, number>();
      for (const live of snapshot.live) addCounts(counts, live, group, attribute, 1);
      return counts;
    },
    patch(previous, change, snapshot) {
      const counts = new Map(previous);
      for (const d of change.dropped) addCounts(counts, change.fromLive[d]!, group, attribute, -1);
      for (const f of change.fresh) addCounts(counts, snapshot.live[f]!, group, attribute, 1);
      return counts;
    },
  };
}

/** Tasks of `group` per value of `attribute`, over every instance of the snapshot. */
export function baseBucketCounts(snapshot: ClusterSnapshot, group: string, attribute: string): ReadonlyMap<string, number> {
  return snapshot.index(`counts\u0000${group}\u0000${attribute}`, countsKind(group, attribute));
}

/** The key of an instance-level step; smaller is better. */
export function levelKey(step: StrategyStep, live: Omit<LiveInstance, "index">, group: string): number {
  switch (step.kind) {
    case "binpack":
      return step.resource === "cpu" ? live.cpu : live.memory;
    case "spreadInstance":
      return live.facts.taskGroups.get(group) ?? 0;
    case "spreadAttribute":
      throw new TypeError("spread by attribute is not an instance-level key");
  }
}

/** Whether the instance's attributes put it in the node's bucket (a cheap test before a search). */
function onPath(node: BucketNode, live: Omit<LiveInstance, "index">): boolean {
  for (const [attribute, value] of node.path) if (bucketValue(live.facts.attributes, attribute) !== value) return false;
  return true;
}

function orderKind(node: BucketNode, levels: readonly StrategyStep[], group: string): IndexKind<Order> {
  return {
    build(snapshot) {
      return buildOrder(node.members, levels.length, (i, l) => levelKey(levels[l]!, snapshot.live[i]!, group));
    },
    patch(previous: Order, change: SnapshotChange, snapshot: ClusterSnapshot) {
      const added: number[] = [];
      for (const f of change.fresh) {
        if (onPath(node, snapshot.live[f]!) && includesPosition(node.members, f)) added.push(f);
      }
      return patchOrder(
        previous,
        change,
        added,
        (i, l) => levelKey(levels[l]!, snapshot.live[i]!, group),
        (i, l) => levelKey(levels[l]!, change.fromLive[i]!, group),
        (d) => onPath(node, change.fromLive[d]!),
      );
    },
  };
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
  order = snapshot.index(`order\u0000${node.key}\u0000${key}`, orderKind(node, levels, group));
  node.orders.set(key, order);
  return order;
}

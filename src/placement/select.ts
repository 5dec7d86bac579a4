// Picks the instance for one task: the feasible instance whose strategy keys are smallest, ties
// broken uniformly at random. Equivalent to scoring every feasible instance and taking the
// minimum (reference-place.ts does exactly that), but reads only a few instances per task:
//
// The chain is cut into three parts, e.g. [spread AZ, spread instanceId, binpack memory]:
//   partitions  the leading spread-by-attribute steps. Buckets (one per value) are visited in
//               ascending order of their task count; the first count level holding a feasible
//               instance wins, and buckets sharing that count compete together below.
//   levels      the following binpack / spread-instanceId steps. Each bucket keeps its members
//               sorted by these keys (indexes.ts); the first feasible member in that order has
//               the bucket's best key, and the members with the same key form a contiguous run.
//   tail        anything after (a spread by attribute following a binpack, say): the tied run is
//               enumerated and the remaining steps are applied to it directly.
// Instances this call already placed on ("dirty") have moved in every order, so they are
// skipped in the sorted runs and scored separately from the overlay.
// The final uniform choice samples positions in the tied runs and rejects infeasible ones,
// falling back to enumeration when rejections pile up, so a large tie costs O(1) on average.
//
// Costs per task: O(buckets + dirty + skipped), where "skipped" are the instances ranked better
// than the choice but infeasible (full, port taken, ...). The worst cases are linear: a cluster
// whose best-ranked instances are all full, or a spread over an attribute unique per instance.
// Building an order costs O(n log n) once per snapshot, bucket and key (and per group for
// spread instanceId); a snapshot derived from the previous one patches the previous orders for
// the changed instances instead (snapshot.ts).

import { dynamicFeasible, staticCandidates, type CompiledRequest } from "./filters.js";
import {
  baseBucketCounts,
  childrenOf,
  keyAt,
  levelKey,
  lowerBound,
  orderOf,
  rootNode,
  upperBound,
  type BucketNode,
} from "./indexes.js";
import type { Overlay } from "./overlay.js";
import type { LiveInstance } from "./snapshot.js";
import { bucketValue, type StrategyStep } from "./strategies.js";

const SAMPLE_ATTEMPTS = 24;

interface Plan {
  readonly partitions: readonly string[];
  readonly levels: readonly StrategyStep[];
  readonly tail: readonly StrategyStep[];
}

interface Run {
  readonly idx: Int32Array;
  readonly start: number;
  readonly end: number;
}

/** Everything fixed for one place() call, resolved once rather than per task. */
interface Context {
  readonly overlay: Overlay;
  readonly req: CompiledRequest;
  readonly rng: () => number;
  readonly plan: Plan;
  readonly root: BucketNode;
  /** Identifies plan.levels (and the group when it matters) for the orders memo. */
  readonly orderKey: string;
  /** Spread counts per attribute for this request's group: the snapshot's and this call's. */
  readonly counts: Map<string, { readonly base: ReadonlyMap<string, number>; readonly added: ReadonlyMap<string, number> }>;
}

function planOf(steps: readonly StrategyStep[]): Plan {
  let p = 0;
  while (p < steps.length && steps[p]!.kind === "spreadAttribute") p++;
  let l = p;
  while (l < steps.length && steps[l]!.kind !== "spreadAttribute") l++;
  return {
    partitions: steps.slice(0, p).map((s) => (s as { attribute: string }).attribute),
    levels: steps.slice(p, l),
    tail: steps.slice(l),
  };
}

/**
 * Returns a function giving the instance index for the next task (undefined when none is
 * feasible). The caller books each choice in the overlay before asking for the next.
 */
export function instanceSelector(overlay: Overlay, req: CompiledRequest, rng: () => number): () => number | undefined {
  const plan = planOf(req.steps);
  const usesGroup = plan.levels.some((s) => s.kind === "spreadInstance");
  const ctx: Context = {
    overlay,
    req,
    rng,
    plan,
    root: rootNode(overlay.snapshot, req.staticKey, staticCandidates(overlay.snapshot, req)),
    orderKey: JSON.stringify(plan.levels) + (usesGroup ? `\u0000${req.group}` : ""),
    counts: new Map(),
  };
  return () => chooseIn(ctx, [ctx.root], 0);
}

function uniformIndex(rng: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(rng() * n));
}

function feasibleClean(ctx: Context, i: number): boolean {
  if (ctx.overlay.isDirty(i)) return false;
  const snapshot = ctx.overlay.snapshot;
  return dynamicFeasible(snapshot, snapshot.live[i]!, true, ctx.req);
}

function bucketCount(ctx: Context, attribute: string, value: string): number {
  let counts = ctx.counts.get(attribute);
  if (!counts) {
    counts = {
      base: baseBucketCounts(ctx.overlay.snapshot, ctx.req.group, attribute),
      added: ctx.overlay.addedInBuckets(ctx.req.group, attribute),
    };
    ctx.counts.set(attribute, counts);
  }
  return (counts.base.get(value) ?? 0) + (counts.added.get(value) ?? 0);
}

function chooseIn(ctx: Context, nodes: readonly BucketNode[], depth: number): number | undefined {
  const { partitions } = ctx.plan;
  if (depth === partitions.length) return chooseInLeaves(ctx, nodes);
  const attribute = partitions[depth]!;
  const entries: { count: number; node: BucketNode }[] = [];
  for (const node of nodes) {
    for (const [value, child] of childrenOf(ctx.overlay.snapshot, node, attribute)) {
      entries.push({ count: bucketCount(ctx, attribute, value), node: child });
    }
  }
  entries.sort((a, b) => a.count - b.count);
  for (let s = 0; s < entries.length; ) {
    let e = s;
    while (e < entries.length && entries[e]!.count === entries[s]!.count) e++;
    const found = chooseIn(
      ctx,
      entries.slice(s, e).map((x) => x.node),
      depth + 1,
    );
    if (found !== undefined) return found;
    s = e;
  }
  return undefined;
}

/**
 * Dirty instances that are feasible and belong to one of the buckets. (They passed the static
 * filters when they were chosen, and those do not change.)
 */
function dirtyIn(ctx: Context, nodes: readonly BucketNode[]): LiveInstance[] {
  const out: LiveInstance[] = [];
  if (ctx.overlay.dirtyCount === 0) return out;
  for (const live of ctx.overlay.dirty()) {
    const attrs = live.facts.attributes;
    if (!nodes.some((n) => n.path.every(([a, v]) => bucketValue(attrs, a) === v))) continue;
    if (dynamicFeasible(ctx.overlay.snapshot, live, false, ctx.req)) out.push(live);
  }
  return out;
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let l = 0; l < a.length; l++) {
    const d = a[l]! - b[l]!;
    if (d !== 0) return d;
  }
  return 0;
}

function chooseInLeaves(ctx: Context, nodes: readonly BucketNode[]): number | undefined {
  const { levels, tail } = ctx.plan;
  const dirty = dirtyIn(ctx, nodes);
  if (levels.length === 0) {
    const runs = nodes.map((n) => ({ idx: n.members, start: 0, end: n.members.length }));
    return sample(
      ctx,
      runs,
      dirty.map((d) => d.index),
    );
  }
  const snapshot = ctx.overlay.snapshot;
  const group = ctx.req.group;
  let best: number[] | undefined;
  let runs: Run[] = [];
  let dirtyTies: number[] = [];
  const first = levels[0]!;
  const need = first.kind === "binpack" ? (first.resource === "cpu" ? ctx.req.cpu : ctx.req.memory) : undefined;
  for (const node of nodes) {
    const order = orderOf(snapshot, node, levels, group, ctx.orderKey);
    const n = order.idx.length;
    // binpack: everything before the lower bound lacks the resource, skip it wholesale.
    let p = need === undefined ? 0 : lowerBound(order, need);
    while (p < n && !feasibleClean(ctx, order.idx[p]!)) p++;
    if (p >= n) continue;
    const key = keyAt(order, p);
    const cmp = best === undefined ? -1 : compareKeys(key, best);
    if (cmp > 0) continue;
    const run = { idx: order.idx, start: p, end: upperBound(order, p, key) };
    if (cmp < 0) {
      best = key;
      runs = [run];
    } else {
      runs.push(run);
    }
  }
  for (const live of dirty) {
    const key = levels.map((step) => levelKey(step, live, group));
    const cmp = best === undefined ? -1 : compareKeys(key, best);
    if (cmp < 0) {
      best = key;
      runs = [];
      dirtyTies = [live.index];
    } else if (cmp === 0) {
      dirtyTies.push(live.index);
    }
  }
  if (best === undefined) return undefined;
  if (tail.length === 0) return sample(ctx, runs, dirtyTies);
  return applyTail(ctx, [...enumerate(ctx, runs), ...dirtyTies]);
}

function* enumerate(ctx: Context, runs: readonly Run[]): Generator<number> {
  for (const run of runs) {
    for (let p = run.start; p < run.end; p++) {
      const i = run.idx[p]!;
      if (feasibleClean(ctx, i)) yield i;
    }
  }
}

/** Applies the remaining steps to an explicit tie set, then picks uniformly. */
function applyTail(ctx: Context, tied: number[]): number | undefined {
  let current = tied;
  for (const step of ctx.plan.tail) {
    if (current.length <= 1) break;
    const keys = current.map((i) => {
      const live = ctx.overlay.live(i);
      if (step.kind !== "spreadAttribute") return levelKey(step, live, ctx.req.group);
      return bucketCount(ctx, step.attribute, bucketValue(live.facts.attributes, step.attribute));
    });
    const min = Math.min(...keys);
    current = current.filter((_, k) => keys[k] === min);
  }
  return current.length === 0 ? undefined : current[uniformIndex(ctx.rng, current.length)];
}

/**
 * A uniform choice among the feasible instances of the runs plus the (feasible) dirty ties:
 * rejection sampling, then enumeration when most positions are infeasible.
 */
function sample(ctx: Context, runs: readonly Run[], dirtyTies: readonly number[]): number | undefined {
  let inRuns = 0;
  for (const r of runs) inRuns += r.end - r.start;
  const total = inRuns + dirtyTies.length;
  if (total === 0) return undefined;
  for (let attempt = 0; attempt < SAMPLE_ATTEMPTS; attempt++) {
    let k = uniformIndex(ctx.rng, total);
    if (k >= inRuns) return dirtyTies[k - inRuns];
    for (const r of runs) {
      const len = r.end - r.start;
      if (k < len) {
        const i = r.idx[r.start + k]!;
        if (feasibleClean(ctx, i)) return i;
        break;
      }
      k -= len;
    }
  }
  const all = [...enumerate(ctx, runs), ...dirtyTies];
  return all.length === 0 ? undefined : all[uniformIndex(ctx.rng, all.length)];
}

// The cluster as placement sees it: instance views normalized once (attributes and task groups
// as maps, ports as sets) plus indexes built lazily: which instances pass a request's static
// filters, memberOf verdicts, spread buckets and counts, orders by strategy key.
//
// Launches follow each other against a cluster that changed only where the last ones placed
// tasks, so a snapshot can be derived from the previous one (`createSnapshot(views, {
// previous })`). It inherits the previous snapshot's indexes, and each is patched on first use
// for the instances whose view objects differ (snapshot-change.ts): verdicts are copied with the
// changed entries cleared, orders are merged, bucket member lists and counts adjusted. A patch
// costs a linear pass of typed-array copying plus work for the changed instances only; nothing
// is re-sorted or re-evaluated for the rest. Indexes not used for a while are not carried on.
//
// A snapshot is immutable from the outside: deriving never touches the previous snapshot, which
// keeps answering as before. Placing against the same snapshot twice gives the same answer and
// costs less the second time; a derived snapshot answers exactly as one built from scratch.
// Callers must not mutate InstanceView objects after passing them: a changed instance is a new
// object (that is how a change is seen).

import { compileQuery, taskGroupOf, type AttributeLookup, type CompiledQuery } from "./query/index.js";
import { changeBetween, isEmptyChange, staticPart, type SnapshotChange } from "./snapshot-change.js";
import type { BaseState, LiveInstance } from "./live-instance.js";
import type { InstanceAttribute, InstanceView, PortList } from "./types.js";

export type { BaseState, LiveInstance } from "./live-instance.js";

/**
 * Attribute lookup straight over the instance's list: building a Map per instance costs more
 * than the handful of lookups placement makes per instance and snapshot.
 */
class AttributeList implements AttributeLookup {
  constructor(private readonly list: readonly InstanceAttribute[]) {}

  get(name: string): string | undefined {
    for (const a of this.list) if (a.name === name) return a.value ?? "";
    return undefined;
  }

  has(name: string): boolean {
    for (const a of this.list) if (a.name === name) return true;
    return false;
  }
}

const NO_GROUPS: ReadonlyMap<string, number> = new Map();

function toSet(ports: PortList): ReadonlySet<number> {
  return ports instanceof Set ? ports : new Set(ports as readonly number[]);
}

// A snapshot built from scratch for views that an earlier one had (the same cluster, observed
// again) reuses their base states. Derived snapshots take them from the previous snapshot's
// live states instead, and compute only the fresh views' (never seen before: not cached).
const baseStates = new WeakMap<InstanceView, BaseState>();

/** The instance's state before any task of a placement call. */
function baseStateOf(instance: InstanceView): BaseState {
  let base = baseStates.get(instance);
  if (!base) {
    base = baseState(instance);
    baseStates.set(instance, base);
  }
  return base;
}

function liveAt(base: BaseState, index: number): LiveInstance {
  return { index, cpu: base.cpu, memory: base.memory, ports: base.ports, portsUdp: base.portsUdp, enis: base.enis, facts: base.facts };
}

function buildLive(instance: InstanceView, index: number): LiveInstance {
  return liveAt(baseStateOf(instance), index);
}

function baseState(instance: InstanceView): BaseState {
  let taskGroups = NO_GROUPS;
  let running = 0;
  for (const task of instance.tasks) {
    if (task.desiredStatus !== "RUNNING") continue;
    running++;
    const group = taskGroupOf(task);
    if (taskGroups === NO_GROUPS) taskGroups = new Map();
    (taskGroups as Map<string, number>).set(group, (taskGroups.get(group) ?? 0) + 1);
  }
  return {
    cpu: instance.remaining.cpu,
    memory: instance.remaining.memory,
    ports: toSet(instance.remaining.ports),
    portsUdp: toSet(instance.remaining.portsUdp),
    enis: instance.remaining.enis ?? Number.POSITIVE_INFINITY,
    facts: {
      attributes: new AttributeList(instance.attributes),
      ec2InstanceId: instance.ec2InstanceId,
      agentConnected: instance.agentConnected,
      agentVersion: instance.agentVersion,
      registeredAt: instance.registeredAt,
      runningTasksCount: running,
      taskGroups,
    },
  };
}

/** How an index is made for a snapshot: from scratch, or from its value for an earlier list. */
export interface IndexKind<T> {
  build(snapshot: ClusterSnapshot): T;
  /** Must give what build() would; `previous` is never modified. */
  patch(previous: T, change: SnapshotChange, snapshot: ClusterSnapshot): T;
}

interface IndexEntry {
  /** The instance list the value was made for, and its base states. */
  readonly base: readonly InstanceView[];
  readonly baseLive: readonly LiveInstance[];
  readonly value: unknown;
  /** The generation of the last snapshot that used it. */
  used: number;
}

/** Indexes unused for more generations than this are not inherited. */
const MAX_INDEX_AGE = 16;
/** And at most this many, the most recently used, are. */
const MAX_INHERITED_INDEXES = 256;
/** Compiled queries are shared along a line of snapshots; this bounds the table. */
const MAX_QUERIES = 512;

export interface SnapshotOptions {
  /**
   * An earlier snapshot of the same candidate instances (same cluster, same filtering): its
   * indexes are carried over and patched for the views that differ. Any snapshot gives a
   * correct result; a close one (the last launch's) makes the derivation cheap.
   */
  readonly previous?: ClusterSnapshot;
}

export class ClusterSnapshot {
  readonly instances: readonly InstanceView[];
  /** Base state per instance, index-aligned with `instances`. */
  readonly live: readonly LiveInstance[];
  /** Snapshots derived in a line count up; indexes age by it. */
  readonly generation: number;
  /** Per-snapshot memo (wrappers over indexes); never inherited. */
  private readonly memo = new Map<string, unknown>();
  private readonly queries: Map<string, CompiledQuery>;
  private readonly indexes: Map<string, IndexEntry>;
  private readonly changes = new Map<readonly InstanceView[], SnapshotChange | undefined>();
  private readonly verdicts = new Map<CompiledQuery, Int8Array>();

  constructor(instances: readonly InstanceView[], options: SnapshotOptions = {}) {
    // A copy: a caller reusing its array for the next launch must not change this one.
    this.instances = instances.slice();
    const previous = options.previous;
    const change = previous && this.changeFrom(previous.instances, previous.live);
    if (previous === undefined || change === undefined) {
      this.generation = previous === undefined ? 0 : previous.generation + 1;
      this.queries = previous === undefined || previous.queries.size > MAX_QUERIES ? new Map() : previous.queries;
      this.live = this.instances.map(buildLive);
      this.indexes = new Map();
      return;
    }
    this.generation = previous.generation + 1;
    this.queries = previous.queries.size > MAX_QUERIES ? new Map() : previous.queries;
    this.live = patchLive(previous.live, change, this.instances);
    this.indexes = inherit(previous.indexes, this.generation);
  }

  get size(): number {
    return this.instances.length;
  }

  /** Returns the per-snapshot memoized value for key, building it on first use. */
  memoize<T>(key: string, build: () => T): T {
    if (this.memo.has(key)) return this.memo.get(key) as T;
    const value = build();
    this.memo.set(key, value);
    return value;
  }

  /**
   * The index named `key`: inherited and patched when an earlier snapshot of the line built it,
   * else built. The key must determine the kind (same key, same index).
   */
  index<T>(key: string, kind: IndexKind<T>): T {
    const entry = this.indexes.get(key);
    if (entry !== undefined) {
      if (entry.base === this.instances) {
        entry.used = this.generation;
        return entry.value as T;
      }
      const change = this.changeFrom(entry.base, entry.baseLive);
      if (change !== undefined) {
        const value = isEmptyChange(change) ? (entry.value as T) : kind.patch(entry.value as T, change, this);
        this.indexes.set(key, { base: this.instances, baseLive: this.live, value, used: this.generation });
        return value;
      }
    }
    const value = kind.build(this);
    this.indexes.set(key, { base: this.instances, baseLive: this.live, value, used: this.generation });
    return value;
  }

  private changeFrom(base: readonly InstanceView[], baseLive: readonly LiveInstance[]): SnapshotChange | undefined {
    if (this.changes.has(base)) return this.changes.get(base);
    const change = changeBetween(base, baseLive, this.instances);
    this.changes.set(base, change);
    return change;
  }

  /** Parses and compiles an expression once per line of snapshots; throws QueryParseError. */
  query(text: string): CompiledQuery {
    let q = this.queries.get(text);
    if (!q) {
      q = compileQuery(text);
      this.queries.set(text, q);
    }
    return q;
  }

  /**
   * Whether instance i (in its base state) satisfies a query; memoized per query so that each
   * expression runs at most once per instance and line of snapshots.
   */
  matches(query: CompiledQuery, i: number): boolean {
    let cache = this.verdicts.get(query);
    if (!cache) {
      cache = this.index(`verdict\u0000${query.text}`, query.usesTasks ? TASK_VERDICTS : STATIC_VERDICTS);
      this.verdicts.set(query, cache);
    }
    const known = cache[i]!;
    if (known !== 0) return known > 0;
    const ok = query.test(this.live[i]!.facts);
    cache[i] = ok ? 1 : -1;
    return ok;
  }
}

/**
 * Verdicts per position: 1 true, −1 false, 0 not evaluated yet (filled in place as placement
 * asks, which is safe to share: a position's verdict is fixed by its view object). A patch
 * copies the known verdicts of kept instances and leaves the fresh ones to evaluate; an
 * expression that ignores tasks keeps its verdict for an instance that only got tasks.
 */
function verdictsKind(part: (c: SnapshotChange) => SnapshotChange): IndexKind<Int8Array> {
  return {
    build(snapshot) {
      return new Int8Array(snapshot.size);
    },
    patch(previous, whole, snapshot) {
      const change = part(whole);
      if (isEmptyChange(change)) return previous;
      if (change.remap === undefined) {
        const out = previous.slice();
        for (const f of change.fresh) out[f] = 0;
        return out;
      }
      const out = new Int8Array(snapshot.size);
      for (let o = 0; o < previous.length; o++) {
        const p = change.remap[o]!;
        if (p >= 0) out[p] = previous[o]!;
      }
      return out;
    },
  };
}

const TASK_VERDICTS = verdictsKind((c) => c);
const STATIC_VERDICTS = verdictsKind(staticPart);

function patchLive(previous: readonly LiveInstance[], change: SnapshotChange, instances: readonly InstanceView[]): LiveInstance[] {
  if (change.remap === undefined) {
    const live = previous.slice();
    for (const f of change.fresh) live[f] = liveAt(baseState(instances[f]!), f);
    return live;
  }
  const live = new Array<LiveInstance>(instances.length);
  for (let o = 0; o < previous.length; o++) {
    const p = change.remap[o]!;
    if (p >= 0) live[p] = p === o ? previous[o]! : liveAt(previous[o]!, p);
  }
  for (const f of change.fresh) live[f] = liveAt(baseState(instances[f]!), f);
  return live;
}

function inherit(indexes: ReadonlyMap<string, IndexEntry>, generation: number): Map<string, IndexEntry> {
  let kept = [...indexes].filter(([, e]) => generation - e.used <= MAX_INDEX_AGE);
  if (kept.length > MAX_INHERITED_INDEXES) kept = kept.sort(([, a], [, b]) => b.used - a.used).slice(0, MAX_INHERITED_INDEXES);
  return new Map(kept);
}

/** A snapshot of `instances`; with `previous`, derived from it (see SnapshotOptions). */
export function createSnapshot(instances: readonly InstanceView[], options: SnapshotOptions = {}): ClusterSnapshot {
  return new ClusterSnapshot(instances, options);
}

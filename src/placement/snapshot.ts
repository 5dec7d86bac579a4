// The cluster as placement sees it: instance views normalized once (attributes and task groups
// as maps, ports as sets) plus indexes built lazily and kept for the snapshot's lifetime:
// which instances pass a request's static filters, spread buckets, orders by strategy key.
// A snapshot is immutable from the outside; its indexes are memoized derivations of it, so
// placing against the same snapshot twice gives the same answer and costs less the second time.
// Callers must not mutate the InstanceView objects after creating the snapshot.

import { compileQuery, taskGroupOf, type AttributeLookup, type CompiledQuery, type QueryFacts } from "./query/index.js";
import type { InstanceAttribute, InstanceView, PortList } from "./types.js";

/** The mutable-looking state that placing a task changes; shared shape for base and overlay. */
export interface LiveInstance {
  readonly index: number;
  readonly cpu: number;
  readonly memory: number;
  readonly ports: ReadonlySet<number>;
  readonly portsUdp: ReadonlySet<number>;
  readonly facts: QueryFacts;
}

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

// A snapshot is built for every launch, but most instances are the same objects as last time
// (callers keep an InstanceView while its record is unchanged; views are read-only): their base
// state is derived once per object. With 10,000 tasks on 200 instances this walk over every
// task of every instance was most of a launch's cost.
const baseStates = new WeakMap<InstanceView, Omit<LiveInstance, "index">>();

function buildLive(instance: InstanceView, index: number): LiveInstance {
  let base = baseStates.get(instance);
  if (!base) {
    base = baseState(instance);
    baseStates.set(instance, base);
  }
  return { index, ...base };
}

function baseState(instance: InstanceView): Omit<LiveInstance, "index"> {
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

export class ClusterSnapshot {
  readonly instances: readonly InstanceView[];
  /** Base state per instance, index-aligned with `instances`. */
  readonly live: readonly LiveInstance[];
  private readonly memo = new Map<string, unknown>();
  private readonly queries = new Map<string, CompiledQuery>();
  private readonly verdicts = new Map<CompiledQuery, Int8Array>();

  constructor(instances: readonly InstanceView[]) {
    this.instances = instances;
    this.live = instances.map(buildLive);
  }

  get size(): number {
    return this.instances.length;
  }

  /** Returns the memoized value for key, building it on first use. */
  memoize<T>(key: string, build: () => T): T {
    if (this.memo.has(key)) return this.memo.get(key) as T;
    const value = build();
    this.memo.set(key, value);
    return value;
  }

  /** Parses and compiles an expression once per snapshot; throws QueryParseError. */
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
   * expression runs at most once per instance and snapshot.
   */
  matches(query: CompiledQuery, i: number): boolean {
    let cache = this.verdicts.get(query);
    if (!cache) this.verdicts.set(query, (cache = new Int8Array(this.instances.length)));
    const known = cache[i]!;
    if (known !== 0) return known > 0;
    const ok = query.test(this.live[i]!.facts);
    cache[i] = ok ? 1 : -1;
    return ok;
  }
}

export function createSnapshot(instances: readonly InstanceView[]): ClusterSnapshot {
  return new ClusterSnapshot(instances);
}

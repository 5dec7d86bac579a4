// What one place() call has done so far: the instances it placed tasks on, with their updated
// resources, ports and task groups. The snapshot's base state and indexes stay untouched; any
// instance found here ("dirty") is read from here instead, so nothing is double-booked.

import type { QueryFacts } from "./query/index.js";
import type { ClusterSnapshot, LiveInstance } from "./snapshot.js";
import { bucketValue } from "./strategies.js";

interface DirtyInstance extends LiveInstance {
  cpu: number;
  memory: number;
  readonly ports: Set<number>;
  readonly portsUdp: Set<number>;
  readonly facts: QueryFacts & { runningTasksCount: number; readonly taskGroups: Map<string, number> };
}

export interface TaskFootprint {
  readonly cpu: number;
  readonly memory: number;
  readonly tcp: readonly number[];
  readonly udp: readonly number[];
  readonly group: string;
}

export class Overlay {
  private readonly changed = new Map<number, DirtyInstance>();

  constructor(readonly snapshot: ClusterSnapshot) {}

  isDirty(i: number): boolean {
    return this.changed.has(i);
  }

  /** The current state of instance i. */
  live(i: number): LiveInstance {
    return this.changed.get(i) ?? this.snapshot.live[i]!;
  }

  dirty(): IterableIterator<LiveInstance> {
    return this.changed.values();
  }

  get dirtyCount(): number {
    return this.changed.size;
  }

  /** Books one task on instance i. */
  place(i: number, task: TaskFootprint): void {
    let d = this.changed.get(i);
    if (!d) {
      const base = this.snapshot.live[i]!;
      d = {
        index: i,
        cpu: base.cpu,
        memory: base.memory,
        ports: new Set(base.ports),
        portsUdp: new Set(base.portsUdp),
        facts: { ...base.facts, taskGroups: new Map(base.facts.taskGroups) },
      };
      this.changed.set(i, d);
    }
    d.cpu -= task.cpu;
    d.memory -= task.memory;
    for (const p of task.tcp) d.ports.add(p);
    for (const p of task.udp) d.portsUdp.add(p);
    d.facts.runningTasksCount++;
    d.facts.taskGroups.set(task.group, (d.facts.taskGroups.get(task.group) ?? 0) + 1);
  }

  /**
   * Tasks of `group` this call added on instances whose `attribute` has `value`: the overlay's
   * share of a spread bucket's count.
   */
  addedInBucket(group: string, attribute: string, value: string): number {
    let added = 0;
    for (const d of this.changed.values()) {
      if (bucketValue(d.facts.attributes, attribute) !== value) continue;
      const base = this.snapshot.live[d.index]!.facts.taskGroups.get(group) ?? 0;
      added += (d.facts.taskGroups.get(group) ?? 0) - base;
    }
    return added;
  }
}

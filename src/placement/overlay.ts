// What one place() call has done so far: the instances it placed tasks on, with their updated
// resources, ports and task groups. The snapshot's base state and indexes stay untouched; any
// instance found here ("dirty") is read from here instead, so nothing is double-booked.

import { hostPortsOn, type PortFootprint } from "./host-ports.js";
import type { QueryFacts } from "./query/index.js";
import type { ClusterSnapshot, LiveInstance } from "./snapshot.js";
import { bucketValue } from "./strategies.js";

interface DirtyInstance extends LiveInstance {
  cpu: number;
  memory: number;
  enis: number;
  // The base snapshot's sets until this call books a port (most tasks use dynamic ports only).
  ports: ReadonlySet<number>;
  portsUdp: ReadonlySet<number>;
  readonly facts: QueryFacts & { runningTasksCount: number; readonly taskGroups: Map<string, number> };
}

/** tcp/udp: fixed host ports; `untranslated`: what instances without port translation take. */
export interface TaskFootprint extends PortFootprint {
  readonly cpu: number;
  readonly memory: number;
  readonly group: string;
  /** Takes one ENI where the instance counts them. */
  readonly eni: boolean;
}

/** Tasks of `group` this call added per value of `attribute`, kept current as tasks are booked. */
interface AddedCounts {
  readonly group: string;
  readonly attribute: string;
  readonly byValue: Map<string, number>;
}

export class Overlay {
  private readonly changed = new Map<number, DirtyInstance>();
  // Spread asks for every bucket's count before each task; counting the dirty instances each
  // time made that O(buckets × dirty) per task.
  private readonly added = new Map<string, AddedCounts>();

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
        ports: base.ports,
        portsUdp: base.portsUdp,
        enis: base.enis,
        facts: {
          attributes: base.facts.attributes,
          ec2InstanceId: base.facts.ec2InstanceId,
          agentConnected: base.facts.agentConnected,
          agentVersion: base.facts.agentVersion,
          registeredAt: base.facts.registeredAt,
          runningTasksCount: base.facts.runningTasksCount,
          taskGroups: new Map(base.facts.taskGroups),
        },
      };
      this.changed.set(i, d);
    }
    d.cpu -= task.cpu;
    d.memory -= task.memory;
    if (task.eni) d.enis -= 1;
    const ports = hostPortsOn(d.facts.attributes, task);
    if (ports.tcp.length > 0) d.ports = new Set([...d.ports, ...ports.tcp]);
    if (ports.udp.length > 0) d.portsUdp = new Set([...d.portsUdp, ...ports.udp]);
    d.facts.runningTasksCount++;
    d.facts.taskGroups.set(task.group, (d.facts.taskGroups.get(task.group) ?? 0) + 1);
    for (const a of this.added.values()) {
      if (a.group !== task.group) continue;
      const v = bucketValue(d.facts.attributes, a.attribute);
      a.byValue.set(v, (a.byValue.get(v) ?? 0) + 1);
    }
  }

  /**
   * Tasks of `group` this call added per value of `attribute` (the overlay's share of spread
   * bucket counts). The map returned stays current as later tasks are booked.
   */
  addedInBuckets(group: string, attribute: string): ReadonlyMap<string, number> {
    const key = `${group}\u0000${attribute}`;
    let a = this.added.get(key);
    if (!a) {
      const byValue = new Map<string, number>();
      for (const d of this.changed.values()) {
        const base = this.snapshot.live[d.index]!.facts.taskGroups.get(group) ?? 0;
        const v = bucketValue(d.facts.attributes, attribute);
        byValue.set(v, (byValue.get(v) ?? 0) + (d.facts.taskGroups.get(group) ?? 0) - base);
      }
      this.added.set(key, (a = { group, attribute, byValue }));
    }
    return a.byValue;
  }
}

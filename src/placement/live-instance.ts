// One instance as placement works with it (shared by the snapshot and its change tracking).
import type { QueryFacts } from "./query/index.js";

/** The mutable-looking state that placing a task changes; shared shape for base and overlay. */
export interface LiveInstance {
  readonly index: number;
  readonly cpu: number;
  readonly memory: number;
  readonly ports: ReadonlySet<number>;
  readonly portsUdp: ReadonlySet<number>;
  /** ENIs left; Infinity where the instance counts none. */
  readonly enis: number;
  readonly facts: QueryFacts;
}

export type BaseState = Omit<LiveInstance, "index">;

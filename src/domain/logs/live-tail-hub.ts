// Where Live Tail sessions learn of new events: PutLogEvents publishes each stored batch here,
// right after its transaction returns, to the sessions subscribed to that group. Nothing polls
// the event table. One hub per event store (so per control plane), found from the store itself,
// so the control plane's wiring needs nothing new; its options are the session limits, which
// tests shorten.
import type { LogEventInput, LogEventStore } from "../../store/index.js";
import { SESSION_LIMIT_MS, UPDATE_INTERVAL_MS } from "./live-tail-rules.js";
import type { LogsDeps } from "./records.js";

/** One PutLogEvents batch as stored. */
export interface AppendedBatch {
  groupUid: string;
  logStreamName: string;
  events: readonly LogEventInput[];
  ingestionTime: number;
}

export type BatchListener = (batch: AppendedBatch) => void;

export interface LiveTailOptions {
  /** How often a session sends an update (AWS: about once a second). */
  updateIntervalMs: number;
  /** How long a session lasts before SessionTimeoutException (AWS: 3 hours). */
  sessionLimitMs: number;
}

export class LiveTailHub {
  private readonly byGroup = new Map<string, Set<BatchListener>>();
  private count = 0;
  options: LiveTailOptions = { updateIntervalMs: UPDATE_INTERVAL_MS, sessionLimitMs: SESSION_LIMIT_MS };

  /** Listens to the groups' new events; the returned function (idempotent) stops listening. */
  subscribe(groupUids: readonly string[], listener: BatchListener): () => void {
    for (const uid of groupUids) {
      let set = this.byGroup.get(uid);
      if (!set) this.byGroup.set(uid, (set = new Set()));
      set.add(listener);
    }
    this.count++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.count--;
      for (const uid of groupUids) {
        const set = this.byGroup.get(uid);
        set?.delete(listener);
        if (set?.size === 0) this.byGroup.delete(uid);
      }
    };
  }

  publish(batch: AppendedBatch): void {
    const set = this.byGroup.get(batch.groupUid);
    if (!set) return;
    // A copy: a listener may end its session (and unsubscribe) while being told.
    for (const listener of [...set]) listener(batch);
  }

  /** Live subscriptions: sessions open now. */
  get subscriptions(): number {
    return this.count;
  }

  configure(options: Partial<LiveTailOptions>): void {
    this.options = { ...this.options, ...options };
  }
}

const hubs = new WeakMap<LogEventStore, LiveTailHub>();

/** The hub of the deps' event store (made when first asked for). */
export function liveTailHub(deps: Pick<LogsDeps, "logEvents">): LiveTailHub {
  let hub = hubs.get(deps.logEvents);
  if (!hub) hubs.set(deps.logEvents, (hub = new LiveTailHub()));
  return hub;
}

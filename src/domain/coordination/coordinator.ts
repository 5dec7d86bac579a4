// Several control-plane servers on one store (issue 15): who is alive, which server owns which
// shard of the service scheduler's work, and who is the leader that runs the controllers that
// must not run twice (target registration, Cloud Map registration, ingress sync, retention, the
// load balancers' data plane).
//
// Observe → decide → act, like every loop in berth: the records under PREFIX are listed and
// watched into a local view; planShards (pure) decides; this module writes the claims with
// compare-and-swap. A server renews only its own member record (one write per second), and an
// ownership record changes only when ownership does, so its modRevision is a stable fence for
// every write the owner makes (fenced-store.ts).
import type { Logger } from "pino";
import type { Compare, Disposable, Store, WatchBatch } from "../../store/index.js";
import { planShards, type MemberView, type OwnerView } from "./shard-plan.js";

/** Outside the cache's /berth/ prefix: renewals never wake the cache or the controllers. */
export const COORDINATION_PREFIX = "/berth-coordination/";

export interface CoordinatorOptions {
  store: Store;
  serverId: string;
  logger: Logger;
  /** How many shards the services are split into (the same on every server). Default 16. */
  shardCount?: number;
  /** A member unseen this long is gone. Default 3 s. */
  ttlMs?: number;
  /** How often the member record is renewed and the plan acted on. Default 1 s. */
  tickMs?: number;
  /** Monotonic milliseconds (tests drive it). */
  now?: () => number;
  /** What the member record says of this server besides its id (its API URL, for people). */
  advertise?: Record<string, unknown>;
}

export interface CoordinationView {
  serverId: string;
  leader?: string;
  members: { id: string; alive: boolean; shards: number[] }[];
  shardCount: number;
}

export interface Coordinator {
  readonly serverId: string;
  readonly shardCount: number;
  owns(shard: number): boolean;
  isLeader(): boolean;
  /** The compare that fences writes made for a shard, or undefined when not owned. */
  shardFence(shard: number): Compare | undefined;
  leaderFence(): Compare | undefined;
  /** Told after ownership changed: shards gained and lost, and the leader role. */
  onChange(listener: (change: { gained: number[]; lost: number[]; leader?: boolean }) => void): Disposable;
  /** Resolves once the first plan has been acted on (a lone server then owns everything). */
  ready(): Promise<void>;
  view(): CoordinationView;
  /**
   * Gives every shard and the leader role back and removes the member record, for a quick
   * handover. `{ release: false }` just stops, leaving the records as a crashed server would.
   */
  close(options?: { release?: boolean }): Promise<void>;
}

interface OwnerRecord {
  owner?: string;
}

const memberKey = (id: string) => `${COORDINATION_PREFIX}members/${id}`;
const shardKey = (n: number) => `${COORDINATION_PREFIX}shards/${String(n).padStart(4, "0")}`;
const LEADER_KEY = `${COORDINATION_PREFIX}leader`;

export function startCoordinator(options: CoordinatorOptions): Coordinator {
  const { store, serverId, logger } = options;
  const shardCount = options.shardCount ?? 16;
  const ttlMs = options.ttlMs ?? 3_000;
  const tickMs = options.tickMs ?? 1_000;
  const now = options.now ?? (() => performance.now());

  // The view: what the records say, and when each member was last seen to renew.
  const members = new Map<string, MemberView & { modRevision: number }>();
  const shards = new Map<number, OwnerView>();
  let leader: OwnerView | undefined;
  // What this server holds: record → the modRevision it took it at (the fence).
  const held = new Map<number, number>();
  let leaderHeld: number | undefined;
  let lastRenewed = now();

  const listeners = new Set<(change: { gained: number[]; lost: number[]; leader?: boolean }) => void>();
  const emit = (change: { gained: number[]; lost: number[]; leader?: boolean }) => {
    if (change.gained.length === 0 && change.lost.length === 0 && change.leader === undefined) return;
    for (const l of listeners) {
      try {
        l(change);
      } catch (err) {
        logger.error({ err }, "a coordination listener failed");
      }
    }
  };

  const apply = (key: string, value: string | undefined, modRevision: number) => {
    if (key.startsWith(`${COORDINATION_PREFIX}members/`)) {
      const id = key.slice(`${COORDINATION_PREFIX}members/`.length);
      if (value === undefined) members.delete(id);
      else members.set(id, { lastSeenAt: now(), modRevision });
      return;
    }
    const rec: OwnerRecord = value === undefined ? {} : (JSON.parse(value) as OwnerRecord);
    const view: OwnerView = { ...(rec.owner ? { owner: rec.owner } : {}), modRevision: value === undefined ? 0 : modRevision };
    if (key === LEADER_KEY) {
      leader = view;
      if (leaderHeld !== undefined && view.modRevision !== leaderHeld) {
        leaderHeld = undefined;
        emit({ gained: [], lost: [], leader: false });
      }
      return;
    }
    if (key.startsWith(`${COORDINATION_PREFIX}shards/`)) {
      const n = Number(key.slice(`${COORDINATION_PREFIX}shards/`.length));
      shards.set(n, view);
      const mine = held.get(n);
      if (mine !== undefined && view.modRevision !== mine) {
        held.delete(n);
        emit({ gained: [], lost: [n] });
      }
    }
  };

  let watch: Disposable | undefined;
  let closed = false;
  const observe = async (): Promise<void> => {
    const listed = await store.range(COORDINATION_PREFIX);
    members.clear();
    for (const kv of listed.kvs) apply(kv.key, kv.value, kv.modRevision);
    watch?.dispose();
    watch = store.watch(
      COORDINATION_PREFIX,
      {
        afterRevision: listed.revision,
        onError: (err) => {
          logger.warn({ err }, "coordination watch failed; listing again");
          if (!closed) observe().catch((e) => logger.error({ err: e }, "coordination list failed"));
        },
      },
      (batch: WatchBatch) => {
        for (const e of batch.events) {
          if (e.type === "put") apply(e.kv.key, e.kv.value, e.kv.modRevision);
          else apply(e.key, undefined, e.modRevision);
        }
      },
    );
  };

  const claim = async (key: string, modRevision: number, owner: string | undefined): Promise<number | undefined> => {
    const res = await store.txn({
      compare: [{ key, modRevision }],
      success: [{ kind: "put", key, value: JSON.stringify(owner ? { owner } : {}) }],
    });
    return res.succeeded ? res.revision : undefined;
  };

  const tick = async (): Promise<void> => {
    // Renew first: a server that cannot renew for a whole ttl assumes the others took over.
    try {
      await store.txn({ success: [{ kind: "put", key: memberKey(serverId), value: JSON.stringify({ id: serverId, ...options.advertise }) }] });
      lastRenewed = now();
    } catch (err) {
      logger.warn({ err }, "could not renew this server's membership");
      if (now() - lastRenewed >= ttlMs) dropAll();
      return;
    }
    const plan = planShards({ me: serverId, now: now(), ttlMs, shardCount, members, shards, ...(leader ? { leader } : {}) });
    const gained: number[] = [];
    const lost: number[] = [];
    let leaderChange: boolean | undefined;
    for (const r of plan.release) {
      if (held.get(r.shard) === undefined) continue;
      held.delete(r.shard);
      lost.push(r.shard);
      await claim(shardKey(r.shard), r.modRevision, undefined);
    }
    for (const t of plan.take) {
      const rev = await claim(shardKey(t.shard), t.modRevision, serverId);
      if (rev !== undefined) {
        held.set(t.shard, rev);
        gained.push(t.shard);
      }
    }
    if (plan.takeLeader && leaderHeld === undefined) {
      const rev = await claim(LEADER_KEY, plan.takeLeader.modRevision, serverId);
      if (rev !== undefined) {
        leaderHeld = rev;
        leaderChange = true;
      }
    }
    emit({ gained, lost, ...(leaderChange !== undefined ? { leader: leaderChange } : {}) });
    // The leader forgets servers that are gone (their shards are free already), so that a
    // server starting later does not count them alive until a ttl of its own has passed.
    if (leaderHeld !== undefined) {
      for (const [id, m] of members) {
        if (id === serverId || now() - m.lastSeenAt < ttlMs) continue;
        await store.txn({ compare: [{ key: memberKey(id), modRevision: m.modRevision }], success: [{ kind: "delete", key: memberKey(id) }] });
      }
    }
  };

  const dropAll = () => {
    const lost = [...held.keys()];
    held.clear();
    const wasLeader = leaderHeld !== undefined;
    leaderHeld = undefined;
    emit({ gained: [], lost, ...(wasLeader ? { leader: false } : {}) });
  };

  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  const loop = () => {
    running = running
      .then(tick)
      .catch((err) => logger.warn({ err }, "coordination pass failed"))
      .finally(() => {
        if (!closed) {
          timer = setTimeout(loop, tickMs);
          timer.unref();
        }
      });
  };
  const firstTick = observe().then(() => {
    if (closed) return;
    loop();
    return running;
  });

  return {
    serverId,
    shardCount,
    owns: (shard) => held.has(shard),
    isLeader: () => leaderHeld !== undefined,
    shardFence: (shard) => {
      const rev = held.get(shard);
      return rev === undefined ? undefined : { key: shardKey(shard), modRevision: rev };
    },
    leaderFence: () => (leaderHeld === undefined ? undefined : { key: LEADER_KEY, modRevision: leaderHeld }),
    onChange(listener) {
      listeners.add(listener);
      return { dispose: () => listeners.delete(listener) };
    },
    ready: () => firstTick,
    view(): CoordinationView {
      const t = now();
      const ids = [...new Set([serverId, ...members.keys()])].sort();
      return {
        serverId,
        ...(leader?.owner ? { leader: leader.owner } : {}),
        shardCount,
        members: ids.map((id) => ({
          id,
          alive: id === serverId || t - (members.get(id)?.lastSeenAt ?? -Infinity) < ttlMs,
          shards: [...shards.entries()].filter(([, v]) => v.owner === id).map(([n]) => n).sort((a, b) => a - b),
        })),
      };
    },
    async close(closeOptions = {}) {
      closed = true;
      if (timer) clearTimeout(timer);
      await running.catch(() => undefined);
      watch?.dispose();
      if (closeOptions.release === false) return;
      const release = [...held.entries()].map(([n, rev]) => claim(shardKey(n), rev, undefined));
      if (leaderHeld !== undefined) release.push(claim(LEADER_KEY, leaderHeld, undefined));
      held.clear();
      leaderHeld = undefined;
      await Promise.allSettled(release);
      await store.txn({ success: [{ kind: "delete", key: memberKey(serverId) }] }).catch(() => undefined);
    },
  };
}

// Which shards of the control plane's work this server should take or give back, decided purely
// from what it has observed of the other servers (issue 15: several servers on one store).
//
// Every server renews a member record about once a second. Like Kubernetes' leader election,
// liveness is judged by the observer's own monotonic clock: a member is alive while the observer
// saw its record change less than `ttlMs` ago, so no two hosts need agreeing clocks. A shard
// (and the leader role) belongs to the server its record names; a shard whose owner is gone is
// free. Each live server aims at an even share, ceil(shards / live servers): below it, it takes
// free shards; above it, while another live server is below its share, it gives the excess back.
// Correctness does not rest on this plan (every write is fenced by the shard record's
// modRevision, fenced-store.ts); the plan only decides who should work where.

export interface MemberView {
  /** When (observer's monotonic ms) the member's record last changed, or was first seen. */
  lastSeenAt: number;
}

export interface OwnerView {
  /** The server named by the record; absent when the record is free (released). */
  owner?: string;
  /** The record's modRevision (0: no record yet): the guard for taking it. */
  modRevision: number;
}

export interface ShardPlanInput {
  me: string;
  now: number;
  ttlMs: number;
  shardCount: number;
  members: ReadonlyMap<string, MemberView>;
  /** Shard number → its record; a missing entry is a shard never owned. */
  shards: ReadonlyMap<number, OwnerView>;
  leader?: OwnerView;
}

export interface ShardPlan {
  /** Shards to claim, each guarded by the modRevision it was decided on. */
  take: { shard: number; modRevision: number }[];
  /** Shards to hand back (this server owns them). */
  release: { shard: number; modRevision: number }[];
  /** Claim the leader role (guarded), when it is free or its holder is gone. */
  takeLeader?: { modRevision: number };
  /** Who is alive, this server included, in name order. */
  live: string[];
  share: number;
}

export function isAlive(input: Pick<ShardPlanInput, "me" | "now" | "ttlMs" | "members">, id: string): boolean {
  if (id === input.me) return true;
  const m = input.members.get(id);
  return m !== undefined && input.now - m.lastSeenAt < input.ttlMs;
}

export function planShards(input: ShardPlanInput): ShardPlan {
  const live = [...new Set([input.me, ...input.members.keys()])].filter((id) => isAlive(input, id)).sort();
  const share = Math.ceil(input.shardCount / live.length);
  const ownerOf = (n: number) => {
    const rec = input.shards.get(n);
    return rec?.owner !== undefined && isAlive(input, rec.owner) ? rec.owner : undefined;
  };
  const mine: number[] = [];
  const free: number[] = [];
  const held = new Map<string, number>();
  for (let n = 0; n < input.shardCount; n++) {
    const owner = ownerOf(n);
    if (owner === input.me) mine.push(n);
    else if (owner === undefined) free.push(n);
    if (owner !== undefined) held.set(owner, (held.get(owner) ?? 0) + 1);
  }
  const guard = (n: number) => input.shards.get(n)?.modRevision ?? 0;
  // Servers scan the free shards from different starting points, so that two servers starting
  // together rarely race for the same records (a lost race only costs a retry).
  const offset = live.indexOf(input.me) * share;
  free.sort((a, b) => ((a - offset + input.shardCount) % input.shardCount) - ((b - offset + input.shardCount) % input.shardCount));
  const take = free.slice(0, Math.max(0, share - mine.length)).map((shard) => ({ shard, modRevision: guard(shard) }));
  const release: ShardPlan["release"] = [];
  const someoneShort = live.some((id) => id !== input.me && (held.get(id) ?? 0) < share - 1);
  const freeLeft = free.length - take.length;
  if (mine.length > share && someoneShort && freeLeft === 0) {
    for (const shard of mine.slice(share)) release.push({ shard, modRevision: guard(shard) });
  }
  const leaderOwner = input.leader?.owner;
  const leaderFree = leaderOwner === undefined || !isAlive(input, leaderOwner);
  return {
    take,
    release,
    ...(leaderFree ? { takeLeader: { modRevision: input.leader?.modRevision ?? 0 } } : {}),
    live,
    share,
  };
}

/** The shard a service's key falls in: FNV-1a of the key, so every server computes the same. */
export function shardOf(key: string, shardCount: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % shardCount;
}

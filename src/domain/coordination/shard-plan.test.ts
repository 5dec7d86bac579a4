import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planShards, shardOf, type OwnerView, type ShardPlanInput } from "./shard-plan.js";

const TTL = 3_000;
const NOW = 100_000;

function input(me: string, owners: (string | undefined)[], members: Record<string, number>, leader?: OwnerView): ShardPlanInput {
  const shards = new Map<number, OwnerView>();
  owners.forEach((owner, n) => shards.set(n, { ...(owner ? { owner } : {}), modRevision: 10 + n }));
  return {
    me,
    now: NOW,
    ttlMs: TTL,
    shardCount: owners.length,
    members: new Map(Object.entries(members).map(([id, ago]) => [id, { lastSeenAt: NOW - ago }])),
    shards,
    ...(leader ? { leader } : {}),
  };
}

describe("planShards", () => {
  const cases: { name: string; in: ShardPlanInput; take: number[]; release: number[]; leader: boolean }[] = [
    {
      name: "alone: takes every shard and the leader role",
      in: input("a", [undefined, undefined, undefined, undefined], {}),
      take: [0, 1, 2, 3],
      release: [],
      leader: true,
    },
    {
      name: "two live servers, nothing owned: each aims at half",
      in: input("b", [undefined, undefined, undefined, undefined], { a: 100 }, { owner: "a", modRevision: 5 }),
      take: [2, 3],
      release: [],
      leader: false,
    },
    {
      name: "a dead owner's shards are free; a live owner's are not",
      in: input("a", ["a", "b", "c", "c"], { b: 100, c: TTL + 1 }, { owner: "c", modRevision: 5 }),
      take: [2],
      release: [],
      leader: true,
    },
    {
      name: "a newcomer with nothing: the holder of everything gives back the excess",
      in: input("a", ["a", "a", "a", "a"], { b: 100 }, { owner: "a", modRevision: 5 }),
      take: [],
      release: [2, 3],
      leader: false,
    },
    {
      name: "no release while free shards remain (someone short takes those first)",
      in: input("a", ["a", "a", "a", undefined], { b: 100 }),
      take: [],
      release: [],
      leader: true,
    },
    {
      name: "balanced within one: nothing moves",
      in: input("a", ["a", "a", "b", "b", "c"], { b: 100, c: 100 }, { owner: "b", modRevision: 5 }),
      take: [],
      release: [],
      leader: false,
    },
    {
      name: "a member seen exactly ttl ago is gone",
      in: input("a", ["b", "b"], { b: TTL }),
      take: [0, 1],
      release: [],
      leader: true,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = planShards(c.in);
      assert.deepEqual(plan.take.map((t) => t.shard).sort(), c.take);
      assert.deepEqual(plan.release.map((t) => t.shard).sort(), c.release);
      assert.equal(plan.takeLeader !== undefined, c.leader);
      for (const t of [...plan.take, ...plan.release]) assert.equal(t.modRevision, 10 + t.shard, "guarded by the record it was decided on");
    });
  }

  it("converges: servers applying their plans in turn end with every shard owned once, evenly", () => {
    for (const servers of [1, 2, 3, 5]) {
      const ids = Array.from({ length: servers }, (_, i) => `s${i}`);
      const owners: (string | undefined)[] = Array(16).fill(undefined);
      for (let round = 0; round < 10; round++) {
        for (const me of ids) {
          const plan = planShards(input(me, owners, Object.fromEntries(ids.filter((i) => i !== me).map((i) => [i, 0]))));
          for (const t of plan.take) owners[t.shard] = me;
          for (const r of plan.release) owners[r.shard] = undefined;
        }
      }
      assert.ok(owners.every((o) => o !== undefined), `${servers} servers: every shard owned`);
      const counts = ids.map((id) => owners.filter((o) => o === id).length);
      assert.ok(Math.max(...counts) - Math.min(...counts) <= Math.ceil(16 / servers), `${servers} servers: ${counts.join(",")}`);
      assert.ok(Math.max(...counts) <= Math.ceil(16 / servers), `${servers} servers: no one above its share (${counts.join(",")})`);
    }
  });

  it("shardOf is stable and spreads keys", () => {
    assert.equal(shardOf("/berth/services/000000000000/us-east-1/default/web", 16), shardOf("/berth/services/000000000000/us-east-1/default/web", 16));
    const hits = new Set(Array.from({ length: 200 }, (_, i) => shardOf(`/berth/services/x/y/default/svc-${i}`, 16)));
    assert.equal(hits.size, 16);
  });
});

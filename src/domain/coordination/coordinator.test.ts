// Coordinators of several servers on one real store (SQLite in memory; the etcd backend passes
// the same store contract): shards split evenly, a crashed server's shards and leader role move,
// a graceful close hands over at once, and a former owner's late write is fenced off.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import pino from "pino";
import { openSqliteStore } from "../../store/index.js";
import { startCoordinator, type Coordinator } from "./coordinator.js";
import { fencedStore, LeaseLostError } from "./fenced-store.js";

const logger = pino({ level: "silent" });
const TTL = 3_000;
const TICK = 50;

async function until(what: string, check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("coordinator", () => {
  const store = openSqliteStore({ path: ":memory:" });
  const started: Coordinator[] = [];
  // A monotonic clock the test moves: a member is judged gone only when the test says time passed.
  let clock = 0;
  const start = (serverId: string) => {
    const c = startCoordinator({ store, serverId, logger, shardCount: 8, ttlMs: TTL, tickMs: TICK, now: () => clock });
    started.push(c);
    return c;
  };
  const owned = (c: Coordinator) => Array.from({ length: c.shardCount }, (_, n) => n).filter((n) => c.owns(n));
  after(async () => {
    for (const c of started) await c.close({ release: false });
    await store.close();
  });

  it("a lone server owns every shard and leads once ready; a second one gets half; exactly one leads", async () => {
    const a = start("a");
    await a.ready();
    assert.deepEqual(owned(a), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.ok(a.isLeader());
    const b = start("b");
    await until("an even split", () => owned(a).length === 4 && owned(b).length === 4);
    assert.deepEqual([...owned(a), ...owned(b)].sort(), [0, 1, 2, 3, 4, 5, 6, 7], "each shard owned once");
    assert.ok(a.isLeader() && !b.isLeader());
    assert.equal(b.view().leader, "a");
    assert.deepEqual(b.view().members.map((m) => [m.id, m.alive, m.shards.length]), [["a", true, 4], ["b", true, 4]]);

    // a crashes: its records stay, and b takes over once a has not renewed for a ttl.
    const changes: { gained: number[]; lost: number[]; leader?: boolean }[] = [];
    b.onChange((c) => changes.push(c));
    const fromA = owned(a);
    await a.close({ release: false });
    // Ticks go by, but not a ttl: a may just be slow, so nothing moves.
    await new Promise((r) => setTimeout(r, 5 * TICK));
    assert.deepEqual(owned(b).length, 4, "nothing taken before a ttl without renewal");
    assert.ok(!b.isLeader());
    clock += TTL;
    await until("b owns everything and leads", () => owned(b).length === 8 && b.isLeader());
    assert.deepEqual(changes.flatMap((c) => c.gained).sort(), fromA, "told of exactly a's shards");
    assert.ok(changes.some((c) => c.leader === true), "told it leads");
  });

  it("a graceful close hands its shards over without waiting for the ttl", async () => {
    const b = started.find((x) => x.serverId === "b")!;
    const c = start("c");
    const d = start("d");
    await until("a three-way split", () => [b, c, d].every((x) => owned(x).length >= 2 && owned(x).length <= 3));
    await b.close();
    await until("c and d split everything", () => owned(c).length === 4 && owned(d).length === 4);
    // The clock stands still: only the released records let d take over.
    await c.close();
    await until("d owns everything", () => owned(d).length === 8 && d.isLeader());
  });

  it("fencing: a former owner's write is refused with LeaseLostError and changes nothing; an ordinary conflict stays a conflict", async () => {
    const d = started.find((x) => x.serverId === "d")!;
    const fence = d.shardFence(3);
    assert.ok(fence, "d owns shard 3");
    // d's view of its fence, frozen as a paused server would keep it.
    const stale = fencedStore(store, () => fence, "shard 3");
    const live = fencedStore(store, () => d.shardFence(3), "shard 3");
    const ok = await live.txn({ success: [{ kind: "put", key: "/berth/x", value: "1" }] });
    assert.ok(ok.succeeded);
    const conflict = await live.txn({ compare: [{ key: "/berth/x", modRevision: 1 }], success: [{ kind: "put", key: "/berth/x", value: "2" }] });
    assert.equal(conflict.succeeded, false, "a stale guard on the data is an ordinary conflict");

    // e arrives, d crashes (pauses), e takes every shard after the ttl.
    const e = start("e");
    await until("e is seen", () => d.view().members.some((m) => m.id === "e"));
    await d.close({ release: false });
    clock += TTL;
    await until("e owns shard 3", () => e.owns(3));
    await assert.rejects(stale.txn({ success: [{ kind: "put", key: "/berth/x", value: "late" }] }), LeaseLostError);
    assert.equal((await store.get("/berth/x"))?.value, "1", "the late write did not land");
    await assert.rejects(live.txn({ success: [{ kind: "put", key: "/berth/x", value: "late" }] }), LeaseLostError, "no fence at all once lost");
  });
});

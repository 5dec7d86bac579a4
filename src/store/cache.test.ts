import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { createCache, type Cache, type CacheChange, type CacheOptions } from "./cache.js";
import { compareKeys } from "./key-order.js";
import { openSqliteStore } from "./sqlite-store.js";
import type { Op, Store } from "./types.js";

const put = (key: string, value: unknown): Op => ({ kind: "put", key, value: JSON.stringify(value) });
const del = (key: string): Op => ({ kind: "delete", key });

interface Task {
  cluster: string;
  family: string;
  status?: string;
}

const taskIndexes: CacheOptions["indexes"] = {
  cluster: (_key, value) => [(value as Task).cluster],
  family: (_key, value) => [`${(value as Task).cluster}/${(value as Task).family}`],
  status: (_key, value) => ((value as Task).status ? [(value as Task).status as string] : []),
};

async function withCache(
  options: Partial<CacheOptions>,
  body: (store: Store, cache: Cache) => Promise<void>,
  seed: Op[] = [],
): Promise<void> {
  const store = openSqliteStore({ path: ":memory:" });
  if (seed.length > 0) await store.txn({ success: seed });
  const cache = createCache(store, { prefix: "t/", indexes: taskIndexes, ...options });
  try {
    await cache.start();
    await body(store, cache);
  } finally {
    cache.stop();
    await store.close();
  }
}

describe("createCache", () => {
  it("start lists what is there and reads are synchronous", async () => {
    const seed = [put("t/b", { cluster: "c1", family: "web" }), put("t/a", { cluster: "c2", family: "db" }), put("u/x", {})];
    await withCache(
      {},
      async (store, cache) => {
        assert.equal(cache.revision, await store.revision());
        assert.deepEqual(cache.get("t/a"), { cluster: "c2", family: "db" });
        assert.equal(cache.get("u/x"), undefined);
        assert.deepEqual(cache.getEntry("t/b"), { key: "t/b", value: { cluster: "c1", family: "web" }, modRevision: 1, createRevision: 1 });
      },
      seed,
    );
  });

  it("list returns one prefix in ascending key order, without its neighbours", async () => {
    await withCache({}, async (store, cache) => {
      const keys = ["t/s/b", "t/s/a/1", "t/s", "t/s0", "t/r", "t/s/\u{1F600}", "t/s/\uFFFD", "t/s/a"];
      for (const key of keys) await store.txn({ success: [put(key, { cluster: key, family: "f" })] });
      const res = await store.txn({ success: [del("t/s/a/1")] });
      await cache.waitFor(res.revision);
      assert.deepEqual(
        cache.listEntries("t/s/").map((e) => e.key),
        ["t/s/a", "t/s/b", "t/s/\uFFFD", "t/s/\u{1F600}"],
      );
      assert.deepEqual(cache.list<Task>("t/s/").map((t) => t.cluster), ["t/s/a", "t/s/b", "t/s/\uFFFD", "t/s/\u{1F600}"]);
      assert.deepEqual(cache.list("t/zzz"), []);
      assert.equal(cache.list("").length, 7);
    });
  });

  it("indexes file keys in order and follow updates and deletes", async () => {
    await withCache({}, async (store, cache) => {
      await store.txn({
        success: [
          put("t/3", { cluster: "c1", family: "web", status: "RUNNING" }),
          put("t/1", { cluster: "c1", family: "web", status: "PENDING" }),
          put("t/2", { cluster: "c1", family: "db" }),
          put("t/4", { cluster: "c2", family: "web", status: "RUNNING" }),
        ],
      });
      let res = await store.txn({ success: [put("t/0", { cluster: "c1", family: "web", status: "RUNNING" })] });
      await cache.waitFor(res.revision);
      assert.deepEqual(cache.byIndexEntries("cluster", "c1").map((e) => e.key), ["t/0", "t/1", "t/2", "t/3"]);
      assert.deepEqual(cache.byIndex<Task>("family", "c1/web").map((t) => t.status), ["RUNNING", "PENDING", "RUNNING"]);
      assert.equal(cache.countByIndex("status", "RUNNING"), 3);
      assert.equal(cache.countByIndex("status", "STOPPED"), 0);
      assert.deepEqual(cache.byIndex("family", "c9/none"), []);

      res = await store.txn({ success: [put("t/1", { cluster: "c2", family: "web", status: "RUNNING" }), del("t/3")] });
      await cache.waitFor(res.revision);
      assert.deepEqual(cache.byIndexEntries("cluster", "c1").map((e) => e.key), ["t/0", "t/2"]);
      assert.deepEqual(cache.byIndexEntries("cluster", "c2").map((e) => e.key), ["t/1", "t/4"]);
      assert.deepEqual(cache.byIndexEntries("status", "RUNNING").map((e) => e.key), ["t/0", "t/1", "t/4"]);
      assert.equal(cache.countByIndex("status", "PENDING"), 0);
      assert.throws(() => cache.byIndex("nope", "x"), /no index "nope"; indexes: cluster, family, status/);
    });
  });

  it("an index value's generation moves when a key joins or leaves its bucket, and only then", async () => {
    await withCache({}, async (store, cache) => {
      const apply = async (...ops: Op[]) => cache.waitFor((await store.txn({ success: ops })).revision);
      const gen = () => cache.indexGeneration("cluster", "c1");
      assert.equal(gen(), 0, "an empty bucket");
      await apply(put("t/1", { cluster: "c1", family: "web" }));
      const seen = new Set([gen()]);
      await apply(put("t/9", { cluster: "c2", family: "web" }));
      assert.ok(seen.has(gen()), "a record of another bucket leaves it alone");
      await apply(put("t/1", { cluster: "c1", family: "web", status: "RUNNING" }));
      assert.ok(seen.has(gen()), "a new value of a key that stays leaves it alone");
      const steps = [
        () => apply(put("t/2", { cluster: "c1", family: "db" })), // a record filed
        () => apply(put("t/2", { cluster: "c2", family: "db" })), // moved out
        () => apply(del("t/1")), // deleted: the bucket is empty again
        () => apply(put("t/1", { cluster: "c1", family: "web" })), // the same record as at first
      ];
      for (const step of steps) {
        await step();
        assert.ok(!seen.has(gen()), "every change gives a number never seen before");
        seen.add(gen());
      }
    });
  });

  it("an index function may file a record under several values", async () => {
    const indexes = { tag: (_key: string, value: unknown) => (value as { tags: string[] }).tags };
    await withCache({ indexes }, async (store, cache) => {
      const res = await store.txn({ success: [put("t/a", { tags: ["x", "y", "x"] }), put("t/b", { tags: ["y"] })] });
      await cache.waitFor(res.revision);
      assert.deepEqual(cache.byIndexEntries("tag", "y").map((e) => e.key), ["t/a", "t/b"]);
      assert.equal(cache.countByIndex("tag", "x"), 1);
    });
  });

  it("waitFor gives read-your-writes, also for writes outside the prefix and failed CAS", async () => {
    await withCache({}, async (store, cache) => {
      const res = await store.txn({ success: [put("t/new", { cluster: "c", family: "f" })] });
      assert.equal(cache.get("t/new"), undefined, "the watch delivers asynchronously");
      await cache.waitFor(res.revision);
      assert.equal(cache.getEntry("t/new")?.modRevision, res.revision);
      const outside = await store.txn({ success: [put("other/x", 1)] });
      await cache.waitFor(outside.revision);
      assert.equal(cache.revision, outside.revision);
      const failed = await store.txn({ compare: [{ key: "t/new", modRevision: 0 }], success: [put("t/new", {})] });
      assert.equal(failed.succeeded, false);
      await cache.waitFor(failed.revision);
      await cache.waitFor(1);
      const pending = [cache.waitFor(outside.revision + 2), cache.waitFor(outside.revision + 1)];
      const order: number[] = [];
      pending[0]?.then(() => order.push(2));
      pending[1]?.then(() => order.push(1));
      await store.txn({ success: [put("other/y", 1)] });
      await store.txn({ success: [put("other/z", 1)] });
      await Promise.all(pending);
      assert.deepEqual(order, [1, 2]);
    });
  });

  it("stop rejects pending waits and stops updates", async () => {
    const store = openSqliteStore({ path: ":memory:" });
    const cache = createCache(store, { prefix: "t/", indexes: {} });
    await cache.start();
    const pending = cache.waitFor(5);
    cache.stop();
    await assert.rejects(pending, /stopped at revision 0 before reaching revision 5/);
    await store.txn({ success: [put("t/a", {})] });
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(cache.get("t/a"), undefined);
    await assert.rejects(cache.waitFor(1), /stopped/);
    await store.close();
  });

  it("subscribe reports each change after its whole transaction is applied", async () => {
    await withCache(
      {},
      async (store, cache) => {
        const changes: CacheChange[] = [];
        const seenBoth: boolean[] = [];
        const sub = cache.subscribe((change) => {
          changes.push(change);
          seenBoth.push(cache.get("t/x") !== undefined && cache.get("t/y") !== undefined);
        });
        let res = await store.txn({ success: [put("t/x", { cluster: "2", family: "f" }), put("t/y", { cluster: "1", family: "f" })] });
        res = await store.txn({ success: [del("t/y"), put("other", 1)] });
        await cache.waitFor(res.revision);
        assert.deepEqual(changes, [
          { type: "put", key: "t/x", value: { cluster: "2", family: "f" }, prev: { cluster: "1", family: "f" }, revision: 2 },
          { type: "put", key: "t/y", value: { cluster: "1", family: "f" }, revision: 2 },
          { type: "delete", key: "t/y", prev: { cluster: "1", family: "f" }, revision: 3 },
        ]);
        assert.deepEqual(seenBoth, [true, true, false]);
        sub.dispose();
        res = await store.txn({ success: [del("t/x")] });
        await cache.waitFor(res.revision);
        assert.equal(changes.length, 3);
      },
      [put("t/x", { cluster: "1", family: "f" })],
    );
  });

  it("a throwing listener or index function is reported and the cache carries on", async () => {
    const errors: unknown[] = [];
    const indexes = { bad: (key: string) => (key === "t/bad" ? (undefined as unknown as string[]) : ["ok"]) };
    await withCache({ indexes, onError: (err) => errors.push(err) }, async (store, cache) => {
      cache.subscribe(() => {
        throw new Error("listener bug");
      });
      const res = await store.txn({ success: [put("t/bad", {}), put("t/good", {}), { kind: "put", key: "t/text", value: "not json" }] });
      await cache.waitFor(res.revision);
      assert.deepEqual(cache.byIndexEntries("bad", "ok").map((e) => e.key), ["t/good", "t/text"]);
      assert.equal(cache.get("t/text"), "not json");
      const messages = errors.map((e) => (e as Error).message);
      assert.equal(messages.filter((m) => m === "listener bug").length, 3);
      assert.ok(messages.some((m) => /index bad must return an array of strings for t\/bad/.test(m)));
      assert.ok(messages.some((m) => /value of t\/text at revision 1 is not JSON/.test(m)));
    });
  });

  it("values are frozen: a reader cannot change the shared copy", async () => {
    await withCache({}, async (store, cache) => {
      const res = await store.txn({ success: [put("t/a", { cluster: "c", family: "f", nested: { list: [1] } })] });
      await cache.waitFor(res.revision);
      const value = cache.get<{ cluster: string; nested: { list: number[] } }>("t/a");
      assert.throws(() => {
        (value as { cluster: string }).cluster = "changed";
      }, TypeError);
      assert.throws(() => value?.nested.list.push(2), TypeError);
    });
  });

  it("relists when its watch starts behind a compaction, and reports the difference", async () => {
    const inner = openSqliteStore({ path: ":memory:" });
    await inner.txn({ success: [put("t/keep", { v: 1 }), put("t/gone", { v: 1 }), put("t/changed", { v: 1 })] });
    let gate: (() => Promise<void>) | undefined = async () => {
      // Between the cache's list and its watch, the world moves on and history is compacted.
      await inner.txn({ success: [del("t/gone"), put("t/changed", { v: 2 })] });
      await inner.txn({ success: [put("t/added", { v: 1 })] });
      await inner.compact(await inner.revision());
    };
    const store: Store = {
      ...bind(inner),
      range: async (prefix, options) => {
        const res = await inner.range(prefix, options);
        const run = gate;
        gate = undefined;
        await run?.();
        return res;
      },
    };
    const errors: unknown[] = [];
    const cache = createCache(store, { prefix: "t/", indexes: {}, onError: (err) => errors.push(err) });
    const changes: CacheChange[] = [];
    cache.subscribe((c) => changes.push(c));
    await cache.start();
    assert.equal(cache.revision, 1);
    await cache.waitFor(3);
    assert.deepEqual(cache.listEntries("t/").map((e) => [e.key, e.value]), [
      ["t/added", { v: 1 }],
      ["t/changed", { v: 2 }],
      ["t/keep", { v: 1 }],
    ]);
    assert.deepEqual(changes.slice(3), [
      { type: "put", key: "t/added", value: { v: 1 }, revision: 3 },
      { type: "put", key: "t/changed", value: { v: 2 }, prev: { v: 1 }, revision: 2 },
      { type: "delete", key: "t/gone", prev: { v: 1 }, revision: 3 },
    ]);
    assert.deepEqual(errors, [], "a compaction is routine, not an error");
    // And it keeps following live changes afterwards.
    const res = await inner.txn({ success: [del("t/keep")] });
    await cache.waitFor(res.revision);
    assert.equal(cache.get("t/keep"), undefined);
    cache.stop();
    await inner.close();
  });

  it("reports a failed watch and relists after a pause", async () => {
    const inner = openSqliteStore({ path: ":memory:" });
    let failNext = true;
    const store: Store = {
      ...bind(inner),
      watch: (prefix, options, onBatch) => {
        if (failNext) {
          failNext = false;
          setImmediate(() => options.onError?.(new Error("connection to the store lost")));
          return { dispose: () => {} };
        }
        return inner.watch(prefix, options, onBatch);
      },
    };
    const errors: unknown[] = [];
    const cache = createCache(store, { prefix: "t/", onError: (err) => errors.push(err) });
    await cache.start();
    const res = await inner.txn({ success: [put("t/a", 1)] });
    await cache.waitFor(res.revision);
    assert.equal(cache.get("t/a"), 1);
    assert.deepEqual(errors.map((e) => (e as Error).message), ["connection to the store lost"]);
    cache.stop();
    await inner.close();
  });

  it("always equals a fresh range() after random transactions", async () => {
    const keyArb = fc.constantFrom("t/a", "t/a/1", "t/b", "t/b/1", "t/b/2", "t/c", "t/\u{1F600}", "t/\uFFFD", "u/a");
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      { weight: 4, arbitrary: fc.record({ key: keyArb, n: fc.integer({ min: 0, max: 3 }) }).map(({ key, n }) => put(key, { group: `g${n}`, n })) },
      { weight: 2, arbitrary: keyArb.map(del) },
      { weight: 1, arbitrary: fc.constantFrom("t/a", "t/b/", "t/", "u/").map((prefix): Op => ({ kind: "deletePrefix", prefix })) },
    );
    const txnArb = fc.record({ ops: fc.array(opArb, { minLength: 0, maxLength: 4 }), cas: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(txnArb, { minLength: 1, maxLength: 30 }), fc.integer({ min: 0, max: 30 }), async (txns, startAt) => {
        const store = openSqliteStore({ path: ":memory:" });
        const cache = createCache(store, { prefix: "t/", indexes: { group: (_k, v) => [(v as { group: string }).group] } });
        try {
          let last = 0;
          for (const [i, { ops, cas }] of txns.entries()) {
            if (i === startAt) await cache.start();
            const first = ops[0];
            const compare = cas && first && first.kind !== "deletePrefix" ? [{ key: first.key, modRevision: (await store.get(first.key))?.modRevision ?? 0 }] : [];
            last = (await store.txn({ compare, success: ops, failure: ops.slice(1) })).revision;
          }
          if (startAt >= txns.length) await cache.start();
          await cache.waitFor(last);
          const listed = (await store.range("t/")).kvs;
          assert.deepEqual(
            cache.listEntries("t/"),
            listed.map((kv) => ({ key: kv.key, value: JSON.parse(kv.value), modRevision: kv.modRevision, createRevision: kv.createRevision })),
          );
          for (const g of ["g0", "g1", "g2", "g3"]) {
            const expected = listed.filter((kv) => JSON.parse(kv.value).group === g).map((kv) => kv.key);
            assert.deepEqual(cache.byIndexEntries("group", g).map((e) => e.key), expected);
          }
          const keys = cache.listEntries("").map((e) => e.key);
          assert.deepEqual(keys, [...keys].sort(compareKeys));
        } finally {
          cache.stop();
          await store.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});

/** The store's methods bound to it, so a test can override a few. */
function bind(store: Store): Store {
  return {
    get: (key) => store.get(key),
    range: (prefix, options) => store.range(prefix, options),
    txn: (request) => store.txn(request),
    watch: (prefix, options, onBatch) => store.watch(prefix, options, onBatch),
    revision: () => store.revision(),
    compact: (revision) => store.compact(revision),
    close: () => store.close(),
  };
}

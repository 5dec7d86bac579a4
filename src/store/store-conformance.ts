// The contract every Store backend must keep, as one suite each backend runs against itself
// (SQLite now, etcd and memory later): `runStoreConformance("sqlite", () => open())`.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { watchConformance } from "./store-conformance-watch.js";
import type { Op, Store } from "./types.js";
import { keysOf, record } from "./watch-recorder.js";

export { record, settle, type Recorder } from "./watch-recorder.js";

const put = (key: string, value: string): Op => ({ kind: "put", key, value });
const del = (key: string): Op => ({ kind: "delete", key });


/** Where a backend's semantics differ from SQLite's by design (each one is in docs/etcd.md). */
export interface BackendDifferences {
  /**
   * A key written twice in one txn gains 1 version, not 2: etcd changes a key at most once per
   * revision, so berth's etcd backend sends only the last write of each key.
   */
  versionCountsTransactions?: boolean;
}

export function runStoreConformance(name: string, makeStore: () => Promise<Store>, differences: BackendDifferences = {}): void {
  const withStore = (title: string, body: (store: Store) => Promise<void>) =>
    it(title, async () => {
      const store = await makeStore();
      try {
        await body(store);
      } finally {
        await store.close();
      }
    });

  describe(`Store conformance: ${name}`, () => {
    describe("revisions and keys", () => {
      withStore("revision starts at 0 and advances by one per writing txn", async (store) => {
        assert.equal(await store.revision(), 0);
        assert.deepEqual(await store.txn({ success: [put("a", "1")] }), { succeeded: true, revision: 1 });
        assert.deepEqual(await store.txn({ success: [put("b", "1"), put("c", "1"), del("a")] }), {
          succeeded: true,
          revision: 2,
        });
        assert.equal(await store.revision(), 2);
      });

      withStore("get returns undefined for an absent key", async (store) => {
        assert.equal(await store.get("nope"), undefined);
      });

      withStore("createRevision, modRevision and version follow etcd", async (store) => {
        await store.txn({ success: [put("k", "v1")] });
        assert.deepEqual(await store.get("k"), { key: "k", value: "v1", createRevision: 1, modRevision: 1, version: 1 });
        await store.txn({ success: [put("other", "x")] });
        await store.txn({ success: [put("k", "v2")] });
        assert.deepEqual(await store.get("k"), { key: "k", value: "v2", createRevision: 1, modRevision: 3, version: 2 });
        await store.txn({ success: [del("k")] });
        assert.equal(await store.get("k"), undefined);
        await store.txn({ success: [put("k", "v3")] });
        assert.deepEqual(await store.get("k"), { key: "k", value: "v3", createRevision: 5, modRevision: 5, version: 1 });
      });

      withStore("ops in one txn apply in order at one revision", async (store) => {
        const res = await store.txn({ success: [put("x", "1"), put("x", "2"), put("y", "1"), del("y")] });
        assert.equal(res.revision, 1);
        const version = differences.versionCountsTransactions ? 1 : 2;
        assert.deepEqual(await store.get("x"), { key: "x", value: "2", createRevision: 1, modRevision: 1, version });
        assert.equal(await store.get("y"), undefined);
      });

      withStore("invalid requests reject and change nothing", async (store) => {
        await assert.rejects(store.txn({ success: [put("", "v")] }), TypeError);
        await assert.rejects(store.txn({ success: [{ kind: "bogus" } as unknown as Op] }), /bogus/);
        await assert.rejects(store.txn({ success: [put("a", 1 as unknown as string)] }), TypeError);
        await assert.rejects(store.txn({ compare: [{ key: "a", modRevision: -1 }], success: [] }), RangeError);
        await assert.rejects(store.txn({ success: [put("ok", "v"), put("", "v")] }), TypeError);
        assert.equal(await store.revision(), 0);
        assert.equal(await store.get("ok"), undefined);
      });
    });

    describe("range", () => {
      const seed = async (store: Store, keys: string[]) => {
        await store.txn({ success: keys.map((k) => put(k, `v:${k}`)) });
      };

      withStore("lists keys under a prefix in UTF-8 byte order", async (store) => {
        await seed(store, ["p/z", "p/\u{1F600}", "p/a", "p/\uFFFD", "p/é", "p", "p0", "o/a", "p/a/b"]);
        const res = await store.range("p/");
        assert.deepEqual(
          res.kvs.map((kv) => kv.key),
          ["p/a", "p/a/b", "p/z", "p/é", "p/\uFFFD", "p/\u{1F600}"],
        );
        assert.equal(res.more, false);
        assert.equal(res.revision, 1);
        assert.equal(res.kvs[0]?.value, "v:p/a");
      });

      withStore("the empty prefix lists everything", async (store) => {
        await seed(store, ["b", "a", "\u{10FFFF}x", "c/d"]);
        const res = await store.range("");
        assert.deepEqual(
          res.kvs.map((kv) => kv.key),
          ["a", "b", "c/d", "\u{10FFFF}x"],
        );
      });

      withStore("limit cuts short and says more; startKey pages through every key once", async (store) => {
        const keys = Array.from({ length: 23 }, (_, i) => `r/${String(i).padStart(2, "0")}`);
        await seed(store, [...keys, "s/0", "q/9"]);
        const first = await store.range("r/", { limit: 5 });
        assert.equal(first.kvs.length, 5);
        assert.equal(first.more, true);
        const seen: string[] = [];
        let startKey: string | undefined;
        for (;;) {
          const page = await store.range("r/", { limit: 5, startKey });
          seen.push(...page.kvs.map((kv) => kv.key));
          if (!page.more) break;
          startKey = `${page.kvs[page.kvs.length - 1]?.key}\u0000`;
        }
        assert.deepEqual(seen, keys);
        const exact = await store.range("r/", { limit: 23 });
        assert.equal(exact.more, false);
      });

      withStore("startKey below the prefix starts at the prefix; past it, nothing", async (store) => {
        await seed(store, ["a/1", "b/1", "b/2", "c/1"]);
        assert.deepEqual(
          (await store.range("b/", { startKey: "a" })).kvs.map((kv) => kv.key),
          ["b/1", "b/2"],
        );
        assert.deepEqual(
          (await store.range("b/", { startKey: "b/2" })).kvs.map((kv) => kv.key),
          ["b/2"],
        );
        assert.deepEqual((await store.range("b/", { startKey: "c" })).kvs, []);
      });
    });

    describe("compare-and-swap", () => {
      withStore("modRevision 0 means absent", async (store) => {
        const create = { compare: [{ key: "k", modRevision: 0 }], success: [put("k", "first")] };
        assert.deepEqual(await store.txn(create), { succeeded: true, revision: 1 });
        assert.deepEqual(await store.txn({ ...create, success: [put("k", "second")] }), { succeeded: false, revision: 1 });
        assert.equal((await store.get("k"))?.value, "first");
      });

      withStore("succeeds on the current modRevision, fails on a stale one and applies failure ops", async (store) => {
        await store.txn({ success: [put("k", "a")] });
        await store.txn({ success: [put("k", "b")] });
        const stale = await store.txn({
          compare: [{ key: "k", modRevision: 1 }],
          success: [put("k", "lost")],
          failure: [put("conflicts", "1")],
        });
        assert.deepEqual(stale, { succeeded: false, revision: 3 });
        assert.equal((await store.get("k"))?.value, "b");
        assert.equal((await store.get("conflicts"))?.value, "1");
        const fresh = await store.txn({ compare: [{ key: "k", modRevision: 2 }], success: [put("k", "c")], failure: [put("conflicts", "2")] });
        assert.deepEqual(fresh, { succeeded: true, revision: 4 });
        assert.equal((await store.get("k"))?.value, "c");
        assert.equal((await store.get("conflicts"))?.value, "1");
      });

      withStore("every compare must hold", async (store) => {
        await store.txn({ success: [put("a", "1"), put("b", "1")] });
        const res = await store.txn({
          compare: [
            { key: "a", modRevision: 1 },
            { key: "b", modRevision: 0 },
          ],
          success: [put("a", "2")],
        });
        assert.equal(res.succeeded, false);
      });

      withStore("compares with !=, < and >", async (store) => {
        await store.txn({ success: [put("k", "v")] });
        await store.txn({ success: [put("k", "v")] }); // modRevision 2
        const check = async (op: "!=" | "<" | ">", modRevision: number) =>
          (await store.txn({ compare: [{ key: "k", modRevision, op }], success: [] })).succeeded;
        assert.equal(await check("!=", 2), false);
        assert.equal(await check("!=", 1), true);
        assert.equal(await check("<", 3), true);
        assert.equal(await check("<", 2), false);
        assert.equal(await check(">", 1), true);
        assert.equal(await check(">", 2), false);
        assert.equal((await store.txn({ compare: [{ key: "absent", modRevision: 0, op: ">" }], success: [] })).succeeded, false);
      });

      withStore("a txn that writes nothing leaves the revision alone", async (store) => {
        await store.txn({ success: [put("k", "v")] });
        assert.deepEqual(await store.txn({ success: [] }), { succeeded: true, revision: 1 });
        assert.deepEqual(await store.txn({ compare: [{ key: "k", modRevision: 0 }], success: [put("k", "x")] }), {
          succeeded: false,
          revision: 1,
        });
        assert.deepEqual(await store.txn({ success: [del("absent"), { kind: "deletePrefix", prefix: "nothing/" }] }), {
          succeeded: true,
          revision: 1,
        });
        assert.equal(await store.revision(), 1);
      });

      withStore("parallel read-modify-CAS increments lose no update", async (store) => {
        const workers = 20;
        const each = 15;
        let conflicts = 0;
        const increment = async () => {
          for (;;) {
            const kv = await store.get("counter");
            const next = String(Number(kv?.value ?? "0") + 1);
            const res = await store.txn({ compare: [{ key: "counter", modRevision: kv?.modRevision ?? 0 }], success: [put("counter", next)] });
            if (res.succeeded) return;
            conflicts++;
            await new Promise((r) => setImmediate(r));
          }
        };
        await Promise.all(
          Array.from({ length: workers }, async () => {
            for (let i = 0; i < each; i++) await increment();
          }),
        );
        const kv = await store.get("counter");
        assert.equal(kv?.value, String(workers * each));
        assert.equal(kv?.version, workers * each);
        assert.equal(await store.revision(), workers * each);
        assert.ok(conflicts > 0, "the workers should have raced at least once");
      });
    });

    describe("deletePrefix", () => {
      withStore("deletes exactly the keys under the prefix, at one revision", async (store) => {
        await store.txn({ success: ["d/1", "d/2", "d/2/x", "d", "d0", "e/1"].map((k) => put(k, "v")) });
        const rec = record(store, "", { afterRevision: 1 });
        const res = await store.txn({ success: [{ kind: "deletePrefix", prefix: "d/" }] });
        assert.deepEqual(res, { succeeded: true, revision: 2 });
        assert.deepEqual(
          (await store.range("")).kvs.map((kv) => kv.key),
          ["d", "d0", "e/1"],
        );
        await rec.reach(2);
        assert.deepEqual(rec.batches.map(keysOf), [["delete d/1", "delete d/2", "delete d/2/x"]]);
        rec.dispose();
      });
    });

    watchConformance(withStore);
  });
}

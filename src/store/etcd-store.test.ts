import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Etcd3 } from "etcd3";
import { etcdMissing, startEtcd, type EtcdCluster } from "../../test/helpers/etcd.js";
import { openEtcdStore } from "./etcd-store.js";
import { record, runStoreConformance } from "./store-conformance.js";
import type { Op, WatchBatch } from "./types.js";

const missing = etcdMissing();
const put = (key: string, value: string): Op => ({ kind: "put", key, value });

describe("etcd store", { ...(missing ? { skip: missing } : {}) }, () => {
  let etcd: EtcdCluster;
  before(async () => {
    etcd = await startEtcd();
  });
  after(async () => {
    await etcd?.stop();
  });
  // Each test gets a prefix of its own on the one etcd: a fresh berth store whose revision is 0.
  let stores = 0;
  runStoreConformance("etcd", async () => openEtcdStore({ endpoints: etcd.endpoints, prefix: `conformance-${++stores}` }), {
    versionCountsTransactions: true,
  });

  describe("on etcd itself", () => {
    it("keeps berth's revisions across a reopen, and prefixes apart", async () => {
      const a = await openEtcdStore({ endpoints: etcd.endpoints, prefix: "tenant-a" });
      const b = await openEtcdStore({ endpoints: etcd.endpoints, prefix: "tenant-b" });
      await a.txn({ success: [put("k", "a1")] });
      await b.txn({ success: [put("k", "b1")] });
      await a.txn({ success: [put("k", "a2")] });
      assert.deepEqual((await a.range("")).kvs.map((kv) => kv.value), ["a2"]);
      assert.deepEqual((await b.range("")).kvs.map((kv) => kv.value), ["b1"]);
      const kv = await a.get("k");
      await a.close();
      const again = await openEtcdStore({ endpoints: etcd.endpoints, prefix: "tenant-a" });
      assert.equal(again.base, a.base);
      assert.deepEqual(await again.get("k"), kv);
      // b's marker and write sit between a's writes: revisions are etcd's, shifted by a's base.
      assert.deepEqual([kv?.createRevision, kv?.modRevision], [2, 4]);
      await again.close();
      await b.close();
    });

    it("refuses a prefix that holds keys berth did not write", async () => {
      const raw = new Etcd3({ hosts: etcd.endpoints });
      try {
        await raw.put("/foreign/kv/x").value("1");
        await assert.rejects(openEtcdStore({ endpoints: etcd.endpoints, prefix: "foreign" }), /holds keys that berth did not write/);
      } finally {
        raw.close();
      }
    });

    it("a deletePrefix and puts under it in one txn, which etcd alone refuses", async () => {
      const store = await openEtcdStore({ endpoints: etcd.endpoints, prefix: "replace" });
      await store.txn({ success: ["s/1", "s/2", "s/3", "t/1"].map((k) => put(k, "old")) });
      const rec = record(store, "", { afterRevision: 1 });
      const res = await store.txn({ success: [{ kind: "deletePrefix", prefix: "s/" }, put("s/2", "new"), put("s/4", "new")] });
      assert.deepEqual(res, { succeeded: true, revision: 2 });
      assert.deepEqual((await store.range("")).kvs.map((kv) => `${kv.key}=${kv.value}`), ["s/2=new", "s/4=new", "t/1=old"]);
      await rec.reach(2);
      assert.deepEqual(rec.batches[0]?.events.map((e) => `${e.type} ${e.type === "put" ? e.kv.key : e.key}`).sort(), [
        "delete s/1",
        "delete s/3",
        "put s/2",
        "put s/4",
      ]);
      rec.dispose();
      await store.close();
    });
  });
});

describe("etcd store on a 3-member cluster", { ...(missing ? { skip: missing } : {}) }, () => {
  it("watches go on across member restarts: every batch once, in order", async () => {
    const etcd = await startEtcd({ members: 3 });
    const store = await openEtcdStore({ endpoints: etcd.endpoints, prefix: "chaos" });
    try {
      const batches: WatchBatch[] = [];
      const errors: Error[] = [];
      const handle = store.watch("w/", { afterRevision: 0, onError: (e) => errors.push(e) }, (b) => batches.push(b));
      let written = 0;
      const write = async (n: number) => {
        for (let i = 0; i < n; i++) {
          // A write in flight when its member goes away may fail; the writer tries again.
          for (let attempt = 0; ; attempt++) {
            try {
              await store.txn({ success: [put(`w/${written % 7}`, String(written))] });
              break;
            } catch (err) {
              if (attempt > 50) throw err;
              await new Promise((r) => setTimeout(r, 100));
            }
          }
          written++;
        }
      };
      await write(50);
      for (const member of etcd.members) {
        // Kill each member in turn (the watch's own stream is on one of them) while writing.
        const writing = write(50);
        await member.stop("SIGKILL");
        await writing;
        await member.restart();
        await write(20);
      }
      const head = await store.revision();
      const deadline = Date.now() + 20_000;
      while ((batches.at(-1)?.revision ?? 0) < head && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      handle.dispose();
      assert.deepEqual(errors, []);
      assert.equal(head, written);
      assert.deepEqual(
        batches.map((b) => b.revision),
        Array.from({ length: written }, (_, i) => i + 1),
      );
      assert.deepEqual(
        batches.map((b) => (b.events[0]?.type === "put" ? b.events[0].kv.value : "?")),
        Array.from({ length: written }, (_, i) => String(i)),
      );
    } finally {
      await store.close();
      await etcd.stop();
    }
  });
});

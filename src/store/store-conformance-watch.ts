// The watch and compaction half of the Store conformance suite (see store-conformance.ts).
import assert from "node:assert/strict";
import { describe } from "node:test";
import { CompactedError, type Op, type Store, type WatchBatch } from "./types.js";
import { keysOf, record, settle, type Recorder } from "./watch-recorder.js";

const put = (key: string, value: string): Op => ({ kind: "put", key, value });
const del = (key: string): Op => ({ kind: "delete", key });

export type WithStore = (title: string, body: (store: Store) => Promise<void>) => unknown;

export function watchConformance(withStore: WithStore): void {
  describe("watch", () => {
    const script = async (store: Store) => {
      await store.txn({ success: [put("w/a", "1")] });
      await store.txn({ success: [put("w/b", "1"), put("x/a", "1")] });
      await store.txn({ success: [put("w/a", "2")] });
      await store.txn({ success: [put("x/b", "1")] });
      await store.txn({ success: [del("w/b")] });
      await store.txn({ success: [{ kind: "deletePrefix", prefix: "" }] });
    };

    withStore("from 0 replays everything, one batch per txn, with prevKv", async (store) => {
      await script(store);
      const rec = record(store, "", { afterRevision: 0 });
      await rec.reach(6);
      assert.deepEqual(rec.batches.map((b) => b.revision), [1, 2, 3, 4, 5, 6]);
      assert.deepEqual(rec.batches.map(keysOf), [
        ["put w/a"],
        ["put w/b", "put x/a"],
        ["put w/a"],
        ["put x/b"],
        ["delete w/b"],
        ["delete w/a", "delete x/a", "delete x/b"],
      ]);
      const third = rec.batches[2]?.events[0];
      assert.deepEqual(third, {
        type: "put",
        kv: { key: "w/a", value: "2", createRevision: 1, modRevision: 3, version: 2 },
        prevKv: { key: "w/a", value: "1", createRevision: 1, modRevision: 1, version: 1 },
      });
      assert.deepEqual(rec.batches[4]?.events[0], {
        type: "delete",
        key: "w/b",
        modRevision: 5,
        prevKv: { key: "w/b", value: "1", createRevision: 2, modRevision: 2, version: 1 },
      });
      assert.equal("prevKv" in (rec.batches[0]?.events[0] ?? {}), false);
      rec.dispose();
    });

    withStore("replay delivers the same events a live watcher saw", async (store) => {
      const live = record(store, "", { afterRevision: 0 });
      await script(store);
      await live.reach(6);
      const replay = record(store, "", { afterRevision: 0 });
      await replay.reach(6);
      assert.deepEqual(replay.batches, live.batches);
      live.dispose();
      replay.dispose();
    });

    withStore("a prefix watch sees only its keys and skips other txns", async (store) => {
      const live = record(store, "w/", { afterRevision: 0 });
      await script(store);
      const replay = record(store, "w/", { afterRevision: 0 });
      for (const rec of [live, replay]) {
        await rec.reach(6);
        assert.deepEqual(rec.batches.map((b) => b.revision), [1, 2, 3, 5, 6]);
        assert.deepEqual(rec.batches.map(keysOf), [["put w/a"], ["put w/b"], ["put w/a"], ["delete w/b"], ["delete w/a"]]);
        rec.dispose();
      }
    });

    withStore("a progress watch also gets empty batches for other keys' txns", async (store) => {
      await script(store);
      const rec = record(store, "x/", { afterRevision: 4, progress: true });
      await rec.reach(6);
      // A replay may skip quiet revisions; it only has to end at the head.
      assert.deepEqual(rec.batches.map((b) => b.revision), [6]);
      assert.deepEqual(keysOf(rec.batches[0] as WatchBatch), ["delete x/a", "delete x/b"]);
      await store.txn({ success: [put("w/z", "1")] });
      await rec.reach(7);
      assert.deepEqual(rec.batches[1], { revision: 7, events: [] });
      const quiet = record(store, "nothing/", { afterRevision: 2, progress: true });
      await quiet.reach(7);
      assert.deepEqual(quiet.batches[quiet.batches.length - 1], { revision: 7, events: [] });
      assert.ok(quiet.batches.every((b) => b.events.length === 0));
      rec.dispose();
      quiet.dispose();
    });

    withStore("from the middle, under load: no gap, no duplicate, in order", async (store) => {
      const total = 300;
      const recorders: { after: number; rec: Recorder }[] = [];
      for (let i = 1; i <= total; i++) {
        await store.txn({ success: [put(`load/${i % 17}`, String(i))] });
        if (i % 37 === 0) {
          // Open watches from a little and a long way back while writes keep coming.
          for (const back of [0, 5, i]) recorders.push({ after: i - back, rec: record(store, "", { afterRevision: i - back }) });
        }
        if (i % 10 === 0) await new Promise((r) => setImmediate(r));
      }
      for (const { after, rec } of recorders) {
        await rec.reach(total);
        const revisions = rec.batches.map((b) => b.revision);
        assert.deepEqual(revisions, Array.from({ length: total - after }, (_, j) => after + 1 + j), `watch from ${after}`);
        rec.dispose();
      }
    });

    withStore("long histories replay in order across chunks, big txns whole", async (store) => {
      for (let i = 0; i < 1200; i++) await store.txn({ success: [put(`h/${i}`, "v"), put(`g/${i}`, "v")] });
      await store.txn({ success: [{ kind: "deletePrefix", prefix: "h/" }] });
      await store.txn({ success: [put("h/after", "v")] });
      const rec = record(store, "h/", { afterRevision: 0 });
      await rec.reach(1202);
      assert.equal(rec.batches.length, 1202);
      assert.ok(rec.batches.every((b, i) => b.revision === i + 1));
      assert.equal(rec.batches[1200]?.events.length, 1200);
      rec.dispose();
    });

    withStore("a watch ahead of the store waits for later revisions", async (store) => {
      await store.txn({ success: [put("a", "1")] });
      const rec = record(store, "", { afterRevision: 3 });
      for (let i = 0; i < 4; i++) await store.txn({ success: [put("a", String(i))] });
      await rec.reach(5);
      assert.deepEqual(rec.batches.map((b) => b.revision), [4, 5]);
      rec.dispose();
    });

    withStore("a watcher that writes from its callback gets its writes in order", async (store) => {
      const seen: number[] = [];
      let writes = 0;
      const handle = store.watch("", { afterRevision: 0 }, (batch) => {
        seen.push(batch.revision);
        if (writes < 5) {
          writes++;
          void store.txn({ success: [put("echo", String(writes))] });
        }
      });
      await store.txn({ success: [put("start", "1")] });
      const rec = record(store, "", { afterRevision: 0 });
      await rec.reach(6);
      // Two watchers need not see a revision at the same instant (on etcd each has its own
      // stream): wait for this one too before checking what it saw.
      for (const deadline = Date.now() + 5000; seen.length < 6 && Date.now() < deadline; ) await settle();
      assert.deepEqual(seen, [1, 2, 3, 4, 5, 6]);
      handle.dispose();
      rec.dispose();
    });

    withStore("dispose stops delivery", async (store) => {
      const rec = record(store, "", { afterRevision: 0 });
      await store.txn({ success: [put("a", "1")] });
      await rec.reach(1);
      rec.dispose();
      await store.txn({ success: [put("a", "2")] });
      await settle();
      assert.equal(rec.batches.length, 1);
    });
  });

  describe("compaction", () => {
    withStore("keeps current values and replays after the point; watching from before fails", async (store) => {
      await store.txn({ success: [put("c/old", "1"), put("c/gone", "1")] }); // 1
      await store.txn({ success: [put("c/a", "1")] }); // 2
      await store.txn({ success: [del("c/gone")] }); // 3
      await store.txn({ success: [put("c/a", "2")] }); // 4
      await store.compact(3);
      assert.deepEqual(
        (await store.range("c/")).kvs.map((kv) => [kv.key, kv.value, kv.modRevision]),
        [
          ["c/a", "2", 4],
          ["c/old", "1", 1],
        ],
      );
      await store.txn({ success: [put("c/old", "2")] }); // 5
      const rec = record(store, "c/", { afterRevision: 3 });
      await rec.reach(5);
      assert.deepEqual(rec.batches[0]?.events[0], {
        type: "put",
        kv: { key: "c/a", value: "2", createRevision: 2, modRevision: 4, version: 2 },
        prevKv: { key: "c/a", value: "1", createRevision: 2, modRevision: 2, version: 1 },
      });
      assert.deepEqual(rec.batches[1]?.events[0], {
        type: "put",
        kv: { key: "c/old", value: "2", createRevision: 1, modRevision: 5, version: 2 },
        prevKv: { key: "c/old", value: "1", createRevision: 1, modRevision: 1, version: 1 },
      });
      rec.dispose();

      const failed = record(store, "c/", { afterRevision: 2 });
      await failed.until(() => failed.errors.length > 0).catch(() => {});
      assert.equal(failed.errors.length, 1);
      const err = failed.errors[0];
      assert.ok(err instanceof CompactedError);
      assert.equal(err.requested, 2);
      assert.equal(err.compactedAt, 3);
      assert.deepEqual(failed.batches, []);
    });

    withStore("a watcher that keeps up loses nothing across repeated compactions", async (store) => {
      const rec = record(store, "k/", { afterRevision: 0 });
      for (let i = 1; i <= 30; i++) {
        await store.txn({ success: [put(`k/${i % 3}`, String(i))] });
        if (i % 5 === 0) {
          await rec.reach(i);
          await store.compact(i);
        }
      }
      await rec.reach(30);
      assert.deepEqual(
        rec.batches.map((b) => b.revision),
        Array.from({ length: 30 }, (_, i) => i + 1),
      );
      assert.deepEqual(rec.errors, []);
      rec.dispose();
    });

    withStore("a replay that a compaction overtakes ends in CompactedError after a gap-free prefix, never with a gap", async (store) => {
      // 3,000 revisions, so a replay from 0 takes more than one read of history.
      for (let i = 0; i < 30; i++) {
        await Promise.all(Array.from({ length: 100 }, (_, j) => store.txn({ success: [put(`r/${j}`, String(i))] })));
      }
      const head = await store.revision();
      const seen: number[] = [];
      const errors: Error[] = [];
      let compacted = false;
      const done = new Promise<void>((resolve) => {
        const w = store.watch(
          "r/",
          {
            afterRevision: 0,
            onError: (err) => {
              errors.push(err);
              resolve();
            },
          },
          (batch) => {
            seen.push(batch.revision);
            // Compact ahead of the replay once it has started.
            if (!compacted) {
              compacted = true;
              void store.compact(head - 10);
            }
            if (batch.revision === head) {
              w.dispose();
              resolve();
            }
          },
        );
      });
      await done;
      assert.deepEqual(seen, Array.from({ length: seen.length }, (_, i) => i + 1), "consecutive from 1");
      if (seen.at(-1) !== head) {
        assert.equal(errors.length, 1);
        assert.ok(errors[0] instanceof CompactedError);
        assert.equal((errors[0] as CompactedError).compactedAt, head - 10);
      }
    });

    withStore("a deletion replayed after a compaction carries the value written before the point", async (store) => {
      await store.txn({ success: [put("d/a", "1"), put("d/b", "1")] }); // 1
      await store.txn({ success: [put("d/b", "2")] }); // 2
      await store.compact(2);
      await store.txn({ success: [del("d/a")] }); // 3
      const rec = record(store, "d/", { afterRevision: 2 });
      await rec.reach(3);
      assert.deepEqual(rec.batches[0]!.events, [
        { type: "delete", key: "d/a", modRevision: 3, prevKv: { key: "d/a", value: "1", createRevision: 1, modRevision: 1, version: 1 } },
      ]);
      rec.dispose();
    });

    withStore("compacting again, or to an older point, is harmless; past the head is refused", async (store) => {
      await store.txn({ success: [put("a", "1")] });
      await store.txn({ success: [put("a", "2")] });
      await store.compact(2);
      await store.compact(1);
      await store.compact(2);
      await assert.rejects(store.compact(3), RangeError);
      assert.equal((await store.get("a"))?.value, "2");
      assert.equal(await store.revision(), 2);
      await store.txn({ success: [put("a", "3")] });
      assert.deepEqual(await store.get("a"), { key: "a", value: "3", createRevision: 1, modRevision: 3, version: 3 });
    });
  });
}

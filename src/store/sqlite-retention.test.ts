// The SQLite store's history retention (by age and size as well as by revision count) and the
// file space it gives back.
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { createSchema } from "./sqlite-schema.js";
import { openSqliteStore, type SqliteStore } from "./sqlite-store.js";
import { CompactedError } from "./types.js";
import { record } from "./watch-recorder.js";

const dir = mkdtempSync(join(tmpdir(), "berth-retention-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const tempPath = () => join(dir, `store-${++files}.db`);
const fileBytes = (path: string) => statSync(path).size + (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0);

async function putMany(store: SqliteStore, n: number, value: (i: number) => string, key = (i: number) => `k/${i % 10}`): Promise<void> {
  for (let i = 0; i < n; i++) await store.txn({ success: [{ kind: "put", key: key(i), value: value(i) }] });
}

async function replayFails(store: SqliteStore, afterRevision: number): Promise<boolean> {
  const rec = record(store, "", { afterRevision });
  await rec.until(() => rec.errors.length > 0, 1000).catch(() => {});
  rec.dispose();
  return rec.errors[0] instanceof CompactedError;
}

describe("SqliteStore history retention", () => {
  it("forgets history older than maxAgeMs, by the injected clock, and replays what it keeps", async () => {
    let now = 0;
    const store = openSqliteStore({ path: ":memory:", now: () => now });
    const policy = { maxAgeMs: 60_000 };
    await putMany(store, 5, String); // revisions 1-5 at 0 s
    assert.equal(await store.compactRetaining(policy), 0);
    now = 30_000;
    await putMany(store, 5, String); // 6-10 at 30 s
    assert.equal(await store.compactRetaining(policy), 0, "nothing is a minute old yet");
    now = 61_000;
    assert.equal(await store.compactRetaining(policy), 5);
    const rec = record(store, "", { afterRevision: 5 });
    await rec.reach(10);
    assert.deepEqual(rec.batches.map((b) => b.revision), [6, 7, 8, 9, 10]);
    rec.dispose();
    assert.ok(await replayFails(store, 4));
    now = 91_000;
    assert.equal(await store.compactRetaining(policy), 10);
    assert.equal((await store.range("k/")).kvs.length, 5, "current values stay");
    await store.close();
  });

  it("forgets the oldest history once more than maxBytes were written, a span at a time", async () => {
    // intervalMs an hour: the rounds are run by hand here.
    const store = openSqliteStore({ path: ":memory:", autoCompact: { maxBytes: 8000, intervalMs: 3_600_000 } });
    await putMany(store, 50, (i) => `${i}`.padEnd(1000, "."));
    assert.ok(store.historyBytes() > 50_000);
    const point = await store.compactRetaining({ maxBytes: 8000 });
    assert.ok(store.historyBytes() <= 8000 && store.historyBytes() > 6000, `kept ${store.historyBytes()} bytes`);
    assert.ok(point > 40 && point < 50, `compacted through ${point}`);
    const rec = record(store, "", { afterRevision: point });
    await rec.reach(50);
    assert.deepEqual(
      rec.batches.map((b) => b.revision),
      Array.from({ length: 50 - point }, (_, i) => point + 1 + i),
    );
    rec.dispose();
    assert.equal((await store.get("k/9"))?.value.slice(0, 2), "49");
    await store.close();
  });

  it("autoCompact applies the policy on its own and keeps at most keepRevisions", async () => {
    const store = openSqliteStore({ path: ":memory:", autoCompact: { keepRevisions: 100, maxBytes: 1_000_000, intervalMs: 5 } });
    await putMany(store, 300, String);
    const deadline = Date.now() + 5000;
    while (store.compactedRevision() < 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.equal(store.compactedRevision(), 200);
    await store.close();
  });

  it("gives the pages a compaction freed back to the file system", async () => {
    const path = tempPath();
    const store = openSqliteStore({ path });
    // 16 MB of history under 16 keys, then compacted away.
    await putMany(store, 1600, (i) => `${i}`.padEnd(10_000, "x"), (i) => `big/${i % 16}`);
    await store.compact(store.currentRevision());
    const before = fileBytes(path);
    const released = store.reclaimSpace();
    const afterReclaim = fileBytes(path);
    assert.ok(released > 8 * 2 ** 20, `released ${released} bytes`);
    assert.ok(afterReclaim < before / 2, `${before} bytes before, ${afterReclaim} after`);
    assert.equal((await store.range("big/")).kvs.length, 16);
    await store.close();
  });

  it("converts a file made before auto-vacuum at open, keeping its data", async () => {
    const path = tempPath();
    const legacy = new Database(path);
    legacy.pragma("journal_mode = WAL");
    createSchema(legacy);
    legacy.prepare("INSERT INTO log (revision, key, value, create_revision, version, deleted, prev_id) VALUES (1, 'a', '1', 1, 1, 0, NULL)").run();
    legacy.prepare("INSERT INTO kv (key, log_id) VALUES ('a', 1)").run();
    assert.equal(legacy.pragma("auto_vacuum", { simple: true }), 0);
    legacy.close();

    const store = openSqliteStore({ path });
    assert.deepEqual(await store.get("a"), { key: "a", value: "1", createRevision: 1, modRevision: 1, version: 1 });
    assert.equal(await store.revision(), 1);
    await store.close();
    const check = new Database(path);
    assert.equal(check.pragma("auto_vacuum", { simple: true }), 2, "INCREMENTAL");
    check.close();
  });
});

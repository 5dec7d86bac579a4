import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { openSqliteStore } from "./sqlite-store.js";
import { record, runStoreConformance } from "./store-conformance.js";
import { CompactedError } from "./types.js";

const dir = mkdtempSync(join(tmpdir(), "berth-store-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const tempPath = () => join(dir, `store-${++files}.db`);

runStoreConformance("sqlite :memory:", async () => openSqliteStore({ path: ":memory:" }));
runStoreConformance("sqlite file", async () => openSqliteStore({ path: tempPath() }));

describe("openSqliteStore", () => {
  it("commits the transactions of one turn together, each with its own revision and compare", async () => {
    const path = tempPath();
    const store = openSqliteStore({ path });
    await store.txn({ success: [{ kind: "put", key: "k", value: "0" }] });
    const seen = record(store, "", { afterRevision: 1 });
    // Both are decided on revision 1 of k: in one group commit the first wins, the second fails.
    const [a, b, c, empty] = await Promise.all([
      store.txn({ compare: [{ key: "k", modRevision: 1 }], success: [{ kind: "put", key: "k", value: "a" }] }),
      store.txn({ compare: [{ key: "k", modRevision: 1 }], success: [{ kind: "put", key: "k", value: "b" }] }),
      store.txn({ success: [{ kind: "put", key: "other", value: "1" }] }),
      store.txn({ success: [] }),
    ]);
    assert.deepEqual([a, b, c, empty], [
      { succeeded: true, revision: 2 },
      { succeeded: false, revision: 2 },
      { succeeded: true, revision: 3 },
      { succeeded: true, revision: 3 },
    ]);
    await seen.until(() => seen.batches.length === 2);
    assert.deepEqual(seen.batches.map((x) => x.revision), [2, 3], "watchers see one batch per writing transaction, in order");
    // Asked for, not yet committed: close() commits it rather than dropping it.
    const late = store.txn({ success: [{ kind: "put", key: "late", value: "1" }] });
    await store.close();
    assert.deepEqual(await late, { succeeded: true, revision: 4 });
    const reopened = openSqliteStore({ path });
    assert.equal((await reopened.get("k"))?.value, "a");
    assert.equal((await reopened.get("late"))?.value, "1");
    await reopened.close();
  });

  it("keeps data, revisions and the compaction point across a reopen", async () => {
    const path = tempPath();
    const first = openSqliteStore({ path, synchronous: "FULL" });
    await first.txn({ success: [{ kind: "put", key: "a", value: "1" }] });
    await first.txn({ success: [{ kind: "put", key: "b", value: "1" }] });
    await first.txn({ success: [{ kind: "delete", key: "b" }] });
    await first.compact(3); // removes the trailing deletion: the revision must not go back
    await first.close();

    const second = openSqliteStore({ path });
    assert.equal(await second.revision(), 3);
    assert.equal(second.compactedRevision(), 3);
    assert.deepEqual(await second.get("a"), { key: "a", value: "1", createRevision: 1, modRevision: 1, version: 1 });
    assert.deepEqual(await second.txn({ success: [{ kind: "put", key: "c", value: "1" }] }), { succeeded: true, revision: 4 });
    const failed = record(second, "", { afterRevision: 1 });
    await failed.until(() => failed.errors.length > 0).catch(() => {});
    assert.ok(failed.errors[0] instanceof CompactedError);
    await second.close();
  });

  it("compactKeeping keeps the last n revisions", async () => {
    const store = openSqliteStore({ path: ":memory:" });
    for (let i = 0; i < 10; i++) await store.txn({ success: [{ kind: "put", key: "k", value: String(i) }] });
    assert.equal(await store.compactKeeping(4), 6);
    assert.equal(await store.compactKeeping(8), 6);
    const rec = record(store, "", { afterRevision: 6 });
    await rec.reach(10);
    assert.deepEqual(rec.batches.map((b) => b.revision), [7, 8, 9, 10]);
    rec.dispose();
    await store.close();
  });

  it("autoCompact compacts in the background", async () => {
    const store = openSqliteStore({ path: ":memory:", autoCompact: { keepRevisions: 2, intervalMs: 5 } });
    for (let i = 0; i < 10; i++) await store.txn({ success: [{ kind: "put", key: `k${i}`, value: "v" }] });
    const deadline = Date.now() + 2000;
    while (store.compactedRevision() < 8 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.equal(store.compactedRevision(), 8);
    assert.equal((await store.range("")).kvs.length, 10);
    await store.close();
  });

  it("refuses calls after close", async () => {
    const store = openSqliteStore({ path: ":memory:" });
    await store.close();
    await assert.rejects(store.get("a"), /closed/);
    await assert.rejects(store.txn({ success: [] }), /closed/);
    await store.close();
  });

  it("refuses a second owner of the same file", async () => {
    const path = tempPath();
    const owner = openSqliteStore({ path });
    try {
      await owner.txn({ success: [{ kind: "put", key: "a", value: "1" }] });
      assert.throws(() => openSqliteStore({ path }), /store file .* is in use by another process/);
      assert.equal((await owner.get("a"))?.value, "1");
    } finally {
      await owner.close();
    }
    const next = openSqliteStore({ path });
    assert.equal(await next.revision(), 1);
    await next.close();
  });

  it("rejects an unknown synchronous mode", () => {
    assert.throws(() => openSqliteStore({ path: ":memory:", synchronous: "OFF" as "FULL" }), /NORMAL/);
  });

  it("loses no acknowledged write when the process is killed with SIGKILL", async () => {
    const path = tempPath();
    const writer = fileURLToPath(new URL("./testdata/durability-writer.ts", import.meta.url));
    // stderr is piped, not inherited: the writer must hold no handle of the test runner's.
    const child = spawn(process.execPath, ["--import", "tsx", writer, path], { stdio: ["ignore", "pipe", "pipe"] });
    const acknowledged: string[] = [];
    let buffered = "";
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => (stderr += chunk));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.setEncoding("utf8");
        child.stdout.on("data", (chunk: string) => {
          buffered += chunk;
          const lines = buffered.split("\n");
          buffered = lines.pop() ?? "";
          acknowledged.push(...lines);
          // Kill mid-load, well after the writer got going.
          if (acknowledged.length >= 3000) resolve();
        });
        child.on("exit", (code) => reject(new Error(`writer exited (${code}) after ${acknowledged.length} writes: ${stderr}`)));
      });
    } finally {
      child.kill("SIGKILL");
    }
    assert.equal(await exited, "SIGKILL");

    const store = openSqliteStore({ path });
    try {
      const stored = new Set((await store.range("ack/")).kvs.map((kv) => kv.key));
      const missing = acknowledged.filter((key) => !stored.has(key));
      assert.deepEqual(missing, [], `${missing.length} of ${acknowledged.length} acknowledged writes are missing`);
      assert.ok(stored.size >= acknowledged.length);
      // Both puts of every transaction, or neither: none was torn by the kill.
      const twins = (await store.range("twin/")).kvs.map((kv) => kv.key.slice("twin/".length));
      assert.deepEqual(twins, [...stored]);
      assert.ok((await store.revision()) >= acknowledged.length);
    } finally {
      await store.close();
    }
  });
});

// `berth store export` / `berth store import` as processes: SQLite → etcd → SQLite gives back
// the same keys and values, written in the same order.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { openSqliteStore, type KeyValue } from "../../src/store/index.js";
import { etcdMissing, startEtcd, type EtcdCluster } from "../helpers/etcd.js";
import { berth } from "./harness.js";

const missing = etcdMissing();
const NOWHERE = "http://127.0.0.1:1";

describe("berth store export and import", { ...(missing ? { skip: missing } : {}) }, () => {
  let etcd: EtcdCluster;
  let dir: string;
  before(async () => {
    etcd = await startEtcd();
    dir = mkdtempSync(join(tmpdir(), "berth-transfer-"));
  });
  after(async () => {
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Keys and values, and the keys in the order they were last written (by modRevision, then
   * key). An import may split a source transaction too big for one etcd txn into consecutive
   * ones, so it is this order that must carry over, not the grouping.
   */
  const shape = (kvs: KeyValue[]) => ({
    values: Object.fromEntries(kvs.map((kv) => [kv.key, kv.value])),
    order: [...kvs].sort((a, b) => a.modRevision - b.modRevision || (a.key < b.key ? -1 : 1)).map((kv) => kv.key),
  });

  it("round-trips SQLite → etcd → SQLite", async () => {
    const srcDir = join(dir, "src");
    mkdirSync(srcDir);
    const store = openSqliteStore({ path: join(srcDir, "berth.db") });
    await store.txn({ success: [{ kind: "put", key: "berth/clusters/a", value: '{"n":1}' }, { kind: "put", key: "berth/clusters/b", value: "{}" }] });
    await store.txn({ success: [{ kind: "put", key: "berth/tasks/\u{1F600}", value: "emoji ✓" }] });
    await store.txn({ success: [{ kind: "put", key: "berth/clusters/a", value: '{"n":2}' }] });
    await store.txn({ success: [{ kind: "delete", key: "berth/clusters/b" }] });
    // A big transaction: more keys than one etcd txn takes by default.
    await store.txn({ success: Array.from({ length: 300 }, (_, i) => ({ kind: "put" as const, key: `berth/big/${String(i).padStart(3, "0")}`, value: "x".repeat(100) })) });
    await store.txn({ success: [{ kind: "put", key: "berth/last", value: "\n\"quoted\"\n" }] });
    const original = shape((await store.range("")).kvs);
    await store.close();

    const exported = await berth(NOWHERE, ["store", "export", "--data-dir", srcDir]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stderr, /exported 303 keys at revision 6/);

    const url = etcd.storeUrl("transfer");
    const imported = await berth(NOWHERE, ["store", "import", "--store", url], { stdin: exported.stdout });
    assert.equal(imported.code, 0, imported.stderr);
    // A second import into the now non-empty target is refused, and changes nothing.
    const again = await berth(NOWHERE, ["store", "import", "--store", url], { stdin: exported.stdout });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /not empty .* --force/);

    const fromEtcd = await berth(NOWHERE, ["store", "export", "--store", url]);
    assert.equal(fromEtcd.code, 0, fromEtcd.stderr);
    const backDir = join(dir, "back");
    const back = await berth(NOWHERE, ["store", "import", "--data-dir", backDir], { stdin: fromEtcd.stdout });
    assert.equal(back.code, 0, back.stderr);

    const result = openSqliteStore({ path: join(backDir, "berth.db") });
    try {
      const got = shape((await result.range("")).kvs);
      // Compared as JSON text: a mismatch of 300 long values would flood the report.
      assert.ok(JSON.stringify(got.values) === JSON.stringify(original.values), "the same keys and values");
      assert.deepEqual(got.order, original.order);
    } finally {
      await result.close();
    }
    // --force replaces: the target then holds exactly the export.
    const forced = await berth(NOWHERE, ["store", "import", "--store", url, "--force"], {
      stdin: `${JSON.stringify({ format: "berth-store", version: 1, revision: 1, keys: 1 })}\n${JSON.stringify({ key: "only", value: "1", createRevision: 1, modRevision: 1, version: 1 })}\n`,
    });
    assert.equal(forced.code, 0, forced.stderr);
    const after = await berth(NOWHERE, ["store", "export", "--store", url]);
    assert.deepEqual(after.stdout.trim().split("\n").slice(1).map((l) => JSON.parse(l).key), ["only"]);
  });

  it("refuses input that is not an export, naming the line", async () => {
    const r = await berth(NOWHERE, ["store", "import", "--data-dir", join(dir, "never")], { stdin: '{"format":"berth-store","version":1,"revision":1,"keys":1}\n{"key":""}\n' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /line 2: key must be a non-empty string/);
  });
});

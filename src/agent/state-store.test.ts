import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { StateStore } from "./state-store.js";
import { newTaskRecord, type TaskRecord } from "./task-record.js";
import { aContainerDef, anAssignedTask } from "./test-builders.js";

const record = (id: string, over: Partial<TaskRecord> = {}): TaskRecord => ({
  ...newTaskRecord(anAssignedTask([aContainerDef("main")], { taskArn: `arn:aws:ecs:us-east-1:000000000000:task/default/${id}` })),
  ...over,
});

describe("StateStore", () => {
  let dir = "";
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "berth-state-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const reopen = async () => {
    const s = new StateStore(dir);
    await s.open();
    return s;
  };
  const arns = async (s: StateStore) => (await s.loadTasks()).map((r) => r.task.taskArn.split("/").pop()).sort();

  it("keeps the newest version of each task and forgets removed ones across a reopen", async () => {
    const s = await reopen();
    await Promise.all([s.saveTask("a", record("a")), s.saveTask("b", record("b")), s.saveTask("c", record("c"))]);
    await s.saveTask("a", record("a", { known: "RUNNING" }));
    await s.deleteTask("b");
    await s.close();
    const again = await reopen();
    assert.deepEqual(await arns(again), ["a", "c"]);
    assert.equal((await again.loadTasks()).find((r) => r.task.taskArn.endsWith("/a"))?.known, "RUNNING");
    await again.close();
  });

  it("writes the saves of one turn of the event loop together, in order", async () => {
    const s = await reopen();
    const saves = [s.saveTask("a", record("a")), s.saveTask("a", record("a", { known: "RUNNING" })), s.saveTask("b", record("b"))];
    await Promise.all(saves);
    const lines = (await readFile(join(dir, "tasks.journal"), "utf8")).trim().split("\n");
    assert.equal(lines.length, 3, "every version is appended");
    assert.equal(JSON.parse(lines[1]!).r.known, "RUNNING");
    await s.close();
  });

  it("skips a torn last line, as a kill -9 in the middle of a write leaves it, and appends after it safely", async () => {
    const s = await reopen();
    await s.saveTask("a", record("a"));
    await s.close();
    await writeFile(join(dir, "tasks.journal"), '{"t":"b","r":{"vers', { flag: "a" });
    const again = await reopen();
    assert.deepEqual(await arns(again), ["a"]);
    await again.saveTask("c", record("c"));
    await again.close();
    const third = await reopen();
    assert.deepEqual(await arns(third), ["a", "c"]);
    await third.close();
  });

  it("rewrites a journal grown well past its live records, keeping every live one", async () => {
    const s = await reopen();
    const big = "x".repeat(4096);
    for (let i = 0; i < 400; i++) await s.saveTask("a", record("a", { stopReason: `${big}${i}` }));
    await s.saveTask("b", record("b"));
    await s.close();
    const size = (await stat(join(dir, "tasks.journal"))).size;
    assert.ok(size < 1.2 * 1024 * 1024, `the journal was compacted (it is ${size} bytes after 1.6 MB of writes)`);
    const again = await reopen();
    assert.deepEqual(await arns(again), ["a", "b"]);
    assert.equal((await again.loadTasks()).find((r) => r.task.taskArn.endsWith("/a"))?.stopReason, `${big}399`);
    await again.close();
    assert.deepEqual((await readdir(dir)).filter((n) => n.endsWith(".tmp")), [], "no temporary file is left behind");
  });

  it("adopts the per-task files of an earlier state dir layout", async () => {
    await mkdir(join(dir, "tasks"));
    await writeFile(join(dir, "tasks", "old.json"), JSON.stringify(record("old")));
    const s = await reopen();
    assert.deepEqual(await arns(s), ["old"]);
    await s.close();
    assert.deepEqual(await readdir(dir), ["tasks.journal"]);
    const again = await reopen();
    assert.deepEqual(await arns(again), ["old"]);
    await again.close();
  });
});

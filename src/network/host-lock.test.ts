import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { acquireHostLock, HostLock } from "./host-lock.js";

const noFlock = spawnSync("flock", ["--version"]).status === 0 ? undefined : "flock (util-linux) is not installed";

describe("acquireHostLock", { skip: noFlock }, () => {
  it("holds the lock until released: a second taker gets it only after", async () => {
    const dir = mkdtempSync(join(tmpdir(), "berth-lock-"));
    const file = join(dir, "lock");
    try {
      const order: string[] = [];
      const releaseFirst = await acquireHostLock(file);
      const second = acquireHostLock(file).then((release) => {
        order.push("second");
        return release;
      });
      // flock -n fails while the lock is held: the second taker is waiting, not holding it.
      assert.notEqual(spawnSync("flock", ["-n", file, "true"]).status, 0);
      order.push("first released");
      await releaseFirst();
      const releaseSecond = await second;
      await releaseSecond();
      assert.deepEqual(order, ["first released", "second"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is released when its holder dies (kill -9 closes the pipe)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "berth-lock-"));
    const file = join(dir, "lock");
    try {
      const url = new URL("./host-lock.ts", import.meta.url).pathname;
      const holder = spawn(process.execPath, ["--import", "tsx", "-e", `import(${JSON.stringify(url)}).then(async (m) => { await m.acquireHostLock(${JSON.stringify(file)}); console.log("held"); setInterval(() => {}, 1000); })`], { stdio: ["ignore", "pipe", "inherit"] });
      await new Promise<void>((resolve) => holder.stdout.on("data", (d: Buffer) => d.toString().includes("held") && resolve()));
      assert.notEqual(spawnSync("flock", ["-n", file, "true"]).status, 0, "held by the child");
      const exited = new Promise((r) => holder.once("exit", r));
      holder.kill("SIGKILL");
      await exited;
      const release = await acquireHostLock(file);
      await release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("one HostLock serves its takers one at a time, from one shell, and lets go when closed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "berth-lock-"));
    const file = join(dir, "lock");
    const lock = new HostLock(file);
    try {
      const order: string[] = [];
      const releaseFirst = await lock.acquire();
      const second = lock.acquire().then((release) => {
        order.push("second");
        return release;
      });
      assert.notEqual(spawnSync("flock", ["-n", file, "true"]).status, 0, "held by the first taker");
      order.push("first released");
      await releaseFirst();
      const releaseSecond = await second;
      assert.deepEqual(order, ["first released", "second"]);
      assert.notEqual(spawnSync("flock", ["-n", file, "true"]).status, 0, "held by the second taker");
      await releaseSecond();
      assert.equal(spawnSync("flock", ["-n", file, "true"]).status, 0, "free between takers");
      const releaseThird = await lock.acquire();
      await lock.close();
      assert.equal(spawnSync("flock", ["-n", file, "true"]).status, 0, "closing the shell lets go");
      await releaseThird().catch(() => undefined);
    } finally {
      await lock.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Not part of the suite: test/runner/leak-check.test.ts runs this file through scripts/test.mjs
// to prove the runner catches what a test leaves running. It starts a real process-runtime
// container (`sleep 600`) and a plain child process, writes their pids to the file named by
// BERTH_LEAK_FIXTURE_PIDS, and stops them only when BERTH_LEAK_FIXTURE_CLEAN=1.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, it } from "node:test";
import { createProcessDriver } from "../../src/runtime/index.js";

const clean = process.env.BERTH_LEAK_FIXTURE_CLEAN === "1";
const dir = mkdtempSync(join(tmpdir(), "berth-agent-fixture-"));
const driver = await createProcessDriver({ stateDir: join(dir, "runtime") });
const child = spawn("sleep", ["600"], { stdio: "ignore" });
child.unref();
let containerId: string | undefined;

after(async () => {
  if (clean) {
    if (containerId) await driver.remove(containerId);
    child.kill("SIGKILL");
  }
  await driver.close();
  if (clean) rmSync(dir, { recursive: true, force: true });
});

it("starts a task process and a child process", async () => {
  containerId = await driver.createContainer({
    taskArn: "arn:aws:ecs:us-east-1:000000000000:task/default/0123456789abcdef0123456789abcdef",
    taskId: "0123456789abcdef0123456789abcdef",
    containerName: "app",
    image: "busybox",
    command: ["sleep", "600"],
    networkMode: "host",
  });
  await driver.start(containerId);
  const state = await driver.inspect(containerId);
  writeFileSync(process.env.BERTH_LEAK_FIXTURE_PIDS as string, JSON.stringify({ task: state.pid, child: child.pid }));
});

// Not part of the suite: test/runner/leak-check.test.ts runs this file through scripts/test.mjs
// to prove the runner catches what a test leaves running. It starts a real process-runtime
// container (`sleep 600`), a plain child process and, when BERTH_LEAK_FIXTURE_DOCKER names an
// image, a Docker container labelled for an agent whose agent.json it writes; it writes their
// ids to the file named by BERTH_LEAK_FIXTURE_PIDS, and stops them only when
// BERTH_LEAK_FIXTURE_CLEAN=1.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, it } from "node:test";
import { createProcessDriver, createRuntimeDriver, type ContainerSpec, type RuntimeDriver } from "../../src/runtime/index.js";

const clean = process.env.BERTH_LEAK_FIXTURE_CLEAN === "1";
const image = process.env.BERTH_LEAK_FIXTURE_DOCKER;
const dir = mkdtempSync(join(tmpdir(), "berth-agent-fixture-"));
const driver = await createProcessDriver({ stateDir: join(dir, "runtime") });
const docker: RuntimeDriver | undefined = image ? await createRuntimeDriver({ kind: "docker" }) : undefined;
const child = spawn("sleep", ["600"], { stdio: "ignore" });
child.unref();
const started: { driver: RuntimeDriver; id: string }[] = [];

after(async () => {
  if (clean) {
    for (const s of started) await s.driver.remove(s.id);
    child.kill("SIGKILL");
  }
  await driver.close();
  await docker?.close();
  if (clean) rmSync(dir, { recursive: true, force: true });
});

const spec = (over: Partial<ContainerSpec> = {}): ContainerSpec => ({
  taskArn: "arn:aws:ecs:us-east-1:000000000000:task/default/0123456789abcdef0123456789abcdef",
  taskId: "0123456789abcdef0123456789abcdef",
  containerName: "app",
  image: "busybox",
  command: ["sleep", "600"],
  networkMode: "host",
  ...over,
});

async function run(d: RuntimeDriver, s: ContainerSpec): Promise<string> {
  const id = await d.createContainer(s);
  started.push({ driver: d, id });
  await d.start(id);
  return id;
}

it("starts a task process, a child process and maybe a Docker container", async () => {
  const task = await driver.inspect(await run(driver, spec()));
  let container: string | undefined;
  if (docker && image) {
    // An agent's state dir under TMPDIR, as the harnesses make them.
    const instanceId = `i-fixture${process.pid}`;
    writeFileSync(join(dir, "agent.json"), JSON.stringify({ instanceId }));
    container = await run(docker, spec({ image, networkMode: "bridge", labels: { "berth.agent.instance-id": instanceId } }));
  }
  writeFileSync(process.env.BERTH_LEAK_FIXTURE_PIDS as string, JSON.stringify({ task: task.pid, child: child.pid, container }));
});

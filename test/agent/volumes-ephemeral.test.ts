// Fargate's ephemeral storage on the node (issue 16; docs/volumes.md "Fargate ephemeral
// storage"): the task's writable space outside its volumes is one image of sizeInGiB, so
// writing past it fails, and the image goes with the task. ECS's smallest size is 21 GiB, too
// much to fill in a test: the agent is given 1 GiB directly (the same code path, the smallest
// size it accepts). Run on both runtimes where they are available.
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { ContainerDefinition, Task } from "@aws-sdk/client-ecs";
import { mountsBelow } from "../../src/agent/volumes/volume-host.js";
import { type Cluster, dockerSkipReason, startCluster, TEST_IMAGE } from "./harness.js";
import { injectEphemeralStorage } from "./volumes-inject.js";
import { hostSkipReason, mountsAnywhere } from "./volumes-scenarios.js";

// Waits for a go file (the test looks at the mounted image meanwhile); then: the root is
// read-only; 600 MiB fit in a task-scoped volume; 600 MiB more in /tmp do not (both are on the
// one 1 GiB image), after at least some of it was written; /var/tmp is writable.
const SCRIPT = [
  "while [ ! -e /scratch/go ]; do sleep 0.1; done",
  "if touch /berth-ephemeral-test 2>/dev/null; then exit 2; fi",
  "echo x > /var/tmp/x || exit 3",
  "dd if=/dev/zero of=/scratch/a bs=1048576 count=600 2>/dev/null || exit 4",
  "if dd if=/dev/zero of=/tmp/b bs=1048576 count=600 2>/dev/null; then exit 5; fi",
  's=$(du -m /tmp/b | cut -f1); echo "wrote $s MiB"; [ "$s" -ge 100 ] && [ "$s" -lt 600 ] || exit 6',
  "exit 0",
].join("; ");

async function scenario(runtime: "process" | "docker", image: string): Promise<void> {
  describe(`Fargate ephemeral storage on the ${runtime} runtime (root)`, { timeout: 180_000 }, () => {
    let c: Cluster;
    let volumesRoot: string;
    before(async () => {
      c = await startCluster();
      const agent = await c.startAgent({ runtime });
      volumesRoot = join(c.dir, "agent-0", "volumes");
      injectEphemeralStorage(agent, new Map([[`eph-${runtime}`, 1]]));
    });
    after(() => c?.close());

    it("bounds what the containers write outside their volumes to sizeInGiB; the image goes with the task", async () => {
      const def: ContainerDefinition = { name: "app", image, memory: 64, essential: true, command: ["sh", "-c", SCRIPT], mountPoints: [{ sourceVolume: "scratch", containerPath: "/scratch" }] };
      const arn = await c.runTask(await c.registerTaskDefinition(`eph-${runtime}`, [def], { volumes: [{ name: "scratch" }] }));
      await c.waitTask(arn, "RUNNING", (t) => t.lastStatus === "RUNNING", 60_000);
      const taskDir = join(volumesRoot, "tasks", arn.slice(arn.lastIndexOf("/") + 1));
      assert.ok(existsSync(join(taskDir, "ephemeral.img")), "no image");
      assert.ok((await mountsBelow(taskDir)).includes(join(taskDir, "ephemeral")), "the image is not mounted");
      // The task-scoped volume lives on the image too.
      writeFileSync(join(taskDir, "ephemeral", "empty", "scratch", "go"), "");
      const t: Task = await c.waitTask(arn, "STOPPED", (x) => x.lastStatus === "STOPPED", 90_000);
      assert.equal(t.containers?.[0]?.exitCode, 0, `exit ${t.containers?.[0]?.exitCode} ${t.containers?.[0]?.reason ?? ""}`);
      const end = Date.now() + 10_000;
      while (existsSync(taskDir) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      assert.equal(existsSync(taskDir), false, "the task's storage (and its image) is still there");
      assert.deepEqual(mountsAnywhere(taskDir), []);
    });
  });
}

const skip = hostSkipReason();
if (skip) console.log(`# skipping the ephemeral storage tests: ${skip}`);
else {
  await scenario("process", "busybox");
  const dockerSkip = await dockerSkipReason();
  if (dockerSkip) console.log(`# skipping the docker runtime's ephemeral storage test: ${dockerSkip}`);
  else await scenario("docker", TEST_IMAGE);
}

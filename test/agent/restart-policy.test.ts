// ECS's container restartPolicy end to end, with the process runtime and (where an engine and
// the test image exist) the docker runtime: an essential container that exits after running
// restartAttemptPeriod is restarted in place (same runtime id, the task stays RUNNING, the
// metadata endpoint counts the restart); one that exits again sooner stops the task as usual.
// The agent's clock skips ahead (SkippingTimers) instead of the test waiting 60 s.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Agent } from "../../src/agent/index.js";
import { type RuntimeDriver, SkippingTimers } from "../../src/runtime/index.js";
import { type Cluster, dockerSkipReason, startCluster, TEST_IMAGE as IMAGE, until } from "./harness.js";

/** Prints "run" once its trap is set; exits 3 on SIGUSR1. */
const COMMAND = ["sh", "-c", "trap 'exit 3' USR1; echo run; while :; do sleep 0.05; done"];

async function runs(driver: RuntimeDriver, id: string): Promise<number> {
  let n = 0;
  for await (const l of driver.logs(id)) if (l.line === "run") n++;
  return n;
}

/** SIGUSR1 to the container's first process, once the given run has set its trap. */
async function exitRun(driver: RuntimeDriver, id: string, run: number): Promise<void> {
  await until(`run ${run} printed`, async () => (await runs(driver, id)) >= run, 15_000);
  const { pid } = await driver.inspect(id);
  assert.ok(pid, "the container runs");
  process.kill(pid, "SIGUSR1");
}

function scenario(runtime: "process" | "docker", skip: string | undefined) {
  describe(`restartPolicy with the ${runtime} runtime`, { timeout: 120_000, ...(skip ? { skip } : {}) }, () => {
    let c: Cluster;
    let agent: Agent;
    const timers = new SkippingTimers();
    before(async () => {
      c = await startCluster();
      agent = await c.startAgent({ runtime, timers });
    });
    after(async () => {
      await c?.close();
    });

    it("restarts the essential container in place after restartAttemptPeriod; an early exit then stops the task", async () => {
      const td = await c.registerTaskDefinition(`restarts-${runtime}`, [
        { name: "app", image: IMAGE, memory: 32, essential: true, command: COMMAND, restartPolicy: { enabled: true, restartAttemptPeriod: 60 } },
      ]);
      const arn = await c.runTask(td);
      const running = await c.waitTask(arn, "RUNNING", (t) => t.lastStatus === "RUNNING", 30_000);
      const id = running.containers![0]!.runtimeId!;

      timers.skip(61_000); // the container has now "run" 61 s
      await exitRun(agent.driver, id, 1);
      await until("the restarted run", async () => (await runs(agent.driver, id)) >= 2, 15_000);
      const after = await c.describe(arn);
      assert.equal(after.lastStatus, "RUNNING");
      assert.equal(after.desiredStatus, "RUNNING");
      assert.equal(after.containers![0]!.lastStatus, "RUNNING");
      assert.equal(after.containers![0]!.runtimeId, id, "the same container runs again");
      assert.equal(after.containers![0]!.exitCode, undefined, "the control plane hears of no exit");

      const token = agent.engine.tasks.get(arn)!.record.containers[0]!.metadataToken;
      const metadata = (await (await fetch(`${agent.metadataBaseUrl}/v4/${token}`)).json()) as Record<string, unknown>;
      assert.equal(metadata.RestartCount, 1);
      assert.equal(metadata.KnownStatus, "RUNNING");

      // No skip: the second run exits seconds after its restart, less than the period.
      await exitRun(agent.driver, id, 2);
      const stopped = await c.waitTask(arn, "STOPPED", (t) => t.lastStatus === "STOPPED", 30_000);
      assert.equal(stopped.stopCode, "EssentialContainerExited");
      assert.equal(stopped.stoppedReason, "Essential container in task exited");
      assert.equal(stopped.containers![0]!.exitCode, 3);
      assert.equal(await runs(agent.driver, id), 2, "not restarted a second time");
    });
  });
}

scenario("process", undefined);
scenario("docker", await dockerSkipReason());

// The agent with the docker runtime against a real control plane: the lifecycle cases of the
// process runtime, plus a memory-limit kill, an unknown image, and the metadata endpoint reached
// from inside a bridge-mode container through docker0. Runs where a Docker engine answers and
// the test image exists (scripts/build-test-image.sh); otherwise every case skips, saying why.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { StopTaskCommand } from "@aws-sdk/client-ecs";
import type { Agent } from "../../src/agent/index.js";
import { type Cluster, dockerSkipReason, startCluster, TEST_IMAGE as IMAGE } from "./harness.js";

const skip = await dockerSkipReason();
const looping = (onTerm: string) => ["sh", "-c", `${onTerm}; while :; do sleep 0.05; done`];

describe("agent with the docker runtime", { concurrency: 3, timeout: 180_000, ...(skip ? { skip } : {}) }, () => {
  let c: Cluster;
  let agent: Agent;
  before(async () => {
    c = await startCluster();
    agent = await c.startAgent({ runtime: "docker" });
  });
  after(async () => {
    // c.close() removes this agent's containers (the agent itself leaves them, as ECS's does).
    await c?.close();
  });

  it("runs a command to RUNNING, then STOPPED with exit code 0 and EssentialContainerExited", async () => {
    const td = await c.registerTaskDefinition("d-batch", [{ name: "job", image: IMAGE, memory: 32, essential: true, command: ["sh", "-c", "sleep 1; exit 0"] }]);
    const arn = await c.runTask(td);
    const running = await c.waitTask(arn, "RUNNING", (t) => t.lastStatus === "RUNNING");
    assert.match(running.containers![0]!.runtimeId!, /^[0-9a-f]{64}$/);
    const stopped = await c.waitTask(arn, "STOPPED", (t) => t.lastStatus === "STOPPED");
    assert.equal(stopped.stopCode, "EssentialContainerExited");
    assert.equal(stopped.stoppedReason, "Essential container in task exited");
    assert.equal(stopped.containers![0]!.exitCode, 0);
  });

  it("a non-zero essential exit stops the others", async () => {
    const td = await c.registerTaskDefinition("d-failing", [
      { name: "app", image: IMAGE, memory: 32, essential: true, command: ["sh", "-c", "sleep 0.5; exit 3"] },
      { name: "sidecar", image: IMAGE, memory: 32, essential: false, command: looping("trap 'exit 143' TERM") },
    ]);
    const arn = await c.runTask(td);
    const stopped = await c.waitTask(arn, "STOPPED", (t) => t.lastStatus === "STOPPED", 30_000);
    const byName = new Map(stopped.containers!.map((x) => [x.name, x]));
    assert.equal(byName.get("app")!.exitCode, 3);
    assert.equal(byName.get("sidecar")!.exitCode, 143);
    assert.equal(stopped.stopCode, "EssentialContainerExited");
  });

  it("StopTask sends SIGTERM, then SIGKILL after stopTimeout", async () => {
    const td = await c.registerTaskDefinition("d-stubborn", [{ name: "app", image: IMAGE, memory: 32, essential: true, stopTimeout: 2, command: looping("trap '' TERM") }]);
    const arn = await c.runTask(td);
    await c.waitTask(arn, "RUNNING", (t) => t.lastStatus === "RUNNING");
    const t0 = Date.now();
    await c.ecs.send(new StopTaskCommand({ cluster: "default", task: arn }));
    const stopped = await c.waitTask(arn, "STOPPED", (t) => t.lastStatus === "STOPPED", 30_000);
    assert.ok(Date.now() - t0 >= 2000);
    assert.equal(stopped.containers![0]!.exitCode, 137);
    assert.equal(stopped.stopCode, "UserInitiated");
  });

  it("a memory-limit kill gives exit code 137 and the OutOfMemoryError reason", async () => {
    const td = await c.registerTaskDefinition("d-oom", [
      // tail -c keeps the last 128 MiB in memory: far over the 16 MiB limit.
      { name: "hog", image: IMAGE, memory: 16, essential: true, command: ["sh", "-c", "head -c 268435456 /dev/zero | tail -c 134217728 > /dev/null"] },
    ]);
    const arn = await c.runTask(td);
    const stopped = await c.waitTask(arn, "STOPPED", (t) => t.lastStatus === "STOPPED", 60_000);
    assert.equal(stopped.containers![0]!.exitCode, 137);
    assert.equal(stopped.containers![0]!.reason, "OutOfMemoryError: Container killed due to memory usage");
  });

  it("an unknown image stops the task with CannotPullContainerError", async () => {
    const td = await c.registerTaskDefinition("d-noimage", [{ name: "app", image: "local/does-not-exist:404", memory: 32, essential: true, command: ["true"] }]);
    const arn = await c.runTask(td);
    const stopped = await c.waitTask(arn, "STOPPED", (t) => t.lastStatus === "STOPPED", 60_000);
    assert.equal(stopped.stopCode, "TaskFailedToStart");
    assert.match(stopped.stoppedReason!, /^CannotPullContainerError: /);
    assert.match(stopped.containers![0]!.reason!, /^CannotPullContainerError: /);
  });

  it("a bridge container reaches its metadata endpoint through docker0", async () => {
    // busybox's wget needs DNS libraries a static image lacks; nc speaks the HTTP by hand.
    const script = [
      'u=${ECS_CONTAINER_METADATA_URI_V4#http://}',
      'hp=${u%%/*}',
      'printf "GET /${u#*/}/task HTTP/1.0\\r\\n\\r\\n" | nc -w 5 ${hp%:*} ${hp#*:} | grep -q "\\"TaskARN\\":\\"$TASK_HINT"',
    ].join("; ");
    const td = await c.registerTaskDefinition("d-meta", [
      { name: "app", image: IMAGE, memory: 32, essential: true, environment: [{ name: "TASK_HINT", value: "arn:aws:ecs:" }], command: ["sh", "-c", script] },
    ]);
    const arn = await c.runTask(td);
    const stopped = await c.waitTask(arn, "STOPPED", (t) => t.lastStatus === "STOPPED", 30_000);
    assert.equal(stopped.containers![0]!.exitCode, 0, `the container could not read ${agent.metadataBaseUrl}/v4/<token>/task`);
  });
});

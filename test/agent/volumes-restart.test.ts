// kill -9 of the agent mid-task (issue 16): after its restart, a task that ended while it was
// down has no mount left in any namespace, its directory and its image (deleteOnTermination)
// are gone, and storage no record claims is swept; a task still running keeps its volume.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { StopTaskCommand, type Task } from "@aws-sdk/client-ecs";
import { mountsBelow } from "../../src/agent/volumes/volume-host.js";
import type { AssignedVolumeSource } from "../../src/model/index.js";
import { type AgentProcess, type Cluster, removeProcessContainers, spawnAgentProcess, startCluster, until } from "./harness.js";
import { hostSkipReason, mountsAnywhere } from "./volumes-scenarios.js";

const skip = hostSkipReason();
if (skip) console.log(`# skipping the volume restart test: ${skip}`);

const FIXTURE = ["node", "--import", "tsx", fileURLToPath(new URL("./volumes-agent.ts", import.meta.url))];

describe("task volumes across a kill -9 of the agent (process runtime, root)", { skip, timeout: 180_000 }, () => {
  let c: Cluster;
  let agent: AgentProcess | undefined;
  let stateDir: string;
  before(async () => {
    c = await startCluster();
    stateDir = join(c.dir, "agent-volumes");
  });
  after(async () => {
    await agent?.kill("SIGKILL");
    if (stateDir) await removeProcessContainers(stateDir);
    // What the containers left is released by the agent; anything still mounted goes here.
    for (const p of await mountsBelow(join(stateDir, "volumes"))) execFileSync("umount", ["-l", p]);
    await c?.close();
  });

  it("releases an ended task's storage at restart and keeps a running task's", async () => {
    const ebs = (volumeId: string): AssignedVolumeSource[] => [{ kind: "ebs", name: "data", volumeId, attachmentId: `att-${volumeId}`, sizeInGiB: 1, filesystemType: "ext4", deleteOnTermination: true }];
    process.env.BERTH_TEST_VOLUME_SOURCES = JSON.stringify({ "vr-keep": ebs("vol-keep"), "vr-ends": ebs("vol-ends") });
    agent = await spawnAgentProcess(c.cp.url, stateDir, [], FIXTURE);
    const volumesRoot = join(stateDir, "volumes");
    const taskDir = (arn: string) => join(volumesRoot, "tasks", arn.slice(arn.lastIndexOf("/") + 1));
    const run = async (family: string, script: string) =>
      c.runTask(
        await c.registerTaskDefinition(
          family,
          [{ name: "app", image: "busybox", memory: 32, essential: true, stopTimeout: 2, command: ["sh", "-c", script], mountPoints: [{ sourceVolume: "data", containerPath: "/data" }] }],
          { volumes: [{ name: "data" }] },
        ),
      );
    const keep = await run("vr-keep", "trap 'exit 0' TERM; echo kept > /data/a; while :; do sleep 0.1; done");
    const ends = await run("vr-ends", "echo b > /data/b; sleep 3");
    const running = (t: Task) => t.lastStatus === "RUNNING";
    await c.waitTask(keep, "RUNNING", running, 60_000);
    await c.waitTask(ends, "RUNNING", running, 60_000);
    assert.deepEqual(await mountsBelow(taskDir(ends)), [join(taskDir(ends), "ebs", "data")]);

    await agent.kill("SIGKILL");
    agent = undefined;
    // Storage of a task whose record is gone (the agent died between the two): swept at restart.
    const orphan = join(volumesRoot, "tasks", "0123456789abcdef0123456789abcdef");
    mkdirSync(join(orphan, "empty", "x"), { recursive: true });
    execFileSync("mount", ["-t", "tmpfs", "tmpfs", join(orphan, "empty", "x")]);
    // The ended task's container (sleep 3) exits while the agent is down.
    await new Promise((r) => setTimeout(r, 3500));

    agent = await spawnAgentProcess(c.cp.url, stateDir, [], FIXTURE);
    const stopped = await c.waitTask(ends, "STOPPED", (t) => t.lastStatus === "STOPPED", 30_000);
    assert.equal(stopped.containers![0]!.exitCode, 0);
    await until("the ended task's storage to be released", () => !existsSync(taskDir(ends)) || undefined, 10_000);
    assert.deepEqual(mountsAnywhere(taskDir(ends)), []);
    assert.equal(existsSync(join(volumesRoot, "ebs", "vol-ends.img")), false);
    assert.equal(existsSync(orphan), false);
    assert.deepEqual(mountsAnywhere(orphan), []);

    // The running task kept its volume through the agent's death.
    assert.equal((await c.describe(keep)).lastStatus, "RUNNING");
    assert.deepEqual(await mountsBelow(taskDir(keep)), [join(taskDir(keep), "ebs", "data")]);
    await c.ecs.send(new StopTaskCommand({ cluster: "default", task: keep }));
    await c.waitTask(keep, "STOPPED", (t) => t.lastStatus === "STOPPED", 30_000);
    await until("the stopped task's storage to be released", () => !existsSync(taskDir(keep)) || undefined, 10_000);
    assert.deepEqual(mountsAnywhere(join(volumesRoot, "tasks")), []);
    assert.equal(existsSync(join(volumesRoot, "ebs", "vol-keep.img")), false);
  });
});

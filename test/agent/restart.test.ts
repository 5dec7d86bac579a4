// The agent as a child process (`berth agent`): kill -9 and a restart on the same state dir
// re-attach to the running containers — no orphan, no duplicate, no task lost, exits that
// happened while it was down reported — and agentConnected follows the channel.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { StopTaskCommand } from "@aws-sdk/client-ecs";
import { type AgentProcess, type Cluster, removeProcessContainers, spawnAgentProcess, startCluster, until } from "./harness.js";

describe("agent restarts", { timeout: 180_000 }, () => {
  let c: Cluster;
  const procs: AgentProcess[] = [];
  const stateDirs: string[] = [];
  before(async () => {
    c = await startCluster();
  });
  after(async () => {
    for (const p of procs) await p.kill("SIGKILL");
    for (const dir of stateDirs) await removeProcessContainers(dir);
    await c?.close();
  });

  const connected = (arn: string, want: boolean, timeoutMs = 10_000) =>
    until(`agentConnected ${want}`, async () => (await c.instance(arn)).agentConnected === want, timeoutMs);

  it("re-attaches after kill -9 without duplicate or lost tasks", async () => {
    const stateDir = join(c.dir, "child-agent");
    stateDirs.push(stateDir);
    const first = await spawnAgentProcess(c.cp.url, stateDir);
    procs.push(first);
    await connected(first.containerInstanceArn, true);

    const longTd = await c.registerTaskDefinition("long", [
      {
        name: "app",
        image: "busybox",
        memory: 32,
        essential: true,
        stopTimeout: 3,
        environment: [{ name: "LOG", value: join(c.dir, "x") }],
        command: ["sh", "-c", `echo started >> "$LOG.$START_ID"; echo "$ECS_CONTAINER_METADATA_URI_V4" > "$LOG.$START_ID.uri"; trap 'exit 0' TERM; while :; do sleep 0.05; done`],
      },
    ]);
    const shortTd = await c.registerTaskDefinition("short", [
      { name: "app", image: "busybox", memory: 32, essential: true, command: ["sh", "-c", "sleep 2; exit 7"] },
    ]);
    const longs = [
      await c.runTask(longTd, { containerOverrides: [{ name: "app", environment: [{ name: "START_ID", value: "a" }] }] }),
      await c.runTask(longTd, { containerOverrides: [{ name: "app", environment: [{ name: "START_ID", value: "b" }] }] }),
    ];
    const short = await c.runTask(shortTd);
    const before = new Map<string, string>();
    for (const arn of [...longs, short]) {
      const t = await c.waitTask(arn, "RUNNING", (x) => x.lastStatus === "RUNNING");
      before.set(arn, t.containers![0]!.runtimeId!);
    }

    await first.kill("SIGKILL");
    await connected(first.containerInstanceArn, false);
    // The short task's container exits while no agent watches it; the API keeps the last report.
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal((await c.describe(short)).lastStatus, "RUNNING");

    const second = await spawnAgentProcess(c.cp.url, stateDir);
    procs.push(second);
    assert.equal(second.containerInstanceArn, first.containerInstanceArn, "the restarted agent registered as another instance");
    await connected(second.containerInstanceArn, true);

    const stopped = await c.waitTask(short, "short STOPPED", (t) => t.lastStatus === "STOPPED");
    assert.equal(stopped.containers![0]!.exitCode, 7);
    assert.equal(stopped.stopCode, "EssentialContainerExited");
    for (const arn of longs) {
      const t = await c.describe(arn);
      assert.equal(t.lastStatus, "RUNNING");
      assert.equal(t.containers![0]!.runtimeId, before.get(arn));
    }
    assert.equal(readFileSync(`${join(c.dir, "x")}.a`, "utf8"), "started\n", "task a's container started twice");
    assert.equal(readFileSync(`${join(c.dir, "x")}.b`, "utf8"), "started\n", "task b's container started twice");
    assert.equal(readdirSync(join(stateDir, "runtime", "containers")).length, 3, "the runtime holds a duplicate");
    // The containers' metadata URIs (in their environment since they started) still answer.
    const uri = readFileSync(`${join(c.dir, "x")}.a.uri`, "utf8").trim();
    const meta = (await (await fetch(`${uri}/task`)).json()) as { TaskARN: string; KnownStatus: string };
    assert.equal(meta.TaskARN, longs[0]);
    assert.equal(meta.KnownStatus, "RUNNING");

    // The re-attached agent still drives the old containers: StopTask reaches them.
    for (const arn of longs) await c.ecs.send(new StopTaskCommand({ cluster: "default", task: arn }));
    for (const arn of longs) {
      const t = await c.waitTask(arn, "long STOPPED", (x) => x.lastStatus === "STOPPED");
      assert.equal(t.containers![0]!.exitCode, 0);
      assert.equal(t.stopCode, "UserInitiated");
    }
    await second.kill("SIGTERM");
    await connected(second.containerInstanceArn, false);
  });

  it("agentConnected goes false when heartbeats stop and back when the agent returns", async () => {
    stateDirs.push(join(c.dir, "frozen-agent"));
    const agent = await spawnAgentProcess(c.cp.url, join(c.dir, "frozen-agent"));
    procs.push(agent);
    await connected(agent.containerInstanceArn, true);
    // A frozen agent answers no heartbeat: the control plane gives up after three.
    agent.child.kill("SIGSTOP");
    try {
      await connected(agent.containerInstanceArn, false, 10_000);
    } finally {
      agent.child.kill("SIGCONT");
    }
    await connected(agent.containerInstanceArn, true, 15_000);
    await agent.kill("SIGTERM");
  });
});

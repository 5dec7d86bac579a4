// `berth logs` and `describe task` against a control plane with real agents running real
// processes: the CLI (a subprocess, as a shell runs it) reaches the logs through the control
// plane's port only, the agents keep them. Three agents, told apart by a `role` attribute that
// each task definition's memberOf constraint names: `main` (in-process), `gone` (removes a
// stopped task's containers and logs at once) and `child` (a `berth agent` process that the
// test kills to disconnect it).
import { CreateServiceCommand, DeleteServiceCommand, ListTasksCommand, StopTaskCommand } from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type AgentProcess, type Cluster, removeProcessContainers, spawnAgentProcess, startCluster, until } from "../agent/harness.js";
import { BERTH_BIN } from "../helpers/process.js";
import { berth, oneErrorLine } from "./harness.js";

const on = (role: string) => ({ placementConstraints: [{ type: "memberOf" as const, expression: `attribute:role == ${role}` }] });
const shell = (name: string, script: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: "busybox",
  memory: 32,
  entryPoint: ["sh", "-c"],
  command: [script],
  stopTimeout: 2,
  ...extra,
});
const idOf = (arn: string) => arn.split("/").pop()!;

/** `berth ARGS` left running, its output readable while it runs. */
function spawnBerth(endpoint: string, args: string[]) {
  const child: ChildProcess = spawn(process.execPath, [BERTH_BIN, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, BERTH_ENDPOINT: endpoint, NO_COLOR: "1", AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", AWS_PROFILE: "" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

describe("berth logs", { timeout: 300_000 }, () => {
  let c: Cluster;
  let child: AgentProcess | undefined;
  const childStateDir = () => join(c.dir, "child-agent");
  const running: ChildProcess[] = [];
  const run = (...args: string[]) => berth(c.cp.url, args, { timeoutMs: 90_000 });

  before(async () => {
    c = await startCluster();
    await c.startAgent({ attributes: [{ name: "role", value: "main" }] });
    await c.startAgent({ attributes: [{ name: "role", value: "gone" }], cleanupWaitMs: 100 });
  });
  after(async () => {
    for (const p of running) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
    await child?.kill("SIGKILL");
    if (child) await removeProcessContainers(childStateDir());
    await c?.close();
  });

  async function runOn(role: string, family: string, containers: ReturnType<typeof shell>[]): Promise<string> {
    const td = await c.registerTaskDefinition(family, containers, on(role));
    return c.runTask(td);
  }

  it("prints a task's lines: every container, -c one, --tail the last N, stderr on stderr", async () => {
    const arn = await runOn("main", "printer", [
      shell("app", "echo one; echo two; echo oops >&2; exec sleep 600"),
      shell("side", "echo s1; echo s2; echo s3; exec sleep 600", { essential: false }),
    ]);
    const id = idOf(arn);
    await c.waitTask(arn, "RUNNING", (t) => t.lastStatus === "RUNNING");
    // The lines are recorded as the agent sees them; wait until all are there.
    await until("every line recorded", async () => {
      const r = await run("logs", id, "-c", "side");
      return r.stdout === "s1\ns2\ns3\n";
    }, 60_000, 200);
    const [all, app, tailed, future] = await Promise.all([
      run("logs", id.slice(0, 10)),
      run("logs", `task/${id}`, "-c", "app"),
      run("logs", id, "-c", "side", "--tail", "2"),
      run("logs", id, "--since", "2099-01-01T00:00:00Z"),
    ]);
    assert.equal(all.code, 0, all.stderr);
    const out = all.stdout.split("\n").filter(Boolean);
    assert.deepEqual(out.filter((l) => l.startsWith("[app]")), ["[app] one", "[app] two"], "several containers: each line names its container");
    assert.deepEqual(out.filter((l) => l.startsWith("[side]")), ["[side] s1", "[side] s2", "[side] s3"]);
    assert.equal(all.stderr, "[app] oops\n");
    assert.equal(app.code, 0, app.stderr);
    assert.deepEqual([app.stdout, app.stderr], ["one\ntwo\n", "oops\n"], "one container: no prefix");
    assert.equal(tailed.stdout, "s2\ns3\n");
    assert.deepEqual([future.code, future.stdout], [0, ""]);
  });

  it("-f prints a new line as it comes and exits 0 when the task's containers exit", async () => {
    const go = join(c.dir, "go");
    const arn = await runOn("main", "follower", [shell("app", `echo first; while [ ! -e '${go}' ]; do sleep 0.1; done; echo second`)]);
    const f = spawnBerth(c.cp.url, ["logs", idOf(arn), "-f"]);
    running.push(f.child);
    await until("the history printed", () => f.stdout() === "first\n", 60_000, 50);
    writeFileSync(go, "");
    assert.equal(await f.exited, 0, f.stderr());
    assert.equal(f.stdout(), "first\nsecond\n");
  });

  it("a service: the lines of all its running tasks, each prefixed task/container", async () => {
    await c.registerTaskDefinition("chorus", [shell("app", "echo hello; exec sleep 600")], on("main"));
    await c.ecs.send(new CreateServiceCommand({ cluster: "default", serviceName: "chorus", taskDefinition: "chorus", desiredCount: 2 }));
    const arns = await until("two tasks", async () => {
      const res = await c.ecs.send(new ListTasksCommand({ cluster: "default", serviceName: "chorus" }));
      return res.taskArns?.length === 2 ? res.taskArns : undefined;
    }, 30_000);
    for (const arn of arns) await c.waitTask(arn, "RUNNING", (t) => t.lastStatus === "RUNNING", 30_000);
    const want = arns.map((a) => `[${idOf(a).slice(0, 8)}/app] hello`).sort();
    const r = await until("both tasks' lines", async () => {
      const res = await run("logs", "chorus");
      return res.stdout.split("\n").filter(Boolean).sort().join("\n") === want.join("\n") ? res : undefined;
    }, 60_000, 200);
    assert.equal(r.code, 0, r.stderr);
  });

  it("-f a service: both tasks' lines interleaved as they come, each prefixed task/container; a replacement task is picked up", async () => {
    await c.registerTaskDefinition("duet", [shell("app", 'i=0; while true; do echo "tick $i"; i=$((i+1)); sleep 0.3; done')], on("main"));
    await c.ecs.send(new CreateServiceCommand({ cluster: "default", serviceName: "duet", taskDefinition: "duet", desiredCount: 2 }));
    const listed = async () => (await c.ecs.send(new ListTasksCommand({ cluster: "default", serviceName: "duet", desiredStatus: "RUNNING" }))).taskArns ?? [];
    const first = await until("two tasks", async () => ((await listed()).length === 2 ? listed() : undefined), 30_000);
    for (const arn of first) await c.waitTask(arn, "RUNNING", (t) => t.lastStatus === "RUNNING", 30_000);
    const f = spawnBerth(c.cp.url, ["logs", "-f", "duet"]);
    running.push(f.child);
    const prefix = (arn: string) => `[${idOf(arn).slice(0, 8)}/app] `;
    /** Each prefix's lines in the order printed. */
    const byTask = () => {
      const m = new Map<string, string[]>();
      for (const line of f.stdout().split("\n").filter(Boolean)) {
        const p = /^(\[[0-9a-f]{8}\/app\] )(.*)$/.exec(line);
        assert.ok(p, `a line without its task/container prefix: ${JSON.stringify(line)}`);
        m.set(p[1]!, [...(m.get(p[1]!) ?? []), p[2]!]);
      }
      return m;
    };
    await until("lines of both tasks", () => first.every((a) => (byTask().get(prefix(a))?.length ?? 0) >= 3), 60_000, 100);
    // Interleaved as they come: after each task's history (printed task by task), the new lines
    // switch between the two tasks, not one after the other.
    const lines = () => f.stdout().split("\n").filter(Boolean).map((l) => l.slice(0, 14));
    const seen = lines().length;
    await until("new lines of both tasks", () => new Set(lines().slice(seen)).size === 2 && lines().length >= seen + 8, 60_000, 100);
    const order = lines().slice(seen);
    assert.ok(order.filter((p, i) => i > 0 && p !== order[i - 1]).length >= 2, f.stdout());

    await c.ecs.send(new StopTaskCommand({ cluster: "default", task: first[0]!, reason: "replace it" }));
    const replacement = await until("a replacement task", async () => (await listed()).find((a) => !first.includes(a)), 60_000, 200);
    await until("the replacement's lines", () => (byTask().get(prefix(replacement))?.length ?? 0) >= 2, 60_000, 100);
    assert.equal(f.child.exitCode, null, "following a service runs until interrupted");
    f.child.kill("SIGINT");
    await f.exited;
    for (const [p, lines] of byTask()) {
      const n = lines.map((l) => Number(/^tick (\d+)$/.exec(l)?.[1]));
      assert.deepEqual(n, n.map((_, i) => n[0]! + i), `${p}: every line once, in order`);
    }
    await c.ecs.send(new DeleteServiceCommand({ cluster: "default", service: "duet", force: true }));
  });

  it("describe task shows the last lines of a failed container; logs of the stopped task are still served", async () => {
    const arn = await runOn("main", "crasher", [shell("app", "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo line-$i; done; sleep 0.3; echo dying >&2; exit 7")]);
    // stdout and stderr are two pipes, recorded one after the other by each pump: lines written
    // to both within one pump's reads have no order between them (Docker's are no better). The
    // pause makes "dying" come after the stdout lines in any pump that sees it.
    await c.waitTask(arn, "STOPPED", (t) => t.lastStatus === "STOPPED", 30_000);
    const id = idOf(arn);
    const [described, logs] = await Promise.all([run("describe", "task", id), run("logs", id)]);
    assert.equal(described.code, 0, described.stderr);
    const block = /^Last lines of app \(exit 7\):\n((?: {2}.*\n)+)/m.exec(described.stdout);
    assert.ok(block, described.stdout);
    // The last ten as recorded: line-4 … line-12, then the stderr line, written last.
    const shown = block[1]!.trimEnd().split("\n").map((l) => l.trim());
    assert.deepEqual(shown, [...Array.from({ length: 9 }, (_, i) => `line-${i + 4}`), "dying"]);
    assert.equal(logs.code, 0, logs.stderr);
    assert.equal(logs.stdout, Array.from({ length: 12 }, (_, i) => `line-${i + 1}\n`).join(""));
  });

  it("errors: an unknown task, an unknown container, logs that are gone, an agent that is not connected", async () => {
    const goneArn = await runOn("gone", "brief", [shell("app", "echo bye")]);
    await c.waitTask(goneArn, "STOPPED", (t) => t.lastStatus === "STOPPED", 30_000);
    const goneAgent = c.agents[1]!;
    await until("the agent removed the task", () => !goneAgent.engine.tasks.has(goneArn), 30_000);

    child = await spawnAgentProcess(c.cp.url, childStateDir(), ["--attribute", "role=child"]);
    const childArn = await runOn("child", "orphan", [shell("app", "echo hi; exec sleep 600")]);
    await c.waitTask(childArn, "RUNNING", (t) => t.lastStatus === "RUNNING", 30_000);
    await child.kill("SIGKILL");
    await until("agent disconnected", async () => (await c.instance(child!.containerInstanceArn)).agentConnected === false);
    const instanceId = idOf(child.containerInstanceArn);

    const [unknown, container, gone, disconnected] = await Promise.all([
      run("logs", "deadbeef"),
      run("logs", idOf(goneArn), "-c", "nope"),
      run("logs", idOf(goneArn)),
      run("logs", idOf(childArn)),
    ]);
    assert.equal(unknown.code, 1);
    assert.equal(oneErrorLine(unknown), "error: task 'deadbeef' not found in cluster 'default' (stopped tasks are kept for an hour); list tasks with 'berth get tasks --all'");
    assert.equal(container.code, 1);
    assert.equal(oneErrorLine(container), `error: task ${idOf(goneArn)} has no container 'nope'; its containers: app`);
    assert.equal(gone.code, 1);
    assert.equal(
      oneErrorLine(gone),
      `error: The logs of task ${idOf(goneArn)} are gone: its agent removes a stopped task's containers and their logs 100 ms after it stops. (ResourceNotFoundException)`,
    );
    assert.equal(disconnected.code, 1);
    assert.equal(
      oneErrorLine(disconnected),
      `error: The logs of task ${idOf(childArn)} are kept by the agent of container instance ${instanceId}, which is not connected to the control plane; they can be read once it reconnects. (TargetNotConnectedException)`,
    );
  });
});

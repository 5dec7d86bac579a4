// `berth up` as a person runs it, stopped with Ctrl-C, kill -9 and `berth down`, with a real
// task process (`sleep`) on the process runtime: Ctrl-C leaves the task running and says so,
// the next `berth up` adopts it, `berth down` stops it whether or not berth runs, and no process
// of the task outlives `berth down`.
import { DescribeTasksCommand, ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand, type Task } from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import Docker from "dockerode";
import { AGENT_INSTANCE_LABEL } from "../../src/agent/index.js";
import { dockerConnection } from "../../src/runtime/index.js";
import { dockerSkipReason, TEST_IMAGE } from "../agent/harness.js";
import { BERTH_BIN } from "../helpers/process.js";
import { berth } from "./harness.js";

interface UpProcess {
  url: string;
  child: ChildProcess;
  stdout(): string;
  exited: Promise<number | null>;
  /** Sends the signal and resolves with the exit code once it has exited. */
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

function spawnUp(dataDir: string, runtime: "process" | "docker" = "process"): Promise<UpProcess> {
  const child = spawn(process.execPath, [BERTH_BIN, "up", "--port", "0", "--data-dir", dataDir, "--runtime", runtime], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, BERTH_LOG_LEVEL: "warn" },
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`berth up did not start in 60 s: ${out}${err}`)), 60_000);
    const onData = () => {
      const m = /endpoint:\s+(http:\/\/\S+)/.exec(out);
      if (!m || !out.includes("next:")) return;
      clearTimeout(timer);
      child.stdout!.off("data", onData);
      resolve({
        url: m[1]!,
        child,
        stdout: () => out,
        exited,
        async stop(signal) {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout!.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`berth up exited with ${code}: ${out}${err}`));
    });
  });
}

/** The live processes of the data dir's tasks: each waiting shell (its argv names its state dir) and its process group. */
function taskProcesses(dataDir: string): { pid: number; args: string }[] {
  const procs: { pid: number; pgid: number; args: string }[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (f[0] === "Z") continue;
      procs.push({ pid: Number(name), pgid: Number(f[2]), args: readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0").join(" ") });
    } catch {
      // gone meanwhile
    }
  }
  const waiters = new Set(procs.filter((p) => p.args.includes("berth-wait") && p.args.includes(`${dataDir}/`)).map((p) => p.pid));
  return procs.filter((p) => waiters.has(p.pid) || waiters.has(p.pgid)).map(({ pid, args }) => ({ pid, args }));
}

function ecs(url: string): ECSClient {
  return new ECSClient({ endpoint: url, region: "us-east-1", credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" }, maxAttempts: 1 });
}

async function waitTask(client: ECSClient, arn: string, what: string, ok: (t: Task) => boolean): Promise<Task> {
  let last: Task | undefined;
  for (let i = 0; i < 300; i++) {
    last = (await client.send(new DescribeTasksCommand({ cluster: "default", tasks: [arn] }))).tasks?.[0];
    if (last && ok(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting until the task is ${what}; last seen: ${JSON.stringify(last)}`);
}

async function runSleeper(url: string, image = "busybox"): Promise<string> {
  const client = ecs(url);
  try {
    await client.send(
      new RegisterTaskDefinitionCommand({
        family: "sleeper",
        containerDefinitions: [{ name: "app", image, memory: 32, entryPoint: ["sh", "-c"], command: ["exec sleep 600"], stopTimeout: 2 }],
      }),
    );
    const res = await client.send(new RunTaskCommand({ cluster: "default", taskDefinition: "sleeper" }));
    const arn = res.tasks?.[0]?.taskArn;
    assert.ok(arn, `RunTask placed nothing: ${JSON.stringify(res.failures)}`);
    await waitTask(client, arn, "RUNNING", (t) => t.lastStatus === "RUNNING");
    return arn;
  } finally {
    client.destroy();
  }
}

const down = (dataDir: string) => berth("http://127.0.0.1:1", ["down", "--data-dir", dataDir], { timeoutMs: 120_000 });

describe("berth up, Ctrl-C and berth down", { skip: process.platform !== "linux" ? "reads /proc to find the task's processes (Linux only)" : false, timeout: 300_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "berth-up-down-"));
  const ups: UpProcess[] = [];
  const up = async () => {
    const u = await spawnUp(dataDir);
    ups.push(u);
    return u;
  };

  after(async () => {
    for (const u of ups) await u.stop("SIGKILL");
    // Whatever a failed test left: berth down is what stops it.
    await down(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("Ctrl-C leaves the task running and says how to stop it; the next berth up adopts it", async () => {
    const first = await up();
    assert.match(first.stdout(), /stop: +Ctrl-C stops berth, its tasks keep running; berth down --data-dir \S+ stops them/);
    const task = await runSleeper(first.url);
    const before = taskProcesses(dataDir);
    assert.ok(before.some((p) => /^sleep 600/.test(p.args)), JSON.stringify(before));
    assert.equal(await first.stop("SIGINT"), 0);
    assert.match(first.stdout(), /berth stopped; 1 task keeps running, as tasks do while an ECS agent restarts\.\n {2}berth up --data-dir \S+ adopts it again; berth down --data-dir \S+ stops it\./);
    assert.deepEqual(taskProcesses(dataDir), before, "the task's processes still run");
    assert.equal(existsSync(join(dataDir, "berth-up.json")), false, "berth up removed its record");

    const second = await up();
    const client = ecs(second.url);
    try {
      const t = await waitTask(client, task, "RUNNING after the restart", (x) => x.lastStatus === "RUNNING");
      assert.equal(t.lastStatus, "RUNNING");
    } finally {
      client.destroy();
    }
    assert.deepEqual(taskProcesses(dataDir), before, "the adopted task runs on, untouched");
  });

  it("berth down after a kill -9 of berth up stops every task process; the next berth up reports the task STOPPED", async () => {
    // The berth up of the previous test runs, with the task it adopted: add a second one.
    const running = ups.at(-1)!;
    const task = await runSleeper(running.url);
    assert.ok(taskProcesses(dataDir).length > 0);
    await running.stop("SIGKILL");
    assert.ok(taskProcesses(dataDir).length > 0, "kill -9 of berth up leaves the tasks running");

    const r = await down(dataDir);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /stopping berth up/, "the killed berth up is not taken for a running one");
    assert.match(r.stdout, new RegExp(`task ${task.split("/").pop()} container app \\(process\\): stopped, exit code 1(37|43)`));
    assert.match(r.stdout, /stopped 2 tasks of \S+; the next `berth up` on it reports them STOPPED/);
    assert.deepEqual(taskProcesses(dataDir), [], "no process of a task outlives berth down");

    const next = await up();
    const client = ecs(next.url);
    try {
      const t = await waitTask(client, task, "STOPPED", (x) => x.lastStatus === "STOPPED");
      assert.equal(t.stoppedReason, "Task stopped by berth down");
      assert.match(String(t.containers?.[0]?.exitCode), /^1(37|43)$/);
    } finally {
      client.destroy();
    }
  });

  it("berth down stops a running berth up, then its tasks", async () => {
    // The berth up of the previous test runs: give it a task of its own.
    const running = ups.at(-1)!;
    const task = await runSleeper(running.url);
    assert.ok(taskProcesses(dataDir).length > 0);
    const r = await down(dataDir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^stopping berth up \(pid \d+, http:\/\/127\.0\.0\.1:\d+\) \.\.\.$/m);
    assert.match(r.stdout, new RegExp(`task ${task.split("/").pop()} container app \\(process\\): stopped`));
    assert.equal(await running.exited, 0, "berth up shut down cleanly");
    assert.deepEqual(taskProcesses(dataDir), [], "no process of a task outlives berth down");
    const again = await down(dataDir);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^no task was running in /m);
  });
});

const dockerSkip = await dockerSkipReason();
const IMAGE = TEST_IMAGE;

describe("berth down with the docker runtime", { timeout: 180_000, ...(dockerSkip ? { skip: dockerSkip } : {}) }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "berth-up-down-docker-"));
  let up: UpProcess | undefined;
  after(async () => {
    await up?.stop("SIGKILL");
    await down(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("removes the containers berth labelled for the agent, after a kill -9 of berth up", async () => {
    up = await spawnUp(dataDir, "docker");
    const task = await runSleeper(up.url, IMAGE);
    const instanceId = (JSON.parse(readFileSync(join(dataDir, "agent", "agent.json"), "utf8")) as { instanceId: string }).instanceId;
    const docker = new Docker(dockerConnection().options);
    const labelled = () => docker.listContainers({ all: true, filters: { label: [`${AGENT_INSTANCE_LABEL}=${instanceId}`] } });
    assert.equal((await labelled()).filter((c) => c.State === "running").length, 1);
    await up.stop("SIGKILL");
    assert.equal((await labelled()).filter((c) => c.State === "running").length, 1, "kill -9 of berth up leaves the container running");
    const r = await down(dataDir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`task ${task.split("/").pop()} container app \\(docker\\): stopped, exit code 1(37|43)`));
    assert.deepEqual(await labelled(), [], "no container of the agent is left");
  });
});

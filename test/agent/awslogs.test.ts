// The awslogs log driver end to end on the process runtime: a task's output reaches berth's own
// CloudWatch Logs, read back with the AWS CLI (`aws logs get-log-events`, every page). 2,000
// lines arrive whole and in order; the control plane stopped for a few seconds while a task
// writes and started again on the same data dir loses nothing and repeats nothing (blocking
// mode: the agent's shipper keeps its place in the local log and tries again); an execution
// role without logs permissions stops the task with ECS's CannotStartContainerError; an agent
// killed with SIGKILL mid-write and started again resumes after the last stored batch.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { type ControlPlane, startControlPlane } from "../../src/api/index.js";
import { type AgentProcess, type Cluster, HEARTBEAT_MS, removeAgentContainers, removeProcessContainers, spawnAgentProcess, startCluster, until } from "./harness.js";
import { aws, makeRole, noCli, taskOutput } from "./identity-helpers.js";

if (noCli) console.log(`# skipping the awslogs test: ${noCli}`);

const LOGS_ACTIONS = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"];
const idOf = (arn: string) => arn.split("/").pop()!;

describe("awslogs log driver (process runtime)", { skip: noCli, timeout: 300_000 }, () => {
  let c: Cluster;
  let execRole: string;
  let restarted: ControlPlane | undefined;
  let child: AgentProcess | undefined;
  const childStateDir = () => join(c.dir, "child-agent");

  before(async () => {
    c = await startCluster();
    await c.startAgent();
    execRole = await makeRole(c, "logs-exec", LOGS_ACTIONS);
  });
  after(async () => {
    await child?.kill("SIGKILL");
    if (child) await removeProcessContainers(childStateDir());
    if (!restarted) return c?.close();
    for (const a of c.agents) {
      await removeAgentContainers(a);
      await a.stop();
    }
    await restarted.close();
    c.ecs.destroy();
    rmSync(c.dir, { recursive: true, force: true });
  });

  const definition = (family: string, script: string, options: Record<string, string>, extra: Record<string, unknown> = { executionRoleArn: execRole }) =>
    c.registerTaskDefinition(
      family,
      [{ name: "app", image: "local/app", memory: 64, stopTimeout: 2, command: ["sh", "-c", script], logConfiguration: { logDriver: "awslogs", options: { "awslogs-region": "us-east-1", ...options } } }],
      extra,
    );

  /** Every event of a stream, oldest first, following nextForwardToken as the CLI user does. */
  async function streamEvents(group: string, stream: string): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    for (;;) {
      const page = await aws(c, "logs", "get-log-events", "--log-group-name", group, "--log-stream-name", stream, "--start-from-head", ...(token ? ["--next-token", token] : []));
      out.push(...(page.events as { message: string }[]).map((e) => e.message));
      if (!page.nextForwardToken || page.nextForwardToken === token) return out;
      token = page.nextForwardToken;
    }
  }

  it("2,000 lines reach the stream prefix/container/task-id in order; berth logs still reads them on the node", async () => {
    const td = await definition("awslogs-2000", 'i=1; while [ $i -le 2000 ]; do echo "line $i"; i=$((i+1)); done; exec sleep 300', {
      "awslogs-group": "/berth/awslogs-2000",
      "awslogs-create-group": "true",
      "awslogs-stream-prefix": "web",
    });
    const arn = await c.runTask(td);
    await c.waitTask(arn, "RUNNING", (t) => t.lastStatus === "RUNNING", 30_000);
    const want = Array.from({ length: 2000 }, (_, i) => `line ${i + 1}`);
    const stream = `web/app/${idOf(arn)}`;
    const got = await until("2,000 events", async () => {
      const events = await streamEvents("/berth/awslogs-2000", stream).catch(() => []);
      return events.length >= 2000 ? events : undefined;
    }, 30_000, 500);
    assert.deepEqual(got, want);
    assert.deepEqual(await taskOutput(c, arn), want, "GetTaskLogs reads the node's own record, as before");
  });

  it("blocking mode: the control plane stopped and started again while the task writes — lines in = lines stored", async () => {
    await aws(c, "logs", "create-log-group", "--log-group-name", "/berth/outage");
    const td = await definition("awslogs-outage", 'i=1; while [ $i -le 1500 ]; do echo "n $i"; i=$((i+1)); sleep 0.004; done; echo end; exec sleep 300', {
      "awslogs-group": "/berth/outage",
      "awslogs-stream-prefix": "o",
      mode: "blocking",
    });
    const arn = await c.runTask(td);
    await c.waitTask(arn, "RUNNING", (t) => t.lastStatus === "RUNNING", 30_000);
    const stream = `o/app/${idOf(arn)}`;
    await until("the first events stored", async () => (await streamEvents("/berth/outage", stream)).length > 0, 30_000, 100);
    const port = c.cp.port;
    await c.cp.close();
    await new Promise((r) => setTimeout(r, 4_000));
    restarted = await startControlPlane({ dataDir: join(c.dir, "cp"), port, logger: pino({ level: "silent" }), heartbeatMs: HEARTBEAT_MS });
    const want = [...Array.from({ length: 1500 }, (_, i) => `n ${i + 1}`), "end"];
    const got = await until("every line stored", async () => {
      const events = await streamEvents("/berth/outage", stream).catch(() => []);
      return events.at(-1) === "end" ? events : undefined;
    }, 60_000, 500);
    assert.equal(got.length, want.length, "lines in = lines stored");
    assert.deepEqual(got, want);
  });

  it("an execution role without logs permissions: the task stops with ECS's CannotStartContainerError", async () => {
    const bare = await makeRole(c, "exec-without-logs", []);
    await aws(c, "logs", "create-log-group", "--log-group-name", "/berth/denied");
    const arn = await c.runTask(await definition("awslogs-denied", "echo never; exec sleep 300", { "awslogs-group": "/berth/denied", "awslogs-stream-prefix": "d" }, { executionRoleArn: bare }));
    const stopped = await c.waitTask(arn, "STOPPED", (t) => t.lastStatus === "STOPPED", 30_000);
    const reason = stopped.containers?.[0]?.reason ?? "";
    assert.match(reason, /^CannotStartContainerError: Error response from daemon: failed to initialize logging driver: failed to create Cloudwatch log stream: AccessDeniedException: .*not authorized to perform: logs:CreateLogStream/);
    assert.equal(stopped.stopCode, "TaskFailedToStart");
  });

  it("a missing group without awslogs-create-group: the task stops with the driver's ResourceNotFoundException", async () => {
    const arn = await c.runTask(await definition("awslogs-nogroup", "echo never; exec sleep 300", { "awslogs-group": "/berth/absent", "awslogs-stream-prefix": "x" }));
    const stopped = await c.waitTask(arn, "STOPPED", (t) => t.lastStatus === "STOPPED", 30_000);
    assert.match(stopped.containers?.[0]?.reason ?? "", /^CannotStartContainerError: Error response from daemon: failed to initialize logging driver: failed to create Cloudwatch log stream: ResourceNotFoundException: /);
  });

  it("an agent killed mid-write and started again on its state dir resumes where it stopped: every line stored once, but one batch at most twice", async () => {
    await aws(c, "logs", "create-log-group", "--log-group-name", "/berth/agent-restart");
    const endpoint = (restarted ?? c.cp).url;
    child = await spawnAgentProcess(endpoint, childStateDir(), ["--attribute", "role=child"]);
    const td = await definition("awslogs-agent-restart", 'i=1; while [ $i -le 1500 ]; do echo "a $i"; i=$((i+1)); sleep 0.004; done; echo end; exec sleep 300', {
      "awslogs-group": "/berth/agent-restart",
      "awslogs-stream-prefix": "r",
    }, { executionRoleArn: execRole, placementConstraints: [{ type: "memberOf", expression: "attribute:role == child" }] });
    const arn = await c.runTask(td);
    await c.waitTask(arn, "RUNNING", (t) => t.lastStatus === "RUNNING", 30_000);
    const stream = `r/app/${idOf(arn)}`;
    await until("the first events stored", async () => (await streamEvents("/berth/agent-restart", stream)).length > 0, 30_000, 100);
    await child.kill("SIGKILL");
    await new Promise((r) => setTimeout(r, 2_000));
    child = await spawnAgentProcess(endpoint, childStateDir(), ["--attribute", "role=child"]);
    const want = [...Array.from({ length: 1500 }, (_, i) => `a ${i + 1}`), "end"];
    const got = await until("every line stored", async () => {
      const events = await streamEvents("/berth/agent-restart", stream).catch(() => []);
      return events.at(-1) === "end" ? events : undefined;
    }, 60_000, 500);
    // Nothing lost, nothing out of order. A kill between a stored batch and the write of the
    // position after it sends that one batch again (cursor-file.ts: at least once); the kill
    // above comes right after the first batch is seen stored, so inside that window at times.
    assert.deepEqual(withoutResentBatch(got, want), want);
  });
});

/**
 * `got` with one run of lines that repeats the lines just before it taken out (a batch sent
 * again after a restart), so that it equals `want` if nothing else is wrong; else `got` as it is.
 */
function withoutResentBatch(got: string[], want: string[]): string[] {
  const i = got.findIndex((line, k) => line !== want[k]);
  if (i < 0) return got;
  // got[i] restarts at an earlier line of want: got[j..i) was sent again.
  const j = want.lastIndexOf(got[i]!, i - 1);
  if (j < 0) return got;
  const resent = got.slice(i, i + (i - j));
  return resent.every((line, k) => line === want[j + k]) ? [...got.slice(0, i), ...got.slice(i + (i - j))] : got;
}

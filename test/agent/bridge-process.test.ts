// Bridge mode with host ports on the process runtime (root only): a real control plane, real
// `berth agent`s and processes, the AWS SDK. Each bridge task gets a namespace on the agent's
// bridge-mode bridge; a dynamic mapping (hostPort 0) gets a port of the ephemeral range, a static
// one its own; DescribeTasks' networkBindings say which, and 127.0.0.1:hostPort reaches the task.
// Stopping leaves no namespace, veth or port rule of the task; kill -9 of the agent neither
// breaks the forwarding (it is the kernel's) nor loses it after the restart; `berth down`
// removes it with the containers.
import assert from "node:assert/strict";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DescribeContainerInstancesCommand, RunTaskCommand, StopTaskCommand, type Task } from "@aws-sdk/client-ecs";
import { stopAgentContainers } from "../../src/agent/index.js";
import { hostVethName, namespaceName, observeHost, observePortRange, taskNetworkingUnavailable } from "../../src/network/index.js";
import { freePort } from "../helpers/ports.js";
import { type AgentProcess, type Cluster, killAgentProcessAndTasks, spawnAgentProcess, startCluster, until } from "./harness.js";

const skip = await taskNetworkingUnavailable();
if (skip) console.log(`# skipping the bridge-mode process runtime tests: ${skip}`);

const idOf = (arn: string) => arn.slice(arn.lastIndexOf("/") + 1);

/** A web server answering with its task's metadata (fetched from inside the namespace): distinct per task. */
const web = (hostPort?: number) => ({
  name: "web",
  image: "busybox",
  memory: 32,
  essential: true,
  stopTimeout: 2,
  portMappings: [{ containerPort: 8080, ...(hostPort !== undefined ? { hostPort } : {}) }],
  command: ["sh", "-c", 'd=$(mktemp -d); busybox wget -q -O "$d/index.html" "$ECS_CONTAINER_METADATA_URI_V4/task"; exec busybox httpd -f -p 8080 -h "$d"'],
});

const get = async (port: number) => (await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5_000) })).text();
const hostPortOf = (t: Task) => t.containers![0]!.networkBindings![0]!.hostPort!;

/** What the host still holds of a task: its namespace, veth and port rules. */
async function leftOf(taskId: string): Promise<string[]> {
  const host = await observeHost();
  return [
    ...(host.namespaces.includes(namespaceName(taskId)) ? ["namespace"] : []),
    ...(host.links.some((l) => l.name === hostVethName(taskId)) ? ["veth"] : []),
    ...host.portRules.filter((r) => r.taskId === taskId).map((r) => `port rule ${r.hostPort}`),
  ];
}

describe("bridge mode on the process runtime (root)", { skip, timeout: 180_000, concurrency: false }, () => {
  let c: Cluster;
  let agent: AgentProcess | undefined;
  let stateDir = "";
  const arns: string[] = [];

  before(async () => {
    c = await startCluster();
    stateDir = join(c.dir, "agent-bridge");
    agent = await spawnAgentProcess(c.cp.url, stateDir);
    await until("the agent connected", async () => (await c.instance(agent!.containerInstanceArn)).agentConnected === true);
  });

  after(async () => {
    await killAgentProcessAndTasks(agent, stateDir, arns);
    await c?.close();
  });

  const runTask = async (td: string, count = 1) => {
    const res = await c.ecs.send(new RunTaskCommand({ cluster: "default", taskDefinition: td, count }));
    assert.equal(res.tasks?.length, count, JSON.stringify(res.failures));
    const got = res.tasks!.map((t) => t.taskArn!);
    arns.push(...got);
    return got;
  };
  const running = (arn: string) => c.waitTask(arn, "RUNNING", (t) => t.lastStatus === "RUNNING", 30_000);
  const reservedPorts = async () => {
    const ci = (await c.ecs.send(new DescribeContainerInstancesCommand({ cluster: "default", containerInstances: [agent!.containerInstanceArn] }))).containerInstances![0]!;
    return ci.remainingResources!.find((r) => r.name === "PORTS")!.stringSetValue!;
  };

  it("the agent says it translates ports", async () => {
    const ci = (await c.ecs.send(new DescribeContainerInstancesCommand({ cluster: "default", containerInstances: [agent!.containerInstanceArn] }))).containerInstances![0]!;
    assert.equal(ci.attributes!.find((a) => a.name === "berth.runtime.port-translation")?.value, "nat");
  });

  it("two tasks with containerPort 8080 and hostPort 0: both RUNNING on one instance, on two ephemeral host ports, each reachable at 127.0.0.1", async () => {
    const td = await c.registerTaskDefinition("bridge-dynamic", [web()]);
    const [a, b] = await runTask(td, 2);
    const [ta, tb] = [await running(a!), await running(b!)];
    const [pa, pb] = [hostPortOf(ta), hostPortOf(tb)];
    assert.notEqual(pa, pb);
    const range = await observePortRange();
    for (const [t, p] of [[ta, pa], [tb, pb]] as const) {
      assert.deepEqual(t.containers![0]!.networkBindings, [{ bindIP: "0.0.0.0", containerPort: 8080, hostPort: p, protocol: "tcp" }]);
      assert.ok(p >= range.low && p <= range.high, `${p} is in the ephemeral range ${range.low}-${range.high}`);
    }
    // Not reserved by placement: a dynamic mapping takes no host port on ECS either.
    assert.ok(!(await reservedPorts()).includes("8080"));
    const [ra, rb] = [await until("task a answers", () => get(pa).catch(() => undefined)), await until("task b answers", () => get(pb).catch(() => undefined))];
    // Each answers with the task metadata it fetched at the bridge's address (its loopback is its own).
    assert.equal(JSON.parse(ra).TaskARN, a, "the first host port reaches the first task");
    assert.equal(JSON.parse(rb).TaskARN, b);
  });

  it("a static hostPort as given, reserved by placement, reachable at 127.0.0.1", async () => {
    const port = await freePort();
    const td = await c.registerTaskDefinition("bridge-static", [web(port)]);
    const [arn] = await runTask(td);
    const t = await running(arn!);
    assert.equal(hostPortOf(t), port);
    assert.ok((await reservedPorts()).includes(String(port)));
    assert.equal(JSON.parse(await until("the task answers", () => get(port).catch(() => undefined))).TaskARN, arn);
  });

  it("kill -9 of the agent: the tasks stay reachable, and after the restart they are RUNNING on the same ports", async () => {
    const before = await Promise.all(arns.map((arn) => c.describe(arn)));
    const ports = new Map(before.map((t) => [t.taskArn!, hostPortOf(t)]));
    const answers = new Map(await Promise.all(before.map(async (t) => [t.taskArn!, await get(hostPortOf(t))] as const)));
    await agent!.kill("SIGKILL");
    // The forwarding is the kernel's: nothing of it went with the agent.
    for (const [arn, port] of ports) assert.equal(await get(port), answers.get(arn));
    agent = await spawnAgentProcess(c.cp.url, stateDir);
    await until("the agent connected again", async () => (await c.instance(agent!.containerInstanceArn)).agentConnected === true);
    for (const [arn, port] of ports) {
      const t = await c.describe(arn);
      assert.equal(t.lastStatus, "RUNNING");
      assert.equal(hostPortOf(t), port);
      assert.equal(await get(port), answers.get(arn));
    }
  });

  it("stopping leaves no namespace, veth or port rule of the tasks, and the ports no longer answer", async () => {
    const ports = await Promise.all(arns.map(async (arn) => hostPortOf(await c.describe(arn))));
    for (const arn of arns) await c.ecs.send(new StopTaskCommand({ cluster: "default", task: arn, reason: "test is done" }));
    for (const arn of arns) await c.waitTask(arn, "STOPPED", (t) => t.lastStatus === "STOPPED", 30_000);
    for (const arn of arns) assert.deepEqual(await leftOf(idOf(arn)), [], `nothing of ${idOf(arn)} is left`);
    for (const port of ports) await assert.rejects(get(port), `port ${port} answers no more`);
  });

  it("a static host port another program holds stops the task with a reason that says so, and leaves nothing", async () => {
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, "0.0.0.0", r));
    try {
      const port = (holder.address() as AddressInfo).port;
      const td = await c.registerTaskDefinition("bridge-held", [web(port)]);
      const [arn] = await runTask(td);
      const stopped = await c.waitTask(arn!, "STOPPED", (t) => t.lastStatus === "STOPPED", 30_000);
      assert.equal(stopped.stoppedReason, `CannotStartContainerError: port ${port}/tcp is already in use on the host: the agent forwards a bridge task's host ports to its namespace, and another program holds it`);
      assert.deepEqual(await leftOf(idOf(arn!)), []);
    } finally {
      await new Promise((r) => holder.close(r));
    }
  });

  it("berth down stops a bridge task and removes its namespace and port rules; the next agent reports it STOPPED", async () => {
    const td = await c.registerTaskDefinition("bridge-down", [web()]);
    const [arn] = await runTask(td);
    const port = hostPortOf(await running(arn!));
    await until("the task answers", () => get(port).catch(() => undefined));
    await agent!.kill("SIGKILL");
    const down = await stopAgentContainers(stateDir, { docker: false });
    assert.equal(down.namespaces, 1);
    assert.deepEqual(await leftOf(idOf(arn!)), []);
    await assert.rejects(get(port));
    agent = await spawnAgentProcess(c.cp.url, stateDir);
    await c.waitTask(arn!, "STOPPED", (t) => t.lastStatus === "STOPPED", 30_000);
  });
});

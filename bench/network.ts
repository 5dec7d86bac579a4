// awsvpc on one host (root): the network layer's set-up and tear-down rate for task namespaces
// (TaskNetworks: observe → plan → ip -batch/iptables-restore under the host lock), with a leak
// check after N tasks, and the agent's part of an awsvpc launch with the process runtime — from
// the assignment reaching the task engine to the RUNNING report (namespace, address, rules, the
// container started in it); and the whole of RunTask → RUNNING through the API, as users see it.
// Addresses are in 10.220.0.0/16, a range of the bench's own. Prints markdown tables.
// Run: node --import tsx bench/network.ts [--namespaces 500] [--tasks 30]
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunTaskCommand, StopTaskCommand } from "@aws-sdk/client-ecs";
import { aContainerDef, anAssignedTask } from "../src/agent/test-builders.js";
import { ec2 } from "../src/domain/index.js";
import { bridgeName, namespaceName, observeHost, TaskNetworks, taskNetworkingUnavailable } from "../src/network/index.js";
import { anEni } from "../src/network/test-builders.js";
import { startAwsvpcEngine } from "../test/agent/awsvpc-engine.js";
import { startCluster, until } from "../test/agent/harness.js";
import { flag } from "./flags.js";

const NAMESPACES = flag("namespaces", 500);
const TASKS = flag("tasks", 30);
const subnet = { subnetId: "subnet-0bench220", subnetCidr: "10.220.0.0/22", gatewayIpv4Address: "10.220.0.1", vpcCidr: "10.220.0.0/16", dnsServers: ["10.220.0.2"] };

/** The n-th task address of the subnet, after the gateway and the resolver. */
function address(n: number): { ip: string; mac: string } {
  const host = n + 10;
  const ip = `10.220.${host >> 8}.${host & 255}`;
  const mac = `0a:58:0a:dc:${(host >> 8).toString(16).padStart(2, "0")}:${(host & 255).toString(16).padStart(2, "0")}`;
  return { ip, mac };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const ms = (v: number) => `${v.toFixed(1)} ms`;

async function namespaces(): Promise<string> {
  const networks = new TaskNetworks();
  const ids = Array.from({ length: NAMESPACES }, () => `bench${randomBytes(8).toString("hex")}`);
  const setup: number[] = [];
  const teardown: number[] = [];
  let leftover = "";
  try {
    const t0 = performance.now();
    for (const [i, id] of ids.entries()) {
      const a = address(i);
      const s = performance.now();
      await networks.ensure(id, anEni({ ...subnet, privateIpv4Address: a.ip, macAddress: a.mac, ingress: [{ protocol: "tcp", fromPort: 80, toPort: 80, cidrs: ["10.220.0.0/16"] }] }));
      setup.push(performance.now() - s);
    }
    const setupTotal = performance.now() - t0;
    const t1 = performance.now();
    for (const id of ids) {
      const s = performance.now();
      await networks.release(id);
      teardown.push(performance.now() - s);
    }
    const teardownTotal = performance.now() - t1;
    const host = await observeHost();
    const left = ids.filter((id) => host.namespaces.includes(namespaceName(id))).length;
    const bridge = host.links.some((l) => l.name === bridgeName(subnet.subnetId));
    const route = host.unreachable.includes("10.220.0.0/16");
    leftover = left || bridge || route ? `LEAK: ${left} namespaces, bridge ${bridge}, route ${route}` : "none (no namespace, veth, bridge or route of the bench)";
    return [
      `| ${NAMESPACES} namespaces, one after another | p50 | p99 | rate |`,
      "| --- | --- | --- | --- |",
      `| set-up (namespace, veth, address, route, rules, resolv.conf) | ${ms(percentile(setup, 50))} | ${ms(percentile(setup, 99))} | ${(NAMESPACES / (setupTotal / 1000)).toFixed(0)}/s |`,
      `| tear-down | ${ms(percentile(teardown, 50))} | ${ms(percentile(teardown, 99))} | ${(NAMESPACES / (teardownTotal / 1000)).toFixed(0)}/s |`,
      "",
      `Left over after all ${NAMESPACES} were torn down: ${leftover}.`,
    ].join("\n");
  } finally {
    for (const id of ids) await networks.release(id).catch(() => undefined);
  }
}

async function tasks(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "berth-bench-awsvpc-"));
  const e = await startAwsvpcEngine(dir);
  const latency: number[] = [];
  const ids: string[] = [];
  try {
    for (let i = 0; i < TASKS; i++) {
      const a = address(i);
      const task = anAssignedTask([aContainerDef("app", { command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"] })], {
        networkMode: "awsvpc",
        taskArn: `arn:aws:ecs:us-east-1:000000000000:task/default/${randomBytes(16).toString("hex")}`,
        eni: anEni({ ...subnet, privateIpv4Address: a.ip, macAddress: a.mac }),
      });
      ids.push(task.taskArn.slice(task.taskArn.lastIndexOf("/") + 1));
      const s = performance.now();
      await e.engine.handleManifest([task], false);
      await until("RUNNING", () => e.statuses(task.taskArn).includes("RUNNING"), 30_000, 1);
      latency.push(performance.now() - s);
      await e.engine.handleManifest([{ ...task, desiredStatus: "STOPPED", version: 2 }], false);
      await until("STOPPED", () => e.statuses(task.taskArn).includes("STOPPED"), 30_000, 1);
    }
    return [
      `| awsvpc task, process runtime (${TASKS} tasks, one at a time) | p50 | p99 |`,
      "| --- | --- | --- |",
      `| assignment → RUNNING reported (namespace set up, container started in it) | ${ms(percentile(latency, 50))} | ${ms(percentile(latency, 99))} |`,
    ].join("\n");
  } finally {
    for (const s of await e.driver.list()) await e.driver.remove(s.id).catch(() => undefined);
    await e.close();
    for (const id of ids) await e.networks.release(id).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The whole path as a user sees it: RunTask through the API (ENI allocated in the launch's
 * transaction), the assignment over the agent channel to an in-process agent with the process
 * runtime, the namespace set up, the container started, RUNNING reported and read back with
 * DescribeTasks. One task at a time. VPC 10.225.0.0/16, the bench's own.
 */
async function runTasks(): Promise<string> {
  const c = await startCluster();
  const latency: number[] = [];
  try {
    await c.startAgent();
    const scope = { accountId: "000000000000", region: "us-east-1" };
    const { Vpc } = await ec2.createVpc(c.cp.deps, scope, { CidrBlock: "10.225.0.0/16" });
    const { Subnet } = await ec2.createSubnet(c.cp.deps, scope, { VpcId: Vpc.VpcId, CidrBlock: "10.225.0.0/24", AvailabilityZone: "us-east-1a" });
    const td = await c.registerTaskDefinition(
      "bench-awsvpc",
      [{ name: "app", image: "busybox", memory: 16, essential: true, stopTimeout: 2, command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"] }],
      { networkMode: "awsvpc" },
    );
    const networkConfiguration = { awsvpcConfiguration: { subnets: [Subnet.SubnetId] } };
    for (let i = 0; i < TASKS; i++) {
      const s = performance.now();
      const res = await c.ecs.send(new RunTaskCommand({ cluster: "default", taskDefinition: td, networkConfiguration }));
      const arn = res.tasks![0]!.taskArn!;
      await until("RUNNING", async () => (await c.describe(arn)).lastStatus === "RUNNING", 30_000, 2);
      latency.push(performance.now() - s);
      await c.ecs.send(new StopTaskCommand({ cluster: "default", task: arn }));
      await until("STOPPED", async () => (await c.describe(arn)).lastStatus === "STOPPED", 30_000, 5);
    }
    return `| RunTask → RUNNING through the API (client-observed: ENI, agent, namespace, container) | ${ms(percentile(latency, 50))} | ${ms(percentile(latency, 99))} |`;
  } finally {
    await c.close();
  }
}

const why = await taskNetworkingUnavailable();
if (why) {
  process.stdout.write(`Not measured: ${why}.\n`);
} else {
  process.stdout.write(`${await namespaces()}\n\n${await tasks()}\n${await runTasks()}\n`);
}

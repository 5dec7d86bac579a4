// kill -9 of a real `berth agent` with 20 awsvpc tasks running, against a real control plane
// (root, the AWS CLI for the VPC): after the restart every task is still RUNNING with its
// namespace and the address of its ENI (nothing lost); stopping them all leaves no namespace,
// bridge or route, and no ENI in DescribeNetworkInterfaces (nothing leaked). 10.219.0.0/16 is
// this test's own range.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { DescribeTasksCommand, RunTaskCommand, StopTaskCommand, type Task } from "@aws-sdk/client-ecs";
import { bridgeName, namespaceName, observeHost, observeNamespace, taskNetworkingUnavailable } from "../../src/network/index.js";
import { type AgentProcess, type Cluster, killAgentProcessAndTasks, spawnAgentProcess, startCluster, until } from "./harness.js";
import { run } from "../helpers/aws-cli.js";

const ENV = { AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "secret", AWS_DEFAULT_REGION: "us-east-1", AWS_PAGER: "" };
const noCli = await run("aws", ["--version"]).then(() => undefined, (err: Error) => `the AWS CLI does not run here (${err.message.split("\n")[0]})`);
const skip = (await taskNetworkingUnavailable()) ?? noCli;
if (skip) console.log(`# skipping the awsvpc agent kill -9 test: ${skip}`);

const COUNT = 20;
const idOf = (arn: string) => arn.slice(arn.lastIndexOf("/") + 1);

describe("awsvpc tasks across kill -9 of berth agent (root)", { skip, timeout: 240_000 }, () => {
  let c: Cluster | undefined;
  let agent: AgentProcess | undefined;
  let stateDir = "";
  let arns: string[] = [];

  after(async () => {
    await killAgentProcessAndTasks(agent, stateDir, arns);
    await c?.close();
  });

  it("keeps every task, namespace and address across the restart; stopping them leaves nothing", async () => {
    c = await startCluster();
    const cluster = c;
    stateDir = join(cluster.dir, "agent-awsvpc");
    agent = await spawnAgentProcess(cluster.cp.url, stateDir);
    // biome-ignore lint: JSON from the CLI
    const ec2 = async (...args: string[]): Promise<any> =>
      JSON.parse((await run("aws", ["ec2", ...args, "--endpoint-url", cluster.cp.url, "--output", "json"], { env: { ...process.env, ...ENV } })).stdout || "{}");
    const vpc = (await ec2("create-vpc", "--cidr-block", "10.219.0.0/16")).Vpc.VpcId;
    const subnet = (await ec2("create-subnet", "--vpc-id", vpc, "--cidr-block", "10.219.1.0/24")).Subnet.SubnetId;
    const td = await cluster.registerTaskDefinition(
      "restart-vpc",
      [{ name: "app", image: "busybox", memory: 16, stopTimeout: 2, essential: true, command: ["sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait"] }],
      { networkMode: "awsvpc" },
    );
    await until("the agent connected", async () => (await cluster.instance(agent!.containerInstanceArn)).agentConnected === true);
    for (let i = 0; i < COUNT / 10; i++) {
      const res = await cluster.ecs.send(new RunTaskCommand({ cluster: "default", taskDefinition: td, count: 10, networkConfiguration: { awsvpcConfiguration: { subnets: [subnet] } } }));
      assert.equal(res.tasks?.length, 10, JSON.stringify(res.failures));
      arns.push(...res.tasks!.map((t) => t.taskArn!));
    }
    const describe = async (): Promise<Task[]> => (await cluster.ecs.send(new DescribeTasksCommand({ cluster: "default", tasks: arns }))).tasks!;
    const running = await until("all RUNNING", async () => {
      const ts = await describe();
      return ts.every((t) => t.lastStatus === "RUNNING") ? ts : undefined;
    }, 90_000);
    const ipOf = new Map(running.map((t) => [t.taskArn!, t.attachments![0]!.details!.find((d) => d.name === "privateIPv4Address")!.value!]));
    assert.equal(new Set(ipOf.values()).size, COUNT, "20 distinct addresses");

    await agent.kill("SIGKILL");
    agent = await spawnAgentProcess(cluster.cp.url, stateDir);
    await until("the agent connected again", async () => (await cluster.instance(agent!.containerInstanceArn)).agentConnected === true);

    const host = await observeHost();
    for (const t of await describe()) {
      assert.equal(t.lastStatus, "RUNNING", `${idOf(t.taskArn!)} still RUNNING`);
      assert.equal(t.attachments![0]!.status, "ATTACHED");
      assert.ok(host.namespaces.includes(namespaceName(idOf(t.taskArn!))), `namespace of ${idOf(t.taskArn!)} kept`);
      const eth0 = (await observeNamespace(namespaceName(idOf(t.taskArn!)))).links.find((l) => l.name === "eth0");
      assert.deepEqual(eth0?.addresses, [`${ipOf.get(t.taskArn!)}/24`]);
    }

    for (const arn of arns) await cluster.ecs.send(new StopTaskCommand({ cluster: "default", task: arn, reason: "test is done" }));
    await until("all STOPPED", async () => (await describe()).every((t) => t.lastStatus === "STOPPED"), 90_000);
    const afterStop = await observeHost();
    for (const arn of arns) assert.ok(!afterStop.namespaces.includes(namespaceName(idOf(arn))), `namespace of ${idOf(arn)} removed`);
    assert.ok(!afterStop.links.some((l) => l.name === bridgeName(subnet)), "the subnet's bridge removed");
    assert.ok(!afterStop.unreachable.includes("10.219.0.0/16"), "the VPC's route removed");
    assert.deepEqual((await ec2("describe-network-interfaces", "--filters", `Name=subnet-id,Values=${subnet}`)).NetworkInterfaces, []);
  });
});

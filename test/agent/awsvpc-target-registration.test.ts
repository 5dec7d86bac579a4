// An awsvpc service behind an ip target group, for real (root only: the task gets a network
// namespace and an ENI address): the task is registered at its ENI's private IPv4 and the
// container port, and drains (DEACTIVATING, its address kept) before it is stopped. The test
// plays the data plane (target health records, as in target-registration.test.ts). Elsewhere it
// skips, saying why.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CreateServiceCommand, DeleteServiceCommand, DescribeServicesCommand, ListTasksCommand, StopTaskCommand } from "@aws-sdk/client-ecs";
import { ec2 } from "../../src/domain/index.js";
import { taskNetworkingUnavailable } from "../../src/network/index.js";
import { dropHealth, SCOPE, seedTargetGroup, setHealth, targetsOf } from "../helpers/elb-records.js";
import { type Cluster, startCluster, until } from "./harness.js";

const skip = await taskNetworkingUnavailable();
if (skip) console.log(`# skipping the awsvpc target registration test: ${skip}`);

describe("awsvpc tasks in ip target groups (root)", { skip, timeout: 120_000 }, () => {
  let c: Cluster;
  let tg: string;
  before(async () => {
    c = await startCluster({ loadBalancers: false });
    await c.startAgent();
    tg = (await seedTargetGroup(c.cp.deps, { name: "vpc-web", targetType: "ip", delaySeconds: 600 })).targetGroupArn;
  });
  after(async () => {
    if (c) {
      await c.ecs.send(new DeleteServiceCommand({ cluster: "default", service: "vpc-web", force: true })).catch(() => undefined);
      for (const t of targetsOf(c.cp.deps, tg)) await dropHealth(c.cp.deps, tg, t).catch(() => undefined);
      // Every task STOPPED, so its namespace is gone, before the agent goes.
      await until("every task stopped", async () => ((await c.ecs.send(new ListTasksCommand({ cluster: "default" }))).taskArns ?? []).length === 0, 60_000).catch(() => undefined);
    }
    await c?.close();
  });

  it("registers the ENI's address and the container port, and keeps the task until its drain ends", async () => {
    // A range of this test's own, apart from the other network tests' ranges.
    const { Vpc } = await ec2.createVpc(c.cp.deps, SCOPE, { CidrBlock: "10.222.0.0/16" });
    const { Subnet } = await ec2.createSubnet(c.cp.deps, SCOPE, { VpcId: Vpc.VpcId, CidrBlock: "10.222.0.0/24", AvailabilityZone: "us-east-1a" });
    const td = await c.registerTaskDefinition(
      "vpc-web",
      [{ name: "web", image: "busybox", memory: 64, essential: true, stopTimeout: 2, portMappings: [{ containerPort: 8080 }], command: ["busybox", "sleep", "3600"] }],
      { networkMode: "awsvpc" },
    );
    await c.ecs.send(
      new CreateServiceCommand({
        cluster: "default",
        serviceName: "vpc-web",
        taskDefinition: td,
        desiredCount: 1,
        networkConfiguration: { awsvpcConfiguration: { subnets: [Subnet.SubnetId] } },
        loadBalancers: [{ targetGroupArn: tg, containerName: "web", containerPort: 8080 }],
      }),
    );
    const target = await until("the task registered", () => targetsOf(c.cp.deps, tg)[0], 60_000).catch(async (err: Error) => {
      // Say what the tasks did instead (a namespace that could not be made, a stop).
      const arns = [...((await c.ecs.send(new ListTasksCommand({ cluster: "default" }))).taskArns ?? []), ...((await c.ecs.send(new ListTasksCommand({ cluster: "default", desiredStatus: "STOPPED" }))).taskArns ?? [])];
      const seen = await Promise.all(arns.map((a) => c.describe(a)));
      throw new Error(`${err.message}; tasks: ${JSON.stringify(seen.map((t) => [t.lastStatus, t.stoppedReason, t.containers?.map((x) => x.reason)]))}`);
    });
    const task = await c.describe(target.ecs!.taskArn);
    const address = task.attachments?.[0]?.details?.find((d) => d.name === "privateIPv4Address")?.value;
    assert.match(address ?? "", /^10\.222\.0\.\d+$/);
    assert.deepEqual({ Id: target.Id, Port: target.Port }, { Id: address, Port: 8080 });

    await setHealth(c.cp.deps, tg, target, "healthy");
    await until("steady once healthy", async () =>
      ((await c.ecs.send(new DescribeServicesCommand({ cluster: "default", services: ["vpc-web"] }))).services?.[0]?.events ?? []).some((e) => e.message === "(service vpc-web) has reached a steady state."),
    );

    await c.ecs.send(new StopTaskCommand({ cluster: "default", task: task.taskArn! }));
    const draining = await c.waitTask(task.taskArn!, "DEACTIVATING", (t) => t.lastStatus === "DEACTIVATING");
    assert.equal(draining.containers?.[0]?.lastStatus, "RUNNING");
    assert.equal(targetsOf(c.cp.deps, tg).some((t) => t.ecs?.taskArn === task.taskArn), false);
    await setHealth(c.cp.deps, tg, target, "draining", { Reason: "Target.DeregistrationInProgress", Description: "Target deregistration is in progress" });
    await dropHealth(c.cp.deps, tg, target);
    await c.waitTask(task.taskArn!, "STOPPED after the drain", (t) => t.lastStatus === "STOPPED", 30_000);
  });
});

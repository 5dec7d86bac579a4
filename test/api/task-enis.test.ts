// ENIs of awsvpc tasks through the AWS SDK, with agents played over the channel: an address
// per task from its subnet, in the task's attachments and its agent's manifest, listed by
// DescribeNetworkInterfaces while the task lives, freed when it stops; never one address for
// two tasks, even under 20 concurrent RunTasks.
import {
  CreateClusterCommand,
  DescribeContainerInstancesCommand,
  PutAccountSettingDefaultCommand,
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  SubmitAttachmentStateChangesCommand,
  SubmitTaskStateChangeCommand,
  type Task,
} from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ec2 } from "../../src/domain/index.js";
import { agentIn, until, type FakeAgent } from "../helpers/fake-agent.js";
import { errorOf, startTestServer, type TestServer } from "../helpers/server.js";

const scope = { accountId: "000000000000", region: "us-east-1" };
const ENI = { name: "ecs.capability.task-eni" };
const detail = (t: Task, name: string) => t.attachments?.[0]?.details?.find((d) => d.name === name)?.value;

describe("awsvpc tasks get ENIs", () => {
  let s: TestServer;
  let withEni: FakeAgent;
  let small: string;
  let wide: string;
  let web: string;
  before(async () => {
    s = await startTestServer({ scheduler: false });
    const { Vpc } = await ec2.createVpc(s.cp.deps, scope, { CidrBlock: "10.7.0.0/16" });
    // A /28: 11 usable addresses, 10.7.0.4 to 10.7.0.14.
    small = (await ec2.createSubnet(s.cp.deps, scope, { VpcId: Vpc.VpcId, CidrBlock: "10.7.0.0/28", AvailabilityZone: "us-east-1a" })).Subnet.SubnetId;
    wide = (await ec2.createSubnet(s.cp.deps, scope, { VpcId: Vpc.VpcId, CidrBlock: "10.7.1.0/24", AvailabilityZone: "us-east-1a" })).Subnet.SubnetId;
    web = (await ec2.createSecurityGroup(s.cp.deps, scope, { GroupName: "web", Description: "web", VpcId: Vpc.VpcId })).GroupId;
    await ec2.authorizeIngress(s.cp.deps, scope, { GroupId: web, IpPermissions: [{ IpProtocol: "tcp", FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: "10.0.0.0/8" }] }] });
    await s.ecs.send(new CreateClusterCommand({ clusterName: "eni" }));
    await s.ecs.send(new CreateClusterCommand({ clusterName: "plain" }));
    await s.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: "vpc",
        networkMode: "awsvpc",
        containerDefinitions: [
          { name: "app", image: "busybox", memory: 16, portMappings: [{ containerPort: 8080 }] },
          { name: "side", image: "busybox", memory: 16 },
        ],
      }),
    );
    // 200 tasks at once need more ENIs than berth's default of 120 per agent.
    withEni = await agentIn(s, "eni", { memory: 100_000, cpu: 100_000, attributes: [ENI, { name: "berth.eni-limit", value: "250" }] });
  });
  after(async () => {
    withEni?.ws.close();
    await s.close();
  });

  const run = (count: number, subnets: string[], cluster = "eni") =>
    s.ecs.send(new RunTaskCommand({ cluster, taskDefinition: "vpc", count, networkConfiguration: { awsvpcConfiguration: { subnets, securityGroups: [web] } } }));
  const stop = async (tasks: Task[], cluster = "eni") => {
    for (const t of tasks) {
      await s.ecs.send(new StopTaskCommand({ cluster, task: t.taskArn! }));
      await s.ecs.send(new SubmitTaskStateChangeCommand({ cluster, task: t.taskArn!, status: "STOPPED", reason: "stopped" }));
    }
  };
  const enis = async () => (await ec2.describeNetworkInterfaces(s.cp.deps, scope, {})).NetworkInterfaces;

  it("gives each task an address of its subnet, shown in attachments, containers, the manifest and DescribeNetworkInterfaces", async () => {
    const { tasks, failures } = await run(10, [small]);
    assert.deepEqual(failures, []);
    const addresses = tasks!.map((t) => detail(t, "privateIPv4Address"));
    assert.deepEqual(addresses, ["4", "5", "6", "7", "8", "9", "10", "11", "12", "13"].map((x) => `10.7.0.${x}`));
    const t = tasks![0]!;
    assert.equal(t.attachments![0]!.type, "ElasticNetworkInterface");
    assert.equal(t.attachments![0]!.status, "PRECREATED");
    assert.equal(detail(t, "subnetId"), small);
    assert.match(detail(t, "networkInterfaceId")!, /^eni-[0-9a-f]{17}$/);
    assert.equal(detail(t, "macAddress"), "0a:58:0a:07:00:04");
    assert.equal(detail(t, "privateDnsName"), "ip-10-7-0-4.ec2.internal");
    assert.deepEqual(
      t.containers!.map((c) => c.networkInterfaces),
      [0, 1].map(() => [{ attachmentId: t.attachments![0]!.id, privateIpv4Address: "10.7.0.4" }]),
    );

    await until("the agent has the tasks", () => withEni.tasks().size >= 10);
    const assigned = withEni.tasks().get(t.taskArn!)!;
    assert.equal(assigned.networkMode, "awsvpc");
    assert.deepEqual(
      { ...assigned.eni, ingress: undefined },
      {
        attachmentId: t.attachments![0]!.id,
        networkInterfaceId: detail(t, "networkInterfaceId"),
        macAddress: "0a:58:0a:07:00:04",
        privateIpv4Address: "10.7.0.4",
        privateDnsName: "ip-10-7-0-4.ec2.internal",
        subnetId: small,
        subnetCidr: "10.7.0.0/28",
        gatewayIpv4Address: "10.7.0.1",
        vpcId: assigned.eni!.vpcId,
        vpcCidr: "10.7.0.0/16",
        dnsServers: ["10.7.0.1"],
        ingress: undefined,
      },
    );
    assert.deepEqual(assigned.eni!.ingress, [{ protocol: "tcp", fromPort: 8080, toPort: 8080, cidrs: ["10.0.0.0/8"] }]);

    const listed = await enis();
    assert.equal(listed.length, 10);
    const mine = listed.find((e) => e.NetworkInterfaceId === detail(t, "networkInterfaceId"))!;
    assert.deepEqual([mine.PrivateIpAddress, mine.SubnetId, mine.Status, mine.Groups.map((g) => g.GroupId)], ["10.7.0.4", small, "in-use", [web]]);
    const sub = (await ec2.describeSubnets(s.cp.deps, scope, { SubnetIds: [small] })).Subnets[0]!;
    assert.equal(sub.AvailableIpAddressCount, 1);

    // One address left: of two tasks one runs, the other fails naming the subnet, as EC2 words it.
    const more = await run(2, [small]);
    assert.equal(more.tasks!.length, 1);
    assert.equal(detail(more.tasks![0]!, "privateIPv4Address"), "10.7.0.14");
    assert.deepEqual(more.failures!.map((f) => f.reason), ["InsufficientFreeAddressesInSubnet"]);
    assert.match(more.failures![0]!.detail!, new RegExp(`There are not enough free addresses in subnet '${small}'`));
    // A subnet with ENIs cannot be deleted.
    assert.equal((await errorOf(() => ec2.deleteSubnet(s.cp.deps, scope, { SubnetId: small }))).name, "DependencyViolation");
    // Nor a group that a task's ENI is in.
    assert.equal((await errorOf(() => ec2.deleteSecurityGroup(s.cp.deps, scope, { GroupId: web }))).name, "DependencyViolation");

    // ATTACHED as the agent reports it; at STOPPED the attachment is DELETED and the address free.
    await s.ecs.send(
      new SubmitTaskStateChangeCommand({ cluster: "eni", task: t.taskArn!, status: "RUNNING", attachments: [{ attachmentArn: `arn:aws:ecs:us-east-1:000000000000:attachment/${t.attachments![0]!.id}`, status: "ATTACHED" }] }),
    );
    const described = async (arn: string) => (await s.ecs.send(new DescribeTasksCommand({ cluster: "eni", tasks: [arn] }))).tasks![0]!;
    assert.equal((await described(t.taskArn!)).attachments![0]!.status, "ATTACHED");
    await stop([t]);
    assert.equal((await described(t.taskArn!)).attachments![0]!.status, "DELETED");
    assert.equal((await enis()).length, 10);
    const again = await run(1, [small]);
    assert.equal(detail(again.tasks![0]!, "privateIPv4Address"), "10.7.0.4", "the freed address is handed out again");
    await stop([...tasks!.slice(1), ...more.tasks!, ...again.tasks!]);
    assert.deepEqual(await enis(), []);
  });

  it("puts the task in its subnet's availability zone", async () => {
    const zoneC = (await ec2.createSubnet(s.cp.deps, scope, { VpcId: (await ec2.describeSubnets(s.cp.deps, scope, { SubnetIds: [small] })).Subnets[0]!.VpcId, CidrBlock: "10.7.9.0/24", AvailabilityZone: "us-east-1c" })).Subnet.SubnetId;
    const { tasks, failures } = await run(1, [zoneC]);
    assert.deepEqual(failures, []);
    assert.equal(tasks![0]!.availabilityZone, "us-east-1c");
    await stop(tasks!);
    await ec2.deleteSubnet(s.cp.deps, scope, { SubnetId: zoneC }).catch(() => undefined);
  });

  it("never gives one address to two tasks under 20 concurrent RunTasks of 10", async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => run(10, [wide])));
    const tasks = results.flatMap((r) => r.tasks ?? []);
    assert.equal(tasks.length, 200);
    const addresses = tasks.map((t) => detail(t, "privateIPv4Address"));
    assert.equal(new Set(addresses).size, 200, "an address was handed out twice");
    assert.equal((await enis()).length, 200);
    await stop(tasks);
    assert.deepEqual(await enis(), []);
  });

  it("counts ENIs per instance: a task past the limit fails with RESOURCE:ENI; a stopped task gives its ENI back", async () => {
    await s.ecs.send(new CreateClusterCommand({ clusterName: "two" }));
    const agent = await agentIn(s, "two", { attributes: [ENI, { name: "berth.eni-limit", value: "2" }] });
    try {
      const first = await run(3, [wide], "two");
      assert.equal(first.tasks!.length, 2);
      assert.deepEqual(first.failures!.map((f) => [f.arn, f.reason]), [[agent.arn, "RESOURCE:ENI"]]);
      await stop(first.tasks!.slice(0, 1), "two");
      const next = await run(1, [wide], "two");
      assert.equal(next.tasks!.length, 1, "the stopped task's ENI is free again");
      await stop([...first.tasks!.slice(1), ...next.tasks!], "two");
    } finally {
      agent.ws.close();
    }
  });

  it("takes the instance type's limit, raised by a trunk ENI when awsvpcTrunking is on at registration", async () => {
    await s.ecs.send(new CreateClusterCommand({ clusterName: "typed" }));
    const c5 = [ENI, { name: "ecs.instance-type", value: "c5.large" }];
    const plainC5 = await agentIn(s, "typed", { attributes: c5 });
    await s.ecs.send(new PutAccountSettingDefaultCommand({ name: "awsvpcTrunking", value: "enabled" }));
    const trunked = await agentIn(s, "typed", { attributes: c5 });
    await s.ecs.send(new PutAccountSettingDefaultCommand({ name: "awsvpcTrunking", value: "disabled" }));
    try {
      const described = await s.ecs.send(new DescribeContainerInstancesCommand({ cluster: "typed", containerInstances: [plainC5.arn, trunked.arn] }));
      const trunkOf = (arn: string) => described.containerInstances!.find((c) => c.containerInstanceArn === arn)!.attributes!.find((a) => a.name === "ecs.awsvpc-trunk-id")?.value;
      assert.equal(trunkOf(plainC5.arn), undefined);
      assert.match(trunkOf(trunked.arn)!, /^eni-[0-9a-f]{17}$/);
      // c5.large: 2 task ENIs without a trunk, 10 with one.
      const placed = await run(10, [wide], "typed");
      const on = (arn: string) => placed.tasks!.filter((t) => t.containerInstanceArn === arn).length;
      assert.ok(on(plainC5.arn) <= 2, `${on(plainC5.arn)} tasks on a c5.large without a trunk`);
      assert.equal(on(plainC5.arn) + on(trunked.arn), 10);
      // 12 ENIs in all: two are left, wherever the first ten went.
      const more = await run(3, [wide], "typed");
      assert.equal(more.tasks!.length, 2);
      assert.deepEqual(more.failures!.map((f) => f.reason).sort(), ["RESOURCE:ENI", "RESOURCE:ENI"]);
      await stop([...placed.tasks!, ...more.tasks!], "typed");
    } finally {
      plainC5.ws.close();
      trunked.ws.close();
    }
  });

  it("keeps running tasks' ingress in line with their groups: members joining and leaving, rules added", async () => {
    // The VPC's default group: its members reach each other on everything.
    const vpcId = (await ec2.describeSubnets(s.cp.deps, scope, { SubnetIds: [wide] })).Subnets[0]!.VpcId;
    const dflt = (await ec2.describeSecurityGroups(s.cp.deps, scope, { Filters: [{ Name: "vpc-id", Values: [vpcId] }, { Name: "group-name", Values: ["default"] }] })).SecurityGroups[0]!.GroupId;
    const launch = async () =>
      (await s.ecs.send(new RunTaskCommand({ cluster: "eni", taskDefinition: "vpc", networkConfiguration: { awsvpcConfiguration: { subnets: [wide] } } }))).tasks![0]!;
    const ingressOf = (t: Task) => withEni.tasks().get(t.taskArn!)?.eni?.ingress;
    const a = await launch();
    const b = await launch();
    const [ipA, ipB] = [a, b].map((t) => `${detail(t, "privateIPv4Address")}/32`);
    await until("the first task hears of the second member", () => JSON.stringify(ingressOf(a)) === JSON.stringify([{ protocol: "-1", cidrs: [ipA, ipB] }]));
    assert.deepEqual(ingressOf(b), [{ protocol: "-1", cidrs: [ipA, ipB] }]);

    await ec2.authorizeIngress(s.cp.deps, scope, { GroupId: dflt, IpProtocol: "tcp", FromPort: 9000, ToPort: 9000, CidrIp: "192.168.0.0/16" });
    const opened = { protocol: "tcp", fromPort: 9000, toPort: 9000, cidrs: ["192.168.0.0/16"] };
    await until("both tasks get the new rule", () => [a, b].every((t) => ingressOf(t)?.some((r) => r.fromPort === 9000)));
    assert.deepEqual(ingressOf(a), [{ protocol: "-1", cidrs: [ipA, ipB] }, opened]);

    await stop([b]);
    await until("the stopped member leaves the first task's ingress", () => JSON.stringify(ingressOf(a)?.[0]) === JSON.stringify({ protocol: "-1", cidrs: [ipA] }));
    await stop([a]);
  });

  it("takes attachment statuses from SubmitAttachmentStateChanges too, and refuses an unknown attachment", async () => {
    const t = (await run(1, [wide])).tasks![0]!;
    const arn = `arn:aws:ecs:us-east-1:000000000000:attachment/${t.attachments![0]!.id}`;
    await s.ecs.send(new SubmitAttachmentStateChangesCommand({ cluster: "eni", attachments: [{ attachmentArn: arn, status: "ATTACHED" }] }));
    const shown = (await s.ecs.send(new DescribeTasksCommand({ cluster: "eni", tasks: [t.taskArn!] }))).tasks![0]!;
    assert.equal(shown.attachments![0]!.status, "ATTACHED");
    const err = await errorOf(() =>
      s.ecs.send(new SubmitAttachmentStateChangesCommand({ cluster: "eni", attachments: [{ attachmentArn: "arn:aws:ecs:us-east-1:000000000000:attachment/nope", status: "ATTACHED" }] })),
    );
    assert.equal(err.name, "InvalidParameterException");
    assert.match(err.message, /attachments\[0\]\.attachmentArn/);
    await stop([t]);
  });

  it("runs awsvpc tasks in bridge mode, without an ENI, on an agent without ecs.capability.task-eni", async () => {
    const plain = await agentIn(s, "plain");
    try {
      const { tasks } = await run(1, [wide], "plain");
      const t = tasks![0]!;
      assert.deepEqual(t.attachments, []);
      assert.deepEqual(t.attributes, [{ name: "berth.network-mode", value: "bridge" }]);
      await until("the agent has the task", () => plain.tasks().has(t.taskArn!));
      const assigned = plain.tasks().get(t.taskArn!)!;
      assert.equal(assigned.networkMode, "bridge");
      assert.equal(assigned.eni, undefined);
      await stop([t], "plain");
    } finally {
      plain.ws.close();
    }
  });
});

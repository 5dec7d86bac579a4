import {
  CreateClusterCommand,
  DeleteAttributesCommand,
  DeregisterContainerInstanceCommand,
  DescribeContainerInstancesCommand,
  ListAttributesCommand,
  ListContainerInstancesCommand,
  PutAttributesCommand,
  RegisterContainerInstanceCommand,
  UpdateContainerInstancesStateCommand,
  type Resource,
} from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { errorOf, startTestServer, type TestServer } from "../helpers/server.js";

const resources = (cpu: number, memory: number): Resource[] => [
  { name: "CPU", type: "INTEGER", integerValue: cpu },
  { name: "MEMORY", type: "INTEGER", integerValue: memory },
  { name: "PORTS", type: "STRINGSET", stringSetValue: ["22", "51678"] },
  { name: "PORTS_UDP", type: "STRINGSET", stringSetValue: [] },
];

describe("container instances through the AWS SDK", () => {
  let s: TestServer;
  let arn = "";
  before(async () => {
    s = await startTestServer();
    await s.ecs.send(new CreateClusterCommand({ clusterName: "hosts" }));
  });
  after(() => s.close());

  it("registers as the agent does, with resources, attributes and version info", async () => {
    const res = await s.ecs.send(
      new RegisterContainerInstanceCommand({
        cluster: "hosts",
        instanceIdentityDocument: JSON.stringify({ instanceId: "i-0123456789abcdef0", availabilityZone: "us-east-1a" }),
        totalResources: resources(2048, 3900),
        versionInfo: { agentVersion: "0.1.0", agentHash: "abc", dockerVersion: "DockerVersion: 26.1" },
        attributes: [{ name: "ecs.os-type", value: "linux" }, { name: "ecs.availability-zone", value: "us-east-1a" }],
      }),
    );
    const ci = res.containerInstance!;
    arn = ci.containerInstanceArn!;
    assert.match(arn, /^arn:aws:ecs:us-east-1:000000000000:container-instance\/hosts\/[0-9a-f]{32}$/);
    assert.equal(ci.ec2InstanceId, "i-0123456789abcdef0");
    assert.equal(ci.status, "ACTIVE");
    assert.equal(ci.agentConnected, false);
    assert.equal(ci.runningTasksCount, 0);
    assert.equal(ci.pendingTasksCount, 0);
    assert.deepEqual(ci.registeredResources?.find((r) => r.name === "MEMORY")?.integerValue, 3900);
    assert.deepEqual(ci.remainingResources?.find((r) => r.name === "PORTS")?.stringSetValue, ["22", "51678"]);
    assert.equal(ci.versionInfo?.agentVersion, "0.1.0");
  });

  it("re-registers the same EC2 instance in place instead of duplicating it", async () => {
    const again = await s.ecs.send(
      new RegisterContainerInstanceCommand({
        cluster: "hosts",
        instanceIdentityDocument: JSON.stringify({ instanceId: "i-0123456789abcdef0" }),
        totalResources: resources(4096, 7800),
      }),
    );
    assert.equal(again.containerInstance?.containerInstanceArn, arn);
    assert.equal(again.containerInstance?.registeredResources?.find((r) => r.name === "CPU")?.integerValue, 4096);
    const list = await s.ecs.send(new ListContainerInstancesCommand({ cluster: "hosts" }));
    assert.deepEqual(list.containerInstanceArns, [arn]);
  });

  it("describes by id and ARN, with MISSING failures and tags on request", async () => {
    const id = arn.split("/").at(-1)!;
    const res = await s.ecs.send(
      new DescribeContainerInstancesCommand({ cluster: "hosts", containerInstances: [id, arn, "0".repeat(32)], include: ["TAGS"] }),
    );
    assert.equal(res.containerInstances?.length, 2);
    assert.deepEqual(res.containerInstances?.[0]?.tags, []);
    assert.equal(res.failures?.[0]?.reason, "MISSING");
  });

  it("puts, lists and deletes custom attributes, with ECS's limit of 10", async () => {
    await s.ecs.send(
      new PutAttributesCommand({
        cluster: "hosts",
        attributes: [
          { name: "stack", value: "prod", targetType: "container-instance", targetId: arn },
          { name: "gpu", targetId: arn },
        ],
      }),
    );
    const listed = await s.ecs.send(new ListAttributesCommand({ cluster: "hosts", targetType: "container-instance", attributeName: "stack" }));
    assert.deepEqual(listed.attributes, [{ name: "stack", value: "prod", targetType: "container-instance", targetId: arn }]);
    const all = await s.ecs.send(new ListAttributesCommand({ cluster: "hosts", targetType: "container-instance" }));
    assert.ok(all.attributes!.some((a) => a.name === "stack" && a.targetId === arn));
    assert.ok(all.attributes!.some((a) => a.name === "gpu" && a.value === undefined));

    const tooMany = Array.from({ length: 9 }, (_, i) => ({ name: `extra${i}`, value: "v", targetId: arn }));
    const err = await errorOf(() => s.ecs.send(new PutAttributesCommand({ cluster: "hosts", attributes: tooMany })));
    assert.equal(err.name, "AttributeLimitExceededException");
    const after = await s.ecs.send(new ListAttributesCommand({ cluster: "hosts", targetType: "container-instance" }));
    assert.ok(!after.attributes!.some((a) => a.name === "extra0"), "a refused PutAttributes changes nothing");

    const reserved = await errorOf(() =>
      s.ecs.send(new PutAttributesCommand({ cluster: "hosts", attributes: [{ name: "ecs.os-type", value: "windows", targetId: arn }] })),
    );
    assert.equal(reserved.name, "InvalidParameterException");
    const ghost = await errorOf(() =>
      s.ecs.send(new PutAttributesCommand({ cluster: "hosts", attributes: [{ name: "a", targetId: "f".repeat(32) }] })),
    );
    assert.equal(ghost.name, "TargetNotFoundException");

    await s.ecs.send(new DeleteAttributesCommand({ cluster: "hosts", attributes: [{ name: "gpu", targetId: arn }] }));
    const left = await s.ecs.send(new ListAttributesCommand({ cluster: "hosts", targetType: "container-instance", attributeName: "gpu" }));
    assert.deepEqual(left.attributes, []);
  });

  it("drains and reactivates, reporting unknown instances as failures", async () => {
    const res = await s.ecs.send(
      new UpdateContainerInstancesStateCommand({ cluster: "hosts", containerInstances: [arn, "e".repeat(32)], status: "DRAINING" }),
    );
    assert.equal(res.containerInstances?.[0]?.status, "DRAINING");
    assert.equal(res.failures?.[0]?.reason, "MISSING");
    const draining = await s.ecs.send(new ListContainerInstancesCommand({ cluster: "hosts", status: "DRAINING" }));
    assert.deepEqual(draining.containerInstanceArns, [arn]);
    const bad = await errorOf(() =>
      s.ecs.send(new UpdateContainerInstancesStateCommand({ cluster: "hosts", containerInstances: [arn], status: "REGISTERING" })),
    );
    assert.equal(bad.name, "InvalidParameterException");
    await s.ecs.send(new UpdateContainerInstancesStateCommand({ cluster: "hosts", containerInstances: [arn], status: "ACTIVE" }));
  });

  it("pages through many instances", async () => {
    await s.ecs.send(new CreateClusterCommand({ clusterName: "many" }));
    const arns: string[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await s.ecs.send(new RegisterContainerInstanceCommand({ cluster: "many", totalResources: resources(1024, 2048) }));
      arns.push(r.containerInstance!.containerInstanceArn!);
    }
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await s.ecs.send(new ListContainerInstancesCommand({ cluster: "many", maxResults: 3, nextToken }));
      seen.push(...page.containerInstanceArns!);
      nextToken = page.nextToken;
    } while (nextToken);
    assert.deepEqual([...seen].sort(), [...arns].sort());
  });

  it("filters the list with the cluster query language, refusing bad expressions with their position", async () => {
    await s.ecs.send(new CreateClusterCommand({ clusterName: "query" }));
    const reg = (type: string, zone: string) =>
      s.ecs.send(
        new RegisterContainerInstanceCommand({
          cluster: "query",
          totalResources: resources(1024, 2048),
          attributes: [{ name: "ecs.instance-type", value: type }, { name: "ecs.availability-zone", value: zone }],
        }),
      );
    const a = (await reg("t2.micro", "us-east-1a")).containerInstance!.containerInstanceArn!;
    const b = (await reg("m5.large", "us-east-1b")).containerInstance!.containerInstanceArn!;
    await reg("m5.xlarge", "us-east-1a");
    const list = (filter: string) => s.ecs.send(new ListContainerInstancesCommand({ cluster: "query", filter }));
    assert.deepEqual((await list("attribute:ecs.instance-type == t2.*")).containerInstanceArns, [a]);
    assert.deepEqual(
      (await list("attribute:ecs.instance-type =~ m5.* and attribute:ecs.availability-zone in [us-east-1b, us-east-1c]")).containerInstanceArns,
      [b],
    );
    assert.equal((await list("not(attribute:ecs.instance-type == t2.micro)")).containerInstanceArns?.length, 2);
    const bad = await errorOf(() => list("attribute:ecs.instance-type =="));
    assert.equal(bad.name, "InvalidParameterException");
    assert.match(bad.message, /filter.*position \d+/);
  });

  it("deregisters to INACTIVE, which leaves the list", async () => {
    const res = await s.ecs.send(new DeregisterContainerInstanceCommand({ cluster: "hosts", containerInstance: arn }));
    assert.equal(res.containerInstance?.status, "INACTIVE");
    const list = await s.ecs.send(new ListContainerInstancesCommand({ cluster: "hosts" }));
    assert.deepEqual(list.containerInstanceArns, []);
    const again = await errorOf(() => s.ecs.send(new DeregisterContainerInstanceCommand({ cluster: "hosts", containerInstance: arn })));
    assert.equal(again.name, "InvalidParameterException");
  });
});

// RunTask, CreateService and UpdateService check `networkConfiguration.awsvpcConfiguration`
// against the region's subnets and security groups as ECS does, and write nothing when it fails.
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ListServicesCommand,
  ListTasksCommand,
  type NetworkConfiguration,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ec2 } from "../../src/domain/index.js";
import { defaultSubnetIds } from "../helpers/network.js";
import { errorOf, startTestServer, type TestServer } from "../helpers/server.js";

const scope = { accountId: "000000000000", region: "us-east-1" };

describe("awsvpcConfiguration on RunTask, CreateService and UpdateService", () => {
  let s: TestServer;
  let subnets: string[];
  let other: { subnet: string; group: string };
  let defaultGroup: string;
  before(async () => {
    s = await startTestServer({ scheduler: false });
    subnets = await defaultSubnetIds(s.cp);
    const { Vpc } = await ec2.createVpc(s.cp.deps, scope, { CidrBlock: "10.5.0.0/16" });
    const { Subnet } = await ec2.createSubnet(s.cp.deps, scope, { VpcId: Vpc.VpcId, CidrBlock: "10.5.1.0/24" });
    const { GroupId } = await ec2.createSecurityGroup(s.cp.deps, scope, { GroupName: "other", Description: "x", VpcId: Vpc.VpcId });
    other = { subnet: Subnet.SubnetId, group: GroupId };
    defaultGroup = (await ec2.describeSecurityGroups(s.cp.deps, scope, { GroupNames: ["default"] })).SecurityGroups[0]!.GroupId;
    await s.ecs.send(new CreateClusterCommand({ clusterName: "net" }));
    for (const [family, networkMode] of [["vpc", "awsvpc"], ["br", "bridge"]] as const) {
      await s.ecs.send(new RegisterTaskDefinitionCommand({ family, networkMode, containerDefinitions: [{ name: "app", image: "busybox", memory: 64 }] }));
    }
  });
  after(async () => {
    await s.close();
  });

  type Case = [string, string, NetworkConfiguration | undefined, RegExp];
  const cases = (): Case[] => {
    const many = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));
    return [
      ["awsvpc without networkConfiguration", "vpc", undefined, /Network Configuration must be provided when networkMode 'awsvpc' is specified\./],
      ["networkConfiguration on bridge", "br", { awsvpcConfiguration: { subnets } }, /Network Configuration is not valid for the given networkMode of this task definition\./],
      ["no subnets", "vpc", { awsvpcConfiguration: { subnets: [] } }, /subnets can not be empty/],
      ["17 subnets", "vpc", { awsvpcConfiguration: { subnets: many(17, () => subnets[0]!) } }, /subnets can have at most 16 items/],
      ["6 security groups", "vpc", { awsvpcConfiguration: { subnets, securityGroups: many(6, () => defaultGroup) } }, /securityGroups can have at most 5 items/],
      ["unknown subnet", "vpc", { awsvpcConfiguration: { subnets: ["subnet-0123456789abcdef0"] } }, /Error retrieving subnet information for \[subnet-0123456789abcdef0\]: The subnet ID 'subnet-0123456789abcdef0' does not exist/],
      ["subnets of two VPCs", "vpc", { awsvpcConfiguration: { subnets: [subnets[0]!, other.subnet] } }, /subnets must all belong to the same VPC/],
      ["unknown security group", "vpc", { awsvpcConfiguration: { subnets, securityGroups: ["sg-0123456789abcdef0"] } }, /Error retrieving security group information for \[sg-0123456789abcdef0\]/],
      ["a group of another VPC", "vpc", { awsvpcConfiguration: { subnets, securityGroups: [other.group] } }, /security group sg-[0-9a-f]+ belongs to vpc-[0-9a-f]+, not to the subnets' VPC/],
      ["a public IP on EC2", "vpc", { awsvpcConfiguration: { subnets, assignPublicIp: "ENABLED" } }, /Assign public IP is not supported for this launch type\./],
    ];
  };

  it("RunTask refuses each bad configuration with InvalidParameterException and starts nothing", async () => {
    for (const [name, family, networkConfiguration, message] of cases()) {
      const err = await errorOf(() => s.ecs.send(new RunTaskCommand({ cluster: "net", taskDefinition: family, launchType: "EC2", networkConfiguration })));
      assert.equal(err.name, "InvalidParameterException", name);
      assert.match(err.message, message, name);
    }
    assert.deepEqual((await s.ecs.send(new ListTasksCommand({ cluster: "net", desiredStatus: "RUNNING" }))).taskArns, []);
    // A good configuration passes the checks and meets the next one: this cluster has no instances.
    const err = await errorOf(() =>
      s.ecs.send(new RunTaskCommand({ cluster: "net", taskDefinition: "vpc", networkConfiguration: { awsvpcConfiguration: { subnets, securityGroups: [defaultGroup] } } })),
    );
    assert.match(err.message, /No Container Instances were found in your cluster/);
  });

  it("CreateService refuses the same and creates nothing; UpdateService checks a new configuration", async () => {
    for (const [name, family, networkConfiguration, message] of cases()) {
      const err = await errorOf(() =>
        s.ecs.send(new CreateServiceCommand({ cluster: "net", serviceName: "web", taskDefinition: family, desiredCount: 0, launchType: "EC2", networkConfiguration })),
      );
      assert.equal(err.name, "InvalidParameterException", name);
      assert.match(err.message, message, name);
    }
    assert.deepEqual((await s.ecs.send(new ListServicesCommand({ cluster: "net" }))).serviceArns, []);

    const good = { awsvpcConfiguration: { subnets: subnets.slice(0, 2) } };
    await s.ecs.send(new CreateServiceCommand({ cluster: "net", serviceName: "web", taskDefinition: "vpc", desiredCount: 0, networkConfiguration: good }));
    const err = await errorOf(() =>
      s.ecs.send(new UpdateServiceCommand({ cluster: "net", service: "web", networkConfiguration: { awsvpcConfiguration: { subnets: [other.subnet, subnets[0]!] } } })),
    );
    assert.match(err.message, /subnets must all belong to the same VPC/);
    const moved = await errorOf(() => s.ecs.send(new UpdateServiceCommand({ cluster: "net", service: "web", taskDefinition: "br" })));
    assert.match(moved.message, /Network Configuration is not valid for the given networkMode/);
    const svc = (await s.ecs.send(new DescribeServicesCommand({ cluster: "net", services: ["web"] }))).services![0]!;
    assert.deepEqual(svc.networkConfiguration?.awsvpcConfiguration?.subnets, subnets.slice(0, 2));
    assert.equal(svc.deployments!.length, 1, "a refused update starts no deployment");
  });
});

// EC2's network subset on berth's port, driven by the unmodified AWS CLI (`aws ec2 ...`) and by
// boto3: the default VPC, VPCs, subnets, security groups and their rules, filters, and EC2's
// error codes for bad input.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { agentIn, until } from "../helpers/fake-agent.js";
import { run } from "../helpers/aws-cli.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const ENV = { AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "secret", AWS_DEFAULT_REGION: "us-east-1", AWS_PAGER: "" };

async function missingTool(cmd: string, args: string[]): Promise<string | undefined> {
  try {
    await run(cmd, args);
    return undefined;
  } catch (err) {
    return `${cmd} ${args.join(" ")} fails here (${(err as Error).message.split("\n")[0]})`;
  }
}

describe("EC2's network API against berth", async () => {
  const noCli = await missingTool("aws", ["--version"]);
  const noBoto = await missingTool("python3", ["-c", "import boto3"]);
  let s: TestServer;
  // biome-ignore lint: JSON from the CLI
  const aws = async (...args: string[]): Promise<any> => {
    const { stdout } = await run("aws", ["ec2", ...args, "--endpoint-url", s.url, "--output", "json"], { env: { ...process.env, ...ENV } });
    return stdout.trim() ? JSON.parse(stdout) : {};
  };
  /** The CLI's failure: its stderr names EC2's error code and message. */
  const awsError = async (...args: string[]): Promise<string> => {
    try {
      await aws(...args);
    } catch (err) {
      return (err as { stderr: string }).stderr;
    }
    throw new Error(`aws ec2 ${args.join(" ")} succeeded; it should have failed`);
  };
  before(async () => {
    if (!noCli || !noBoto) s = await startTestServer({ scheduler: false });
  });
  after(async () => {
    if (s) await s.close();
  });

  it("shows the region's default VPC: 172.31.0.0/16, a default /20 per zone, the default group", { skip: noCli }, async () => {
    const vpcs = (await aws("describe-vpcs", "--filters", "Name=is-default,Values=true")).Vpcs;
    assert.equal(vpcs.length, 1);
    assert.equal(vpcs[0].CidrBlock, "172.31.0.0/16");
    assert.match(vpcs[0].VpcId, /^vpc-[0-9a-f]{17}$/);
    assert.equal(vpcs[0].IsDefault, true);
    const subnets = (await aws("describe-subnets", "--filters", "Name=default-for-az,Values=true", `Name=vpc-id,Values=${vpcs[0].VpcId}`)).Subnets;
    assert.deepEqual(
      subnets.map((x: any) => [x.CidrBlock, x.AvailabilityZone, x.AvailableIpAddressCount]).sort(),
      [
        ["172.31.0.0/20", "us-east-1a", 4091],
        ["172.31.16.0/20", "us-east-1b", 4091],
        ["172.31.32.0/20", "us-east-1c", 4091],
      ],
    );
    const zoneB = (await aws("describe-subnets", "--filters", "Name=availability-zone,Values=us-east-1b")).Subnets;
    assert.deepEqual(zoneB.map((x: any) => x.CidrBlock), ["172.31.16.0/20"]);
    const groups = (await aws("describe-security-groups", "--group-names", "default")).SecurityGroups;
    assert.equal(groups.length, 1);
    assert.equal(groups[0].VpcId, vpcs[0].VpcId);
    // Members reach each other on everything; everything may leave.
    assert.deepEqual(groups[0].IpPermissions, [
      { IpProtocol: "-1", IpRanges: [], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [{ GroupId: groups[0].GroupId, UserId: "000000000000" }] },
    ]);
    assert.deepEqual(groups[0].IpPermissionsEgress[0].IpRanges, [{ CidrIp: "0.0.0.0/0" }]);
    // Another region has a default VPC of its own.
    const { stdout } = await run("aws", ["ec2", "describe-vpcs", "--endpoint-url", s.url, "--region", "eu-west-1", "--output", "json"], { env: { ...process.env, ...ENV } });
    const other = JSON.parse(stdout).Vpcs;
    assert.equal(other.length, 1);
    assert.notEqual(other[0].VpcId, vpcs[0].VpcId);
  });

  it("creates a VPC, subnets and a group with rules, refuses bad input with EC2's codes, deletes in order", { skip: noCli }, async () => {
    const vpc = (await aws("create-vpc", "--cidr-block", "10.1.0.0/16", "--tag-specifications", "ResourceType=vpc,Tags=[{Key=Name,Value=app}]")).Vpc;
    assert.deepEqual(vpc.Tags, [{ Key: "Name", Value: "app" }]);
    assert.equal((await aws("describe-vpcs", "--filters", "Name=tag:Name,Values=ap*")).Vpcs[0].VpcId, vpc.VpcId);
    assert.match(await awsError("create-vpc", "--cidr-block", "10.0.0.0/8"), /InvalidVpc\.Range.*The CIDR '10\.0\.0\.0\/8' is invalid/);
    assert.match(await awsError("create-vpc", "--cidr-block", "10.0.0.300/16"), /InvalidParameterValue.*cidrBlock/);

    const subnet = (await aws("create-subnet", "--vpc-id", vpc.VpcId, "--cidr-block", "10.1.1.0/24", "--availability-zone", "us-east-1b")).Subnet;
    assert.match(subnet.SubnetId, /^subnet-[0-9a-f]{17}$/);
    assert.equal(subnet.AvailableIpAddressCount, 251);
    assert.equal(subnet.DefaultForAz, false);
    assert.match(await awsError("create-subnet", "--vpc-id", vpc.VpcId, "--cidr-block", "10.1.1.0/25"), /InvalidSubnet\.Conflict/);
    assert.match(await awsError("create-subnet", "--vpc-id", vpc.VpcId, "--cidr-block", "10.2.0.0/24"), /InvalidSubnet\.Range/);
    assert.match(await awsError("create-subnet", "--vpc-id", "vpc-0123456789abcdef0", "--cidr-block", "10.1.2.0/24"), /InvalidVpcID\.NotFound.*vpc-0123456789abcdef0/);
    assert.match(await awsError("create-subnet", "--vpc-id", vpc.VpcId, "--cidr-block", "10.1.2.0/24", "--availability-zone", "mars-1a"), /InvalidParameterValue.*availabilityZone/);
    assert.match(await awsError("describe-subnets", "--subnet-ids", "subnet-0123456789abcdef0"), /InvalidSubnetID\.NotFound/);
    assert.match(await awsError("describe-subnets", "--filters", "Name=colour,Values=red"), /InvalidParameterValue.*The filter 'colour' is invalid/);

    const sg = (await aws("create-security-group", "--group-name", "web", "--description", "web tier", "--vpc-id", vpc.VpcId)).GroupId;
    assert.match(sg, /^sg-[0-9a-f]{17}$/);
    assert.match(await awsError("create-security-group", "--group-name", "web", "--description", "again", "--vpc-id", vpc.VpcId), /InvalidGroup\.Duplicate/);
    const added = await aws("authorize-security-group-ingress", "--group-id", sg, "--protocol", "tcp", "--port", "80", "--cidr", "10.0.0.0/8");
    assert.equal(added.Return, true);
    assert.equal(added.SecurityGroupRules[0].CidrIpv4, "10.0.0.0/8");
    assert.match(await awsError("authorize-security-group-ingress", "--group-id", sg, "--protocol", "tcp", "--port", "80", "--cidr", "10.0.0.0/8"), /InvalidPermission\.Duplicate/);
    await aws("authorize-security-group-ingress", "--group-id", sg, "--ip-permissions", `IpProtocol=tcp,FromPort=8000,ToPort=8100,UserIdGroupPairs=[{GroupId=${sg}}]`);
    assert.match(await awsError("authorize-security-group-ingress", "--group-id", sg, "--protocol", "tcp", "--cidr", "10.0.0.0/8"), /InvalidParameterValue.*TCP\/UDP/);
    assert.match(await awsError("authorize-security-group-ingress", "--group-id", "sg-0123456789abcdef0", "--protocol", "-1", "--cidr", "10.0.0.0/8"), /InvalidGroup\.NotFound/);
    const shown = (await aws("describe-security-groups", "--filters", `Name=group-id,Values=${sg}`)).SecurityGroups[0];
    assert.deepEqual(
      shown.IpPermissions.map((p: any) => [p.IpProtocol, p.FromPort, p.ToPort, p.IpRanges.map((r: any) => r.CidrIp), p.UserIdGroupPairs.map((g: any) => g.GroupId)]),
      [
        ["tcp", 80, 80, ["10.0.0.0/8"], []],
        ["tcp", 8000, 8100, [], [sg]],
      ],
    );
    assert.equal((await aws("describe-security-groups", "--filters", "Name=group-name,Values=web")).SecurityGroups.length, 1);
    await aws("revoke-security-group-ingress", "--group-id", sg, "--protocol", "tcp", "--port", "80", "--cidr", "10.0.0.0/8");
    assert.match(await awsError("revoke-security-group-ingress", "--group-id", sg, "--protocol", "tcp", "--port", "80", "--cidr", "10.0.0.0/8"), /InvalidPermission\.NotFound/);

    assert.match(await awsError("delete-vpc", "--vpc-id", vpc.VpcId), /DependencyViolation/);
    assert.match(await awsError("delete-security-group", "--group-name", "default"), /CannotDelete/);
    await aws("delete-subnet", "--subnet-id", subnet.SubnetId);
    await aws("delete-security-group", "--group-id", sg);
    await aws("delete-vpc", "--vpc-id", vpc.VpcId);
    assert.match(await awsError("describe-vpcs", "--vpc-ids", vpc.VpcId), /InvalidVpcID\.NotFound/);
    // The VPC's own default group went with it.
    assert.deepEqual((await aws("describe-security-groups", "--filters", `Name=vpc-id,Values=${vpc.VpcId}`)).SecurityGroups, []);
    assert.deepEqual((await aws("describe-network-interfaces")).NetworkInterfaces, []);
  });

  it("runs an awsvpc task in a network the CLI made; describe-tasks shows its ENI, describe-network-interfaces lists it", { skip: noCli }, async () => {
    const ecs = async (...args: string[]): Promise<any> => {
      const { stdout } = await run("aws", ["ecs", ...args, "--endpoint-url", s.url, "--output", "json"], { env: { ...process.env, ...ENV } });
      return stdout.trim() ? JSON.parse(stdout) : {};
    };
    const vpc = (await aws("create-vpc", "--cidr-block", "10.44.0.0/16")).Vpc.VpcId;
    const subnet = (await aws("create-subnet", "--vpc-id", vpc, "--cidr-block", "10.44.1.0/24")).Subnet.SubnetId;
    const sg = (await aws("create-security-group", "--group-name", "api", "--description", "api", "--vpc-id", vpc)).GroupId;
    await aws("authorize-security-group-ingress", "--group-id", sg, "--protocol", "tcp", "--port", "8080", "--cidr", "10.44.0.0/16");
    await ecs("create-cluster", "--cluster-name", "cli-net");
    // The agent is played by the test; it advertises task ENIs as a root agent does.
    const agent = await agentIn(s, "cli-net", { attributes: [{ name: "ecs.capability.task-eni" }] });
    try {
      await ecs("register-task-definition", "--family", "api", "--network-mode", "awsvpc", "--container-definitions", JSON.stringify([{ name: "api", image: "busybox", memory: 32 }]));
      const network = `awsvpcConfiguration={subnets=[${subnet}],securityGroups=[${sg}]}`;
      const taskArn = (await ecs("run-task", "--cluster", "cli-net", "--task-definition", "api", "--network-configuration", network)).tasks[0].taskArn;
      const task = (await ecs("describe-tasks", "--cluster", "cli-net", "--tasks", taskArn)).tasks[0];
      const details = Object.fromEntries(task.attachments[0].details.map((d: any) => [d.name, d.value]));
      assert.equal(task.attachments[0].type, "ElasticNetworkInterface");
      assert.equal(details.subnetId, subnet);
      assert.equal(details.privateIPv4Address, "10.44.1.4");
      assert.equal(task.containers[0].networkInterfaces[0].privateIpv4Address, "10.44.1.4");
      const enis = (await aws("describe-network-interfaces", "--filters", `Name=subnet-id,Values=${subnet}`)).NetworkInterfaces;
      assert.deepEqual(
        enis.map((e: any) => [e.NetworkInterfaceId, e.PrivateIpAddress, e.Groups.map((g: any) => g.GroupId)]),
        [[details.networkInterfaceId, "10.44.1.4", [sg]]],
      );
      await until("the agent has the task", () => agent.tasks().has(taskArn));
      assert.equal(agent.tasks().get(taskArn)!.eni!.privateIpv4Address, "10.44.1.4");
      await ecs("stop-task", "--cluster", "cli-net", "--task", taskArn);
      await ecs("submit-task-state-change", "--cluster", "cli-net", "--task", taskArn, "--status", "STOPPED");
      assert.deepEqual((await aws("describe-network-interfaces", "--filters", `Name=subnet-id,Values=${subnet}`)).NetworkInterfaces, []);
      await aws("delete-subnet", "--subnet-id", subnet);
    } finally {
      agent.ws.close();
    }
  });

  it("answers boto3: paging, modeled errors, unknown parameters, DryRun", { skip: noBoto }, async () => {
    const script = `
import json, sys, boto3, botocore
ec2 = boto3.client("ec2", endpoint_url=sys.argv[1], region_name="ap-south-1", aws_access_key_id="AKIDTEST", aws_secret_access_key="secret")
out = {}
vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
for i in range(7):
    ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{i}.0/24", AvailabilityZone="ap-south-1a")
pages = ec2.get_paginator("describe_subnets").paginate(Filters=[{"Name": "vpc-id", "Values": [vpc]}], PaginationConfig={"PageSize": 5})
out["pages"] = [len(p["Subnets"]) for p in pages]
try:
    ec2.delete_subnet(SubnetId="subnet-0123456789abcdef0")
except botocore.exceptions.ClientError as e:
    out["notFound"] = [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
try:
    ec2.create_vpc(CidrBlock="10.8.0.0/16", DryRun=True)
except botocore.exceptions.ClientError as e:
    out["dryRun"] = e.response["Error"]["Code"]
out["vpcs"] = len(ec2.describe_vpcs()["Vpcs"])
print(json.dumps(out))
`;
    const { stdout } = await run("python3", ["-c", script, s.url], { env: { ...process.env, ...ENV } });
    const out = JSON.parse(stdout);
    assert.deepEqual(out.pages, [5, 2]);
    assert.deepEqual(out.notFound, ["InvalidSubnetID.NotFound", 400]);
    assert.equal(out.dryRun, "DryRunOperation");
    // The default VPC and the one created; the dry run made nothing.
    assert.equal(out.vpcs, 2);

    const res = await fetch(s.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "Action=DescribeVpcs&Version=2016-11-15&Colour=red",
    });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /<Code>UnknownParameter<\/Code><Message>The parameter Colour is not recognized<\/Message>/);
  });
});

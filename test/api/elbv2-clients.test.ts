// ELBv2 through the SDK for JavaScript v3 (every operation, its response parsed into the SDK's
// types) and boto3 (waiters, paginators, modeled exceptions), and bind addresses that stay
// unique on the host when load balancers are created at once.
import {
  AddTagsCommand,
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeleteListenerCommand,
  DeleteLoadBalancerCommand,
  DeleteRuleCommand,
  DeleteTargetGroupCommand,
  DeregisterTargetsCommand,
  DescribeListenersCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyLoadBalancerAttributesCommand,
  ModifyRuleCommand,
  ModifyTargetGroupAttributesCommand,
  ModifyTargetGroupCommand,
  PriorityInUseException,
  RegisterTargetsCommand,
  RemoveTagsCommand,
  SetRulePrioritiesCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { DescribeSubnetsCommand, EC2Client } from "@aws-sdk/client-ec2";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { LoadBalancerRecord } from "../../src/domain/elbv2/records.js";
import { missingTool, run } from "../helpers/aws-cli.js";
import { errorOf, startTestServer, type TestServer } from "../helpers/server.js";

const credentials = { accessKeyId: "AKIDTEST", secretAccessKey: "secret" };

describe("ELBv2 with the SDK v3 and boto3", () => {
  let s: TestServer;
  const clients: { destroy(): void }[] = [];
  const elbIn = (region: string) => {
    const c = new ElasticLoadBalancingV2Client({ endpoint: s.url, region, credentials, maxAttempts: 1 });
    clients.push(c);
    return c;
  };
  const subnetsIn = async (region: string) => {
    const ec2 = new EC2Client({ endpoint: s.url, region, credentials, maxAttempts: 1 });
    clients.push(ec2);
    return (await ec2.send(new DescribeSubnetsCommand({}))).Subnets!;
  };
  before(async () => {
    s = await startTestServer({ scheduler: false, loadBalancers: false });
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await s.close();
  });

  it("parses every operation's response", async () => {
    const elb = elbIn("us-east-1");
    const subnets = await subnetsIn("us-east-1");
    const vpc = subnets[0]!.VpcId!;
    const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: "sdk", Subnets: subnets.map((x) => x.SubnetId!) }))).LoadBalancers![0]!;
    assert.ok(lb.CreatedTime instanceof Date && !Number.isNaN(lb.CreatedTime.getTime()));
    assert.equal(lb.State?.Code, "active");
    const described = (await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [lb.LoadBalancerArn!] }))).LoadBalancers!;
    assert.equal(described[0]!.DNSName, lb.DNSName);
    const lbAttrs = (await elb.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: lb.LoadBalancerArn }))).Attributes!;
    assert.equal(lbAttrs.find((a) => a.Key === "deletion_protection.enabled")?.Value, "false");
    const modLb = (await elb.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: lb.LoadBalancerArn, Attributes: [{ Key: "routing.http2.enabled", Value: "false" }] }))).Attributes!;
    assert.equal(modLb.find((a) => a.Key === "routing.http2.enabled")?.Value, "false");

    const tg = (await elb.send(new CreateTargetGroupCommand({ Name: "sdk-tg", Protocol: "HTTP", Port: 80, VpcId: vpc, TargetType: "ip" }))).TargetGroups![0]!;
    assert.equal(tg.HealthCheckEnabled, true);
    const tgs = (await elb.send(new DescribeTargetGroupsCommand({ Names: ["sdk-tg"] }))).TargetGroups!;
    assert.deepEqual(tgs[0]!.LoadBalancerArns, []);
    const modTg = (await elb.send(new ModifyTargetGroupCommand({ TargetGroupArn: tg.TargetGroupArn, Matcher: { HttpCode: "200-299" } }))).TargetGroups![0]!;
    assert.deepEqual(modTg.Matcher, { HttpCode: "200-299" });
    const tgAttrs = (await elb.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: tg.TargetGroupArn }))).Attributes!;
    assert.equal(tgAttrs.find((a) => a.Key === "deregistration_delay.timeout_seconds")?.Value, "300");
    const modAttrs = (await elb.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tg.TargetGroupArn, Attributes: [{ Key: "load_balancing.algorithm.type", Value: "least_outstanding_requests" }] }))).Attributes!;
    assert.equal(modAttrs.length, tgAttrs.length);

    const listener = (await elb.send(new CreateListenerCommand({ LoadBalancerArn: lb.LoadBalancerArn, Protocol: "HTTP", Port: 8080, DefaultActions: [{ Type: "forward", TargetGroupArn: tg.TargetGroupArn }] }))).Listeners![0]!;
    assert.equal(listener.DefaultActions![0]!.ForwardConfig?.TargetGroupStickinessConfig?.Enabled, false);
    const listeners = (await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn }))).Listeners!;
    assert.equal(listeners.length, 1);
    const moved = (await elb.send(new ModifyListenerCommand({ ListenerArn: listener.ListenerArn, Port: 8081 }))).Listeners![0]!;
    assert.equal(moved.Port, 8081);

    const rule = (await elb.send(new CreateRuleCommand({ ListenerArn: listener.ListenerArn, Priority: 7, Conditions: [{ Field: "path-pattern", PathPatternConfig: { Values: ["/x/*"] } }], Actions: [{ Type: "fixed-response", FixedResponseConfig: { StatusCode: "503" } }] }))).Rules![0]!;
    assert.equal(rule.Priority, "7");
    const rules = (await elb.send(new DescribeRulesCommand({ ListenerArn: listener.ListenerArn }))).Rules!;
    assert.deepEqual(rules.map((r) => r.IsDefault), [false, true]);
    const modRule = (await elb.send(new ModifyRuleCommand({ RuleArn: rule.RuleArn, Actions: [{ Type: "redirect", RedirectConfig: { Host: "example.com", StatusCode: "HTTP_302" } }] }))).Rules![0]!;
    assert.equal(modRule.Actions![0]!.RedirectConfig?.Host, "example.com");
    const prio = (await elb.send(new SetRulePrioritiesCommand({ RulePriorities: [{ RuleArn: rule.RuleArn, Priority: 3 }] }))).Rules!;
    assert.equal(prio[0]!.Priority, "3");

    await elb.send(new RegisterTargetsCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: "172.31.16.4", Port: 80 }] }));
    const health = (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn }))).TargetHealthDescriptions!;
    assert.deepEqual(health[0]!.TargetHealth, { State: "initial", Reason: "Elb.RegistrationInProgress", Description: "Target registration is in progress" });
    assert.equal(health[0]!.Target?.AvailabilityZone, "us-east-1b");
    await elb.send(new DeregisterTargetsCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: "172.31.16.4" }] }));
    await elb.send(new AddTagsCommand({ ResourceArns: [listener.ListenerArn!, rule.RuleArn!], Tags: [{ Key: "k", Value: "v" }] }));
    const tags = (await elb.send(new DescribeTagsCommand({ ResourceArns: [listener.ListenerArn!, rule.RuleArn!] }))).TagDescriptions!;
    assert.deepEqual(tags.map((t) => t.Tags), [[{ Key: "k", Value: "v" }], [{ Key: "k", Value: "v" }]]);
    await elb.send(new RemoveTagsCommand({ ResourceArns: [listener.ListenerArn!], TagKeys: ["k"] }));

    const err = await errorOf(() => elb.send(new CreateRuleCommand({ ListenerArn: listener.ListenerArn, Priority: 3, Conditions: [{ Field: "path-pattern", Values: ["/y"] }], Actions: [{ Type: "forward", TargetGroupArn: tg.TargetGroupArn }] })));
    assert.ok(err instanceof PriorityInUseException, err.name);
    assert.equal(err.$metadata?.httpStatusCode, 400);

    await elb.send(new DeleteRuleCommand({ RuleArn: rule.RuleArn }));
    await elb.send(new DeleteListenerCommand({ ListenerArn: listener.ListenerArn }));
    await elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: tg.TargetGroupArn }));
    await elb.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: lb.LoadBalancerArn, Attributes: [{ Key: "deletion_protection.enabled", Value: "true" }] }));
    const protectedErr = await errorOf(() => elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lb.LoadBalancerArn })));
    assert.equal(protectedErr.name, "OperationNotPermittedException");
    assert.equal(protectedErr.message, `Load balancer '${lb.LoadBalancerArn}' cannot be deleted because deletion protection is enabled`);
    await elb.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: lb.LoadBalancerArn, Attributes: [{ Key: "deletion_protection.enabled", Value: "false" }] }));
    await elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lb.LoadBalancerArn }));
    assert.deepEqual((await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers, []);
  });

  it("gives load balancers created at once distinct bind addresses across regions, freed at delete", async () => {
    const regions = ["us-east-1", "eu-west-1"];
    const made = await Promise.all(
      regions.flatMap((region) =>
        Array.from({ length: 6 }, async (_, i) => {
          const subnets = await subnetsIn(region);
          const res = await elbIn(region).send(new CreateLoadBalancerCommand({ Name: `burst-${i}`, Subnets: subnets.map((x) => x.SubnetId!) }));
          return { region, arn: res.LoadBalancers![0]!.LoadBalancerArn! };
        }),
      ),
    );
    const records = s.cp.deps.cache.listEntries<LoadBalancerRecord>("/berth/").filter((e) => e.key.includes("/elb-load-balancers/"));
    const addresses = records.map((e) => e.value.bindAddress).sort();
    assert.equal(addresses.length, 12);
    assert.equal(new Set(addresses).size, 12, `addresses: ${addresses.join(" ")}`);
    for (const a of addresses) assert.match(a, /^127\.100\.0\.\d+$/);
    const freed = records.find((e) => e.value.LoadBalancerName === "burst-0" && e.key.includes("/us-east-1/"))!.value;
    await elbIn("us-east-1").send(new DeleteLoadBalancerCommand({ LoadBalancerArn: freed.LoadBalancerArn }));
    const subnets = await subnetsIn("eu-west-1");
    const next = (await elbIn("eu-west-1").send(new CreateLoadBalancerCommand({ Name: "after", Subnets: subnets.map((x) => x.SubnetId!) }))).LoadBalancers![0]!;
    const nextRecord = s.cp.deps.cache.listEntries<LoadBalancerRecord>("/berth/").find((e) => e.value.LoadBalancerArn === next.LoadBalancerArn)!.value;
    assert.equal(nextRecord.bindAddress, freed.bindAddress, "the freed address is the lowest again");
    for (const { region, arn } of made) await elbIn(region).send(new DeleteLoadBalancerCommand({ LoadBalancerArn: arn }));
    await elbIn("eu-west-1").send(new DeleteLoadBalancerCommand({ LoadBalancerArn: next.LoadBalancerArn }));
    assert.deepEqual(s.cp.deps.cache.listEntries("/berth/host/"), []);
  });

  it("lets exactly one of concurrent creates take a port, a priority or a name", async () => {
    const elb = elbIn("us-east-1");
    const subnets = await subnetsIn("us-east-1");
    const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: "race", Subnets: subnets.map((x) => x.SubnetId!) }))).LoadBalancers![0]!;
    const outcomes = async (calls: (() => Promise<unknown>)[]) =>
      (await Promise.allSettled(calls.map((c) => c()))).map((r) => (r.status === "fulfilled" ? "ok" : (r.reason as Error).name)).sort();
    const fixed = [{ Type: "fixed-response" as const, FixedResponseConfig: { StatusCode: "200" } }];
    const listeners = await outcomes(Array.from({ length: 8 }, () => () => elb.send(new CreateListenerCommand({ LoadBalancerArn: lb.LoadBalancerArn, Protocol: "HTTP", Port: 80, DefaultActions: fixed }))));
    assert.deepEqual(listeners, [...Array(7).fill("DuplicateListenerException"), "ok"].sort());
    const listener = (await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn }))).Listeners![0]!;
    const rules = await outcomes(
      Array.from({ length: 8 }, (_, i) => () => elb.send(new CreateRuleCommand({ ListenerArn: listener.ListenerArn, Priority: 1, Conditions: [{ Field: "path-pattern", Values: [`/${i}`] }], Actions: fixed }))),
    );
    assert.deepEqual(rules, [...Array(7).fill("PriorityInUseException"), "ok"].sort());
    const vpc = subnets[0]!.VpcId!;
    const groups = await outcomes(Array.from({ length: 8 }, (_, i) => () => elb.send(new CreateTargetGroupCommand({ Name: "race-tg", Protocol: "HTTP", Port: 8000 + i, VpcId: vpc }))));
    assert.deepEqual(groups, [...Array(7).fill("DuplicateTargetGroupNameException"), "ok"].sort());
    await elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lb.LoadBalancerArn }));
  });

  it("answers boto3: waiters, paginators, modeled exceptions", async (t) => {
    const noBoto = await missingTool("python3", ["-c", "import boto3"]);
    if (noBoto) {
      t.skip(noBoto);
      return;
    }
    const script = `
import json, sys, boto3
elb = boto3.client("elbv2", endpoint_url=sys.argv[1], region_name="ap-south-1", aws_access_key_id="AKIDTEST", aws_secret_access_key="secret")
ec2 = boto3.client("ec2", endpoint_url=sys.argv[1], region_name="ap-south-1", aws_access_key_id="AKIDTEST", aws_secret_access_key="secret")
subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]]
vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
arns = [elb.create_load_balancer(Name=f"py-{i}", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"] for i in range(3)]
elb.get_waiter("load_balancer_available").wait(LoadBalancerArns=arns, WaiterConfig={"Delay": 1, "MaxAttempts": 3})
pages = [len(p["LoadBalancers"]) for p in elb.get_paginator("describe_load_balancers").paginate(PaginationConfig={"PageSize": 2})]
tg = elb.create_target_group(Name="py-tg", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
elb.create_listener(LoadBalancerArn=arns[0], Protocol="HTTP", Port=80, DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
elb.register_targets(TargetGroupArn=tg, Targets=[{"Id": "172.31.0.10"}])
elb.deregister_targets(TargetGroupArn=tg, Targets=[{"Id": "172.31.0.10"}])
elb.get_waiter("target_deregistered").wait(TargetGroupArn=tg, Targets=[{"Id": "172.31.0.10", "Port": 80}], WaiterConfig={"Delay": 1, "MaxAttempts": 3})
errors = []
try:
    elb.describe_target_groups(Names=["nope"])
except elb.exceptions.TargetGroupNotFoundException as e:
    errors.append([e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]])
try:
    elb.delete_target_group(TargetGroupArn=tg)
except elb.exceptions.ResourceInUseException as e:
    errors.append([e.response["Error"]["Code"]])
try:
    elb.register_targets(TargetGroupArn=tg, Targets=[{"Id": "203.0.113.9"}])
except elb.exceptions.InvalidTargetException as e:
    errors.append([e.response["Error"]["Code"]])
print(json.dumps({"pages": pages, "errors": errors}))
`;
    const { stdout } = await run("python3", ["-c", script, s.url]);
    const out = JSON.parse(stdout);
    assert.deepEqual(out.pages, [2, 1]);
    assert.deepEqual(out.errors, [["TargetGroupNotFound", "One or more target groups not found", 400], ["ResourceInUse"], ["InvalidTarget"]]);
  });
});

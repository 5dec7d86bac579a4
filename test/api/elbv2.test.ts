// ELBv2 on berth's port, driven by the unmodified AWS CLI (`aws elbv2 ...`): load balancers,
// target groups, listeners, rules, targets and tags, then bad input for each family of
// operations, asserting ELBv2's code, its message, and that the store did not change.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AWS_ENV as ENV, missingTool, run } from "../helpers/aws-cli.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

describe("ELBv2 against berth with the AWS CLI", async () => {
  const noCli = await missingTool("aws", ["--version"]);
  let s: TestServer;
  // biome-ignore lint: JSON from the CLI
  const cli = async (service: string, ...args: string[]): Promise<any> => {
    const { stdout } = await run("aws", [service, ...args, "--endpoint-url", s.url, "--output", "json"], { env: { ...process.env, ...ENV } });
    return stdout.trim() ? JSON.parse(stdout) : {};
  };
  const elb = (...args: string[]) => cli("elbv2", ...args);
  /** The CLI's failure, `(Code) ... : message`, and proof that nothing in the store changed. */
  const refused = async (...args: string[]): Promise<string> => {
    const before = snapshot();
    try {
      await elb(...args);
    } catch (err) {
      assert.deepEqual(snapshot(), before, `aws elbv2 ${args[0]} changed the store although it failed`);
      const m = /An error occurred \((\w+)\) when calling the \w+ operation: (.*)/.exec((err as { stderr: string }).stderr);
      assert.ok(m, (err as { stderr: string }).stderr);
      return `${m[1]}: ${m[2]!.trim()}`;
    }
    throw new Error(`aws elbv2 ${args.join(" ")} succeeded; it should have failed`);
  };
  const snapshot = () => s.cp.deps.cache.listEntries("/berth/").map((e) => `${e.key}@${e.modRevision}`);
  let subnets: string[];
  let vpc: string;
  before(async () => {
    if (noCli) return;
    s = await startTestServer({ scheduler: false, loadBalancers: false });
    const found = (await cli("ec2", "describe-subnets", "--filters", "Name=default-for-az,Values=true")).Subnets;
    subnets = found.map((x: { SubnetId: string }) => x.SubnetId);
    vpc = found[0].VpcId;
  });
  after(async () => {
    if (s) await s.close();
  });

  it("creates an ALB, target groups, a listener and rules, registers targets and cleans up", { skip: noCli }, async () => {
    const lb = (await elb("create-load-balancer", "--name", "web", "--subnets", ...subnets, "--tags", "Key=team,Value=a")).LoadBalancers[0];
    assert.equal(lb.State.Code, "active");
    assert.equal(lb.Type, "application");
    assert.equal(lb.Scheme, "internet-facing");
    assert.equal(lb.VpcId, vpc);
    assert.match(lb.DNSName, /^web-\d{10}\.us-east-1\.elb\.localhost$/);
    assert.equal(lb.AvailabilityZones.length, 3);
    const defaultGroup = (await cli("ec2", "describe-security-groups", "--group-names", "default")).SecurityGroups[0].GroupId;
    assert.deepEqual(lb.SecurityGroups, [defaultGroup]);
    const again = (await elb("create-load-balancer", "--name", "web", "--subnets", ...subnets)).LoadBalancers[0];
    assert.equal(again.LoadBalancerArn, lb.LoadBalancerArn, "the same load balancer again is the one there is");
    const attrs = (await elb("modify-load-balancer-attributes", "--load-balancer-arn", lb.LoadBalancerArn, "--attributes", "Key=idle_timeout.timeout_seconds,Value=30")).Attributes;
    assert.ok(attrs.length > 5, "the full set comes back");
    assert.deepEqual(attrs.find((a: { Key: string }) => a.Key === "idle_timeout.timeout_seconds"), { Key: "idle_timeout.timeout_seconds", Value: "30" });

    const tg = (await elb("create-target-group", "--name", "web-tg", "--protocol", "HTTP", "--port", "8080", "--vpc-id", vpc, "--target-type", "ip", "--health-check-path", "/health")).TargetGroups[0];
    assert.deepEqual(
      [tg.HealthCheckProtocol, tg.HealthCheckPort, tg.HealthCheckPath, tg.HealthCheckIntervalSeconds, tg.HealthCheckTimeoutSeconds, tg.HealthyThresholdCount, tg.UnhealthyThresholdCount, tg.Matcher],
      ["HTTP", "traffic-port", "/health", 30, 5, 5, 2, { HttpCode: "200" }],
    );
    const same = (await elb("create-target-group", "--name", "web-tg", "--protocol", "HTTP", "--port", "8080", "--vpc-id", vpc, "--target-type", "ip", "--health-check-path", "/health")).TargetGroups[0];
    assert.equal(same.TargetGroupArn, tg.TargetGroupArn, "an identical create returns the group there is");
    const canary = (await elb("create-target-group", "--name", "web-canary", "--protocol", "HTTP", "--port", "8080", "--vpc-id", vpc, "--target-type", "ip")).TargetGroups[0];
    assert.deepEqual(tg.LoadBalancerArns, []);

    const listener = (await elb("create-listener", "--load-balancer-arn", lb.LoadBalancerArn, "--protocol", "HTTP", "--port", "80", "--default-actions", `Type=forward,TargetGroupArn=${tg.TargetGroupArn}`)).Listeners[0];
    assert.equal(listener.Port, 80);
    assert.deepEqual(listener.DefaultActions[0].ForwardConfig.TargetGroups, [{ TargetGroupArn: tg.TargetGroupArn, Weight: 1 }]);
    const weighted = JSON.stringify([{ Type: "forward", ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg.TargetGroupArn, Weight: 90 }, { TargetGroupArn: canary.TargetGroupArn, Weight: 10 }] } }]);
    const r1 = (await elb("create-rule", "--listener-arn", listener.ListenerArn, "--priority", "10", "--conditions", "Field=path-pattern,Values=/api/*", "--actions", weighted)).Rules[0];
    const r2 = (await elb("create-rule", "--listener-arn", listener.ListenerArn, "--priority", "20", "--conditions", JSON.stringify([{ Field: "host-header", HostHeaderConfig: { Values: ["*.example.com"] } }, { Field: "http-header", HttpHeaderConfig: { HttpHeaderName: "X-Env", Values: ["blue"] } }]), "--actions", "Type=fixed-response,FixedResponseConfig={StatusCode=404,ContentType=text/plain,MessageBody=gone}")).Rules[0];
    const r3 = (await elb("create-rule", "--listener-arn", listener.ListenerArn, "--priority", "30", "--conditions", JSON.stringify([{ Field: "query-string", QueryStringConfig: { Values: [{ Key: "v", Value: "2" }] } }]), "--actions", "Type=redirect,RedirectConfig={Protocol=HTTPS,Port=443,StatusCode=HTTP_301}")).Rules[0];
    assert.equal(r1.Priority, "10");
    assert.equal(r3.Actions[0].RedirectConfig.Path, "/#{path}");
    let rules = (await elb("describe-rules", "--listener-arn", listener.ListenerArn)).Rules;
    assert.deepEqual(rules.map((r: { Priority: string; IsDefault: boolean }) => [r.Priority, r.IsDefault]), [["10", false], ["20", false], ["30", false], ["default", true]]);
    const reordered = (await elb("set-rule-priorities", "--rule-priorities", `RuleArn=${r1.RuleArn},Priority=40`, `RuleArn=${r3.RuleArn},Priority=5`)).Rules;
    assert.deepEqual(reordered.map((r: { Priority: string }) => r.Priority), ["5", "40"]);
    const modified = (await elb("modify-rule", "--rule-arn", r2.RuleArn, "--conditions", "Field=path-pattern,Values=/old/*")).Rules[0];
    assert.deepEqual(modified.Conditions, [{ Field: "path-pattern", Values: ["/old/*"], PathPatternConfig: { Values: ["/old/*"] } }]);
    assert.equal(modified.Actions[0].Type, "fixed-response", "the actions stay");
    await elb("delete-rule", "--rule-arn", r2.RuleArn);
    rules = (await elb("describe-rules", "--listener-arn", listener.ListenerArn)).Rules;
    assert.deepEqual(rules.map((r: { Priority: string }) => r.Priority), ["5", "40", "default"]);
    const byArn = (await elb("describe-rules", "--rule-arns", rules[2].RuleArn)).Rules;
    assert.equal(byArn[0].IsDefault, true, "the default rule is found by its ARN");

    const served = (await elb("describe-target-groups", "--load-balancer-arn", lb.LoadBalancerArn)).TargetGroups;
    assert.deepEqual(served.map((g: { TargetGroupName: string }) => g.TargetGroupName), ["web-canary", "web-tg"]);
    assert.deepEqual(served[1].LoadBalancerArns, [lb.LoadBalancerArn]);

    await elb("register-targets", "--target-group-arn", tg.TargetGroupArn, "--targets", "Id=172.31.1.5", "Id=10.9.0.7,Port=9000");
    await elb("register-targets", "--target-group-arn", tg.TargetGroupArn, "--targets", "Id=172.31.1.5");
    let health = (await elb("describe-target-health", "--target-group-arn", tg.TargetGroupArn)).TargetHealthDescriptions;
    assert.deepEqual(
      health.map((h: { Target: { Id: string; Port: number; AvailabilityZone: string }; HealthCheckPort: string; TargetHealth: { State: string; Reason: string } }) => [h.Target.Id, h.Target.Port, h.Target.AvailabilityZone, h.HealthCheckPort, h.TargetHealth.State, h.TargetHealth.Reason]),
      [
        ["10.9.0.7", 9000, "all", "9000", "initial", "Elb.RegistrationInProgress"],
        ["172.31.1.5", 8080, "us-east-1a", "8080", "initial", "Elb.RegistrationInProgress"],
      ],
    );
    await elb("deregister-targets", "--target-group-arn", tg.TargetGroupArn, "--targets", "Id=10.9.0.7,Port=9000");
    health = (await elb("describe-target-health", "--target-group-arn", tg.TargetGroupArn, "--targets", "Id=10.9.0.7,Port=9000")).TargetHealthDescriptions;
    assert.deepEqual(health[0].TargetHealth, { State: "unused", Reason: "Target.NotRegistered", Description: "Target is not registered to the target group" });

    const tgAttrs = (await elb("modify-target-group-attributes", "--target-group-arn", tg.TargetGroupArn, "--attributes", "Key=deregistration_delay.timeout_seconds,Value=5")).Attributes;
    assert.deepEqual(tgAttrs.find((a: { Key: string }) => a.Key === "deregistration_delay.timeout_seconds").Value, "5");
    assert.equal(tgAttrs.find((a: { Key: string }) => a.Key === "stickiness.type").Value, "lb_cookie");
    const modTg = (await elb("modify-target-group", "--target-group-arn", tg.TargetGroupArn, "--health-check-interval-seconds", "10", "--healthy-threshold-count", "2")).TargetGroups[0];
    assert.deepEqual([modTg.HealthCheckIntervalSeconds, modTg.HealthyThresholdCount, modTg.HealthCheckPath], [10, 2, "/health"]);

    await elb("add-tags", "--resource-arns", lb.LoadBalancerArn, tg.TargetGroupArn, "--tags", "Key=env,Value=dev");
    await elb("remove-tags", "--resource-arns", lb.LoadBalancerArn, "--tag-keys", "team");
    const tags = (await elb("describe-tags", "--resource-arns", lb.LoadBalancerArn, tg.TargetGroupArn)).TagDescriptions;
    assert.deepEqual(tags.map((t: { Tags: unknown[] }) => t.Tags), [[{ Key: "env", Value: "dev" }], [{ Key: "env", Value: "dev" }]]);

    // Deleting the load balancer takes its listeners and rules; its target groups are free again.
    await elb("delete-load-balancer", "--load-balancer-arn", lb.LoadBalancerArn);
    await elb("delete-load-balancer", "--load-balancer-arn", lb.LoadBalancerArn);
    assert.ok(!snapshot().some((k) => k.includes("/elb-listeners/") || k.includes("/elb-rules/")));
    assert.deepEqual((await elb("describe-target-groups", "--names", "web-tg")).TargetGroups[0].LoadBalancerArns, []);
    await elb("delete-target-group", "--target-group-arn", tg.TargetGroupArn);
    await elb("delete-target-group", "--target-group-arn", canary.TargetGroupArn);
    assert.ok(!snapshot().some((k) => k.includes("/elb-")), "nothing of ELBv2 is left");
  });

  it("creates an NLB with a TCP listener; TCP health checks by default", { skip: noCli }, async () => {
    const nlb = (await elb("create-load-balancer", "--name", "db", "--type", "network", "--scheme", "internal", "--subnet-mappings", `SubnetId=${subnets[0]}`)).LoadBalancers[0];
    assert.match(nlb.DNSName, /^db-[0-9a-f]{16}\.elb\.us-east-1\.localhost$/);
    assert.equal(nlb.SecurityGroups, undefined);
    const tg = (await elb("create-target-group", "--name", "db-tg", "--protocol", "TCP", "--port", "5432", "--vpc-id", vpc, "--target-type", "ip")).TargetGroups[0];
    assert.deepEqual([tg.HealthCheckProtocol, tg.HealthCheckTimeoutSeconds, tg.HealthCheckPath, tg.Matcher], ["TCP", 10, undefined, undefined]);
    const listener = (await elb("create-listener", "--load-balancer-arn", nlb.LoadBalancerArn, "--protocol", "TCP", "--port", "5432", "--default-actions", `Type=forward,TargetGroupArn=${tg.TargetGroupArn}`)).Listeners[0];
    assert.equal(listener.Protocol, "TCP");
    const listed = (await elb("describe-listeners", "--load-balancer-arn", nlb.LoadBalancerArn)).Listeners;
    assert.deepEqual(listed.map((l: { ListenerArn: string }) => l.ListenerArn), [listener.ListenerArn]);
    await elb("delete-listener", "--listener-arn", listener.ListenerArn);
    await elb("delete-load-balancer", "--load-balancer-arn", nlb.LoadBalancerArn);
    await elb("delete-target-group", "--target-group-arn", tg.TargetGroupArn);
  });

  it("refuses bad input with ELBv2's code and message, and changes nothing", { skip: noCli }, async () => {
    const lb = (await elb("create-load-balancer", "--name", "bad", "--subnets", subnets[0]!, subnets[1]!)).LoadBalancers[0];
    const other = (await elb("create-load-balancer", "--name", "other", "--subnets", subnets[0]!, subnets[1]!)).LoadBalancers[0];
    const tg = (await elb("create-target-group", "--name", "bad-tg", "--protocol", "HTTP", "--port", "80", "--vpc-id", vpc, "--target-type", "ip")).TargetGroups[0];
    const tcp = (await elb("create-target-group", "--name", "bad-tcp", "--protocol", "TCP", "--port", "80", "--vpc-id", vpc, "--target-type", "ip")).TargetGroups[0];
    const listener = (await elb("create-listener", "--load-balancer-arn", lb.LoadBalancerArn, "--protocol", "HTTP", "--port", "80", "--default-actions", `Type=forward,TargetGroupArn=${tg.TargetGroupArn}`)).Listeners[0];
    await elb("create-rule", "--listener-arn", listener.ListenerArn, "--priority", "10", "--conditions", "Field=path-pattern,Values=/a/*", "--actions", `Type=forward,TargetGroupArn=${tg.TargetGroupArn}`);
    const unknownTg = tg.TargetGroupArn.replace(/[0-9a-f]{16}$/, "0000000000000000");
    const forward = (arn: string) => `Type=forward,TargetGroupArn=${arn}`;
    const defaultRule = (await elb("describe-rules", "--listener-arn", listener.ListenerArn)).Rules[1].RuleArn;
    const table: [string[], string][] = [
      // target groups
      [["describe-target-groups", "--target-group-arns", unknownTg], "TargetGroupNotFound: One or more target groups not found"],
      [["describe-target-groups", "--names", "nope"], "TargetGroupNotFound: One or more target groups not found"],
      [["create-target-group", "--name", "bad-tg", "--protocol", "HTTP", "--port", "81", "--vpc-id", vpc, "--target-type", "ip"], "DuplicateTargetGroupName: A target group with the specified name already exists."],
      [["create-target-group", "--name", "x", "--protocol", "HTTP", "--port", "80", "--vpc-id", vpc, "--health-check-interval-seconds", "500"], "ValidationError: 1 validation error detected: Value '500' at 'HealthCheckIntervalSeconds' failed to satisfy constraint: Member must have value less than or equal to 300"],
      [["create-target-group", "--name", "x", "--protocol", "HTTP", "--port", "80", "--vpc-id", "vpc-00000000000000000"], "ValidationError: The VPC ID 'vpc-00000000000000000' is not found"],
      [["delete-target-group", "--target-group-arn", tg.TargetGroupArn], `ResourceInUse: Target group '${tg.TargetGroupArn}' is currently in use by a listener or a rule`],
      [["modify-target-group-attributes", "--target-group-arn", tg.TargetGroupArn, "--attributes", "Key=deregistration_delay.timeout_seconds,Value=4000"], "ValidationError: 'deregistration_delay.timeout_seconds' value '4000' must be between '0-3600' inclusive"],
      // targets
      [["register-targets", "--target-group-arn", tg.TargetGroupArn, "--targets", "Id=8.8.8.8"], "InvalidTarget: The specified target does not exist, is not in the same VPC as the target group, or has an unsupported instance type. '8.8.8.8' is outside the target group's VPC (172.31.0.0/16) and the private ranges 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 and 100.64.0.0/10"],
      [["register-targets", "--target-group-arn", tg.TargetGroupArn, "--targets", "Id=172.31.0.9", "Id=1.1.1.1"], "InvalidTarget: The specified target does not exist, is not in the same VPC as the target group, or has an unsupported instance type. '1.1.1.1' is outside the target group's VPC (172.31.0.0/16) and the private ranges 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 and 100.64.0.0/10"],
      [["register-targets", "--target-group-arn", unknownTg, "--targets", "Id=172.31.0.9"], "TargetGroupNotFound: One or more target groups not found"],
      // listeners
      [["create-listener", "--load-balancer-arn", lb.LoadBalancerArn, "--protocol", "HTTP", "--port", "80", "--default-actions", forward(tg.TargetGroupArn)], "DuplicateListener: A listener with the specified port already exists."],
      [["create-listener", "--load-balancer-arn", lb.LoadBalancerArn, "--protocol", "HTTP", "--port", "81", "--default-actions", forward(unknownTg)], `TargetGroupNotFound: Target group '${unknownTg}' not found`],
      [["create-listener", "--load-balancer-arn", lb.LoadBalancerArn, "--protocol", "HTTP", "--port", "81", "--default-actions", forward(tcp.TargetGroupArn)], `IncompatibleProtocols: Target group '${tcp.TargetGroupArn}' has protocol 'TCP', which an application load balancer cannot forward to`],
      [["create-listener", "--load-balancer-arn", other.LoadBalancerArn, "--protocol", "HTTP", "--port", "80", "--default-actions", forward(tg.TargetGroupArn)], `TargetGroupAssociationLimit: The following target groups cannot be associated with more than one load balancer: ${tg.TargetGroupArn}`],
      [["create-listener", "--load-balancer-arn", lb.LoadBalancerArn, "--protocol", "TCP", "--port", "81", "--default-actions", forward(tg.TargetGroupArn)], "UnsupportedProtocol: Protocol 'TCP' is not supported for application load balancers; use 'HTTP'"],
      [["delete-listener", "--listener-arn", listener.ListenerArn.replace(/[0-9a-f]{16}$/, "0000000000000000")], "ListenerNotFound: The specified listener does not exist."],
      // rules
      [["create-rule", "--listener-arn", listener.ListenerArn, "--priority", "10", "--conditions", "Field=path-pattern,Values=/b/*", "--actions", forward(tg.TargetGroupArn)], "PriorityInUse: The specified priority is in use."],
      [["create-rule", "--listener-arn", listener.ListenerArn, "--priority", "50001", "--conditions", "Field=path-pattern,Values=/b/*", "--actions", forward(tg.TargetGroupArn)], "ValidationError: 1 validation error detected: Value '50001' at 'Priority' failed to satisfy constraint: Member must have value less than or equal to 50000"],
      [["create-rule", "--listener-arn", listener.ListenerArn, "--priority", "11", "--conditions", "Field=source-ip,Values=10.0.0.0/8", "--actions", forward(tg.TargetGroupArn)], "ValidationError: Condition field 'source-ip' is not supported by berth's load balancers; use 'path-pattern', 'host-header', 'http-header' or 'query-string'"],
      [["delete-rule", "--rule-arn", defaultRule], `OperationNotPermitted: Default rule '${defaultRule}' cannot be deleted`],
      [["modify-rule", "--rule-arn", defaultRule], "ValidationError: Either conditions or actions must be specified"],
      // load balancers
      [["create-load-balancer", "--name", "one-zone", "--subnets", subnets[0]!], "ValidationError: At least two subnets in two different Availability Zones must be specified"],
      [["create-load-balancer", "--name", "nowhere", "--subnets", subnets[0]!, "subnet-00000000000000000"], "SubnetNotFound: The specified subnet does not exist: 'subnet-00000000000000000'"],
      [["create-load-balancer", "--name", "bad", "--subnets", subnets[0]!, subnets[2]!], "DuplicateLoadBalancerName: A load balancer with the specified name already exists."],
      [["create-load-balancer", "--name", "internal-x", "--subnets", ...subnets], "ValidationError: Load balancer name 'internal-x' cannot begin with 'internal-'"],
      [["describe-load-balancers", "--names", "nope"], "LoadBalancerNotFound: One or more load balancers not found"],
      // tags
      [["add-tags", "--resource-arns", tg.TargetGroupArn, "--tags", "Key=a,Value=1", "Key=a,Value=2"], "DuplicateTagKeys: Tag key 'a' is specified more than once"],
      [["add-tags", "--resource-arns", tg.TargetGroupArn, "--tags", ...Array.from({ length: 51 }, (_, i) => `Key=k${i},Value=v`)], `TooManyTags: The quota for the number of tags that can be assigned to '${tg.TargetGroupArn}' has been reached (50)`],
    ];
    for (const [args, want] of table) assert.equal(await refused(...args), want, args.join(" "));
  });

  it("registers container instances by their EC2 instance id into instance target groups", { skip: noCli }, async () => {
    await cli("ecs", "create-cluster", "--cluster-name", "hosts");
    const doc = JSON.stringify({ instanceId: "i-0123456789abcdef0", availabilityZone: "us-east-1a" });
    await cli("ecs", "register-container-instance", "--cluster", "hosts", "--instance-identity-document", doc, "--total-resources", "name=CPU,type=INTEGER,integerValue=1024", "name=MEMORY,type=INTEGER,integerValue=1024");
    const tg = (await elb("create-target-group", "--name", "hosts-tg", "--protocol", "HTTP", "--port", "80", "--vpc-id", vpc)).TargetGroups[0];
    assert.equal(tg.TargetType, "instance");
    await elb("register-targets", "--target-group-arn", tg.TargetGroupArn, "--targets", "Id=i-0123456789abcdef0,Port=32768", "Id=i-0123456789abcdef0,Port=32769");
    const health = (await elb("describe-target-health", "--target-group-arn", tg.TargetGroupArn, "--targets", "Id=i-0123456789abcdef0")).TargetHealthDescriptions;
    // Not forwarded to by any listener: unused, on each port the instance is registered with.
    assert.deepEqual(
      health.map((h: { Target: { Port: number }; TargetHealth: { State: string; Reason: string } }) => [h.Target.Port, h.TargetHealth.State, h.TargetHealth.Reason]),
      [
        [32768, "unused", "Target.NotInUse"],
        [32769, "unused", "Target.NotInUse"],
      ],
    );
    assert.equal(
      await refused("register-targets", "--target-group-arn", tg.TargetGroupArn, "--targets", "Id=i-0123456789abcdef9"),
      "InvalidTarget: The specified target does not exist, is not in the same VPC as the target group, or has an unsupported instance type. No container instance has the EC2 instance id 'i-0123456789abcdef9'",
    );
  });
});

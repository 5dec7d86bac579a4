// ELBv2's pure rules: target group defaults and ranges, attributes, actions, conditions,
// subnets, targets, health views, bind addresses, names and paging.
import assert from "node:assert/strict";
import { test } from "node:test";
import { AwsError } from "../../model/index.js";
import { checkActions, type ActionInput } from "./actions.js";
import { applyAttributes, loadBalancerAttributeSpecs, loadBalancerDefaults, targetGroupAttributeSpecs, targetGroupDefaults } from "./attributes.js";
import { nextBindAddress } from "./bind-address.js";
import { checkConditions, type ConditionInput } from "./conditions.js";
import { healthCheck, targetGroupSettings, type TargetGroupInput } from "./health-check.js";
import { checkListenerProtocol, checkTargetGroupFits } from "./listener-rules.js";
import { checkArn, checkName, dnsNameFor, elbArns, kindOfArn, listenerArnOf, loadBalancerArnOf } from "./names.js";
import { pageOf } from "./paging.js";
import type { TargetGroupRecord, TargetHealthRecord, TargetRecord } from "./records.js";
import { checkSubnets } from "./subnet-rules.js";
import { describeHealth } from "./target-health.js";
import { instanceTargetProblem, ipTargetProblem } from "./target-rules.js";
import type { SubnetRecord } from "../ec2/records.js";

/** The error code and message a call throws, or "ok". */
function outcome(fn: () => unknown): string {
  try {
    fn();
    return "ok";
  } catch (err) {
    if (err instanceof AwsError) return `${err.code}: ${err.message}`;
    throw err;
  }
}

const scope = { accountId: "123456789012", region: "eu-west-1" };

test("target group defaults per protocol (aws-neighbors.md §1.3)", () => {
  const table: [string, TargetGroupInput, Partial<TargetGroupRecord>][] = [
    [
      "HTTP: HTTP checks on /, 30/5 s, 5 up, 2 down, 200",
      { Protocol: "HTTP", Port: 80, VpcId: "vpc-1" },
      { TargetType: "instance", HealthCheckProtocol: "HTTP", HealthCheckPort: "traffic-port", HealthCheckPath: "/", HealthCheckIntervalSeconds: 30, HealthCheckTimeoutSeconds: 5, HealthyThresholdCount: 5, UnhealthyThresholdCount: 2, Matcher: { HttpCode: "200" }, ProtocolVersion: "HTTP1" },
    ],
    [
      "TCP: TCP checks, 10 s timeout, no path or matcher",
      { Protocol: "TCP", Port: 6379, VpcId: "vpc-1", TargetType: "ip" },
      { TargetType: "ip", HealthCheckProtocol: "TCP", HealthCheckTimeoutSeconds: 10, HealthCheckPath: undefined, Matcher: undefined, ProtocolVersion: undefined },
    ],
    [
      "TCP with HTTP checks: 6 s, 200-399",
      { Protocol: "TCP", Port: 6379, VpcId: "vpc-1", HealthCheckProtocol: "HTTP" },
      { HealthCheckProtocol: "HTTP", HealthCheckTimeoutSeconds: 6, HealthCheckPath: "/", Matcher: { HttpCode: "200-399" } },
    ],
    [
      "given values win",
      { Protocol: "HTTP", Port: 80, VpcId: "vpc-1", HealthCheckPath: "/health", HealthCheckIntervalSeconds: 10, HealthCheckTimeoutSeconds: 2, HealthyThresholdCount: 2, Matcher: { HttpCode: "200-299" }, HealthCheckPort: "8081" },
      { HealthCheckPath: "/health", HealthCheckIntervalSeconds: 10, HealthCheckTimeoutSeconds: 2, HealthyThresholdCount: 2, Matcher: { HttpCode: "200-299" }, HealthCheckPort: "8081" },
    ],
  ];
  for (const [name, input, want] of table) {
    const got = targetGroupSettings(input) as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(want)) assert.deepEqual(got[k], v, `${name}: ${k}`);
  }
});

test("target group settings refused, with the member named", () => {
  const base = { Protocol: "HTTP", Port: 80, VpcId: "vpc-1" };
  const table: [TargetGroupInput, string][] = [
    [{ Port: 80, VpcId: "vpc-1" }, "ValidationError: A protocol must be specified"],
    [{ Protocol: "HTTP", VpcId: "vpc-1" }, "ValidationError: A port must be specified"],
    [{ Protocol: "HTTP", Port: 80 }, "ValidationError: A VPC ID must be specified"],
    [{ ...base, Protocol: "HTTPS" }, "ValidationError: Target group protocol 'HTTPS' is not supported by berth's load balancers; use 'HTTP' or 'TCP'"],
    [{ ...base, TargetType: "lambda" }, "ValidationError: Target type 'lambda' is not supported by berth; use 'instance' or 'ip'"],
    [{ ...base, HealthCheckProtocol: "TCP" }, "ValidationError: Health check protocol 'TCP' is not supported for target groups with the HTTP protocol"],
    [{ ...base, HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 5 }, "ValidationError: Health check timeout '5' must be smaller than the interval '5'"],
    [{ ...base, HealthCheckEnabled: false }, "ValidationError: Health checks cannot be disabled for target groups with target type 'instance'"],
    [{ ...base, HealthCheckPath: "health" }, "ValidationError: Health check path 'health' must begin with a '/' character"],
    [{ ...base, HealthCheckPort: "0" }, "ValidationError: Health check port '0' must be 'traffic-port' or a port between 1 and 65535"],
    [{ ...base, Matcher: { HttpCode: "" } }, "ValidationError: Health check matcher HTTP code cannot be empty"],
    [{ ...base, Matcher: { HttpCode: "200-599" } }, "ValidationError: Health check matcher HTTP code '200-599' must be codes or ranges between 200 and 499"],
    [{ ...base, Protocol: "TCP", HealthCheckPath: "/" }, "ValidationError: A health check path cannot be specified for health checks with the TCP protocol"],
    [{ ...base, ProtocolVersion: "GRPC" }, "ValidationError: Protocol version 'GRPC' is not supported by berth; use 'HTTP1'"],
  ];
  for (const [input, want] of table) assert.equal(outcome(() => targetGroupSettings(input)), want, JSON.stringify(input));
  assert.equal(outcome(() => targetGroupSettings({ ...base, Protocol: "TCP", Matcher: { HttpCode: "200-599" }, HealthCheckProtocol: "HTTP" })), "ok");
});

test("ModifyTargetGroup keeps what is not given; switching the check protocol resets its timeout", () => {
  const tg = targetGroupSettings({ Protocol: "TCP", Port: 80, VpcId: "vpc-1" });
  const http = healthCheck("TCP", "ip", tg, { HealthCheckProtocol: "HTTP", HealthCheckPath: "/ping" });
  assert.deepEqual([http.HealthCheckTimeoutSeconds, http.HealthCheckPath, http.Matcher], [6, "/ping", { HttpCode: "200-399" }]);
  const again = healthCheck("TCP", "ip", http, { HealthyThresholdCount: 3 });
  assert.deepEqual([again.HealthCheckPath, again.HealthyThresholdCount, again.HealthCheckTimeoutSeconds], ["/ping", 3, 6]);
  const back = healthCheck("TCP", "ip", again, { HealthCheckProtocol: "TCP" });
  assert.deepEqual([back.HealthCheckPath, back.Matcher, back.HealthCheckTimeoutSeconds], [undefined, undefined, 10]);
});

test("attributes: the full default set per kind, checked changes, nothing applied on a bad key", () => {
  const http = targetGroupDefaults("HTTP", "ip");
  assert.equal(http["deregistration_delay.timeout_seconds"], "300");
  assert.equal(http["stickiness.type"], "lb_cookie");
  assert.equal(http["load_balancing.algorithm.type"], "round_robin");
  assert.equal(targetGroupDefaults("TCP", "ip")["preserve_client_ip.enabled"], "false");
  assert.equal(targetGroupDefaults("TCP", "instance")["preserve_client_ip.enabled"], "true");
  assert.equal(loadBalancerDefaults("application")["idle_timeout.timeout_seconds"], "60");
  assert.equal(loadBalancerDefaults("network")["load_balancing.cross_zone.enabled"], "false");
  const specs = targetGroupAttributeSpecs("HTTP", "ip");
  const table: [{ Key: string; Value: string }[], string][] = [
    [[{ Key: "deregistration_delay.timeout_seconds", Value: "30" }], "ok"],
    [[{ Key: "deregistration_delay.timeout_seconds", Value: "3601" }], "ValidationError: 'deregistration_delay.timeout_seconds' value '3601' must be between '0-3600' inclusive"],
    [[{ Key: "slow_start.duration_seconds", Value: "0" }], "ok"],
    [[{ Key: "slow_start.duration_seconds", Value: "10" }], "ValidationError: 'slow_start.duration_seconds' value '10' must be between '30-900' inclusive"],
    [[{ Key: "stickiness.enabled", Value: "yes" }], "ValidationError: 'stickiness.enabled' value 'yes' must be 'true' or 'false'"],
    [[{ Key: "load_balancing.algorithm.type", Value: "least_outstanding_requests" }], "ok"],
    [[{ Key: "load_balancing.algorithm.type", Value: "weighted_random" }], "ok"],
    [[{ Key: "load_balancing.algorithm.type", Value: "random" }], "ValidationError: 'load_balancing.algorithm.type' value 'random' must be one of 'round_robin', 'least_outstanding_requests', 'weighted_random'"],
    [[{ Key: "stickiness.type", Value: "source_ip" }], "ValidationError: 'stickiness.type' value 'source_ip' must be one of 'lb_cookie', 'app_cookie'"],
    [[{ Key: "proxy_protocol_v2.enabled", Value: "false" }], "ValidationError: Target group attribute key 'proxy_protocol_v2.enabled' is not recognized"],
  ];
  for (const [changes, want] of table) assert.equal(outcome(() => applyAttributes(specs, http, changes, "Target group")), want, JSON.stringify(changes));
  const after = applyAttributes(specs, http, [{ Key: "deregistration_delay.timeout_seconds", Value: "5" }], "Target group");
  assert.equal(Object.keys(after).length, Object.keys(http).length);
  assert.equal(after["deregistration_delay.timeout_seconds"], "5");
  assert.equal(http["deregistration_delay.timeout_seconds"], "300", "the input is not changed");
  assert.equal(
    outcome(() => applyAttributes(loadBalancerAttributeSpecs("application"), loadBalancerDefaults("application"), [{ Key: "idle_timeout.timeout_seconds", Value: "4001" }], "Load balancer")),
    "ValidationError: 'idle_timeout.timeout_seconds' value '4001' must be between '1-4000' inclusive",
  );
});

test("actions: stored as AWS echoes them, refused with ELB's codes", () => {
  const tg = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/a/0123456789abcdef";
  const tg2 = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/b/0123456789abcdee";
  assert.deepEqual(checkActions([{ Type: "forward", TargetGroupArn: tg }], "application"), [
    { Type: "forward", Order: 1, TargetGroupArn: tg, ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg, Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false } } },
  ]);
  const weighted = checkActions([{ Type: "forward", ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg, Weight: 90 }, { TargetGroupArn: tg2, Weight: 10 }] } }], "application")[0]!;
  assert.equal("TargetGroupArn" in weighted, false);
  assert.deepEqual(weighted.Type === "forward" && weighted.ForwardConfig?.TargetGroups.map((t) => t.Weight), [90, 10]);
  assert.deepEqual(checkActions([{ Type: "redirect", RedirectConfig: { Protocol: "HTTPS", StatusCode: "HTTP_301" } }], "application")[0], {
    Type: "redirect",
    Order: 1,
    RedirectConfig: { Protocol: "HTTPS", Port: "#{port}", Host: "#{host}", Path: "/#{path}", Query: "#{query}", StatusCode: "HTTP_301" },
  });
  const table: [ActionInput[], "application" | "network", string][] = [
    [[], "application", "ValidationError: At least one action must be specified"],
    [[{ Type: "forward" }], "application", "ValidationError: A target group ARN must be specified for a forward action"],
    [[{ Type: "forward", TargetGroupArn: tg }, { Type: "forward", TargetGroupArn: tg2 }], "application", "InvalidLoadBalancerAction: A rule can have only one 'forward', 'redirect' or 'fixed-response' action"],
    [[{ Type: "authenticate-oidc" }], "application", "InvalidLoadBalancerAction: Action type 'authenticate-oidc' is not supported by berth's load balancers; use 'forward', 'redirect' or 'fixed-response'"],
    [[{ Type: "forward", ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg }, { TargetGroupArn: tg }] } }], "application", `ValidationError: Target group '${tg}' is specified more than once in the forward action`],
    [[{ Type: "forward", TargetGroupArn: tg2, ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg }] } }], "application", "ValidationError: A forward action with both a target group ARN and a forward config must name the same single target group"],
    [[{ Type: "forward", ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg, Weight: 1000 }] } }], "application", "ValidationError: Target group weight '1000' must be between 0 and 999"],
    [[{ Type: "forward", ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg }, { TargetGroupArn: tg2 }] } }], "network", "InvalidLoadBalancerAction: A forward action of a network load balancer can have only one target group"],
    [[{ Type: "fixed-response", FixedResponseConfig: { StatusCode: "302" } }], "application", "ValidationError: Fixed response status code '302' must be a 2XX, 4XX or 5XX code"],
    [[{ Type: "fixed-response", FixedResponseConfig: { StatusCode: "200" } }], "network", "InvalidLoadBalancerAction: Action type 'fixed-response' is not supported for network load balancers"],
    [[{ Type: "redirect", RedirectConfig: { StatusCode: "HTTP_301" } }], "application", "ValidationError: The redirect configuration is not valid because it creates a loop: change the protocol, host, port or path"],
    [[{ Type: "redirect", RedirectConfig: { Path: "x", StatusCode: "HTTP_302" } }], "application", "ValidationError: Redirect path 'x' must begin with a '/' character"],
  ];
  for (const [input, type, want] of table) assert.equal(outcome(() => checkActions(input, type)), want, JSON.stringify(input));
});

test("conditions: the four fields, legacy Values echoed with their config, ELB's limits", () => {
  assert.deepEqual(checkConditions([{ Field: "path-pattern", Values: ["/api/*"] }]), [{ Field: "path-pattern", Values: ["/api/*"], PathPatternConfig: { Values: ["/api/*"] } }]);
  assert.deepEqual(checkConditions([{ Field: "host-header", HostHeaderConfig: { Values: ["*.example.com"] } }]), [
    { Field: "host-header", Values: ["*.example.com"], HostHeaderConfig: { Values: ["*.example.com"] } },
  ]);
  const five = ["/a", "/b", "/c", "/d", "/e"];
  const table: [ConditionInput[], string][] = [
    [[{ Field: "http-header", HttpHeaderConfig: { HttpHeaderName: "X-Env", Values: ["blue"] } }, { Field: "query-string", QueryStringConfig: { Values: [{ Key: "v", Value: "2" }] } }], "ok"],
    [[], "ValidationError: A rule must have at least one condition"],
    [[{ Field: "source-ip" }], "ValidationError: Condition field 'source-ip' is not supported by berth's load balancers; use 'path-pattern', 'host-header', 'http-header' or 'query-string'"],
    [[{ Field: "path-pattern", PathPatternConfig: { Values: five } }], "ok"],
    [[{ Field: "path-pattern", PathPatternConfig: { Values: [...five, "/f"] } }], "ValidationError: A rule can only have '5' condition values; found 6"],
    // Five wildcards in all are allowed, six are not.
    [[{ Field: "path-pattern", PathPatternConfig: { Values: ["/*/*/*"] } }, { Field: "host-header", Values: ["*.*.example.com"] }], "ok"],
    [[{ Field: "path-pattern", PathPatternConfig: { Values: ["/*/*/*"] } }, { Field: "host-header", Values: ["*.*.*.example.com"] }], "ValidationError: A rule can only have '5' wildcards; found 6"],
    [[{ Field: "path-pattern", Values: ["/a"] }, { Field: "path-pattern", Values: ["/b"] }], "ValidationError: A rule can have only one 'path-pattern' condition"],
    [[{ Field: "host-header", Values: ["localhost"] }], "ValidationError: Host header 'localhost' must be a host name with at least one '.' (letters, digits, '-', '.', '*' and '?')"],
    [[{ Field: "http-header", HttpHeaderConfig: { HttpHeaderName: "Host", Values: ["a"] } }], "ValidationError: Use a 'host-header' condition to match the Host header"],
    [[{ Field: "query-string", QueryStringConfig: { Values: [{ Key: "v" }] } }], "ValidationError: Each query string key/value pair must have a value"],
    [[{ Field: "path-pattern", Values: ["/a", "/b"] }], "ValidationError: A 'path-pattern' condition can have only one value in Values; use PathPatternConfig for more"],
  ];
  for (const [input, want] of table) assert.equal(outcome(() => checkConditions(input)), want, JSON.stringify(input));
});

test("listeners fit their load balancer; a target group fits one load balancer of its VPC and type", () => {
  assert.equal(checkListenerProtocol({ Type: "application" }, "HTTP"), "HTTP");
  assert.equal(checkListenerProtocol({ Type: "network" }, "TCP"), "TCP");
  assert.equal(outcome(() => checkListenerProtocol({ Type: "network" }, "HTTP")), "UnsupportedProtocol: Protocol 'HTTP' is not supported for network load balancers; use 'TCP'");
  assert.equal(outcome(() => checkListenerProtocol({ Type: "application" }, "HTTPS")), "UnsupportedProtocol: Listener protocol 'HTTPS' is not supported by berth's application load balancers; use 'HTTP'");
  const lb = { LoadBalancerArn: "lb-1", Type: "application" as const, VpcId: "vpc-1" };
  const tg = { TargetGroupArn: "tg-1", Protocol: "HTTP", VpcId: "vpc-1" } as TargetGroupRecord;
  assert.equal(outcome(() => checkTargetGroupFits(lb, tg, new Set(["lb-1"]))), "ok");
  assert.equal(outcome(() => checkTargetGroupFits(lb, tg, new Set(["lb-2"]))), "TargetGroupAssociationLimit: The following target groups cannot be associated with more than one load balancer: tg-1");
  assert.equal(outcome(() => checkTargetGroupFits(lb, { ...tg, Protocol: "TCP" }, undefined)), "IncompatibleProtocols: Target group 'tg-1' has protocol 'TCP', which an application load balancer cannot forward to");
  assert.equal(outcome(() => checkTargetGroupFits({ ...lb, Type: "network" }, tg, undefined)), "IncompatibleProtocols: Target group 'tg-1' has protocol 'HTTP', which a network load balancer cannot forward to");
  assert.equal(outcome(() => checkTargetGroupFits(lb, { ...tg, VpcId: "vpc-2" }, undefined)), "InvalidConfigurationRequest: Target group 'tg-1' is in VPC 'vpc-2', not in the load balancer's VPC 'vpc-1'");
});

test("subnets: one per zone, one VPC, two zones for an ALB", () => {
  const subnet = (id: string, zone: string, vpc = "vpc-1") => ({ SubnetId: id, AvailabilityZone: zone, VpcId: vpc }) as SubnetRecord;
  assert.deepEqual(checkSubnets("application", [subnet("s-b", "z-b"), subnet("s-a", "z-a")]), {
    vpcId: "vpc-1",
    zones: [
      { ZoneName: "z-a", SubnetId: "s-a" },
      { ZoneName: "z-b", SubnetId: "s-b" },
    ],
  });
  assert.equal(outcome(() => checkSubnets("network", [subnet("s-a", "z-a")])), "ok");
  assert.equal(outcome(() => checkSubnets("application", [subnet("s-a", "z-a")])), "ValidationError: At least two subnets in two different Availability Zones must be specified");
  assert.equal(outcome(() => checkSubnets("network", [])), "ValidationError: At least one subnet must be specified");
  assert.equal(outcome(() => checkSubnets("application", [subnet("s-a", "z-a"), subnet("s-c", "z-a")])), "InvalidConfigurationRequest: A load balancer cannot be attached to multiple subnets in the same Availability Zone");
  assert.equal(outcome(() => checkSubnets("application", [subnet("s-a", "z-a"), subnet("s-b", "z-b", "vpc-2")])), "InvalidSubnet: Subnets must be in one VPC: 's-a' is in 'vpc-1', 's-b' in 'vpc-2'");
});

test("targets: ip targets in the VPC or a private range; instance targets of registered container instances", () => {
  const cidrs = ["172.31.0.0/16"];
  const table: [string, boolean][] = [
    ["172.31.5.9", true],
    ["10.200.0.1", true],
    ["192.168.1.1", true],
    ["100.64.3.3", true],
    ["172.32.0.1", false],
    ["8.8.8.8", false],
    ["127.0.0.1", false],
    ["web", false],
  ];
  for (const [ip, ok] of table) assert.equal(ipTargetProblem(ip, cidrs) === undefined, ok, ip);
  assert.match(ipTargetProblem("8.8.8.8", cidrs)!, /^'8.8.8.8' is outside the target group's VPC \(172.31.0.0\/16\)/);
  assert.equal(ipTargetProblem("198.51.100.7", ["198.51.100.0/24"]), undefined, "a public VPC block counts as the VPC's");
  const instances = [
    { ec2InstanceId: "i-0123456789abcdef0", status: "ACTIVE" },
    { ec2InstanceId: "i-0123456789abcdef1", status: "INACTIVE" },
  ];
  assert.equal(instanceTargetProblem("i-0123456789abcdef0", instances), undefined);
  assert.deepEqual(instanceTargetProblem("i-0123456789abcdef1", instances), { notRunning: true });
  assert.deepEqual(instanceTargetProblem("i-0123456789abcdef9", instances), { problem: "No container instance has the EC2 instance id 'i-0123456789abcdef9'" });
  assert.deepEqual(instanceTargetProblem("10.0.0.1", instances), { problem: "'10.0.0.1' is not an instance id" });
});

test("target health: registrations, the controller's records, draining leftovers, unused groups", () => {
  const tg = { Port: 80, HealthCheckPort: "traffic-port" };
  const reg = (Id: string, Port = 80): TargetRecord => ({ Id, Port, registeredAt: 1 });
  const health = (Id: string, State: TargetHealthRecord["State"], Reason?: string, Port = 80): TargetHealthRecord => ({ Id, Port, State, ...(Reason ? { Reason } : {}), HealthCheckPort: String(Port), since: 1 });
  const view = (d: ReturnType<typeof describeHealth>) => d.map((x) => `${x.Target.Id}:${x.Target.Port} ${x.HealthCheckPort} ${x.TargetHealth.State}${x.TargetHealth.Reason ? `/${x.TargetHealth.Reason}` : ""}`);
  const registrations = [reg("10.0.0.1"), reg("10.0.0.2"), reg("10.0.0.3", 8080)];
  const records = [health("10.0.0.1", "healthy"), health("10.0.0.2", "unhealthy", "Target.Timeout"), health("10.0.0.9", "draining", "Target.DeregistrationInProgress"), health("10.0.0.8", "healthy")];
  assert.deepEqual(view(describeHealth({ tg, inUse: true, registrations, health: records })), [
    "10.0.0.1:80 80 healthy",
    "10.0.0.2:80 80 unhealthy/Target.Timeout",
    "10.0.0.3:8080 8080 initial/Elb.RegistrationInProgress",
    "10.0.0.9:80 80 draining/Target.DeregistrationInProgress",
  ]);
  assert.deepEqual(view(describeHealth({ tg, inUse: false, registrations: [reg("10.0.0.1")], health: [] })), ["10.0.0.1:80 80 unused/Target.NotInUse"]);
  assert.deepEqual(view(describeHealth({ tg: { Port: 80, HealthCheckPort: "8081" }, inUse: true, registrations: [reg("10.0.0.1")], health: [] })), ["10.0.0.1:80 8081 initial/Elb.RegistrationInProgress"]);
  const asked = [{ Id: "10.0.0.3" }, { Id: "10.0.0.7" }, { Id: "10.0.0.1", Port: 80 }, { Id: "10.0.0.9" }, { Id: "10.0.0.8" }];
  assert.deepEqual(view(describeHealth({ tg, inUse: true, registrations, health: records, asked })), [
    "10.0.0.3:8080 8080 initial/Elb.RegistrationInProgress",
    "10.0.0.7:80 80 unused/Target.NotRegistered",
    "10.0.0.1:80 80 healthy",
    "10.0.0.9:80 80 draining/Target.DeregistrationInProgress",
    "10.0.0.8:80 80 unused/Target.NotRegistered",
  ]);
});

test("bind addresses: the lowest free one from 127.100.0.1, skipping .0 and .255", () => {
  assert.equal(nextBindAddress(new Set()), "127.100.0.1");
  assert.equal(nextBindAddress(new Set(["127.100.0.1", "127.100.0.3"])), "127.100.0.2");
  const full = new Set(Array.from({ length: 254 }, (_, i) => `127.100.0.${i + 1}`));
  assert.equal(nextBindAddress(full), "127.100.1.1");
});

test("names, ARNs and DNS names", () => {
  const table: [string, string][] = [
    ["web-1", "ok"],
    ["a".repeat(33), `ValidationError: Load balancer name '${"a".repeat(33)}' cannot be longer than '32' characters`],
    ["-web", "ValidationError: Load balancer name '-web' cannot begin or end with a hyphen(-)"],
    ["web_1", "ValidationError: Load balancer name 'web_1' can only contain characters that are alphanumeric characters or hyphens(-)"],
    ["internal-web", "ValidationError: Load balancer name 'internal-web' cannot begin with 'internal-'"],
  ];
  for (const [name, want] of table) assert.equal(outcome(() => checkName("Load balancer", name)), want, name);
  const lb = elbArns.loadBalancer(scope, "application", "web", "0123456789abcdef");
  assert.equal(lb, "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/0123456789abcdef");
  const listener = elbArns.listener(lb, "1111111111111111");
  assert.equal(listener, "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/web/0123456789abcdef/1111111111111111");
  const rule = elbArns.rule(listener, "2222222222222222");
  assert.equal(rule, "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/web/0123456789abcdef/1111111111111111/2222222222222222");
  assert.deepEqual([kindOfArn(scope, lb), kindOfArn(scope, listener), kindOfArn(scope, rule)], ["loadbalancer", "listener", "listener-rule"]);
  assert.equal(kindOfArn({ ...scope, region: "us-east-1" }, lb), undefined, "another region's ARN names nothing here");
  assert.equal(loadBalancerArnOf(rule), lb);
  assert.equal(listenerArnOf(rule), listener);
  assert.equal(outcome(() => checkArn(scope, listener, "loadbalancer", "LoadBalancerArn")), `ValidationError: '${listener}' is not a valid load balancer ARN (LoadBalancerArn)`);
  assert.equal(dnsNameFor("eu-west-1", "application", "internal", "Web", "1234567890"), "internal-web-1234567890.eu-west-1.elb.localhost");
  assert.equal(dnsNameFor("eu-west-1", "network", "internet-facing", "db", "0123456789abcdef"), "db-0123456789abcdef.elb.eu-west-1.localhost");
});

test("paging: the marker carries the last key, so removals between pages skip nothing", () => {
  const items = ["a", "b", "c", "d", "e"];
  const first = pageOf(items, (x) => x, undefined, 2);
  assert.deepEqual(first.items, ["a", "b"]);
  const second = pageOf(["a", "c", "d", "e"], (x) => x, first.NextMarker, 2);
  assert.deepEqual(second.items, ["c", "d"]);
  const last = pageOf(items, (x) => x, second.NextMarker, 2);
  assert.deepEqual(last, { items: ["e"] });
  assert.equal(outcome(() => pageOf(items, (x) => x, "%%%", 2)), "ValidationError: Marker '%%%' is not valid");
});

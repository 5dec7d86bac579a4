import assert from "node:assert/strict";
import { test } from "node:test";
import { AwsError } from "../../model/index.js";
import { defaultVpcRecords, zoneIdOf } from "./default-vpc.js";
import { applyFilters } from "./filters.js";
import { ipPermissionsOf, permissionsOf, ruleSpecsOf, ruleText } from "./sg-permissions.js";

const code = (c: string) => (err: unknown) => err instanceof AwsError && err.code === c;

test("the default VPC: 172.31.0.0/16, one default /20 per zone, a default group open to its members", () => {
  const { vpc, subnets, group } = defaultVpcRecords({ accountId: "123456789012", region: "eu-west-2" });
  assert.equal(vpc.CidrBlock, "172.31.0.0/16");
  assert.equal(vpc.IsDefault, true);
  assert.deepEqual(
    subnets.map((s) => [s.CidrBlock, s.AvailabilityZone, s.AvailabilityZoneId, s.DefaultForAz, s.VpcId === vpc.VpcId]),
    [
      ["172.31.0.0/20", "eu-west-2a", "euw2-az1", true, true],
      ["172.31.16.0/20", "eu-west-2b", "euw2-az2", true, true],
      ["172.31.32.0/20", "eu-west-2c", "euw2-az3", true, true],
    ],
  );
  assert.equal(group.GroupName, "default");
  assert.deepEqual(
    group.rules.map((r) => [r.egress, r.protocol, r.cidr ?? r.groupId]),
    [
      [true, "-1", "0.0.0.0/0"],
      [false, "-1", group.GroupId],
    ],
  );
  assert.equal(zoneIdOf("us-east-1a"), "use1-az1");
});

test("permissions: the flat legacy form and IpPermissions become one rule per source", () => {
  const table: [string, Parameters<typeof permissionsOf>[0], unknown[]][] = [
    ["cli --protocol tcp --port 80 --cidr", { IpProtocol: "tcp", FromPort: 80, ToPort: 80, CidrIp: "10.0.0.0/8" }, [{ protocol: "tcp", fromPort: 80, toPort: 80, cidr: "10.0.0.0/8" }]],
    ["all traffic drops ports", { IpPermissions: [{ IpProtocol: "-1", FromPort: 1, ToPort: 2, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] }, [{ protocol: "-1", cidr: "0.0.0.0/0" }]],
    [
      "two sources, protocol by number",
      { IpPermissions: [{ IpProtocol: "6", FromPort: 1, ToPort: 9, IpRanges: [{ CidrIp: "10.0.0.0/8", Description: "lan" }], UserIdGroupPairs: [{ GroupId: "sg-1" }] }] },
      [
        { protocol: "tcp", fromPort: 1, toPort: 9, cidr: "10.0.0.0/8", description: "lan" },
        { protocol: "tcp", fromPort: 1, toPort: 9, groupId: "sg-1" },
      ],
    ],
    ["icmp any type", { IpProtocol: "icmp", CidrIp: "10.0.0.0/8" }, [{ protocol: "icmp", fromPort: -1, toPort: -1, cidr: "10.0.0.0/8" }]],
  ];
  for (const [name, req, want] of table) assert.deepEqual(ruleSpecsOf(permissionsOf(req)), want, name);
});

test("permissions: bad protocols, ports and CIDRs are InvalidParameterValue", () => {
  const bad: Parameters<typeof permissionsOf>[0][] = [
    { IpProtocol: "sctp", CidrIp: "10.0.0.0/8" },
    { IpProtocol: "tcp", CidrIp: "10.0.0.0/8" },
    { IpProtocol: "tcp", FromPort: 90, ToPort: 80, CidrIp: "10.0.0.0/8" },
    { IpProtocol: "udp", FromPort: 1, ToPort: 70000, CidrIp: "10.0.0.0/8" },
    { IpProtocol: "tcp", FromPort: 80, ToPort: 80, CidrIp: "10.0.0.1/8" },
    { IpPermissions: [{ IpProtocol: "tcp", FromPort: 80, ToPort: 80 }] },
  ];
  for (const req of bad) assert.throws(() => ruleSpecsOf(permissionsOf(req)), code("InvalidParameterValue"), JSON.stringify(req));
  assert.throws(() => permissionsOf({}), code("MissingParameter"));
});

test("rules are shown grouped by protocol and ports, and named as EC2 names a duplicate", () => {
  const rules = [
    { ruleId: "a", egress: false, protocol: "tcp", fromPort: 80, toPort: 80, cidr: "10.0.0.0/8" },
    { ruleId: "b", egress: false, protocol: "tcp", fromPort: 80, toPort: 80, groupId: "sg-1" },
    { ruleId: "c", egress: true, protocol: "-1", cidr: "0.0.0.0/0" },
  ];
  assert.deepEqual(ipPermissionsOf(rules, false, "1"), [
    { IpProtocol: "tcp", FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: "10.0.0.0/8" }], UserIdGroupPairs: [{ GroupId: "sg-1", UserId: "1" }], Ipv6Ranges: [], PrefixListIds: [] },
  ]);
  assert.equal(ruleText(rules[0]!), "peer: 10.0.0.0/8, TCP, from port: 80, to port: 80, ALLOW");
});

test("filters: values OR, filters AND, wildcards, tags, unknown names refused", () => {
  const recs = [
    { id: "a", zone: "us-east-1a", Tags: [{ Key: "env", Value: "prod" }] },
    { id: "b", zone: "us-east-1b", Tags: [] },
  ];
  const table = { id: (r: (typeof recs)[0]) => [r.id], zone: (r: (typeof recs)[0]) => [r.zone] };
  const ids = (f: { Name: string; Values: string[] }[]) => applyFilters(recs, f, table).map((r) => r.id);
  assert.deepEqual(ids([{ Name: "zone", Values: ["us-east-1?"] }]), ["a", "b"]);
  assert.deepEqual(ids([{ Name: "zone", Values: ["*b", "nope"] }]), ["b"]);
  assert.deepEqual(ids([{ Name: "zone", Values: ["*"] }, { Name: "id", Values: ["a"] }]), ["a"]);
  assert.deepEqual(ids([{ Name: "tag:env", Values: ["prod"] }]), ["a"]);
  assert.deepEqual(ids([{ Name: "tag-key", Values: ["env"] }]), ["a"]);
  assert.throws(() => ids([{ Name: "colour", Values: ["x"] }]), code("InvalidParameterValue"));
});

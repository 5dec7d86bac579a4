import assert from "node:assert/strict";
import { test } from "node:test";
import type { AssignedIngressRule } from "../model/index.js";
import type { NetworkInterfaceRecord, SecurityGroupRecord, SgRule } from "./ec2/records.js";
import { decideIngress } from "./eni-ingress.js";
import { loadBalancerSources } from "./load-balancer-sources.js";
import type { TaskRecord } from "./task-records.js";

const group = (id: string, rules: Omit<SgRule, "ruleId" | "egress">[]): SecurityGroupRecord =>
  ({ GroupId: id, GroupName: id, rules: rules.map((r, i) => ({ ruleId: `r${i}`, egress: false, ...r })) }) as SecurityGroupRecord;
const eni = (task: string, address: string, groups: string[]): NetworkInterfaceRecord =>
  ({ taskArn: task, PrivateIpAddress: address, Groups: groups.map((g) => ({ GroupId: g, GroupName: g })) }) as NetworkInterfaceRecord;
const task = (arn: string, ingress: AssignedIngressRule[], o: Partial<TaskRecord> = {}): TaskRecord =>
  ({ taskArn: arn, desiredStatus: "RUNNING", lastStatus: "RUNNING", assignment: { eni: { ingress } }, ...o }) as TaskRecord;

test("decideIngress: group sources follow the members, CIDR rules follow the group, stopping tasks are left alone", () => {
  const self = group("sg-d", [{ protocol: "-1", groupId: "sg-d" }]);
  const web = group("sg-w", [{ protocol: "tcp", fromPort: 80, toPort: 80, cidr: "10.0.0.0/8" }]);
  const enis = [eni("a", "10.0.0.4", ["sg-d"]), eni("b", "10.0.0.5", ["sg-d"]), eni("c", "10.0.0.6", ["sg-w"]), eni("d", "10.0.0.7", ["sg-d"])];
  const both = [{ protocol: "-1", cidrs: ["10.0.0.4/32", "10.0.0.5/32", "10.0.0.7/32"] }];
  const tasks = new Map([
    // a was launched alone: it does not know b and d yet.
    ["a", task("a", [{ protocol: "-1", cidrs: ["10.0.0.4/32"] }])],
    ["b", task("b", both)],
    // c's group gained a rule after c started.
    ["c", task("c", [])],
    // d is being stopped: its namespace goes soon, nothing to update.
    ["d", task("d", [], { desiredStatus: "STOPPED" })],
  ]);
  assert.deepEqual(decideIngress({ enis, groups: [self, web], tasks }), [
    { taskArn: "a", ingress: both },
    { taskArn: "c", ingress: [{ protocol: "tcp", fromPort: 80, toPort: 80, cidrs: ["10.0.0.0/8"] }] },
  ]);
  assert.deepEqual(decideIngress({ enis, groups: [self, web], tasks: new Map() }), [], "ENIs whose task is gone are skipped");
});

test("decideIngress: a load balancer in a task's group reaches it from its VPC's subnet routers", () => {
  const self = group("sg-d", [{ protocol: "-1", groupId: "sg-d" }]);
  const enis = [eni("a", "10.0.0.4", ["sg-d"])];
  const tasks = new Map([["a", task("a", [{ protocol: "-1", cidrs: ["10.0.0.4/32"] }])]]);
  const loadBalancerSources = new Map([["sg-d", ["10.0.0.1", "10.0.1.1"]]]);
  assert.deepEqual(decideIngress({ enis, groups: [self], tasks, loadBalancerSources }), [
    { taskArn: "a", ingress: [{ protocol: "-1", cidrs: ["10.0.0.1/32", "10.0.0.4/32", "10.0.1.1/32"] }] },
  ]);
});

test("loadBalancerSources: the routers of the load balancer's VPC, for each of its groups", () => {
  const subnets = [
    { VpcId: "vpc-1", CidrBlock: "10.0.0.0/24" },
    { VpcId: "vpc-1", CidrBlock: "10.0.1.0/24" },
    { VpcId: "vpc-2", CidrBlock: "10.9.0.0/24" },
  ];
  const got = loadBalancerSources(
    [
      { VpcId: "vpc-1", SecurityGroups: ["sg-a", "sg-b"] },
      { VpcId: "vpc-1", SecurityGroups: ["sg-a"] },
      // A network load balancer without groups admits nothing by membership.
      { VpcId: "vpc-2" },
    ],
    subnets,
  );
  assert.deepEqual(Object.fromEntries(got), { "sg-a": ["10.0.0.1", "10.0.1.1"], "sg-b": ["10.0.0.1", "10.0.1.1"] });
});

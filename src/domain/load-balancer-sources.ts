// Where a load balancer's traffic comes from, as a task's security groups see it. On AWS a load
// balancer has ENIs of its own in its security groups, so a task's rule "from sg-of-the-alb"
// lets its requests and health checks in. berth's data plane runs in the control plane on the
// host and reaches an awsvpc task through the bridge of the task's subnet, so the packets carry
// that subnet's router address: for every load balancer, the router addresses of its VPC's
// subnets are members of its security groups (docs/design.md, Load balancers and security groups).
import { gatewayOf, type Scope } from "../model/index.js";
import type { Deps } from "./deps.js";
import { ec2Keys, type SubnetRecord } from "./ec2/records.js";
import { elbKeys, type LoadBalancerRecord } from "./elbv2/records.js";

/** For each security group of a load balancer, the addresses its traffic arrives from. Pure. */
export function loadBalancerSources(loadBalancers: readonly Pick<LoadBalancerRecord, "VpcId" | "SecurityGroups">[], subnets: readonly Pick<SubnetRecord, "VpcId" | "CidrBlock">[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const lb of loadBalancers) {
    const routers = subnets.filter((s) => s.VpcId === lb.VpcId).map((s) => gatewayOf(s.CidrBlock));
    for (const groupId of lb.SecurityGroups ?? []) out.set(groupId, [...new Set([...(out.get(groupId) ?? []), ...routers])]);
  }
  return out;
}

/** The same, read from the cache for one account and region. */
export function observeLoadBalancerSources(deps: Deps, scope: Scope): Map<string, string[]> {
  return loadBalancerSources(deps.cache.list<LoadBalancerRecord>(elbKeys.loadBalancers(scope)), deps.cache.list<SubnetRecord>(ec2Keys.subnets(scope)));
}

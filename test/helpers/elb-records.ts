// ELBv2 records written straight into the store, as the ELBv2 API and the load balancer
// controller would write them (src/domain/elbv2/records.ts is the contract): tests of the ECS
// wiring stand on the contract, not on the other parts' code.
import { commit, put, type Deps } from "../../src/domain/deps.js";
import {
  elbId,
  elbKeys,
  type ListenerRecord,
  type LoadBalancerRecord,
  type TargetGroupRecord,
  type TargetHealthRecord,
  type TargetRecord,
} from "../../src/domain/elbv2/records.js";
import type { Scope } from "../../src/model/index.js";

export const SCOPE: Scope = { accountId: "000000000000", region: "us-east-1" };

const arnBase = (s: Scope) => `arn:aws:elasticloadbalancing:${s.region}:${s.accountId}`;

async function write(deps: Deps, entries: [string, unknown][]): Promise<void> {
  await commit(deps, () => ({ guards: [], ops: entries.map(([k, v]) => put(k, v)), result: undefined }));
}

export interface SeededGroup {
  targetGroupArn: string;
  loadBalancerArn?: string;
}

/**
 * A target group (and, unless `listener: false`, an application load balancer with an HTTP
 * listener on port 80 forwarding to it).
 */
export async function seedTargetGroup(
  deps: Deps,
  o: { name: string; targetType?: "ip" | "instance"; port?: number; delaySeconds?: number; listener?: boolean; scope?: Scope },
): Promise<SeededGroup> {
  const s = o.scope ?? SCOPE;
  const targetGroupArn = `${arnBase(s)}:targetgroup/${o.name}/${elbId()}`;
  const tg: TargetGroupRecord = {
    TargetGroupArn: targetGroupArn,
    TargetGroupName: o.name,
    Protocol: "HTTP",
    Port: o.port ?? 80,
    VpcId: "vpc-00000000000000001",
    HealthCheckProtocol: "HTTP",
    HealthCheckPort: "traffic-port",
    HealthCheckEnabled: true,
    HealthCheckIntervalSeconds: 30,
    HealthCheckTimeoutSeconds: 5,
    HealthyThresholdCount: 5,
    UnhealthyThresholdCount: 2,
    HealthCheckPath: "/",
    Matcher: { HttpCode: "200" },
    TargetType: o.targetType ?? "ip",
    IpAddressType: "ipv4",
    attributes: { "deregistration_delay.timeout_seconds": String(o.delaySeconds ?? 300), "slow_start.duration_seconds": "0" },
    Tags: [],
  };
  const entries: [string, unknown][] = [[elbKeys.targetGroup(s, targetGroupArn), tg]];
  if (o.listener === false) {
    await write(deps, entries);
    return { targetGroupArn };
  }
  const lbId = elbId();
  const loadBalancerArn = `${arnBase(s)}:loadbalancer/app/${o.name}-lb/${lbId}`;
  const lb: LoadBalancerRecord = {
    LoadBalancerArn: loadBalancerArn,
    LoadBalancerName: `${o.name}-lb`,
    DNSName: `${o.name}-lb-1234567890.${s.region}.elb.localhost`,
    CanonicalHostedZoneId: "Z35SXDOTRQ7X7K",
    CreatedTime: new Date().toISOString(),
    Scheme: "internet-facing",
    VpcId: tg.VpcId,
    State: { Code: "active" },
    Type: "application",
    AvailabilityZones: [],
    IpAddressType: "ipv4",
    attributes: {},
    Tags: [],
    bindAddress: "127.100.0.1",
  };
  const listenerArn = `${arnBase(s)}:listener/app/${o.name}-lb/${lbId}/${elbId()}`;
  const listener: ListenerRecord = {
    ListenerArn: listenerArn,
    LoadBalancerArn: loadBalancerArn,
    Port: 80,
    Protocol: "HTTP",
    DefaultActions: [{ Type: "forward", TargetGroupArn: targetGroupArn }],
    attributes: {},
    Tags: [],
  };
  entries.push([elbKeys.loadBalancer(s, loadBalancerArn), lb], [elbKeys.listener(s, listenerArn), listener]);
  await write(deps, entries);
  return { targetGroupArn, loadBalancerArn };
}

/** The registrations of a target group, as the store holds them. */
export function targetsOf(deps: Deps, targetGroupArn: string, s: Scope = SCOPE): TargetRecord[] {
  return deps.cache.list<TargetRecord>(elbKeys.targets(s, targetGroupArn));
}

/** Writes a target's health as the load balancer controller would. */
export async function setHealth(
  deps: Deps,
  targetGroupArn: string,
  t: { Id: string; Port: number },
  state: TargetHealthRecord["State"],
  detail: { Reason?: string; Description?: string } = {},
  s: Scope = SCOPE,
): Promise<void> {
  const rec: TargetHealthRecord = { Id: t.Id, Port: t.Port, State: state, ...detail, HealthCheckPort: String(t.Port), since: Date.now() };
  await write(deps, [[elbKeys.targetHealth(s, targetGroupArn, t), rec]]);
}

/** Removes a target's health record: the data plane let the target go. */
export async function dropHealth(deps: Deps, targetGroupArn: string, t: { Id: string; Port: number }, s: Scope = SCOPE): Promise<void> {
  await commit(deps, () => ({ guards: [], ops: [{ kind: "delete", key: elbKeys.targetHealth(s, targetGroupArn, t) }], result: undefined }));
}

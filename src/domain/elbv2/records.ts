// What berth stores for ELBv2 (issue 12), and where: the contract between the ELBv2 API
// (src/api/elbv2, the domain functions here), the load balancer controller that runs the data
// plane (src/controllers/load-balancer) and the ECS services that register their tasks.
//
// Records keep ELBv2's wire member names (botocore's elbv2 model) so the API hands them out as
// they are; berth's own fields are lowercase. Each target registration and each target's health
// is a key of its own, so a registration by ECS, one by the API and a health change by the data
// plane never contend for one record.
//
// Who writes what:
//   - load balancers, listeners, rules, target groups, tags: the ELBv2 API;
//   - target registrations: RegisterTargets/DeregisterTargets, and the ECS service wiring;
//   - target health: only the load balancer controller (the data plane's observer). A health
//     record outlives its registration while the target drains, and is deleted when the data
//     plane lets the target go — so "a target of tg is draining" is "a health record in state
//     draining with no registration", and "drained" is "no health record".
import { randomBytes } from "node:crypto";
import type { Scope } from "../../model/index.js";
import type { Action, RuleCondition, TargetHealthState } from "../../loadbalancer/index.js";
import { scopePrefix } from "../keys.js";

export interface ElbTag {
  Key: string;
  Value?: string;
}

export interface LoadBalancerRecord {
  LoadBalancerArn: string;
  LoadBalancerName: string;
  /** `<name>-<10 digits>.<region>.elb.localhost` (ALB) / `<name>-<16 hex>.elb.<region>.localhost` (NLB): berth's DNS answers it with bindAddress. */
  DNSName: string;
  CanonicalHostedZoneId: string;
  /** ISO 8601. */
  CreatedTime: string;
  Scheme: "internet-facing" | "internal";
  VpcId: string;
  State: { Code: "provisioning" | "active" | "active_impaired" | "failed"; Reason?: string };
  Type: "application" | "network";
  AvailabilityZones: { ZoneName: string; SubnetId: string }[];
  /** ALB only (NLBs may have none). */
  SecurityGroups?: string[];
  IpAddressType: "ipv4" | "dualstack";
  /** Every load balancer attribute with its value (strings, as on the wire), defaults included. */
  attributes: Record<string, string>;
  Tags: ElbTag[];
  /**
   * Where the data plane binds this load balancer's listeners: an address of its own in
   * 127.0.0.0/8 (127.100.x.y), so two load balancers can both listen on port 80.
   */
  bindAddress: string;
}

export interface TargetGroupRecord {
  TargetGroupArn: string;
  TargetGroupName: string;
  Protocol: "HTTP" | "HTTPS" | "TCP" | "TLS" | "UDP" | "TCP_UDP";
  Port: number;
  VpcId: string;
  HealthCheckProtocol: "HTTP" | "HTTPS" | "TCP";
  /** A port number as a string, or "traffic-port". */
  HealthCheckPort: string;
  HealthCheckEnabled: boolean;
  HealthCheckIntervalSeconds: number;
  HealthCheckTimeoutSeconds: number;
  HealthyThresholdCount: number;
  UnhealthyThresholdCount: number;
  HealthCheckPath?: string;
  Matcher?: { HttpCode: string };
  TargetType: "instance" | "ip";
  ProtocolVersion?: string;
  IpAddressType: "ipv4" | "ipv6";
  /** Every target group attribute with its value (strings), defaults included. */
  attributes: Record<string, string>;
  Tags: ElbTag[];
  // LoadBalancerArns is not stored: it is derived from the listeners and rules that forward here.
}

export interface ListenerRecord {
  ListenerArn: string;
  LoadBalancerArn: string;
  Port: number;
  Protocol: "HTTP" | "HTTPS" | "TCP" | "TLS" | "UDP" | "TCP_UDP";
  DefaultActions: Action[];
  SslPolicy?: string;
  Certificates?: { CertificateArn: string; IsDefault?: boolean }[];
  AlpnPolicy?: string[];
  attributes: Record<string, string>;
  Tags: ElbTag[];
}

/** A listener's non-default rule (the default rule is the listener's DefaultActions). */
export interface RuleRecord {
  RuleArn: string;
  ListenerArn: string;
  /** 1–50000; shown as a string on the wire. */
  Priority: number;
  Conditions: RuleCondition[];
  Actions: Action[];
  Tags: ElbTag[];
}

/** One registered target of a target group; identity is (Id, Port). */
export interface TargetRecord {
  /** An IPv4 address (target type ip) or an EC2 / container instance id (instance). */
  Id: string;
  Port: number;
  AvailabilityZone?: string;
  /** Epoch ms of the registration. */
  registeredAt: number;
  /** Who registered it: the ECS service and task, or absent for RegisterTargets. */
  ecs?: { serviceArn: string; taskArn: string; containerName: string; containerPort: number };
}

/** A target's health as the data plane last saw it; written only by the load balancer controller. */
export interface TargetHealthRecord {
  Id: string;
  Port: number;
  State: TargetHealthState;
  /** Absent when healthy. */
  Reason?: string;
  Description?: string;
  /** The port health checks go to (the resolved number as a string). */
  HealthCheckPort: string;
  /** Epoch ms when State last changed. */
  since: number;
}

const elb = (s: Scope) => scopePrefix(s);

/** The 16-hex id at the end of an ELBv2 ARN (`...targetgroup/web/66429f94d629c460`). */
export const arnId = (arn: string): string => arn.slice(arn.lastIndexOf("/") + 1);

/** A target's key within its group: `<Id>:<Port>` (an IPv4 address or an instance id, then the port). */
export const targetKeyOf = (t: { Id: string; Port: number }): string => `${t.Id}:${t.Port}`;

export const elbKeys = {
  loadBalancers: (s: Scope) => `${elb(s)}elb-load-balancers/`,
  loadBalancer: (s: Scope, lbArn: string) => `${elb(s)}elb-load-balancers/${arnId(lbArn)}`,
  targetGroups: (s: Scope) => `${elb(s)}elb-target-groups/`,
  targetGroup: (s: Scope, tgArn: string) => `${elb(s)}elb-target-groups/${arnId(tgArn)}`,
  /** All listeners, or one load balancer's (the trailing slash keeps ids from prefix-matching). */
  listeners: (s: Scope, lbArn?: string) => `${elb(s)}elb-listeners/${lbArn ? `${arnId(lbArn)}/` : ""}`,
  listener: (s: Scope, listenerArn: string) => {
    // listener/app/<lb-name>/<lb-id>/<listener-id>
    const parts = listenerArn.split("/");
    return `${elb(s)}elb-listeners/${parts[parts.length - 2]}/${parts[parts.length - 1]}`;
  },
  /** All rules, or one listener's. */
  rules: (s: Scope, listenerArn?: string) => `${elb(s)}elb-rules/${listenerArn ? `${arnId(listenerArn)}/` : ""}`,
  rule: (s: Scope, ruleArn: string) => {
    // listener-rule/app/<lb-name>/<lb-id>/<listener-id>/<rule-id>
    const parts = ruleArn.split("/");
    return `${elb(s)}elb-rules/${parts[parts.length - 2]}/${parts[parts.length - 1]}`;
  },
  /** All registrations, or one target group's. */
  targets: (s: Scope, tgArn?: string) => `${elb(s)}elb-targets/${tgArn ? `${arnId(tgArn)}/` : ""}`,
  target: (s: Scope, tgArn: string, t: { Id: string; Port: number }) => `${elb(s)}elb-targets/${arnId(tgArn)}/${targetKeyOf(t)}`,
  /** All health records, or one target group's. */
  targetHealths: (s: Scope, tgArn?: string) => `${elb(s)}elb-target-health/${tgArn ? `${arnId(tgArn)}/` : ""}`,
  targetHealth: (s: Scope, tgArn: string, t: { Id: string; Port: number }) => `${elb(s)}elb-target-health/${arnId(tgArn)}/${targetKeyOf(t)}`,
};

/** ELBv2's resource ids: 16 lowercase hex characters. */
export const elbId = (): string => randomBytes(8).toString("hex");

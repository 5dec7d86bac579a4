// What the load balancer controller's decisions read: the ELBv2 records of one account and
// region as stored (src/domain/elbv2/records.ts; only the members used here), plus where each
// container instance can be reached. Structural types, so the domain passes its records as they are.
import type { Action, RuleCondition, TargetHealthState } from "../../loadbalancer/index.js";

export interface LoadBalancerView {
  LoadBalancerArn: string;
  Type: "application" | "network";
  State: { Code: string };
  bindAddress: string;
  attributes: Record<string, string>;
}

export interface ListenerView {
  ListenerArn: string;
  LoadBalancerArn: string;
  Port: number;
  Protocol: string;
  DefaultActions: Action[];
}

export interface RuleView {
  RuleArn: string;
  ListenerArn: string;
  Priority: number;
  Conditions: RuleCondition[];
  Actions: Action[];
}

export interface TargetGroupView {
  TargetGroupArn: string;
  Protocol: string;
  Port: number;
  HealthCheckProtocol: string;
  HealthCheckPort: string;
  HealthCheckIntervalSeconds: number;
  HealthCheckTimeoutSeconds: number;
  HealthyThresholdCount: number;
  UnhealthyThresholdCount: number;
  HealthCheckPath?: string;
  Matcher?: { HttpCode: string };
  TargetType: "instance" | "ip" | string;
  attributes: Record<string, string>;
}

/** A registration: identity is (Id, Port). */
export interface RegisteredTarget {
  Id: string;
  Port: number;
}

/** A stored health record (TargetHealthRecord). */
export interface HealthRecordView {
  Id: string;
  Port: number;
  State: TargetHealthState;
  Reason?: string;
  Description?: string;
  HealthCheckPort: string;
  since: number;
}

/** One account and region's ELBv2 records, as the cache holds them now. */
export interface ElbObservation {
  loadBalancers: readonly LoadBalancerView[];
  listeners: readonly ListenerView[];
  rules: readonly RuleView[];
  targetGroups: readonly TargetGroupView[];
  /** Registrations by target group ARN. */
  targets: ReadonlyMap<string, readonly RegisteredTarget[]>;
  /**
   * Where an instance target is reached, by EC2 instance id: the container instances (ACTIVE or
   * DRAINING) of this account and region. An id not here is no running instance.
   */
  instanceAddresses: ReadonlyMap<string, string>;
}

// What the data plane is told to run: plain data in ELBv2's own shapes and member names
// (botocore's elbv2 model), so the API layer can hand over what it stores without translating.
// Only the members the data plane acts on are here.

export type ListenerProtocol = "HTTP" | "TCP";
export type LoadBalancingAlgorithm = "round_robin" | "least_outstanding_requests";

export interface TargetGroupTuple {
  TargetGroupArn: string;
  /** 0–999; 1 when absent, as ELB defaults it. */
  Weight?: number;
}

export interface FixedResponseConfig {
  /** "200", "404", "503"... */
  StatusCode: string;
  ContentType?: string;
  MessageBody?: string;
}

export interface RedirectConfig {
  Protocol?: string;
  Host?: string;
  Port?: string;
  Path?: string;
  Query?: string;
  StatusCode: "HTTP_301" | "HTTP_302";
}

export type Action =
  | { Type: "forward"; TargetGroupArn?: string; ForwardConfig?: { TargetGroups: TargetGroupTuple[] } }
  | { Type: "fixed-response"; FixedResponseConfig: FixedResponseConfig }
  | { Type: "redirect"; RedirectConfig: RedirectConfig };

export type RuleCondition =
  | { Field: "path-pattern"; PathPatternConfig?: { Values: string[] }; Values?: string[] }
  | { Field: "host-header"; HostHeaderConfig?: { Values: string[] }; Values?: string[] }
  | { Field: "http-header"; HttpHeaderConfig: { HttpHeaderName: string; Values: string[] } }
  | { Field: "query-string"; QueryStringConfig: { Values: { Key?: string; Value: string }[] } };

export interface Rule {
  RuleArn?: string;
  /** 1–50000; lowest is evaluated first. The listener's default actions come last. */
  Priority: number;
  Conditions: RuleCondition[];
  Actions: Action[];
}

export interface Listener {
  ListenerArn: string;
  Port: number;
  Protocol: ListenerProtocol;
  DefaultActions: Action[];
  Rules?: Rule[];
}

/** ELB's target health states (DescribeTargetHealth's TargetHealth.State). */
export type TargetHealthState = "initial" | "healthy" | "unhealthy" | "unused" | "draining" | "unavailable";

export interface Target {
  /** The registered Id: an IP address (target type ip) or an instance id (instance). */
  Id: string;
  Port: number;
  /** Where to connect: the Id itself for ip targets, the instance's address for instance targets. */
  Address: string;
}

export interface HealthCheckConfig {
  HealthCheckProtocol: "HTTP" | "TCP";
  /** A port number as a string, or "traffic-port" (the target's own port). */
  HealthCheckPort: string;
  HealthCheckPath?: string;
  HealthCheckIntervalSeconds: number;
  HealthCheckTimeoutSeconds: number;
  HealthyThresholdCount: number;
  UnhealthyThresholdCount: number;
  /** "200", "200,202", "200-299". */
  Matcher?: { HttpCode: string };
}

export interface TargetGroup {
  TargetGroupArn: string;
  Protocol: ListenerProtocol;
  Port: number;
  HealthCheck: HealthCheckConfig;
  /** The registered targets; one that disappears from here is drained. */
  Targets: Target[];
  /** deregistration_delay.timeout_seconds (default 300). */
  DeregistrationDelaySeconds?: number;
  /** load_balancing.algorithm.type (default round_robin). */
  Algorithm?: LoadBalancingAlgorithm;
}

export interface LoadBalancer {
  LoadBalancerArn: string;
  Type: "application" | "network";
  /** Listener sockets bind here (127.0.0.1 in tests). */
  BindAddress: string;
  /** idle_timeout.timeout_seconds (ALB, default 60). */
  IdleTimeoutSeconds?: number;
  Listeners: Listener[];
  TargetGroups: TargetGroup[];
}

/** One target's key: identity is (Id, Port), as ELB's. */
export function targetKey(t: { Id: string; Port: number }): string {
  return `${t.Id}:${t.Port}`;
}

// Builders for the load balancer controller's decision tests: ELBv2 records as stored, with
// AWS's defaults, under short made-up ARNs.
import type { ElbObservation, ListenerView, LoadBalancerView, RegisteredTarget, RuleView, TargetGroupView } from "./observation.js";

export function anLb(arn: string, over: Partial<LoadBalancerView> = {}): LoadBalancerView {
  return { LoadBalancerArn: arn, Type: "application", State: { Code: "active" }, bindAddress: "127.100.0.1", attributes: { "idle_timeout.timeout_seconds": "60" }, ...over };
}

export function aTg(arn: string, over: Partial<TargetGroupView> = {}): TargetGroupView {
  return {
    TargetGroupArn: arn,
    Protocol: "HTTP",
    Port: 80,
    HealthCheckProtocol: "HTTP",
    HealthCheckPort: "traffic-port",
    HealthCheckIntervalSeconds: 30,
    HealthCheckTimeoutSeconds: 5,
    HealthyThresholdCount: 5,
    UnhealthyThresholdCount: 2,
    HealthCheckPath: "/",
    Matcher: { HttpCode: "200" },
    TargetType: "ip",
    attributes: { "deregistration_delay.timeout_seconds": "300", "load_balancing.algorithm.type": "round_robin" },
    ...over,
  };
}

export function aListenerOf(lbArn: string, port: number, tgArn: string, over: Partial<ListenerView> = {}): ListenerView {
  return { ListenerArn: `${lbArn}/l${port}`, LoadBalancerArn: lbArn, Port: port, Protocol: "HTTP", DefaultActions: [{ Type: "forward", TargetGroupArn: tgArn }], ...over };
}

export function aRule(listenerArn: string, priority: number, tgArn: string, path: string): RuleView {
  return {
    RuleArn: `${listenerArn}/r${priority}`,
    ListenerArn: listenerArn,
    Priority: priority,
    Conditions: [{ Field: "path-pattern", PathPatternConfig: { Values: [path] } }],
    Actions: [{ Type: "forward", TargetGroupArn: tgArn }],
  };
}

export function anObservation(over: Partial<Omit<ElbObservation, "targets">> & { targets?: Record<string, RegisteredTarget[]> } = {}): ElbObservation {
  return {
    loadBalancers: over.loadBalancers ?? [],
    listeners: over.listeners ?? [],
    rules: over.rules ?? [],
    targetGroups: over.targetGroups ?? [],
    targets: new Map(Object.entries(over.targets ?? {})),
    instanceAddresses: over.instanceAddresses ?? new Map(),
  };
}

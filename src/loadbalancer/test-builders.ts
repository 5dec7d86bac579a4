// Builders for load balancer specs in tests: a listener on port 80 forwarding to target groups.
import type { Action, Listener, LoadBalancer, Target, TargetGroup } from "./spec.js";

export function aTarget(ip: string, port = 80): Target {
  return { Id: ip, Port: port, Address: ip };
}

export function aGroup(arn: string, targets: Target[], extra: Partial<TargetGroup> = {}): TargetGroup {
  return {
    TargetGroupArn: arn,
    Protocol: "HTTP",
    Port: 80,
    HealthCheck: {
      HealthCheckProtocol: "HTTP",
      HealthCheckPort: "traffic-port",
      HealthCheckPath: "/",
      HealthCheckIntervalSeconds: 30,
      HealthCheckTimeoutSeconds: 5,
      HealthyThresholdCount: 5,
      UnhealthyThresholdCount: 2,
      Matcher: { HttpCode: "200" },
    },
    Targets: targets,
    ...extra,
  };
}

export function forward(...groups: [string, number?][]): Action {
  return { Type: "forward", ForwardConfig: { TargetGroups: groups.map(([arn, w]) => ({ TargetGroupArn: arn, Weight: w ?? 1 })) } };
}

export function aLoadBalancer(listeners: Listener[], groups: TargetGroup[], extra: Partial<LoadBalancer> = {}): LoadBalancer {
  return { LoadBalancerArn: "arn:lb", Type: "application", BindAddress: "127.0.0.1", Listeners: listeners, TargetGroups: groups, ...extra };
}

export function aListener(port: number, defaultActions: Action[], rules: Listener["Rules"] = []): Listener {
  return { ListenerArn: `arn:listener/${port}`, Port: port, Protocol: "HTTP", DefaultActions: defaultActions, Rules: rules };
}

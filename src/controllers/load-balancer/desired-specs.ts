// What the data plane should run, decided purely from one account and region's ELBv2 records:
// one LoadBalancer spec per load balancer (listeners with their rules by priority, the target
// groups they forward to, the targets with where to connect), which load balancer runs each
// target group's health checks, and the registered targets that cannot be reached at all.
import type { Action, Listener, LoadBalancer, LoadBalancingAlgorithm, Target, TargetGroup } from "../../loadbalancer/index.js";
import type { ElbObservation, ListenerView, RegisteredTarget, TargetGroupView } from "./observation.js";

export interface SkippedListener {
  ListenerArn: string;
  Port: number;
  Protocol: string;
  why: string;
}

export interface DesiredLoadBalancer {
  spec: LoadBalancer;
  /** Listeners the data plane cannot run (TLS, UDP): stored, answered by the API, not listening. */
  skipped: SkippedListener[];
}

export interface DesiredElb {
  loadBalancers: DesiredLoadBalancer[];
  /**
   * The load balancer whose node checks each target group: ELB lets a target group serve one
   * load balancer; should two forward to it, the first by ARN owns its health.
   */
  groupOwner: Map<string, string>;
  /** Instance targets whose instance is not (or no longer) a container instance here: ELB's `unused/Target.InvalidState`. */
  unreachable: Map<string, RegisteredTarget[]>;
}

/** The target groups some actions forward to, in the order they are named. */
export function forwardedGroups(actions: readonly Action[]): string[] {
  const out: string[] = [];
  for (const a of actions) {
    if (a.Type !== "forward") continue;
    if (a.TargetGroupArn) out.push(a.TargetGroupArn);
    for (const t of a.ForwardConfig?.TargetGroups ?? []) out.push(t.TargetGroupArn);
  }
  return out;
}

const RUNNABLE: Record<string, { lb: LoadBalancer["Type"]; protocol: Listener["Protocol"] }> = {
  HTTP: { lb: "application", protocol: "HTTP" },
  TCP: { lb: "network", protocol: "TCP" },
};

function skipReason(lb: LoadBalancer["Type"], l: ListenerView): string | undefined {
  const runnable = RUNNABLE[l.Protocol];
  if (!runnable) return `berth's data plane does not run ${l.Protocol} listeners (no TLS termination, no UDP)`;
  if (runnable.lb !== lb) return `a ${lb} load balancer does not run ${l.Protocol} listeners`;
  return undefined;
}

const ALGORITHMS = new Set<string>(["round_robin", "least_outstanding_requests"]);

/**
 * Where a target is connected to: an ip target's Id is its address; an instance target is
 * reached at its container instance's address (berth's agents run on the control plane's host,
 * so 127.0.0.1; docs/design.md "Load balancer controller"). Undefined: no such instance.
 */
export function targetAddress(type: string, t: RegisteredTarget, instances: ReadonlyMap<string, string>): string | undefined {
  return type === "ip" ? t.Id : instances.get(t.Id);
}

function targetGroupSpec(tg: TargetGroupView, targets: Target[]): TargetGroup {
  const delay = Number(tg.attributes["deregistration_delay.timeout_seconds"]);
  const algorithm = tg.attributes["load_balancing.algorithm.type"];
  return {
    TargetGroupArn: tg.TargetGroupArn,
    Protocol: tg.Protocol === "HTTP" || tg.Protocol === "HTTPS" ? "HTTP" : "TCP",
    Port: tg.Port,
    HealthCheck: {
      // berth does not speak TLS to targets: an HTTPS check is made as a TCP connect.
      HealthCheckProtocol: tg.HealthCheckProtocol === "HTTP" ? "HTTP" : "TCP",
      HealthCheckPort: tg.HealthCheckPort,
      ...(tg.HealthCheckPath !== undefined ? { HealthCheckPath: tg.HealthCheckPath } : {}),
      HealthCheckIntervalSeconds: tg.HealthCheckIntervalSeconds,
      HealthCheckTimeoutSeconds: tg.HealthCheckTimeoutSeconds,
      HealthyThresholdCount: tg.HealthyThresholdCount,
      UnhealthyThresholdCount: tg.UnhealthyThresholdCount,
      ...(tg.Matcher ? { Matcher: tg.Matcher } : {}),
    },
    Targets: targets,
    ...(Number.isFinite(delay) && tg.attributes["deregistration_delay.timeout_seconds"] !== undefined ? { DeregistrationDelaySeconds: delay } : {}),
    // weighted_random is not built: it is served round robin.
    ...(algorithm && ALGORITHMS.has(algorithm) ? { Algorithm: algorithm as LoadBalancingAlgorithm } : {}),
  };
}

export function decideLoadBalancers(o: ElbObservation): DesiredElb {
  const groups = new Map(o.targetGroups.map((g) => [g.TargetGroupArn, g]));
  const unreachable = new Map<string, RegisteredTarget[]>();
  const targetsOf = new Map<string, Target[]>();
  for (const tg of o.targetGroups) {
    const reachable: Target[] = [];
    for (const t of o.targets.get(tg.TargetGroupArn) ?? []) {
      const address = targetAddress(tg.TargetType, t, o.instanceAddresses);
      if (address === undefined) unreachable.set(tg.TargetGroupArn, [...(unreachable.get(tg.TargetGroupArn) ?? []), { Id: t.Id, Port: t.Port }]);
      else reachable.push({ Id: t.Id, Port: t.Port, Address: address });
    }
    targetsOf.set(tg.TargetGroupArn, reachable);
  }
  const groupOwner = new Map<string, string>();
  const loadBalancers: DesiredLoadBalancer[] = [];
  const byArn = [...o.loadBalancers].filter((lb) => lb.State.Code !== "failed").sort((a, b) => (a.LoadBalancerArn < b.LoadBalancerArn ? -1 : 1));
  for (const lb of byArn) {
    const skipped: SkippedListener[] = [];
    const listeners: Listener[] = [];
    for (const l of o.listeners.filter((x) => x.LoadBalancerArn === lb.LoadBalancerArn).sort((a, b) => a.Port - b.Port)) {
      const why = skipReason(lb.Type, l);
      if (why) {
        skipped.push({ ListenerArn: l.ListenerArn, Port: l.Port, Protocol: l.Protocol, why });
        continue;
      }
      const rules = o.rules
        .filter((r) => r.ListenerArn === l.ListenerArn)
        .sort((a, b) => a.Priority - b.Priority)
        .map((r) => ({ RuleArn: r.RuleArn, Priority: r.Priority, Conditions: r.Conditions, Actions: r.Actions }));
      listeners.push({ ListenerArn: l.ListenerArn, Port: l.Port, Protocol: RUNNABLE[l.Protocol]!.protocol, DefaultActions: l.DefaultActions, Rules: rules });
    }
    const used = new Set(listeners.flatMap((l) => [...forwardedGroups(l.DefaultActions), ...(l.Rules ?? []).flatMap((r) => forwardedGroups(r.Actions))]));
    const targetGroups: TargetGroup[] = [];
    for (const arn of [...used].sort()) {
      const tg = groups.get(arn);
      // A group deleted under a listener: its forwards answer 503, as ELB's do with no targets.
      if (!tg) continue;
      targetGroups.push(targetGroupSpec(tg, targetsOf.get(arn) ?? []));
      if (!groupOwner.has(arn)) groupOwner.set(arn, lb.LoadBalancerArn);
    }
    const idle = Number(lb.attributes["idle_timeout.timeout_seconds"]);
    loadBalancers.push({
      spec: {
        LoadBalancerArn: lb.LoadBalancerArn,
        Type: lb.Type,
        BindAddress: lb.bindAddress,
        ...(lb.Type === "application" && Number.isFinite(idle) && idle > 0 ? { IdleTimeoutSeconds: idle } : {}),
        Listeners: listeners,
        TargetGroups: targetGroups,
      },
      skipped,
    });
  }
  return { loadBalancers, groupOwner, unreachable };
}

/** How long to wait before binding a failed listener again: 1 s, doubling, at most 30 s. */
export function bindRetryDelayMs(failures: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, failures - 1));
}

// The routing table: a load balancer's listeners, rules and target groups (ELBv2 shapes) plus
// each target's health, compiled once into a value the proxy only reads. Building it and
// routing a request through it are pure; the proxy swaps the whole table atomically.
import { compileConditions, type Matcher, type RequestView } from "./conditions.js";
import { targetKey, type Action, type LoadBalancer, type LoadBalancingAlgorithm, type RedirectConfig, type Target, type TargetHealthState } from "./spec.js";

export type CompiledAction =
  | { kind: "forward"; id: string; groups: { arn: string; weight: number }[]; sequence: string[] }
  | { kind: "fixed-response"; status: number; contentType: string; body: string }
  | { kind: "redirect"; config: RedirectConfig };

export interface CompiledRule {
  priority: number;
  match: Matcher;
  action: CompiledAction;
}

export interface CompiledListener {
  port: number;
  protocol: "HTTP" | "TCP";
  rules: CompiledRule[];
  defaultAction: CompiledAction;
}

export interface GroupView {
  arn: string;
  algorithm: LoadBalancingAlgorithm;
  /** Registered and not draining. */
  registered: Target[];
  /** Who gets new requests: the healthy ones, or every registered one when none is (fail open). */
  eligible: Target[];
}

export interface RoutingTable {
  loadBalancerArn: string;
  idleTimeoutMs: number;
  listeners: ReadonlyMap<number, CompiledListener>;
  groups: ReadonlyMap<string, GroupView>;
}

/** Health per target group ARN, per target key (`Id:Port`); a target with none counts as initial. */
export type HealthView = ReadonlyMap<string, ReadonlyMap<string, TargetHealthState>>;

export function buildTable(lb: LoadBalancer, health: HealthView): RoutingTable {
  const groups = new Map<string, GroupView>();
  for (const tg of lb.TargetGroups) {
    const states = health.get(tg.TargetGroupArn);
    const stateOf = (t: Target): TargetHealthState => states?.get(targetKey(t)) ?? "initial";
    const registered = tg.Targets.filter((t) => !["draining", "unused"].includes(stateOf(t)));
    const healthy = registered.filter((t) => stateOf(t) === "healthy");
    groups.set(tg.TargetGroupArn, {
      arn: tg.TargetGroupArn,
      algorithm: tg.Algorithm ?? "round_robin",
      registered,
      eligible: healthy.length > 0 ? healthy : registered,
    });
  }
  const listeners = new Map<number, CompiledListener>();
  for (const l of lb.Listeners) {
    const rules = [...(l.Rules ?? [])]
      .sort((a, b) => a.Priority - b.Priority)
      .map((r) => ({ priority: r.Priority, match: compileConditions(r.Conditions), action: compileAction(r.Actions, `${l.ListenerArn}#${r.Priority}`) }));
    listeners.set(l.Port, { port: l.Port, protocol: l.Protocol, rules, defaultAction: compileAction(l.DefaultActions, `${l.ListenerArn}#default`) });
  }
  // ALB: idle_timeout.timeout_seconds (60); NLB: tcp.idle_timeout.seconds (350).
  const idle = lb.IdleTimeoutSeconds ?? (lb.Type === "network" ? 350 : 60);
  return { loadBalancerArn: lb.LoadBalancerArn, idleTimeoutMs: idle * 1000, listeners, groups };
}

function compileAction(actions: Action[], id: string): CompiledAction {
  // The terminal action is the last one (ELB orders by Order; authenticate-* never reach here).
  const a = actions[actions.length - 1];
  if (!a) return { kind: "fixed-response", status: 503, contentType: "text/plain", body: "" };
  switch (a.Type) {
    case "forward": {
      const tuples = a.ForwardConfig?.TargetGroups ?? (a.TargetGroupArn ? [{ TargetGroupArn: a.TargetGroupArn, Weight: 1 }] : []);
      const groups = tuples.map((t) => ({ arn: t.TargetGroupArn, weight: t.Weight ?? 1 }));
      return { kind: "forward", id, groups, sequence: smoothWeightedSequence(groups) };
    }
    case "fixed-response":
      return {
        kind: "fixed-response",
        status: Number(a.FixedResponseConfig.StatusCode),
        contentType: a.FixedResponseConfig.ContentType ?? "text/plain",
        body: a.FixedResponseConfig.MessageBody ?? "",
      };
    case "redirect":
      return { kind: "redirect", config: a.RedirectConfig };
  }
}

/**
 * nginx's smooth weighted round robin, unrolled over one cycle of sum(weights) picks, so that
 * every cycle gives each group exactly its weight, interleaved. Weights 2 (a) and 1 (b):
 * current (2,1) → a, (0,1)... the cycle is a, b, a.
 */
export function smoothWeightedSequence(groups: { arn: string; weight: number }[]): string[] {
  const total = groups.reduce((s, g) => s + g.weight, 0);
  const current = groups.map(() => 0);
  const out: string[] = [];
  for (let n = 0; n < total; n++) {
    let best = -1;
    for (let i = 0; i < groups.length; i++) {
      current[i]! += groups[i]!.weight;
      if (groups[i]!.weight > 0 && (best < 0 || current[i]! > current[best]!)) best = i;
    }
    current[best]! -= total;
    out.push(groups[best]!.arn);
  }
  return out;
}

/** The action of the first rule (by priority) whose conditions all match, else the default. */
export function matchAction(listener: CompiledListener, req: RequestView): CompiledAction {
  for (const r of listener.rules) if (r.match(req)) return r.action;
  return listener.defaultAction;
}

/** The target group for the n-th request through a forward action (`ticket` counts them). */
export function chooseGroup(action: Extract<CompiledAction, { kind: "forward" }>, ticket: number): string | undefined {
  if (action.sequence.length === 0) return undefined;
  return action.sequence[ticket % action.sequence.length];
}

/**
 * The target for a new request: round robin over the eligible targets by `ticket`, or the one
 * with the fewest outstanding requests (ties broken round robin from `ticket`).
 */
export function chooseTarget(group: GroupView, ticket: number, outstanding: (key: string) => number): Target | undefined {
  const n = group.eligible.length;
  if (n === 0) return undefined;
  const start = ticket % n;
  if (group.algorithm === "round_robin") return group.eligible[start];
  let best: Target | undefined;
  let bestCount = Infinity;
  for (let i = 0; i < n; i++) {
    const t = group.eligible[(start + i) % n]!;
    const c = outstanding(targetKey(t));
    if (c < bestCount) [best, bestCount] = [t, c];
  }
  return best;
}

/** Where a redirect action sends the request; #{protocol}, #{host}, #{port}, #{path}, #{query} filled in. */
export function redirectLocation(c: RedirectConfig, req: { protocol: string; host: string; port: number; path: string; query: string }): string {
  const fill = (s: string): string =>
    s
      .replaceAll("#{protocol}", req.protocol.toLowerCase())
      .replaceAll("#{host}", req.host)
      .replaceAll("#{port}", String(req.port))
      .replaceAll("#{path}", req.path.replace(/^\//, ""))
      .replaceAll("#{query}", req.query);
  const protocol = fill(c.Protocol ?? "#{protocol}").toLowerCase();
  const host = fill(c.Host ?? "#{host}");
  const port = fill(c.Port ?? "#{port}");
  const path = fill(c.Path ?? "/#{path}");
  const query = fill(c.Query ?? "#{query}");
  const defaultPort = (protocol === "https" && port === "443") || (protocol === "http" && port === "80");
  return `${protocol}://${host}${defaultPort ? "" : `:${port}`}${path}${query ? `?${query}` : ""}`;
}

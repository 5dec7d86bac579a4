// One load balancer's data plane: its listener sockets, a health checker per target group, and
// the routing table the listeners read. apply() observes what runs, decides the listener
// changes purely (planListeners) and acts; every health change rebuilds the table, swapped in
// by one assignment.
import { systemClock, type Clock } from "../model/index.js";
import { HealthChecker, type Probe, type TargetHealthDescription } from "./health-checker.js";
import { HttpListener } from "./http-proxy.js";
import { buildTable, type RoutingTable } from "./routing.js";
import type { Action, Listener, ListenerProtocol, LoadBalancer } from "./spec.js";
import { TcpListener } from "./tcp-forwarder.js";
import { Traffic } from "./traffic.js";

export interface ListenerPlan {
  open: Listener[];
  close: number[];
}

/** Which listener sockets to open and close so that exactly the wanted ports run, each with its protocol. */
export function planListeners(running: ReadonlyMap<number, ListenerProtocol>, wanted: readonly Listener[]): ListenerPlan {
  const want = new Map(wanted.map((l) => [l.Port, l]));
  const close = [...running].filter(([port, proto]) => want.get(port)?.Protocol !== proto).map(([port]) => port);
  const open = wanted.filter((l) => running.get(l.Port) !== l.Protocol);
  return { open, close };
}

/** Target groups some listener's default action or rule forwards to (the others are unused). */
export function groupsInUse(lb: LoadBalancer): Set<string> {
  const used = new Set<string>();
  const add = (actions: Action[]): void => {
    for (const a of actions) {
      if (a.Type !== "forward") continue;
      if (a.TargetGroupArn) used.add(a.TargetGroupArn);
      for (const t of a.ForwardConfig?.TargetGroups ?? []) used.add(t.TargetGroupArn);
    }
  };
  for (const l of lb.Listeners) {
    add(l.DefaultActions);
    for (const r of l.Rules ?? []) add(r.Actions);
  }
  return used;
}

const SWEEP_MS = 250;

export class LoadBalancerNode {
  private spec: LoadBalancer | undefined;
  private current: RoutingTable;
  private readonly traffic = new Traffic();
  private readonly listeners = new Map<number, HttpListener | TcpListener>();
  private readonly checkers = new Map<string, HealthChecker>();
  private sweeper: NodeJS.Timeout | undefined;
  private anyDraining = false;

  constructor(private readonly options: { clock?: Clock; probe?: Probe; onHealthChange?: () => void } = {}) {
    this.current = { loadBalancerArn: "", idleTimeoutMs: 60_000, listeners: new Map(), groups: new Map() };
    // A draining target may leave when its last request ends; nothing to do while none drains.
    this.traffic.onIdle = () => {
      if (this.anyDraining) this.sweep();
    };
  }

  /** The table in force; listeners read it once per request or connection. */
  table(): RoutingTable {
    return this.current;
  }

  async apply(spec: LoadBalancer): Promise<void> {
    this.spec = spec;
    const clock = this.options.clock ?? systemClock;
    const used = groupsInUse(spec);
    for (const tg of spec.TargetGroups) {
      let c = this.checkers.get(tg.TargetGroupArn);
      if (!c) {
        c = new HealthChecker(tg, clock, () => this.healthChanged(), this.options.probe);
        this.checkers.set(tg.TargetGroupArn, c);
      }
      c.update(tg, used.has(tg.TargetGroupArn));
      c.start();
    }
    for (const [arn, c] of this.checkers) {
      if (!spec.TargetGroups.some((tg) => tg.TargetGroupArn === arn)) {
        c.stop();
        this.checkers.delete(arn);
        for (const key of c.states().keys()) this.forgetUnused(key);
      }
    }
    this.rebuild();
    const running = new Map([...this.listeners].map(([port, l]) => [port, l instanceof HttpListener ? ("HTTP" as const) : ("TCP" as const)]));
    const plan = planListeners(running, spec.Listeners);
    for (const port of plan.close) {
      const l = this.listeners.get(port)!;
      this.listeners.delete(port);
      await l.close();
    }
    // A port that cannot be bound does not keep the others closed; the first error is thrown
    // once they are open, and applying again retries only what is not running.
    const failed: unknown[] = [];
    for (const l of plan.open) {
      const make = l.Protocol === "HTTP" ? HttpListener : TcpListener;
      const listener = new make(l.Port, () => this.current, this.traffic);
      try {
        await listener.listen(spec.BindAddress);
        this.listeners.set(l.Port, listener);
      } catch (err) {
        failed.push(err);
      }
    }
    this.sweep();
    if (failed.length > 0) throw failed[0];
  }

  private healthChanged(): void {
    this.rebuild();
    this.options.onHealthChange?.();
  }

  private rebuild(): void {
    if (!this.spec) return;
    const health = new Map([...this.checkers].map(([arn, c]) => [arn, c.states()]));
    this.current = buildTable(this.spec, health);
  }

  /** Lets finished draining targets go, and looks again while any still drains. */
  private sweep(): void {
    const gone: string[] = [];
    for (const c of this.checkers.values()) gone.push(...c.sweep((k) => this.traffic.outstanding(k)));
    for (const key of gone) this.forgetUnused(key);
    if (gone.length > 0) this.healthChanged();
    this.anyDraining = [...this.checkers.values()].some((c) => c.draining());
    if (this.anyDraining && !this.sweeper) {
      this.sweeper = setTimeout(() => {
        this.sweeper = undefined;
        this.sweep();
      }, SWEEP_MS);
    }
  }

  /** Closes a target's pooled connections unless another target group still has it. */
  private forgetUnused(key: string): void {
    if (![...this.checkers.values()].some((c) => c.states().has(key))) this.traffic.forget(key);
  }

  /** DescribeTargetHealth's answer for one target group. */
  targetHealth(targetGroupArn: string): TargetHealthDescription[] {
    return this.checkers.get(targetGroupArn)?.describe() ?? [];
  }

  async close(): Promise<void> {
    clearTimeout(this.sweeper);
    for (const c of this.checkers.values()) c.stop();
    this.checkers.clear();
    await Promise.all(
      [...this.listeners.values()].map(async (l) => {
        if (l instanceof TcpListener) l.destroyAll();
        await l.close();
      }),
    );
    this.listeners.clear();
    this.traffic.close();
  }
}

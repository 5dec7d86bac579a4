// The proxy's running counts, owned by one load balancer: request tickets per action and per
// target group (round robin and weighted forward turn them into choices, purely), requests in
// flight per target (least outstanding requests, draining), and one keep-alive pool per target.
import { Pool } from "undici";
import { chooseGroup, chooseTarget, type CompiledAction, type RoutingTable } from "./routing.js";
import { targetKey, type Target } from "./spec.js";

export type Pick =
  | { kind: "target"; groupArn: string; target: Target; key: string }
  | { kind: "no-target"; groupArn?: string };

const CONNECT_TIMEOUT_MS = 3_000;

export class Traffic {
  private readonly tickets = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();
  private readonly pools = new Map<string, Pool>();
  /** Told when a target's last in-flight request ends (a draining target may leave then). */
  onIdle: (key: string) => void = () => {};

  private ticket(id: string): number {
    const n = this.tickets.get(id) ?? 0;
    this.tickets.set(id, n + 1);
    return n;
  }

  pick(table: RoutingTable, action: Extract<CompiledAction, { kind: "forward" }>): Pick {
    const groupArn = chooseGroup(action, this.ticket(action.id));
    const group = groupArn === undefined ? undefined : table.groups.get(groupArn);
    if (!group) return { kind: "no-target", groupArn };
    const target = chooseTarget(group, this.ticket(group.arn), (k) => this.inFlight.get(k) ?? 0);
    return target ? { kind: "target", groupArn: group.arn, target, key: targetKey(target) } : { kind: "no-target", groupArn };
  }

  begin(key: string): void {
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
  }

  end(key: string): void {
    const n = (this.inFlight.get(key) ?? 1) - 1;
    if (n > 0) {
      this.inFlight.set(key, n);
      return;
    }
    this.inFlight.delete(key);
    this.onIdle(key);
  }

  outstanding(key: string): number {
    return this.inFlight.get(key) ?? 0;
  }

  /**
   * The target's keep-alive pool (undici: about 1.5× node:http's client through the same proxy,
   * docs/design.md). A connect gets 3 s, not ELB's 10 s: targets are tasks on this host's
   * bridges, which answer a SYN in microseconds when they are there, and a request whose connect
   * fails goes to another target (http-proxy.ts), so a vanished task costs 3 s, not a failure.
   * Headers and body time out after the idle timeout.
   */
  pool(target: Target, key: string, idleMs: number): Pool {
    let p = this.pools.get(key);
    if (!p) {
      p = new Pool(`http://${target.Address.includes(":") ? `[${target.Address}]` : target.Address}:${target.Port}`, {
        connect: { timeout: CONNECT_TIMEOUT_MS, noDelay: true },
        headersTimeout: idleMs,
        bodyTimeout: idleMs,
      });
      this.pools.set(key, p);
    }
    return p;
  }

  /** The target has left (drained or gone): close its pooled connections. */
  forget(key: string): void {
    void this.pools.get(key)?.destroy().catch(() => {});
    this.pools.delete(key);
  }

  close(): void {
    for (const p of this.pools.values()) void p.destroy().catch(() => {});
    this.pools.clear();
  }
}

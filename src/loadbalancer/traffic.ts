// The proxy's running counts, owned by one load balancer: request tickets per action and per
// target group (round robin and weighted forward turn them into choices, purely), requests in
// flight per target (least outstanding requests, draining), and one keep-alive pool per target.
import { Agent } from "node:http";
import { chooseGroup, chooseTarget, type CompiledAction, type RoutingTable } from "./routing.js";
import { targetKey, type Target } from "./spec.js";

export type Pick =
  | { kind: "target"; groupArn: string; target: Target; key: string }
  | { kind: "no-target"; groupArn?: string };

export class Traffic {
  private readonly tickets = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();
  private readonly agents = new Map<string, Agent>();
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

  agent(key: string): Agent {
    let a = this.agents.get(key);
    if (!a) {
      // keep-alive to each target; its idle sockets close when the target leaves.
      a = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 256, scheduling: "lifo" });
      this.agents.set(key, a);
    }
    return a;
  }

  /** The target has left (drained or gone): close its pooled connections. */
  forget(key: string): void {
    this.agents.get(key)?.destroy();
    this.agents.delete(key);
  }

  close(): void {
    for (const a of this.agents.values()) a.destroy();
    this.agents.clear();
  }
}

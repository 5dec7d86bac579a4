// The target health records the store should hold, decided purely from what the data plane
// reports and what is registered: the load balancer controller is their only writer
// (src/domain/elbv2/records.ts). A record is written only when its state, reason, description
// or port changed, so a health check that changes nothing writes nothing.
import { targetKey, type TargetHealthDescription } from "../../loadbalancer/index.js";
import type { HealthRecordView, RegisteredTarget } from "./observation.js";

export interface HealthGroupObservation {
  /** The target group's ARN; only its id (the key segment) when the group itself is gone. */
  ref: string;
  exists: boolean;
  /** The group's HealthCheckPort ("traffic-port" or a number): for records the data plane has not made. */
  healthCheckPort: string;
  registered: readonly RegisteredTarget[];
  records: readonly HealthRecordView[];
  /** What the node that checks this group says (registered and draining targets); absent when no listener forwards here. */
  plane?: readonly TargetHealthDescription[];
  /** Registered instance targets with no instance to reach. */
  unreachable: readonly RegisteredTarget[];
}

export interface HealthWrites {
  puts: { ref: string; record: HealthRecordView }[];
  deletes: { ref: string; target: RegisteredTarget }[];
}

type Health = Pick<HealthRecordView, "State" | "Reason" | "Description">;

const REGISTERING: Health = { State: "initial", Reason: "Elb.RegistrationInProgress", Description: "Target registration is in progress" };
const NOT_IN_USE: Health = { State: "unused", Reason: "Target.NotInUse", Description: "Target group is not configured to receive traffic from the load balancer" };
const NO_INSTANCE: Health = { State: "unused", Reason: "Target.InvalidState", Description: "Target is in the stopped state" };

/** What each target's record should say, by target key. */
function desiredOf(g: HealthGroupObservation): Map<string, { target: RegisteredTarget; health: Health; port: string }> {
  const out = new Map<string, { target: RegisteredTarget; health: Health; port: string }>();
  if (!g.exists) return out;
  const portOf = (t: RegisteredTarget) => (g.healthCheckPort === "traffic-port" ? String(t.Port) : g.healthCheckPort);
  const unreachable = new Set(g.unreachable.map(targetKey));
  for (const d of g.plane ?? []) out.set(targetKey(d.Target), { target: d.Target, health: d.TargetHealth, port: d.HealthCheckPort });
  for (const t of g.registered) {
    const key = targetKey(t);
    if (out.has(key)) continue;
    // No node for the group: ELB runs no checks. A node that has not applied the registration
    // yet: it is in progress. No instance to reach: the instance is not running.
    const health = !g.plane ? NOT_IN_USE : unreachable.has(key) ? NO_INSTANCE : REGISTERING;
    out.set(key, { target: { Id: t.Id, Port: t.Port }, health, port: portOf(t) });
  }
  return out;
}

const same = (r: HealthRecordView, h: Health, port: string) =>
  r.State === h.State && r.Reason === h.Reason && r.Description === h.Description && r.HealthCheckPort === port;

/**
 * Per group: a record for every target the data plane reports (draining ones included) or
 * that is registered; a record for anything else is deleted — the data plane let a drained
 * target go, or its registration went before any node saw it, or the group is gone.
 */
export function decideHealthWrites(groups: readonly HealthGroupObservation[], now: number): HealthWrites {
  const writes: HealthWrites = { puts: [], deletes: [] };
  for (const g of groups) {
    const desired = desiredOf(g);
    const records = new Map(g.records.map((r) => [targetKey(r), r]));
    for (const [key, d] of desired) {
      const r = records.get(key);
      if (r && same(r, d.health, d.port)) continue;
      const since = r && r.State === d.health.State ? r.since : now;
      writes.puts.push({
        ref: g.ref,
        record: {
          Id: d.target.Id,
          Port: d.target.Port,
          State: d.health.State,
          ...(d.health.Reason !== undefined ? { Reason: d.health.Reason } : {}),
          ...(d.health.Description !== undefined ? { Description: d.health.Description } : {}),
          HealthCheckPort: d.port,
          since,
        },
      });
    }
    for (const [key, r] of records) if (!desired.has(key)) writes.deletes.push({ ref: g.ref, target: { Id: r.Id, Port: r.Port } });
  }
  return writes;
}

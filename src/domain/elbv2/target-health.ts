// What DescribeTargetHealth shows for each target (aws-neighbors.md §1.5), from the group's
// registrations and the health records the load balancer controller writes. Pure.
import type { TargetGroupRecord, TargetHealthRecord, TargetRecord } from "./records.js";
import { targetKeyOf } from "./records.js";

export interface TargetHealthDescription {
  Target: { Id: string; Port: number; AvailabilityZone?: string };
  HealthCheckPort: string;
  TargetHealth: { State: string; Reason?: string; Description?: string };
}

export const HEALTH_TEXT = {
  registering: { State: "initial", Reason: "Elb.RegistrationInProgress", Description: "Target registration is in progress" },
  notInUse: { State: "unused", Reason: "Target.NotInUse", Description: "Target group is not configured to receive traffic from the load balancer" },
  notRegistered: { State: "unused", Reason: "Target.NotRegistered", Description: "Target is not registered to the target group" },
};

export interface HealthInputs {
  tg: Pick<TargetGroupRecord, "Port" | "HealthCheckPort">;
  /** Whether a listener or rule forwards to the group. */
  inUse: boolean;
  registrations: TargetRecord[];
  health: TargetHealthRecord[];
  /** The targets asked about (DescribeTargetHealth's Targets), or undefined for all. */
  asked?: { Id: string; Port?: number }[];
}

export function describeHealth({ tg, inUse, registrations, health, asked }: HealthInputs): TargetHealthDescription[] {
  const regs = new Map(registrations.map((r) => [targetKeyOf(r), r]));
  const records = new Map(health.map((h) => [targetKeyOf(h), h]));
  // A health record without a registration is a target draining out; anything else left over
  // (the controller has not caught up yet) is not shown.
  const draining = (h: TargetHealthRecord | undefined) => h !== undefined && h.State === "draining";
  const describe = (id: string, port: number): TargetHealthDescription => {
    const key = targetKeyOf({ Id: id, Port: port });
    const reg = regs.get(key);
    const h = records.get(key);
    const checkPort = h?.HealthCheckPort ?? (tg.HealthCheckPort === "traffic-port" ? String(port) : tg.HealthCheckPort);
    const target = { Id: id, Port: port, ...(reg?.AvailabilityZone ? { AvailabilityZone: reg.AvailabilityZone } : {}) };
    let state: TargetHealthDescription["TargetHealth"];
    if (reg && !inUse) state = HEALTH_TEXT.notInUse;
    else if (h && (reg || draining(h))) state = { State: h.State, ...(h.Reason ? { Reason: h.Reason } : {}), ...(h.Description ? { Description: h.Description } : {}) };
    else if (reg) state = HEALTH_TEXT.registering;
    else state = HEALTH_TEXT.notRegistered;
    return { Target: target, HealthCheckPort: checkPort, TargetHealth: state };
  };
  if (!asked) {
    const shown = [...registrations, ...health.filter((h) => !regs.has(targetKeyOf(h)) && draining(h))];
    return shown.map((t) => describe(t.Id, t.Port));
  }
  const out: TargetHealthDescription[] = [];
  const seen = new Set<string>();
  const push = (id: string, port: number) => {
    const key = targetKeyOf({ Id: id, Port: port });
    if (seen.has(key)) return;
    seen.add(key);
    out.push(describe(id, port));
  };
  for (const a of asked) {
    if (a.Port !== undefined) {
      push(a.Id, a.Port);
      continue;
    }
    // Without a port: every registration of the id (ECS bridge tasks register one instance on
    // several ports), or the group's port when there is none.
    const ports = [...registrations.filter((r) => r.Id === a.Id), ...health.filter((h) => h.Id === a.Id && draining(h))].map((t) => t.Port);
    if (ports.length === 0) push(a.Id, tg.Port);
    for (const p of ports) push(a.Id, p);
  }
  return out;
}

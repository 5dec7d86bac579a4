// A deliberately plain placement, for tests only: copy the instances, and for each task check
// every instance against every filter, score every feasible one with every strategy, and take
// the minimum. Quadratic and obviously correct; place() must agree with it on the feasible set
// and on the choice whenever the strategies leave a single best instance.
// It shares only the query evaluator with place() (evaluate(expr, instanceView)).

import { evaluate, parseQuery, taskGroupOf } from "./query/index.js";
import type { InstanceView, PlacementRequest, PlacementStrategy, RequiredAttribute } from "./types.js";

export interface RefInstance {
  readonly view: InstanceView;
  cpu: number;
  memory: number;
  ports: number[];
  portsUdp: number[];
  enis: number;
  /** Groups of tasks placed by the reference itself, on top of view.tasks. */
  placedGroups: string[];
}

export function refState(instances: readonly InstanceView[]): RefInstance[] {
  return instances.map((view) => ({
    view,
    cpu: view.remaining.cpu,
    memory: view.remaining.memory,
    ports: [...view.remaining.ports],
    portsUdp: [...view.remaining.portsUdp],
    enis: view.remaining.enis ?? Number.POSITIVE_INFINITY,
    placedGroups: [],
  }));
}

function groupOf(request: PlacementRequest): string {
  return request.group ?? `family:${request.family}`;
}

/** The instance as the query language sees it now (placed tasks included). */
function currentView(inst: RefInstance): InstanceView {
  const placed = inst.placedGroups.map((group) => ({ group, family: "x", taskDefinitionArn: "x", desiredStatus: "RUNNING" }));
  return {
    ...inst.view,
    remaining: { cpu: inst.cpu, memory: inst.memory, ports: inst.ports, portsUdp: inst.portsUdp },
    tasks: [...inst.view.tasks, ...placed],
  };
}

function groupCount(inst: RefInstance, group: string): number {
  let n = 0;
  for (const t of inst.view.tasks) if (t.desiredStatus === "RUNNING" && taskGroupOf(t) === group) n++;
  for (const g of inst.placedGroups) if (g === group) n++;
  return n;
}

function attr(inst: RefInstance, name: string): string | undefined {
  const a = inst.view.attributes.find((x) => x.name === name);
  return a === undefined ? undefined : (a.value ?? "");
}

function requiredOk(inst: RefInstance, r: RequiredAttribute): boolean {
  const name = typeof r === "string" ? r : r.name;
  const value = typeof r === "string" ? undefined : r.value;
  const v = attr(inst, name);
  return v !== undefined && (value === undefined || v === value);
}

/** The first filter the instance fails, or undefined. */
export function refReason(inst: RefInstance, request: PlacementRequest): string | undefined {
  const group = groupOf(request);
  if (inst.view.status !== "ACTIVE") return "INACTIVE";
  if (!inst.view.agentConnected) return "AGENT";
  if (!(request.requiredAttributes ?? []).every((r) => requiredOk(inst, r))) return "ATTRIBUTE";
  for (const c of request.constraints ?? []) {
    if (c.type === "memberOf" && !evaluate(parseQuery(c.expression), currentView(inst))) {
      return "MemberOf placement constraint unsatisfied.";
    }
  }
  const distinct = (request.constraints ?? []).some((c) => c.type === "distinctInstance");
  if (distinct && groupCount(inst, group) > 0) return "DistinctInstance placement constraint unsatisfied.";
  if (inst.cpu < request.cpu) return "RESOURCE:CPU";
  if (inst.memory < request.memory) return "RESOURCE:MEMORY";
  const tcp = refPorts(inst, request, "tcp");
  if (tcp.some((p) => inst.ports.includes(p)) || (tcp.length > 0 && new Set(inst.ports).size + tcp.length > 100)) {
    return "RESOURCE:PORTS";
  }
  const udp = refPorts(inst, request, "udp");
  if (udp.some((p) => inst.portsUdp.includes(p)) || (udp.length > 0 && new Set(inst.portsUdp).size + udp.length > 100)) {
    return "RESOURCE:PORTS_UDP";
  }
  if (request.eni && inst.enis < 1) return "RESOURCE:ENI";
  return undefined;
}

/** Fixed host ports, plus the dynamic mappings' container ports on an instance that binds them itself. */
function refPorts(inst: RefInstance, request: PlacementRequest, protocol: "tcp" | "udp"): number[] {
  const bindsOnHost = attr(inst, "berth.runtime.port-translation") === "none";
  const dynamic = bindsOnHost ? (request.dynamicPorts?.[protocol] ?? []) : [];
  return [...new Set([...(request.hostPorts?.[protocol] ?? []), ...dynamic])].filter((p) => p !== 0);
}

function chain(request: PlacementRequest): readonly PlacementStrategy[] {
  if (request.strategy && request.strategy.length > 0) return request.strategy;
  return groupOf(request).startsWith("service:")
    ? [
        { type: "spread", field: "attribute:ecs.availability-zone" },
        { type: "spread", field: "instanceId" },
      ]
    : [{ type: "random" }];
}

/** Every feasible instance with the smallest keys: the set a correct placement picks from. */
export function refBest(state: readonly RefInstance[], request: PlacementRequest): RefInstance[] {
  const group = groupOf(request);
  let best = state.filter((inst) => refReason(inst, request) === undefined);
  for (const s of chain(request)) {
    if (s.type === "random") break;
    const field = (s.field ?? "").toLowerCase();
    const key = (inst: RefInstance): number => {
      if (s.type === "binpack") return field === "cpu" ? inst.cpu : inst.memory;
      if (field === "instanceid" || field === "host") return groupCount(inst, group);
      const name = s.field!.slice("attribute:".length);
      const value = attr(inst, name);
      // The whole cluster counts, feasible or not.
      return state.filter((o) => attr(o, name) === value).reduce((n, o) => n + groupCount(o, group), 0);
    };
    const min = Math.min(...best.map(key));
    best = best.filter((inst) => key(inst) === min);
  }
  return best;
}

export function refApply(inst: RefInstance, request: PlacementRequest): void {
  inst.cpu -= request.cpu;
  inst.memory -= request.memory;
  if (request.eni) inst.enis -= 1;
  for (const p of refPorts(inst, request, "tcp")) if (!inst.ports.includes(p)) inst.ports.push(p);
  for (const p of refPorts(inst, request, "udp")) if (!inst.portsUdp.includes(p)) inst.portsUdp.push(p);
  inst.placedGroups.push(groupOf(request));
}

/** The whole reference placement: picks ties with rng over the tie set in snapshot order. */
export function referencePlace(
  request: PlacementRequest,
  instances: readonly InstanceView[],
  rng: () => number,
): { placements: string[]; failures: { arn: string; reason: string }[] } {
  const state = refState(instances);
  const placements: string[] = [];
  for (let t = 0; t < request.count; t++) {
    const best = refBest(state, request);
    if (best.length === 0) {
      return { placements, failures: state.map((inst) => ({ arn: inst.view.arn, reason: refReason(inst, request)! })) };
    }
    const pick = best[Math.min(best.length - 1, Math.floor(rng() * best.length))]!;
    refApply(pick, request);
    placements.push(pick.view.arn);
  }
  return { placements, failures: [] };
}

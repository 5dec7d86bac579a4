// Feasibility checks, cheapest first (style.md, "Placement"):
//   1. status ACTIVE                       → INACTIVE
//   2. agent connected                     → AGENT
//   3. requiresAttributes present          → ATTRIBUTE
//   4. every memberOf expression holds     → "MemberOf placement constraint unsatisfied."
//   5. distinctInstance: no task of group  → "DistinctInstance placement constraint unsatisfied."
//   6. cpu, memory, tcp ports, udp ports   → RESOURCE:CPU / MEMORY / PORTS / PORTS_UDP
//      (the ports the task takes on that instance: host-ports.ts)
// Steps 1–3 and memberOf expressions that ignore tasks are "static": they depend only on the
// instance, not on what this call places, so their verdict is computed once per snapshot and
// request shape. The rest is "dynamic" and read from the live state (base or overlay).
// An instance's failure reason is the first check it fails, in this order.

import { hostPortsOn, UNTRANSLATED_NOTE, type HostPorts } from "./host-ports.js";
import type { Overlay, TaskFootprint } from "./overlay.js";
import type { CompiledQuery } from "./query/index.js";
import type { ClusterSnapshot, LiveInstance } from "./snapshot.js";
import { patchPositions, staticPart } from "./snapshot-change.js";
import { strategySteps, type StrategyStep } from "./strategies.js";
import { FailureReason, type PlacementRequest, type RequiredAttribute } from "./types.js";

/** PORTS is a string set capped at 100 entries per instance, defaults included (§6.7). */
export const MAX_RESERVED_PORTS = 100;

export interface CompiledRequest extends TaskFootprint {
  readonly count: number;
  readonly required: readonly { readonly name: string; readonly value?: string }[];
  /** All memberOf expressions in the order given (for failure details). */
  readonly memberOf: readonly CompiledQuery[];
  readonly staticMemberOf: readonly CompiledQuery[];
  readonly dynamicMemberOf: readonly CompiledQuery[];
  readonly distinct: boolean;
  readonly steps: readonly StrategyStep[];
  /** Identifies the static filters, to memoize the candidate set per snapshot. */
  readonly staticKey: string;
}

export interface Rejection {
  readonly reason: FailureReason;
  readonly detail: string;
}

function normalizeRequired(r: RequiredAttribute): { name: string; value?: string } {
  return typeof r === "string" ? { name: r } : r.value === undefined ? { name: r.name } : { name: r.name, value: r.value };
}

function uniquePorts(ports: readonly number[] | undefined): number[] {
  return [...new Set((ports ?? []).filter((p) => p !== 0))];
}

/** Fixed ports plus dynamic mappings' container ports, or undefined without dynamic mappings. */
function untranslatedPorts(fixed: HostPorts, dynamic: PlacementRequest["dynamicPorts"]): HostPorts | undefined {
  const tcp = uniquePorts(dynamic?.tcp);
  const udp = uniquePorts(dynamic?.udp);
  if (tcp.length === 0 && udp.length === 0) return undefined;
  return { tcp: [...new Set([...fixed.tcp, ...tcp])], udp: [...new Set([...fixed.udp, ...udp])] };
}

/**
 * Prepares a request: defaults the group, compiles memberOf expressions (through the snapshot,
 * so each is parsed once), splits static from dynamic checks and resolves the strategy chain.
 * Throws QueryParseError / TypeError for input the API layer should have rejected.
 */
export function compileRequest(request: PlacementRequest, snapshot: ClusterSnapshot): CompiledRequest {
  const group = request.group ?? (request.family !== undefined ? `family:${request.family}` : undefined);
  if (group === undefined) throw new TypeError("A placement request needs a group or a family");
  const constraints = request.constraints ?? [];
  const memberOf: CompiledQuery[] = [];
  let distinct = false;
  for (const c of constraints) {
    if (c.type === "distinctInstance") distinct = true;
    else if (c.type === "memberOf") memberOf.push(snapshot.query(c.expression));
    else throw new TypeError(`Unknown placement constraint type '${String((c as { type: unknown }).type)}'`);
  }
  const required = (request.requiredAttributes ?? []).map(normalizeRequired);
  const staticMemberOf = memberOf.filter((q) => !q.usesTasks);
  const staticKey = JSON.stringify([
    required.map((r) => [r.name, r.value ?? null]).sort(),
    [...new Set(staticMemberOf.map((q) => q.text))].sort(),
  ]);
  const fixed = { tcp: uniquePorts(request.hostPorts?.tcp), udp: uniquePorts(request.hostPorts?.udp) };
  const untranslated = untranslatedPorts(fixed, request.dynamicPorts);
  return {
    count: request.count,
    cpu: request.cpu,
    memory: request.memory,
    eni: request.eni ?? false,
    ...fixed,
    ...(untranslated ? { untranslated } : {}),
    group,
    required,
    memberOf,
    staticMemberOf,
    dynamicMemberOf: memberOf.filter((q) => q.usesTasks),
    distinct,
    steps: strategySteps(request.strategy, group),
    staticKey,
  };
}

function missingAttribute(live: LiveInstance, req: CompiledRequest): string | undefined {
  const attrs = live.facts.attributes;
  for (const r of req.required) {
    const v = attrs.get(r.name);
    if (v === undefined) return `missing required attribute ${r.name}`;
    if (r.value !== undefined && v !== r.value) {
      return `attribute ${r.name} is '${v === "" ? "(no value)" : v}', required '${r.value}'`;
    }
  }
  return undefined;
}

/** Steps 1–3 for instance i. */
function baseRejection(snapshot: ClusterSnapshot, i: number, req: CompiledRequest): Rejection | undefined {
  const instance = snapshot.instances[i]!;
  if (instance.status !== "ACTIVE") {
    return { reason: FailureReason.INACTIVE, detail: `container instance status is ${instance.status}, not ACTIVE` };
  }
  if (!instance.agentConnected) return { reason: FailureReason.AGENT, detail: "the agent is not connected" };
  const missing = missingAttribute(snapshot.live[i]!, req);
  if (missing !== undefined) return { reason: FailureReason.ATTRIBUTE, detail: missing };
  return undefined;
}

function memberOfRejection(q: CompiledQuery): Rejection {
  return { reason: FailureReason.MEMBER_OF, detail: `memberOf '${q.text}' is false` };
}

/** Steps 5–6 against the live state. */
function stateRejection(live: LiveInstance, req: CompiledRequest): Rejection | undefined {
  if (req.distinct && (live.facts.taskGroups.get(req.group) ?? 0) > 0) {
    return { reason: FailureReason.DISTINCT_INSTANCE, detail: `a task of group ${req.group} already runs here` };
  }
  if (live.cpu < req.cpu) {
    return { reason: FailureReason.CPU, detail: `needs ${req.cpu} CPU units, ${live.cpu} remaining` };
  }
  if (live.memory < req.memory) {
    return { reason: FailureReason.MEMORY, detail: `needs ${req.memory} MiB of memory, ${live.memory} remaining` };
  }
  // A fixed port's conflict is told plainly; one that only a dynamic mapping's containerPort
  // causes says why that port is reserved at all.
  const ports = hostPortsOn(live.facts.attributes, req);
  const tcp = portConflict(live.ports, req.tcp, "tcp") ?? untranslatedConflict(live.ports, req.tcp, ports.tcp, "tcp");
  if (tcp !== undefined) return { reason: FailureReason.PORTS, detail: tcp };
  const udp = portConflict(live.portsUdp, req.udp, "udp") ?? untranslatedConflict(live.portsUdp, req.udp, ports.udp, "udp");
  if (udp !== undefined) return { reason: FailureReason.PORTS_UDP, detail: udp };
  if (req.eni && live.enis < 1) return { reason: FailureReason.ENI, detail: "no ENI left for an awsvpc task (its limit is reached)" };
  return undefined;
}

function untranslatedConflict(reserved: ReadonlySet<number>, fixed: readonly number[], wanted: readonly number[], protocol: string): string | undefined {
  if (wanted === fixed) return undefined;
  const conflict = portConflict(reserved, wanted, protocol);
  return conflict === undefined ? undefined : conflict + UNTRANSLATED_NOTE;
}

function portConflict(reserved: ReadonlySet<number>, wanted: readonly number[], protocol: string): string | undefined {
  if (wanted.length === 0) return undefined;
  for (const p of wanted) if (reserved.has(p)) return `host port ${p}/${protocol} is already in use`;
  if (reserved.size + wanted.length > MAX_RESERVED_PORTS) {
    return `${reserved.size} ${protocol} host ports reserved; ${wanted.length} more would pass the limit of ${MAX_RESERVED_PORTS}`;
  }
  return undefined;
}

/**
 * The hot-path check for an instance that passed the static filters: task-dependent memberOf,
 * distinctInstance and resources. `clean` instances (not touched by this call) are in their
 * base state, so memberOf verdicts come from the snapshot's memo.
 */
export function dynamicFeasible(snapshot: ClusterSnapshot, live: LiveInstance, clean: boolean, req: CompiledRequest): boolean {
  if (live.cpu < req.cpu || live.memory < req.memory) return false;
  if (req.eni && live.enis < 1) return false;
  if (req.distinct && (live.facts.taskGroups.get(req.group) ?? 0) > 0) return false;
  const ports = hostPortsOn(live.facts.attributes, req);
  if (ports.tcp.length > 0 && portConflict(live.ports, ports.tcp, "tcp") !== undefined) return false;
  if (ports.udp.length > 0 && portConflict(live.portsUdp, ports.udp, "udp") !== undefined) return false;
  for (const q of req.dynamicMemberOf) {
    if (!(clean ? snapshot.matches(q, live.index) : q.test(live.facts))) return false;
  }
  return true;
}

/**
 * The full pipeline for one instance in its current state, in the documented order; a memberOf
 * failure names the first false expression in the order given.
 */
export function rejection(overlay: Overlay, i: number, req: CompiledRequest): Rejection | undefined {
  const snapshot = overlay.snapshot;
  const base = baseRejection(snapshot, i, req);
  if (base !== undefined) return base;
  const live = overlay.live(i);
  const clean = !overlay.isDirty(i);
  for (const q of req.memberOf) {
    const ok = clean || !q.usesTasks ? snapshot.matches(q, i) : q.test(live.facts);
    if (!ok) return memberOfRejection(q);
  }
  return stateRejection(live, req);
}

/** Steps 1–3 and the memberOf expressions that ignore tasks; no messages built for rejections. */
function passesStatic(snapshot: ClusterSnapshot, i: number, req: CompiledRequest): boolean {
  const instance = snapshot.instances[i]!;
  if (instance.status !== "ACTIVE" || !instance.agentConnected) return false;
  if (req.required.length > 0 && missingAttribute(snapshot.live[i]!, req) !== undefined) return false;
  for (const q of req.staticMemberOf) if (!snapshot.matches(q, i)) return false;
  return true;
}

/**
 * Indices of the instances passing the static filters, ascending; an index per snapshot and
 * request shape, since status, agent and attributes do not change while placing. Patched for a
 * derived snapshot by filtering its fresh instances only.
 */
export function staticCandidates(snapshot: ClusterSnapshot, req: CompiledRequest): Int32Array {
  return snapshot.index<Int32Array>(`static\u0000${req.staticKey}`, {
    build(s) {
      const list = new Int32Array(s.size);
      let n = 0;
      for (let i = 0; i < s.size; i++) if (passesStatic(s, i, req)) list[n++] = i;
      return list.slice(0, n);
    },
    patch(previous, whole, s) {
      const change = staticPart(whole);
      const added: number[] = [];
      for (const f of change.fresh) if (passesStatic(s, f, req)) added.push(f);
      return patchPositions(previous, change, added);
    },
  });
}

// RegisterTargets, DeregisterTargets, DescribeTargetHealth. Each registration is a key of its
// own; the group's key is guarded (not written), so a registration racing DeleteTargetGroup
// loses and finds the group gone.
import type { Scope } from "../../model/index.js";
import type { Op } from "../../store/index.js";
import { commit, guardOf, put, type Deps, type Guard } from "../deps.js";
import { ec2Keys, type SubnetRecord, type VpcRecord } from "../ec2/records.js";
import { scopePrefix } from "../keys.js";
import type { ContainerInstanceRecord } from "../records.js";
import { elbErrors } from "./errors.js";
import { getTargetGroup, listTargetHealth, listTargets, targetGroupUsage } from "./lookup.js";
import { elbKeys, targetKeyOf, type TargetGroupRecord, type TargetRecord } from "./records.js";
import { describeHealth } from "./target-health.js";
import { instanceTargetProblem, ipTargetProblem, INSTANCE_ID } from "./target-rules.js";
import { containsIp, parseCidr, parseIpv4 } from "../../model/index.js";

/** ELB's quota of targets per target group. */
export const MAX_TARGETS = 1000;

export interface TargetInput {
  Id?: string;
  Port?: number;
  AvailabilityZone?: string;
}

/** The targets of a request with their ports defaulted to the group's, each once. */
function normalize(tg: TargetGroupRecord, targets: TargetInput[]): { Id: string; Port: number; AvailabilityZone?: string }[] {
  if (targets.length === 0) throw elbErrors.validation("At least one target must be specified");
  const byKey = new Map<string, { Id: string; Port: number; AvailabilityZone?: string }>();
  for (const t of targets) {
    if (!t.Id) throw elbErrors.validation("A target ID must be specified for each target");
    const target = { Id: t.Id, Port: t.Port ?? tg.Port, ...(t.AvailabilityZone !== undefined ? { AvailabilityZone: t.AvailabilityZone } : {}) };
    byKey.set(targetKeyOf(target), target);
  }
  return [...byKey.values()];
}

function vpcCidrs(deps: Deps, scope: Scope, vpcId: string): string[] {
  const vpc = deps.cache.get<VpcRecord>(ec2Keys.vpc(scope, vpcId));
  return vpc ? [vpc.CidrBlock, ...vpc.CidrBlockAssociationSet.map((a) => a.CidrBlock)].filter((c, i, all) => all.indexOf(c) === i) : [];
}

/** An ip target's zone: its subnet's in the group's VPC, or "all" outside the VPC (as AWS requires). */
function zoneOf(deps: Deps, scope: Scope, vpcId: string, id: string): string {
  const ip = parseIpv4(id)!;
  const subnet = deps.cache
    .list<SubnetRecord>(ec2Keys.subnets(scope))
    .find((s) => s.VpcId === vpcId && containsIp(parseCidr(s.CidrBlock)!, ip));
  return subnet?.AvailabilityZone ?? "all";
}

export async function registerTargets(deps: Deps, scope: Scope, input: { TargetGroupArn: string; Targets: TargetInput[] }): Promise<Record<string, never>> {
  return commit(deps, () => {
    const tg = getTargetGroup(deps, scope, input.TargetGroupArn);
    const targets = normalize(tg, input.Targets);
    if (tg.TargetType === "ip") {
      const cidrs = vpcCidrs(deps, scope, tg.VpcId);
      for (const t of targets) {
        const problem = ipTargetProblem(t.Id, cidrs);
        if (problem) throw elbErrors.invalidTarget(problem);
      }
    } else {
      const instances = deps.cache.list<ContainerInstanceRecord>(`${scopePrefix(scope)}instances/`);
      const notRunning: string[] = [];
      for (const t of targets) {
        const found = instanceTargetProblem(t.Id, instances);
        if (found?.problem) throw elbErrors.invalidTarget(found.problem);
        if (found?.notRunning) notRunning.push(t.Id);
      }
      if (notRunning.length) throw elbErrors.targetsNotRunning(notRunning);
    }
    const existing = new Set(listTargets(deps, scope, tg.TargetGroupArn).map(targetKeyOf));
    // Registering a target that is registered already changes nothing.
    const added = targets.filter((t) => !existing.has(targetKeyOf(t)));
    if (existing.size + added.length > MAX_TARGETS) throw elbErrors.tooMany("TooManyTargets", "targets per target group", MAX_TARGETS);
    const now = deps.clock.now();
    const records: TargetRecord[] = added.map((t) => ({
      Id: t.Id,
      Port: t.Port,
      ...(t.AvailabilityZone !== undefined ? { AvailabilityZone: t.AvailabilityZone } : tg.TargetType === "ip" ? { AvailabilityZone: zoneOf(deps, scope, tg.VpcId, t.Id) } : {}),
      registeredAt: now,
    }));
    const guards: Guard[] = [guardOf(deps, elbKeys.targetGroup(scope, tg.TargetGroupArn)), ...records.map((r) => ({ key: elbKeys.target(scope, tg.TargetGroupArn, r), modRevision: 0 }))];
    const ops: Op[] = records.map((r) => put(elbKeys.target(scope, tg.TargetGroupArn, r), r));
    return { guards, ops, result: {} };
  });
}

/** Removes registrations; the data plane drains them. A target that is not registered is left alone (docs/design.md). */
export async function deregisterTargets(deps: Deps, scope: Scope, input: { TargetGroupArn: string; Targets: TargetInput[] }): Promise<Record<string, never>> {
  return commit(deps, () => {
    const tg = getTargetGroup(deps, scope, input.TargetGroupArn);
    const targets = normalize(tg, input.Targets);
    for (const t of targets) checkIdForm(tg, t.Id);
    const keys = targets.map((t) => elbKeys.target(scope, tg.TargetGroupArn, t)).filter((k) => deps.cache.getEntry(k));
    return { guards: keys.map((k) => guardOf(deps, k)), ops: keys.map((key): Op => ({ kind: "delete", key })), result: {} };
  });
}

/** An id that can never be a target of this group's type is InvalidTarget. */
function checkIdForm(tg: TargetGroupRecord, id: string): void {
  if (tg.TargetType === "ip" && parseIpv4(id) === undefined) throw elbErrors.invalidTarget(`'${id.slice(0, 64)}' is not an IPv4 address`);
  if (tg.TargetType === "instance" && !INSTANCE_ID.test(id)) throw elbErrors.invalidTarget(`'${id.slice(0, 64)}' is not an instance id`);
}

export function describeTargetHealth(deps: Deps, scope: Scope, input: { TargetGroupArn: string; Targets?: TargetInput[] }) {
  const tg = getTargetGroup(deps, scope, input.TargetGroupArn);
  const asked = input.Targets?.length
    ? input.Targets.map((t) => {
        if (!t.Id) throw elbErrors.validation("A target ID must be specified for each target");
        checkIdForm(tg, t.Id);
        return { Id: t.Id, ...(t.Port !== undefined ? { Port: t.Port } : {}) };
      })
    : undefined;
  const descriptions = describeHealth({
    tg,
    inUse: targetGroupUsage(deps, scope).has(tg.TargetGroupArn),
    registrations: listTargets(deps, scope, tg.TargetGroupArn),
    health: listTargetHealth(deps, scope, tg.TargetGroupArn),
    ...(asked ? { asked } : {}),
  });
  return { TargetHealthDescriptions: descriptions };
}

// CreateTargetGroup, DescribeTargetGroups, ModifyTargetGroup, DeleteTargetGroup and the target
// group's attributes. LoadBalancerArns is derived on read from the listeners and rules that
// forward to the group; it is never stored.
import type { Scope } from "../../model/index.js";
import { commit, guardOf, put, type Deps } from "../deps.js";
import { ensureDefaultVpc } from "../ec2/index.js";
import { ec2Keys } from "../ec2/records.js";
import { applyAttributes, attributeList, targetGroupAttributeSpecs, targetGroupDefaults, type Attribute } from "./attributes.js";
import { elbErrors } from "./errors.js";
import { healthCheck, targetGroupSettings, type HealthCheckInput, type TargetGroupInput } from "./health-check.js";
import { getLoadBalancer, getTargetGroup, listTargetGroups, targetGroupUsage } from "./lookup.js";
import { checkArn, checkName, elbArns } from "./names.js";
import { nameKeys } from "./name-keys.js";
import { pageOf, pickWanted, sortBy } from "./paging.js";
import { elbId, elbKeys, type TargetGroupRecord } from "./records.js";
import { checkTagInput } from "./tag-rules.js";

/** ELB's default quota of target groups per region. */
export const MAX_TARGET_GROUPS = 3000;

/** The members compared when a target group is created again with the same name. */
const SETTINGS: (keyof TargetGroupRecord)[] = [
  "Protocol",
  "Port",
  "VpcId",
  "TargetType",
  "ProtocolVersion",
  "HealthCheckProtocol",
  "HealthCheckPort",
  "HealthCheckPath",
  "HealthCheckIntervalSeconds",
  "HealthCheckTimeoutSeconds",
  "HealthyThresholdCount",
  "UnhealthyThresholdCount",
  "Matcher",
];

const sameSettings = (a: Partial<TargetGroupRecord>, b: Partial<TargetGroupRecord>) => SETTINGS.every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));

/** A target group as the API shows it, with the load balancers it serves. */
export function targetGroupView(tg: TargetGroupRecord, usage: Map<string, Set<string>>) {
  return { ...tg, LoadBalancerArns: [...(usage.get(tg.TargetGroupArn) ?? [])] };
}

export async function createTargetGroup(deps: Deps, scope: Scope, input: TargetGroupInput & { Name: string; Tags?: { Key?: string; Value?: string }[] }) {
  checkName("Target group", input.Name);
  const settings = targetGroupSettings(input);
  const tags = checkTagInput(input.Tags);
  await ensureDefaultVpc(deps, scope);
  const id = elbId();
  return commit(deps, () => {
    if (!deps.cache.get(ec2Keys.vpc(scope, settings.VpcId))) throw elbErrors.validation(`The VPC ID '${settings.VpcId}' is not found`);
    const existing = listTargetGroups(deps, scope).find((tg) => tg.TargetGroupName === input.Name);
    if (existing) {
      if (!sameSettings(existing, settings)) throw elbErrors.duplicateTargetGroupName();
      return { guards: [], ops: [], result: { TargetGroups: [targetGroupView(existing, targetGroupUsage(deps, scope))] } };
    }
    if (listTargetGroups(deps, scope).length >= MAX_TARGET_GROUPS) throw elbErrors.tooMany("TooManyTargetGroups", "target groups", MAX_TARGET_GROUPS);
    const arn = elbArns.targetGroup(scope, input.Name, id);
    const tg: TargetGroupRecord = {
      TargetGroupArn: arn,
      TargetGroupName: input.Name,
      ...settings,
      attributes: targetGroupDefaults(settings.Protocol, settings.TargetType),
      Tags: tags,
    };
    const key = elbKeys.targetGroup(scope, arn);
    const nameKey = nameKeys.targetGroup(scope, input.Name);
    return {
      guards: [
        { key, modRevision: 0 },
        { key: nameKey, modRevision: 0 },
      ],
      ops: [put(key, tg), put(nameKey, { arn })],
      result: { TargetGroups: [targetGroupView(tg, new Map())] },
    };
  });
}

export function describeTargetGroups(
  deps: Deps,
  scope: Scope,
  input: { LoadBalancerArn?: string; TargetGroupArns?: string[]; Names?: string[]; Marker?: string; PageSize?: number },
) {
  const given = [input.LoadBalancerArn !== undefined, !!input.TargetGroupArns?.length, !!input.Names?.length].filter(Boolean).length;
  if (given > 1) throw elbErrors.validation("Only one of load balancer ARN, target group ARNs or names can be specified");
  const usage = targetGroupUsage(deps, scope);
  let picked = sortBy(listTargetGroups(deps, scope), (tg) => `${tg.TargetGroupName}|${tg.TargetGroupArn}`);
  if (input.LoadBalancerArn !== undefined) {
    const lb = getLoadBalancer(deps, scope, input.LoadBalancerArn);
    picked = picked.filter((tg) => usage.get(tg.TargetGroupArn)?.has(lb.LoadBalancerArn));
  } else if (input.TargetGroupArns?.length) {
    for (const arn of input.TargetGroupArns) checkArn(scope, arn, "targetgroup", "TargetGroupArns");
    picked = pickWanted(picked, input.TargetGroupArns, (tg) => tg.TargetGroupArn, elbErrors.targetGroupNotFound);
  } else if (input.Names?.length) {
    picked = pickWanted(picked, input.Names, (tg) => tg.TargetGroupName, elbErrors.targetGroupNotFound);
  }
  const { items, NextMarker } = pageOf(picked, (tg) => `${tg.TargetGroupName}|${tg.TargetGroupArn}`, input.Marker, input.PageSize);
  return { TargetGroups: items.map((tg) => targetGroupView(tg, usage)), ...(NextMarker ? { NextMarker } : {}) };
}

export async function modifyTargetGroup(deps: Deps, scope: Scope, input: HealthCheckInput & { TargetGroupArn: string }) {
  return commit(deps, () => {
    const tg = getTargetGroup(deps, scope, input.TargetGroupArn);
    const next: TargetGroupRecord = { ...tg, HealthCheckPath: undefined, Matcher: undefined, ...healthCheck(tg.Protocol, tg.TargetType, tg, input) };
    const clean = JSON.parse(JSON.stringify(next)) as TargetGroupRecord;
    const key = elbKeys.targetGroup(scope, tg.TargetGroupArn);
    return { guards: [guardOf(deps, key)], ops: [put(key, clean)], result: { TargetGroups: [targetGroupView(clean, targetGroupUsage(deps, scope))] } };
  });
}

/**
 * Deletes a target group and its registrations. A group a listener or rule forwards to is
 * ResourceInUse. An unknown ARN succeeds, as DeleteLoadBalancer does (docs/design.md).
 */
export async function deleteTargetGroup(deps: Deps, scope: Scope, input: { TargetGroupArn: string }): Promise<Record<string, never>> {
  checkArn(scope, input.TargetGroupArn, "targetgroup", "TargetGroupArn");
  return commit(deps, () => {
    const key = elbKeys.targetGroup(scope, input.TargetGroupArn);
    const tg = deps.cache.get<TargetGroupRecord>(key);
    if (!tg || tg.TargetGroupArn !== input.TargetGroupArn) return { guards: [], ops: [], result: {} };
    if (targetGroupUsage(deps, scope).has(tg.TargetGroupArn)) {
      throw elbErrors.resourceInUse(`Target group '${tg.TargetGroupArn}' is currently in use by a listener or a rule`);
    }
    // The listeners and rules are read from the cache; a listener created meanwhile guards the
    // target group's key (listeners.ts), so one of the two commits loses and decides again.
    return {
      guards: [guardOf(deps, key)],
      ops: [
        { kind: "delete", key },
        { kind: "delete", key: nameKeys.targetGroup(scope, tg.TargetGroupName) },
        { kind: "deletePrefix", prefix: elbKeys.targets(scope, tg.TargetGroupArn) },
      ],
      result: {},
    };
  });
}

export function describeTargetGroupAttributes(deps: Deps, scope: Scope, input: { TargetGroupArn: string }) {
  return { Attributes: attributeList(getTargetGroup(deps, scope, input.TargetGroupArn).attributes) };
}

export async function modifyTargetGroupAttributes(deps: Deps, scope: Scope, input: { TargetGroupArn: string; Attributes: Attribute[] }) {
  return commit(deps, () => {
    const tg = getTargetGroup(deps, scope, input.TargetGroupArn);
    const attributes = applyAttributes(targetGroupAttributeSpecs(tg.Protocol, tg.TargetType), tg.attributes, input.Attributes, "Target group");
    const key = elbKeys.targetGroup(scope, tg.TargetGroupArn);
    return { guards: [guardOf(deps, key)], ops: [put(key, { ...tg, attributes })], result: { Attributes: attributeList(attributes) } };
  });
}

// Reads of ELBv2 records from the cache, with ELBv2's errors for ARNs that are malformed or unknown.
import type { Scope } from "../../model/index.js";
import type { Deps } from "../deps.js";
import { forwardedGroups } from "./actions.js";
import { elbErrors } from "./errors.js";
import { checkArn, loadBalancerArnOf } from "./names.js";
import {
  elbKeys,
  type ListenerRecord,
  type LoadBalancerRecord,
  type RuleRecord,
  type TargetGroupRecord,
  type TargetHealthRecord,
  type TargetRecord,
} from "./records.js";

export function getLoadBalancer(deps: Deps, scope: Scope, arn: string): LoadBalancerRecord {
  checkArn(scope, arn, "loadbalancer", "LoadBalancerArn");
  const lb = deps.cache.get<LoadBalancerRecord>(elbKeys.loadBalancer(scope, arn));
  if (!lb || lb.LoadBalancerArn !== arn) throw elbErrors.loadBalancerNotFound();
  return lb;
}

export function getTargetGroup(deps: Deps, scope: Scope, arn: string): TargetGroupRecord {
  checkArn(scope, arn, "targetgroup", "TargetGroupArn");
  const tg = deps.cache.get<TargetGroupRecord>(elbKeys.targetGroup(scope, arn));
  if (!tg || tg.TargetGroupArn !== arn) throw elbErrors.targetGroupNotFound();
  return tg;
}

export function getListener(deps: Deps, scope: Scope, arn: string): ListenerRecord {
  checkArn(scope, arn, "listener", "ListenerArn");
  const l = deps.cache.get<ListenerRecord>(elbKeys.listener(scope, arn));
  if (!l || l.ListenerArn !== arn) throw elbErrors.listenerNotFound();
  return l;
}

/** A stored (non-default) rule, or undefined; the caller decides about default rules. */
export function findRule(deps: Deps, scope: Scope, arn: string): RuleRecord | undefined {
  checkArn(scope, arn, "listener-rule", "RuleArn");
  const r = deps.cache.get<RuleRecord>(elbKeys.rule(scope, arn));
  return r && r.RuleArn === arn ? r : undefined;
}

export const listLoadBalancers = (deps: Deps, scope: Scope) => deps.cache.list<LoadBalancerRecord>(elbKeys.loadBalancers(scope));
export const listTargetGroups = (deps: Deps, scope: Scope) => deps.cache.list<TargetGroupRecord>(elbKeys.targetGroups(scope));
export const listListeners = (deps: Deps, scope: Scope, lbArn?: string) => deps.cache.list<ListenerRecord>(elbKeys.listeners(scope, lbArn));
export const listRules = (deps: Deps, scope: Scope, listenerArn?: string) => deps.cache.list<RuleRecord>(elbKeys.rules(scope, listenerArn));
export const listTargets = (deps: Deps, scope: Scope, tgArn: string) => deps.cache.list<TargetRecord>(elbKeys.targets(scope, tgArn));
export const listTargetHealth = (deps: Deps, scope: Scope, tgArn: string) => deps.cache.list<TargetHealthRecord>(elbKeys.targetHealths(scope, tgArn));

/**
 * Which load balancers each target group serves: those whose listeners' default actions or
 * rules forward to it. `LoadBalancerArns` of DescribeTargetGroups, and "in use" for deletes
 * and target health.
 */
export function targetGroupUsage(deps: Deps, scope: Scope): Map<string, Set<string>> {
  const usage = new Map<string, Set<string>>();
  const add = (tgArn: string, lbArn: string) => {
    const set = usage.get(tgArn) ?? new Set<string>();
    set.add(lbArn);
    usage.set(tgArn, set);
  };
  for (const l of listListeners(deps, scope)) for (const a of l.DefaultActions) for (const tg of forwardedGroups(a)) add(tg, l.LoadBalancerArn);
  for (const r of listRules(deps, scope)) for (const a of r.Actions) for (const tg of forwardedGroups(a)) add(tg, loadBalancerArnOf(r.ListenerArn));
  return usage;
}

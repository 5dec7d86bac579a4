// CreateRule, DescribeRules, ModifyRule, DeleteRule, SetRulePriorities. A listener's default rule
// is not stored: it is the listener's DefaultActions, shown with priority "default" under an ARN
// derived from the listener's, so it is the same on every call.
import { createHash } from "node:crypto";
import type { Scope } from "../../model/index.js";
import type { Op } from "../../store/index.js";
import { commit, guardOf, put, type Deps, type Guard } from "../deps.js";
import { checkActions, type ActionInput } from "./actions.js";
import { checkConditions, type ConditionInput } from "./conditions.js";
import { elbErrors } from "./errors.js";
import { forwardTargets } from "./forward-targets.js";
import { findRule, getListener, getLoadBalancer, listListeners, listRules } from "./lookup.js";
import { elbArns, listenerArnOf } from "./names.js";
import { pageOf } from "./paging.js";
import { elbId, elbKeys, type ListenerRecord, type LoadBalancerRecord, type RuleRecord } from "./records.js";
import { checkTagInput } from "./tag-rules.js";

/** ELB's quota of rules per application load balancer, default rules not counted. */
export const MAX_RULES = 100;

/** The default rule's ARN: the listener's ARN and 16 hex characters derived from it. */
export const defaultRuleArn = (listenerArn: string): string =>
  elbArns.rule(listenerArn, createHash("sha256").update(`default-rule:${listenerArn}`).digest("hex").slice(0, 16));

const ruleView = (r: RuleRecord) => ({ RuleArn: r.RuleArn, Priority: String(r.Priority), Conditions: r.Conditions, Actions: r.Actions, IsDefault: false });
const defaultRuleView = (l: ListenerRecord) => ({ RuleArn: defaultRuleArn(l.ListenerArn), Priority: "default", Conditions: [], Actions: l.DefaultActions, IsDefault: true });

/** The listener a rule may be added to, with its load balancer: application load balancers only. */
function ruleListener(deps: Deps, scope: Scope, listenerArn: string): { listener: ListenerRecord; lb: LoadBalancerRecord } {
  const listener = getListener(deps, scope, listenerArn);
  const lb = getLoadBalancer(deps, scope, listener.LoadBalancerArn);
  if (lb.Type !== "application") throw elbErrors.validation("Rules can only be added to listeners of application load balancers");
  return { listener, lb };
}

export async function createRule(
  deps: Deps,
  scope: Scope,
  input: { ListenerArn: string; Conditions: ConditionInput[]; Priority: number; Actions: ActionInput[]; Tags?: { Key?: string; Value?: string }[]; Transforms?: unknown[] },
) {
  if (input.Transforms?.length) throw elbErrors.validation("Rule transforms are not supported by berth's load balancers");
  const conditions = checkConditions(input.Conditions);
  const tags = checkTagInput(input.Tags);
  const id = elbId();
  return commit(deps, () => {
    const { listener, lb } = ruleListener(deps, scope, input.ListenerArn);
    const actions = checkActions(input.Actions, lb.Type);
    if (listRules(deps, scope, listener.ListenerArn).some((r) => r.Priority === input.Priority)) throw elbErrors.priorityInUse();
    const onLb = listListeners(deps, scope, lb.LoadBalancerArn).reduce((n, l) => n + listRules(deps, scope, l.ListenerArn).length, 0);
    if (onLb >= MAX_RULES) throw elbErrors.tooMany("TooManyRules", "rules per load balancer", MAX_RULES);
    const targets = forwardTargets(deps, scope, lb, actions);
    const rule: RuleRecord = { RuleArn: elbArns.rule(listener.ListenerArn, id), ListenerArn: listener.ListenerArn, Priority: input.Priority, Conditions: conditions, Actions: actions, Tags: tags };
    const key = elbKeys.rule(scope, rule.RuleArn);
    // The listener is written back unchanged so that two rules created at once with one
    // priority cannot both pass the check.
    const listenerKey = elbKeys.listener(scope, listener.ListenerArn);
    return {
      guards: [guardOf(deps, listenerKey), { key, modRevision: 0 }, ...targets.guards],
      ops: [put(listenerKey, listener), put(key, rule), ...targets.ops],
      result: { Rules: [ruleView(rule)] },
    };
  });
}

export function describeRules(deps: Deps, scope: Scope, input: { ListenerArn?: string; RuleArns?: string[]; Marker?: string; PageSize?: number }) {
  if (input.ListenerArn === undefined && !input.RuleArns?.length) throw elbErrors.validation("You must specify either a listener ARN or rule ARNs");
  if (input.ListenerArn !== undefined && input.RuleArns?.length) throw elbErrors.validation("Rule ARNs and a listener ARN cannot be specified at the same time");
  type View = ReturnType<typeof ruleView> | ReturnType<typeof defaultRuleView>;
  let views: View[];
  if (input.ListenerArn !== undefined) {
    const listener = getListener(deps, scope, input.ListenerArn);
    const rules = listRules(deps, scope, listener.ListenerArn).sort((a, b) => a.Priority - b.Priority);
    views = [...rules.map(ruleView), defaultRuleView(listener)];
  } else {
    views = [...new Set(input.RuleArns)].map((arn) => {
      const rule = findRule(deps, scope, arn);
      if (rule) return ruleView(rule);
      const listener = deps.cache.get<ListenerRecord>(elbKeys.listener(scope, listenerArnOf(arn)));
      if (listener && defaultRuleArn(listener.ListenerArn) === arn) return defaultRuleView(listener);
      throw elbErrors.ruleNotFound();
    });
  }
  // Pages follow the listing's order: rules by priority, the default rule last.
  const keyOf = (v: View) => `${v.Priority === "default" ? "99999" : v.Priority.padStart(5, "0")}|${v.RuleArn}`;
  const { items, NextMarker } = pageOf(views, keyOf, input.Marker, input.PageSize);
  return { Rules: items, ...(NextMarker ? { NextMarker } : {}) };
}

export async function modifyRule(deps: Deps, scope: Scope, input: { RuleArn: string; Conditions?: ConditionInput[]; Actions?: ActionInput[]; Transforms?: unknown[] }) {
  if (input.Transforms?.length) throw elbErrors.validation("Rule transforms are not supported by berth's load balancers");
  if (input.Conditions === undefined && input.Actions === undefined) throw elbErrors.validation("Either conditions or actions must be specified");
  const conditions = input.Conditions !== undefined ? checkConditions(input.Conditions) : undefined;
  return commit(deps, () => {
    const rule = findRule(deps, scope, input.RuleArn);
    if (!rule) return modifyDefaultRule(deps, scope, input.RuleArn, input.Actions, conditions);
    const { lb } = ruleListener(deps, scope, rule.ListenerArn);
    const actions = input.Actions !== undefined ? checkActions(input.Actions, lb.Type) : rule.Actions;
    const targets = forwardTargets(deps, scope, lb, actions);
    const next: RuleRecord = { ...rule, Conditions: conditions ?? rule.Conditions, Actions: actions };
    const key = elbKeys.rule(scope, rule.RuleArn);
    return { guards: [guardOf(deps, key), ...targets.guards], ops: [put(key, next), ...targets.ops], result: { Rules: [ruleView(next)] } };
  });
}

/** ModifyRule on a default rule changes its listener's default actions; it has no conditions. */
function modifyDefaultRule(deps: Deps, scope: Scope, ruleArn: string, actionInput: ActionInput[] | undefined, conditions: unknown[] | undefined) {
  const listener = deps.cache.get<ListenerRecord>(elbKeys.listener(scope, listenerArnOf(ruleArn)));
  if (!listener || defaultRuleArn(listener.ListenerArn) !== ruleArn) throw elbErrors.ruleNotFound();
  if (conditions !== undefined) throw elbErrors.operationNotPermitted("The default rule of a listener cannot have conditions");
  const lb = getLoadBalancer(deps, scope, listener.LoadBalancerArn);
  const actions = actionInput !== undefined ? checkActions(actionInput, lb.Type) : listener.DefaultActions;
  const targets = forwardTargets(deps, scope, lb, actions);
  const next: ListenerRecord = { ...listener, DefaultActions: actions };
  const key = elbKeys.listener(scope, listener.ListenerArn);
  return { guards: [guardOf(deps, key), ...targets.guards], ops: [put(key, next), ...targets.ops], result: { Rules: [defaultRuleView(next)] } };
}

export async function deleteRule(deps: Deps, scope: Scope, input: { RuleArn: string }): Promise<Record<string, never>> {
  return commit(deps, () => {
    const rule = findRule(deps, scope, input.RuleArn);
    if (!rule) {
      const listener = deps.cache.get<ListenerRecord>(elbKeys.listener(scope, listenerArnOf(input.RuleArn)));
      if (listener && defaultRuleArn(listener.ListenerArn) === input.RuleArn) throw elbErrors.operationNotPermitted(`Default rule '${input.RuleArn}' cannot be deleted`);
      throw elbErrors.ruleNotFound();
    }
    const key = elbKeys.rule(scope, rule.RuleArn);
    return { guards: [guardOf(deps, key)], ops: [{ kind: "delete", key }], result: {} };
  });
}

export async function setRulePriorities(deps: Deps, scope: Scope, input: { RulePriorities: { RuleArn?: string; Priority?: number }[] }) {
  const wanted = new Map<string, number>();
  const priorities = new Set<number>();
  for (const p of input.RulePriorities) {
    if (!p.RuleArn || p.Priority === undefined) throw elbErrors.validation("Each rule priority must have a rule ARN and a priority");
    if (priorities.has(p.Priority)) throw elbErrors.validation(`Priority '${p.Priority}' was provided multiple times`);
    if (wanted.has(p.RuleArn)) throw elbErrors.validation(`Rule '${p.RuleArn}' was provided multiple times`);
    priorities.add(p.Priority);
    wanted.set(p.RuleArn, p.Priority);
  }
  return commit(deps, () => {
    const rules = [...wanted.keys()].map((arn) => {
      const rule = findRule(deps, scope, arn);
      if (rule) return rule;
      const listener = deps.cache.get<ListenerRecord>(elbKeys.listener(scope, listenerArnOf(arn)));
      if (listener && defaultRuleArn(listener.ListenerArn) === arn) throw elbErrors.operationNotPermitted(`The priority of default rule '${arn}' cannot be changed`);
      throw elbErrors.ruleNotFound();
    });
    const next = rules.map((r) => ({ ...r, Priority: wanted.get(r.RuleArn)! }));
    // Within each listener, the rules not being moved keep their priorities; a moved rule may
    // not land on one of them.
    for (const listenerArn of new Set(next.map((r) => r.ListenerArn))) {
      const staying = listRules(deps, scope, listenerArn).filter((r) => !wanted.has(r.RuleArn));
      if (next.some((r) => r.ListenerArn === listenerArn && staying.some((s) => s.Priority === r.Priority))) throw elbErrors.priorityInUse();
    }
    const listenerKeys = [...new Set(next.map((r) => elbKeys.listener(scope, r.ListenerArn)))];
    const guards: Guard[] = [...rules.map((r) => guardOf(deps, elbKeys.rule(scope, r.RuleArn))), ...listenerKeys.map((k) => guardOf(deps, k))];
    const ops: Op[] = [...next.map((r) => put(elbKeys.rule(scope, r.RuleArn), r)), ...listenerKeys.map((k) => put(k, deps.cache.get(k)))];
    return { guards, ops, result: { Rules: next.sort((a, b) => a.Priority - b.Priority).map(ruleView) } };
  });
}

// CreateListener, DescribeListeners, ModifyListener, DeleteListener. A listener's default
// actions are its default rule (DescribeRules shows it with priority "default").
import type { Scope } from "../../model/index.js";
import { commit, guardOf, put, type Deps } from "../deps.js";
import { checkActions, type ActionInput } from "./actions.js";
import { elbErrors } from "./errors.js";
import { forwardTargets } from "./forward-targets.js";
import { checkListenerProtocol } from "./listener-rules.js";
import { getListener, getLoadBalancer, listListeners } from "./lookup.js";
import { checkArn, elbArns } from "./names.js";
import { pageOf, sortBy } from "./paging.js";
import { elbId, elbKeys, type ListenerRecord } from "./records.js";
import { checkTagInput } from "./tag-rules.js";

/** ELB's quota of listeners per load balancer. */
export const MAX_LISTENERS = 50;

interface ListenerInput {
  Protocol?: string;
  Port?: number;
  SslPolicy?: string;
  Certificates?: unknown[];
  AlpnPolicy?: string[];
  MutualAuthentication?: unknown;
  DefaultActions?: ActionInput[];
}

/** berth's listeners are plain HTTP or TCP: TLS settings have nothing to apply to. */
function refuseTls(input: ListenerInput): void {
  if (input.SslPolicy !== undefined || input.Certificates?.length || input.AlpnPolicy?.length || input.MutualAuthentication !== undefined) {
    throw elbErrors.validation("Certificates, SSL policies, ALPN policies and mutual authentication are not supported by berth's HTTP and TCP listeners");
  }
}

export async function createListener(deps: Deps, scope: Scope, input: ListenerInput & { LoadBalancerArn: string; DefaultActions: ActionInput[]; Tags?: { Key?: string; Value?: string }[] }) {
  refuseTls(input);
  const tags = checkTagInput(input.Tags);
  const id = elbId();
  return commit(deps, () => {
    const lb = getLoadBalancer(deps, scope, input.LoadBalancerArn);
    const protocol = checkListenerProtocol(lb, input.Protocol);
    if (input.Port === undefined) throw elbErrors.validation("A listener port must be specified");
    const actions = checkActions(input.DefaultActions, lb.Type);
    const siblings = listListeners(deps, scope, lb.LoadBalancerArn);
    if (siblings.some((l) => l.Port === input.Port)) throw elbErrors.duplicateListener();
    if (siblings.length >= MAX_LISTENERS) throw elbErrors.tooMany("TooManyListeners", "listeners per load balancer", MAX_LISTENERS);
    const targets = forwardTargets(deps, scope, lb, actions);
    const listener: ListenerRecord = {
      ListenerArn: elbArns.listener(lb.LoadBalancerArn, id),
      LoadBalancerArn: lb.LoadBalancerArn,
      Port: input.Port,
      Protocol: protocol,
      DefaultActions: actions,
      attributes: lb.Type === "network" ? { "tcp.idle_timeout.seconds": "350" } : {},
      Tags: tags,
    };
    const key = elbKeys.listener(scope, listener.ListenerArn);
    // The load balancer is written back unchanged so that two listeners created at once on one
    // port cannot both pass the duplicate check.
    const lbKey = elbKeys.loadBalancer(scope, lb.LoadBalancerArn);
    return {
      guards: [guardOf(deps, lbKey), { key, modRevision: 0 }, ...targets.guards],
      ops: [put(lbKey, lb), put(key, listener), ...targets.ops],
      result: { Listeners: [listener] },
    };
  });
}

export function describeListeners(deps: Deps, scope: Scope, input: { LoadBalancerArn?: string; ListenerArns?: string[]; Marker?: string; PageSize?: number }) {
  if (input.LoadBalancerArn === undefined && !input.ListenerArns?.length) throw elbErrors.validation("You must specify either listener ARNs or a load balancer ARN");
  if (input.LoadBalancerArn !== undefined && input.ListenerArns?.length) throw elbErrors.validation("Listener ARNs and a load balancer ARN cannot be specified at the same time");
  let picked: ListenerRecord[];
  if (input.LoadBalancerArn !== undefined) {
    picked = listListeners(deps, scope, getLoadBalancer(deps, scope, input.LoadBalancerArn).LoadBalancerArn);
  } else {
    picked = [...new Set(input.ListenerArns)].map((arn) => getListener(deps, scope, arn));
  }
  const keyOf = (l: ListenerRecord) => `${String(l.Port).padStart(5, "0")}|${l.ListenerArn}`;
  const { items, NextMarker } = pageOf(sortBy(picked, keyOf), keyOf, input.Marker, input.PageSize);
  return { Listeners: items, ...(NextMarker ? { NextMarker } : {}) };
}

export async function modifyListener(deps: Deps, scope: Scope, input: ListenerInput & { ListenerArn: string }) {
  refuseTls(input);
  return commit(deps, () => {
    const listener = getListener(deps, scope, input.ListenerArn);
    const lb = getLoadBalancer(deps, scope, listener.LoadBalancerArn);
    const protocol = input.Protocol !== undefined ? checkListenerProtocol(lb, input.Protocol) : listener.Protocol;
    const port = input.Port ?? listener.Port;
    const siblings = listListeners(deps, scope, lb.LoadBalancerArn).filter((l) => l.ListenerArn !== listener.ListenerArn);
    if (siblings.some((l) => l.Port === port)) throw elbErrors.duplicateListener();
    const actions = input.DefaultActions !== undefined ? checkActions(input.DefaultActions, lb.Type) : listener.DefaultActions;
    const targets = forwardTargets(deps, scope, lb, actions);
    const next: ListenerRecord = { ...listener, Port: port, Protocol: protocol, DefaultActions: actions };
    const key = elbKeys.listener(scope, listener.ListenerArn);
    const lbKey = elbKeys.loadBalancer(scope, lb.LoadBalancerArn);
    return {
      guards: [guardOf(deps, key), guardOf(deps, lbKey), ...targets.guards],
      ops: [put(key, next), put(lbKey, lb), ...targets.ops],
      result: { Listeners: [next] },
    };
  });
}

/** Deletes a listener and its rules. */
export async function deleteListener(deps: Deps, scope: Scope, input: { ListenerArn: string }): Promise<Record<string, never>> {
  checkArn(scope, input.ListenerArn, "listener", "ListenerArn");
  return commit(deps, () => {
    const listener = getListener(deps, scope, input.ListenerArn);
    const key = elbKeys.listener(scope, listener.ListenerArn);
    return {
      guards: [guardOf(deps, key)],
      ops: [
        { kind: "delete", key },
        { kind: "deletePrefix", prefix: elbKeys.rules(scope, listener.ListenerArn) },
      ],
      result: {},
    };
  });
}

// CreateService's and UpdateService's loadBalancers, checked as ECS checks them against ELBv2
// and the task definition (aws-neighbors.md §1.11, ecs-behavior.md §7.3). Quoted messages are
// ECS's as observed; the others are berth's, in the same form. The target groups, listeners and
// rules are read from the cache (src/domain/elbv2/records.ts), so nothing is written on error.
import type { LoadBalancer } from "@aws-sdk/client-ecs";
import { invalidParameter, type Scope } from "../model/index.js";
import type { Deps } from "./deps.js";
import { elbKeys, type ListenerRecord, type RuleRecord, type TargetGroupRecord } from "./elbv2/records.js";
import type { TaskDefinitionRecord } from "./records.js";

type Action = ListenerRecord["DefaultActions"][number];

/** ECS's limit on target groups per service. */
export const MAX_SERVICE_TARGET_GROUPS = 5;

/** Whether an action list forwards to the target group (a plain forward or one of a weighted set). */
export function forwardsTo(actions: readonly Action[], targetGroupArn: string): boolean {
  return actions.some(
    (a) => a.Type === "forward" && (a.TargetGroupArn === targetGroupArn || (a.ForwardConfig?.TargetGroups ?? []).some((g) => g.TargetGroupArn === targetGroupArn)),
  );
}

/**
 * A target group "has an associated load balancer" when some listener's default actions or some
 * rule forwards to it (ELBv2 derives LoadBalancerArns the same way).
 */
export function hasAssociatedLoadBalancer(deps: Deps, scope: Scope, targetGroupArn: string): boolean {
  return (
    deps.cache.list<ListenerRecord>(elbKeys.listeners(scope)).some((l) => forwardsTo(l.DefaultActions, targetGroupArn)) ||
    deps.cache.list<RuleRecord>(elbKeys.rules(scope)).some((r) => forwardsTo(r.Actions, targetGroupArn))
  );
}

export function checkLoadBalancers(deps: Deps, scope: Scope, loadBalancers: LoadBalancer[] | undefined, td: TaskDefinitionRecord): void {
  if (!loadBalancers || loadBalancers.length === 0) return;
  if (loadBalancers.length > MAX_SERVICE_TARGET_GROUPS) {
    throw invalidParameter(`Invalid parameter 'loadBalancers': a service can have at most ${MAX_SERVICE_TARGET_GROUPS} target groups, found ${loadBalancers.length}.`);
  }
  const mode = td.networkMode ?? "bridge";
  const seen = new Set<string>();
  for (const [i, lb] of loadBalancers.entries()) {
    if (lb.loadBalancerName !== undefined) {
      throw invalidParameter(`Invalid parameter 'loadBalancers[${i}].loadBalancerName': berth has no Classic Load Balancers; give a targetGroupArn.`);
    }
    const arn = lb.targetGroupArn ?? "";
    if (!arn) throw invalidParameter(`Invalid parameter 'loadBalancers[${i}].targetGroupArn': a target group ARN is required.`);
    if (lb.containerName === undefined || lb.containerPort === undefined) {
      throw invalidParameter(`Invalid parameter 'loadBalancers[${i}]': containerName and containerPort are required with a targetGroupArn.`);
    }
    const pair = `${arn}|${lb.containerName}|${lb.containerPort}`;
    if (seen.has(pair)) throw invalidParameter(`Invalid parameter 'loadBalancers[${i}]': the target group ${arn} is given twice for container ${lb.containerName} port ${lb.containerPort}.`);
    seen.add(pair);
    const tg = deps.cache.get<TargetGroupRecord>(elbKeys.targetGroup(scope, arn));
    // ECS answers an unknown target group (or a name where the ARN belongs) with this text: it
    // could not describe the group with its service role.
    if (!tg || tg.TargetGroupArn !== arn) {
      throw invalidParameter("Unable to assume role and validate the specified targetGroupArn. Please verify that the ECS service role being passed has the proper permissions.");
    }
    if (!hasAssociatedLoadBalancer(deps, scope, arn)) {
      throw invalidParameter(`The target group with targetGroupArn ${arn} does not have an associated load balancer.`);
    }
    if (mode === "awsvpc" && tg.TargetType !== "ip") {
      throw invalidParameter(`The provided target group ${arn} has target type ${tg.TargetType}, which is incompatible with the awsvpc network mode specified in the task definition.`);
    }
    if ((mode === "bridge" || mode === "host") && tg.TargetType !== "instance") {
      throw invalidParameter(`The provided target group ${arn} has target type ${tg.TargetType}, which is incompatible with the ${mode} network mode specified in the task definition.`);
    }
    const container = (td.containerDefinitions ?? []).find((c) => c.name === lb.containerName);
    if (!container) throw invalidParameter(`The container ${lb.containerName} does not exist in the task definition.`);
    if (!(container.portMappings ?? []).some((p) => p.containerPort === lb.containerPort)) {
      throw invalidParameter(`The container ${lb.containerName} did not have a container port ${lb.containerPort} defined.`);
    }
  }
}

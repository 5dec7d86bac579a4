// The target groups a listener's or rule's actions forward to, read and checked for one load
// balancer. Each is "touched" (written back unchanged) in the same commit, so that a concurrent
// DeleteTargetGroup, or a listener of another load balancer taking the same group, loses its
// guard and decides again instead of both succeeding.
import type { Scope } from "../../model/index.js";
import type { Op } from "../../store/index.js";
import { guardOf, put, type Deps, type Guard } from "../deps.js";
import { forwardedGroups, type Action } from "./actions.js";
import { elbErrors } from "./errors.js";
import { checkTargetGroupFits } from "./listener-rules.js";
import { targetGroupUsage } from "./lookup.js";
import { kindOfArn } from "./names.js";
import { elbKeys, type LoadBalancerRecord, type TargetGroupRecord } from "./records.js";

export function forwardTargets(deps: Deps, scope: Scope, lb: LoadBalancerRecord, actions: Action[]): { guards: Guard[]; ops: Op[] } {
  const usage = targetGroupUsage(deps, scope);
  const guards: Guard[] = [];
  const ops: Op[] = [];
  for (const arn of new Set(actions.flatMap(forwardedGroups))) {
    const key = kindOfArn(scope, arn) === "targetgroup" ? elbKeys.targetGroup(scope, arn) : undefined;
    const tg = key ? deps.cache.get<TargetGroupRecord>(key) : undefined;
    if (!key || !tg || tg.TargetGroupArn !== arn) throw elbErrors.forwardTargetGroupNotFound(arn);
    checkTargetGroupFits(lb, tg, usage.get(arn));
    guards.push(guardOf(deps, key));
    ops.push(put(key, tg));
  }
  return { guards, ops };
}

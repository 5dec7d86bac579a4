// AddTags, RemoveTags, DescribeTags on load balancers, target groups, listeners and rules; tags
// live in each resource's record. At most 20 resources per call; one commit for all of them.
import type { Scope } from "../../model/index.js";
import { commit, guardOf, put, type Deps } from "../deps.js";
import { elbErrors } from "./errors.js";
import { kindOfArn } from "./names.js";
import { elbKeys, type ElbTag } from "./records.js";
import { checkTagInput, mergeTags } from "./tag-rules.js";

export const MAX_TAG_RESOURCES = 20;

interface Tagged {
  Tags: ElbTag[];
}

/** The key of a taggable resource, or the not-found error of its kind. */
function resourceOf(deps: Deps, scope: Scope, arn: string): { key: string; record: Tagged } {
  const kind = kindOfArn(scope, arn);
  if (!kind) throw elbErrors.validation(`'${arn.slice(0, 200)}' is not a valid load balancer, target group, listener or rule ARN`);
  const key = {
    loadbalancer: () => elbKeys.loadBalancer(scope, arn),
    targetgroup: () => elbKeys.targetGroup(scope, arn),
    listener: () => elbKeys.listener(scope, arn),
    "listener-rule": () => elbKeys.rule(scope, arn),
  }[kind]();
  const record = deps.cache.get<Tagged & Record<string, unknown>>(key);
  const arnOf = (r: Record<string, unknown>) => r.LoadBalancerArn === arn || r.TargetGroupArn === arn || r.ListenerArn === arn || r.RuleArn === arn;
  if (!record || !arnOf(record) || (kind === "listener-rule" && record.RuleArn !== arn) || (kind === "listener" && record.ListenerArn !== arn)) {
    throw {
      loadbalancer: elbErrors.loadBalancerNotFound,
      targetgroup: elbErrors.targetGroupNotFound,
      listener: elbErrors.listenerNotFound,
      "listener-rule": elbErrors.ruleNotFound,
    }[kind]();
  }
  return { key, record };
}

function checkResourceCount(arns: string[]): string[] {
  const unique = [...new Set(arns)];
  if (unique.length > MAX_TAG_RESOURCES) throw elbErrors.validation(`At most ${MAX_TAG_RESOURCES} resource ARNs can be specified; found ${unique.length}`);
  return unique;
}

export async function addTags(deps: Deps, scope: Scope, input: { ResourceArns: string[]; Tags: { Key?: string; Value?: string }[] }): Promise<Record<string, never>> {
  const arns = checkResourceCount(input.ResourceArns);
  const tags = checkTagInput(input.Tags);
  if (tags.length === 0) throw elbErrors.validation("At least one tag must be specified");
  return commit(deps, () => {
    const found = arns.map((arn) => ({ arn, ...resourceOf(deps, scope, arn) }));
    return {
      guards: found.map((f) => guardOf(deps, f.key)),
      ops: found.map((f) => put(f.key, { ...f.record, Tags: mergeTags(f.arn, f.record.Tags, tags) })),
      result: {},
    };
  });
}

export async function removeTags(deps: Deps, scope: Scope, input: { ResourceArns: string[]; TagKeys: string[] }): Promise<Record<string, never>> {
  const arns = checkResourceCount(input.ResourceArns);
  const drop = new Set(input.TagKeys);
  return commit(deps, () => {
    const found = arns.map((arn) => resourceOf(deps, scope, arn));
    return {
      guards: found.map((f) => guardOf(deps, f.key)),
      ops: found.map((f) => put(f.key, { ...f.record, Tags: f.record.Tags.filter((t) => !drop.has(t.Key)) })),
      result: {},
    };
  });
}

export function describeTags(deps: Deps, scope: Scope, input: { ResourceArns: string[] }) {
  const arns = checkResourceCount(input.ResourceArns);
  return { TagDescriptions: arns.map((arn) => ({ ResourceArn: arn, Tags: resourceOf(deps, scope, arn).record.Tags })) };
}

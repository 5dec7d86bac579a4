// The ELBv2 operations berth answers (elasticloadbalancing, 2015-12-01), each a thin call into
// the domain layer. Input arrives parsed and checked against the model's constraints.
import { elbv2, type Deps } from "../../domain/index.js";
import type { QueryHandler, QueryService } from "../query-service.js";
import { elbv2Model } from "./model.generated.js";

export function elbv2Handlers(deps: Deps): Record<string, QueryHandler> {
  return {
    CreateLoadBalancer: (ctx, input) => elbv2.createLoadBalancer(deps, ctx.scope, input),
    DescribeLoadBalancers: (ctx, input) => elbv2.describeLoadBalancers(deps, ctx.scope, input),
    DeleteLoadBalancer: (ctx, input) => elbv2.deleteLoadBalancer(deps, ctx.scope, input),
    DescribeLoadBalancerAttributes: (ctx, input) => elbv2.describeLoadBalancerAttributes(deps, ctx.scope, input),
    ModifyLoadBalancerAttributes: (ctx, input) => elbv2.modifyLoadBalancerAttributes(deps, ctx.scope, input),
    CreateTargetGroup: (ctx, input) => elbv2.createTargetGroup(deps, ctx.scope, input),
    DescribeTargetGroups: (ctx, input) => elbv2.describeTargetGroups(deps, ctx.scope, input),
    ModifyTargetGroup: (ctx, input) => elbv2.modifyTargetGroup(deps, ctx.scope, input),
    DeleteTargetGroup: (ctx, input) => elbv2.deleteTargetGroup(deps, ctx.scope, input),
    DescribeTargetGroupAttributes: (ctx, input) => elbv2.describeTargetGroupAttributes(deps, ctx.scope, input),
    ModifyTargetGroupAttributes: (ctx, input) => elbv2.modifyTargetGroupAttributes(deps, ctx.scope, input),
    CreateListener: (ctx, input) => elbv2.createListener(deps, ctx.scope, input),
    DescribeListeners: (ctx, input) => elbv2.describeListeners(deps, ctx.scope, input),
    ModifyListener: (ctx, input) => elbv2.modifyListener(deps, ctx.scope, input),
    DeleteListener: (ctx, input) => elbv2.deleteListener(deps, ctx.scope, input),
    CreateRule: (ctx, input) => elbv2.createRule(deps, ctx.scope, input),
    DescribeRules: (ctx, input) => elbv2.describeRules(deps, ctx.scope, input),
    ModifyRule: (ctx, input) => elbv2.modifyRule(deps, ctx.scope, input),
    DeleteRule: (ctx, input) => elbv2.deleteRule(deps, ctx.scope, input),
    SetRulePriorities: (ctx, input) => elbv2.setRulePriorities(deps, ctx.scope, input),
    RegisterTargets: (ctx, input) => elbv2.registerTargets(deps, ctx.scope, input),
    DeregisterTargets: (ctx, input) => elbv2.deregisterTargets(deps, ctx.scope, input),
    DescribeTargetHealth: (ctx, input) => elbv2.describeTargetHealth(deps, ctx.scope, input),
    AddTags: (ctx, input) => elbv2.addTags(deps, ctx.scope, input),
    RemoveTags: (ctx, input) => elbv2.removeTags(deps, ctx.scope, input),
    DescribeTags: (ctx, input) => elbv2.describeTags(deps, ctx.scope, input),
  };
}

export function elbv2Service(deps: Deps): QueryService {
  return {
    model: elbv2Model,
    handlers: elbv2Handlers(deps),
    // The query protocol's generic codes; every constraint breach is ValidationError, as ELBv2 answers.
    inputErrors: { missing: "ValidationError", invalid: "ValidationError", unknown: "ValidationError", constraint: "ValidationError" },
  };
}

// The EC2 operations berth answers (its network subset), each a thin call into the domain
// layer. Input arrives parsed from the query parameters by the ec2 model.
import { ec2, type Deps } from "../../domain/index.js";
import { AwsError } from "../../model/index.js";
import type { QueryHandler, QueryService } from "../query-service.js";
import { ec2Model } from "./model.generated.js";

/** DryRun asks only whether the call would be allowed; berth allows every caller. */
function dryRun(input: { DryRun?: boolean }): void {
  if (input.DryRun) throw new AwsError("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412);
}

const withDryRun =
  (h: QueryHandler): QueryHandler =>
  (ctx, input) => {
    dryRun(input);
    return h(ctx, input);
  };

export function ec2Handlers(deps: Deps): Record<string, QueryHandler> {
  const handlers: Record<string, QueryHandler> = {
    CreateVpc: (ctx, input) => ec2.createVpc(deps, ctx.scope, input),
    DescribeVpcs: (ctx, input) => ec2.describeVpcs(deps, ctx.scope, input),
    DeleteVpc: (ctx, input) => ec2.deleteVpc(deps, ctx.scope, input),
    CreateSubnet: (ctx, input) => ec2.createSubnet(deps, ctx.scope, input),
    DescribeSubnets: (ctx, input) => ec2.describeSubnets(deps, ctx.scope, input),
    DeleteSubnet: (ctx, input) => ec2.deleteSubnet(deps, ctx.scope, input),
    CreateSecurityGroup: (ctx, input) => ec2.createSecurityGroup(deps, ctx.scope, input),
    DescribeSecurityGroups: (ctx, input) => ec2.describeSecurityGroups(deps, ctx.scope, input),
    DeleteSecurityGroup: (ctx, input) => ec2.deleteSecurityGroup(deps, ctx.scope, input),
    AuthorizeSecurityGroupIngress: (ctx, input) => ec2.authorizeIngress(deps, ctx.scope, input),
    RevokeSecurityGroupIngress: (ctx, input) => ec2.revokeIngress(deps, ctx.scope, input),
    DescribeNetworkInterfaces: (ctx, input) => ec2.describeNetworkInterfaces(deps, ctx.scope, input),
  };
  return Object.fromEntries(Object.entries(handlers).map(([name, h]) => [name, withDryRun(h)]));
}

export function ec2Service(deps: Deps): QueryService {
  return {
    model: ec2Model,
    handlers: ec2Handlers(deps),
    inputErrors: { missing: "MissingParameter", invalid: "InvalidParameterValue", unknown: "UnknownParameter" },
  };
}

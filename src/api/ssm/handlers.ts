// The Parameter Store operations of AWS Systems Manager berth answers, each a thin call into the
// domain layer with the caller's account and region. Input arrives already checked against the
// model; nothing here logs an input or an output, since either may carry a SecureString value.
import { ssm, type SecretDeps } from "../../domain/index.js";
import type { Handler } from "../json-service.js";

export function ssmHandlers(deps: SecretDeps): Record<string, Handler> {
  return {
    PutParameter: (ctx, input) => ssm.putParameter(deps, ctx.scope, input),
    GetParameter: (ctx, input) => ssm.getParameter(deps, ctx.scope, input),
    GetParameters: (ctx, input) => ssm.getParameters(deps, ctx.scope, input),
    GetParametersByPath: (ctx, input) => ssm.getParametersByPath(deps, ctx.scope, input),
    DeleteParameter: (ctx, input) => ssm.deleteParameter(deps, ctx.scope, input),
    DeleteParameters: (ctx, input) => ssm.deleteParameters(deps, ctx.scope, input),
    DescribeParameters: (ctx, input) => ssm.describeParameters(deps, ctx.scope, input),
    AddTagsToResource: (ctx, input) => ssm.addTagsToResource(deps, ctx.scope, input),
    RemoveTagsFromResource: (ctx, input) => ssm.removeTagsFromResource(deps, ctx.scope, input),
    ListTagsForResource: (ctx, input) => ssm.listTagsForResource(deps, ctx.scope, input),
  };
}

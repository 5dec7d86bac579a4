// The STS operations berth answers (sts, 2011-06-15): who is calling, and role sessions.
import { iam, type Deps } from "../../domain/index.js";
import type { QueryHandler, QueryService } from "../query-service.js";
import { stsModel } from "./model.generated.js";

export function stsHandlers(deps: Deps): Record<string, QueryHandler> {
  return {
    // Needs no permission, and answers even under an explicit deny (as STS does).
    GetCallerIdentity: (ctx) => iam.getCallerIdentity(iam.callerOf(ctx)),
    AssumeRole: (ctx, input) => iam.assumeRole(deps, iam.callerOf(ctx), ctx.scope.region, input),
  };
}

export function stsService(deps: Deps): QueryService {
  return {
    model: stsModel,
    handlers: stsHandlers(deps),
    inputErrors: { missing: "ValidationError", invalid: "ValidationError", unknown: "ValidationError", constraint: "ValidationError" },
  };
}

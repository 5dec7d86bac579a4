// The AWS Secrets Manager operations berth answers, each a thin call into the domain layer with
// the caller's account and region. Input arrives already checked against the model; nothing
// here logs an input or an output, since either may carry a secret value.
import { secretsManager, type SecretDeps } from "../../domain/index.js";
import type { Handler } from "../json-service.js";

export function secretsManagerHandlers(deps: SecretDeps): Record<string, Handler> {
  return {
    CreateSecret: (ctx, input) => secretsManager.createSecret(deps, ctx.scope, input),
    PutSecretValue: (ctx, input) => secretsManager.putSecretValue(deps, ctx.scope, input),
    GetSecretValue: (ctx, input) => secretsManager.getSecretValue(deps, ctx.scope, input),
    DescribeSecret: (ctx, input) => secretsManager.describeSecret(deps, ctx.scope, input),
    ListSecrets: (ctx, input) => secretsManager.listSecrets(deps, ctx.scope, input),
    ListSecretVersionIds: (ctx, input) => secretsManager.listSecretVersionIds(deps, ctx.scope, input),
    DeleteSecret: (ctx, input) => secretsManager.deleteSecret(deps, ctx.scope, input),
    RestoreSecret: (ctx, input) => secretsManager.restoreSecret(deps, ctx.scope, input),
    TagResource: (ctx, input) => secretsManager.tagResource(deps, ctx.scope, input),
    UntagResource: (ctx, input) => secretsManager.untagResource(deps, ctx.scope, input),
  };
}

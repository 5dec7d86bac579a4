// The IAM operations berth answers (iam, 2010-05-08), each a thin call into the domain layer.
// IAM is global: every operation acts on the caller's account, whatever region it signed for.
import { iam, type Deps } from "../../domain/index.js";
import type { RequestContext } from "../context.js";
import type { QueryHandler, QueryService } from "../query-service.js";
import { iamModel } from "./model.generated.js";

const account = (ctx: RequestContext) => iam.callerOf(ctx).accountId;

export function iamHandlers(deps: Deps): Record<string, QueryHandler> {
  return {
    CreateUser: (ctx, input) => iam.createUser(deps, account(ctx), input),
    GetUser: (ctx, input) => iam.getUser(deps, iam.callerOf(ctx), input),
    ListUsers: (ctx, input) => iam.listUsers(deps, account(ctx), input),
    DeleteUser: (ctx, input) => iam.deleteUser(deps, account(ctx), input),
    CreateAccessKey: (ctx, input) => iam.createAccessKey(deps, iam.callerOf(ctx), input),
    DeleteAccessKey: (ctx, input) => iam.deleteAccessKey(deps, iam.callerOf(ctx), input),
    ListAccessKeys: (ctx, input) => iam.listAccessKeys(deps, iam.callerOf(ctx), input),
    UpdateAccessKey: (ctx, input) => iam.updateAccessKey(deps, iam.callerOf(ctx), input),
    CreateRole: (ctx, input) => iam.createRole(deps, account(ctx), input),
    GetRole: (ctx, input) => iam.getRole(deps, account(ctx), input),
    ListRoles: (ctx, input) => iam.listRoles(deps, account(ctx), input),
    DeleteRole: (ctx, input) => iam.deleteRole(deps, account(ctx), input),
    UpdateAssumeRolePolicy: (ctx, input) => iam.updateAssumeRolePolicy(deps, account(ctx), input),
    PutRolePolicy: (ctx, input) => iam.putInlinePolicy(deps, "role", account(ctx), input.RoleName, input),
    GetRolePolicy: (ctx, input) => iam.getInlinePolicy(deps, "role", account(ctx), input.RoleName, input),
    DeleteRolePolicy: (ctx, input) => iam.deleteInlinePolicy(deps, "role", account(ctx), input.RoleName, input),
    ListRolePolicies: (ctx, input) => iam.listInlinePolicies(deps, "role", account(ctx), input.RoleName, input),
    PutUserPolicy: (ctx, input) => iam.putInlinePolicy(deps, "user", account(ctx), input.UserName, input),
    GetUserPolicy: (ctx, input) => iam.getInlinePolicy(deps, "user", account(ctx), input.UserName, input),
    DeleteUserPolicy: (ctx, input) => iam.deleteInlinePolicy(deps, "user", account(ctx), input.UserName, input),
    ListUserPolicies: (ctx, input) => iam.listInlinePolicies(deps, "user", account(ctx), input.UserName, input),
    CreatePolicy: (ctx, input) => iam.createPolicy(deps, account(ctx), input),
    GetPolicy: (ctx, input) => iam.getPolicy(deps, account(ctx), input),
    GetPolicyVersion: (ctx, input) => iam.getPolicyVersion(deps, account(ctx), input),
    ListPolicies: (ctx, input) => iam.listPolicies(deps, account(ctx), input),
    DeletePolicy: (ctx, input) => iam.deletePolicy(deps, account(ctx), input),
    AttachRolePolicy: (ctx, input) => iam.attachPolicy(deps, "role", account(ctx), input.RoleName, input),
    DetachRolePolicy: (ctx, input) => iam.detachPolicy(deps, "role", account(ctx), input.RoleName, input),
    ListAttachedRolePolicies: (ctx, input) => iam.listAttachedPolicies(deps, "role", account(ctx), input.RoleName, input),
    AttachUserPolicy: (ctx, input) => iam.attachPolicy(deps, "user", account(ctx), input.UserName, input),
    DetachUserPolicy: (ctx, input) => iam.detachPolicy(deps, "user", account(ctx), input.UserName, input),
    ListAttachedUserPolicies: (ctx, input) => iam.listAttachedPolicies(deps, "user", account(ctx), input.UserName, input),
  };
}

export function iamService(deps: Deps): QueryService {
  return {
    model: iamModel,
    handlers: iamHandlers(deps),
    // IAM answers malformed and out-of-range input as ValidationError (its model's common error).
    inputErrors: { missing: "ValidationError", invalid: "ValidationError", unknown: "ValidationError", constraint: "ValidationError" },
  };
}

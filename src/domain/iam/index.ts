// IAM and STS over the store: users, access keys, roles, inline and managed policies, role
// sessions. The first block is the contract other modules build on (request authentication,
// authorization, ECS task roles); keep it stable. The rest is what the IAM and STS APIs call.

// ── The contract ──────────────────────────────────────────────────────────────────────────────
/** Who a request is from; `CallerIdentity` is a principal with its account (RequestContext.principal). */
export { type Principal, type PrincipalKind, type CallerIdentity, rootPrincipal, callerOf } from "./principal.js";
/** `lookupAccessKey(deps, accessKeyId): Promise<AccessKeyRecord | undefined>` */
export { lookupAccessKey, type AccessKeyRecord } from "./access-keys.js";
export { isIssuedAccessKeyId } from "./names.js";
/** `identityPolicies(deps, accountId, principal): Promise<PolicyDocument[]>` (root: none). */
export { identityPolicies } from "./identity-policies.js";
export type { PolicyDocument } from "./policy-documents.js";
/** `assumeRoleForService(deps, { accountId, roleArn, sessionName, durationSeconds, servicePrincipal, sourceArn? })` */
export { assumeRoleForService, revokeSession, sweepExpiredSessions, type ServiceAssumeRequest, type TemporaryCredentials } from "./sessions.js";
/** The cache indexes IAM needs (the access key index lookupAccessKey reads). */
export { iamIndexes } from "./records.js";

// ── The operations ───────────────────────────────────────────────────────────────────────────
export { createUser, getUserOp as getUser, listUsersOp as listUsers, deleteUser } from "./users.js";
export { createAccessKey, deleteAccessKey, listAccessKeys, updateAccessKey } from "./access-keys.js";
export { createRole, getRoleOp as getRole, listRolesOp as listRoles, deleteRole, updateAssumeRolePolicy } from "./roles.js";
export { putInlinePolicy, getInlinePolicy, deleteInlinePolicy, listInlinePolicies } from "./inline-policies.js";
export { createPolicy, getPolicy, getPolicyVersion, listPolicies, deletePolicy } from "./policies.js";
export { attachPolicy, detachPolicy, listAttachedPolicies } from "./attachments.js";
export { getCallerIdentity, assumeRole } from "./sts.js";

// Every identity-based policy that applies to a principal: a user's inline and attached managed
// policies, or, for a role session, its role's. What authorization evaluates each request with.
import type { Deps } from "../deps.js";
import { findManagedPolicy, findRole, findUser } from "./lookup.js";
import { parseIamArn } from "./names.js";
import { storedPolicy, type PolicyDocument } from "./policy-documents.js";
import type { Principal } from "./principal.js";
import type { RoleRecord, UserRecord } from "./records.js";

/**
 * The principal's identity policies, parsed; none for the root (the root is allowed everything
 * no policy denies) and none for a principal that no longer exists. A user or role deleted and
 * made again under the same name is another entity (another unique id): principals of the old
 * one get nothing of the new one's.
 */
export async function identityPolicies(deps: Deps, accountId: string, principal: Principal): Promise<PolicyDocument[]> {
  const entity = entityOf(deps, accountId, principal);
  if (!entity) return [];
  const docs = Object.values(entity.inlinePolicies).map((text) => storedPolicy(text, "identity"));
  for (const arn of entity.attachedPolicies) {
    const ref = findManagedPolicy(deps, accountId, arn);
    const version = ref?.policy.versions.find((v) => v.VersionId === ref.policy.DefaultVersionId);
    if (version) docs.push(storedPolicy(version.Document, "identity"));
  }
  return docs;
}

function entityOf(deps: Deps, accountId: string, principal: Principal): UserRecord | RoleRecord | undefined {
  if (principal.kind === "user") {
    const arn = parseIamArn(principal.arn);
    const user = arn?.kind === "user" ? findUser(deps, accountId, arn.name) : undefined;
    return user && user.UserId === principal.userId ? user : undefined;
  }
  if (principal.kind === "assumed-role" && principal.roleArn) {
    const arn = parseIamArn(principal.roleArn);
    const role = arn?.kind === "role" ? findRole(deps, accountId, arn.name) : undefined;
    // A session's userId is `<RoleId>:<session name>`.
    return role && principal.userId.startsWith(`${role.RoleId}:`) ? role : undefined;
  }
  return undefined;
}

// The rules of AssumeRole that need no store (aws-neighbors.md §3.1): who may assume a role,
// for how long, and the condition keys its trust policy is evaluated with. Pure.
import type { Decision, RequestContext, TrustDecision } from "../iam-policy/index.js";
import type { CallerIdentity } from "./principal.js";

export const DEFAULT_SESSION_SECONDS = 3600;
export const MIN_SESSION_SECONDS = 900;
export const MAX_SESSION_SECONDS = 43200;
/** A role session assuming another role (role chaining) gets at most an hour. */
export const CHAINED_SESSION_SECONDS = 3600;

/**
 * Whether a caller may assume a role, from the two policies that have a say:
 *   - the role's trust policy must allow the caller, always;
 *   - the caller's identity policies must allow sts:AssumeRole on the role too, unless the trust
 *     policy names the caller itself (its ARN, or for a session its role's ARN) in the role's
 *     own account. Naming the account (`123456789012`, `…:root`) or everyone (`*`) only
 *     delegates to the account's identity policies;
 *   - an explicit Deny in either wins.
 * `identity` is the caller's identity policies' decision (the root's is Allow unless denied).
 */
export function mayAssume(trust: TrustDecision, identity: Decision, sameAccount: boolean): boolean {
  if (trust.decision !== "Allow" || identity.decision === "ExplicitDeny") return false;
  if (identity.decision === "Allow") return true;
  // "role": the trust names the role of the calling session. It would stay limited by the
  // session's policies, and berth issues sessions without any (sts.ts refuses them).
  return sameAccount && (trust.matchedBy === "principal" || trust.matchedBy === "role");
}

/** The session's length in seconds, or the reason it cannot be that long (STS's ValidationError). */
export function sessionSeconds(requested: number | undefined, roleMax: number, chained: boolean): { seconds: number } | { error: string } {
  const seconds = requested ?? DEFAULT_SESSION_SECONDS;
  if (chained && seconds > CHAINED_SESSION_SECONDS) {
    return { error: "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining." };
  }
  if (seconds > roleMax) return { error: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role." };
  return { seconds };
}

/**
 * The condition keys a trust policy is evaluated with when an IAM principal assumes a role.
 * For a role session, aws:PrincipalArn is the role's ARN (as IAM sets it), not the session's.
 */
export function assumeRoleContext(
  caller: CallerIdentity,
  request: { sessionName: string; externalId?: string; sourceIdentity?: string; region: string },
  now: number,
): RequestContext {
  const ctx: Record<string, string | boolean> = {
    "aws:PrincipalArn": caller.kind === "assumed-role" && caller.roleArn ? caller.roleArn : caller.arn,
    "aws:PrincipalAccount": caller.accountId,
    "aws:PrincipalType": caller.kind === "root" ? "Account" : caller.kind === "user" ? "User" : "AssumedRole",
    "aws:userid": caller.userId,
    "aws:CurrentTime": new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z"),
    "aws:EpochTime": String(Math.floor(now / 1000)),
    "aws:RequestedRegion": request.region,
    "aws:SecureTransport": false,
    "sts:RoleSessionName": request.sessionName,
  };
  if (caller.kind === "user") ctx["aws:username"] = caller.arn.slice(caller.arn.lastIndexOf("/") + 1);
  if (request.externalId !== undefined) ctx["sts:ExternalId"] = request.externalId;
  if (request.sourceIdentity !== undefined) ctx["sts:SourceIdentity"] = request.sourceIdentity;
  return ctx;
}

// STS: GetCallerIdentity and AssumeRole. AssumeRole checks the role's trust policy and the
// caller's identity policies (assume-role-rules.ts says how they combine) and issues a session.
// A role that does not exist is refused exactly as one that does not trust the caller, as STS
// does, so AssumeRole tells nobody which roles exist.
import type { Deps } from "../deps.js";
import { evaluate, trustAllows } from "../iam-policy/index.js";
import { assumeRoleContext, mayAssume, sessionSeconds } from "./assume-role-rules.js";
import { iamErrors } from "./errors.js";
import { identityPolicies } from "./identity-policies.js";
import { checkSessionName, parseIamArn } from "./names.js";
import { storedPolicy } from "./policy-documents.js";
import type { CallerIdentity } from "./principal.js";
import { issueSession, roleOfArn } from "./sessions.js";

export function getCallerIdentity(caller: CallerIdentity) {
  return { UserId: caller.userId, Account: caller.accountId, Arn: caller.arn };
}

export interface AssumeRoleInput {
  RoleArn: string;
  RoleSessionName: string;
  DurationSeconds?: number;
  ExternalId?: string;
  SourceIdentity?: string;
  SerialNumber?: string;
  TokenCode?: string;
  Policy?: string;
  PolicyArns?: unknown[];
  Tags?: unknown[];
  TransitiveTagKeys?: unknown[];
  ProvidedContexts?: unknown[];
}

/**
 * Members berth refuses rather than ignore: session policies and session tags change what the
 * session may do, so accepting them without applying them would grant more than was asked.
 */
const UNSUPPORTED: (keyof AssumeRoleInput)[] = ["Policy", "PolicyArns", "Tags", "TransitiveTagKeys", "ProvidedContexts"];

const EXTERNAL_ID = /^[\w+=,.@:/-]*$/;
const SOURCE_IDENTITY = /^[\w+=,.@-]*$/;

export async function assumeRole(deps: Deps, caller: CallerIdentity, region: string, input: AssumeRoleInput) {
  for (const member of UNSUPPORTED) {
    if (input[member] !== undefined) throw iamErrors.validation(`berth does not support ${member} on AssumeRole yet (session policies and session tags).`);
  }
  checkSessionName(input.RoleSessionName);
  if (input.ExternalId !== undefined && !EXTERNAL_ID.test(input.ExternalId)) {
    throw iamErrors.constraint("ExternalId", input.ExternalId, "Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*");
  }
  if (input.SourceIdentity !== undefined && (!SOURCE_IDENTITY.test(input.SourceIdentity) || input.SourceIdentity.startsWith("aws:"))) {
    throw iamErrors.constraint("SourceIdentity", input.SourceIdentity, "Member must satisfy regular expression pattern: [\\w+=,.@-]*");
  }
  const arn = parseIamArn(input.RoleArn);
  if (!arn || arn.kind !== "role") throw iamErrors.validation("Request ARN is invalid");

  const denied = () => iamErrors.accessDenied(caller.arn, "sts:AssumeRole", input.RoleArn);
  const role = roleOfArn(deps, input.RoleArn);
  if (!role) throw denied();
  const now = deps.clock.now();
  const context = assumeRoleContext(
    caller,
    {
      sessionName: input.RoleSessionName,
      region,
      ...(input.ExternalId !== undefined ? { externalId: input.ExternalId } : {}),
      ...(input.SourceIdentity !== undefined ? { sourceIdentity: input.SourceIdentity } : {}),
    },
    now,
  );
  const principal = { arn: caller.arn, accountId: caller.accountId, kind: caller.kind };
  const trust = trustAllows(storedPolicy(role.AssumeRolePolicyDocument, "trust"), principal, "sts:AssumeRole", context);
  const identity = evaluate(
    { principal, action: "sts:AssumeRole", resource: role.Arn, context },
    caller.kind === "root" ? [] : await identityPolicies(deps, caller.accountId, caller),
  );
  if (!mayAssume(trust, identity, caller.accountId === arn.accountId)) throw denied();

  const duration = sessionSeconds(input.DurationSeconds, role.MaxSessionDuration, caller.kind === "assumed-role");
  if ("error" in duration) throw iamErrors.validation(duration.error);
  const creds = await issueSession(deps, role, arn.accountId, {
    sessionName: input.RoleSessionName,
    seconds: duration.seconds,
    issuedTo: caller.arn,
    ...(input.SourceIdentity !== undefined ? { sourceIdentity: input.SourceIdentity } : {}),
  });
  return {
    Credentials: {
      AccessKeyId: creds.accessKeyId,
      SecretAccessKey: creds.secretAccessKey,
      SessionToken: creds.sessionToken,
      Expiration: Date.parse(creds.expiration),
    },
    AssumedRoleUser: { AssumedRoleId: creds.assumedRoleId, Arn: creds.assumedRoleArn },
    ...(input.SourceIdentity !== undefined ? { SourceIdentity: input.SourceIdentity } : {}),
  };
}

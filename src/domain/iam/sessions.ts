// Temporary credentials: issued by STS AssumeRole and by assumeRoleForService (ECS's task roles),
// stored so request authentication can verify them (lookupAccessKey), and swept an hour after
// they expire. A session is one key of its own: issuing one never contends with anything else.
import { randomBytes } from "node:crypto";
import { commit, put, type Deps } from "../deps.js";
import { trustAllows } from "../iam-policy/index.js";
import { MAX_SESSION_SECONDS, MIN_SESSION_SECONDS } from "./assume-role-rules.js";
import { iamErrors } from "./errors.js";
import { findRole } from "./lookup.js";
import { checkSessionName, formatAccessKeyId, formatSecret, iamArns, parseIamArn } from "./names.js";
import { storedPolicy } from "./policy-documents.js";
import { iamKeys, SESSION_INDEX, type RoleRecord, type StoredSession } from "./records.js";

/** How long an expired session is kept, so a late request hears ExpiredToken rather than "unknown key". */
export const EXPIRED_SESSION_KEPT_MS = 60 * 60_000;

/** Credentials handed out for a role session. */
export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ISO 8601, whole seconds. */
  expiration: string;
  roleArn: string;
  /** `<RoleId>:<session name>` */
  assumedRoleId: string;
  /** arn:aws:sts::<acct>:assumed-role/<role>/<session> */
  assumedRoleArn: string;
}

/** Writes a new session of `role` and returns its credentials. */
export async function issueSession(
  deps: Deps,
  role: RoleRecord,
  accountId: string,
  request: { sessionName: string; seconds: number; issuedTo: string; sourceIdentity?: string },
): Promise<TemporaryCredentials> {
  const now = deps.clock.now();
  const session: StoredSession = {
    AccessKeyId: formatAccessKeyId("ASIA", randomBytes(16)),
    SecretAccessKey: formatSecret(randomBytes(40)),
    // An opaque token like STS's (they are several hundred characters of base64).
    SessionToken: randomBytes(192).toString("base64"),
    // STS's expirations are whole seconds.
    expiresAt: Math.floor((now + request.seconds * 1000) / 1000) * 1000,
    createdAt: now,
    accountId,
    roleArn: role.Arn,
    roleId: role.RoleId,
    roleName: role.RoleName,
    sessionName: request.sessionName,
    assumedRoleArn: iamArns.assumedRole(accountId, role.RoleName, request.sessionName),
    issuedTo: request.issuedTo,
    ...(request.sourceIdentity !== undefined ? { SourceIdentity: request.sourceIdentity } : {}),
  };
  const key = iamKeys.session(accountId, session.AccessKeyId);
  await commit(deps, () => ({ guards: [{ key, modRevision: 0 }], ops: [put(key, session)], result: undefined }));
  return credentialsOf(session);
}

function credentialsOf(s: StoredSession): TemporaryCredentials {
  return {
    accessKeyId: s.AccessKeyId,
    secretAccessKey: s.SecretAccessKey,
    sessionToken: s.SessionToken,
    expiration: new Date(s.expiresAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
    roleArn: s.roleArn,
    assumedRoleId: `${s.roleId}:${s.sessionName}`,
    assumedRoleArn: s.assumedRoleArn,
  };
}

export interface ServiceAssumeRequest {
  accountId: string;
  roleArn: string;
  /** ECS uses the task's id. */
  sessionName: string;
  /** 900–43200. Task role sessions are not capped by the role's MaxSessionDuration, as on ECS. */
  durationSeconds: number;
  servicePrincipal: "ecs-tasks.amazonaws.com";
  /** aws:SourceArn for the trust policy's conditions (ECS passes the cluster's or task's ARN). */
  sourceArn?: string;
}

/**
 * What berth's control plane calls for a task role's credentials: the role must exist in the
 * account and its trust policy must admit the service principal (conditions on aws:SourceAccount
 * and aws:SourceArn included). NoSuchEntity when the role is missing, AccessDenied when it does
 * not trust the service, ValidationError for a bad session name, duration or role ARN.
 */
export async function assumeRoleForService(deps: Deps, request: ServiceAssumeRequest): Promise<TemporaryCredentials> {
  checkSessionName(request.sessionName);
  if (!Number.isInteger(request.durationSeconds) || request.durationSeconds < MIN_SESSION_SECONDS || request.durationSeconds > MAX_SESSION_SECONDS) {
    throw iamErrors.validation(`DurationSeconds ${request.durationSeconds} is not an integer between ${MIN_SESSION_SECONDS} and ${MAX_SESSION_SECONDS}`);
  }
  const role = roleOfArn(deps, request.roleArn);
  if (!role || parseIamArn(request.roleArn)!.accountId !== request.accountId) throw iamErrors.noSuchRole(parseIamArn(request.roleArn)?.name ?? request.roleArn);
  const now = deps.clock.now();
  const context = {
    "aws:SourceAccount": request.accountId,
    ...(request.sourceArn !== undefined ? { "aws:SourceArn": request.sourceArn } : {}),
    "aws:CurrentTime": new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z"),
    "aws:EpochTime": String(Math.floor(now / 1000)),
    "sts:RoleSessionName": request.sessionName,
  };
  const trust = trustAllows(storedPolicy(role.AssumeRolePolicyDocument, "trust"), { service: request.servicePrincipal }, "sts:AssumeRole", context);
  if (trust.decision !== "Allow") {
    throw iamErrors.serviceDenied(request.servicePrincipal, "sts:AssumeRole", role.Arn);
  }
  return issueSession(deps, role, request.accountId, { sessionName: request.sessionName, seconds: request.durationSeconds, issuedTo: request.servicePrincipal });
}

/** The role an ARN names (a well-formed `arn:aws:iam::<acct>:role/<path><name>` whose path matches too). */
export function roleOfArn(deps: Deps, roleArn: string): RoleRecord | undefined {
  const arn = parseIamArn(roleArn);
  if (!arn || arn.kind !== "role") return undefined;
  const role = findRole(deps, arn.accountId, arn.name);
  return role && role.Arn === roleArn ? role : undefined;
}

/** Ends a session before it expires (a stopped task's credentials). No error when it is gone already. */
export async function revokeSession(deps: Deps, accountId: string, accessKeyId: string): Promise<void> {
  const key = iamKeys.session(accountId, accessKeyId);
  await commit(deps, () => {
    const entry = deps.cache.getEntry(key);
    if (!entry) return { guards: [], ops: [], result: undefined };
    return { guards: [{ key, modRevision: entry.modRevision }], ops: [{ kind: "delete" as const, key }], result: undefined };
  });
}

/** Deletes sessions that expired more than EXPIRED_SESSION_KEPT_MS ago, in every account. */
export async function sweepExpiredSessions(deps: Deps): Promise<number> {
  const cutoff = deps.clock.now() - EXPIRED_SESSION_KEPT_MS;
  const stale = deps.cache.byIndexEntries<StoredSession>(SESSION_INDEX, "all").filter((e) => e.value.expiresAt < cutoff);
  for (let i = 0; i < stale.length; i += 100) {
    const batch = stale.slice(i, i + 100);
    // Unguarded deletes: a session is never rewritten, so there is nothing to lose.
    await commit(deps, () => ({ guards: [], ops: batch.map((e) => ({ kind: "delete" as const, key: e.key })), result: undefined }));
  }
  return stale.length;
}

// CreateAccessKey, DeleteAccessKey, ListAccessKeys, UpdateAccessKey, and lookupAccessKey: the
// one read request authentication makes, which finds a long-term key or a role session's
// temporary key by its id, whatever account holds it.
import { randomBytes } from "node:crypto";
import { commit, guardOf, put, type Deps } from "../deps.js";
import { iamErrors } from "./errors.js";
import { findUser, getUser } from "./lookup.js";
import { formatAccessKeyId, formatSecret } from "./names.js";
import { pageOf, sortBy, type PageInput } from "./paging.js";
import { rootPrincipal, type CallerIdentity, type Principal } from "./principal.js";
import { ACCESS_KEY_INDEX, iamKeys, type AccessKeyStatus, type StoredAccessKey, type StoredSession, type UserRecord } from "./records.js";
import { userNameOf } from "./users.js";

/** IAM's quota of access keys per user (and for the root). */
export const MAX_KEYS_PER_USER = 2;

/** What authentication needs to know about an access key id. */
export interface AccessKeyRecord {
  accessKeyId: string;
  secretAccessKey: string;
  accountId: string;
  status: AccessKeyStatus;
  principal: Principal;
  /** Temporary credentials only: the token the request must carry (X-Amz-Security-Token). */
  sessionToken?: string;
  /** Temporary credentials only: ISO 8601; a request after it is ExpiredToken. */
  expiration?: string;
}

/**
 * The key with this id, long-term or temporary, in any account; undefined when none exists (or
 * its user is gone). Expired temporary keys are still found for a while (sessions.ts sweeps
 * them), so a late request hears ExpiredToken rather than that the key is unknown.
 */
export async function lookupAccessKey(deps: Deps, accessKeyId: string): Promise<AccessKeyRecord | undefined> {
  const entry = deps.cache.byIndexEntries<StoredAccessKey | StoredSession>(ACCESS_KEY_INDEX, accessKeyId)[0];
  if (!entry) return undefined;
  // /berth/<account>/global/<kind>/<id>
  const accountId = entry.key.split("/")[2]!;
  const v = entry.value;
  if ("SessionToken" in v) {
    return {
      accessKeyId: v.AccessKeyId,
      secretAccessKey: v.SecretAccessKey,
      accountId,
      status: "Active",
      principal: { kind: "assumed-role", arn: v.assumedRoleArn, userId: `${v.roleId}:${v.sessionName}`, roleArn: v.roleArn },
      sessionToken: v.SessionToken,
      expiration: new Date(v.expiresAt).toISOString(),
    };
  }
  let principal: Principal;
  if (v.UserName === undefined) {
    const { accountId: _, ...root } = rootPrincipal(accountId);
    principal = root;
  } else {
    const user = findUser(deps, accountId, v.UserName);
    if (!user || user.UserId !== v.userId) return undefined;
    principal = { kind: "user", arn: user.Arn, userId: user.UserId };
  }
  return { accessKeyId: v.AccessKeyId, secretAccessKey: v.SecretAccessKey, accountId, status: v.Status, principal };
}

/** Whose keys an operation is about: the named user, else the caller (a user, or the root). */
function ownerOf(deps: Deps, caller: CallerIdentity, userName: string | undefined): UserRecord | "root" {
  if (userName !== undefined) return getUser(deps, caller.accountId, userName);
  if (caller.kind === "root") return "root";
  if (caller.kind === "user") return getUser(deps, caller.accountId, userNameOf(caller.arn));
  throw iamErrors.validation("Must specify userName when calling with non-User credentials");
}

function keysOf(deps: Deps, accountId: string, owner: UserRecord | "root"): StoredAccessKey[] {
  const all = deps.cache.list<StoredAccessKey>(iamKeys.accessKeys(accountId));
  return owner === "root" ? all.filter((k) => k.UserName === undefined) : all.filter((k) => k.userId === owner.UserId);
}

const metadataOf = (k: StoredAccessKey) => ({
  ...(k.UserName !== undefined ? { UserName: k.UserName } : {}),
  AccessKeyId: k.AccessKeyId,
  Status: k.Status,
  CreateDate: k.CreateDate,
});

export async function createAccessKey(deps: Deps, caller: CallerIdentity, input: { UserName?: string }) {
  const accessKeyId = formatAccessKeyId("AKIA", randomBytes(16));
  const secret = formatSecret(randomBytes(40));
  return commit(deps, () => {
    const owner = ownerOf(deps, caller, input.UserName);
    if (keysOf(deps, caller.accountId, owner).length >= MAX_KEYS_PER_USER) {
      throw iamErrors.limitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${MAX_KEYS_PER_USER}`);
    }
    const stored: StoredAccessKey = {
      AccessKeyId: accessKeyId,
      SecretAccessKey: secret,
      ...(owner === "root" ? {} : { UserName: owner.UserName, userId: owner.UserId }),
      Status: "Active",
      CreateDate: deps.clock.now(),
    };
    const key = iamKeys.accessKey(caller.accountId, accessKeyId);
    const guards = [{ key, modRevision: 0 }];
    const ops = [put(key, stored)];
    if (owner !== "root") {
      // Rewriting the user makes a concurrent DeleteUser (guarded on the user) fail and look again.
      const userKey = iamKeys.user(caller.accountId, owner.UserName);
      guards.push(guardOf(deps, userKey));
      ops.push(put(userKey, owner));
    }
    return { guards, ops, result: { AccessKey: { ...metadataOf(stored), SecretAccessKey: secret } } };
  });
}

/** The owner's key with this id, or NoSuchEntity (another user's key is not found either). */
function ownedKey(deps: Deps, caller: CallerIdentity, userName: string | undefined, accessKeyId: string) {
  const owner = ownerOf(deps, caller, userName);
  const key = iamKeys.accessKey(caller.accountId, accessKeyId);
  const entry = deps.cache.getEntry<StoredAccessKey>(key);
  const mine = entry && (owner === "root" ? entry.value.UserName === undefined : entry.value.userId === owner.UserId);
  if (!entry || !mine) throw iamErrors.noSuchAccessKey(accessKeyId);
  return { key, entry };
}

export async function deleteAccessKey(deps: Deps, caller: CallerIdentity, input: { UserName?: string; AccessKeyId: string }) {
  return commit(deps, () => {
    const { key, entry } = ownedKey(deps, caller, input.UserName, input.AccessKeyId);
    return { guards: [{ key, modRevision: entry.modRevision }], ops: [{ kind: "delete" as const, key }], result: {} };
  });
}

export async function updateAccessKey(deps: Deps, caller: CallerIdentity, input: { UserName?: string; AccessKeyId: string; Status: string }) {
  if (input.Status !== "Active" && input.Status !== "Inactive") {
    throw iamErrors.constraint("Status", input.Status, "Member must satisfy enum value set: [Active, Inactive]");
  }
  const status: AccessKeyStatus = input.Status;
  return commit(deps, () => {
    const { key, entry } = ownedKey(deps, caller, input.UserName, input.AccessKeyId);
    if (entry.value.Status === status) return { guards: [], ops: [], result: {} };
    return { guards: [{ key, modRevision: entry.modRevision }], ops: [put(key, { ...entry.value, Status: status })], result: {} };
  });
}

export function listAccessKeys(deps: Deps, caller: CallerIdentity, input: PageInput & { UserName?: string }) {
  const owner = ownerOf(deps, caller, input.UserName);
  const keys = sortBy(keysOf(deps, caller.accountId, owner), (k) => k.AccessKeyId);
  const page = pageOf(keys, (k) => k.AccessKeyId, input);
  return { AccessKeyMetadata: page.items.map(metadataOf), IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
}

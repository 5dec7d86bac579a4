// CreateUser, GetUser, ListUsers, DeleteUser. A user is deleted only once it holds nothing:
// no access keys, no inline policies, no attached managed policies (DeleteConflict otherwise).
import { randomBytes } from "node:crypto";
import { commit, put, type Deps } from "../deps.js";
import { iamErrors } from "./errors.js";
import { getUser, listUsers } from "./lookup.js";
import { checkName, checkPath, checkPathPrefix, formatId, iamArns } from "./names.js";
import { pageOf, sortBy, type PageInput } from "./paging.js";
import type { CallerIdentity } from "./principal.js";
import { iamKeys, type StoredAccessKey, type UserRecord } from "./records.js";
import { checkTags } from "./tags.js";

/** IAM's default quota of users per account. */
export const MAX_USERS = 5000;

export function userView(u: UserRecord, withTags: boolean) {
  return {
    Path: u.Path,
    UserName: u.UserName,
    UserId: u.UserId,
    Arn: u.Arn,
    CreateDate: u.CreateDate,
    ...(withTags && u.Tags.length > 0 ? { Tags: u.Tags } : {}),
  };
}

export async function createUser(deps: Deps, accountId: string, input: { UserName: string; Path?: string; Tags?: { Key: string; Value: string }[]; PermissionsBoundary?: string }) {
  checkName("UserName", input.UserName, 64);
  const path = checkPath("Path", input.Path, "entity");
  const tags = checkTags(input.Tags);
  if (input.PermissionsBoundary !== undefined) throw iamErrors.invalidInput("berth does not support permissions boundaries (PermissionsBoundary) yet.");
  const id = formatId("AIDA", randomBytes(17));
  return commit(deps, () => {
    const key = iamKeys.user(accountId, input.UserName);
    if (deps.cache.get(key)) throw iamErrors.alreadyExists("User", input.UserName);
    if (listUsers(deps, accountId).length >= MAX_USERS) throw iamErrors.limitExceeded(`Cannot exceed quota for UsersPerAccount: ${MAX_USERS}`);
    const user: UserRecord = {
      UserName: input.UserName,
      UserId: id,
      Arn: iamArns.user(accountId, path, input.UserName),
      Path: path,
      CreateDate: deps.clock.now(),
      Tags: tags,
      inlinePolicies: {},
      attachedPolicies: [],
    };
    return { guards: [{ key, modRevision: 0 }], ops: [put(key, user)], result: { User: userView(user, true) } };
  });
}

/**
 * GetUser of a name, or of the caller when none is given: a user sees itself, the root sees the
 * account (its ARN and id, no name), a role session has no user to see.
 */
export function getUserOp(deps: Deps, caller: CallerIdentity, input: { UserName?: string }) {
  if (input.UserName !== undefined) return { User: userView(getUser(deps, caller.accountId, input.UserName), true) };
  // IAM answers the root with its id and ARN only (berth keeps no account creation date).
  if (caller.kind === "root") return { User: { UserId: caller.accountId, Arn: caller.arn } };
  if (caller.kind === "user") return { User: userView(getUser(deps, caller.accountId, userNameOf(caller.arn)), true) };
  throw iamErrors.validation("Must specify userName when calling with non-User credentials");
}

export function listUsersOp(deps: Deps, accountId: string, input: PageInput & { PathPrefix?: string }) {
  const prefix = checkPathPrefix("PathPrefix", input.PathPrefix, "entity");
  const users = sortBy(
    listUsers(deps, accountId).filter((u) => u.Path.startsWith(prefix)),
    (u) => u.UserName.toLowerCase(),
  );
  const page = pageOf(users, (u) => u.UserName.toLowerCase(), input);
  return { Users: page.items.map((u) => userView(u, false)), IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
}

export async function deleteUser(deps: Deps, accountId: string, input: { UserName: string }) {
  return commit(deps, () => {
    const key = iamKeys.user(accountId, input.UserName);
    const entry = deps.cache.getEntry<UserRecord>(key);
    if (!entry) throw iamErrors.noSuchUser(input.UserName);
    const user = entry.value;
    const keys = deps.cache.list<StoredAccessKey>(iamKeys.accessKeys(accountId)).filter((k) => k.userId === user.UserId);
    if (keys.length > 0) throw iamErrors.deleteConflict("Cannot delete entity, must delete access keys first.");
    if (Object.keys(user.inlinePolicies).length > 0) throw iamErrors.deleteConflict("Cannot delete entity, must delete policies first.");
    if (user.attachedPolicies.length > 0) throw iamErrors.deleteConflict("Cannot delete entity, must detach all policies first.");
    return {
      // CreateAccessKey rewrites the user it adds a key to, so this guard also fails when a key
      // was added after the check above.
      guards: [{ key, modRevision: entry.modRevision }],
      ops: [{ kind: "delete" as const, key }],
      result: {},
    };
  });
}

/** The user name at the end of a user ARN (`arn:aws:iam::<acct>:user/<path><name>`). */
export function userNameOf(arn: string): string {
  return arn.slice(arn.lastIndexOf("/") + 1);
}

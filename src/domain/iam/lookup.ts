// Reads of IAM records from the cache, with IAM's errors for names and ARNs that name nothing.
import type { Deps } from "../deps.js";
import { awsManagedPolicy } from "./aws-managed-policies.js";
import { iamErrors, type EntityKind } from "./errors.js";
import { checkPolicyArn } from "./names.js";
import { iamKeys, type ManagedPolicyRecord, type RoleRecord, type UserRecord } from "./records.js";

export function findUser(deps: Deps, accountId: string, name: string): UserRecord | undefined {
  return deps.cache.get<UserRecord>(iamKeys.user(accountId, name));
}

export function getUser(deps: Deps, accountId: string, name: string): UserRecord {
  const user = findUser(deps, accountId, name);
  if (!user) throw iamErrors.noSuchUser(name);
  return user;
}

export function findRole(deps: Deps, accountId: string, name: string): RoleRecord | undefined {
  return deps.cache.get<RoleRecord>(iamKeys.role(accountId, name));
}

export function getRole(deps: Deps, accountId: string, name: string): RoleRecord {
  const role = findRole(deps, accountId, name);
  if (!role) throw iamErrors.noSuchRole(name);
  return role;
}

export const listUsers = (deps: Deps, accountId: string) => deps.cache.list<UserRecord>(iamKeys.users(accountId));
export const listRoles = (deps: Deps, accountId: string) => deps.cache.list<RoleRecord>(iamKeys.roles(accountId));
export const listCustomerPolicies = (deps: Deps, accountId: string) => deps.cache.list<ManagedPolicyRecord>(iamKeys.policies(accountId));

/** A managed policy an entity of `accountId` can use: the account's own, or one of AWS's. */
export interface ManagedPolicyRef {
  policy: ManagedPolicyRecord;
  /** The store key of a customer managed policy (absent for AWS's). */
  key?: string;
  aws: boolean;
}

/** The managed policy an ARN names, or undefined (after IAM's check that it is a policy ARN). */
export function findManagedPolicy(deps: Deps, accountId: string, arn: string): ManagedPolicyRef | undefined {
  const parsed = checkPolicyArn(arn);
  if (parsed.accountId === "aws") {
    const policy = awsManagedPolicy(arn);
    return policy ? { policy, aws: true } : undefined;
  }
  if (parsed.accountId !== accountId) return undefined;
  const key = iamKeys.policy(accountId, parsed.name);
  const policy = deps.cache.get<ManagedPolicyRecord>(key);
  return policy && policy.Arn === arn ? { policy, key, aws: false } : undefined;
}

export function getManagedPolicy(deps: Deps, accountId: string, arn: string): ManagedPolicyRef {
  const found = findManagedPolicy(deps, accountId, arn);
  if (!found) throw iamErrors.noSuchPolicy(arn);
  return found;
}

/** How many users and roles of the account have the policy attached. */
export function attachmentCount(deps: Deps, accountId: string, arn: string): number {
  let n = 0;
  for (const u of listUsers(deps, accountId)) if (u.attachedPolicies.includes(arn)) n++;
  for (const r of listRoles(deps, accountId)) if (r.attachedPolicies.includes(arn)) n++;
  return n;
}

/** A role's or user's record with its store entry (for a guarded write), or NoSuchEntity. */
export function entityEntry(deps: Deps, kind: EntityKind, accountId: string, name: string) {
  const key = kind === "role" ? iamKeys.role(accountId, name) : iamKeys.user(accountId, name);
  const entry = deps.cache.getEntry<RoleRecord | UserRecord>(key);
  if (!entry) throw kind === "role" ? iamErrors.noSuchRole(name) : iamErrors.noSuchUser(name);
  return { key, entry };
}

// Managed policies attached to roles and users: Attach/Detach/ListAttached{Role,User}Policies.
// The attachment is kept in the entity's record; at most 10 per entity (IAM's default quota).
import { commit, guardOf, put, type Deps, type Guard } from "../deps.js";
import type { Op } from "../../store/index.js";
import { iamErrors, type EntityKind } from "./errors.js";
import { entityEntry, findManagedPolicy } from "./lookup.js";
import { checkPath, checkPolicyArn } from "./names.js";
import { pageOf, sortBy, type PageInput } from "./paging.js";

export const MAX_ATTACHED_POLICIES = 10;

export async function attachPolicy(deps: Deps, kind: EntityKind, accountId: string, entityName: string, input: { PolicyArn: string }) {
  checkPolicyArn(input.PolicyArn);
  return commit(deps, () => {
    const { key, entry } = entityEntry(deps, kind, accountId, entityName);
    const ref = findManagedPolicy(deps, accountId, input.PolicyArn);
    if (!ref) throw iamErrors.notAttachable(input.PolicyArn);
    const attached = entry.value.attachedPolicies;
    if (attached.includes(ref.policy.Arn)) return { guards: [], ops: [], result: {} };
    if (attached.length >= MAX_ATTACHED_POLICIES) {
      throw iamErrors.limitExceeded(`Cannot exceed quota for PoliciesPer${kind === "role" ? "Role" : "User"}: ${MAX_ATTACHED_POLICIES}`);
    }
    const guards: Guard[] = [{ key, modRevision: entry.modRevision }];
    const ops: Op[] = [put(key, { ...entry.value, attachedPolicies: [...attached, ref.policy.Arn] })];
    if (ref.key) {
      // Rewriting the policy makes a concurrent DeletePolicy (guarded on it) look again.
      guards.push(guardOf(deps, ref.key));
      ops.push(put(ref.key, ref.policy));
    }
    return { guards, ops, result: {} };
  });
}

export async function detachPolicy(deps: Deps, kind: EntityKind, accountId: string, entityName: string, input: { PolicyArn: string }) {
  checkPolicyArn(input.PolicyArn);
  return commit(deps, () => {
    const { key, entry } = entityEntry(deps, kind, accountId, entityName);
    if (!entry.value.attachedPolicies.includes(input.PolicyArn)) throw iamErrors.noSuchPolicy(input.PolicyArn);
    const attachedPolicies = entry.value.attachedPolicies.filter((arn) => arn !== input.PolicyArn);
    return { guards: [{ key, modRevision: entry.modRevision }], ops: [put(key, { ...entry.value, attachedPolicies })], result: {} };
  });
}

export function listAttachedPolicies(deps: Deps, kind: EntityKind, accountId: string, entityName: string, input: PageInput & { PathPrefix?: string }) {
  const prefix = input.PathPrefix === undefined ? "/" : checkPath("PathPrefix", input.PathPrefix, "policy");
  const { entry } = entityEntry(deps, kind, accountId, entityName);
  const attached = entry.value.attachedPolicies
    .map((arn) => findManagedPolicy(deps, accountId, arn)?.policy)
    .filter((p) => p !== undefined && p.Path.startsWith(prefix))
    .map((p) => ({ PolicyName: p!.PolicyName, PolicyArn: p!.Arn }));
  const keyOf = (a: { PolicyName: string; PolicyArn: string }) => `${a.PolicyName.toLowerCase()} ${a.PolicyArn}`;
  const page = pageOf(sortBy(attached, keyOf), keyOf, input);
  return { AttachedPolicies: page.items, IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
}

// Inline policies of roles and users: Put/Get/Delete/List{Role,User}Policy. An inline policy
// lives in its entity's record; all of an entity's inline policies share one size quota
// (10,240 characters for a role, 2,048 for a user, whitespace not counted).
import { commit, put, type Deps } from "../deps.js";
import { iamErrors, type EntityKind } from "./errors.js";
import { entityEntry } from "./lookup.js";
import { checkName } from "./names.js";
import { pageOf, type PageInput } from "./paging.js";
import { checkPolicyDocument, policySize } from "./policy-documents.js";
import type { RoleRecord, UserRecord } from "./records.js";
import { encodeDocument } from "./roles.js";

const nameOf = (e: RoleRecord | UserRecord) => ("RoleName" in e ? e.RoleName : e.UserName);

export async function putInlinePolicy(deps: Deps, kind: EntityKind, accountId: string, entityName: string, input: { PolicyName: string; PolicyDocument: string }) {
  checkName("PolicyName", input.PolicyName, 128);
  // The grammar first, without the entity: a malformed document is refused whatever it is for.
  checkPolicyDocument(input.PolicyDocument, "identity");
  return commit(deps, () => {
    const { key, entry } = entityEntry(deps, kind, accountId, entityName);
    const others = Object.entries(entry.value.inlinePolicies).filter(([name]) => name !== input.PolicyName);
    const used = others.reduce((n, [, text]) => n + policySize(text), 0);
    const name = nameOf(entry.value);
    checkPolicyDocument(input.PolicyDocument, "identity", kind === "role" ? { kind: "role-inline", roleName: name, used } : { kind: "user-inline", userName: name, used });
    const inlinePolicies = { ...entry.value.inlinePolicies, [input.PolicyName]: input.PolicyDocument };
    return { guards: [{ key, modRevision: entry.modRevision }], ops: [put(key, { ...entry.value, inlinePolicies })], result: {} };
  });
}

export function getInlinePolicy(deps: Deps, kind: EntityKind, accountId: string, entityName: string, input: { PolicyName: string }) {
  const { entry } = entityEntry(deps, kind, accountId, entityName);
  const text = Object.hasOwn(entry.value.inlinePolicies, input.PolicyName) ? entry.value.inlinePolicies[input.PolicyName] : undefined;
  if (text === undefined) throw iamErrors.noSuchInlinePolicy(kind, input.PolicyName);
  const owner = kind === "role" ? { RoleName: nameOf(entry.value) } : { UserName: nameOf(entry.value) };
  return { ...owner, PolicyName: input.PolicyName, PolicyDocument: encodeDocument(text) };
}

export async function deleteInlinePolicy(deps: Deps, kind: EntityKind, accountId: string, entityName: string, input: { PolicyName: string }) {
  return commit(deps, () => {
    const { key, entry } = entityEntry(deps, kind, accountId, entityName);
    if (!Object.hasOwn(entry.value.inlinePolicies, input.PolicyName)) throw iamErrors.noSuchInlinePolicy(kind, input.PolicyName);
    const { [input.PolicyName]: _, ...inlinePolicies } = entry.value.inlinePolicies;
    return { guards: [{ key, modRevision: entry.modRevision }], ops: [put(key, { ...entry.value, inlinePolicies })], result: {} };
  });
}

export function listInlinePolicies(deps: Deps, kind: EntityKind, accountId: string, entityName: string, input: PageInput) {
  const { entry } = entityEntry(deps, kind, accountId, entityName);
  const names = Object.keys(entry.value.inlinePolicies).sort();
  const page = pageOf(names, (n) => n, input);
  return { PolicyNames: page.items, IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
}

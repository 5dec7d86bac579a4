// CreateRole, GetRole, ListRoles, DeleteRole, UpdateAssumeRolePolicy. A role's trust policy says
// who may assume it (STS AssumeRole, ECS for task roles); its permissions are its inline and
// attached policies. Documents travel URL-encoded, as IAM sends them.
import { randomBytes } from "node:crypto";
import { commit, put, type Deps } from "../deps.js";
import { iamErrors } from "./errors.js";
import { listRoles } from "./lookup.js";
import { checkName, checkPath, checkPathPrefix, formatId, iamArns } from "./names.js";
import { pageOf, sortBy, type PageInput } from "./paging.js";
import { checkPolicyDocument } from "./policy-documents.js";
import { iamKeys, type RoleRecord } from "./records.js";
import { checkTags } from "./tags.js";

/** IAM's default quota of roles per account. */
export const MAX_ROLES = 1000;
export const DEFAULT_MAX_SESSION_DURATION = 3600;

/** IAM hands policy documents out URL-encoded (botocore decodes them; other SDKs do not). */
export const encodeDocument = (text: string): string => encodeURIComponent(text);

export function roleView(r: RoleRecord, detail: "get" | "list") {
  return {
    Path: r.Path,
    RoleName: r.RoleName,
    RoleId: r.RoleId,
    Arn: r.Arn,
    CreateDate: r.CreateDate,
    AssumeRolePolicyDocument: encodeDocument(r.AssumeRolePolicyDocument),
    ...(r.Description !== undefined ? { Description: r.Description } : {}),
    MaxSessionDuration: r.MaxSessionDuration,
    // ListRoles leaves out tags and last use, as IAM's does.
    ...(detail === "get" && r.Tags.length > 0 ? { Tags: r.Tags } : {}),
    ...(detail === "get" ? { RoleLastUsed: {} } : {}),
  };
}

export interface CreateRoleInput {
  RoleName: string;
  AssumeRolePolicyDocument: string;
  Path?: string;
  Description?: string;
  MaxSessionDuration?: number;
  PermissionsBoundary?: string;
  Tags?: { Key: string; Value: string }[];
}

export async function createRole(deps: Deps, accountId: string, input: CreateRoleInput) {
  checkName("RoleName", input.RoleName, 64);
  const path = checkPath("Path", input.Path, "entity");
  const tags = checkTags(input.Tags);
  if (input.PermissionsBoundary !== undefined) throw iamErrors.invalidInput("berth does not support permissions boundaries (PermissionsBoundary) yet.");
  checkPolicyDocument(input.AssumeRolePolicyDocument, "trust", { kind: "trust" });
  const id = formatId("AROA", randomBytes(17));
  return commit(deps, () => {
    const key = iamKeys.role(accountId, input.RoleName);
    if (deps.cache.get(key)) throw iamErrors.alreadyExists("Role", input.RoleName);
    if (listRoles(deps, accountId).length >= MAX_ROLES) throw iamErrors.limitExceeded(`Cannot exceed quota for RolesPerAccount: ${MAX_ROLES}`);
    const role: RoleRecord = {
      RoleName: input.RoleName,
      RoleId: id,
      Arn: iamArns.role(accountId, path, input.RoleName),
      Path: path,
      CreateDate: deps.clock.now(),
      AssumeRolePolicyDocument: input.AssumeRolePolicyDocument,
      ...(input.Description !== undefined ? { Description: input.Description } : {}),
      MaxSessionDuration: input.MaxSessionDuration ?? DEFAULT_MAX_SESSION_DURATION,
      Tags: tags,
      inlinePolicies: {},
      attachedPolicies: [],
    };
    const view = roleView(role, "get");
    // CreateRole answers without RoleLastUsed.
    const { RoleLastUsed: _, ...created } = view;
    return { guards: [{ key, modRevision: 0 }], ops: [put(key, role)], result: { Role: created } };
  });
}

export function getRoleOp(deps: Deps, accountId: string, input: { RoleName: string }) {
  const role = deps.cache.get<RoleRecord>(iamKeys.role(accountId, input.RoleName));
  if (!role) throw iamErrors.noSuchRole(input.RoleName);
  return { Role: roleView(role, "get") };
}

export function listRolesOp(deps: Deps, accountId: string, input: PageInput & { PathPrefix?: string }) {
  const prefix = checkPathPrefix("PathPrefix", input.PathPrefix, "entity");
  const roles = sortBy(
    listRoles(deps, accountId).filter((r) => r.Path.startsWith(prefix)),
    (r) => r.RoleName.toLowerCase(),
  );
  const page = pageOf(roles, (r) => r.RoleName.toLowerCase(), input);
  return { Roles: page.items.map((r) => roleView(r, "list")), IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
}

export async function deleteRole(deps: Deps, accountId: string, input: { RoleName: string }) {
  return commit(deps, () => {
    const key = iamKeys.role(accountId, input.RoleName);
    const entry = deps.cache.getEntry<RoleRecord>(key);
    if (!entry) throw iamErrors.noSuchRole(input.RoleName);
    if (Object.keys(entry.value.inlinePolicies).length > 0) throw iamErrors.deleteConflict("Cannot delete entity, must delete policies first.");
    if (entry.value.attachedPolicies.length > 0) throw iamErrors.deleteConflict("Cannot delete entity, must detach all policies first.");
    return { guards: [{ key, modRevision: entry.modRevision }], ops: [{ kind: "delete" as const, key }], result: {} };
  });
}

export async function updateAssumeRolePolicy(deps: Deps, accountId: string, input: { RoleName: string; PolicyDocument: string }) {
  checkPolicyDocument(input.PolicyDocument, "trust", { kind: "trust" });
  return commit(deps, () => {
    const key = iamKeys.role(accountId, input.RoleName);
    const entry = deps.cache.getEntry<RoleRecord>(key);
    if (!entry) throw iamErrors.noSuchRole(input.RoleName);
    return { guards: [{ key, modRevision: entry.modRevision }], ops: [put(key, { ...entry.value, AssumeRolePolicyDocument: input.PolicyDocument })], result: {} };
  });
}

// Managed policies: CreatePolicy, GetPolicy, GetPolicyVersion, ListPolicies, DeletePolicy.
// A customer managed policy has one version, v1, its default (CreatePolicyVersion is not
// answered yet); AWS managed ones are built in (aws-managed-policies.ts).
import { randomBytes } from "node:crypto";
import { commit, put, type Deps } from "../deps.js";
import { awsManagedPolicies } from "./aws-managed-policies.js";
import { iamErrors } from "./errors.js";
import { attachmentCount, getManagedPolicy, listCustomerPolicies, listRoles, listUsers } from "./lookup.js";
import { checkName, checkPath, formatId, iamArns } from "./names.js";
import { pageOf, sortBy, type PageInput } from "./paging.js";
import { checkPolicyDocument } from "./policy-documents.js";
import { iamKeys, type ManagedPolicyRecord } from "./records.js";
import { encodeDocument } from "./roles.js";
import { checkTags } from "./tags.js";

/** IAM's default quota of customer managed policies per account. */
export const MAX_POLICIES = 1500;

export function policyView(p: ManagedPolicyRecord, attachments: number, detail: "get" | "list") {
  return {
    PolicyName: p.PolicyName,
    PolicyId: p.PolicyId,
    Arn: p.Arn,
    Path: p.Path,
    DefaultVersionId: p.DefaultVersionId,
    AttachmentCount: attachments,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    // Only GetPolicy tells the description and tags; CreatePolicy and ListPolicies leave them out.
    ...(detail === "get" && p.Description !== undefined ? { Description: p.Description } : {}),
    CreateDate: p.CreateDate,
    UpdateDate: p.UpdateDate,
    ...(detail === "get" && p.Tags.length > 0 ? { Tags: p.Tags } : {}),
  };
}

export async function createPolicy(
  deps: Deps,
  accountId: string,
  input: { PolicyName: string; PolicyDocument: string; Path?: string; Description?: string; Tags?: { Key: string; Value: string }[] },
) {
  checkName("PolicyName", input.PolicyName, 128);
  const path = checkPath("Path", input.Path, "policy");
  const tags = checkTags(input.Tags);
  checkPolicyDocument(input.PolicyDocument, "identity", { kind: "managed" });
  const id = formatId("ANPA", randomBytes(17));
  return commit(deps, () => {
    const key = iamKeys.policy(accountId, input.PolicyName);
    if (deps.cache.get(key)) throw iamErrors.policyAlreadyExists(input.PolicyName);
    if (listCustomerPolicies(deps, accountId).length >= MAX_POLICIES) throw iamErrors.limitExceeded(`Cannot exceed quota for PoliciesPerAccount: ${MAX_POLICIES}`);
    const now = deps.clock.now();
    const policy: ManagedPolicyRecord = {
      PolicyName: input.PolicyName,
      PolicyId: id,
      Arn: iamArns.policy(accountId, path, input.PolicyName),
      Path: path,
      DefaultVersionId: "v1",
      ...(input.Description !== undefined ? { Description: input.Description } : {}),
      CreateDate: now,
      UpdateDate: now,
      Tags: tags,
      versions: [{ VersionId: "v1", Document: input.PolicyDocument, CreateDate: now }],
    };
    const view = policyView(policy, 0, "list");
    return { guards: [{ key, modRevision: 0 }], ops: [put(key, policy)], result: { Policy: tags.length > 0 ? { ...view, Tags: tags } : view } };
  });
}

export function getPolicy(deps: Deps, accountId: string, input: { PolicyArn: string }) {
  const { policy } = getManagedPolicy(deps, accountId, input.PolicyArn);
  return { Policy: policyView(policy, attachmentCount(deps, accountId, policy.Arn), "get") };
}

export function getPolicyVersion(deps: Deps, accountId: string, input: { PolicyArn: string; VersionId: string }) {
  if (!/^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/.test(input.VersionId)) {
    throw iamErrors.constraint("VersionId", input.VersionId, "Member must satisfy regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?");
  }
  const { policy } = getManagedPolicy(deps, accountId, input.PolicyArn);
  const version = policy.versions.find((v) => v.VersionId === input.VersionId);
  if (!version) throw iamErrors.noSuchPolicyVersion(policy.Arn, input.VersionId);
  return {
    PolicyVersion: {
      Document: encodeDocument(version.Document),
      VersionId: version.VersionId,
      IsDefaultVersion: version.VersionId === policy.DefaultVersionId,
      CreateDate: version.CreateDate,
    },
  };
}

export interface ListPoliciesInput extends PageInput {
  Scope?: "All" | "AWS" | "Local";
  OnlyAttached?: boolean;
  PathPrefix?: string;
  PolicyUsageFilter?: "PermissionsPolicy" | "PermissionsBoundary";
}

export function listPolicies(deps: Deps, accountId: string, input: ListPoliciesInput) {
  const prefix = input.PathPrefix === undefined ? "/" : checkPath("PathPrefix", input.PathPrefix, "policy");
  const scope = input.Scope ?? "All";
  const candidates = [...(scope === "Local" ? [] : awsManagedPolicies()), ...(scope === "AWS" ? [] : listCustomerPolicies(deps, accountId))];
  // One pass over the account's users and roles counts every policy's attachments.
  const counts = new Map<string, number>();
  for (const e of [...listUsers(deps, accountId), ...listRoles(deps, accountId)]) {
    for (const arn of e.attachedPolicies) counts.set(arn, (counts.get(arn) ?? 0) + 1);
  }
  const matching = candidates.filter(
    (p) =>
      p.Path.startsWith(prefix) &&
      (!input.OnlyAttached || (counts.get(p.Arn) ?? 0) > 0) &&
      // berth has no permissions boundaries, so no policy is used as one.
      input.PolicyUsageFilter !== "PermissionsBoundary",
  );
  const keyOf = (p: ManagedPolicyRecord) => `${p.PolicyName.toLowerCase()} ${p.Arn}`;
  const page = pageOf(sortBy(matching, keyOf), keyOf, input);
  return {
    Policies: page.items.map((p) => policyView(p, counts.get(p.Arn) ?? 0, "list")),
    IsTruncated: page.IsTruncated,
    ...(page.Marker ? { Marker: page.Marker } : {}),
  };
}

export async function deletePolicy(deps: Deps, accountId: string, input: { PolicyArn: string }) {
  return commit(deps, () => {
    const ref = getManagedPolicy(deps, accountId, input.PolicyArn);
    if (ref.aws || !ref.key) throw iamErrors.invalidInput(`Policy ${input.PolicyArn} is an AWS managed policy and cannot be deleted.`);
    if (attachmentCount(deps, accountId, ref.policy.Arn) > 0) throw iamErrors.deleteConflict("Cannot delete a policy attached to entities.");
    const entry = deps.cache.getEntry(ref.key)!;
    return { guards: [{ key: ref.key, modRevision: entry.modRevision }], ops: [{ kind: "delete" as const, key: ref.key }], result: {} };
  });
}

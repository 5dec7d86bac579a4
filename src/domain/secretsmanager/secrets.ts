// Secrets Manager's operations on secrets: CreateSecret, PutSecretValue, DescribeSecret,
// ListSecrets, ListSecretVersionIds, DeleteSecret, RestoreSecret, TagResource, UntagResource.
// Each write is one guarded store commit (deps.commit), decided on what the cache holds.
import type { Scope } from "../../model/index.js";
import type { Op } from "../../store/index.js";
import { commit, guardOf, put } from "../deps.js";
import type { SecretDeps } from "../secrets/deps.js";
import { pageAfter } from "../secrets/paging.js";
import { matchesFilters, type SecretFilter } from "./filters.js";
import { secretOf } from "./lookup.js";
import { arnSuffix, isExpired, MAX_TAGS, secretArn, smErrors, smKeys, type SecretRecord, type SecretTag } from "./records.js";
import { addVersion, stagesByVersion } from "./stages.js";
import { sameVersionAgain, sealVersion, valueOf, versionIdOf, versionOps, type SecretValueInput } from "./values.js";

const NAME = /^[A-Za-z0-9/_+=.@-]+$/;

interface CreateInput extends SecretValueInput {
  Name: string;
  ClientRequestToken?: string;
  Description?: string;
  KmsKeyId?: string;
  Tags?: SecretTag[];
  AddReplicaRegions?: unknown[];
}

export async function createSecret(deps: SecretDeps, scope: Scope, input: CreateInput) {
  if (!NAME.test(input.Name)) {
    throw smErrors.invalidParameter("Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!");
  }
  if (input.AddReplicaRegions?.length) throw smErrors.invalidRequest("berth does not replicate secrets to other Regions: AddReplicaRegions is not supported.");
  const tags = checkTags(input.Tags ?? []);
  const value = valueOf(input);
  const key = smKeys.secret(scope, input.Name);
  return commit(deps, () => {
    const now = deps.clock.now();
    const existing = deps.cache.get<SecretRecord>(key);
    const ops: Op[] = [];
    if (existing && isExpired(existing, now)) {
      // Its recovery window is over: the name is free, and the old records go in this commit.
      ops.push({ kind: "delete", key }, { kind: "deletePrefix", prefix: smKeys.versions(scope, existing.ARN) });
    } else if (existing) {
      if (existing.DeletedDate !== undefined) {
        throw smErrors.invalidRequest("You can't create this secret because a secret with this name is already scheduled for deletion.");
      }
      if (input.ClientRequestToken !== undefined && sameVersionAgain(deps, scope, existing, input.ClientRequestToken, value)) {
        return { guards: [], ops: [], result: { ARN: existing.ARN, Name: existing.Name, VersionId: input.ClientRequestToken } };
      }
      throw smErrors.resourceExists(`The operation failed because the secret ${input.Name} already exists.`);
    }
    const arn = secretArn(scope, input.Name, arnSuffix());
    const versionId = value ? versionIdOf(input.ClientRequestToken) : undefined;
    const rec: SecretRecord = {
      ARN: arn,
      Name: input.Name,
      ...(input.Description !== undefined ? { Description: input.Description } : {}),
      ...(input.KmsKeyId !== undefined ? { KmsKeyId: input.KmsKeyId } : {}),
      Tags: tags,
      CreatedDate: now,
      LastChangedDate: now,
      versions: [],
    };
    if (value && versionId) {
      const added = addVersion([], versionId, now);
      rec.versions = added.versions;
      ops.push(...versionOps(scope, arn, sealVersion(deps, arn, versionId, value, now), []));
    }
    ops.push(put(key, rec));
    return { guards: [guardOf(deps, key)], ops, result: { ARN: arn, Name: input.Name, ...(versionId ? { VersionId: versionId } : {}) } };
  });
}

interface PutValueInput extends SecretValueInput {
  SecretId: string;
  ClientRequestToken?: string;
  VersionStages?: string[];
}

export async function putSecretValue(deps: SecretDeps, scope: Scope, input: PutValueInput) {
  const value = valueOf(input);
  if (!value) throw smErrors.invalidParameter("You must provide either SecretString or SecretBinary.");
  return commit(deps, () => {
    const rec = secretOf(deps, scope, input.SecretId);
    if (rec.DeletedDate !== undefined) throw smErrors.markedForDeletion();
    const key = smKeys.secret(scope, rec.Name);
    if (input.ClientRequestToken !== undefined && sameVersionAgain(deps, scope, rec, input.ClientRequestToken, value)) {
      const same = rec.versions.find((v) => v.id === input.ClientRequestToken)!;
      return { guards: [], ops: [], result: { ARN: rec.ARN, Name: rec.Name, VersionId: same.id, VersionStages: same.stages } };
    }
    const now = deps.clock.now();
    const versionId = versionIdOf(input.ClientRequestToken);
    const added = addVersion(rec.versions, versionId, now, input.VersionStages);
    const next: SecretRecord = { ...rec, versions: added.versions, LastChangedDate: now };
    return {
      guards: [guardOf(deps, key)],
      ops: [...versionOps(scope, rec.ARN, sealVersion(deps, rec.ARN, versionId, value, now), added.dropped), put(key, next)],
      result: { ARN: rec.ARN, Name: rec.Name, VersionId: versionId, VersionStages: added.stages },
    };
  });
}

/** DescribeSecret's and ListSecrets' view (they name the labels differently): metadata only, never a value. */
function view(rec: SecretRecord, stagesMember: "VersionIdsToStages" | "SecretVersionsToStages") {
  const stages = stagesByVersion(rec.versions);
  const labels: { VersionIdsToStages?: Record<string, string[]>; SecretVersionsToStages?: Record<string, string[]> } = stages ? { [stagesMember]: stages } : {};
  return {
    ARN: rec.ARN,
    Name: rec.Name,
    ...(rec.Description !== undefined ? { Description: rec.Description } : {}),
    ...(rec.KmsKeyId !== undefined ? { KmsKeyId: rec.KmsKeyId } : {}),
    LastChangedDate: rec.LastChangedDate,
    ...(rec.DeletedDate !== undefined ? { DeletedDate: rec.DeletedDate } : {}),
    ...(rec.Tags.length > 0 ? { Tags: rec.Tags } : {}),
    ...labels,
    CreatedDate: rec.CreatedDate,
  };
}

export function describeSecret(deps: SecretDeps, scope: Scope, input: { SecretId: string }) {
  return view(secretOf(deps, scope, input.SecretId), "VersionIdsToStages");
}

interface ListInput {
  IncludePlannedDeletion?: boolean;
  MaxResults?: number;
  NextToken?: string;
  Filters?: SecretFilter[];
  SortOrder?: "asc" | "desc";
  SortBy?: "created-date" | "last-accessed-date" | "last-changed-date" | "name";
}

const pad = (n: number) => n.toString().padStart(16, "0");

export function listSecrets(deps: SecretDeps, scope: Scope, input: ListInput) {
  const now = deps.clock.now();
  for (const f of input.Filters ?? []) {
    if (f.Values === undefined || f.Values.length === 0) throw smErrors.invalidParameter(`Filter '${f.Key}' needs at least one value.`);
  }
  const kept = deps.cache
    .list<SecretRecord>(smKeys.secrets(scope))
    .filter((s) => !isExpired(s, now) && (input.IncludePlannedDeletion || s.DeletedDate === undefined))
    .filter((s) => matchesFilters(s, scope.region, input.Filters ?? []));
  // Names are unique, so each sort key ends with the name; berth does not track access dates,
  // so last-accessed-date sorts by creation as the default does.
  const sortKey = (s: SecretRecord) =>
    input.SortBy === "name" ? s.Name : `${pad(input.SortBy === "last-changed-date" ? s.LastChangedDate : s.CreatedDate)}|${s.Name}`;
  const sorted = kept.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  const page = pageAfter(sorted, sortKey, { token: input.NextToken, size: input.MaxResults ?? 100, descending: input.SortOrder === "desc" }, smErrors.badToken);
  return { SecretList: page.items.map((s) => view(s, "SecretVersionsToStages")), ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
}

export function listSecretVersionIds(deps: SecretDeps, scope: Scope, input: { SecretId: string; MaxResults?: number; NextToken?: string; IncludeDeprecated?: boolean }) {
  const rec = secretOf(deps, scope, input.SecretId);
  const versions = rec.versions.filter((v) => input.IncludeDeprecated || v.stages.length > 0);
  const sortKey = (v: SecretRecord["versions"][number]) => `${pad(v.created)}|${v.id}`;
  const sorted = [...versions].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
  // Newest first, as the console shows them.
  const page = pageAfter(sorted, sortKey, { token: input.NextToken, size: input.MaxResults ?? 100, descending: true }, smErrors.badToken);
  return {
    ARN: rec.ARN,
    Name: rec.Name,
    Versions: page.items.map((v) => ({ VersionId: v.id, ...(v.stages.length > 0 ? { VersionStages: v.stages } : {}), CreatedDate: v.created })),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;

interface DeleteInput {
  SecretId: string;
  RecoveryWindowInDays?: number;
  ForceDeleteWithoutRecovery?: boolean;
}

export async function deleteSecret(deps: SecretDeps, scope: Scope, input: DeleteInput) {
  const window = input.RecoveryWindowInDays;
  if (window !== undefined && input.ForceDeleteWithoutRecovery) {
    throw smErrors.invalidParameter("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
  }
  if (window !== undefined && (window < 7 || window > 30)) {
    throw smErrors.invalidParameter("The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).");
  }
  return commit(deps, () => {
    const now = deps.clock.now();
    if (input.ForceDeleteWithoutRecovery) {
      let rec: SecretRecord | undefined;
      try {
        rec = secretOf(deps, scope, input.SecretId);
      } catch {
        // Forcing the deletion of a secret that does not exist is not an error (DeleteSecret reference).
        return {
          guards: [],
          ops: [],
          result: { ...(input.SecretId.startsWith("arn:") ? { ARN: input.SecretId } : {}), Name: input.SecretId, DeletionDate: now },
        };
      }
      const key = smKeys.secret(scope, rec.Name);
      return {
        guards: [guardOf(deps, key)],
        ops: [{ kind: "delete", key }, { kind: "deletePrefix", prefix: smKeys.versions(scope, rec.ARN) }],
        result: { ARN: rec.ARN, Name: rec.Name, DeletionDate: now },
      };
    }
    const rec = secretOf(deps, scope, input.SecretId);
    if (rec.DeletedDate !== undefined) throw smErrors.markedForDeletion();
    const key = smKeys.secret(scope, rec.Name);
    const deletion = now + (window ?? 30) * DAY_MS;
    return {
      guards: [guardOf(deps, key)],
      ops: [put(key, { ...rec, DeletedDate: deletion, LastChangedDate: now })],
      result: { ARN: rec.ARN, Name: rec.Name, DeletionDate: deletion },
    };
  });
}

export async function restoreSecret(deps: SecretDeps, scope: Scope, input: { SecretId: string }) {
  return commit(deps, () => {
    const rec = secretOf(deps, scope, input.SecretId);
    const result = { ARN: rec.ARN, Name: rec.Name };
    if (rec.DeletedDate === undefined) return { guards: [], ops: [], result };
    const key = smKeys.secret(scope, rec.Name);
    const { DeletedDate: _gone, ...restored } = rec;
    return { guards: [guardOf(deps, key)], ops: [put(key, { ...restored, LastChangedDate: deps.clock.now() })], result };
  });
}

function checkTags(tags: SecretTag[]): SecretTag[] {
  for (const t of tags) {
    if (t.Key === undefined) throw smErrors.invalidParameter("Each tag needs a Key.");
  }
  const merged = mergeTags([], tags);
  if (merged.length > MAX_TAGS) throw smErrors.invalidParameter(`A secret can have at most ${MAX_TAGS} tags, found ${merged.length}.`);
  return merged;
}

/** Tags with `added` applied: an existing key takes the new value. */
function mergeTags(current: readonly SecretTag[], added: readonly SecretTag[]): SecretTag[] {
  const out = current.map((t) => ({ ...t }));
  for (const t of added) {
    const value = t.Value ?? "";
    const same = out.find((o) => o.Key === t.Key);
    if (same) same.Value = value;
    else out.push({ Key: t.Key, Value: value });
  }
  return out;
}

export async function tagResource(deps: SecretDeps, scope: Scope, input: { SecretId: string; Tags: SecretTag[] }) {
  const added = checkTags(input.Tags);
  await commit(deps, () => {
    const rec = secretOf(deps, scope, input.SecretId);
    const tags = mergeTags(rec.Tags, added);
    if (tags.length > MAX_TAGS) throw smErrors.invalidParameter(`A secret can have at most ${MAX_TAGS} tags; this would make ${tags.length}.`);
    const key = smKeys.secret(scope, rec.Name);
    return { guards: [guardOf(deps, key)], ops: [put(key, { ...rec, Tags: tags, LastChangedDate: deps.clock.now() })], result: undefined };
  });
  return {};
}

export async function untagResource(deps: SecretDeps, scope: Scope, input: { SecretId: string; TagKeys: string[] }) {
  await commit(deps, () => {
    const rec = secretOf(deps, scope, input.SecretId);
    const tags = rec.Tags.filter((t) => !input.TagKeys.includes(t.Key));
    if (tags.length === rec.Tags.length) return { guards: [], ops: [], result: undefined };
    const key = smKeys.secret(scope, rec.Name);
    return { guards: [guardOf(deps, key)], ops: [put(key, { ...rec, Tags: tags, LastChangedDate: deps.clock.now() })], result: undefined };
  });
  return {};
}

// Task definitions: immutable, numbered revisions of a family. Register, describe (by family,
// family:revision or ARN), list, list families, deregister and delete (ecs-behavior.md §1.3).
import type { RegisterTaskDefinitionRequest, Tag } from "@aws-sdk/client-ecs";
import { arns, clientError, invalidParameter, parseArn, type Scope } from "../model/index.js";
import { rootPrincipal } from "./account-settings.js";
import { commit, guardOf, put, type Deps, type Guard } from "./deps.js";
import { indexKey } from "./indexes.js";
import { keys } from "./keys.js";
import { paginate, type PageRequest } from "./pagination.js";
import type { FamilyRecord, TaskDefinitionRecord } from "./records.js";
import { assertStatusFilter, normalizeDefinition } from "./task-definition-rules.js";
import { validateTags } from "./tags.js";

const MAX_REVISIONS = 1_000_000;

/**
 * What RegisterTaskDefinition checks before it writes: the tags and the definition's rules. `berth
 * apply` has every task definition checked by it (Berth_20261128.ValidateRequest) before it
 * writes anything.
 */
export function checkRegistration(input: RegisterTaskDefinitionRequest) {
  const { tags: rawTags, ...definition } = input;
  return { tags: validateTags(rawTags), normalized: normalizeDefinition(definition) };
}

export async function registerTaskDefinition(deps: Deps, scope: Scope, input: RegisterTaskDefinitionRequest) {
  const { tags, normalized } = checkRegistration(input);
  const family = normalized.family!;
  const familyKey = keys.family(scope, family);
  const rec = await commit(deps, () => {
    const fam = deps.cache.getEntry(familyKey);
    const last = (fam?.value as FamilyRecord | undefined)?.lastRevision ?? 0;
    if (last >= MAX_REVISIONS) throw clientError(`Family ${family} has reached the limit of ${MAX_REVISIONS} revisions.`);
    const revision = last + 1;
    const record: TaskDefinitionRecord = {
      ...normalized,
      family,
      revision,
      taskDefinitionArn: arns.taskDefinition(scope, family, revision),
      status: "ACTIVE",
      registeredAt: deps.clock.now(),
      registeredBy: rootPrincipal(scope),
      tags,
    };
    const famRec: FamilyRecord = { family, lastRevision: revision };
    // The family record is the revision counter: guarding on it makes concurrent registrations
    // of one family take distinct, consecutive revisions.
    const guards: Guard[] = [{ key: familyKey, modRevision: fam?.modRevision ?? 0 }];
    return { guards, ops: [put(familyKey, famRec), put(keys.taskDefinition(scope, family, revision), record)], result: record };
  });
  return { taskDefinition: view(rec), tags: rec.tags ?? [] };
}

/** Resolves `family`, `family:revision` or an ARN; a bare family means its latest ACTIVE revision. */
export function findTaskDefinition(deps: Deps, scope: Scope, ref: string): TaskDefinitionRecord | undefined {
  let text = ref;
  if (ref.startsWith("arn:")) {
    const arn = parseArn(ref);
    if (!arn || arn.resourceType !== "task-definition" || arn.region !== scope.region || arn.accountId !== scope.accountId) return undefined;
    text = arn.resource;
  }
  const colon = text.lastIndexOf(":");
  if (colon < 0) return latestActive(deps, scope, text);
  const family = text.slice(0, colon);
  const revText = text.slice(colon + 1);
  if (!/^[1-9]\d{0,6}$/.test(revText)) return undefined;
  return deps.cache.get<TaskDefinitionRecord>(keys.taskDefinition(scope, family, Number(revText)));
}

function latestActive(deps: Deps, scope: Scope, family: string): TaskDefinitionRecord | undefined {
  const active = deps.cache.byIndex<TaskDefinitionRecord>("familyStatus", indexKey.familyStatus(scope, family, "ACTIVE"));
  return active[active.length - 1];
}

/**
 * The task definition of a service's own launch: it must exist, in any status. ECS lets an
 * existing service replace, scale up and scale down tasks of a revision deregistered after the
 * service took it (ecs-behavior.md §1.3); only new references need ACTIVE (usableTaskDefinition).
 */
export function referencedTaskDefinition(deps: Deps, scope: Scope, ref: string): TaskDefinitionRecord {
  const rec = findTaskDefinition(deps, scope, ref);
  if (!rec) throw clientError("Unable to describe task definition.");
  return rec;
}

/** A task definition that new tasks or services may use: it must exist and be ACTIVE. */
export function usableTaskDefinition(deps: Deps, scope: Scope, ref: string): TaskDefinitionRecord {
  const rec = findTaskDefinition(deps, scope, ref);
  if (!rec) throw clientError("Unable to describe task definition.");
  if (rec.status !== "ACTIVE") throw clientError("TaskDefinition is inactive");
  return rec;
}

export function describeTaskDefinition(deps: Deps, scope: Scope, input: { taskDefinition: string; include?: string[] }) {
  const rec = findTaskDefinition(deps, scope, input.taskDefinition);
  if (!rec) throw clientError("Unable to describe task definition.");
  return { taskDefinition: view(rec), ...(input.include?.includes("TAGS") ? { tags: rec.tags ?? [] } : {}) };
}

export function listTaskDefinitions(
  deps: Deps,
  scope: Scope,
  input: PageRequest & { familyPrefix?: string; status?: string; sort?: "ASC" | "DESC" },
) {
  assertStatusFilter(input.status);
  const status = input.status ?? "ACTIVE";
  // ECS's familyPrefix is, despite its name, an exact family filter.
  const keysOf = input.familyPrefix
    ? deps.cache.byIndexKeys("familyStatus", indexKey.familyStatus(scope, input.familyPrefix, status))
    : deps.cache.byIndexKeys("taskDefinitionStatus", indexKey.taskDefinitionStatus(scope, status));
  const desc = input.sort === "DESC";
  // A page reads only its own records (and a binary search's worth for the token), not every
  // revision of the account.
  const ordered = {
    length: keysOf.length,
    at: (i: number) => deps.cache.get<TaskDefinitionRecord>(keysOf[desc ? keysOf.length - 1 - i : i]!)!,
  };
  // Sort keys: family, then the zero-padded revision; inverted for DESC so the token stays ordered.
  const sortKey = (r: TaskDefinitionRecord) => {
    const k = `${r.family}\u0000${r.revision.toString().padStart(7, "0")}`;
    return desc ? invert(k) : k;
  };
  const page = paginate(ordered, sortKey, input, { default: 100, max: 100 });
  return { taskDefinitionArns: page.items.map((r) => r.taskDefinitionArn), nextToken: page.nextToken };
}

/** A string whose order is the reverse of the input's, for descending pagination tokens. */
function invert(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) out += String.fromCharCode(0xffff - s.charCodeAt(i));
  return `${out}\uffff`;
}

export function listTaskDefinitionFamilies(
  deps: Deps,
  scope: Scope,
  input: PageRequest & { familyPrefix?: string; status?: string },
) {
  const status = input.status ?? "ALL";
  if (!["ACTIVE", "INACTIVE", "ALL"].includes(status)) {
    throw invalidParameter(`Invalid parameter 'status': '${status}' must be ACTIVE, INACTIVE or ALL.`);
  }
  const families = deps.cache
    .list<FamilyRecord>(keys.families(scope))
    .filter((f) => !input.familyPrefix || f.family.startsWith(input.familyPrefix))
    .filter((f) => {
      if (status === "ALL") return true;
      const active = deps.cache.countByIndex("familyStatus", indexKey.familyStatus(scope, f.family, "ACTIVE")) > 0;
      return status === "ACTIVE" ? active : !active;
    })
    .map((f) => f.family);
  const page = paginate(families, (f) => f, input, { default: 100, max: 100 });
  return { families: page.items, nextToken: page.nextToken };
}

export async function deregisterTaskDefinition(deps: Deps, scope: Scope, input: { taskDefinition: string }) {
  const ref = input.taskDefinition;
  // ECS's answers: a bare family names no revision; a revision must be a number.
  const name = ref.startsWith("arn:") ? ref.slice(ref.indexOf("/") + 1) : ref;
  if (!name.includes(":")) throw clientError("Revision is missing.");
  const revision = name.slice(name.lastIndexOf(":") + 1);
  if (!/^\d+$/.test(revision)) throw invalidParameter(`Invalid revision number. Number: ${revision.slice(0, 300)}`);
  const found = findTaskDefinition(deps, scope, ref);
  if (!found) throw clientError("Unable to describe task definition.");
  const key = keys.taskDefinition(scope, found.family, found.revision);
  const rec = await commit(deps, () => {
    const current = deps.cache.get<TaskDefinitionRecord>(key);
    if (!current) throw clientError("Unable to describe task definition.");
    if (current.status !== "ACTIVE") return { guards: [], ops: [], result: current };
    const next: TaskDefinitionRecord = { ...current, status: "INACTIVE", deregisteredAt: deps.clock.now() };
    return { guards: [guardOf(deps, key)], ops: [put(key, next)], result: next };
  });
  return { taskDefinition: view(rec) };
}

export async function deleteTaskDefinitions(deps: Deps, scope: Scope, input: { taskDefinitions: string[] }) {
  const refs = input.taskDefinitions;
  if (refs.length === 0 || refs.length > 10) {
    throw invalidParameter(`Invalid parameter 'taskDefinitions': give 1 to 10 task definitions, found ${refs.length}.`);
  }
  const taskDefinitions: Record<string, unknown>[] = [];
  const failures: { arn: string; reason: string }[] = [];
  for (const ref of refs) {
    if (!ref.startsWith("arn:") && !ref.includes(":")) {
      failures.push({ arn: ref, reason: "The task definition must be given as family:revision or a full ARN." });
      continue;
    }
    const found = findTaskDefinition(deps, scope, ref);
    if (!found) {
      failures.push({ arn: ref, reason: "The specified task definition does not exist." });
      continue;
    }
    if (found.status === "ACTIVE") {
      failures.push({
        arn: found.taskDefinitionArn,
        reason: "The specified task definition is still in ACTIVE status. Please deregister the target and try again.",
      });
      continue;
    }
    const key = keys.taskDefinition(scope, found.family, found.revision);
    const rec = await commit(deps, () => {
      const current = deps.cache.get<TaskDefinitionRecord>(key)!;
      if (current.status === "DELETE_IN_PROGRESS") return { guards: [], ops: [], result: current };
      // The revision stays, marked DELETE_IN_PROGRESS, while tasks or services still use it.
      const next: TaskDefinitionRecord = { ...current, status: "DELETE_IN_PROGRESS", deleteRequestedAt: deps.clock.now() };
      return { guards: [guardOf(deps, key)], ops: [put(key, next)], result: next };
    });
    taskDefinitions.push(view(rec));
  }
  return { taskDefinitions, failures };
}

/** The API's view: the stored record less the tags, which travel beside it. */
export function view(rec: TaskDefinitionRecord): Record<string, unknown> {
  const { tags: _tags, ...rest } = rec;
  return rest;
}

export function taskDefinitionKeyOf(scope: Scope, rec: { family: string; revision: number }): string {
  return keys.taskDefinition(scope, rec.family, rec.revision);
}

export type { Tag };

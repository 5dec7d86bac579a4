// AddTagsToResource, RemoveTagsFromResource and ListTagsForResource for parameters (the only
// resource type berth's Systems Manager has). ResourceId is the parameter's name.
import type { Scope } from "../../model/index.js";
import { commit, guardOf, put } from "../deps.js";
import type { SecretDeps } from "../secrets/deps.js";
import { ssmErrors } from "./errors.js";
import { parseRef } from "./names.js";
import { checkTags } from "./parameters.js";
import { MAX_TAGS, ssmKeys, type ParameterRecord, type ParameterTag } from "./records.js";

function parameterKey(deps: SecretDeps, scope: Scope, type: string, id: string): string {
  if (type !== "Parameter") throw ssmErrors.resourceType(type);
  let key: string;
  try {
    const ref = parseRef(scope, id, false);
    if (ref.elsewhere) throw ssmErrors.resourceId(id);
    key = ssmKeys.parameter(scope, ref.key);
  } catch {
    throw ssmErrors.resourceId(id);
  }
  if (!deps.cache.get(key)) throw ssmErrors.resourceId(id);
  return key;
}

export async function addTagsToResource(deps: SecretDeps, scope: Scope, input: { ResourceType: string; ResourceId: string; Tags: ParameterTag[] }) {
  const added = checkTags(input.Tags);
  await commit(deps, () => {
    const key = parameterKey(deps, scope, input.ResourceType, input.ResourceId);
    const rec = deps.cache.get<ParameterRecord>(key)!;
    const tags = rec.Tags.map((t) => ({ ...t }));
    for (const t of added) {
      const same = tags.find((o) => o.Key === t.Key);
      if (same) same.Value = t.Value;
      else tags.push(t);
    }
    if (tags.length > MAX_TAGS) throw ssmErrors.tooManyTags(tags.length, MAX_TAGS);
    return { guards: [guardOf(deps, key)], ops: [put(key, { ...rec, Tags: tags })], result: undefined };
  });
  return {};
}

export async function removeTagsFromResource(deps: SecretDeps, scope: Scope, input: { ResourceType: string; ResourceId: string; TagKeys: string[] }) {
  await commit(deps, () => {
    const key = parameterKey(deps, scope, input.ResourceType, input.ResourceId);
    const rec = deps.cache.get<ParameterRecord>(key)!;
    const tags = rec.Tags.filter((t) => !input.TagKeys.includes(t.Key));
    if (tags.length === rec.Tags.length) return { guards: [], ops: [], result: undefined };
    return { guards: [guardOf(deps, key)], ops: [put(key, { ...rec, Tags: tags })], result: undefined };
  });
  return {};
}

export function listTagsForResource(deps: SecretDeps, scope: Scope, input: { ResourceType: string; ResourceId: string }) {
  const key = parameterKey(deps, scope, input.ResourceType, input.ResourceId);
  return { TagList: deps.cache.get<ParameterRecord>(key)!.Tags };
}

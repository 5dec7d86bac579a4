// TagResource, UntagResource, ListTagsForResource: tags live inside each resource's record; the
// ARN says which record. Resource types join this table as they are built.
import type { Tag } from "@aws-sdk/client-ecs";
import { EcsError, invalidParameter, parseArn, type Scope } from "../model/index.js";
import { commit, guardOf, put, type Deps } from "./deps.js";
import { keys } from "./keys.js";
import { mergeTags, removeTags, validateTags } from "./tags.js";

type Tagged = { tags?: Tag[]; status?: string };

/** The store key of the resource an ARN names, or undefined when berth has no such type. */
function keyOf(scope: Scope, arn: string): string | undefined {
  const parsed = parseArn(arn);
  if (!parsed || parsed.service !== "ecs") return undefined;
  if (parsed.region !== scope.region || parsed.accountId !== scope.accountId) return undefined;
  const parts = parsed.resource.split("/");
  switch (parsed.resourceType) {
    case "cluster":
      return parts.length === 1 ? keys.cluster(scope, parts[0]!) : undefined;
    case "task-definition": {
      const [family, rev] = parsed.resource.split(":");
      return family && rev && /^\d+$/.test(rev) ? keys.taskDefinition(scope, family, Number(rev)) : undefined;
    }
    case "container-instance":
      return parts.length === 2 ? keys.instance(scope, parts[0]!, parts[1]!) : undefined;
    case "capacity-provider":
      return parts.length === 1 ? keys.capacityProvider(scope, parts[0]!) : undefined;
    default:
      return extraResolvers.get(parsed.resourceType)?.(scope, parts);
  }
}

/** Later resource types (services, tasks) register how their ARNs map to keys. */
const extraResolvers = new Map<string, (scope: Scope, parts: string[]) => string | undefined>();
export function registerTaggableType(type: string, resolve: (scope: Scope, parts: string[]) => string | undefined): void {
  extraResolvers.set(type, resolve);
}

function existing(deps: Deps, scope: Scope, arn: string): string {
  if (!arn.startsWith("arn:")) throw invalidParameter(`Invalid parameter 'resourceArn': '${arn.slice(0, 300)}' is not an ARN.`);
  const key = keyOf(scope, arn);
  const rec = key ? deps.cache.get<Tagged>(key) : undefined;
  if (!key || !rec || rec.status === "INACTIVE") {
    throw new EcsError("ResourceNotFoundException", `The specified resource ${arn.slice(0, 300)} could not be found.`);
  }
  return key;
}

export function listTagsForResource(deps: Deps, scope: Scope, input: { resourceArn: string }) {
  const key = existing(deps, scope, input.resourceArn);
  return { tags: deps.cache.get<Tagged>(key)!.tags ?? [] };
}

export async function tagResource(deps: Deps, scope: Scope, input: { resourceArn: string; tags: Tag[] }) {
  const tags = validateTags(input.tags);
  const key = existing(deps, scope, input.resourceArn);
  await commit(deps, () => {
    const current = deps.cache.get<Tagged>(key)!;
    return { guards: [guardOf(deps, key)], ops: [put(key, { ...current, tags: mergeTags(current.tags, tags) })], result: undefined };
  });
  return {};
}

export async function untagResource(deps: Deps, scope: Scope, input: { resourceArn: string; tagKeys: string[] }) {
  const key = existing(deps, scope, input.resourceArn);
  await commit(deps, () => {
    const current = deps.cache.get<Tagged>(key)!;
    return { guards: [guardOf(deps, key)], ops: [put(key, { ...current, tags: removeTags(current.tags, input.tagKeys) })], result: undefined };
  });
  return {};
}

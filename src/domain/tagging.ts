// TagResource, UntagResource, ListTagsForResource: tags live inside each resource's record; the
// ARN says which record. A task set's live inside its service's record (taskSets[]).
//
// Errors as the model defines them per operation: TagResource and UntagResource answer an
// unknown resource with ResourceNotFoundException; ListTagsForResource, which has no such
// exception, with ClusterNotFoundException for a cluster and InvalidParameterException for
// anything else. Legacy short ARNs (service/<name>, task/<uuid>) are refused as ECS refuses them
// for tagging.
import type { Tag } from "@aws-sdk/client-ecs";
import { EcsError, invalidParameter, parseArn, type Scope } from "../model/index.js";
import { commit, guardOf, put, type Deps } from "./deps.js";
import { keys } from "./keys.js";
import type { ServiceRecord } from "./service-records.js";
import { findTaskSet } from "./task-sets.js";
import { taskSetsOf } from "./task-sets-records.js";
import { mergeTags, removeTags, validateTags } from "./tags.js";

type Tagged = { tags?: Tag[]; status?: string };

/** Where a resource's tags are: the record's key, and how to read and replace them in it. */
interface TagSite {
  key: string;
  read(rec: unknown): Tag[] | undefined;
  write(rec: unknown, tags: Tag[]): unknown;
}

const LONG_ARN_ONLY = "Long arn format must be used for tagging operations";

function siteOf(deps: Deps, scope: Scope, arn: string): TagSite | undefined {
  const parsed = parseArn(arn);
  if (parsed?.service === "ecs" && (parsed.resourceType === "service" || parsed.resourceType === "task") && !parsed.resource.includes("/")) {
    throw invalidParameter(LONG_ARN_ONLY);
  }
  if (parsed?.resourceType === "task-set") {
    if (parsed.region !== scope.region || parsed.accountId !== scope.accountId) return undefined;
    const [cluster, service] = parsed.resource.split("/");
    if (!cluster || !service) return undefined;
    const key = keys.service(scope, cluster, service);
    const rec = deps.cache.get<ServiceRecord>(key);
    const id = rec ? findTaskSet(scope, rec, arn)?.id : undefined;
    if (!id) return undefined;
    const setOf = (r: unknown) => taskSetsOf(r as ServiceRecord).find((t) => t.id === id);
    return {
      key,
      read: (r) => setOf(r)?.tags,
      write: (r, tags) => ({ ...(r as ServiceRecord), taskSets: taskSetsOf(r as ServiceRecord).map((t) => (t.id === id ? { ...t, tags } : t)) }),
    };
  }
  const key = keyOf(scope, arn);
  if (!key) return undefined;
  return {
    key,
    read: (r) => {
      const t = r as Tagged | undefined;
      return !t || t.status === "INACTIVE" ? undefined : (t.tags ?? []);
    },
    write: (r, tags) => ({ ...(r as Tagged), tags }),
  };
}

/** The store key of the resource an ARN names, or undefined when berth has no such type. */
function keyOf(scope: Scope, arn: string): string | undefined {
  const parsed = parseArn(arn);
  if (!parsed || parsed.service !== "ecs") return undefined;
  if (parsed.region !== scope.region || parsed.accountId !== scope.accountId) return undefined;
  const parts = parsed.resource.split("/");
  switch (parsed.resourceType) {
    case "service":
      return parts.length === 2 ? keys.service(scope, parts[0]!, parts[1]!) : undefined;
    case "task":
      return parts.length === 2 ? keys.task(scope, parts[0]!, parts[1]!) : undefined;
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

function existing(deps: Deps, scope: Scope, arn: string, operation: "list" | "change"): TagSite {
  if (!arn.startsWith("arn:")) throw invalidParameter(`Invalid parameter 'resourceArn': '${arn.slice(0, 300)}' is not an ARN.`);
  const site = siteOf(deps, scope, arn);
  if (!site || site.read(deps.cache.get(site.key)) === undefined) {
    const message = `The specified resource ${arn.slice(0, 300)} could not be found.`;
    if (operation === "change") throw new EcsError("ResourceNotFoundException", message);
    if (parseArn(arn)?.resourceType === "cluster") throw new EcsError("ClusterNotFoundException", "Cluster not found.");
    throw invalidParameter(message);
  }
  return site;
}

export function listTagsForResource(deps: Deps, scope: Scope, input: { resourceArn: string }) {
  const site = existing(deps, scope, input.resourceArn, "list");
  return { tags: site.read(deps.cache.get(site.key)) ?? [] };
}

export async function tagResource(deps: Deps, scope: Scope, input: { resourceArn: string; tags: Tag[] }) {
  const tags = validateTags(input.tags);
  const site = existing(deps, scope, input.resourceArn, "change");
  await commit(deps, () => {
    const current = deps.cache.get(site.key);
    const now = site.read(current);
    if (now === undefined) throw new EcsError("ResourceNotFoundException", `The specified resource ${input.resourceArn.slice(0, 300)} could not be found.`);
    return { guards: [guardOf(deps, site.key)], ops: [put(site.key, site.write(current, mergeTags(now, tags)))], result: undefined };
  });
  return {};
}

export async function untagResource(deps: Deps, scope: Scope, input: { resourceArn: string; tagKeys: string[] }) {
  const site = existing(deps, scope, input.resourceArn, "change");
  await commit(deps, () => {
    const current = deps.cache.get(site.key);
    const now = site.read(current);
    if (now === undefined) throw new EcsError("ResourceNotFoundException", `The specified resource ${input.resourceArn.slice(0, 300)} could not be found.`);
    return { guards: [guardOf(deps, site.key)], ops: [put(site.key, site.write(current, removeTags(now, input.tagKeys)))], result: undefined };
  });
  return {};
}

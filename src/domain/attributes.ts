// Custom attributes on container instances: PutAttributes, ListAttributes, DeleteAttributes
// (ecs-behavior.md §1.6). Placement's memberOf constraints read them.
import type { Attribute } from "@aws-sdk/client-ecs";
import { EcsError, invalidParameter, type Scope } from "../model/index.js";
import { commit, guardOf, put, type Deps } from "./deps.js";
import { findInstance, isCustom } from "./container-instances.js";
import { keys } from "./keys.js";
import { paginate, type PageRequest } from "./pagination.js";
import type { ContainerInstanceRecord } from "./records.js";
import { activeCluster } from "./resolve.js";

const MAX_CUSTOM = 10;
const NAME = /^[A-Za-z0-9_\-/\\.]{1,128}$/;
// Letters, digits, `-_./\@:` and spaces, without leading or trailing space.
const VALUE = /^[A-Za-z0-9_\-./\\@: ]{1,128}$/;

function checkAttribute(a: Attribute, i: number): void {
  if (!NAME.test(a.name ?? "")) {
    throw invalidParameter(`Invalid parameter 'attributes[${i}].name': '${(a.name ?? "").slice(0, 200)}' must be 1-128 letters, numbers, hyphens, underscores, slashes, backslashes or periods.`);
  }
  if (!isCustom(a.name!)) {
    throw invalidParameter(`Invalid parameter 'attributes[${i}].name': names starting with 'ecs.' or 'com.amazonaws.ecs.' are reserved.`);
  }
  if (a.value !== undefined && (!VALUE.test(a.value) || a.value.trim() !== a.value)) {
    throw invalidParameter(`Invalid parameter 'attributes[${i}].value': '${a.value.slice(0, 200)}' must be 1-128 letters, numbers, spaces or -_./\\@: with no leading or trailing space.`);
  }
  if (a.targetType !== undefined && a.targetType !== "container-instance") {
    throw invalidParameter(`Invalid parameter 'attributes[${i}].targetType': '${a.targetType}' must be container-instance.`);
  }
  if (!a.targetId) throw invalidParameter(`Invalid parameter 'attributes[${i}].targetId': the target container instance is required.`);
}

function targetOf(deps: Deps, scope: Scope, clusterName: string, targetId: string): ContainerInstanceRecord {
  const rec = findInstance(deps, scope, clusterName, targetId);
  if (!rec || rec.status === "INACTIVE") {
    throw new EcsError("TargetNotFoundException", `Could not find container instance ${targetId} in cluster ${clusterName}.`);
  }
  return rec;
}

export async function putAttributes(deps: Deps, scope: Scope, input: { cluster?: string; attributes: Attribute[] }) {
  const cluster = activeCluster(deps, scope, input.cluster);
  if (input.attributes.length > 10) throw invalidParameter(`Invalid parameter 'attributes': at most 10 per call, found ${input.attributes.length}.`);
  input.attributes.forEach(checkAttribute);
  // Group by target so each instance is written once, all or nothing.
  const byTarget = new Map<string, Attribute[]>();
  for (const a of input.attributes) {
    const rec = targetOf(deps, scope, cluster.clusterName, a.targetId!);
    byTarget.set(rec.id, [...(byTarget.get(rec.id) ?? []), a]);
  }
  await commit(deps, () => {
    const ops = [];
    const guards = [];
    for (const [id, attrs] of byTarget) {
      const key = keys.instance(scope, cluster.clusterName, id);
      const current = deps.cache.get<ContainerInstanceRecord>(key)!;
      const merged = new Map(current.attributes.map((a) => [a.name!, a]));
      for (const a of attrs) merged.set(a.name!, { name: a.name!, ...(a.value !== undefined ? { value: a.value } : {}) });
      const custom = [...merged.values()].filter((a) => isCustom(a.name!)).length;
      if (custom > MAX_CUSTOM) {
        throw new EcsError("AttributeLimitExceededException", `Container instance ${current.containerInstanceArn} would have ${custom} custom attributes; the limit is ${MAX_CUSTOM}.`);
      }
      guards.push(guardOf(deps, key));
      ops.push(put(key, { ...current, attributes: [...merged.values()], version: (current.version ?? 0) + 1 }));
    }
    return { guards, ops, result: undefined };
  });
  return { attributes: input.attributes.map((a) => ({ ...a, targetType: "container-instance" })) };
}

export async function deleteAttributes(deps: Deps, scope: Scope, input: { cluster?: string; attributes: Attribute[] }) {
  const cluster = activeCluster(deps, scope, input.cluster);
  for (const [i, a] of input.attributes.entries()) {
    if (!a.targetId) throw invalidParameter(`Invalid parameter 'attributes[${i}].targetId': the target container instance is required.`);
  }
  const byTarget = new Map<string, Set<string>>();
  for (const a of input.attributes) {
    const rec = targetOf(deps, scope, cluster.clusterName, a.targetId!);
    byTarget.set(rec.id, new Set([...(byTarget.get(rec.id) ?? []), a.name!]));
  }
  await commit(deps, () => {
    const ops = [];
    const guards = [];
    for (const [id, names] of byTarget) {
      const key = keys.instance(scope, cluster.clusterName, id);
      const current = deps.cache.get<ContainerInstanceRecord>(key)!;
      const kept = current.attributes.filter((a) => !(names.has(a.name!) && isCustom(a.name!)));
      if (kept.length === current.attributes.length) continue;
      guards.push(guardOf(deps, key));
      ops.push(put(key, { ...current, attributes: kept, version: (current.version ?? 0) + 1 }));
    }
    return { guards, ops, result: undefined };
  });
  return { attributes: input.attributes.map((a) => ({ ...a, targetType: "container-instance" })) };
}

export function listAttributes(
  deps: Deps,
  scope: Scope,
  input: PageRequest & { cluster?: string; targetType: string; attributeName?: string; attributeValue?: string },
) {
  const cluster = activeCluster(deps, scope, input.cluster);
  if (input.targetType !== "container-instance") {
    throw invalidParameter(`Invalid parameter 'targetType': '${input.targetType}' must be container-instance.`);
  }
  if (input.attributeValue !== undefined && input.attributeName === undefined) {
    throw invalidParameter("Invalid parameter 'attributeValue': filtering by value needs an 'attributeName' as well.");
  }
  const rows: { name: string; value?: string; targetType: string; targetId: string; sortKey: string }[] = [];
  for (const rec of deps.cache.list<ContainerInstanceRecord>(keys.instances(scope, cluster.clusterName))) {
    if (rec.status === "INACTIVE") continue;
    for (const a of rec.attributes) {
      if (input.attributeName !== undefined && a.name !== input.attributeName) continue;
      if (input.attributeValue !== undefined && a.value !== input.attributeValue) continue;
      rows.push({
        name: a.name!,
        ...(a.value !== undefined ? { value: a.value } : {}),
        targetType: "container-instance",
        targetId: rec.containerInstanceArn,
        sortKey: `${rec.id}\u0000${a.name}`,
      });
    }
  }
  rows.sort((x, y) => (x.sortKey < y.sortKey ? -1 : x.sortKey > y.sortKey ? 1 : 0));
  const page = paginate(rows, (r) => r.sortKey, input, { default: 100, max: 100 });
  return { attributes: page.items.map(({ sortKey: _s, ...a }) => a), nextToken: page.nextToken };
}

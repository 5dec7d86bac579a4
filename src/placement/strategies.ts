// Placement strategies (ecs-behavior.md §6.5) as an ordered chain of keys: each strategy ranks
// the feasible instances, and a later one only breaks the ties of the earlier ones. Smaller key
// wins everywhere:
//   binpack cpu|memory      → remaining cpu|memory (the fullest instance that still fits)
//   spread instanceId|host  → tasks of the task's group on the instance
//   spread attribute:<name> → tasks of the group on all instances sharing the instance's value
//   random                  → no key; a uniform choice among the remaining ties
// Whatever ties survive the whole chain are broken uniformly at random (seeded), which is also
// what `random` does, so nothing after a `random` can have an effect and the chain stops there.

import type { AttributeLookup } from "./query/index.js";
import type { PlacementStrategy } from "./types.js";

export type StrategyStep =
  | { readonly kind: "binpack"; readonly resource: "cpu" | "memory" }
  | { readonly kind: "spreadInstance" }
  | { readonly kind: "spreadAttribute"; readonly attribute: string };

/**
 * Services with no strategy: balance across Availability Zones, then across instances
 * (AWS: "the task placement strategy is spread using attribute:ecs.availability-zone"; within
 * an AZ, the instance with the fewest tasks of the service).
 */
export const DEFAULT_SERVICE_PLACEMENT_STRATEGY: readonly PlacementStrategy[] = Object.freeze([
  { type: "spread", field: "attribute:ecs.availability-zone" },
  { type: "spread", field: "instanceId" },
]);

/** RunTask/StartTask with no strategy: "distribute tasks randomly across your cluster" (AWS). */
export const DEFAULT_RUN_TASK_PLACEMENT_STRATEGY: readonly PlacementStrategy[] = Object.freeze([{ type: "random" }]);

/** ECS allows at most five strategies per task or service. */
export const MAX_PLACEMENT_STRATEGIES = 5;

/** The default chain for a task group: services get the AZ spread, standalone tasks random. */
export function defaultStrategyFor(group: string): readonly PlacementStrategy[] {
  return group.startsWith("service:") ? DEFAULT_SERVICE_PLACEMENT_STRATEGY : DEFAULT_RUN_TASK_PLACEMENT_STRATEGY;
}

/**
 * The spread bucket of instances that lack the attribute. Not "": that is how value-less
 * attributes are stored, and they form a bucket of their own.
 */
export const MISSING_VALUE = "\u0000missing";

/** The spread bucket of an instance for an attribute; instances without it share one bucket. */
export function bucketValue(attributes: AttributeLookup, attribute: string): string {
  return attributes.get(attribute) ?? MISSING_VALUE;
}

/**
 * Reads one strategy item. Returns the step, `"random"`, or an error message naming the field.
 * Field spellings: binpack takes cpu|memory, spread takes instanceId|host|attribute:<name>
 * (keywords case-insensitive), random takes none (a field given to random is ignored, as ECS
 * documents it as "not used").
 */
export function readStrategy(item: PlacementStrategy): StrategyStep | "random" | { error: string } {
  const field = item.field;
  switch (item.type) {
    case "random":
      return "random";
    case "binpack": {
      const lower = field?.toLowerCase();
      if (lower === "cpu" || lower === "memory") return { kind: "binpack", resource: lower };
      return { error: `binpack needs field 'cpu' or 'memory', found ${field === undefined ? "none" : `'${field}'`}` };
    }
    case "spread": {
      if (field === undefined || field === "") {
        return { error: "spread needs a field: instanceId, host or attribute:<name>, found none" };
      }
      const lower = field.toLowerCase();
      if (lower === "instanceid" || lower === "host") return { kind: "spreadInstance" };
      if (lower.startsWith("attribute:") && field.length > "attribute:".length) {
        return { kind: "spreadAttribute", attribute: field.slice("attribute:".length) };
      }
      return { error: `spread needs field instanceId, host or attribute:<name>, found '${field}'` };
    }
    default:
      return { error: `type must be one of random, spread, binpack, found '${String((item as { type: unknown }).type)}'` };
  }
}

/**
 * The chain to apply, cut at the first `random`. Empty or absent means the default for the
 * group. Throws TypeError for an item the API layer should have rejected (see validate.ts).
 */
export function strategySteps(
  strategies: readonly PlacementStrategy[] | undefined,
  group: string,
): StrategyStep[] {
  const chain = strategies && strategies.length > 0 ? strategies : defaultStrategyFor(group);
  const steps: StrategyStep[] = [];
  for (const item of chain) {
    const step = readStrategy(item);
    if (step === "random") break;
    if ("error" in step) throw new TypeError(`Invalid placement strategy: ${step.error}`);
    steps.push(step);
  }
  return steps;
}

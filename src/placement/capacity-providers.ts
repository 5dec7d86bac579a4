// Capacity provider strategies (ecs-behavior.md §1.7): which provider each new task of a
// service or RunTask goes to. The first `base` tasks go to the one provider with a base; the
// rest follow the weights (1:4 ⇒ one task on A for every four on B); weight 0 gets nothing
// beyond its base.

import type { ValidationError } from "./types.js";

/** As the API takes it (the SDK's type fits); a valid item names its provider. */
export interface CapacityProviderStrategyItem {
  readonly capacityProvider?: string;
  /** 0–100000, default 0; at most one item may have a non-zero base. */
  readonly base?: number;
  /** 0–1000, default 0; at least one item must weigh more than 0. */
  readonly weight?: number;
}

export const MAX_CAPACITY_PROVIDER_STRATEGY_ITEMS = 20;
export const MAX_CAPACITY_PROVIDER_BASE = 100_000;
export const MAX_CAPACITY_PROVIDER_WEIGHT = 1000;

function invalid(field: string, problem: string): ValidationError {
  return { field, message: `Invalid parameter '${field}': ${problem}` };
}

function checkRange(field: string, value: number | undefined, max: number): ValidationError | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 0 || value > max) {
    return invalid(field, `${value} is not a whole number from 0 to ${max}`);
  }
  return undefined;
}

/** Validates a strategy as CreateService, UpdateService, RunTask and PutClusterCapacityProviders take it. */
export function validateCapacityProviderStrategy(
  items: readonly CapacityProviderStrategyItem[],
  field = "capacityProviderStrategy",
): ValidationError[] {
  const errors: ValidationError[] = [];
  if (items.length > MAX_CAPACITY_PROVIDER_STRATEGY_ITEMS) {
    errors.push(invalid(field, `at most ${MAX_CAPACITY_PROVIDER_STRATEGY_ITEMS} capacity providers are allowed, found ${items.length}`));
  }
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const name = item.capacityProvider;
    if (typeof name !== "string" || name === "") {
      errors.push(invalid(`${field}[${i}].capacityProvider`, "a capacity provider name is required"));
    } else if (seen.has(name)) {
      errors.push(invalid(`${field}[${i}].capacityProvider`, `capacity provider '${name}' appears more than once`));
    } else {
      seen.add(name);
    }
    const base = checkRange(`${field}[${i}].base`, item.base, MAX_CAPACITY_PROVIDER_BASE);
    if (base) errors.push(base);
    const weight = checkRange(`${field}[${i}].weight`, item.weight, MAX_CAPACITY_PROVIDER_WEIGHT);
    if (weight) errors.push(weight);
  });
  const withBase = items.filter((item) => (item.base ?? 0) > 0).map((item) => item.capacityProvider ?? "(unnamed)");
  if (withBase.length > 1) {
    errors.push(
      invalid(field, `only one capacity provider can have a base greater than 0, found ${withBase.length} (${withBase.join(", ")})`),
    );
  }
  if (items.length > 0 && !items.some((item) => (item.weight ?? 0) > 0)) {
    errors.push(invalid(field, "at least one capacity provider must have a weight greater than 0, found none"));
  }
  return errors;
}

export interface CapacityProviderShare {
  readonly capacityProvider: string;
  readonly count: number;
}

/**
 * Splits `count` new tasks across the providers of a valid strategy, given how many tasks of
 * this service each provider already runs (existing tasks count toward base and weights, so a
 * service drifts back to its ratio as it scales). Returns every item, in strategy order.
 *
 * Each task in turn: to the base provider while it holds fewer than `base`; otherwise to the
 * provider most below its weighted share, i.e. the smallest (tasks beyond base + 1) / weight,
 * earlier items winning ties. Worked example, FARGATE {base 2, weight 1}, FARGATE_SPOT
 * {weight 3}, 10 tasks from nothing: 2 to FARGATE for the base, then the other 8 split 1:3 →
 * FARGATE 2 + 2 = 4, FARGATE_SPOT 6.
 */
export function splitAcrossCapacityProviders(
  items: readonly CapacityProviderStrategyItem[],
  count: number,
  existing: Readonly<Record<string, number>> = {},
): CapacityProviderShare[] {
  const held = items.map((item) => existing[item.capacityProvider ?? ""] ?? 0);
  const added = items.map(() => 0);
  const baseIndex = items.findIndex((item) => (item.base ?? 0) > 0);
  const base = baseIndex >= 0 ? items[baseIndex]!.base! : 0;
  for (let t = 0; t < count; t++) {
    if (baseIndex >= 0 && held[baseIndex]! < base) {
      held[baseIndex]!++;
      added[baseIndex]!++;
      continue;
    }
    let best = -1;
    for (let k = 0; k < items.length; k++) {
      const w = items[k]!.weight ?? 0;
      if (w <= 0) continue;
      if (best < 0) {
        best = k;
        continue;
      }
      // (beyond_k + 1) / w_k < (beyond_best + 1) / w_best, cross-multiplied to stay in integers.
      const lhs = (beyondBase(k) + 1) * (items[best]!.weight ?? 0);
      const rhs = (beyondBase(best) + 1) * w;
      if (lhs < rhs) best = k;
    }
    if (best < 0) break; // no weight > 0: an invalid strategy places nothing beyond base
    held[best]!++;
    added[best]!++;
  }
  return items.map((item, k) => ({ capacityProvider: item.capacityProvider ?? "", count: added[k]! }));

  function beyondBase(k: number): number {
    return Math.max(0, held[k]! - (k === baseIndex ? base : 0));
  }
}

// berth's placement engine: pure functions from a cluster snapshot and a task's requirements to
// instance choices or ECS-shaped failures (ecs-behavior.md §6). No I/O, no clock; randomness
// comes from the caller's seeded rng.
export { place, explainPlacement, type InstanceVerdict } from "./place.js";
export { ClusterSnapshot, createSnapshot, type SnapshotOptions } from "./snapshot.js";
export {
  DEFAULT_RUN_TASK_PLACEMENT_STRATEGY,
  DEFAULT_SERVICE_PLACEMENT_STRATEGY,
  MAX_PLACEMENT_STRATEGIES,
  defaultStrategyFor,
} from "./strategies.js";
export { MAX_RESERVED_PORTS } from "./filters.js";
export {
  MAX_EXPRESSION_LENGTH,
  MAX_PLACEMENT_CONSTRAINTS,
  validatePlacementConstraints,
  validatePlacementStrategy,
  validateTaskDefinitionConstraints,
  type ConstraintInput,
  type StrategyInput,
} from "./validate.js";
export {
  MAX_CAPACITY_PROVIDER_BASE,
  MAX_CAPACITY_PROVIDER_STRATEGY_ITEMS,
  MAX_CAPACITY_PROVIDER_WEIGHT,
  splitAcrossCapacityProviders,
  validateCapacityProviderStrategy,
  type CapacityProviderShare,
  type CapacityProviderStrategyItem,
} from "./capacity-providers.js";
export { FARGATE_SIZES, fargateMemoryOptions, fargateSizeProblem, validFargateSize } from "./fargate-sizes.js";
export * from "./types.js";
export * from "./query/index.js";

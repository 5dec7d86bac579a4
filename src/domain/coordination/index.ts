// Several control-plane servers on one store: membership, shards, the leader role, fencing.
export { startCoordinator, COORDINATION_PREFIX, type Coordinator, type CoordinationView } from "./coordinator.js";
export { fencedStore, LeaseLostError } from "./fenced-store.js";
export { planShards, shardOf } from "./shard-plan.js";

// The last placement snapshot of each candidate set (a cluster's instances as one launch share
// sees them), so that a launch derives its snapshot from the previous launch's instead of
// indexing the whole cluster again (placement/snapshot.ts). Between two launches only the
// instances whose records or tasks changed have new InstanceView objects; the rest of the
// indexes carry over. Deriving gives exactly what a fresh snapshot would, so this changes cost,
// never a placement decision.
import { createSnapshot, type ClusterSnapshot, type InstanceView } from "../placement/index.js";
import type { Deps } from "./deps.js";

/** Candidate sets remembered per cache; the least recently launched-into goes first. */
const MAX_CANDIDATE_SETS = 32;

// Keyed by the cache, which lives as long as the control plane's view of the store.
const lastSnapshots = new WeakMap<object, Map<string, ClusterSnapshot>>();

/**
 * A snapshot of `views`, derived from the last one made under `key`, which names a candidate
 * set: the instances prefix of the cluster plus how the share filtered them (launch type,
 * capacity provider, the Fargate pool).
 */
export function placementSnapshot(deps: Deps, key: string, views: readonly InstanceView[]): ClusterSnapshot {
  let byKey = lastSnapshots.get(deps.cache);
  if (!byKey) lastSnapshots.set(deps.cache, (byKey = new Map()));
  const previous = byKey.get(key);
  const snapshot = createSnapshot(views, previous ? { previous } : {});
  byKey.delete(key);
  byKey.set(key, snapshot);
  if (byKey.size > MAX_CANDIDATE_SETS) byKey.delete(byKey.keys().next().value!);
  return snapshot;
}

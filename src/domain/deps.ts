// What the domain services stand on: the store for writes, the cache for reads, the clock.
import type { Clock } from "../model/index.js";
import { EcsError } from "../model/index.js";
import type { Cache, Op, Store } from "../store/index.js";

export interface Deps {
  store: Store;
  cache: Cache;
  clock: Clock;
}

export interface Guard {
  key: string;
  /** The modRevision the write was decided on; 0 means the key must not exist yet. */
  modRevision: number;
}

/**
 * Optimistic concurrency: read from the cache, decide the write, commit it guarded by the
 * modRevisions it was decided on; on a conflict the cache has moved, so decide again. The
 * cache is then brought up to the commit, so the caller's next read sees its own write.
 */
export async function commit<T>(
  deps: Deps,
  decide: () => { guards: Guard[]; ops: Op[]; result: T },
  attempts = 20,
): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const { guards, ops, result } = decide();
    if (ops.length === 0) return result;
    const res = await deps.store.txn({
      compare: guards.map((g) => ({ key: g.key, modRevision: g.modRevision })),
      success: ops,
    });
    await deps.cache.waitFor(res.revision);
    if (res.succeeded) return result;
  }
  throw new EcsError("ServerException", "Too many concurrent updates to the same resource; try again.", 500);
}

export const put = (key: string, value: unknown): Op => ({ kind: "put", key, value: JSON.stringify(value) });

/** The guard for a key as the cache sees it now (0 when absent). */
export function guardOf(deps: Deps, key: string): Guard {
  return { key, modRevision: deps.cache.getEntry(key)?.modRevision ?? 0 };
}

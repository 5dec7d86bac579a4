// Fencing: a store through which every transaction also requires that an ownership record
// (a shard's, or the leader's) is still at the modRevision this server took it at. A server
// that lost a shard without knowing it yet (paused, partitioned, slow to notice) can then never
// have a late write win over the new owner's: its compare fails, and this wrapper turns that
// into LeaseLostError instead of the ordinary conflict the caller would retry.
import type { Compare, Store, TxnRequest, TxnResponse } from "../../store/index.js";

export class LeaseLostError extends Error {
  constructor(readonly key: string) {
    super(`this server no longer owns ${key}; the write was not applied`);
    this.name = "LeaseLostError";
  }
}

/** `fence()` gives the compare to add, or undefined once the record is known lost (then every txn throws). */
export function fencedStore(store: Store, fence: () => Compare | undefined, key: string): Store {
  const txn = async (request: TxnRequest): Promise<TxnResponse> => {
    const guard = fence();
    if (!guard) throw new LeaseLostError(key);
    // A failure branch would run when only the fence failed: a late write by a former owner.
    // berth's writers never use one (domain/deps.ts commit); refuse rather than risk it.
    if (request.failure && request.failure.length > 0) throw new Error("a fenced transaction cannot have a failure branch");
    const res = await store.txn({ ...request, compare: [...(request.compare ?? []), guard] });
    if (res.succeeded) return res;
    // An ordinary conflict (the caller decides again) or the fence (stop acting)?
    const now = await store.get(guard.key);
    if ((now?.modRevision ?? 0) !== guard.modRevision) throw new LeaseLostError(key);
    return res;
  };
  return {
    get: (k) => store.get(k),
    range: (prefix, options) => store.range(prefix, options),
    txn,
    watch: (prefix, options, onBatch) => store.watch(prefix, options, onBatch),
    revision: () => store.revision(),
    compact: (revision) => store.compact(revision),
    // A view of a store someone else owns: closing it closes nothing.
    close: async () => {},
  };
}

// How a berth transaction's op list becomes one etcd transaction.
//
// berth applies a txn's ops in order, a later op seeing what an earlier one wrote ("put k;
// delete k" leaves k absent). etcd refuses a txn that names one key twice, or puts a key that a
// range delete of the same txn covers ("duplicate key given in txn request"). So the ops are
// reduced to their net effect first: the last put or delete of each key, and each
// deletePrefix as a range delete with holes where a later op put a key back. The result touches
// every key at most once, which etcd accepts, and leaves the same keys with the same values.
//
// What cannot carry over (docs/etcd.md): a key written twice in one txn ends with version +1,
// not +2 (etcd changes a key at most once per revision), and a key deleted and put again in one
// txn keeps its createRevision (etcd sees one put of an existing key).
import { compareKeys, prefixEnd } from "./key-order.js";
import type { Op } from "./types.js";

/** A range delete of [from, to); `to` undefined means "to the end of berth's key space". */
export type PlannedOp = { kind: "put"; key: string; value: string } | { kind: "deleteKey"; key: string } | { kind: "deleteRange"; from: string; to: string | undefined };

export function planOps(ops: readonly Op[]): PlannedOp[] {
  // The final state of each key an op named, in order of first mention.
  const last = new Map<string, string | null>();
  const prefixes: string[] = [];
  for (const op of ops) {
    if (op.kind === "put") last.set(op.key, op.value);
    else if (op.kind === "delete") last.set(op.key, null);
    else {
      for (const key of last.keys()) if (key.startsWith(op.prefix)) last.set(key, null);
      prefixes.push(op.prefix);
    }
  }
  // A prefix inside another one deletes nothing more.
  const outer = [...new Set(prefixes)].filter((p) => !prefixes.some((q) => q !== p && p.startsWith(q))).sort(compareKeys);
  const covered = (key: string) => outer.some((p) => key.startsWith(p));
  const planned: PlannedOp[] = [];
  for (const prefix of outer) {
    // Keys put back after the prefix went are holes in its range, in key order.
    const holes = [...last.entries()]
      .filter(([key, value]) => value !== null && key.startsWith(prefix))
      .map(([key]) => key)
      .sort(compareKeys);
    let from = prefix;
    for (const hole of holes) {
      if (compareKeys(from, hole) < 0) planned.push({ kind: "deleteRange", from, to: hole });
      from = `${hole}\u0000`;
    }
    planned.push({ kind: "deleteRange", from, to: prefixEnd(prefix) });
  }
  for (const [key, value] of last) {
    if (value !== null) planned.push({ kind: "put", key, value });
    else if (!covered(key)) planned.push({ kind: "deleteKey", key });
  }
  return planned;
}

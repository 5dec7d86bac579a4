// Argument checks of the Store calls, shared by backends: a bad key, op or compare is the
// caller's bug and is refused with a TypeError or RangeError naming it, before anything commits.
import type { Op, TxnRequest } from "./types.js";

export function checkKey(what: string, key: unknown): void {
  if (typeof key !== "string" || key === "") {
    throw new TypeError(`${what} must be a non-empty string, got ${JSON.stringify(key)}`);
  }
}

function checkOps(what: string, ops: unknown): void {
  if (!Array.isArray(ops)) throw new TypeError(`txn ${what} must be an array of ops, got ${typeof ops}`);
  for (const op of ops as Op[]) {
    if (op?.kind === "put") {
      checkKey(`txn ${what} put key`, op.key);
      if (typeof op.value !== "string") {
        throw new TypeError(`txn ${what} put value for ${op.key} must be a string, got ${typeof op.value}`);
      }
    } else if (op?.kind === "delete") {
      checkKey(`txn ${what} delete key`, op.key);
    } else if (op?.kind === "deletePrefix") {
      if (typeof op.prefix !== "string") {
        throw new TypeError(`txn ${what} deletePrefix prefix must be a string, got ${typeof op.prefix}`);
      }
    } else {
      const kind = (op as { kind?: unknown } | undefined)?.kind;
      throw new TypeError(`txn ${what} op kind ${JSON.stringify(kind)} is unknown: use put, delete or deletePrefix`);
    }
  }
}

export function checkTxn(request: TxnRequest): void {
  for (const c of request.compare ?? []) {
    checkKey("txn compare key", c.key);
    if (!Number.isSafeInteger(c.modRevision) || c.modRevision < 0) {
      throw new RangeError(`txn compare modRevision for ${c.key} must be an integer >= 0, got ${c.modRevision}`);
    }
    if (c.op !== undefined && !["==", "!=", "<", ">"].includes(c.op)) {
      throw new RangeError(`txn compare op for ${c.key} must be ==, !=, < or >, got ${JSON.stringify(c.op)}`);
    }
  }
  checkOps("success", request.success);
  if (request.failure !== undefined) checkOps("failure", request.failure);
}

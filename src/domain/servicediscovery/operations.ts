// Cloud Map's asynchronous operations. berth applies each change in the same store
// transaction that records its operation, so an operation is SUCCESS as soon as its id is
// returned; clients that poll GetOperation (the CLI, Terraform, CDK, ECS) see it finished.
import type { Scope } from "../../model/index.js";
import { put, type Deps } from "../deps.js";
import type { Op } from "../../store/index.js";
import { paginate } from "../pagination.js";
import { cloudMapError, sdIds, sdKeys, type OperationRecord, type OperationType } from "./records.js";

export function newOperation(deps: Deps, scope: Scope, type: OperationType, targets: OperationRecord["Targets"]): { record: OperationRecord; op: Op } {
  const now = deps.clock.now();
  const record: OperationRecord = { Id: sdIds.operation(), Type: type, Status: "SUCCESS", CreateDate: now, UpdateDate: now, Targets: targets };
  return { record, op: put(sdKeys.operation(scope, record.Id), record) };
}

export function getOperation(deps: Deps, scope: Scope, input: { OperationId: string }) {
  const rec = deps.cache.get<OperationRecord>(sdKeys.operation(scope, input.OperationId));
  if (!rec) throw cloudMapError("OperationNotFound", `No operation found with ID ${input.OperationId}.`);
  return { Operation: rec };
}

export function listOperations(deps: Deps, scope: Scope, input: { NextToken?: string; MaxResults?: number }) {
  const all = deps.cache.list<OperationRecord>(sdKeys.operations(scope));
  const page = paginate(all, (o) => o.Id, { nextToken: input.NextToken, maxResults: input.MaxResults }, { default: 100, max: 100 });
  return { Operations: page.items.map((o) => ({ Id: o.Id, Status: o.Status })), ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
}

/** Operations older than this are forgotten, so ECS's register/deregister churn stays bounded. */
export const OPERATION_RETENTION_MS = 60 * 60_000;

export async function sweepOperations(deps: Deps, retentionMs = OPERATION_RETENTION_MS): Promise<number> {
  const cutoff = deps.clock.now() - retentionMs;
  const old = deps.cache.listEntries<OperationRecord>("/berth/").filter((e) => e.key.includes("/servicediscovery/operations/") && e.value.UpdateDate < cutoff);
  if (old.length === 0) return 0;
  const res = await deps.store.txn({ success: old.map((e) => ({ kind: "delete" as const, key: e.key })) });
  await deps.cache.waitFor(res.revision);
  return old.length;
}

// Cloud Map operations are kept an hour, then swept, so ECS's register/deregister churn does
// not grow the store without bound.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { ManualClock } from "../../model/index.js";
import { createCache, openSqliteStore } from "../../store/index.js";
import type { Deps } from "../deps.js";
import { indexes } from "../indexes.js";
import { ROOT } from "../keys.js";
import { createHttpNamespace } from "./namespaces.js";
import { getOperation, OPERATION_RETENTION_MS, sweepOperations } from "./operations.js";

describe("sweepOperations", () => {
  const store = openSqliteStore({ path: ":memory:" });
  const cache = createCache(store, { prefix: ROOT, indexes });
  const clock = new ManualClock(1_000_000);
  const deps: Deps = { store, cache, clock };
  const scope = { accountId: "000000000000", region: "us-east-1" };
  after(async () => {
    cache.stop();
    await store.close();
  });

  it("forgets operations older than the retention and keeps newer ones", async () => {
    await cache.start();
    const old = await createHttpNamespace(deps, scope, { Name: "old" });
    clock.advance(OPERATION_RETENTION_MS);
    const fresh = await createHttpNamespace(deps, scope, { Name: "fresh" });
    clock.advance(1);
    assert.equal(await sweepOperations(deps), 1);
    assert.throws(() => getOperation(deps, scope, { OperationId: old.OperationId }), { name: "OperationNotFound" });
    assert.equal(getOperation(deps, scope, { OperationId: fresh.OperationId }).Operation.Status, "SUCCESS");
  });
});

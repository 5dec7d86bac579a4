// A secret scheduled for deletion is gone once its recovery window ends: lookups stop finding
// it at once, the name is free, and the sweep removes its record and every sealed version.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, describe, it } from "node:test";
import { ManualClock } from "../../model/index.js";
import { createCache, openSqliteStore } from "../../store/index.js";
import { indexes } from "../indexes.js";
import { ROOT } from "../keys.js";
import type { SecretDeps } from "../secrets/deps.js";
import { createVault } from "../secrets/vault.js";
import { findSecret } from "./lookup.js";
import { purgeExpiredSecrets } from "./purge.js";
import { smKeys } from "./records.js";
import { createSecret, deleteSecret, describeSecret, putSecretValue } from "./secrets.js";
import { readSecretValue } from "./values.js";

const DAY = 86_400_000;

describe("purgeExpiredSecrets", () => {
  const store = openSqliteStore({ path: ":memory:" });
  const cache = createCache(store, { prefix: ROOT, indexes });
  const clock = new ManualClock(1_700_000_000_000);
  const deps: SecretDeps = { store, cache, clock, vault: createVault(randomBytes(32)) };
  const scope = { accountId: "000000000000", region: "us-east-1" };
  after(async () => {
    cache.stop();
    await store.close();
  });

  it("forgets a secret after its window, frees its name and sweeps its versions", async () => {
    await cache.start();
    const old = await createSecret(deps, scope, { Name: "short", SecretString: "a" });
    await putSecretValue(deps, scope, { SecretId: "short", SecretString: "b" });
    await createSecret(deps, scope, { Name: "long", SecretString: "c" });
    await deleteSecret(deps, scope, { SecretId: "short", RecoveryWindowInDays: 7 });
    await deleteSecret(deps, scope, { SecretId: "long" });

    clock.advance(7 * DAY - 1);
    assert.equal(await purgeExpiredSecrets(deps), 0, "nothing before the window ends");
    assert.ok(findSecret(deps, scope, "short"));

    clock.advance(1);
    assert.equal(findSecret(deps, scope, "short"), undefined, "gone at the end of its window, before any sweep");
    assert.throws(() => describeSecret(deps, scope, { SecretId: old.ARN }), { name: "ResourceNotFoundException" });
    assert.equal(cache.list(smKeys.versions(scope, old.ARN)).length, 2, "its sealed versions are still stored");
    assert.equal(await purgeExpiredSecrets(deps), 1, "the 30-day one stays");
    assert.equal(cache.get(smKeys.secret(scope, "short")), undefined);
    assert.equal(cache.list(smKeys.versions(scope, old.ARN)).length, 0);
    assert.ok(describeSecret(deps, scope, { SecretId: "long" }).DeletedDate);

    // A secret whose window passed but was not swept yet: its name is taken over cleanly.
    clock.advance(30 * DAY);
    const fresh = await createSecret(deps, scope, { Name: "long", SecretString: "new" });
    assert.equal(readSecretValue(deps, scope, { SecretId: "long" }).value.bytes.toString("utf8"), "new");
    assert.deepEqual(Object.keys(describeSecret(deps, scope, { SecretId: "long" }).VersionIdsToStages ?? {}), [fresh.VersionId]);
    assert.equal(await purgeExpiredSecrets(deps), 0);
  });
});

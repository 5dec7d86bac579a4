// Secrets past their recovery window are deleted for good: the secret's record and every
// version's sealed value. Lookups already treat them as gone (lookup.ts); this sweep, run by
// the control plane's periodic cleanup, removes what is left, one guarded commit per secret.
import { guardOf, type Deps } from "../deps.js";
import { kindOf } from "../keys.js";
import { isExpired, smKeys, type SecretRecord } from "./records.js";

/** Secrets scheduled for deletion, under one index value: the sweep looks at those only. */
export const secretsManagerIndexes = {
  secretsPendingDeletion(key: string, value: unknown): string[] {
    if (kindOf(key) !== "secretsmanager" || key.split("/")[5] !== "secrets") return [];
    return (value as SecretRecord).DeletedDate !== undefined ? ["all"] : [];
  },
};

export async function purgeExpiredSecrets(deps: Deps): Promise<number> {
  const now = deps.clock.now();
  let purged = 0;
  for (const entry of deps.cache.byIndexEntries<SecretRecord>("secretsPendingDeletion", "all")) {
    if (!isExpired(entry.value, now)) continue;
    const [, , accountId, region] = entry.key.split("/");
    const scope = { accountId: accountId!, region: region! };
    const guard = guardOf(deps, entry.key);
    const res = await deps.store.txn({
      compare: [{ key: guard.key, modRevision: guard.modRevision }],
      success: [{ kind: "delete", key: entry.key }, { kind: "deletePrefix", prefix: smKeys.versions(scope, entry.value.ARN) }],
    });
    await deps.cache.waitFor(res.revision);
    if (res.succeeded) purged++;
  }
  return purged;
}

// Deleted services are purged an hour after they became INACTIVE, with their events and
// decision log. ECS keeps INACTIVE services describable for a while and says they "may be
// cleaned up and purged" later, after which DescribeServices reports them MISSING; without a
// purge every service ever deleted would stay in the store for good.
import type { Deps } from "./deps.js";
import { kindOf, ROOT, scopeOfKey } from "./keys.js";
import { removeServiceLogs } from "./service-logs.js";
import type { ServiceRecord } from "./service-records.js";

export const DEFAULT_SERVICE_RETENTION_MS = 60 * 60 * 1000;

/** The keys of services INACTIVE for longer than the retention: pure, for tests and the sweeper. */
export function expiredServiceKeys(entries: readonly { key: string; value: ServiceRecord }[], now: number, retentionMs: number): string[] {
  return entries
    .filter((e) => e.value.status === "INACTIVE" && e.value.inactiveSince !== undefined && e.value.inactiveSince < now - retentionMs)
    .map((e) => e.key);
}

export async function sweepInactiveServices(deps: Deps, retentionMs = DEFAULT_SERVICE_RETENTION_MS): Promise<number> {
  const services = deps.cache.listEntries<ServiceRecord>(ROOT).filter((e) => kindOf(e.key) === "services");
  let removed = 0;
  for (const key of expiredServiceKeys(services, deps.clock.now(), retentionMs)) {
    const entry = deps.cache.getEntry<ServiceRecord>(key);
    if (!entry) continue;
    const [accountId, region] = scopeOfKey(key).split("/") as [string, string];
    // Guarded: a service created again under this name since the read is left alone.
    const res = await deps.store.txn({
      compare: [{ key, modRevision: entry.modRevision }],
      success: [{ kind: "delete", key }, ...removeServiceLogs({ accountId, region }, entry.value)],
    });
    if (res.succeeded) removed++;
    await deps.cache.waitFor(res.revision);
  }
  return removed;
}

// Observe for the DNS server: from the cache, the private namespace whose zone holds a query
// name and that zone's services with their instances. Two cache indexes (indexes.ts) keep
// this a few lookups per query, whatever the size of the store.
import type { Cache } from "../../store/index.js";
import { normalizeName, type DnsZoneView } from "./dns-answer.js";
import type { InstanceRecord, NamespaceRecord, ServiceRecord } from "./records.js";

/**
 * The zone for `qname`: the longest namespace name it ends with. Two private namespaces of one
 * name (other VPCs, accounts or regions) are answered from the first in key order; telling
 * them apart needs the querier's VPC (a later hook: the server's listening address per VPC).
 */
export function observeZone(cache: Cache, qname: string): DnsZoneView | undefined {
  const labels = normalizeName(qname).split(".");
  for (let i = 0; i < labels.length; i++) {
    const found = cache.byIndexEntries<NamespaceRecord>("sdDnsZone", labels.slice(i).join("."))[0];
    if (!found) continue;
    const ns = found.value;
    const services = cache.byIndexEntries<ServiceRecord>("sdNamespaceServices", ns.Id).map((e) => ({
      service: e.value,
      instances: cache.list<InstanceRecord>(e.key.replace(/services\/[^/]+$/, `instances/${e.value.Id}/`)),
    }));
    return { ns, services };
  }
  return undefined;
}

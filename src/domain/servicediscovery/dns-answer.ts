// What berth's DNS server answers for one question, as Route 53 answers for a Cloud Map
// private namespace (aws-neighbors.md §2.8): a pure function of the zone's records, so every
// rule is table-tested without sockets.
import type { InstanceRecord, NamespaceRecord, ServiceRecord } from "./records.js";

/** What observe found for a query name: the namespace whose zone holds it and that zone's services. */
export interface DnsZoneView {
  ns: NamespaceRecord;
  services: { service: ServiceRecord; instances: InstanceRecord[] }[];
}

export type DnsRr =
  | { name: string; type: "A"; ttl: number; address: string }
  | { name: string; type: "AAAA"; ttl: number; address: string }
  | { name: string; type: "SRV"; ttl: number; priority: number; weight: number; port: number; target: string }
  | { name: string; type: "SOA"; ttl: number; primary: string; admin: string; serial: number; refresh: number; retry: number; expiration: number; minimum: number };

export interface DnsAnswer {
  rcode: "NOERROR" | "NXDOMAIN" | "REFUSED";
  answers: DnsRr[];
  authorities: DnsRr[];
  additionals: DnsRr[];
}

/** Route 53's MULTIVALUE answers hold at most 8 records. */
export const MULTIVALUE_LIMIT = 8;
/** The SOA TTL (and negative-caching time) when the namespace sets none; short, as tasks come and go. */
export const DEFAULT_SOA_TTL = 15;

export const normalizeName = (name: string) => name.replace(/\.$/, "").toLowerCase();

const empty = (rcode: DnsAnswer["rcode"]): DnsAnswer => ({ rcode, answers: [], authorities: [], additionals: [] });

function soa(ns: NamespaceRecord): DnsRr {
  const ttl = ns.Properties.DnsProperties?.SOA?.TTL ?? DEFAULT_SOA_TTL;
  return { name: ns.Name, type: "SOA", ttl, primary: `ns.${ns.Name}`, admin: `hostmaster.${ns.Name}`, serial: 1, refresh: 7200, retry: 900, expiration: 1209600, minimum: ttl };
}

/** An answer with no records: NODATA (NOERROR) or NXDOMAIN, with the SOA so resolvers cache it as long as it says. */
const negative = (ns: NamespaceRecord, rcode: "NOERROR" | "NXDOMAIN"): DnsAnswer => ({ ...empty(rcode), authorities: [soa(ns)] });

/**
 * Answers `qtype` for `qname`. `pick(n)` chooses one of n (WEIGHTED routing); it is the only
 * thing not decided by the records. Names outside every namespace are REFUSED: berth's server
 * is authoritative for its zones only and does not recurse.
 */
export function answerQuery(zone: DnsZoneView | undefined, qname: string, qtype: string, pick: (n: number) => number): DnsAnswer {
  if (!zone) return empty("REFUSED");
  const { ns } = zone;
  const name = normalizeName(qname);
  if (name === ns.Name) return qtype === "SOA" ? { ...empty("NOERROR"), answers: [soa(ns)] } : negative(ns, "NOERROR");
  const rel = name.slice(0, -(ns.Name.length + 1));
  const dns = zone.services.filter((s) => s.service.DnsConfig);

  const exact = dns.find((s) => s.service.Name === rel);
  if (exact) return serviceAnswer(ns, exact.service, eligible(exact.instances), qtype, pick);

  // <instance id>.<service>: the host an SRV record points at.
  const dot = rel.indexOf(".");
  if (dot > 0) {
    const host = rel.slice(0, dot);
    const parent = dns.find((s) => s.service.Name === rel.slice(dot + 1) && s.service.DnsConfig!.DnsRecords.some((r) => r.Type === "SRV"));
    const inst = parent?.instances.find((i) => i.Id.toLowerCase() === host);
    if (parent && inst) return hostAnswer(ns, parent.service, inst, name, qtype);
  }
  // `_tcp.<zone>` under `_api._tcp.<zone>` exists without records of its own.
  if (dns.some((s) => s.service.Name.endsWith(`.${rel}`))) return negative(ns, "NOERROR");
  return negative(ns, "NXDOMAIN");
}

/** Healthy instances; if none is healthy, the unhealthy ones (Route 53 fails open). */
function eligible(instances: InstanceRecord[]): InstanceRecord[] {
  const healthy = instances.filter((i) => i.health !== "UNHEALTHY");
  return healthy.length > 0 ? healthy : instances;
}

function ttlOf(service: ServiceRecord, type: string): number | undefined {
  return service.DnsConfig?.DnsRecords.find((r) => r.Type === type)?.TTL;
}

function serviceAnswer(ns: NamespaceRecord, service: ServiceRecord, instances: InstanceRecord[], qtype: string, pick: (n: number) => number): DnsAnswer {
  // A service's name exists while it has instances: Route 53 holds its records only then.
  if (instances.length === 0) return negative(ns, "NXDOMAIN");
  const chosen = service.DnsConfig!.RoutingPolicy === "WEIGHTED" ? [instances[pick(instances.length)]!] : instances.slice(0, MULTIVALUE_LIMIT);
  const name = `${service.Name}.${ns.Name}`;
  const ttl = ttlOf(service, qtype);
  if (ttl === undefined) return negative(ns, "NOERROR");
  const answer: DnsAnswer = empty("NOERROR");
  for (const inst of chosen) {
    const v4 = inst.Attributes.AWS_INSTANCE_IPV4;
    const v6 = inst.Attributes.AWS_INSTANCE_IPV6;
    if (qtype === "A" && v4) answer.answers.push({ name, type: "A", ttl, address: v4 });
    if (qtype === "AAAA" && v6) answer.answers.push({ name, type: "AAAA", ttl, address: v6 });
    if (qtype === "SRV" && inst.Attributes.AWS_INSTANCE_PORT) {
      const target = `${inst.Id.toLowerCase()}.${name}`;
      answer.answers.push({ name, type: "SRV", ttl, priority: 1, weight: 1, port: Number(inst.Attributes.AWS_INSTANCE_PORT), target });
      // The target's address rides along, so a client needs no second query.
      if (v4) answer.additionals.push({ name: target, type: "A", ttl, address: v4 });
      if (v6) answer.additionals.push({ name: target, type: "AAAA", ttl, address: v6 });
    }
  }
  return answer.answers.length > 0 ? answer : negative(ns, "NOERROR");
}

function hostAnswer(ns: NamespaceRecord, service: ServiceRecord, inst: InstanceRecord, name: string, qtype: string): DnsAnswer {
  const ttl = ttlOf(service, "SRV")!;
  const address = qtype === "A" ? inst.Attributes.AWS_INSTANCE_IPV4 : qtype === "AAAA" ? inst.Attributes.AWS_INSTANCE_IPV6 : undefined;
  if (!address) return negative(ns, "NOERROR");
  return { ...empty("NOERROR"), answers: [{ name, type: qtype as "A" | "AAAA", ttl, address }] };
}

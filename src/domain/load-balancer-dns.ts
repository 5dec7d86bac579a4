// What berth's DNS server answers for a load balancer's DNSName: an A record of the address its
// listeners are bound to (bindAddress), as Route 53 answers an ELB's name with its nodes'
// addresses. Names that are no load balancer's are left to the Cloud Map zones.
import type { Cache } from "../store/index.js";
import type { LoadBalancerRecord } from "./elbv2/records.js";
import { loadBalancerByDnsName } from "./load-balancer-view.js";
import type { DnsAnswer } from "./servicediscovery/dns-answer.js";

/** ELB's records have a TTL of 60 s. */
export const LOAD_BALANCER_TTL = 60;

/** Pure: the answer for a question about `lb`'s name; undefined when the name is no load balancer's. */
export function answerLoadBalancer(lb: Pick<LoadBalancerRecord, "DNSName" | "bindAddress"> | undefined, qname: string, qtype: string): DnsAnswer | undefined {
  if (!lb) return undefined;
  const name = qname.replace(/\.$/, "").toLowerCase();
  // Any other type: the name exists and has no such record (NODATA).
  const answers = qtype === "A" || qtype === "ANY" ? [{ name, type: "A" as const, ttl: LOAD_BALANCER_TTL, address: lb.bindAddress }] : [];
  return { rcode: "NOERROR", answers, authorities: [], additionals: [] };
}

/** Observe and answer, for the DNS server. */
export function answerLoadBalancerQuery(cache: Cache, qname: string, qtype: string): DnsAnswer | undefined {
  return answerLoadBalancer(loadBalancerByDnsName(cache, qname), qname, qtype);
}

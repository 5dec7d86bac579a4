// Table test: what the DNS server answers for a load balancer's DNSName.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { answerLoadBalancer } from "./load-balancer-dns.js";

const lb = { DNSName: "web-1234567890.us-east-1.elb.localhost", bindAddress: "127.100.0.3" };

describe("answerLoadBalancer", () => {
  const cases: { name: string; lb?: typeof lb; qname: string; qtype: string; want: ReturnType<typeof answerLoadBalancer> }[] = [
    {
      name: "A: the bind address, under the name asked (lower case, no trailing dot)",
      lb,
      qname: "WEB-1234567890.us-east-1.elb.localhost.",
      qtype: "A",
      want: { rcode: "NOERROR", answers: [{ name: "web-1234567890.us-east-1.elb.localhost", type: "A", ttl: 60, address: "127.100.0.3" }], authorities: [], additionals: [] },
    },
    { name: "AAAA: the name exists with no such record (NODATA)", lb, qname: lb.DNSName, qtype: "AAAA", want: { rcode: "NOERROR", answers: [], authorities: [], additionals: [] } },
    { name: "no load balancer has the name: left to the Cloud Map zones", qname: "api.local", qtype: "A", want: undefined },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(answerLoadBalancer(c.lb, c.qname, c.qtype), c.want));
});

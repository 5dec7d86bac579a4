// Table tests of what berth's DNS server answers for a Cloud Map private namespace.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { answerQuery, type DnsZoneView } from "./dns-answer.js";
import type { InstanceRecord, NamespaceRecord, ServiceRecord } from "./records.js";

const ns: NamespaceRecord = {
  Id: "ns-1",
  Arn: "arn",
  Name: "app.local",
  Type: "DNS_PRIVATE",
  Properties: { DnsProperties: { HostedZoneId: "Z1", SOA: { TTL: 30 } }, HttpProperties: { HttpName: "app.local" } },
  CreateDate: 0,
  CreatorRequestId: "",
  operationId: "op",
};
const svc = (Name: string, records: ("A" | "SRV")[], extra: Partial<ServiceRecord> = {}): ServiceRecord => ({
  Id: `srv-${Name}`,
  Arn: "arn",
  Name,
  NamespaceId: "ns-1",
  Type: "DNS_HTTP",
  CreateDate: 0,
  CreatorRequestId: "",
  instancesRevision: 0,
  DnsConfig: { RoutingPolicy: "MULTIVALUE", DnsRecords: records.map((Type) => ({ Type, TTL: Type === "A" ? 10 : 20 })) },
  ...extra,
});
const inst = (Id: string, ip: string, port?: number, health?: "HEALTHY" | "UNHEALTHY"): InstanceRecord => ({
  Id,
  ServiceId: "x",
  Attributes: { AWS_INSTANCE_IPV4: ip, ...(port ? { AWS_INSTANCE_PORT: String(port) } : {}) },
  operationId: "op",
  ...(health ? { health } : {}),
});

const zone: DnsZoneView = {
  ns,
  services: [
    { service: svc("api", ["A"]), instances: [inst("t1", "10.0.0.1"), inst("t2", "10.0.0.2")] },
    { service: svc("_web._tcp", ["SRV"]), instances: [inst("T3", "127.0.0.1", 32768)] },
    { service: svc("sick", ["A"]), instances: [inst("t4", "10.0.0.4", undefined, "UNHEALTHY"), inst("t5", "10.0.0.5", undefined, "HEALTHY")] },
    { service: svc("allsick", ["A"]), instances: [inst("t6", "10.0.0.6", undefined, "UNHEALTHY")] },
    { service: svc("idle", ["A"]), instances: [] },
    { service: svc("many", ["A"]), instances: Array.from({ length: 10 }, (_, i) => inst(`m${i}`, `10.0.1.${i}`)) },
    { service: svc("one", ["A"], { DnsConfig: { RoutingPolicy: "WEIGHTED", DnsRecords: [{ Type: "A", TTL: 5 }] } }), instances: [inst("w0", "10.0.2.0"), inst("w1", "10.0.2.1")] },
    { service: { ...svc("httponly", []), DnsConfig: undefined, Type: "HTTP" }, instances: [inst("h", "10.0.3.1")] },
  ],
};

const addresses = (a: ReturnType<typeof answerQuery>) => a.answers.map((r) => ("address" in r ? r.address : `${r.type}`));

describe("answerQuery", () => {
  const cases: { name: string; q: string; type: string; rcode: string; want?: string[]; zone?: DnsZoneView | undefined }[] = [
    { name: "A of a service: every instance's address", q: "api.app.local", type: "A", rcode: "NOERROR", want: ["10.0.0.1", "10.0.0.2"] },
    { name: "names are case-insensitive, a trailing dot allowed", q: "API.App.Local.", type: "A", rcode: "NOERROR", want: ["10.0.0.1", "10.0.0.2"] },
    { name: "healthy instances only", q: "sick.app.local", type: "A", rcode: "NOERROR", want: ["10.0.0.5"] },
    { name: "all unhealthy: fail open", q: "allsick.app.local", type: "A", rcode: "NOERROR", want: ["10.0.0.6"] },
    { name: "a service without instances does not exist", q: "idle.app.local", type: "A", rcode: "NXDOMAIN", want: [] },
    { name: "MULTIVALUE: at most 8", q: "many.app.local", type: "A", rcode: "NOERROR", want: Array.from({ length: 8 }, (_, i) => `10.0.1.${i}`) },
    { name: "WEIGHTED: the one picked", q: "one.app.local", type: "A", rcode: "NOERROR", want: ["10.0.2.1"] },
    { name: "a type the service has no record of: NODATA", q: "api.app.local", type: "SRV", rcode: "NOERROR", want: [] },
    { name: "an unknown name in the zone: NXDOMAIN", q: "nope.app.local", type: "A", rcode: "NXDOMAIN", want: [] },
    { name: "an HTTP-only service has no DNS name", q: "httponly.app.local", type: "A", rcode: "NXDOMAIN", want: [] },
    { name: "the SRV target's A record", q: "t3._web._tcp.app.local", type: "A", rcode: "NOERROR", want: ["127.0.0.1"] },
    { name: "an empty non-terminal (_tcp under _web._tcp): NODATA", q: "_tcp.app.local", type: "A", rcode: "NOERROR", want: [] },
    { name: "the zone apex: SOA", q: "app.local", type: "SOA", rcode: "NOERROR", want: ["SOA"] },
    { name: "outside every zone: REFUSED", q: "example.com", type: "A", rcode: "REFUSED", want: [], zone: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const a = answerQuery("zone" in c ? c.zone : zone, c.q, c.type, (n) => n - 1);
      assert.equal(a.rcode, c.rcode);
      if (c.want) assert.deepEqual(addresses(a), c.want);
    });
  }

  it("TTLs come from the service's DnsConfig; negative answers carry the SOA with the namespace's TTL", () => {
    assert.deepEqual(answerQuery(zone, "api.app.local", "A", () => 0).answers.map((r) => r.ttl), [10, 10]);
    const nx = answerQuery(zone, "nope.app.local", "A", () => 0);
    assert.deepEqual(nx.authorities.map((r) => [r.type, r.ttl]), [["SOA", 30]]);
  });

  it("SRV: priority 1, weight 1, the instance's port and host, with the host's address alongside", () => {
    const a = answerQuery(zone, "_web._tcp.app.local", "SRV", () => 0);
    assert.deepEqual(a.answers, [{ name: "_web._tcp.app.local", type: "SRV", ttl: 20, priority: 1, weight: 1, port: 32768, target: "t3._web._tcp.app.local" }]);
    assert.deepEqual(a.additionals, [{ name: "t3._web._tcp.app.local", type: "A", ttl: 20, address: "127.0.0.1" }]);
  });
});

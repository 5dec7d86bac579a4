// Table tests of Cloud Map's pure rules: which instances DiscoverInstances returns, which DNS
// record sets a service may have, and what an instance's attributes must carry.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { selectInstances, type DiscoverQuery } from "./discover.js";
import { attributesProblem } from "./instances.js";
import type { InstanceRecord, ServiceRecord } from "./records.js";
import { dnsRecordsProblem } from "./services.js";

const inst = (Id: string, Attributes: Record<string, string>, health?: "HEALTHY" | "UNHEALTHY"): InstanceRecord => ({
  Id,
  ServiceId: "srv-x",
  Attributes,
  operationId: "op",
  ...(health ? { health } : {}),
});

describe("selectInstances", () => {
  const a = inst("a", { zone: "1", tier: "web" }, "HEALTHY");
  const b = inst("b", { zone: "2", tier: "web" }, "UNHEALTHY");
  const c = inst("c", { zone: "2", tier: "db" }, "HEALTHY");
  const all = [a, b, c];
  const cases: { name: string; health: boolean; q: DiscoverQuery; want: string[]; from?: InstanceRecord[] }[] = [
    { name: "no health check: every instance, whatever the filter", health: false, q: { HealthStatus: "HEALTHY" }, want: ["a", "b", "c"] },
    { name: "health check, default filter: the healthy ones", health: true, q: {}, want: ["a", "c"] },
    { name: "UNHEALTHY", health: true, q: { HealthStatus: "UNHEALTHY" }, want: ["b"] },
    { name: "ALL", health: true, q: { HealthStatus: "ALL" }, want: ["a", "b", "c"] },
    { name: "HEALTHY_OR_ELSE_ALL with healthy ones", health: true, q: { HealthStatus: "HEALTHY_OR_ELSE_ALL" }, want: ["a", "c"] },
    { name: "HEALTHY_OR_ELSE_ALL fails open", health: true, q: { HealthStatus: "HEALTHY_OR_ELSE_ALL" }, from: [b], want: ["b"] },
    { name: "query parameters must all match", health: false, q: { QueryParameters: { zone: "2", tier: "web" } }, want: ["b"] },
    { name: "optional parameters narrow when something matches", health: false, q: { OptionalParameters: { tier: "db" } }, want: ["c"] },
    { name: "optional parameters matching nothing are dropped", health: false, q: { OptionalParameters: { tier: "cache" } }, want: ["a", "b", "c"] },
    { name: "MaxResults caps the answer", health: false, q: { MaxResults: 2 }, want: ["a", "b"] },
  ];
  for (const t of cases) {
    it(t.name, () => assert.deepEqual(selectInstances(t.from ?? all, t.health, t.q).map((i) => i.Id), t.want));
  }
});

describe("dnsRecordsProblem", () => {
  const cases: { types: ("A" | "AAAA" | "SRV" | "CNAME")[]; policy: string; ok: boolean }[] = [
    { types: ["A"], policy: "MULTIVALUE", ok: true },
    { types: ["AAAA", "A"], policy: "MULTIVALUE", ok: true },
    { types: ["SRV"], policy: "MULTIVALUE", ok: true },
    { types: ["CNAME"], policy: "WEIGHTED", ok: true },
    { types: ["CNAME"], policy: "MULTIVALUE", ok: false },
    { types: ["A", "SRV"], policy: "MULTIVALUE", ok: false },
    { types: [], policy: "MULTIVALUE", ok: false },
  ];
  for (const t of cases) {
    it(`${t.types.join("+") || "none"} with ${t.policy}: ${t.ok ? "accepted" : "refused"}`, () => {
      assert.equal(dnsRecordsProblem(t.types.map((Type) => ({ Type, TTL: 60 })), t.policy) === undefined, t.ok);
    });
  }
});

describe("attributesProblem", () => {
  const svc = (types: ("A" | "SRV")[]): ServiceRecord => ({
    Id: "srv-x",
    Arn: "arn",
    Name: "api",
    NamespaceId: "ns-x",
    Type: "DNS_HTTP",
    CreateDate: 0,
    CreatorRequestId: "",
    instancesRevision: 0,
    DnsConfig: { RoutingPolicy: "MULTIVALUE", DnsRecords: types.map((Type) => ({ Type, TTL: 10 })) },
  });
  const cases: { name: string; types: ("A" | "SRV")[]; attrs: Record<string, string>; problem: RegExp | undefined }[] = [
    { name: "A with an address", types: ["A"], attrs: { AWS_INSTANCE_IPV4: "10.0.0.1" }, problem: undefined },
    { name: "A without an address", types: ["A"], attrs: {}, problem: /AWS_INSTANCE_IPV4 is required/ },
    { name: "a bad address", types: ["A"], attrs: { AWS_INSTANCE_IPV4: "10.0.0.256" }, problem: /not an IPv4/ },
    { name: "SRV with address and port", types: ["SRV"], attrs: { AWS_INSTANCE_IPV4: "127.0.0.1", AWS_INSTANCE_PORT: "8080" }, problem: undefined },
    { name: "SRV without a port", types: ["SRV"], attrs: { AWS_INSTANCE_IPV4: "127.0.0.1" }, problem: /AWS_INSTANCE_PORT/ },
    { name: "port out of range", types: [], attrs: { AWS_INSTANCE_PORT: "70000" }, problem: /not a port/ },
    { name: "31 custom attributes", types: [], attrs: Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`k${i}`, "v"])), problem: /At most 30/ },
    { name: "a bad initial health", types: [], attrs: { AWS_INIT_HEALTH_STATUS: "MAYBE" }, problem: /AWS_INIT_HEALTH_STATUS/ },
  ];
  for (const t of cases) {
    it(t.name, () => {
      const got = attributesProblem(svc(t.types), t.attrs);
      if (t.problem === undefined) assert.equal(got, undefined);
      else assert.match(got ?? "", t.problem);
    });
  }
});

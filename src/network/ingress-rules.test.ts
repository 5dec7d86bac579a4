import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AssignedIngressRule } from "../model/index.js";
import { ingressDocument } from "./ingress-rules.js";

const accepts = (rules: AssignedIngressRule[]) =>
  ingressDocument(rules)
    .text.split("\n")
    .filter((l) => l.startsWith("-A INPUT") && l.endsWith("-j ACCEPT") && !l.includes(" -i lo ") && !l.includes("--ctstate"));

describe("ingressDocument", () => {
  const cases: { name: string; rules: AssignedIngressRule[]; want: string[] }[] = [
    { name: "no rules: only replies and loopback get in", rules: [], want: [] },
    { name: "one tcp port from a prefix", rules: [{ protocol: "tcp", fromPort: 80, toPort: 80, cidrs: ["10.1.0.0/16"] }], want: ["-A INPUT -s 10.1.0.0/16 -p tcp -m tcp --dport 80 -j ACCEPT"] },
    { name: "a udp range from anywhere", rules: [{ protocol: "udp", fromPort: 5000, toPort: 5010, cidrs: ["0.0.0.0/0"] }], want: ["-A INPUT -p udp -m udp --dport 5000:5010 -j ACCEPT"] },
    { name: "tcp 0-65535 is every port", rules: [{ protocol: "tcp", fromPort: 0, toPort: 65535, cidrs: ["172.31.0.5/32"] }], want: ["-A INPUT -s 172.31.0.5/32 -p tcp -j ACCEPT"] },
    { name: "protocol -1: everything from the source (a default group's members)", rules: [{ protocol: "-1", cidrs: ["172.31.0.5/32", "172.31.0.6/32"] }], want: ["-A INPUT -s 172.31.0.5/32 -j ACCEPT", "-A INPUT -s 172.31.0.6/32 -j ACCEPT"] },
    { name: "icmp echo (type 8, any code)", rules: [{ protocol: "icmp", fromPort: 8, toPort: -1, cidrs: ["10.0.0.0/8"] }], want: ["-A INPUT -s 10.0.0.0/8 -p icmp -m icmp --icmp-type 8 -j ACCEPT"] },
    { name: "protocol numbers name tcp", rules: [{ protocol: "6", fromPort: 22, toPort: 22, cidrs: ["10.0.0.0/8"] }], want: ["-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 22 -j ACCEPT"] },
    { name: "a host-bits prefix is normalized", rules: [{ protocol: "tcp", fromPort: 80, toPort: 80, cidrs: ["10.1.2.3/16"] }], want: ["-A INPUT -s 10.1.0.0/16 -p tcp -m tcp --dport 80 -j ACCEPT"] },
    {
      name: "two groups opening the same port from the same source: one rule",
      rules: [{ protocol: "tcp", fromPort: 80, toPort: 80, cidrs: ["10.0.0.0/8"] }, { protocol: "tcp", fromPort: 80, toPort: 80, cidrs: ["10.0.0.0/8"] }],
      want: ["-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 80 -j ACCEPT"],
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(accepts(c.rules), c.want));

  it("drops everything else, keeps replies and loopback, and marks the document with its rules' hash", () => {
    const a = ingressDocument([{ protocol: "tcp", fromPort: 80, toPort: 80, cidrs: ["10.0.0.0/8"] }]);
    const b = ingressDocument([{ protocol: "tcp", fromPort: 81, toPort: 81, cidrs: ["10.0.0.0/8"] }]);
    assert.match(a.text, /^\*filter\n:INPUT DROP \[0:0\]\n:FORWARD DROP \[0:0\]\n:OUTPUT ACCEPT \[0:0\]\n/);
    assert.ok(a.text.includes(`-A INPUT -i lo -m comment --comment ${a.marker} -j ACCEPT`));
    assert.ok(a.text.includes("-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"));
    assert.match(a.text, /COMMIT\n$/);
    assert.notEqual(a.marker, b.marker);
    assert.equal(a.marker, ingressDocument([{ protocol: "tcp", fromPort: 80, toPort: 80, cidrs: ["10.0.0.0/8"] }]).marker);
  });

  it("refuses a source that is not a CIDR and a protocol it does not know, naming them", () => {
    assert.throws(() => ingressDocument([{ protocol: "tcp", fromPort: 1, toPort: 1, cidrs: ["sg-123"] }]), /not an IPv4 CIDR block: "sg-123"/);
    assert.throws(() => ingressDocument([{ protocol: "sctp!", cidrs: ["10.0.0.0/8"] }]), /protocol "sctp!"/);
  });
});

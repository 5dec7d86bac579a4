import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ingressDocument } from "./ingress-rules.js";
import { BRIDGE_MODE_BRIDGE, bridgeName, hostVethName, namespaceName } from "./names.js";
import type { NamespaceObservation } from "./observation.js";
import { type NetworkStep, planCollect, planSetup } from "./plan.js";
import { aHost, aLink, anEni } from "./test-builders.js";

const TASK = "0123456789abcdef0123456789abcdef";
const NS = namespaceName(TASK);
const BR = bridgeName("subnet-0aaa");
const VETH = hostVethName(TASK);
const PORT = (taskId: string, hostPort: number) => ({ taskId, protocol: "tcp" as const, hostPort, address: "10.254.0.2", containerPort: 8080 });
const kinds = (steps: readonly NetworkStep[]) => steps.map((s) => s.kind + ("link" in s ? `:${s.link}` : ""));

/** The namespace as a complete set-up leaves it. */
function doneInside(): NamespaceObservation {
  return {
    links: [aLink("lo"), aLink("eth0", { addresses: ["172.31.0.10/20"], mac: "0a:58:ac:1f:00:0a" })],
    defaultGateway: "172.31.0.1",
    ingressMarker: ingressDocument(anEni().ingress).marker,
    resolvConf: "nameserver 172.31.0.2\n",
  };
}
const doneHost = (extra: Partial<Parameters<typeof aHost>[0]> = {}) =>
  aHost({
    namespaces: [NS],
    links: [aLink(BR, { addresses: ["172.31.0.1/20"], forwarding: true }), aLink(VETH, { master: BR })],
    unreachable: ["172.31.0.0/16"],
    forwarding: true,
    configDirs: [NS],
    ...extra,
  });

describe("planSetup", () => {
  const cases: { name: string; host: ReturnType<typeof aHost>; ns?: NamespaceObservation; want: string[] }[] = [
    {
      name: "a bare host: everything, host first, then the namespace",
      host: aHost(),
      want: [
        "allowForwarding", "addUnreachableRoute", "createBridge", `addAddress:${BR}`, `setUp:${BR}`,
        "createNamespace", "createVeth", `setMaster:${VETH}`, `setUp:${VETH}`, `enableForwarding:${BR}`,
        "setUp:lo", "addAddress:eth0", "setUp:eth0", "setDefaultRoute:eth0", "applyIngress", "writeResolvConf",
      ],
    },
    {
      name: "the subnet's bridge exists (another task): only this task's part",
      host: aHost({ links: [aLink(BR, { addresses: ["172.31.0.1/20"], forwarding: true })], unreachable: ["172.31.0.0/16"], forwarding: true }),
      want: ["createNamespace", "createVeth", `setMaster:${VETH}`, `setUp:${VETH}`, "setUp:lo", "addAddress:eth0", "setUp:eth0", "setDefaultRoute:eth0", "applyIngress", "writeResolvConf"],
    },
    { name: "all done: nothing", host: doneHost(), ns: doneInside(), want: [] },
    {
      name: "a crash after the veth: the inside is completed",
      host: doneHost(),
      ns: { links: [aLink("lo", { up: false }), aLink("eth0", { up: false })] },
      want: ["setUp:lo", "addAddress:eth0", "setUp:eth0", "setDefaultRoute:eth0", "applyIngress", "writeResolvConf"],
    },
    {
      name: "changed security groups: only the rules",
      host: doneHost(),
      ns: { ...doneInside(), ingressMarker: "berth-ingress:0000" },
      want: ["applyIngress"],
    },
    {
      name: "an unreachable route written differently (10.0.0.0/8 vs 172.31/16) is not this VPC's",
      host: doneHost({ unreachable: ["10.0.0.0/8"] }),
      ns: doneInside(),
      want: ["addUnreachableRoute"],
    },
    { name: "a bridge that lost its address and is down", host: doneHost({ links: [aLink(BR, { up: false, forwarding: true }), aLink(VETH, { master: BR })] }), ns: doneInside(), want: [`addAddress:${BR}`, `setUp:${BR}`] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = planSetup(TASK, anEni(), c.host, c.ns);
      assert.ok(plan.ok);
      assert.deepEqual(kinds(plan.steps), c.want);
    });
  }

  it("gives the veth the ENI's MAC, the namespace its address with the subnet's prefix, the route via the gateway", () => {
    const plan = planSetup(TASK, anEni(), aHost(), undefined);
    assert.ok(plan.ok);
    assert.deepEqual(plan.steps.find((s) => s.kind === "createVeth"), { kind: "createVeth", host: VETH, peer: "eth0", mac: "0a:58:ac:1f:00:0a", namespace: NS });
    assert.deepEqual(plan.steps.find((s) => s.kind === "addAddress" && s.namespace), { kind: "addAddress", link: "eth0", cidr: "172.31.0.10/20", namespace: NS });
    assert.deepEqual(plan.steps.find((s) => s.kind === "addAddress" && !s.namespace), { kind: "addAddress", link: BR, cidr: "172.31.0.1/20" });
    assert.deepEqual(plan.steps.find((s) => s.kind === "setDefaultRoute"), { kind: "setDefaultRoute", namespace: NS, gateway: "172.31.0.1", link: "eth0" });
    assert.deepEqual(plan.steps.find((s) => s.kind === "addUnreachableRoute"), { kind: "addUnreachableRoute", cidr: "172.31.0.0/16" });
  });

  it("names a pause container's namespace instead of making one when given its pid", () => {
    const plan = planSetup(TASK, anEni(), aHost(), undefined, 4242);
    assert.ok(plan.ok);
    assert.ok(!plan.steps.some((s) => s.kind === "createNamespace"));
    assert.deepEqual(plan.steps.find((s) => s.kind === "attachNamespace"), { kind: "attachNamespace", namespace: NS, pid: 4242 });
  });

  it("inserts FORWARD's jump to the chain only when the observation found none", () => {
    const jumpOf = (host: ReturnType<typeof aHost>) => {
      const plan = planSetup(TASK, anEni(), host, undefined);
      assert.ok(plan.ok);
      return plan.steps.find((s) => s.kind === "allowForwarding");
    };
    assert.deepEqual(jumpOf(aHost()), { kind: "allowForwarding", addJump: true });
    // The chain lost a rule but FORWARD still jumps to it: the rules again, no second jump.
    assert.deepEqual(jumpOf(aHost({ forwarding: false, forwardJumps: 1 })), { kind: "allowForwarding", addJump: false });
    assert.equal(jumpOf(aHost({ forwarding: true })), undefined);
  });

  it("writes no resolv.conf when the ENI names no resolver", () => {
    const plan = planSetup(TASK, anEni({ dnsServers: [] }), aHost(), undefined);
    assert.ok(plan.ok && !plan.steps.some((s) => s.kind === "writeResolvConf"));
  });

  const refusals: { name: string; eni: Parameters<typeof anEni>[0]; host?: ReturnType<typeof aHost>; reason: RegExp }[] = [
    { name: "an address outside its subnet", eni: { privateIpv4Address: "172.31.16.4" }, reason: /172\.31\.16\.4 .*outside subnet subnet-0aaa \(172\.31\.0\.0\/20\)/ },
    {
      name: "a subnet overlapping another bridge's (two VPCs with one CIDR)",
      eni: { subnetId: "subnet-0bbb" },
      // The other bridge still has a task's veth on it: it is someone's.
      host: aHost({ links: [aLink(BR, { addresses: ["172.31.0.1/20"] }), aLink("veth-other", { master: BR })] }),
      reason: /subnet subnet-0bbb \(172\.31\.0\.0\/20\) overlaps the subnet of bridge bbr-\w+ \(172\.31\.0\.1\/20\)/,
    },
  ];
  it("removes an overlapping bridge with no port left (a run that ended before its tear-down) instead of refusing", () => {
    const plan = planSetup(TASK, anEni({ subnetId: "subnet-0bbb" }), aHost({ links: [aLink(BR, { addresses: ["172.31.0.1/20"] })] }), undefined);
    assert.ok(plan.ok);
    assert.deepEqual(plan.steps[0], { kind: "deleteLink", link: BR });
    assert.ok(plan.steps.some((s) => s.kind === "createBridge" && s.bridge === bridgeName("subnet-0bbb")));
  });
  for (const r of refusals) {
    it(`refuses ${r.name}`, () => {
      const plan = planSetup(TASK, anEni(r.eni), r.host ?? aHost(), undefined);
      assert.equal(plan.ok, false);
      assert.match((plan as { reason: string }).reason, r.reason);
    });
  }
});

describe("planCollect", () => {
  const OTHER = "fedcba9876543210fedcba9876543210";
  const otherNs = namespaceName(OTHER);
  const otherVeth = hostVethName(OTHER);
  const BR2 = bridgeName("subnet-0ccc");
  const two = aHost({
    namespaces: [NS, otherNs, "someone-elses"],
    links: [
      aLink(BR, { addresses: ["172.31.0.1/20"] }),
      aLink(BR2, { addresses: ["172.31.16.1/20"] }),
      aLink(VETH, { master: BR }),
      aLink(otherVeth, { master: BR2 }),
    ],
    unreachable: ["172.31.0.0/16"],
    forwarding: true,
    configDirs: [NS, otherNs],
  });
  const cases: { name: string; host: ReturnType<typeof aHost>; keep: string[]; want: NetworkStep[] }[] = [
    {
      name: "one of two tasks: its namespace, config and now-empty bridge; the VPC route stays for the other",
      host: two,
      keep: [OTHER],
      want: [
        { kind: "deleteLink", link: VETH },
        { kind: "deleteNamespace", namespace: NS },
        { kind: "deleteLink", link: BR },
        { kind: "removeNamespaceConfig", namespace: NS },
      ],
    },
    {
      name: "the last task: everything berth made, never another namespace",
      host: two,
      keep: [],
      want: [
        { kind: "deleteLink", link: VETH },
        { kind: "deleteNamespace", namespace: NS },
        { kind: "deleteLink", link: otherVeth },
        { kind: "deleteNamespace", namespace: otherNs },
        { kind: "deleteLink", link: BR },
        { kind: "deleteLink", link: BR2 },
        { kind: "deleteUnreachableRoute", cidr: "172.31.0.0/16" },
        { kind: "removeForwarding", jumps: 1 },
        { kind: "removeNamespaceConfig", namespace: NS },
        { kind: "removeNamespaceConfig", namespace: otherNs },
      ],
    },
    { name: "everything kept: nothing", host: two, keep: [TASK, OTHER], want: [] },
    {
      name: "FORWARD jumping to the chain twice (a hand edit, a crash): both jumps go with the chain",
      host: aHost({ links: [aLink(BR, { addresses: ["172.31.0.1/20"] })], unreachable: ["172.31.0.0/16"], forwarding: true, forwardJumps: 2 }),
      keep: [],
      want: [{ kind: "deleteLink", link: BR }, { kind: "deleteUnreachableRoute", cidr: "172.31.0.0/16" }, { kind: "removeForwarding", jumps: 2 }],
    },
    {
      name: "a veth of another task (a namespace not yet listed) is never removed by a collect",
      host: aHost({ links: [aLink(BR, { addresses: ["172.31.0.1/20"] }), aLink(VETH, { master: BR })], unreachable: ["172.31.0.0/16"], forwarding: true }),
      keep: [],
      want: [{ kind: "deleteLink", link: BR }, { kind: "deleteUnreachableRoute", cidr: "172.31.0.0/16" }, { kind: "removeForwarding", jumps: 1 }],
    },
    {
      name: "a kept task still being set up (no namespace yet) keeps nothing alive but its own veth",
      host: aHost({ links: [aLink(BR, { addresses: ["172.31.0.1/20"] })], unreachable: ["172.31.0.0/16"], forwarding: true }),
      keep: [TASK],
      want: [{ kind: "deleteLink", link: BR }, { kind: "deleteUnreachableRoute", cidr: "172.31.0.0/16" }, { kind: "removeForwarding", jumps: 1 }],
    },
    {
      name: "bridge mode: a task's host port rules go with it; the nat chains go with the last bridge-mode task",
      host: aHost({
        namespaces: [NS, otherNs],
        links: [aLink(BRIDGE_MODE_BRIDGE, { addresses: ["10.254.0.1/18"] }), aLink(VETH, { master: BRIDGE_MODE_BRIDGE }), aLink(otherVeth, { master: BRIDGE_MODE_BRIDGE })],
        unreachable: ["10.254.0.0/16"],
        forwarding: true,
        portForwarding: true,
        portRules: [PORT(TASK, 32768), PORT(OTHER, 32769)],
      }),
      keep: [OTHER],
      want: [{ kind: "removePortRules", rules: [PORT(TASK, 32768)] }, { kind: "deleteLink", link: VETH }, { kind: "deleteNamespace", namespace: NS }],
    },
    {
      name: "bridge mode, the last task: rules, bridge, route, chains",
      host: aHost({
        namespaces: [NS],
        links: [aLink(BRIDGE_MODE_BRIDGE, { addresses: ["10.254.0.1/18"] }), aLink(VETH, { master: BRIDGE_MODE_BRIDGE })],
        unreachable: ["10.254.0.0/16"],
        forwarding: true,
        portForwarding: true,
        portRules: [PORT(TASK, 32768)],
      }),
      keep: [],
      want: [
        { kind: "removePortRules", rules: [PORT(TASK, 32768)] },
        { kind: "deleteLink", link: VETH },
        { kind: "deleteNamespace", namespace: NS },
        { kind: "deleteLink", link: BRIDGE_MODE_BRIDGE },
        { kind: "deleteUnreachableRoute", cidr: "10.254.0.0/16" },
        { kind: "removeForwarding", jumps: 1 },
        { kind: "removePortForwarding" },
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(planCollect(c.host, new Set(c.keep)), c.want));
  }
});

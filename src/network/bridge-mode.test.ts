import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type BridgeSetupInput, macOf, pickAddress, pickHostPort, planBridgeSetup, type WantedPort } from "./bridge-mode.js";
import { BRIDGE_MODE_BRIDGE, bridgeName, hostVethName, namespaceName } from "./names.js";
import type { NetworkStep } from "./plan.js";
import { aHost, aLink } from "./test-builders.js";

const TASK = "0123456789abcdef0123456789abcdef";
const OTHER = "fedcba9876543210fedcba9876543210";
const NS = namespaceName(TASK);
const VETH = hostVethName(TASK);
const RANGE = { low: 32768, high: 32772 };
const kinds = (steps: readonly NetworkStep[]) => steps.map((s) => s.kind + ("link" in s ? `:${s.link}` : ""));
const web = (over: Partial<WantedPort> = {}): WantedPort => ({ containerName: "web", containerPort: 8080, hostPort: 0, protocol: "tcp", ...over });
const bridgeUp = aLink(BRIDGE_MODE_BRIDGE, { addresses: ["10.254.0.1/18"], forwarding: true, routeLocalnet: true });
const readyHost = (over: Partial<BridgeSetupInput["host"]> = {}) =>
  aHost({ links: [bridgeUp], unreachable: ["10.254.0.0/16"], forwarding: true, portForwarding: true, ...over });
const input = (over: Partial<BridgeSetupInput> = {}): BridgeSetupInput => ({ taskId: TASK, ports: [web()], host: aHost(), listening: new Set(), range: RANGE, ...over });

describe("pickAddress", () => {
  const cases: { name: string; taken: string[]; want: string | undefined }[] = [
    { name: "an empty bridge: .2 (the gateway is .1)", taken: ["10.254.0.1"], want: "10.254.0.2" },
    { name: "the lowest gap", taken: ["10.254.0.1", "10.254.0.2", "10.254.0.4"], want: "10.254.0.3" },
    { name: "past a full /24: the next byte", taken: ["10.254.0.1", ...Array.from({ length: 254 }, (_, i) => `10.254.0.${i + 2}`)], want: "10.254.1.0" },
  ];
  for (const c of cases) it(c.name, () => assert.equal(pickAddress(new Set(c.taken)), c.want));
});

describe("pickHostPort", () => {
  const cases: { name: string; taken: number[]; after?: number; want: number | undefined }[] = [
    { name: "nothing given yet: the range's start", taken: [], want: 32768 },
    { name: "after the last given, not the lowest free (a port just freed is not reused at once)", taken: [], after: 32769, want: 32770 },
    { name: "taken ports are skipped", taken: [32770, 32771], after: 32769, want: 32772 },
    { name: "wraps to the start", taken: [32768], after: 32772, want: 32769 },
    { name: "an `after` outside the range starts at its start", taken: [], after: 80, want: 32768 },
    { name: "every port taken: none", taken: [32768, 32769, 32770, 32771, 32772], want: undefined },
  ];
  for (const c of cases) it(c.name, () => assert.equal(pickHostPort(RANGE, new Set(c.taken), c.after), c.want));
});

describe("planBridgeSetup", () => {
  it("a bare host: the bridge, the nat chains, the namespace, an address and a dynamic port", () => {
    const plan = planBridgeSetup(input());
    assert.ok(plan.ok);
    assert.deepEqual(kinds(plan.steps), [
      "allowForwarding", "addUnreachableRoute", "createBridge", `enableForwarding:${BRIDGE_MODE_BRIDGE}`, `enableRouteLocalnet:${BRIDGE_MODE_BRIDGE}`,
      `addAddress:${BRIDGE_MODE_BRIDGE}`, `setUp:${BRIDGE_MODE_BRIDGE}`, "allowPortForwarding",
      "createNamespace", "createVeth", `setAlias:${VETH}`, `setMaster:${VETH}`, `setUp:${VETH}`,
      "setUp:lo", "addAddress:eth0", "setUp:eth0", "setDefaultRoute:eth0", "addPortRules",
    ]);
    assert.equal(plan.address, "10.254.0.2");
    assert.deepEqual(plan.bindings, [web({ hostPort: 32768 })]);
    assert.deepEqual(plan.steps.find((s) => s.kind === "createVeth"), { kind: "createVeth", host: VETH, peer: "eth0", mac: "02:42:0a:fe:00:02", namespace: NS });
    assert.deepEqual(plan.steps.at(-1), { kind: "addPortRules", rules: [{ taskId: TASK, protocol: "tcp", hostPort: 32768, address: "10.254.0.2", containerPort: 8080 }] });
  });

  it("another task's address and ports are not given again", () => {
    const host = readyHost({
      links: [bridgeUp, aLink(hostVethName(OTHER), { master: BRIDGE_MODE_BRIDGE, alias: "berth-bridge-mode:10.254.0.2" })],
      namespaces: [namespaceName(OTHER)],
      portRules: [{ taskId: OTHER, protocol: "tcp", hostPort: 32768, address: "10.254.0.2", containerPort: 8080 }],
    });
    const plan = planBridgeSetup(input({ host, listening: new Set(["tcp/32769"]) }));
    assert.ok(plan.ok);
    assert.equal(plan.address, "10.254.0.3");
    assert.deepEqual(plan.bindings, [web({ hostPort: 32770 })], "32768 is the other task's, 32769 a listening socket's");
  });

  it("a static host port as given, and a dynamic one skips it", () => {
    const plan = planBridgeSetup(input({ host: readyHost(), ports: [web({ hostPort: 0 }), web({ containerName: "api", containerPort: 9000, hostPort: 32768 })] }));
    assert.ok(plan.ok);
    assert.deepEqual(plan.bindings.map((b) => b.hostPort), [32769, 32768]);
  });

  it("a static host port another task holds on this host is refused", () => {
    const host = readyHost({ portRules: [{ taskId: OTHER, protocol: "tcp", hostPort: 8080, address: "10.254.0.2", containerPort: 80 }] });
    const plan = planBridgeSetup(input({ host, ports: [web({ hostPort: 8080 })] }));
    assert.deepEqual(plan, { ok: false, reason: `host port 8080/tcp is already allocated to task ${OTHER} on this host` });
  });

  it("run again after a crash, it keeps the address in the veth's alias and the ports in the kernel's rules", () => {
    const host = readyHost({
      namespaces: [NS],
      links: [bridgeUp, aLink(VETH, { master: BRIDGE_MODE_BRIDGE, alias: "berth-bridge-mode:10.254.0.9" })],
      portRules: [{ taskId: TASK, protocol: "tcp", hostPort: 32771, address: "10.254.0.9", containerPort: 8080 }],
    });
    const ns = { links: [aLink("lo"), aLink("eth0", { addresses: ["10.254.0.9/18"] })], defaultGateway: "10.254.0.1" };
    const plan = planBridgeSetup(input({ host, ns, lastPort: 32768 }));
    assert.ok(plan.ok);
    assert.deepEqual(plan.steps, []);
    assert.equal(plan.address, "10.254.0.9");
    assert.deepEqual(plan.bindings, [web({ hostPort: 32771 })]);
  });

  it("no free dynamic port: refused with the range", () => {
    const host = readyHost({ portRules: [32768, 32769, 32770, 32771, 32772].map((p) => ({ taskId: OTHER, protocol: "tcp" as const, hostPort: p, address: "10.254.0.2", containerPort: 80 })) });
    assert.deepEqual(planBridgeSetup(input({ host })), { ok: false, reason: "no free tcp host port is left in 32768-32772 on this host" });
  });

  it("an awsvpc subnet overlapping the bridge-mode network is refused", () => {
    const host = aHost({ links: [aLink(bridgeName("subnet-x"), { addresses: ["10.254.0.1/20"] })] });
    const plan = planBridgeSetup(input({ host }));
    assert.equal(plan.ok, false);
  });

  it("macOf writes the address into Docker's 02:42 prefix", () => assert.equal(macOf("10.254.1.20"), "02:42:0a:fe:01:14"));
});

// The network layer against the real kernel (root only): two task namespaces on one subnet's
// bridge reach each other and are reached from the host on the port their ingress opens, not on
// another; addresses of the VPC that no task holds are unreachable on the host; tear-down leaves
// nothing of berth's. Addresses are in 10.213.0.0/16, a range of this test's own, so nothing it
// sends can match a real network, and the unreachable route keeps it on this machine.
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  bridgeName,
  namespaceName,
  observeHost,
  observeNamespace,
  planSetup,
  TaskNetworks,
  taskNetworkingUnavailable,
} from "../../src/network/index.js";
import { anEni } from "../../src/network/test-builders.js";
import { forwardDrops, inNamespace } from "./netns-helpers.js";

const skip = await taskNetworkingUnavailable();
if (skip) console.log(`# skipping the network namespace tests: ${skip}`);

const subnet = { subnetId: "subnet-0test213", subnetCidr: "10.213.0.0/24", gatewayIpv4Address: "10.213.0.1", vpcCidr: "10.213.0.0/16", dnsServers: ["10.213.0.2"] };
const ingress = [{ protocol: "tcp", fromPort: 8080, toPort: 8080, cidrs: ["10.213.0.0/16"] }];
const A = { id: `nettest${process.pid}a`, eni: anEni({ ...subnet, ingress, privateIpv4Address: "10.213.0.10", macAddress: "0a:58:0a:d5:00:0a" }) };
const B = { id: `nettest${process.pid}b`, eni: anEni({ ...subnet, ingress, privateIpv4Address: "10.213.0.11", macAddress: "0a:58:0a:d5:00:0b" }) };
// C: another subnet of the same VPC, on a bridge of its own.
const other = { ...subnet, subnetId: "subnet-0test213b", subnetCidr: "10.213.1.0/24", gatewayIpv4Address: "10.213.1.1" };
const C = { id: `nettest${process.pid}c`, eni: anEni({ ...other, ingress, privateIpv4Address: "10.213.1.10", macAddress: "0a:58:0a:d5:01:0a" }) };


describe("task network namespaces (root)", { skip, concurrency: false, timeout: 120_000 }, () => {
  const networks = new TaskNetworks();
  const servers: ChildProcess[] = [];
  let www: string;

  before(async () => {
    www = mkdtempSync(join(tmpdir(), "berth-net-www-"));
    writeFileSync(join(www, "index.html"), "hello from A\n");
    await networks.ensure(A.id, A.eni);
    await networks.ensure(B.id, B.eni);
    await networks.ensure(C.id, C.eni);
    // Two HTTP servers in A: 8080 (opened by the ingress rule) and 9090 (opened by none).
    for (const port of ["8080", "9090"]) {
      servers.push(spawn("ip", ["netns", "exec", namespaceName(A.id), "busybox", "httpd", "-f", "-p", port, "-h", www], { stdio: "ignore" }));
    }
    // Ready when both answer inside A itself (loopback always passes the rules).
    for (const port of ["8080", "9090"]) {
      for (let i = 0; inNamespace(A.id, ["busybox", "wget", "-q", "-O", "-", `http://127.0.0.1:${port}/`]).code !== 0; i++) {
        if (i > 200) throw new Error(`httpd on ${port} did not start in A`);
        await new Promise((r) => setTimeout(r, 25));
      }
    }
  });

  after(async () => {
    for (const s of servers) s.kill("SIGKILL");
    await Promise.all(servers.map((s) => (s.exitCode === null && s.signalCode === null ? new Promise((r) => s.once("exit", r)) : undefined)));
    for (const t of [A, B, C]) await networks.release(t.id);
    rmSync(www, { recursive: true, force: true });
  });

  it("builds what the plan wants: observing again plans nothing", async () => {
    for (const t of [A, B]) {
      const host = await observeHost();
      const plan = planSetup(t.id, t.eni, host, await observeNamespace(namespaceName(t.id)));
      assert.deepEqual(plan, { ok: true, steps: [] });
    }
    const inside = await observeNamespace(namespaceName(A.id));
    const eth0 = inside.links.find((l) => l.name === "eth0")!;
    assert.equal(eth0.mac, "0a:58:0a:d5:00:0a");
    assert.deepEqual(eth0.addresses, ["10.213.0.10/24"]);
    assert.equal(inside.defaultGateway, "10.213.0.1");
    assert.equal(inside.resolvConf, "nameserver 10.213.0.2\n");
    const bridge = (await observeHost()).links.find((l) => l.name === bridgeName(subnet.subnetId))!;
    assert.deepEqual(bridge.addresses, ["10.213.0.1/24"]);
  });

  it("a task reaches another on its subnet at its address, on the port its ingress opens", () => {
    const r = inNamespace(B.id, ["busybox", "wget", "-q", "-O", "-", "http://10.213.0.10:8080/"]);
    assert.equal(r.code, 0, r.out);
    assert.equal(r.out, "hello from A\n");
  });

  it("a task in another subnet of the VPC reaches it, routed by the host between the two bridges", () => {
    const r = inNamespace(C.id, ["busybox", "wget", "-q", "-O", "-", "http://10.213.0.10:8080/"]);
    assert.equal(r.code, 0, r.out);
    assert.equal(r.out, "hello from A\n");
  });

  it("the host reaches a task at its address", async () => {
    const res = await fetch("http://10.213.0.10:8080/");
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "hello from A\n");
  });

  it("a port no ingress rule opens is closed to other tasks and to the host (it answers inside)", () => {
    assert.equal(inNamespace(A.id, ["busybox", "wget", "-q", "-O", "-", "http://127.0.0.1:9090/"]).code, 0);
    // Dropped, not refused: the SYN gets no answer at all (nc gives up after its 1 s wait),
    // while an opened port with no listener would answer with a reset at once.
    const fromB = inNamespace(B.id, ["busybox", "nc", "-w", "1", "10.213.0.10", "9090"]);
    assert.notEqual(fromB.code, 0, fromB.out);
    assert.match(fromB.out, /timed out/);
    const fromHost = spawnSync("busybox", ["nc", "-w", "1", "10.213.0.10", "9090"], { encoding: "utf8", input: "" });
    assert.notEqual(fromHost.status, 0);
    assert.match(fromHost.stderr, /timed out/);
    const unopened = inNamespace(B.id, ["busybox", "nc", "-w", "1", "10.213.0.10", "8081"]);
    assert.match(unopened.out, /timed out/, "8081 has no listener and no rule: dropped too");
  });

  it("an address of the VPC that no task holds is unreachable on the host, never routed out", () => {
    const r = spawnSync("ip", ["route", "get", "10.213.77.7"], { encoding: "utf8" });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /No route to host|unreachable/i);
  });

  it("a task's packet for an address off the host is dropped by the host, never sent out", () => {
    // TEST-NET-2 (RFC 5737): the task's default route sends it to the bridge; BERTH-FORWARD drops
    // anything from a bridge to another interface (counted on its rule).
    const dropped = forwardDrops;
    const before = dropped();
    const r = inNamespace(C.id, ["busybox", "nc", "-w", "1", "198.51.100.7", "80"]);
    assert.match(r.out, /timed out/);
    assert.ok(dropped() > before, `the drop rule counted the packet (${before} before)`);
  });

  it("tear-down leaves nothing of the tasks, their bridges or their VPC's route", async () => {
    await networks.release(C.id);
    assert.ok(!(await observeHost()).links.some((l) => l.name === bridgeName(other.subnetId)), "C's bridge had only C");
    await networks.release(A.id);
    let host = await observeHost();
    assert.ok(!host.namespaces.includes(namespaceName(A.id)));
    assert.ok(host.links.some((l) => l.name === bridgeName(subnet.subnetId)), "B still uses the bridge");
    await networks.release(B.id);
    host = await observeHost();
    for (const t of [A, B, C]) {
      assert.ok(!host.namespaces.includes(namespaceName(t.id)));
      assert.ok(!host.configDirs.includes(namespaceName(t.id)));
    }
    assert.ok(!host.links.some((l) => l.name === bridgeName(subnet.subnetId)));
    assert.ok(!host.unreachable.includes("10.213.0.0/16"));
    // Other berth bridges (another agent's tasks) keep the forwarding chain; none: it is gone.
    if (!host.links.some((l) => l.name.startsWith("bbr-"))) assert.equal(host.forwarding, false);
  });
});

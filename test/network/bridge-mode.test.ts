// Bridge-mode task networks against the real kernel (root only): two tasks on the bridge-mode
// bridge get distinct addresses and host ports; a task is reached from the host at
// 127.0.0.1:hostPort and at the host's other addresses, and from the other task at the bridge's
// address (through the host's DNAT and back); a packet of a task for an address off the host is
// dropped, never sent out; a set-up run again keeps address and ports; tear-down leaves no rule,
// veth or namespace of the task. Bridges, routes and chains are shared with every bridge task
// on the host (other tests' agents), so only the tasks' own things are asserted gone.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type BridgeModeNetwork, hostVethName, namespaceName, observeHost, TaskNetworks, taskNetworkingUnavailable } from "../../src/network/index.js";
import { forwardDrops, inNamespace } from "./netns-helpers.js";

const skip = await taskNetworkingUnavailable();
if (skip) console.log(`# skipping the bridge-mode network tests: ${skip}`);

const A = `bridgetest${process.pid}a`;
const B = `bridgetest${process.pid}b`;
const ports = (name: string) => [{ containerName: name, containerPort: 8080, hostPort: 0, protocol: "tcp" as const }];

const get = async (url: string) => (await fetch(url, { signal: AbortSignal.timeout(5_000) })).text();

describe("bridge-mode task networks (root)", { skip, concurrency: false, timeout: 120_000 }, () => {
  const networks = new TaskNetworks();
  const servers: ChildProcess[] = [];
  let www: string;
  let a: BridgeModeNetwork;
  let b: BridgeModeNetwork;

  before(async () => {
    www = mkdtempSync(join(tmpdir(), "berth-bridge-www-"));
    writeFileSync(join(www, "index.html"), "hello from A\n");
    a = await networks.ensureBridgeMode(A, ports("a"));
    b = await networks.ensureBridgeMode(B, ports("b"));
    servers.push(spawn("ip", ["netns", "exec", namespaceName(A), "busybox", "httpd", "-f", "-p", "8080", "-h", www], { stdio: "ignore" }));
    for (let i = 0; inNamespace(A, ["busybox", "wget", "-q", "-O", "-", "http://127.0.0.1:8080/"]).code !== 0; i++) {
      if (i > 200) throw new Error("httpd did not start in A");
      await new Promise((r) => setTimeout(r, 25));
    }
  });

  after(async () => {
    for (const s of servers) {
      const gone = new Promise((r) => s.once("exit", r));
      s.kill("SIGKILL");
      await gone;
    }
    await networks.release(A);
    await networks.release(B);
    rmSync(www, { recursive: true, force: true });
  });

  it("gives the tasks distinct addresses and host ports", () => {
    assert.notEqual(a.address, b.address);
    assert.notEqual(a.bindings[0]!.hostPort, b.bindings[0]!.hostPort);
    assert.equal(a.gateway, "10.254.0.1");
  });

  it("the host reaches a task at 127.0.0.1:hostPort and at its other addresses", async () => {
    const port = a.bindings[0]!.hostPort;
    assert.equal(await get(`http://127.0.0.1:${port}/`), "hello from A\n");
    const other = Object.values(networkInterfaces()).flat().find((i) => i && i.family === "IPv4" && !i.internal);
    if (other) assert.equal(await get(`http://${other.address}:${port}/`), "hello from A\n");
  });

  it("another task reaches it at its address, and at the bridge's address on its host port", () => {
    assert.match(inNamespace(B, ["busybox", "wget", "-q", "-O", "-", `http://${a.address}:8080/`]).out, /hello from A/);
    assert.match(inNamespace(B, ["busybox", "wget", "-q", "-O", "-", `http://${a.gateway}:${a.bindings[0]!.hostPort}/`]).out, /hello from A/);
  });

  it("a task's packet for an address off the host is dropped by the host, never sent out", () => {
    const dropped = forwardDrops;
    const before = dropped();
    assert.match(inNamespace(B, ["busybox", "nc", "-w", "1", "198.51.100.7", "80"]).out, /timed out/);
    assert.ok(dropped() > before, `the drop rule counted the packet (${before} before)`);
  });

  it("a set-up run again keeps the address and the host ports", async () => {
    assert.deepEqual(await networks.ensureBridgeMode(A, ports("a")), a);
  });

  it("tear-down leaves no rule, veth or namespace of the task, and its port answers no more", async () => {
    const port = a.bindings[0]!.hostPort;
    await networks.release(A);
    const host = await observeHost();
    assert.ok(!host.namespaces.includes(namespaceName(A)));
    assert.ok(!host.links.some((l) => l.name === hostVethName(A)));
    assert.deepEqual(host.portRules.filter((r) => r.taskId === A), []);
    assert.ok(host.portRules.some((r) => r.taskId === B), "B keeps its rule");
    await assert.rejects(get(`http://127.0.0.1:${port}/`));
  });
});

// kill -9 of an agent with 20 awsvpc tasks running (root only): after a restart on the same
// state dir every task is still RUNNING in its own namespace with its own address (nothing
// lost), and stopping them all leaves no namespace, veth, bridge or route (nothing leaked).
// The agent is test/agent/awsvpc-engine.ts as a child process: a real task engine with the
// process runtime whose reports are recorded (the control plane's ENIs are built here).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, describe, it } from "node:test";
import { aContainerDef, anAssignedTask } from "../../src/agent/test-builders.js";
import type { AssignedTask } from "../../src/model/index.js";
import { bridgeName, namespaceName, observeHost, observeNamespace, taskNetworkingUnavailable } from "../../src/network/index.js";
import { anEni } from "../../src/network/test-builders.js";
import { type AwsvpcEngine, startAwsvpcEngine, uniqueTaskArn } from "./awsvpc-engine.js";
import { until } from "./harness.js";

const skip = await taskNetworkingUnavailable();
if (skip) console.log(`# skipping the awsvpc restart test: ${skip}`);

const COUNT = 20;
const subnet = { subnetId: "subnet-0test215", subnetCidr: "10.215.0.0/24", gatewayIpv4Address: "10.215.0.1", vpcCidr: "10.215.0.0/16", dnsServers: [] };
const ENGINE = fileURLToPath(new URL("./awsvpc-engine.ts", import.meta.url));
const idOf = (t: AssignedTask) => t.taskArn.slice(t.taskArn.lastIndexOf("/") + 1);

describe("awsvpc tasks across kill -9 of the agent (root)", { skip, timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "berth-awsvpc-restart-"));
  const tasks = Array.from({ length: COUNT }, (_, i) => {
    const hex = (10 + i).toString(16).padStart(2, "0");
    const eni = anEni({ ...subnet, ingress: [], privateIpv4Address: `10.215.0.${10 + i}`, macAddress: `0a:58:0a:d7:00:${hex}`, attachmentId: `att-${i}` });
    return anAssignedTask([aContainerDef("app", { command: ["sleep", "300"] })], { networkMode: "awsvpc", eni, taskArn: uniqueTaskArn() });
  });
  let restarted: AwsvpcEngine | undefined;

  after(async () => {
    const e = restarted ?? (await startAwsvpcEngine(dir));
    for (const s of await e.driver.list()) await e.driver.remove(s.id).catch(() => undefined);
    await e.close();
    for (const t of tasks) await e.networks.release(idOf(t));
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps every namespace and address across the restart, and removes them all when the tasks stop", async () => {
    const file = join(dir, "tasks.json");
    writeFileSync(file, JSON.stringify(tasks));
    const child = spawn(process.execPath, ["--import", "tsx", ENGINE, dir, file], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise((r) => child.once("exit", r));
    try {
      await until(`${COUNT} tasks RUNNING in the first agent`, () => out.includes(`ALL RUNNING ${COUNT}`) || (child.exitCode !== null && Promise.reject(new Error(out))), 90_000);
    } finally {
      child.kill("SIGKILL");
      await exited;
    }

    restarted = await startAwsvpcEngine(dir);
    const e = restarted;
    await e.engine.settled();
    const host = await observeHost();
    for (const t of tasks) {
      const rec = e.engine.tasks.get(t.taskArn)?.record;
      assert.equal(rec?.known, "RUNNING", `task ${idOf(t)} is still running`);
      assert.equal(rec?.network?.status, "ATTACHED");
      assert.ok(host.namespaces.includes(namespaceName(idOf(t))), `namespace of ${idOf(t)} kept`);
      const eth0 = (await observeNamespace(namespaceName(idOf(t)))).links.find((l) => l.name === "eth0");
      assert.deepEqual(eth0?.addresses, [`${t.eni!.privateIpv4Address}/24`]);
      assert.equal(eth0?.mac, t.eni!.macAddress);
    }
    assert.equal(e.reports.filter((r) => r.report.kind === "task").length, 0, "nothing new to report: the first agent reported RUNNING");

    await e.engine.handleManifest(tasks.map((t) => ({ ...t, desiredStatus: "STOPPED", stoppedReason: "test is done", version: 2 })), false);
    await until("every task STOPPED", () => tasks.every((t) => e.statuses(t.taskArn).includes("STOPPED")), 60_000);
    const after = await observeHost();
    for (const t of tasks) assert.ok(!after.namespaces.includes(namespaceName(idOf(t))), `namespace of ${idOf(t)} removed`);
    assert.ok(!after.links.some((l) => l.name === bridgeName(subnet.subnetId)), "the subnet's bridge removed");
    assert.ok(!after.unreachable.includes("10.215.0.0/16"), "the VPC's route removed");
  });
});

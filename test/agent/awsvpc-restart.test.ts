// kill -9 of an agent with 20 awsvpc tasks running (root only; on docker 5, with their pause
// containers): after a restart on the same state dir every task is still RUNNING in its own
// namespace with its own address (nothing lost), and stopping them all leaves no namespace,
// veth, bridge, route or pause container (nothing leaked).
// The agent is test/agent/awsvpc-engine.ts as a child process: a real task engine with the
// process runtime whose reports are recorded (the control plane's ENIs are built here).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Docker from "dockerode";
import { after, describe, it } from "node:test";
import { aContainerDef, anAssignedTask } from "../../src/agent/test-builders.js";
import type { AssignedTask } from "../../src/model/index.js";
import { bridgeName, namespaceName, observeHost, observeNamespace, taskNetworkingUnavailable } from "../../src/network/index.js";
import { anEni } from "../../src/network/test-builders.js";
import { dockerConnection } from "../../src/runtime/index.js";
import { type AwsvpcEngine, startAwsvpcEngine, uniqueTaskArn } from "./awsvpc-engine.js";
import { dockerSkipReason, TEST_IMAGE, until } from "./harness.js";

const skip = await taskNetworkingUnavailable();
if (skip) console.log(`# skipping the awsvpc restart test: ${skip}`);
const noDocker = skip ?? (await dockerSkipReason());
if (noDocker && !skip) console.log(`# skipping the awsvpc restart test on docker: ${noDocker}`);

const ENGINE = fileURLToPath(new URL("./awsvpc-engine.ts", import.meta.url));
const idOf = (t: AssignedTask) => t.taskArn.slice(t.taskArn.lastIndexOf("/") + 1);

// process: 20 tasks in 10.215.0.0/24; docker: 5 tasks (and their pause containers) in 10.215.1.0/24.
for (const { runtime, count, third, skipWhy } of [
  { runtime: "process" as const, count: 20, third: 0, skipWhy: skip },
  { runtime: "docker" as const, count: 5, third: 1, skipWhy: noDocker },
]) {
  const subnet = { subnetId: `subnet-0test215${runtime}`, subnetCidr: `10.215.${third}.0/24`, gatewayIpv4Address: `10.215.${third}.1`, vpcCidr: "10.215.0.0/16", dnsServers: [] };
  describe(`awsvpc tasks across kill -9 of the agent, ${runtime} runtime (root)`, { skip: skipWhy, timeout: 180_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), "berth-awsvpc-restart-"));
    const image = runtime === "docker" ? TEST_IMAGE : "busybox";
    const tasks = Array.from({ length: count }, (_, i) => {
      const hex = (10 + i).toString(16).padStart(2, "0");
      const eni = anEni({ ...subnet, ingress: [], privateIpv4Address: `10.215.${third}.${10 + i}`, macAddress: `0a:58:0a:d7:0${third}:${hex}`, attachmentId: `att-${i}` });
      const command = ["sh", "-c", "trap 'exit 0' TERM; sleep 300 & wait"];
      return anAssignedTask([aContainerDef("app", { image, command, stopTimeout: 2 })], { networkMode: "awsvpc", eni, taskArn: uniqueTaskArn() });
    });
    let restarted: AwsvpcEngine | undefined;

    after(async () => {
      const e = restarted ?? (await startAwsvpcEngine(dir, runtime));
      for (const s of await e.driver.list()) if (tasks.some((t) => t.taskArn === s.taskArn)) await e.driver.remove(s.id).catch(() => undefined);
      for (const t of tasks) {
        await e.networks.release(idOf(t));
        await e.driver.removeNamespaceHolder?.(idOf(t));
      }
      await e.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it("keeps every namespace and address across the restart, and removes them all when the tasks stop", async () => {
      const file = join(dir, "tasks.json");
      writeFileSync(file, JSON.stringify(tasks));
      const child = spawn(process.execPath, ["--import", "tsx", ENGINE, dir, file, runtime], { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (out += d.toString()));
      const exited = new Promise((r) => child.once("exit", r));
      try {
        await until(`${count} tasks RUNNING in the first agent`, () => out.includes(`ALL RUNNING ${count}`) || (child.exitCode !== null && Promise.reject(new Error(out))), 90_000);
      } finally {
        child.kill("SIGKILL");
        await exited;
      }

      restarted = await startAwsvpcEngine(dir, runtime);
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
      if (runtime === "docker") {
        const docker = new Docker(dockerConnection().options);
        const pauses = await docker.listContainers({ all: true, filters: { label: tasks.map((t) => `berth.pause-for=${t.taskArn}`) } });
        assert.deepEqual(pauses.map((p) => p.Names), [], "no pause container left");
      }
    });
  });
}

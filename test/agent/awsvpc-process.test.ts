// An awsvpc task on the agent's task engine with the process runtime and real namespaces (root
// only): the control plane is replaced by assignments built here and a recorder of the reports
// (the control plane's ENI allocation is another piece of issue 11), everything else is real —
// the state dir, the processes, the namespace, its address and rules.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { TaskReport } from "../../src/agent/report-plan.js";
import type { TaskEngine } from "../../src/agent/task-engine.js";
import { aContainerDef, anAssignedTask } from "../../src/agent/test-builders.js";
import type { AssignedTask } from "../../src/model/index.js";
import { ingressDocument, namespaceName, observeHost, observeNamespace, taskNetworkingUnavailable } from "../../src/network/index.js";
import { anEni } from "../../src/network/test-builders.js";
import type { RuntimeDriver } from "../../src/runtime/index.js";
import { type AwsvpcEngine, startAwsvpcEngine, uniqueTaskArn } from "./awsvpc-engine.js";
import { until } from "./harness.js";

const skip = await taskNetworkingUnavailable();
if (skip) console.log(`# skipping the awsvpc agent tests: ${skip}`);

// A range of this test's own (see test/network/namespaces.test.ts), distinct from that test's.
const subnet = { subnetId: "subnet-0test214", subnetCidr: "10.214.0.0/24", gatewayIpv4Address: "10.214.0.1", vpcCidr: "10.214.0.0/16", dnsServers: ["10.214.0.2"] };

describe("awsvpc task on the process runtime (root)", { skip, concurrency: false, timeout: 120_000 }, () => {
  let dir: string;
  let e: AwsvpcEngine;
  let engine: TaskEngine;
  let driver: RuntimeDriver;
  let reports: AwsvpcEngine["reports"];
  const taskIds: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "berth-awsvpc-"));
    writeFileSync(join(dir, "index.html"), "hello over localhost\n");
    e = await startAwsvpcEngine(dir);
    ({ engine, driver, reports } = e);
  });

  after(async () => {
    if (e) {
      for (const s of await e.driver.list()) await e.driver.remove(s.id).catch(() => undefined);
      await e.close();
      for (const id of taskIds) await e.networks.release(id);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const taskReports = (arn: string) => reports.filter((r) => r.taskArn === arn && r.report.kind === "task").map((r) => r.report as TaskReport);

  it("runs two containers in one namespace: one serves HTTP, the other calls it on localhost; the host reaches it at its address", async () => {
    const eni = anEni({ ...subnet, privateIpv4Address: "10.214.0.10", macAddress: "0a:58:0a:d6:00:0a", ingress: [{ protocol: "tcp", fromPort: 8080, toPort: 8080, cidrs: ["10.214.0.0/16"] }] });
    const task: AssignedTask = anAssignedTask(
      [
        aContainerDef("web", { command: ["busybox", "httpd", "-f", "-p", "8080", "-h", dir] }),
        aContainerDef("client", {
          essential: false,
          command: ["sh", "-c", "while :; do busybox wget -q -O - http://127.0.0.1:8080/ && echo CALLED-OK; sleep 0.2; done"],
        }),
        aContainerDef("dns", { essential: false, command: ["sh", "-c", "cat /etc/resolv.conf; exec sleep 300"] }),
      ],
      { networkMode: "awsvpc", eni, taskArn: uniqueTaskArn() },
    );
    const taskId = task.taskArn.slice(task.taskArn.lastIndexOf("/") + 1);
    taskIds.push(taskId);
    await engine.handleManifest([task], false);
    await until("RUNNING", () => taskReports(task.taskArn).some((r) => r.status === "RUNNING"), 20_000);
    const running = taskReports(task.taskArn).find((r) => r.status === "RUNNING")!;
    const firstWithAttachment = taskReports(task.taskArn).find((r) => r.attachments)!;
    assert.deepEqual(firstWithAttachment.attachments, [{ attachmentId: eni.attachmentId, status: "ATTACHED" }]);
    assert.ok(taskReports(task.taskArn).indexOf(firstWithAttachment) <= taskReports(task.taskArn).indexOf(running));

    // The client reaches the server on localhost: they share the namespace.
    const rec = engine.tasks.get(task.taskArn)!.record;
    const clientId = rec.containers.find((c) => c.name === "client")!.runtimeId!;
    await until("the client's call", async () => {
      for await (const l of driver.logs(clientId)) if (l.line === "CALLED-OK") return true;
      return false;
    }, 20_000);
    // The task's resolvers are the ENI's (the host's resolv.conf is left alone).
    const dnsId = rec.containers.find((c) => c.name === "dns")!.runtimeId!;
    await until("the dns container's resolv.conf", async () => {
      for await (const l of driver.logs(dnsId)) if (l.line === "nameserver 10.214.0.2") return true;
      return false;
    }, 20_000);
    // The host reaches the task at its private address.
    const res = await fetch("http://10.214.0.10:8080/");
    assert.equal(await res.text(), "hello over localhost\n");
    assert.ok((await observeHost()).namespaces.includes(namespaceName(taskId)));

    // A security group change reaches the running task: with no rule left, 8080 is closed
    // (dropped: nc's 1 s wait runs out), while the containers keep running.
    const closed = { ...task, eni: { ...eni, ingress: [] }, version: 2 };
    await engine.handleManifest([closed], false);
    const marker = ingressDocument([]).marker;
    await until("the new rules", async () => (await observeNamespace(namespaceName(taskId))).ingressMarker === marker, 20_000);
    const nc = spawnSync("busybox", ["nc", "-w", "1", "10.214.0.10", "8080"], { encoding: "utf8", input: "" });
    assert.match(nc.stderr, /timed out/);
    assert.equal(engine.tasks.get(task.taskArn)!.record.known, "RUNNING");

    // Stopping: containers stop, then the namespace goes, then STOPPED with DELETED.
    await engine.handleManifest([{ ...closed, desiredStatus: "STOPPED", stoppedReason: "test is done", version: 3 }], false);
    await until("STOPPED", () => taskReports(task.taskArn).some((r) => r.status === "STOPPED"), 30_000);
    const stopped = taskReports(task.taskArn).find((r) => r.status === "STOPPED")!;
    assert.deepEqual(stopped.attachments, [{ attachmentId: eni.attachmentId, status: "DELETED" }]);
    const host = await observeHost();
    assert.ok(!host.namespaces.includes(namespaceName(taskId)), "the namespace is gone when STOPPED is reported");
    assert.equal(engine.tasks.get(task.taskArn)!.record.network!.status, "DELETED");
  });

  it("a set-up that cannot be made stops the task with ECS's reason, and leaves nothing", async () => {
    // An address outside its subnet: the plan refuses before touching anything.
    const task = anAssignedTask([aContainerDef("web", { command: ["sleep", "30"] })], { networkMode: "awsvpc", eni: anEni({ ...subnet, privateIpv4Address: "10.214.9.9" }), taskArn: uniqueTaskArn() });
    const taskId = task.taskArn.slice(task.taskArn.lastIndexOf("/") + 1);
    taskIds.push(taskId);
    await engine.handleManifest([task], false);
    await until("STOPPED", () => taskReports(task.taskArn).some((r) => r.status === "STOPPED"), 20_000);
    const stopped = taskReports(task.taskArn).find((r) => r.status === "STOPPED")!;
    assert.match(stopped.reason!, /^ResourceInitializationError: failed to configure ENI: address 10\.214\.9\.9 .* outside subnet/);
    assert.deepEqual(stopped.containers.map((c) => c.status), ["STOPPED"]);
    assert.ok(!(await observeHost()).namespaces.includes(namespaceName(taskId)));
  });
});

describe("ecs.capability.task-eni (root)", { skip, timeout: 60_000 }, () => {
  it("an agent on the process runtime that can make namespaces registers with it", async () => {
    const { startCluster } = await import("./harness.js");
    const { DescribeContainerInstancesCommand } = await import("@aws-sdk/client-ecs");
    const c = await startCluster();
    try {
      const agent = await c.startAgent();
      const ci = (await c.ecs.send(new DescribeContainerInstancesCommand({ cluster: "default", containerInstances: [agent.containerInstanceArn] }))).containerInstances![0]!;
      assert.ok(ci.attributes!.some((a) => a.name === "ecs.capability.task-eni"));
    } finally {
      await c.close();
    }
  });
});

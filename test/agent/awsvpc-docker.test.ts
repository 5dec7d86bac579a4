// An awsvpc task on the docker runtime (root and a Docker engine with the test image): the
// task's pause container holds the namespace berth wires (address, route, rules, resolvers),
// the task's containers join it and reach each other on localhost, the host reaches the task
// at its address, and stopping it removes the namespace and the pause container.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Docker from "dockerode";
import type { TaskReport } from "../../src/agent/report-plan.js";
import { aContainerDef, anAssignedTask } from "../../src/agent/test-builders.js";
import { namespaceName, observeHost, taskNetworkingUnavailable } from "../../src/network/index.js";
import { anEni } from "../../src/network/test-builders.js";
import { dockerConnection } from "../../src/runtime/index.js";
import { type AwsvpcEngine, startAwsvpcEngine, uniqueTaskArn } from "./awsvpc-engine.js";
import { dockerSkipReason, TEST_IMAGE, until } from "./harness.js";

const skip = (await taskNetworkingUnavailable()) ?? (await dockerSkipReason());
if (skip) console.log(`# skipping the awsvpc docker test: ${skip}`);

const subnet = { subnetId: "subnet-0test216", subnetCidr: "10.216.0.0/24", gatewayIpv4Address: "10.216.0.1", vpcCidr: "10.216.0.0/16", dnsServers: ["10.216.0.2"] };

describe("awsvpc task on the docker runtime (root, Docker)", { skip, timeout: 120_000 }, () => {
  let dir: string;
  let e: AwsvpcEngine;
  const docker = new Docker(dockerConnection().options);
  const eni = anEni({ ...subnet, privateIpv4Address: "10.216.0.10", macAddress: "0a:58:0a:d8:00:0a", ingress: [{ protocol: "tcp", fromPort: 8080, toPort: 8080, cidrs: ["10.216.0.0/16"] }] });
  const task = anAssignedTask(
    [
      aContainerDef("web", { image: TEST_IMAGE, command: ["sh", "-c", "mkdir -p /www && echo hello from docker > /www/index.html && exec httpd -f -p 8080 -h /www"] }),
      aContainerDef("client", { image: TEST_IMAGE, essential: false, command: ["sh", "-c", "while :; do wget -q -O - http://127.0.0.1:8080/ && echo CALLED-OK; sleep 0.2; done"] }),
      aContainerDef("dns", { image: TEST_IMAGE, essential: false, command: ["sh", "-c", "cat /etc/resolv.conf; exec sleep 300"] }),
    ],
    { networkMode: "awsvpc", eni, taskArn: uniqueTaskArn() },
  );
  const taskId = task.taskArn.slice(task.taskArn.lastIndexOf("/") + 1);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "berth-awsvpc-docker-"));
    e = await startAwsvpcEngine(dir, "docker");
  });

  after(async () => {
    if (e) {
      for (const s of await e.driver.list()) if (s.taskArn === task.taskArn) await e.driver.remove(s.id).catch(() => undefined);
      await e.networks.release(taskId);
      await e.driver.removeNamespaceHolder?.(taskId);
      await e.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const reportsOf = () => e.reports.filter((r) => r.taskArn === task.taskArn && r.report.kind === "task").map((r) => r.report as TaskReport);
  const logged = (id: string, line: string) =>
    until(`${line} in ${id.slice(0, 12)}'s log`, async () => {
      for await (const l of e.driver.logs(id)) if (l.line === line) return true;
      return false;
    }, 30_000);

  it("runs the containers in the pause container's namespace, reachable at the task's address; stopping removes both", async () => {
    await e.engine.handleManifest([task], false);
    await until("RUNNING", () => reportsOf().some((r) => r.status === "RUNNING"), 60_000);
    assert.deepEqual(reportsOf().find((r) => r.attachments)?.attachments, [{ attachmentId: eni.attachmentId, status: "ATTACHED" }]);
    const rec = e.engine.tasks.get(task.taskArn)!.record;
    const pause = await docker.getContainer(rec.network!.holderId!).inspect();
    assert.equal(pause.HostConfig.NetworkMode, "none");
    const web = await docker.getContainer(rec.containers.find((c) => c.name === "web")!.runtimeId!).inspect();
    assert.equal(web.HostConfig.NetworkMode, `container:${pause.Id}`);

    await logged(rec.containers.find((c) => c.name === "client")!.runtimeId!, "CALLED-OK");
    await logged(rec.containers.find((c) => c.name === "dns")!.runtimeId!, "nameserver 10.216.0.2");
    const res = await fetch("http://10.216.0.10:8080/");
    assert.equal(await res.text(), "hello from docker\n");

    await e.engine.handleManifest([{ ...task, desiredStatus: "STOPPED", stoppedReason: "test is done", version: 2 }], false);
    await until("STOPPED", () => reportsOf().some((r) => r.status === "STOPPED"), 60_000);
    assert.deepEqual(reportsOf().find((r) => r.status === "STOPPED")!.attachments, [{ attachmentId: eni.attachmentId, status: "DELETED" }]);
    const host = await observeHost();
    assert.ok(!host.namespaces.includes(namespaceName(taskId)));
    assert.ok(!host.unreachable.includes("10.216.0.0/16"));
    await assert.rejects(docker.getContainer(pause.Id).inspect(), (err: { statusCode?: number }) => err.statusCode === 404);
  });
});

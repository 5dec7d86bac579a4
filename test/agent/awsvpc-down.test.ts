// `berth down` on an agent's state dir with an awsvpc task running (root only): the container is
// stopped and the task's namespace released at once; the next agent reports the task STOPPED
// with its attachment DELETED.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { DOWN_STOP_REASON, stopAgentContainers } from "../../src/agent/index.js";
import type { TaskReport } from "../../src/agent/report-plan.js";
import { aContainerDef, anAssignedTask } from "../../src/agent/test-builders.js";
import { namespaceName, observeHost, taskNetworkingUnavailable } from "../../src/network/index.js";
import { anEni } from "../../src/network/test-builders.js";
import { type AwsvpcEngine, startAwsvpcEngine, uniqueTaskArn } from "./awsvpc-engine.js";
import { until } from "./harness.js";

const skip = await taskNetworkingUnavailable();
if (skip) console.log(`# skipping the awsvpc berth down test: ${skip}`);

const subnet = { subnetId: "subnet-0test217", subnetCidr: "10.217.0.0/24", gatewayIpv4Address: "10.217.0.1", vpcCidr: "10.217.0.0/16", dnsServers: [] };

describe("berth down with an awsvpc task (root)", { skip, timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "berth-awsvpc-down-"));
  const eni = anEni({ ...subnet, ingress: [], privateIpv4Address: "10.217.0.10", macAddress: "0a:58:0a:d9:00:0a" });
  const task = anAssignedTask([aContainerDef("app", { command: ["sh", "-c", "trap 'exit 0' TERM; sleep 300 & wait"] })], { networkMode: "awsvpc", eni, taskArn: uniqueTaskArn() });
  const taskId = task.taskArn.slice(task.taskArn.lastIndexOf("/") + 1);
  let e: AwsvpcEngine | undefined;

  after(async () => {
    e ??= await startAwsvpcEngine(dir);
    for (const s of await e.driver.list()) await e.driver.remove(s.id).catch(() => undefined);
    await e.close();
    await e.networks.release(taskId);
    rmSync(dir, { recursive: true, force: true });
  });

  it("releases the namespace with the containers, and the next agent reports DELETED", async () => {
    const first = await startAwsvpcEngine(dir);
    await first.engine.handleManifest([task], false);
    await until("RUNNING", () => first.statuses(task.taskArn).includes("RUNNING"), 20_000);
    await first.close();

    const down = await stopAgentContainers(dir, { docker: false });
    assert.deepEqual(down.containers.map((c) => [c.containerName, c.wasRunning, c.error]), [["app", true, undefined]]);
    assert.equal(down.namespaces, 1);
    assert.ok(!(await observeHost()).namespaces.includes(namespaceName(taskId)));

    e = await startAwsvpcEngine(dir);
    const next = e;
    await until("STOPPED", () => next.statuses(task.taskArn).includes("STOPPED"), 20_000);
    const stopped = next.reports.find((r) => r.report.kind === "task" && r.report.status === "STOPPED")!.report as TaskReport;
    assert.equal(stopped.reason, DOWN_STOP_REASON);
    assert.deepEqual(stopped.attachments, [{ attachmentId: eni.attachmentId, status: "DELETED" }]);
  });
});

// Ports under the process runtime without port translation (a host without root, or an agent
// told so: a container binds its containerPort on the host): placement reserves a dynamic mapping's containerPort on such an
// instance, so a second task with the same port is refused with ECS's RESOURCE:PORTS and the
// port is given back at STOPPED; a port another program holds fails the task with a reason
// that says so. A real control plane, a real agent, real processes, the AWS SDK.
import assert from "node:assert/strict";
import { createServer, type AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
} from "@aws-sdk/client-ecs";
import type { Agent } from "../../src/agent/index.js";
import { accepts, freePort } from "../helpers/ports.js";
import { type Cluster, startCluster, until } from "./harness.js";

/** A container that really listens on `port` on the host and exits on SIGTERM (it is PID 1). */
const listener = (port: number) => ({
  name: "web",
  image: "busybox",
  memory: 128,
  essential: true,
  stopTimeout: 5,
  // No hostPort: in bridge mode that asks for a dynamic host port, which this runtime cannot give.
  portMappings: [{ containerPort: port }],
  command: [
    process.execPath,
    "-e",
    `const s = require("net").createServer().listen(${port}, "0.0.0.0"); process.on("SIGTERM", () => { s.close(); process.exit(0); });`,
  ],
});

describe("ports under the process runtime", { timeout: 120_000 }, () => {
  let c: Cluster;
  let agent: Agent;
  const reservedPorts = async () => {
    const ci = (await c.ecs.send(new DescribeContainerInstancesCommand({ cluster: "default", containerInstances: [agent.containerInstanceArn] }))).containerInstances![0]!;
    return ci.remainingResources!.find((r) => r.name === "PORTS")!.stringSetValue!;
  };
  const stopAndWait = async (task: string) => {
    await c.ecs.send(new StopTaskCommand({ cluster: "default", task }));
    return c.waitTask(task, "STOPPED", (t) => t.lastStatus === "STOPPED", 30_000);
  };

  before(async () => {
    c = await startCluster();
    // As on a host without root: where the agent can make namespaces it would give bridge tasks
    // their own and translate ports (test/agent/bridge-process.test.ts).
    agent = await c.startAgent({ bridgeNamespaces: false });
  });
  after(async () => {
    await c?.close();
  });

  it("the agent says its runtime does not translate ports", async () => {
    const ci = (await c.ecs.send(new DescribeContainerInstancesCommand({ cluster: "default", containerInstances: [agent.containerInstanceArn] }))).containerInstances![0]!;
    assert.equal(ci.attributes!.find((a) => a.name === "berth.runtime.port-translation")?.value, "none");
  });

  it("a second task with the same containerPort is refused with RESOURCE:PORTS until the first stops", async () => {
    const port = await freePort();
    const td = await c.registerTaskDefinition("same-port", [listener(port)]);
    const first = await c.runTask(td);
    const running = await c.waitTask(first, "RUNNING", (t) => t.lastStatus === "RUNNING");
    assert.deepEqual(running.containers![0]!.networkBindings, [{ bindIP: "0.0.0.0", containerPort: port, hostPort: port, protocol: "tcp" }]);
    assert.ok((await reservedPorts()).includes(String(port)), "the containerPort is reserved on the instance");
    // Bound on the host as it is (which also means its SIGTERM handler is in place).
    await until(`the task listening on ${port}`, () => accepts(port));

    const second = await c.ecs.send(new RunTaskCommand({ cluster: "default", taskDefinition: td }));
    assert.deepEqual(second.tasks, []);
    assert.equal(second.failures?.length, 1);
    assert.equal(second.failures![0]!.arn, agent.containerInstanceArn);
    assert.equal(second.failures![0]!.reason, "RESOURCE:PORTS");
    assert.match(second.failures![0]!.detail!, new RegExp(`^host port ${port}/tcp is already in use; this instance's runtime binds container ports on the host`));

    await stopAndWait(first);
    assert.ok(!(await reservedPorts()).includes(String(port)), "STOPPED gives the port back");
    const third = await c.runTask(td);
    await c.waitTask(third, "RUNNING", (t) => t.lastStatus === "RUNNING");
    await until(`the third task listening on ${port}`, () => accepts(port));
    await stopAndWait(third);
  });

  it("a service of two such tasks on one instance runs one and says why the other waits", async () => {
    const port = await freePort();
    const td = await c.registerTaskDefinition("svc-port", [listener(port)]);
    await c.ecs.send(new CreateServiceCommand({ cluster: "default", serviceName: "ports", taskDefinition: td, desiredCount: 2 }));
    try {
      await until(
        "a placement failure event",
        async () => {
          const svc = (await c.ecs.send(new DescribeServicesCommand({ cluster: "default", services: ["ports"] }))).services![0]!;
          const messages = (svc.events ?? []).map((e) => e.message!);
          // ECS's words for RESOURCE:PORTS in a service event.
          const refused = messages.some((m) => m.includes("was unable to place a task") && m.includes("is already using a port required by your task"));
          return refused && svc.runningCount === 1 ? messages : undefined;
        },
        30_000,
      );
      const live = await c.ecs.send(new ListTasksCommand({ cluster: "default", serviceName: "ports", desiredStatus: "RUNNING" }));
      assert.equal(live.taskArns?.length, 1, "only one task was placed");
    } finally {
      await c.ecs.send(new DeleteServiceCommand({ cluster: "default", service: "ports", force: true }));
      const left = await c.ecs.send(new ListTasksCommand({ cluster: "default", serviceName: "ports", desiredStatus: "RUNNING" }));
      for (const task of left.taskArns ?? []) await stopAndWait(task);
    }
  });

  it("a port another program holds stops the task with a reason that says so", async () => {
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, "0.0.0.0", r));
    try {
      const port = (holder.address() as AddressInfo).port;
      const td = await c.registerTaskDefinition("held-port", [listener(port)]);
      const arn = await c.runTask(td);
      const stopped = await c.waitTask(arn, "STOPPED", (t) => t.lastStatus === "STOPPED");
      const reason = `CannotStartContainerError: port ${port}/tcp is already in use on the host: the process runtime binds a container's ports on the host itself, and another program holds it`;
      assert.equal(stopped.stopCode, "TaskFailedToStart");
      assert.equal(stopped.stoppedReason, reason);
      assert.equal(stopped.containers![0]!.reason, reason);
      assert.equal(stopped.containers![0]!.exitCode, undefined);
      assert.ok(!(await reservedPorts()).includes(String(port)), "the failed task gave its port back");
    } finally {
      await new Promise((r) => holder.close(r));
    }
  });
});

// The agent with the process runtime (real processes) against a real control plane: ECS's task
// lifecycle as DescribeTasks shows it, stop paths and their signals, health checks, dependsOn,
// the metadata endpoint seen from inside a container.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DescribeContainerInstancesCommand, StopTaskCommand } from "@aws-sdk/client-ecs";
import type { Agent } from "../../src/agent/index.js";
import { type Cluster, startCluster, until } from "./harness.js";
import { taskOutput } from "./identity-helpers.js";

/** A long-running shell that exits `code` on SIGTERM (or ignores it with code "ignore"). */
const looping = (onTerm: string) => ["sh", "-c", `${onTerm}; echo ready; while :; do sleep 0.05; done`];

describe("agent with the process runtime", { concurrency: 4, timeout: 120_000 }, () => {
  let c: Cluster;
  let agent: Agent;
  before(async () => {
    c = await startCluster();
    agent = await c.startAgent();
  });
  after(async () => {
    await c?.close();
  });

  it("registers with ECS's resources and attributes and connects", async () => {
    const ci = await until("agentConnected", async () => {
      const i = await c.instance(agent.containerInstanceArn);
      return i.agentConnected ? i : undefined;
    });
    assert.equal(ci.status, "ACTIVE");
    const full = (await c.ecs.send(new DescribeContainerInstancesCommand({ cluster: "default", containerInstances: [agent.containerInstanceArn] }))).containerInstances![0]!;
    const attrs = new Map(full.attributes!.map((a) => [a.name, a.value]));
    assert.equal(attrs.get("ecs.os-type"), "linux");
    assert.ok(attrs.has("ecs.cpu-architecture"));
    assert.equal(attrs.get("ecs.availability-zone"), "us-east-1a");
    assert.equal(attrs.get("berth.runtime"), "process");
    const ports = full.registeredResources!.find((r) => r.name === "PORTS")!.stringSetValue!;
    assert.deepEqual(ports.slice(0, 5), ["22", "2375", "2376", "51678", "51679"]);
    assert.ok(ports.includes(String(agent.metadataPort)));
    assert.ok(full.registeredResources!.find((r) => r.name === "CPU")!.integerValue! >= 1024);
  });

  it("runs a real command to RUNNING, then STOPPED with its exit code and ECS's stop code", async () => {
    const td = await c.registerTaskDefinition("batch", [{ name: "job", image: "busybox", memory: 32, essential: true, command: ["sh", "-c", "sleep 0.8; exit 0"] }]);
    const arn = await c.runTask(td);
    const running = await c.waitTask(arn, "RUNNING", (t) => t.lastStatus === "RUNNING");
    assert.equal(running.containers![0]!.lastStatus, "RUNNING");
    assert.match(running.containers![0]!.runtimeId!, /^[0-9a-f]{64}$/);
    assert.ok(running.pullStartedAt && running.pullStoppedAt && running.startedAt);
    const stopped = await c.waitTask(arn, "STOPPED", (t) => t.lastStatus === "STOPPED");
    assert.equal(stopped.stopCode, "EssentialContainerExited");
    assert.equal(stopped.stoppedReason, "Essential container in task exited");
    assert.equal(stopped.desiredStatus, "STOPPED");
    assert.equal(stopped.containers![0]!.exitCode, 0);
    assert.equal(stopped.containers![0]!.lastStatus, "STOPPED");
    assert.ok(stopped.stoppedAt && stopped.executionStoppedAt);
  });

  it("stops the task when an essential container exits non-zero, SIGTERM to the others", async () => {
    const td = await c.registerTaskDefinition("failing", [
      { name: "app", image: "busybox", memory: 32, essential: true, command: ["sh", "-c", "sleep 0.5; exit 3"] },
      { name: "sidecar", image: "busybox", memory: 32, essential: false, command: looping("trap 'exit 143' TERM") },
    ]);
    const arn = await c.runTask(td);
    const stopped = await c.waitTask(arn, "STOPPED", (t) => t.lastStatus === "STOPPED");
    assert.equal(stopped.stopCode, "EssentialContainerExited");
    assert.equal(stopped.stoppedReason, "Essential container in task exited");
    const byName = new Map(stopped.containers!.map((x) => [x.name, x]));
    assert.equal(byName.get("app")!.exitCode, 3);
    assert.equal(byName.get("sidecar")!.exitCode, 143);
  });

  it("StopTask sends SIGTERM, then SIGKILL after stopTimeout", async () => {
    const td = await c.registerTaskDefinition("stoppable", [
      { name: "polite", image: "busybox", memory: 32, essential: true, stopTimeout: 10, command: looping("trap 'exit 0' TERM") },
      { name: "stubborn", image: "busybox", memory: 32, essential: true, stopTimeout: 2, command: looping("trap '' TERM") },
    ]);
    const arn = await c.runTask(td);
    await c.waitTask(arn, "RUNNING", (t) => t.lastStatus === "RUNNING");
    // RUNNING means both shells were exec'd, not that they have set their traps yet: a PID 1
    // without a handler ignores SIGTERM (as in Docker), so wait for each to say it is ready.
    await until("both traps set", async () => (await taskOutput(c, arn)).filter((l) => l === "ready").length === 2, 15_000, 50);
    const t0 = Date.now();
    await c.ecs.send(new StopTaskCommand({ cluster: "default", task: arn, reason: "maintenance window" }));
    const stopped = await c.waitTask(arn, "STOPPED", (t) => t.lastStatus === "STOPPED");
    const elapsed = Date.now() - t0;
    assert.ok(elapsed >= 2000, `stopped after ${elapsed} ms, before the 2 s stopTimeout`);
    assert.ok(elapsed < 8000, `stopped after ${elapsed} ms`);
    assert.equal(stopped.stopCode, "UserInitiated");
    assert.equal(stopped.stoppedReason, "maintenance window");
    const byName = new Map(stopped.containers!.map((x) => [x.name, x]));
    assert.equal(byName.get("polite")!.exitCode, 0);
    assert.equal(byName.get("stubborn")!.exitCode, 137);
  });

  it("a failing health check turns the container and the task UNHEALTHY; the task keeps running", async () => {
    const td = await c.registerTaskDefinition("sick", [
      {
        name: "app",
        image: "busybox",
        memory: 32,
        essential: true,
        stopTimeout: 2,
        command: looping("trap 'exit 0' TERM"),
        healthCheck: { command: ["CMD-SHELL", "exit 1"], interval: 5, timeout: 2, retries: 1 },
      },
    ]);
    const arn = await c.runTask(td);
    const sick = await c.waitTask(arn, "UNHEALTHY", (t) => t.healthStatus === "UNHEALTHY", 20_000);
    assert.equal(sick.containers![0]!.healthStatus, "UNHEALTHY");
    assert.equal(sick.lastStatus, "RUNNING");
    await c.ecs.send(new StopTaskCommand({ cluster: "default", task: arn }));
    const stopped = await c.waitTask(arn, "STOPPED", (t) => t.lastStatus === "STOPPED");
    assert.equal(stopped.stoppedReason, "Task stopped by user");
  });

  it("a passing health check turns HEALTHY and satisfies a HEALTHY dependency", async () => {
    const td = await c.registerTaskDefinition("ordered", [
      {
        name: "db",
        image: "busybox",
        memory: 32,
        essential: true,
        stopTimeout: 2,
        command: looping("trap 'exit 0' TERM"),
        healthCheck: { command: ["CMD", "true"], interval: 5, timeout: 2, retries: 1 },
      },
      { name: "app", image: "busybox", memory: 32, essential: true, stopTimeout: 2, command: looping("trap 'exit 0' TERM"), dependsOn: [{ containerName: "db", condition: "HEALTHY" }] },
    ]);
    const arn = await c.runTask(td);
    const running = await c.waitTask(arn, "RUNNING", (t) => t.lastStatus === "RUNNING", 20_000);
    const byName = new Map(running.containers!.map((x) => [x.name, x]));
    assert.equal(byName.get("db")!.healthStatus, "HEALTHY");
    assert.equal(byName.get("app")!.lastStatus, "RUNNING");
    await c.ecs.send(new StopTaskCommand({ cluster: "default", task: arn }));
    await c.waitTask(arn, "STOPPED", (t) => t.lastStatus === "STOPPED");
  });

  it("an init container that fails its SUCCESS dependency stops the task before it runs", async () => {
    const td = await c.registerTaskDefinition("badinit", [
      { name: "init", image: "busybox", memory: 32, essential: false, command: ["sh", "-c", "exit 5"] },
      { name: "app", image: "busybox", memory: 32, essential: true, command: ["sleep", "30"], dependsOn: [{ containerName: "init", condition: "SUCCESS" }] },
    ]);
    const arn = await c.runTask(td);
    const stopped = await c.waitTask(arn, "STOPPED", (t) => t.lastStatus === "STOPPED");
    assert.equal(stopped.stopCode, "TaskFailedToStart");
    assert.match(stopped.stoppedReason!, /^TaskDependencyError: container app depends on init \(SUCCESS\), which did not exit successfully \(exit code 5\)/);
    const byName = new Map(stopped.containers!.map((x) => [x.name, x]));
    assert.equal(byName.get("init")!.exitCode, 5);
    assert.equal(byName.get("app")!.exitCode, undefined);
  });

  it("a command that cannot start stops the task with CannotStartContainerError", async () => {
    const td = await c.registerTaskDefinition("broken", [{ name: "app", image: "busybox", memory: 32, essential: true, command: ["/nonexistent/program"] }]);
    const arn = await c.runTask(td);
    const stopped = await c.waitTask(arn, "STOPPED", (t) => t.lastStatus === "STOPPED");
    assert.equal(stopped.stopCode, "TaskFailedToStart");
    assert.match(stopped.stoppedReason!, /^CannotStartContainerError: /);
    assert.match(stopped.containers![0]!.reason!, /^CannotStartContainerError: /);
    assert.equal(stopped.containers![0]!.exitCode, undefined);
  });

  it("gives each container its metadata URIs, and the endpoint answers with runtime figures", async () => {
    const out = join(c.dir, `meta-${Date.now()}.txt`);
    const td = await c.registerTaskDefinition("meta", [
      {
        name: "app",
        image: "busybox",
        memory: 64,
        cpu: 128,
        essential: true,
        stopTimeout: 2,
        environment: [{ name: "OUT", value: out }],
        command: ["sh", "-c", `echo "$ECS_CONTAINER_METADATA_URI_V4 $ECS_CONTAINER_METADATA_URI" > "$OUT"; trap 'exit 0' TERM; while :; do sleep 0.05; done`],
      },
    ]);
    const arn = await c.runTask(td);
    await c.waitTask(arn, "RUNNING", (t) => t.lastStatus === "RUNNING");
    await until("the container's output", () => existsSync(out) && readFileSync(out, "utf8").includes("\n"));
    const [v4, v3] = readFileSync(out, "utf8").trim().split(" ");
    // A bridge task is told the host's loopback, or in a bridge namespace of the agent's (root) the bridge's address.
    assert.match(v4!, new RegExp(`^http://(127\\.0\\.0\\.1|10\\.254\\.0\\.1):${agent.metadataPort}/v4/[0-9a-f]+$`));
    assert.match(v3!, /\/v3\/[0-9a-f]+$/);
    const container = (await (await fetch(v4!)).json()) as Record<string, unknown>;
    assert.equal(container.Name, "app");
    assert.equal(container.KnownStatus, "RUNNING");
    assert.deepEqual(container.Limits, { CPU: 128, Memory: 64 });
    const task = (await (await fetch(`${v4}/task`)).json()) as Record<string, unknown>;
    assert.equal(task.TaskARN, arn);
    assert.equal(task.Family, "meta");
    const stats = (await (await fetch(`${v4}/stats`)).json()) as { memory_stats: { usage?: number }; cpu_stats: { cpu_usage: { total_usage: number } }; read: string };
    assert.ok(stats.read && !Number.isNaN(Date.parse(stats.read)));
    assert.ok((stats.memory_stats.usage ?? 0) > 0, `memory usage ${JSON.stringify(stats.memory_stats)}`);
    const taskStats = (await (await fetch(`${v4}/task/stats`)).json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(taskStats), [container.DockerId]);
    await c.ecs.send(new StopTaskCommand({ cluster: "default", task: arn }));
    await c.waitTask(arn, "STOPPED", (t) => t.lastStatus === "STOPPED");
  });
});

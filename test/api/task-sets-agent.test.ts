// An EXTERNAL deployment end to end, as a third-party controller drives one: a real control
// plane, a real agent running real processes, the AWS SDK as the client. Blue runs, green is
// created beside it, the primary moves to green, both are scaled, blue is deleted — and the
// tasks of each set really start and stop.
import {
  CreateClusterCommand,
  CreateServiceCommand,
  CreateTaskSetCommand,
  DeleteServiceCommand,
  DeleteTaskSetCommand,
  DescribeServicesCommand,
  DescribeTaskSetsCommand,
  DescribeTasksCommand,
  ListServicesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  StopTaskCommand,
  UpdateServiceCommand,
  UpdateServicePrimaryTaskSetCommand,
  UpdateTaskSetCommand,
  type TaskSet,
} from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { startAgent, type Agent } from "../../src/agent/index.js";
import { removeAgentContainers } from "../agent/harness.js";
import { rawCall } from "../helpers/raw.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const sleeper = (marker: string) =>
  new RegisterTaskDefinitionCommand({
    family: "web",
    containerDefinitions: [
      {
        name: "app",
        image: "busybox",
        memory: 32,
        cpu: 64,
        entryPoint: ["sh", "-c"],
        command: [`echo ${marker}; exec sleep 600`],
        stopTimeout: 2,
        // A health check makes a task healthy at its first pass, not 40 s after RUNNING.
        healthCheck: { command: ["CMD-SHELL", "true"], interval: 5, timeout: 2, retries: 1 },
      },
    ],
  });

describe("an EXTERNAL deployment with a real agent", { timeout: 300_000 }, () => {
  let s: TestServer;
  let agent: Agent;
  let stateDir: string;
  async function until(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.fail(`timed out waiting until ${what}`);
  }
  const taskSet = async (id: string): Promise<TaskSet | undefined> =>
    (await s.ecs.send(new DescribeTaskSetsCommand({ cluster: "default", service: "shop", taskSets: [id] }))).taskSets?.[0];
  /** The set's tasks the store says are running and meant to be. */
  const runningTasks = async (id: string) => {
    const { taskArns } = await s.ecs.send(new ListTasksCommand({ cluster: "default", startedBy: id, desiredStatus: "RUNNING" }));
    if (!taskArns?.length) return [];
    const { tasks } = await s.ecs.send(new DescribeTasksCommand({ cluster: "default", tasks: taskArns }));
    return (tasks ?? []).filter((t) => t.lastStatus === "RUNNING");
  };
  const settled = (id: string, count: number) => async () => {
    const ts = await taskSet(id);
    return ts?.runningCount === count && ts.pendingCount === 0 && ts.stabilityStatus === "STEADY_STATE" && (await runningTasks(id)).length === count;
  };

  before(async () => {
    s = await startTestServer();
    stateDir = mkdtempSync(join(tmpdir(), "berth-agent-"));
    await s.ecs.send(new CreateClusterCommand({ clusterName: "default" }));
    agent = await startAgent({ endpoint: s.url, cluster: "default", runtime: "process", stateDir, cpu: 4096, memory: 4096, metadataPort: 0, logger: pino({ level: "silent" }) });
    await s.ecs.send(sleeper("blue"));
    await s.ecs.send(sleeper("green"));
  });
  after(async () => {
    try {
      const { serviceArns } = await s.ecs.send(new ListServicesCommand({ cluster: "default" }));
      for (const service of serviceArns ?? []) await s.ecs.send(new DeleteServiceCommand({ cluster: "default", service, force: true }));
      const { taskArns } = await s.ecs.send(new ListTasksCommand({ cluster: "default", desiredStatus: "RUNNING" }));
      for (const task of taskArns ?? []) await s.ecs.send(new StopTaskCommand({ cluster: "default", task }));
      await until("every task stopped", async () => ((await s.ecs.send(new ListTasksCommand({ cluster: "default" }))).taskArns ?? []).length === 0);
    } finally {
      await removeAgentContainers(agent);
      await agent.stop();
      await s.close();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it("creates two sets, shifts the primary, scales both and deletes the old one", async () => {
    await s.ecs.send(new CreateServiceCommand({ cluster: "default", serviceName: "shop", desiredCount: 2, deploymentController: { type: "EXTERNAL" } }));

    // Blue: 100% of 2 tasks, running for real, each task started by the set's id.
    const blue = (await s.ecs.send(new CreateTaskSetCommand({ cluster: "default", service: "shop", taskDefinition: "web:1", scale: { value: 100, unit: "PERCENT" } }))).taskSet!;
    await until("blue runs its 2 tasks", settled(blue.id!, 2));
    const blueTasks = await runningTasks(blue.id!);
    assert.ok(blueTasks.every((t) => t.startedBy === blue.id && t.group === "service:shop" && /web:1$/.test(t.taskDefinitionArn!)));
    await s.ecs.send(new UpdateServicePrimaryTaskSetCommand({ cluster: "default", service: "shop", primaryTaskSet: blue.taskSetArn! }));

    // Green: created at 0%, then scaled to 100%: both sets run side by side.
    const green = (await s.ecs.send(new CreateTaskSetCommand({ cluster: "default", service: "shop", taskDefinition: "web:2", externalId: "deploy-2" }))).taskSet!;
    assert.equal(green.computedDesiredCount, 0);
    await s.ecs.send(new UpdateTaskSetCommand({ cluster: "default", service: "shop", taskSet: green.id!, scale: { value: 100, unit: "PERCENT" } }));
    await until("green runs its 2 tasks beside blue's", settled(green.id!, 2));
    assert.equal((await runningTasks(blue.id!)).length, 2, "blue is untouched");
    let svc = (await s.ecs.send(new DescribeServicesCommand({ cluster: "default", services: ["shop"] }))).services![0]!;
    assert.equal(svc.runningCount, 4);
    assert.deepEqual(svc.deployments, []);

    // The primary moves to green; the service now shows green's task definition.
    const shifted = await s.ecs.send(new UpdateServicePrimaryTaskSetCommand({ cluster: "default", service: "shop", primaryTaskSet: green.id! }));
    assert.equal(shifted.taskSet!.status, "PRIMARY");
    svc = (await s.ecs.send(new DescribeServicesCommand({ cluster: "default", services: ["shop"] }))).services![0]!;
    assert.match(svc.taskDefinition!, /web:2$/);
    assert.deepEqual(Object.fromEntries(svc.taskSets!.map((t) => [t.id, t.status])), { [blue.id!]: "ACTIVE", [green.id!]: "PRIMARY" });

    // Blue scaled down in two steps: 50% (1 task), then 0%.
    await s.ecs.send(new UpdateTaskSetCommand({ cluster: "default", service: "shop", taskSet: blue.id!, scale: { value: 50, unit: "PERCENT" } }));
    await until("blue is down to 1 task", settled(blue.id!, 1));
    await s.ecs.send(new UpdateTaskSetCommand({ cluster: "default", service: "shop", taskSet: blue.id!, scale: { value: 0, unit: "PERCENT" } }));
    await until("blue has no task left", settled(blue.id!, 0));
    const stopped = await s.ecs.send(new DescribeTasksCommand({ cluster: "default", tasks: blueTasks.map((t) => t.taskArn!) }));
    assert.ok(stopped.tasks!.every((t) => t.desiredStatus === "STOPPED" && t.stopCode === "ServiceSchedulerInitiated"));
    assert.ok(stopped.tasks!.every((t) => t.stoppedReason === `Scaling activity initiated by (deployment ${blue.id})`));

    // Blue deleted: DRAINING, then gone.
    const deleted = await s.ecs.send(new DeleteTaskSetCommand({ cluster: "default", service: "shop", taskSet: blue.id! }));
    assert.equal(deleted.taskSet!.status, "DRAINING");
    await until("blue is forgotten", async () => (await s.ecs.send(new DescribeTaskSetsCommand({ cluster: "default", service: "shop", taskSets: [blue.id!] }))).failures?.length === 1);

    // The service's desired count scales green, the remaining set.
    await s.ecs.send(new UpdateServiceCommand({ cluster: "default", service: "shop", desiredCount: 3 }));
    await until("green runs 3 tasks", settled(green.id!, 3));
    assert.ok((await runningTasks(green.id!)).every((t) => /web:2$/.test(t.taskDefinitionArn!)));

    // The decision log shows each set's pass: its rows, bounds and what it did.
    const res = await rawCall(s.url, "Berth_20261128.DescribeServiceDecisions", JSON.stringify({ service: "shop", maxResults: 50 }));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const decisions = res.body.decisions as { inputs: { taskSets?: { id: string; computedDesiredCount: number }[] }; actions: { kind: string; detail: string }[] }[];
    assert.ok(decisions.some((d) => d.inputs.taskSets?.some((t) => t.id === green.id && t.computedDesiredCount === 3)));
    assert.ok(decisions.some((d) => d.actions.some((a) => a.kind === "stop" && a.detail.includes(`of ${blue.id}`))));
    assert.ok(decisions.some((d) => d.actions.some((a) => a.kind === "launch" && a.detail.startsWith(`start 2 task(s) of ${green.id}`))));
    const messages = ((await s.ecs.send(new DescribeServicesCommand({ cluster: "default", services: ["shop"] }))).services![0]!.events ?? []).map((e) => e.message!);
    const started = new RegExp(`^\\(service shop, taskSet ${blue.id}\\) has started 2 tasks: (\\(task [0-9a-f]{32}\\) ?)+\\.$`);
    assert.ok(messages.some((m) => started.test(m)), messages.join("\n"));
    assert.ok(messages.some((m) => m.startsWith(`(service shop, taskSet ${blue.id}) has stopped 1 running tasks: (task `)), messages.join("\n"));
    await until("the steady-state event", async () =>
      ((await s.ecs.send(new DescribeServicesCommand({ cluster: "default", services: ["shop"] }))).services![0]!.events ?? []).some((e) => e.message === "(service shop) has reached a steady state."),
    );
  });

  it("force-deleting a scaled set stops its tasks; deleting the service stops the rest", async () => {
    const red = (await s.ecs.send(new CreateTaskSetCommand({ cluster: "default", service: "shop", taskDefinition: "web:1", scale: { value: 34, unit: "PERCENT" } }))).taskSet!;
    assert.equal(red.computedDesiredCount, 2, "ceil(3 × 34%) = ceil(1.02)");
    await until("red runs its 2 tasks", settled(red.id!, 2));
    await s.ecs.send(new DeleteTaskSetCommand({ cluster: "default", service: "shop", taskSet: red.id!, force: true }));
    await until("red's tasks stop and red is gone", async () => (await runningTasks(red.id!)).length === 0 && (await taskSet(red.id!)) === undefined);
    await s.ecs.send(new DeleteServiceCommand({ cluster: "default", service: "shop", force: true }));
    await until("the service is INACTIVE with no task left", async () => {
      const svc = (await s.ecs.send(new DescribeServicesCommand({ cluster: "default", services: ["shop"] }))).services![0]!;
      return svc.status === "INACTIVE" && ((await s.ecs.send(new ListTasksCommand({ cluster: "default", desiredStatus: "RUNNING" }))).taskArns ?? []).length === 0;
    });
  });
});

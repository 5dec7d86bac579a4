// A service whose task definition was deregistered keeps working, as in ECS (ecs-behavior.md
// §1.3): it replaces stopped tasks and scales up and down on the INACTIVE revision. New
// references to that revision — RunTask, StartTask, CreateService, UpdateService — are refused.
// A real control plane with its scheduler and a real agent running processes.
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeServicesCommand,
  ListTasksCommand,
  RunTaskCommand,
  StartTaskCommand,
  StopTaskCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Agent } from "../../src/agent/index.js";
import { type Cluster, startCluster, until } from "../agent/harness.js";
import { errorOf } from "../helpers/server.js";

describe("a service on a deregistered (INACTIVE) task definition", { timeout: 120_000 }, () => {
  let c: Cluster;
  let agent: Agent;
  let inactive: string;
  let active: string;

  const runningTasks = async (service: string) =>
    (await c.ecs.send(new ListTasksCommand({ cluster: "default", serviceName: service, desiredStatus: "RUNNING" }))).taskArns ?? [];
  const waitRunning = (service: string, count: number, except: readonly string[] = []) =>
    until(
      `${count} RUNNING tasks of ${service}`,
      async () => {
        const arns = (await runningTasks(service)).filter((a) => !except.includes(a));
        if (arns.length !== count) return undefined;
        const tasks = await Promise.all(arns.map((a) => c.describe(a)));
        return tasks.every((t) => t.lastStatus === "RUNNING") ? arns : undefined;
      },
      30_000,
      100,
    );

  before(async () => {
    c = await startCluster();
    agent = await c.startAgent();
    const container = { name: "app", image: "busybox", memory: 16, command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 0.1; done"], stopTimeout: 2 };
    inactive = await c.registerTaskDefinition("kept", [container]);
    active = await c.registerTaskDefinition("kept", [container]);
    await c.ecs.send(new CreateServiceCommand({ cluster: "default", serviceName: "kept", taskDefinition: inactive, desiredCount: 1 }));
    await waitRunning("kept", 1);
    await c.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: inactive }));
  });
  after(async () => {
    await c?.ecs.send(new DeleteServiceCommand({ cluster: "default", service: "kept", force: true })).catch(() => undefined);
    await c?.close();
  });

  it("replaces a stopped task on the INACTIVE revision", async () => {
    const [first] = await runningTasks("kept");
    await c.ecs.send(new StopTaskCommand({ cluster: "default", task: first!, reason: "test" }));
    const [replacement] = await waitRunning("kept", 1, [first!]);
    const task = await c.describe(replacement!);
    assert.equal(task.taskDefinitionArn, inactive);
    const svc = (await c.ecs.send(new DescribeServicesCommand({ cluster: "default", services: ["kept"] }))).services![0]!;
    assert.ok(!svc.events?.some((e) => /inactive/i.test(e.message ?? "")), JSON.stringify(svc.events));
  });

  it("scales up and down on it", async () => {
    await c.ecs.send(new UpdateServiceCommand({ cluster: "default", service: "kept", desiredCount: 2 }));
    const two = await waitRunning("kept", 2);
    for (const arn of two) assert.equal((await c.describe(arn)).taskDefinitionArn, inactive);
    await c.ecs.send(new UpdateServiceCommand({ cluster: "default", service: "kept", desiredCount: 1 }));
    await waitRunning("kept", 1);
  });

  it("refuses new references to it: RunTask, StartTask, CreateService, UpdateService", async () => {
    const calls: [string, () => Promise<unknown>][] = [
      ["RunTask", () => c.ecs.send(new RunTaskCommand({ cluster: "default", taskDefinition: inactive }))],
      ["StartTask", () => c.ecs.send(new StartTaskCommand({ cluster: "default", taskDefinition: inactive, containerInstances: [agent.containerInstanceArn] }))],
      ["CreateService", () => c.ecs.send(new CreateServiceCommand({ cluster: "default", serviceName: "other", taskDefinition: inactive, desiredCount: 1 }))],
      ["UpdateService", () => c.ecs.send(new UpdateServiceCommand({ cluster: "default", service: "kept", taskDefinition: inactive }))],
    ];
    for (const [name, call] of calls) {
      const err = await errorOf(call);
      assert.equal(err.name, "ClientException", name);
      assert.equal(err.message, "TaskDefinition is inactive", name);
    }
    // The ACTIVE revision of the family is still usable.
    const rolled = await c.ecs.send(new UpdateServiceCommand({ cluster: "default", service: "kept", taskDefinition: active }));
    assert.equal(rolled.service?.taskDefinition, active);
  });
});

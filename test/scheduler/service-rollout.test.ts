// The service scheduler end to end: a real control plane, a real agent running real processes,
// the AWS SDK as the client. Rolling update, circuit breaker with rollback, replacement of
// killed tasks, and the SDK's services-stable waiter.
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListServicesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  StopTaskCommand,
  UpdateServiceCommand,
  waitUntilServicesStable,
  type Service,
} from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { startAgent, type Agent } from "../../src/agent/index.js";
import { removeAgentContainers } from "../agent/harness.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const sleeper = (family: string, marker: string) =>
  new RegisterTaskDefinitionCommand({
    family,
    containerDefinitions: [
      { name: "app", image: "busybox", memory: 32, cpu: 64, entryPoint: ["sh", "-c"], command: [`echo ${marker}; exec sleep 600`], stopTimeout: 2 },
    ],
  });

const crasher = (family: string) =>
  new RegisterTaskDefinitionCommand({
    family,
    containerDefinitions: [{ name: "app", image: "busybox", memory: 32, cpu: 64, entryPoint: ["sh", "-c"], command: ["exit 1"] }],
  });

describe("the service scheduler with a real agent", { timeout: 240_000 }, () => {
  let s: TestServer;
  let agent: Agent;
  let stateDir: string;
  const service = async (name: string): Promise<Service> =>
    (await s.ecs.send(new DescribeServicesCommand({ cluster: "default", services: [name] }))).services![0]!;
  async function until(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.fail(`timed out waiting until ${what}`);
  }

  before(async () => {
    s = await startTestServer();
    stateDir = mkdtempSync(join(tmpdir(), "berth-agent-"));
    await s.ecs.send(new CreateClusterCommand({ clusterName: "default" }));
    agent = await startAgent({
      endpoint: s.url,
      cluster: "default",
      runtime: "process",
      stateDir,
      cpu: 4096,
      memory: 4096,
      metadataPort: 0,
      logger: pino({ level: "silent" }),
    });
  });
  after(async () => {
    // No process may outlive the test. Stopping the tasks alone is not enough: the service
    // would replace them. So the services go first (their tasks stop with them), then whatever
    // the runtime still holds is removed, even when a step before failed.
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

  it("starts a 4-task service and reaches a steady state the waiter accepts", async () => {
    await s.ecs.send(sleeper("web", "v1"));
    await s.ecs.send(sleeper("web", "v2"));
    await s.ecs.send(
      new CreateServiceCommand({
        cluster: "default",
        serviceName: "web",
        taskDefinition: "web:1",
        desiredCount: 4,
        deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 200 },
      }),
    );
    const result = await waitUntilServicesStable({ client: s.ecs, maxWaitTime: 120, minDelay: 1, maxDelay: 2 }, { cluster: "default", services: ["web"] });
    assert.equal(result.state, "SUCCESS");
    const svc = await service("web");
    assert.equal(svc.runningCount, 4);
    assert.equal(svc.deployments?.length, 1);
    const messages = svc.events!.map((e) => e.message!);
    assert.ok(messages.some((m) => /^\(service web\) has started \d+ tasks: (\(task [0-9a-f]{32}\) ?)+\.$/.test(m)), messages.join("\n"));
    await until("the steady-state event", async () => (await service("web")).events!.some((e) => e.message === "(service web) has reached a steady state."));
  });

  it("rolls to a new revision: PRIMARY and ACTIVE side by side, then one COMPLETED deployment", async () => {
    const before = await service("web");
    const oldDeployment = before.deployments![0]!.id!;
    await s.ecs.send(new UpdateServiceCommand({ cluster: "default", service: "web", taskDefinition: "web:2" }));
    const during = await service("web");
    assert.deepEqual(during.deployments!.map((d) => d.status), ["PRIMARY", "ACTIVE"]);
    await waitUntilServicesStable({ client: s.ecs, maxWaitTime: 120, minDelay: 1, maxDelay: 2 }, { cluster: "default", services: ["web"] });
    const done = await service("web");
    assert.equal(done.deployments!.length, 1);
    const primary = done.deployments![0]!;
    assert.match(primary.taskDefinition!, /web:2$/);
    await until("the rollout completes", async () => (await service("web")).deployments![0]!.rolloutState === "COMPLETED");
    const messages = (await service("web")).events!.map((e) => e.message!);
    assert.ok(messages.some((m) => m === `(service web) (deployment ${primary.id}) deployment completed.`), messages.join("\n"));
    assert.ok(messages.some((m) => m.startsWith("(service web) has stopped")), "old tasks were stopped");
    // Old tasks carry ECS's scheduler stop reason.
    const stopped = await s.ecs.send(new ListTasksCommand({ cluster: "default", desiredStatus: "STOPPED" }));
    const described = await s.ecs.send(new DescribeTasksCommand({ cluster: "default", tasks: stopped.taskArns!.slice(0, 4) }));
    for (const t of described.tasks!) {
      assert.equal(t.stopCode, "ServiceSchedulerInitiated");
      assert.equal(t.stoppedReason, `Scaling activity initiated by (deployment ${primary.id})`);
      assert.equal(t.startedBy, oldDeployment);
    }
  });

  it("replaces a task that is stopped behind its back", async () => {
    const { taskArns } = await s.ecs.send(new ListTasksCommand({ cluster: "default", serviceName: "web" }));
    await s.ecs.send(new StopTaskCommand({ cluster: "default", task: taskArns![0]!, reason: "chaos" }));
    await until("a replacement runs", async () => {
      const running = await s.ecs.send(new ListTasksCommand({ cluster: "default", serviceName: "web" }));
      return (running.taskArns ?? []).length === 4 && !running.taskArns!.includes(taskArns![0]!) && (await service("web")).runningCount === 4;
    });
  });

  it("trips the circuit breaker on a crashing revision and rolls back", async () => {
    await s.ecs.send(crasher("web"));
    await s.ecs.send(
      new UpdateServiceCommand({
        cluster: "default",
        service: "web",
        taskDefinition: "web:3",
        deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 200, deploymentCircuitBreaker: { enable: true, rollback: true } },
      }),
    );
    await until(
      "the rollback deployment completes",
      async () => {
        const svc = await service("web");
        return svc.deployments!.length === 1 && /web:2$/.test(svc.deployments![0]!.taskDefinition!) && svc.deployments![0]!.rolloutState === "COMPLETED";
      },
      180_000,
    );
    const messages = (await service("web")).events!.map((e) => e.message!);
    assert.ok(messages.some((m) => /\(deployment ecs-svc\/\d+\) deployment failed: tasks failed to start\.$/.test(m)), messages.join("\n"));
    assert.ok(messages.some((m) => /^\(service web\) rolling back to deployment ecs-svc\/\d+\.$/.test(m)), messages.join("\n"));
    assert.equal((await service("web")).runningCount, 4);
  });
});

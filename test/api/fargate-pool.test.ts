// berth's own agents as capacity, end to end: a real agent (simulated runtime) in the Fargate
// pool runs a FARGATE task to RUNNING and HEALTHY and back to STOPPED while the task never shows
// an instance; a real agent that registers with an Auto Scaling group provider gets its share.
import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  PutClusterCapacityProvidersCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type Task,
} from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { startAgent, type Agent } from "../../src/agent/index.js";
import { defaultNetwork } from "../helpers/network.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

async function waitTask(s: TestServer, cluster: string, arn: string, what: string, ok: (t: Task) => boolean): Promise<Task> {
  for (let i = 0; i < 500; i++) {
    const t = (await s.ecs.send(new DescribeTasksCommand({ cluster, tasks: [arn] }))).tasks?.[0];
    if (t && ok(t)) return t;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`timed out waiting until the task is ${what}`);
}

describe("real agents as the Fargate pool and as an Auto Scaling group provider's instances", () => {
  let s: TestServer;
  let dir: string;
  const agents: Agent[] = [];
  const agent = async (cluster: string, attributes: { name: string; value?: string }[] = []) => {
    const a = await startAgent({
      endpoint: s.url,
      cluster,
      runtime: "simulated",
      stateDir: join(dir, `agent-${agents.length}`),
      metadataPort: 0,
      attributes,
      cpu: 2048,
      memory: 4096,
      logger: pino({ level: "silent" }),
    });
    agents.push(a);
    return a;
  };

  before(async () => {
    s = await startTestServer();
    dir = mkdtempSync(join(tmpdir(), "berth-fargate-"));
    await s.ecs.send(new CreateClusterCommand({ clusterName: "app" }));
    await s.ecs.send(
      new CreateCapacityProviderCommand({
        name: "asg-x",
        autoScalingGroupProvider: { autoScalingGroupArn: "arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:1:autoScalingGroupName/x" },
      }),
    );
    await s.ecs.send(
      new PutClusterCapacityProvidersCommand({ cluster: "app", capacityProviders: ["FARGATE", "asg-x"], defaultCapacityProviderStrategy: [] }),
    );
    await s.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: "fg",
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        cpu: "512",
        memory: "1024",
        containerDefinitions: [
          {
            name: "app",
            image: "busybox",
            portMappings: [{ containerPort: 8080, hostPort: 8080 }],
            healthCheck: { command: ["CMD-SHELL", "true"], interval: 5 },
            dockerLabels: { "berth.simulate.healthy-after-ms": "10" },
          },
        ],
      }),
    );
  });
  after(async () => {
    for (const a of agents) await a.stop();
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs a FARGATE task on a pool agent to RUNNING and HEALTHY, never showing the instance", async () => {
    const pool = await agent("berth.fargate");
    assert.match(pool.containerInstanceArn, /:container-instance\/berth\.fargate\//);
    const run = await s.ecs.send(
      new RunTaskCommand({ cluster: "app", taskDefinition: "fg", launchType: "FARGATE", networkConfiguration: await defaultNetwork(s.cp) }),
    );
    assert.deepEqual(run.failures, []);
    const arn = run.tasks![0]!.taskArn!;
    const running = await waitTask(s, "app", arn, "RUNNING and HEALTHY", (t) => t.lastStatus === "RUNNING" && t.healthStatus === "HEALTHY");
    assert.equal(running.containerInstanceArn, undefined);
    assert.equal(running.launchType, "FARGATE");
    assert.equal(running.platformVersion, "1.4.0");
    assert.equal(pool.engine.tasks.size, 1, "the pool agent runs it");
    await s.ecs.send(new StopTaskCommand({ cluster: "app", task: arn }));
    const stopped = await waitTask(s, "app", arn, "STOPPED", (t) => t.lastStatus === "STOPPED");
    assert.equal(stopped.stopCode, "UserInitiated");
    const ci = (await s.ecs.send(new DescribeContainerInstancesCommand({ cluster: "berth.fargate", containerInstances: [pool.containerInstanceArn] })))
      .containerInstances![0]!;
    assert.equal(ci.remainingResources!.find((r) => r.name === "CPU")!.integerValue, 2048, "the pool instance has its cpu back");
  });

  it("gives an Auto Scaling group provider's share to the agent that registered with it", async () => {
    await agent("app");
    const member = await agent("app", [{ name: "berth.capacity-provider", value: "asg-x" }]);
    await s.ecs.send(
      new RegisterTaskDefinitionCommand({ family: "plain", containerDefinitions: [{ name: "c", image: "busybox", cpu: 128, memory: 64 }] }),
    );
    const run = await s.ecs.send(
      new RunTaskCommand({ cluster: "app", taskDefinition: "plain", count: 3, capacityProviderStrategy: [{ capacityProvider: "asg-x", weight: 1 }] }),
    );
    assert.equal(run.tasks?.length, 3);
    for (const t of run.tasks!) {
      assert.equal(t.containerInstanceArn, member.containerInstanceArn);
      assert.equal(t.capacityProviderName, "asg-x");
      await waitTask(s, "app", t.taskArn!, "RUNNING", (x) => x.lastStatus === "RUNNING");
    }
  });
});

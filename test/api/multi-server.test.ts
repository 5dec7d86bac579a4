// Two control-plane servers on one store (the shared-store contract that etcd serves across
// hosts; here one SQLite store shared in process): each reconciles its share of the services,
// one leads, an agent given both addresses fails over when its server goes, and the work moves
// with nothing started twice.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import pino from "pino";
import { startAgent, type Agent } from "../../src/agent/index.js";
import { BERTH_TARGET_PREFIX } from "../../src/api/berth/model.js";
import { startControlPlane, type ControlPlane } from "../../src/api/index.js";
import { jsonCall } from "../../src/client/index.js";
import { openSqliteStore, type Store } from "../../src/store/index.js";
import { removeAgentContainers, until } from "../agent/harness.js";

const logger = pino({ level: "silent" });

describe("two servers on one store", () => {
  const dir = mkdtempSync(join(tmpdir(), "berth-multi-"));
  const sqlite = openSqliteStore({ path: join(dir, "berth.db") });
  // Each server closes "its" store on close; the shared one stays open for the other.
  const shared: Store = { ...sqlite, get: sqlite.get.bind(sqlite), range: sqlite.range.bind(sqlite), txn: sqlite.txn.bind(sqlite), watch: sqlite.watch.bind(sqlite), revision: sqlite.revision.bind(sqlite), compact: sqlite.compact.bind(sqlite), close: async () => {} };
  let a: ControlPlane;
  let b: ControlPlane;
  let agent: Agent;
  const client = (cp: ControlPlane) => new ECSClient({ endpoint: cp.url, region: "us-east-1", credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" }, maxAttempts: 1 });
  const start = (serverId: string) =>
    startControlPlane({
      dataDir: join(dir, serverId),
      port: 0,
      logger,
      store: shared,
      heartbeatMs: 300,
      coordination: { serverId, shardCount: 8, ttlMs: 1_500, tickMs: 200 },
    });
  const owned = (cp: ControlPlane) => Array.from({ length: 8 }, (_, n) => n).filter((n) => cp.coordinator!.owns(n));
  const tasksEver = async (ecs: ECSClient, serviceName: string) => {
    const running = await ecs.send(new ListTasksCommand({ cluster: "default", serviceName, desiredStatus: "RUNNING" }));
    const stopped = await ecs.send(new ListTasksCommand({ cluster: "default", serviceName, desiredStatus: "STOPPED" }));
    return { running: running.taskArns ?? [], stopped: stopped.taskArns ?? [] };
  };
  const runningCount = async (ecs: ECSClient, service: string) =>
    (await ecs.send(new DescribeServicesCommand({ cluster: "default", services: [service] }))).services?.[0]?.runningCount ?? 0;

  before(async () => {
    a = await start("server-a");
    b = await start("server-b");
    await until("an even split of the shards", () => owned(a).length === 4 && owned(b).length === 4, 15_000);
  });
  after(async () => {
    if (agent) {
      await removeAgentContainers(agent);
      await agent.stop();
    }
    await a?.close();
    await b?.close();
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("each server owns half the shards and exactly one leads, as /metrics shows", async () => {
    assert.deepEqual([...owned(a), ...owned(b)].sort(), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.equal([a, b].filter((cp) => cp.coordinator!.isLeader()).length, 1);
    const text = await (await fetch(`${b.url}/metrics`)).text();
    assert.match(text, /^berth_coordination_shards\{server="server-a"\} 4$/m);
    assert.match(text, /^berth_coordination_shards\{server="server-b"\} 4$/m);
    assert.match(text, new RegExp(`^berth_coordination_leader\\{server="server-b"\\} ${b.coordinator!.isLeader() ? 1 : 0}$`, "m"));
    assert.match(text, /^berth_coordination_members_alive 2$/m);
  });

  it("services spread over both servers' shards converge with no task started twice; the agent fails over when its server closes", async () => {
    const ecsA = client(a);
    const ecsB = client(b);
    await ecsA.send(new CreateClusterCommand({ clusterName: "default" }));
    agent = await startAgent({ endpoint: [a.url, b.url], runtime: "process", stateDir: join(dir, "agent"), metadataPort: 0, logger, heartbeatTimeoutMs: 900 });
    await ecsB.send(
      new RegisterTaskDefinitionCommand({
        family: "sleeper",
        containerDefinitions: [{ name: "app", image: "busybox", essential: true, memory: 16, cpu: 8, command: ["sh", "-c", "echo up; exec sleep 600"] }],
      }),
    );
    const names = Array.from({ length: 6 }, (_, i) => `svc-${i}`);
    // Written through either server: each service's reconciler runs on its shard's owner.
    for (const [i, name] of names.entries()) {
      await (i % 2 ? ecsA : ecsB).send(new CreateServiceCommand({ cluster: "default", serviceName: name, taskDefinition: "sleeper", desiredCount: 2 }));
    }
    for (const name of names) await until(`${name} running 2`, async () => (await runningCount(ecsA, name)) === 2, 30_000, 100);
    const before = new Map<string, string[]>();
    for (const name of names) {
      const t = await tasksEver(ecsA, name);
      assert.equal(t.running.length, 2, `${name}: two tasks`);
      assert.equal(t.stopped.length, 0, `${name}: none started twice and stopped`);
      before.set(name, t.running);
    }

    // The agent holds its channel to a; its tasks' logs read through b come through the store.
    const [oneTask] = before.get(names[0]!)!;
    const logsVia = async (cp: ControlPlane) =>
      (
        await jsonCall<{ events?: { message: string }[] }>(
          { endpoint: cp.url, region: "us-east-1", credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" }, service: "berth" },
          BERTH_TARGET_PREFIX,
          "GetTaskLogs",
          { cluster: "default", task: oneTask },
        )
      ).events?.map((e) => e.message) ?? [];
    assert.deepEqual(await until("the task's line, read through b", async () => ((await logsVia(b)).length ? logsVia(b) : undefined), 10_000, 100), ["up"]);

    // Server a goes; b takes every shard and the leader role; the agent moves to b.
    const instanceArn = agent.containerInstanceArn;
    await a.close();
    await until("b owns everything and leads", () => owned(b).length === 8 && b.coordinator!.isLeader(), 10_000);
    await until(
      "the agent connected to b",
      async () => (await ecsB.send(new DescribeContainerInstancesCommand({ cluster: "default", containerInstances: [instanceArn] }))).containerInstances?.[0]?.agentConnected === true,
      15_000,
      100,
    );
    for (const name of names) await ecsB.send(new UpdateServiceCommand({ cluster: "default", service: name, desiredCount: 3 }));
    for (const name of names) await until(`${name} running 3`, async () => (await runningCount(ecsB, name)) === 3, 30_000, 100);
    for (const name of names) {
      const t = await tasksEver(ecsB, name);
      assert.equal(t.running.length, 3, `${name}: three tasks`);
      assert.equal(t.stopped.length, 0, `${name}: nothing stopped or started twice across the failover`);
      for (const arn of before.get(name)!) assert.ok(t.running.includes(arn), `${name}: ${arn} kept running`);
    }
    ecsA.destroy();
    ecsB.destroy();
  });
});

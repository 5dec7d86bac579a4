import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SIMULATE } from "../runtime/index.js";
import { startMetadataServer } from "./metadata-server.js";
import { aContainerDef, anAssignedTask, engineHarness } from "./test-builders.js";

describe("metadata server", () => {
  it("serves ECS's v4 container, task and stats JSON per container token", async () => {
    const h = await engineHarness();
    const clock = 1_000_000;
    const server = await startMetadataServer({
      now: () => clock,
      hosts: ["127.0.0.1"],
      port: 0,
      driver: h.driver,
      context: { availabilityZone: "us-east-1a" },
      lookup: {
        find: (token) => {
          for (const t of h.engine.tasks.values()) {
            const container = t.record.containers.find((c) => c.metadataToken === token);
            if (container) return { rec: t.record, container };
          }
          return undefined;
        },
      },
    });
    try {
      const task = anAssignedTask(
        [
          aContainerDef("web", { cpu: 256, memory: 128, portMappings: [{ containerPort: 80 }], dockerLabels: { [SIMULATE.memoryMiB]: "42" } }),
          aContainerDef("side", { essential: false, healthCheck: { command: ["CMD", "true"], interval: 5 } }),
        ],
        { cpu: "512", memory: "1024" },
      );
      await h.engine.handleManifest([task], false);
      await h.waitFor("RUNNING", () => h.engine.tasks.get(task.taskArn)?.record.known === "RUNNING");
      const rec = h.engine.tasks.get(task.taskArn)!.record;
      const web = rec.containers[0]!;
      const get = async (path: string) => {
        const res = await fetch(`${server.baseUrl}/v4/${web.metadataToken}${path}`);
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };

      const container = await get("");
      assert.equal(container.status, 200);
      assert.equal(container.body.DockerId, web.runtimeId);
      assert.equal(container.body.Name, "web");
      assert.equal(container.body.KnownStatus, "RUNNING");
      assert.equal(container.body.DesiredStatus, "RUNNING");
      assert.deepEqual(container.body.Limits, { CPU: 256, Memory: 128 });
      assert.equal(container.body.ContainerARN, web.containerArn);
      assert.equal(container.body.Type, "NORMAL");
      assert.equal((container.body.Labels as Record<string, string>)["com.amazonaws.ecs.task-arn"], task.taskArn);
      assert.deepEqual(container.body.Ports, [{ ContainerPort: 80, Protocol: "tcp", HostPort: (container.body.Ports as { HostPort: number }[])[0]!.HostPort, HostIp: "0.0.0.0" }]);
      assert.ok(!Number.isNaN(Date.parse(container.body.StartedAt as string)));

      const taskJson = await get("/task");
      assert.equal(taskJson.body.TaskARN, task.taskArn);
      assert.equal(taskJson.body.Cluster, task.clusterArn);
      assert.equal(taskJson.body.Family, "web");
      assert.equal(taskJson.body.Revision, "1");
      assert.deepEqual(taskJson.body.Limits, { CPU: 0.5, Memory: 1024 });
      assert.equal(taskJson.body.AvailabilityZone, "us-east-1a");
      assert.equal(taskJson.body.LaunchType, "EC2");
      assert.equal((taskJson.body.Containers as unknown[]).length, 2);
      const side = (taskJson.body.Containers as Record<string, unknown>[])[1]!;
      assert.deepEqual(Object.keys(side.Health as object), ["status"]);

      const stats = await get("/stats");
      assert.equal((stats.body.memory_stats as { usage: number }).usage, 42 * 1024 * 1024);
      const taskStats = await get("/task/stats");
      assert.deepEqual(Object.keys(taskStats.body).sort(), rec.containers.map((c) => c.runtimeId).sort());

      assert.equal((await fetch(`${server.baseUrl}/v4/unknown`)).status, 404);
      assert.equal((await get("/nope")).status, 404);
      // ECS's limit: 40 a second with bursts of 60 per task; the clock stands still here, so
      // the bucket (60, minus the 5 requests above) refills nothing.
      const statuses = await Promise.all(Array.from({ length: 60 }, () => fetch(`${server.baseUrl}/v4/${web.metadataToken}`).then((r) => r.status)));
      assert.equal(statuses.filter((x) => x === 200).length, 55);
      assert.equal(statuses.filter((x) => x === 429).length, 5);
    } finally {
      await server.close();
      await h.close();
    }
  });
});

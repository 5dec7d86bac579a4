// Stopped tasks stay describable for an hour, then DescribeTasks reports them MISSING.
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  SubmitTaskStateChangeCommand,
} from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import pino from "pino";
import { startControlPlane } from "../../src/api/index.js";
import { agentSessions, taskRetention } from "../../src/domain/index.js";
import { ManualClock } from "../../src/model/index.js";
import { ecsClient } from "../helpers/server.js";

describe("stopped task retention", () => {
  it("keeps a STOPPED task for an hour, then forgets it", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "berth-retention-"));
    const clock = new ManualClock(Date.UTC(2026, 10, 28));
    const cp = await startControlPlane({ dataDir, port: 0, clock, scheduler: false, logger: pino({ level: "silent" }) });
    const ecs = ecsClient(cp.url);
    try {
      await ecs.send(new CreateClusterCommand({}));
      const reg = await ecs.send(
        new RegisterContainerInstanceCommand({ totalResources: [{ name: "CPU", type: "INTEGER", integerValue: 1024 }, { name: "MEMORY", type: "INTEGER", integerValue: 1024 }] }),
      );
      // Placement wants a connected agent; this test is about retention, so mark it connected.
      const arn = reg.containerInstance!.containerInstanceArn!;
      await agentSessions.setAgentConnected(cp.deps, agentSessions.instanceRefOf(cp.deps, arn)!, true);
      await ecs.send(new RegisterTaskDefinitionCommand({ family: "t", containerDefinitions: [{ name: "c", image: "i", memory: 64 }] }));
      const task = (await ecs.send(new RunTaskCommand({ taskDefinition: "t" }))).tasks![0]!.taskArn!;
      await ecs.send(new SubmitTaskStateChangeCommand({ task, status: "STOPPED", reason: "Task failed to start" }));

      clock.advance(59 * 60_000);
      assert.equal(await taskRetention.sweepStoppedTasks(cp.deps), 0);
      assert.equal((await ecs.send(new DescribeTasksCommand({ tasks: [task] }))).tasks?.length, 1);

      clock.advance(2 * 60_000);
      assert.equal(await taskRetention.sweepStoppedTasks(cp.deps), 1);
      const after = await ecs.send(new DescribeTasksCommand({ tasks: [task] }));
      assert.deepEqual(after.tasks, []);
      assert.deepEqual(after.failures, [{ arn: task, reason: "MISSING" }]);
    } finally {
      ecs.destroy();
      await cp.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

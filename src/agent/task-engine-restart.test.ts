// ECS's container restartPolicy in the task engine, on the simulated runtime with a clock the
// test moves forward (SkippingTimers): containers are made to exit on cue (host.exit), so each
// case states how long the container "ran" instead of waiting for it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type SimulatedContainer, SkippingTimers } from "../runtime/index.js";
import type { TaskReport } from "./report-plan.js";
import { aContainerDef, anAssignedTask, type EngineHarness, engineHarness } from "./test-builders.js";

const MINUTE = 60_000;

function hostContainer(h: EngineHarness, taskArn: string, name = "app"): SimulatedContainer {
  const id = h.engine.tasks.get(taskArn)!.record.containers.find((c) => c.name === name)!.runtimeId!;
  return h.host.containers.get(id)!;
}

const containerReports = (h: EngineHarness, taskArn: string) =>
  h.reports.filter((r) => r.taskArn === taskArn && r.report.kind === "container").map((r) => r.report);

async function runningTask(h: EngineHarness, restartPolicy: Record<string, unknown>, over: Record<string, unknown> = {}) {
  const task = anAssignedTask([aContainerDef("app", { restartPolicy, ...over })]);
  await h.engine.handleManifest([task], false);
  await h.waitFor("RUNNING", () => h.taskStatuses(task.taskArn).includes("RUNNING"));
  return task;
}

async function withEngine(fn: (h: EngineHarness, timers: SkippingTimers) => Promise<void>): Promise<void> {
  const timers = new SkippingTimers();
  const h = await engineHarness({ timers });
  try {
    await fn(h, timers);
  } finally {
    await h.close();
  }
}

describe("TaskEngine: container restartPolicy", () => {
  it("restarts an exited container in place once it ran restartAttemptPeriod, then lets an early exit stop the task", async () =>
    withEngine(async (h, timers) => {
      const task = await runningTask(h, { enabled: true, restartAttemptPeriod: 60 });
      const firstId = h.engine.tasks.get(task.taskArn)!.record.containers[0]!.runtimeId;
      timers.skip(MINUTE + 1000);
      h.host.exit(hostContainer(h, task.taskArn), { exitCode: 1 });
      const rec = h.engine.tasks.get(task.taskArn)!.record;
      await h.waitFor("the restart", () => rec.containers[0]!.restartCount === 1 && !hostContainer(h, task.taskArn).exit);
      await h.engine.settled();
      assert.equal(rec.known, "RUNNING");
      assert.equal(rec.containers[0]!.known, "RUNNING");
      assert.equal(rec.containers[0]!.runtimeId, firstId, "the same container, not a new one");
      assert.equal(rec.containers[0]!.exitCode, undefined);
      assert.deepEqual(containerReports(h, task.taskArn), [], "the control plane hears of no exit");
      assert.deepEqual(h.taskStatuses(task.taskArn).filter((s) => s !== "PENDING"), ["RUNNING"]);

      // Seconds after the restart: less than the period, so this exit stands.
      timers.skip(5000);
      h.host.exit(hostContainer(h, task.taskArn), { exitCode: 2 });
      await h.waitFor("STOPPED", () => h.taskStatuses(task.taskArn).includes("STOPPED"));
      const stopped = [...h.reports].reverse().find((r) => r.taskArn === task.taskArn && r.report.kind === "task")!.report as TaskReport;
      assert.equal(stopped.reason, "Essential container in task exited");
      assert.deepEqual(stopped.containers.map((c) => [c.containerName, c.status, c.exitCode]), [["app", "STOPPED", 2]]);
      assert.equal(rec.containers[0]!.restartCount, 1);
    }));

  it("does not restart a container that exits before the period, nor one whose exit code is ignored", async () =>
    withEngine(async (h, timers) => {
      const early = await runningTask(h, { enabled: true, restartAttemptPeriod: 60 });
      const ignored = await runningTask(h, { enabled: true, restartAttemptPeriod: 60, ignoredExitCodes: [0] });
      const records = [early, ignored].map((t) => h.engine.tasks.get(t.taskArn)!.record);
      h.host.exit(hostContainer(h, early.taskArn), { exitCode: 1 });
      timers.skip(10 * MINUTE);
      h.host.exit(hostContainer(h, ignored.taskArn), { exitCode: 0 });
      await h.waitFor("both STOPPED", () => h.taskStatuses(early.taskArn).includes("STOPPED") && h.taskStatuses(ignored.taskArn).includes("STOPPED"));
      for (const rec of records) assert.deepEqual([rec.containers[0]!.known, rec.containers[0]!.restartCount], ["STOPPED", undefined]);
    }));

  it("never restarts a container the task's stop stopped", async () =>
    withEngine(async (h, timers) => {
      const task = await runningTask(h, { enabled: true, restartAttemptPeriod: 60 });
      timers.skip(10 * MINUTE);
      await h.engine.handleManifest([{ ...task, desiredStatus: "STOPPED", stoppedReason: "Task stopped by user", version: 2 }], false);
      await h.waitFor("STOPPED", () => h.taskStatuses(task.taskArn).includes("STOPPED"));
      const rec = h.engine.tasks.get(task.taskArn)!.record;
      assert.deepEqual([rec.containers[0]!.known, rec.containers[0]!.exitCode, rec.containers[0]!.restartCount], ["STOPPED", 143, undefined]);
    }));

  it("judges an exit that happened while the agent was down when it restores the task", async () => {
    const timers = new SkippingTimers();
    const h = await engineHarness({ timers });
    let h2: EngineHarness | undefined;
    try {
      const task = await runningTask(h, { enabled: true, restartAttemptPeriod: 60 });
      await h.engine.settled();
      h.engine.close();
      timers.skip(2 * MINUTE);
      const c = hostContainer(h, task.taskArn);
      h.host.exit(c, { exitCode: 1 });
      h2 = await h.restart();
      const rec = h2.engine.tasks.get(task.taskArn)!.record;
      await h2.waitFor("the restart", () => rec.containers[0]!.restartCount === 1 && c.startedAt !== undefined && !c.exit);
      await h2.engine.settled();
      assert.equal(rec.containers[0]!.known, "RUNNING");
      assert.equal(rec.known, "RUNNING");
      assert.ok(!h2.taskStatuses(task.taskArn).includes("STOPPED"));
    } finally {
      await (h2 ?? h).close();
    }
  });
});

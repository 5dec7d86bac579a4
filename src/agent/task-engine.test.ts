// The task engine on the simulated runtime, its reports recorded: lifecycle, stop paths,
// failures, dependsOn, health, restart and manifests, without a control plane.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SIMULATE } from "../runtime/index.js";
import type { TaskReport } from "./report-plan.js";
import { aContainerDef, anAssignedTask, engineHarness } from "./test-builders.js";

const labels = (l: Record<string, string>) => ({ dockerLabels: l });

function lastTaskReport(h: { reports: { taskArn: string; report: { kind: string } }[] }, arn: string): TaskReport | undefined {
  return [...h.reports].reverse().find((r) => r.taskArn === arn && r.report.kind === "task")?.report as TaskReport | undefined;
}

describe("TaskEngine", () => {
  it("runs a task to RUNNING, then STOPPED when its essential container exits", async () => {
    const h = await engineHarness();
    try {
      const task = anAssignedTask([aContainerDef("app", labels({ [SIMULATE.exitAfterMs]: "50", [SIMULATE.exitCode]: "3" }))]);
      await h.engine.handleManifest([task], true);
      await h.waitFor("STOPPED report", () => h.taskStatuses(task.taskArn).includes("STOPPED"));
      const statuses = h.taskStatuses(task.taskArn);
      assert.deepEqual(statuses.filter((s) => s !== "PENDING"), ["RUNNING", "STOPPED"]);
      const running = h.reports.find((r) => r.taskArn === task.taskArn && (r.report as TaskReport).status === "RUNNING")!.report as TaskReport;
      assert.ok(running.pullStartedAt! <= running.pullStoppedAt!);
      assert.equal(running.containers[0]!.status, "RUNNING");
      assert.match(running.containers[0]!.runtimeId!, /^[0-9a-f]{64}$/);
      const stopped = lastTaskReport(h, task.taskArn)!;
      assert.equal(stopped.reason, "Essential container in task exited");
      assert.deepEqual(
        stopped.containers.map((c) => [c.containerName, c.status, c.exitCode]),
        [["app", "STOPPED", 3]],
      );
      assert.ok(stopped.executionStoppedAt! >= running.pullStoppedAt!);
    } finally {
      await h.close();
    }
  });

  it("stops the other containers when an essential one exits, SIGTERM first", async () => {
    const h = await engineHarness();
    try {
      const task = anAssignedTask([
        aContainerDef("app", labels({ [SIMULATE.exitAfterMs]: "40", [SIMULATE.exitCode]: "1" })),
        aContainerDef("sidecar", { essential: false }),
      ]);
      await h.engine.handleManifest([task], false);
      await h.waitFor("STOPPED", () => h.taskStatuses(task.taskArn).includes("STOPPED"));
      const rec = h.engine.tasks.get(task.taskArn)!.record;
      assert.deepEqual(
        rec.containers.map((c) => [c.name, c.exitCode]),
        [["app", 1], ["sidecar", 143]],
      );
      assert.equal(rec.stopReason, "Essential container in task exited");
    } finally {
      await h.close();
    }
  });

  it("a non-essential exit is reported on its own and the task keeps running", async () => {
    const h = await engineHarness();
    try {
      const task = anAssignedTask([aContainerDef("app"), aContainerDef("job", { essential: false, ...labels({ [SIMULATE.exitAfterMs]: "30" }) })]);
      await h.engine.handleManifest([task], false);
      await h.waitFor("container report", () =>
        h.reports.find((r) => r.report.kind === "container" && r.report.container.containerName === "job" && r.report.container.status === "STOPPED"),
      );
      assert.equal(h.engine.tasks.get(task.taskArn)!.record.known, "RUNNING");
      assert.ok(!h.taskStatuses(task.taskArn).includes("STOPPED"));
    } finally {
      await h.close();
    }
  });

  it("stops on the control plane's word with the stop timeout: SIGKILL when SIGTERM is ignored", async () => {
    const h = await engineHarness();
    try {
      const task = anAssignedTask([aContainerDef("app", { stopTimeout: 1, ...labels({ [SIMULATE.ignoreSigterm]: "true" }) })]);
      await h.engine.handleManifest([task], false);
      await h.waitFor("RUNNING", () => h.taskStatuses(task.taskArn).includes("RUNNING"));
      const t0 = Date.now();
      await h.engine.handleManifest([{ ...task, desiredStatus: "STOPPED", stoppedReason: "Task stopped by user", version: 2 }], false);
      await h.waitFor("STOPPED", () => h.taskStatuses(task.taskArn).includes("STOPPED"), 5000);
      const elapsed = Date.now() - t0;
      assert.ok(elapsed >= 900, `SIGKILL came after ${elapsed} ms, before the 1 s stopTimeout`);
      const stopped = lastTaskReport(h, task.taskArn)!;
      assert.equal(stopped.reason, "Task stopped by user");
      assert.equal(stopped.containers[0]!.exitCode, 137);
    } finally {
      await h.close();
    }
  });

  it("a failed pull stops the task with CannotPullContainerError and no exit code", async () => {
    const h = await engineHarness();
    try {
      const task = anAssignedTask([aContainerDef("app", labels({ [SIMULATE.failPull]: "pull access denied for nope" }))]);
      await h.engine.handleManifest([task], false);
      await h.waitFor("STOPPED", () => h.taskStatuses(task.taskArn).includes("STOPPED"));
      assert.deepEqual(h.taskStatuses(task.taskArn), ["STOPPED"]);
      const stopped = lastTaskReport(h, task.taskArn)!;
      assert.equal(stopped.reason, "CannotPullContainerError: pull access denied for nope");
      assert.equal(stopped.containers[0]!.reason, "CannotPullContainerError: pull access denied for nope");
      assert.equal(stopped.containers[0]!.exitCode, undefined);
    } finally {
      await h.close();
    }
  });

  it("starts containers in dependsOn order and fails the task when SUCCESS is not met", async () => {
    const h = await engineHarness();
    try {
      const ok = anAssignedTask([
        aContainerDef("app", { dependsOn: [{ containerName: "init", condition: "SUCCESS" }] }),
        aContainerDef("init", { essential: false, ...labels({ [SIMULATE.exitAfterMs]: "40", [SIMULATE.exitCode]: "0" }) }),
      ]);
      const bad = anAssignedTask([
        aContainerDef("app", { dependsOn: [{ containerName: "init", condition: "SUCCESS" }] }),
        aContainerDef("init", { essential: false, ...labels({ [SIMULATE.exitAfterMs]: "20", [SIMULATE.exitCode]: "4" }) }),
      ]);
      await h.engine.handleManifest([ok, bad], false);
      await h.waitFor("ok RUNNING", () => h.taskStatuses(ok.taskArn).includes("RUNNING"));
      const okRec = h.engine.tasks.get(ok.taskArn)!.record;
      const init = okRec.containers.find((c) => c.name === "init")!;
      const app = okRec.containers.find((c) => c.name === "app")!;
      assert.ok(app.startedAt! >= init.finishedAt!, "app started before init completed");
      await h.waitFor("bad STOPPED", () => h.taskStatuses(bad.taskArn).includes("STOPPED"));
      const stopped = lastTaskReport(h, bad.taskArn)!;
      assert.match(stopped.reason!, /^TaskDependencyError: container app depends on init \(SUCCESS\), which did not exit successfully \(exit code 4\)/);
    } finally {
      await h.close();
    }
  });

  it("sends container health when it changes", async () => {
    const h = await engineHarness();
    try {
      const task = anAssignedTask([
        aContainerDef("app", {
          healthCheck: { command: ["CMD-SHELL", "exit 1"], interval: 5, retries: 1 },
          ...labels({ [SIMULATE.unhealthyAfterMs]: "30" }),
        }),
      ]);
      await h.engine.handleManifest([task], false);
      const report = await h.waitFor("UNHEALTHY", () => h.health.flat().find((r) => r.containers[0]?.healthStatus === "UNHEALTHY"));
      assert.deepEqual(report, { taskArn: task.taskArn, containers: [{ containerName: "app", healthStatus: "UNHEALTHY" }] });
    } finally {
      await h.close();
    }
  });

  it("retries reports until acknowledged, in order", async () => {
    const h = await engineHarness();
    try {
      h.failNext(2);
      const task = anAssignedTask([aContainerDef("app", labels({ [SIMULATE.exitAfterMs]: "20" }))]);
      await h.engine.handleManifest([task], false);
      await h.waitFor("STOPPED", () => h.taskStatuses(task.taskArn).includes("STOPPED"), 8000);
      assert.deepEqual(h.taskStatuses(task.taskArn), ["RUNNING", "STOPPED"]);
    } finally {
      await h.close();
    }
  });

  it("re-attaches after a restart: no duplicate container, exits seen while down are reported", async () => {
    let h = await engineHarness();
    try {
      const long = anAssignedTask([aContainerDef("app")]);
      const short = anAssignedTask([aContainerDef("app", labels({ [SIMULATE.exitAfterMs]: "150", [SIMULATE.exitCode]: "7" }))]);
      await h.engine.handleManifest([long, short], true);
      await h.waitFor("both RUNNING", () => h.taskStatuses(long.taskArn).includes("RUNNING") && h.taskStatuses(short.taskArn).includes("RUNNING"));
      await h.engine.settled();
      const before = [...h.host.containers.keys()].sort();
      // The agent goes away; the short task's container exits meanwhile.
      h.engine.close();
      await new Promise((r) => setTimeout(r, 250));
      h = await h.restart();
      await h.engine.handleManifest([long, short], true);
      await h.waitFor("short STOPPED", () => h.taskStatuses(short.taskArn).includes("STOPPED"));
      assert.deepEqual([...h.host.containers.keys()].sort(), before, "a container was created again");
      assert.equal(h.engine.tasks.get(long.taskArn)!.record.known, "RUNNING");
      assert.equal(lastTaskReport(h, short.taskArn)!.containers[0]!.exitCode, 7);
      assert.ok(!h.taskStatuses(long.taskArn).includes("RUNNING"), "RUNNING was reported again after the restart");
    } finally {
      await h.close();
    }
  });

  it("removes containers of this agent that no task claims", async () => {
    const h = await engineHarness();
    try {
      const task = anAssignedTask([aContainerDef("app")]);
      await h.engine.handleManifest([task], false);
      await h.waitFor("RUNNING", () => h.taskStatuses(task.taskArn).includes("RUNNING"));
      await h.engine.settled();
      await h.store.deleteTask(task.taskArn.split("/").pop()!);
      const h2 = await h.restart();
      assert.equal(h2.host.containers.size, 0);
      await h2.close();
    } finally {
      await h.close();
    }
  });

  it("a full manifest without a task disowns it: stopped, not reported, removed", async () => {
    const h = await engineHarness();
    try {
      const task = anAssignedTask([aContainerDef("app")]);
      await h.engine.handleManifest([task], true);
      await h.waitFor("RUNNING", () => h.taskStatuses(task.taskArn).includes("RUNNING"));
      await h.engine.handleManifest([], true);
      await h.waitFor("removed", () => !h.engine.tasks.has(task.taskArn) && h.host.containers.size === 0);
      assert.ok(!h.taskStatuses(task.taskArn).includes("STOPPED"));
    } finally {
      await h.close();
    }
  });

  it("a task stopped before it ran is reported STOPPED without creating anything", async () => {
    const h = await engineHarness();
    try {
      const task = anAssignedTask([aContainerDef("app")], { desiredStatus: "STOPPED", stoppedReason: "Task stopped by user", lastStatus: "PROVISIONING" });
      await h.engine.handleManifest([task], false);
      await h.waitFor("STOPPED", () => h.taskStatuses(task.taskArn).includes("STOPPED"));
      assert.equal(h.host.containers.size, 0);
      assert.equal(lastTaskReport(h, task.taskArn)!.reason, "Task stopped by user");
    } finally {
      await h.close();
    }
  });
});

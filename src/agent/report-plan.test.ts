import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { acknowledge, nextReport, type TaskReport } from "./report-plan.js";
import { newTaskRecord, type TaskRecord } from "./task-record.js";
import { aContainerDef, anAssignedTask } from "./test-builders.js";

function aRecord(mutate: (r: TaskRecord) => void): TaskRecord {
  const rec = newTaskRecord(anAssignedTask([aContainerDef("app"), aContainerDef("side", { essential: false })]));
  mutate(rec);
  return rec;
}

const binding = { bindIP: "0.0.0.0", containerPort: 80, hostPort: 32768, protocol: "tcp" as const };

describe("nextReport", () => {
  it("has nothing to say before any container exists", () => {
    assert.equal(nextReport(aRecord(() => {})), undefined);
  });

  it("waits with PENDING until the pulls are done", () => {
    const rec = aRecord((r) => {
      r.known = "CREATED";
      r.pullStartedAt = 10;
      r.containers[0]!.known = "CREATED";
    });
    assert.equal(nextReport(rec), undefined);
    rec.pullStoppedAt = 20;
    const report = nextReport(rec) as TaskReport;
    assert.equal(report.status, "PENDING");
    assert.deepEqual([report.pullStartedAt, report.pullStoppedAt], [10, 20]);
  });

  it("folds PENDING into RUNNING when the task already runs", () => {
    const rec = aRecord((r) => {
      r.known = "RUNNING";
      r.startedAt = 30;
      r.pullStartedAt = 10;
      r.pullStoppedAt = 20;
      for (const c of r.containers) Object.assign(c, { known: "RUNNING", runtimeId: `id-${c.name}`, networkBindings: [binding] });
    });
    const report = nextReport(rec) as TaskReport;
    assert.equal(report.status, "RUNNING");
    assert.deepEqual(report.containers[0], { containerName: "app", status: "RUNNING", runtimeId: "id-app", networkBindings: [binding] });
    assert.equal(report.pullStoppedAt, 20);
  });

  it("reports RUNNING before STOPPED for a task that ran, the exit going with STOPPED", () => {
    const rec = aRecord((r) => {
      r.known = "STOPPED";
      r.startedAt = 30;
      r.stopReason = "Essential container in task exited";
      r.executionStoppedAt = 50;
      for (const c of r.containers) Object.assign(c, { known: "STOPPED", exitCode: 3, reason: "OutOfMemoryError: Container killed due to memory usage" });
    });
    const running = nextReport(rec) as TaskReport;
    assert.equal(running.status, "RUNNING");
    assert.deepEqual(running.containers.map((c) => [c.status, c.exitCode, c.reason]), [["RUNNING", undefined, undefined], ["RUNNING", undefined, undefined]]);
    assert.equal(running.reason, undefined);
    acknowledge(rec, running);
    const stopped = nextReport(rec) as TaskReport;
    assert.equal(stopped.status, "STOPPED");
    assert.equal(stopped.reason, "Essential container in task exited");
    assert.equal(stopped.executionStoppedAt, 50);
    assert.deepEqual(stopped.containers.map((c) => [c.status, c.exitCode]), [["STOPPED", 3], ["STOPPED", 3]]);
    acknowledge(rec, stopped);
    assert.equal(nextReport(rec), undefined);
  });

  it("goes straight to STOPPED for a task that never ran", () => {
    const rec = aRecord((r) => {
      r.known = "STOPPED";
      r.stopReason = "CannotPullContainerError: no such image";
      r.containers[0]!.known = "STOPPED";
      r.containers[0]!.exitCode = null;
      r.containers[0]!.reason = "CannotPullContainerError: no such image";
      r.containers[1]!.known = "STOPPED";
    });
    const report = nextReport(rec) as TaskReport;
    assert.equal(report.status, "STOPPED");
    assert.deepEqual(report.containers[0], { containerName: "app", status: "STOPPED", reason: "CannotPullContainerError: no such image" });
  });

  it("reports a container's own change between task transitions", () => {
    const rec = aRecord((r) => {
      r.known = "RUNNING";
      r.reported = "RUNNING";
      r.startedAt = 1;
      r.containers[0]!.known = "RUNNING";
      r.containers[0]!.reported = "RUNNING";
      Object.assign(r.containers[1]!, { known: "STOPPED", reported: "RUNNING", exitCode: 0, runtimeId: "x" });
    });
    assert.deepEqual(nextReport(rec), { kind: "container", container: { containerName: "side", status: "STOPPED", runtimeId: "x", exitCode: 0 } });
  });

  it("says nothing about a disowned task", () => {
    assert.equal(nextReport(aRecord((r) => Object.assign(r, { known: "STOPPED", disowned: true }))), undefined);
  });
});

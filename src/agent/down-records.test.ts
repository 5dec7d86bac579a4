import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DOWN_STOP_REASON, recordDownExits, type StoppedContainer } from "./down-records.js";
import { newTaskRecord, type TaskRecord } from "./task-record.js";
import { aContainerDef, anAssignedTask } from "./test-builders.js";

function aRunningTask(over: { runtimeIds?: (string | undefined)[]; desired?: "RUNNING" | "STOPPED"; stopReason?: string } = {}): TaskRecord {
  const rec = newTaskRecord(anAssignedTask([aContainerDef("app"), aContainerDef("sidecar")]));
  rec.known = "RUNNING";
  rec.containers.forEach((c, i) => {
    c.known = "RUNNING";
    const id = over.runtimeIds ? over.runtimeIds[i] : `id-${c.name}`;
    if (id) c.runtimeId = id;
  });
  if (over.desired) rec.desired = over.desired;
  if (over.stopReason) rec.stopReason = over.stopReason;
  return rec;
}

const stopped = (rec: TaskRecord, containerName: string, id: string, exitCode?: number | null): StoppedContainer => ({
  id,
  taskArn: rec.task.taskArn,
  containerName,
  ...(exitCode !== undefined ? { exit: { exitCode, finishedAt: 500 } } : {}),
});

describe("recordDownExits", () => {
  it("records each container's exit, stops the task with berth down's reason, and leaves the input alone", () => {
    const rec = aRunningTask();
    const [out] = recordDownExits([rec], [stopped(rec, "app", "id-app", 143), stopped(rec, "sidecar", "id-sidecar", 137)], 900);
    assert.deepEqual(
      out!.containers.map((c) => [c.name, c.known, c.exitCode, c.finishedAt]),
      [["app", "STOPPED", 143, 500], ["sidecar", "STOPPED", 137, 500]],
    );
    assert.equal(out!.desired, "STOPPED");
    assert.equal(out!.stopReason, DOWN_STOP_REASON);
    assert.equal(rec.containers[0]!.known, "RUNNING", "the input record is not changed");
  });

  const cases: { name: string; rec: TaskRecord; stop: (rec: TaskRecord) => StoppedContainer[]; want: [string, string, number | null | undefined][] | "unchanged"; reason?: string }[] = [
    {
      name: "a container whose id was never recorded is found by name",
      rec: aRunningTask({ runtimeIds: [undefined, "id-sidecar"] }),
      stop: (r) => [stopped(r, "app", "new-id", 143)],
      want: [["app", "STOPPED", 143], ["sidecar", "RUNNING", undefined]],
    },
    {
      name: "a container that never started gets no exit code",
      rec: aRunningTask(),
      stop: (r) => [stopped(r, "app", "id-app")],
      want: [["app", "STOPPED", null], ["sidecar", "RUNNING", undefined]],
    },
    {
      name: "a container the journal already has STOPPED keeps its own exit",
      rec: (() => {
        const r = aRunningTask();
        r.containers[0]!.known = "STOPPED";
        r.containers[0]!.exitCode = 0;
        return r;
      })(),
      stop: (r) => [stopped(r, "app", "id-app", 137)],
      want: "unchanged",
    },
    { name: "another task's container changes nothing", rec: aRunningTask(), stop: () => [{ id: "x", taskArn: "arn:other", containerName: "app" }], want: "unchanged" },
    {
      name: "a task already stopping keeps the control plane's reason",
      rec: aRunningTask({ desired: "STOPPED", stopReason: "Scaling activity initiated by (deployment ecs-svc/1)" }),
      stop: (r) => [stopped(r, "app", "id-app", 143)],
      want: [["app", "STOPPED", 143], ["sidecar", "RUNNING", undefined]],
      reason: "Scaling activity initiated by (deployment ecs-svc/1)",
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const out = recordDownExits([c.rec], c.stop(c.rec), 900);
      if (c.want === "unchanged") {
        assert.deepEqual(out, []);
        return;
      }
      assert.deepEqual(out[0]!.containers.map((x) => [x.name, x.known, x.exitCode]), c.want);
      assert.equal(out[0]!.stopReason, c.reason ?? DOWN_STOP_REASON);
    });
  }
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ContainerState } from "../runtime/index.js";
import { reconcileTask, VANISHED_REASON } from "./runtime-reconcile.js";
import { newTaskRecord } from "./task-record.js";
import { aContainerDef, anAssignedTask } from "./test-builders.js";

function aState(over: Partial<ContainerState>): ContainerState {
  return {
    id: "id",
    taskArn: "arn",
    taskId: "t",
    containerName: "app",
    image: "busybox",
    labels: {},
    status: "RUNNING",
    createdAt: 10,
    startedAt: 20,
    health: { status: "UNKNOWN", failingStreak: 0 },
    networkBindings: [],
    ...over,
  };
}

describe("reconcileTask", () => {
  it("moves records forward to what the runtime saw while the agent was down", () => {
    const rec = newTaskRecord(anAssignedTask([aContainerDef("a"), aContainerDef("b"), aContainerDef("c")]));
    const [a, b, c] = rec.containers;
    Object.assign(a!, { known: "RUNNING", runtimeId: "A", startedAt: 20 });
    Object.assign(b!, { known: "CREATED", runtimeId: "B" });
    Object.assign(c!, { known: "RUNNING", runtimeId: "C", startedAt: 20 });
    const claimed = reconcileTask(
      rec,
      [
        aState({ id: "A", containerName: "a", status: "EXITED", exit: { exitCode: 137, reason: "OutOfMemoryError: Container killed due to memory usage", finishedAt: 99 } }),
        aState({ id: "B", containerName: "b", status: "RUNNING", startedAt: 30, health: { status: "HEALTHY", failingStreak: 0 } }),
      ],
      500,
    );
    assert.deepEqual([...claimed].sort(), ["A", "B"]);
    assert.deepEqual([a!.known, a!.exitCode, a!.reason, a!.finishedAt], ["STOPPED", 137, "OutOfMemoryError: Container killed due to memory usage", 99]);
    assert.deepEqual([b!.known, b!.startedAt, b!.health], ["RUNNING", 30, "HEALTHY"]);
    assert.deepEqual([c!.known, c!.exitCode, c!.reason, c!.finishedAt], ["STOPPED", null, VANISHED_REASON, 500]);
  });

  it("leaves the exit of a container with a restart policy for its task to judge", () => {
    const rec = newTaskRecord(
      anAssignedTask([aContainerDef("app", { restartPolicy: { enabled: true } }), aContainerDef("off", { restartPolicy: { enabled: false } })]),
    );
    const [app, off] = rec.containers;
    Object.assign(app!, { known: "RUNNING", runtimeId: "A", startedAt: 20 });
    Object.assign(off!, { known: "RUNNING", runtimeId: "B", startedAt: 20 });
    const exit = { exitCode: 1, finishedAt: 99 };
    reconcileTask(rec, [aState({ id: "A", status: "EXITED", exit }), aState({ id: "B", containerName: "off", status: "EXITED", exit })], 500);
    assert.deepEqual([app!.known, app!.unhandledExit, app!.exitCode], ["RUNNING", exit, undefined]);
    assert.deepEqual([off!.known, off!.unhandledExit, off!.exitCode], ["STOPPED", undefined, 1]);
  });

  it("adopts a container created just before a crash, found by its name", () => {
    const rec = newTaskRecord(anAssignedTask([aContainerDef("app")]));
    rec.pullStartedAt = 5;
    const claimed = reconcileTask(rec, [aState({ id: "X", status: "CREATED", startedAt: undefined })], 50);
    assert.deepEqual([...claimed], ["X"]);
    assert.deepEqual([rec.containers[0]!.known, rec.containers[0]!.runtimeId, rec.pullStoppedAt], ["CREATED", "X", 50]);
  });

  it("leaves a duplicate unclaimed", () => {
    const rec = newTaskRecord(anAssignedTask([aContainerDef("app")]));
    Object.assign(rec.containers[0]!, { known: "RUNNING", runtimeId: "A" });
    const claimed = reconcileTask(rec, [aState({ id: "A" }), aState({ id: "B" })], 50);
    assert.deepEqual([...claimed], ["A"]);
  });
});

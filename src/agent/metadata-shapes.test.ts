import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { containerMetadata } from "./metadata-shapes.js";
import { newTaskRecord } from "./task-record.js";
import { aContainerDef, anAssignedTask } from "./test-builders.js";

describe("containerMetadata", () => {
  it("shows RestartCount only for a container whose restart policy is enabled", () => {
    const rec = newTaskRecord(
      anAssignedTask([
        aContainerDef("restarts", { restartPolicy: { enabled: true } }),
        aContainerDef("disabled", { restartPolicy: { enabled: false } }),
        aContainerDef("plain"),
      ]),
    );
    const [restarts, disabled, plain] = rec.containers;
    assert.equal(containerMetadata(rec, restarts!).RestartCount, 0);
    restarts!.restartCount = 2;
    assert.equal(containerMetadata(rec, restarts!).RestartCount, 2);
    assert.ok(!("RestartCount" in containerMetadata(rec, disabled!)));
    assert.ok(!("RestartCount" in containerMetadata(rec, plain!)));
  });
});

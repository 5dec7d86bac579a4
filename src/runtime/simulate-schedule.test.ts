import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SIMULATE, simulatedBehavior } from "./simulate-schedule.js";
import type { ContainerSpec } from "./types.js";

const spec = (labels: Record<string, string>, over: Partial<ContainerSpec> = {}): ContainerSpec => ({
  taskArn: "a", taskId: "t", containerName: "c", image: "i", networkMode: "bridge", labels, ...over,
});

describe("simulatedBehavior", () => {
  it("defaults: runs until stopped, honours SIGTERM with 143 at once", () => {
    assert.deepEqual(simulatedBehavior(spec({})), { exitCode: 0, sigtermExitCode: 143, stopDelayMs: 0, ignoreSigterm: false, memoryMiB: 16, cpuPercent: 1, logLines: [] });
  });
  it("a health check turns HEALTHY after its interval unless labels say otherwise", () => {
    assert.equal(simulatedBehavior(spec({}, { healthCheck: { command: ["CMD", "x"], interval: 7 } })).healthyAfterMs, 7000);
    const b = simulatedBehavior(spec({ [SIMULATE.unhealthyAfterMs]: "100" }, { healthCheck: { command: ["CMD", "x"] } }));
    assert.deepEqual([b.healthyAfterMs, b.unhealthyAfterMs], [undefined, 100]);
    assert.equal(simulatedBehavior(spec({ [SIMULATE.healthyAfterMs]: "5" })).healthyAfterMs, undefined, "no health check, no health");
  });
  it("reads every label", () => {
    const b = simulatedBehavior(
      spec({
        [SIMULATE.exitAfterMs]: "1000", [SIMULATE.exitCode]: "2", [SIMULATE.oomAfterMs]: "50", [SIMULATE.sigtermExitCode]: "0",
        [SIMULATE.stopDelayMs]: "300", [SIMULATE.ignoreSigterm]: "true", [SIMULATE.failPull]: "denied", [SIMULATE.failStart]: "nope",
        [SIMULATE.memoryMiB]: "64", [SIMULATE.cpuPercent]: "50", [SIMULATE.log]: "a\nb",
      }),
    );
    assert.deepEqual(b, {
      exitAfterMs: 1000, exitCode: 2, oomAfterMs: 50, sigtermExitCode: 0, stopDelayMs: 300, ignoreSigterm: true,
      failPull: "denied", failStart: "nope", memoryMiB: 64, cpuPercent: 50, logLines: ["a", "b"],
    });
  });
  it("names a malformed label and what it expects", () => {
    assert.throws(() => simulatedBehavior(spec({ [SIMULATE.exitCode]: "-1" })), /label berth.simulate.exit-code is "-1"; expected a number of at least 0/);
    assert.throws(() => simulatedBehavior(spec({ [SIMULATE.ignoreSigterm]: "yes" })), /expected "true" or "false"/);
  });
});

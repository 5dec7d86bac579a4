import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pino from "pino";
import { ManualTimers } from "../runtime/index.js";
import { acknowledge, type Report } from "./report-plan.js";
import { newTaskRecord } from "./task-record.js";
import { TaskReporter } from "./task-reporter.js";
import { aContainerDef, anAssignedTask } from "./test-builders.js";

describe("TaskReporter", () => {
  it("retries a refused send after its back-off, and at once on retryNow()", async () => {
    const timers = new ManualTimers(0);
    const rec = newTaskRecord(anAssignedTask([aContainerDef("main")]));
    rec.known = "RUNNING";
    rec.startedAt = 0;
    const sent: Report[] = [];
    let channelUp = false;
    const reporter = new TaskReporter({
      record: () => rec,
      busy: () => false,
      submit: async (report) => {
        sent.push(report);
        if (!channelUp) throw new Error("not connected to the control plane");
      },
      acknowledged: (report) => acknowledge(rec, report),
      timers,
      rng: () => 0.5,
      log: pino({ level: "silent" }),
    });
    const flush = () => new Promise((r) => setImmediate(r));
    reporter.kick();
    await flush();
    assert.equal(sent.length, 1, "the first send went out and failed");
    timers.advance(500);
    await flush();
    assert.equal(sent.length, 1, "still waiting out the back-off");
    channelUp = true;
    reporter.retryNow();
    await reporter.whenIdle();
    assert.equal(sent.length, 2, "retryNow sent it without waiting for the timer");
    assert.equal(rec.reported, "RUNNING");
    timers.advance(60_000);
    await flush();
    assert.equal(sent.length, 2, "the cancelled back-off timer sends nothing more");
  });
});

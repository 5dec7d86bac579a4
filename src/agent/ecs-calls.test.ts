import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { JsonCallError } from "../client/index.js";
import { stateChangeOf, submitReport } from "./ecs-calls.js";
import { PermanentReportError } from "./task-reporter.js";

describe("stateChangeOf", () => {
  it("shapes a task report as SubmitTaskStateChange's wire input, timestamps in epoch seconds", () => {
    const change = stateChangeOf("c", "arn:t", {
      kind: "task",
      status: "STOPPED",
      reason: "Essential container in task exited",
      containers: [{ containerName: "main", status: "STOPPED", exitCode: 1, networkBindings: [{ bindIP: "0.0.0.0", containerPort: 80, hostPort: 8080, protocol: "tcp" }] }],
      pullStartedAt: 1_500,
      executionStoppedAt: 2_000,
    } as never);
    assert.deepEqual(change, {
      operation: "SubmitTaskStateChange",
      input: {
        cluster: "c",
        task: "arn:t",
        status: "STOPPED",
        reason: "Essential container in task exited",
        containers: [{ containerName: "main", status: "STOPPED", exitCode: 1, networkBindings: [{ bindIP: "0.0.0.0", containerPort: 80, hostPort: 8080, protocol: "tcp" }] }],
        pullStartedAt: 1.5,
        executionStoppedAt: 2,
      },
    });
  });

  it("carries an ENI attachment's status with ECS's attachment ARN in the task's region and account", () => {
    const taskArn = "arn:aws:ecs:eu-west-1:123456789012:task/default/abc";
    const change = stateChangeOf("c", taskArn, { kind: "task", status: "RUNNING", containers: [], attachments: [{ attachmentId: "att-1", status: "ATTACHED" }] });
    assert.deepEqual(change.input.attachments, [{ attachmentArn: "arn:aws:ecs:eu-west-1:123456789012:attachment/att-1", status: "ATTACHED" }]);
  });

  it("shapes a container report as SubmitContainerStateChange", () => {
    const change = stateChangeOf("c", "arn:t", { kind: "container", container: { containerName: "side", status: "RUNNING", runtimeId: "r" } } as never);
    assert.deepEqual(change, { operation: "SubmitContainerStateChange", input: { cluster: "c", task: "arn:t", containerName: "side", status: "RUNNING", runtimeId: "r" } });
  });
});

describe("submitReport", () => {
  const report = { kind: "task", status: "RUNNING", containers: [] } as never;
  it("makes a 4xx refusal permanent, keeps throttling and server faults retryable", async () => {
    const failWith = (err: Error) => ({ stateChange: () => Promise.reject(err) });
    await assert.rejects(submitReport(failWith(new JsonCallError("InvalidParameterException", "no task", 400)), "c", "t", report), PermanentReportError);
    await assert.rejects(submitReport(failWith(new JsonCallError("ThrottlingException", "slow down", 400)), "c", "t", report), JsonCallError);
    await assert.rejects(submitReport(failWith(new JsonCallError("ServerException", "oops", 500)), "c", "t", report), JsonCallError);
  });
});

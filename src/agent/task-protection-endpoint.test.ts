import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { answerOf, parseProtectionRequest } from "./task-protection-endpoint.js";

const ARN = "arn:aws:ecs:us-east-1:123456789012:task/default/0123456789abcdef0123456789abcdef";

describe("parseProtectionRequest", () => {
  const rows: [string, ReturnType<typeof parseProtectionRequest>][] = [
    ['{"ProtectionEnabled":true}', { enabled: true }],
    ['{"ProtectionEnabled":true,"ExpiresInMinutes":60}', { enabled: true, minutes: 60 }],
    // Go's decoder matches field names case-insensitively.
    ['{"protectionEnabled":false}', { enabled: false }],
    ['{"ExpiresInMinutes":60}', { problem: "missing" }],
    ["{}", { problem: "missing" }],
    ['{"ProtectionEnabled":"yes"}', { problem: "decode" }],
    ['{"ProtectionEnabled":true,"Extra":1}', { problem: "decode" }],
    ['{"ProtectionEnabled":true,"ExpiresInMinutes":1.5}', { problem: "decode" }],
    ["[true]", { problem: "decode" }],
    ["not json", { problem: "decode" }],
  ];
  for (const [body, want] of rows) it(body, () => assert.deepEqual(parseProtectionRequest(body), want));
});

describe("answerOf", () => {
  it("a protected task: the agent's shape, RFC 3339 in whole seconds", () => {
    assert.deepEqual(answerOf({ protectedTasks: [{ taskArn: ARN, protectionEnabled: true, expirationDate: 1767268800.75 }], failures: [] }, ARN), {
      status: 200,
      body: { protection: { ExpirationDate: "2026-01-01T12:00:00Z", ProtectionEnabled: true, TaskArn: ARN } },
    });
  });
  it("an unprotected task: ExpirationDate null", () => {
    assert.deepEqual(answerOf({ protectedTasks: [{ taskArn: ARN, protectionEnabled: false }] }, ARN).body, {
      protection: { ExpirationDate: null, ProtectionEnabled: false, TaskArn: ARN },
    });
  });
  it("a failure: 200 with the failure", () => {
    assert.deepEqual(answerOf({ protectedTasks: [], failures: [{ arn: ARN, reason: "TASK_NOT_VALID" }] }, ARN), {
      status: 200,
      body: { failure: { Arn: ARN, Detail: null, Reason: "TASK_NOT_VALID" } },
    });
  });
  it("an answer that is not about one task is a server error", () => {
    assert.equal(answerOf({ protectedTasks: [] }, ARN).status, 500);
  });
});

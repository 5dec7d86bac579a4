import assert from "node:assert/strict";
import { test } from "node:test";
import { passedRoles } from "./passed-roles.js";

const A = "111122223333";
const role = (name: string) => `arn:aws:iam::${A}:role/${name}`;
const defs: Record<string, { taskRoleArn?: string; executionRoleArn?: string }> = {
  "web:1": { taskRoleArn: role("app"), executionRoleArn: "exec" },
  plain: {},
};
const lookup = (ref: string) => defs[ref];
const tasks = (...names: string[]) => names.map((n) => ({ roleArn: role(n), passedToService: "ecs-tasks.amazonaws.com" }));

test("passedRoles: what each ECS operation hands to ECS", () => {
  const cases: [string, object, ReturnType<typeof passedRoles>][] = [
    ["RegisterTaskDefinition", { taskRoleArn: role("app"), executionRoleArn: "exec" }, tasks("app", "exec")],
    ["RegisterTaskDefinition", { taskRoleArn: "" }, []],
    ["RunTask", { taskDefinition: "web:1" }, tasks("app", "exec")],
    ["RunTask", { taskDefinition: "web:1", overrides: { taskRoleArn: "other" } }, tasks("other", "exec")],
    ["StartTask", { taskDefinition: "plain" }, []],
    ["RunTask", { taskDefinition: "missing:9" }, []],
    ["CreateService", { taskDefinition: "web:1", role: "ecsServiceRole" }, [...tasks("app", "exec"), { roleArn: role("ecsServiceRole"), passedToService: "ecs.amazonaws.com" }]],
    ["UpdateService", { desiredCount: 3 }, []],
    ["UpdateService", { taskDefinition: "web:1" }, tasks("app", "exec")],
    ["CreateTaskSet", { taskDefinition: "web:1" }, tasks("app", "exec")],
    ["ListClusters", { taskRoleArn: "app" }, []],
    ["RegisterTaskDefinition", { taskRoleArn: role("app"), executionRoleArn: role("app") }, tasks("app")],
  ];
  for (const [op, input, want] of cases) assert.deepEqual(passedRoles(op, input, A, lookup), want, `${op} ${JSON.stringify(input)}`);
  assert.deepEqual(passedRoles("RunTask", null, A, lookup), []);
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { anInstance } from "../test-builders.js";
import { compileQuery, evaluate, taskGroupOf } from "./evaluator.js";
import { parseQuery } from "./parser.js";

// Three instances to ask questions about.
const small = anInstance({
  id: "small",
  az: "us-east-1a",
  type: "t2.small",
  agentVersion: "1.14.4",
  ec2InstanceId: "i-abcd1234",
  registeredAt: Date.UTC(2018, 1, 12, 23, 59, 59),
  attributes: { stack: "prod", slots: "9", gpu: undefined },
  tasks: [{ group: "service:production" }, { group: "database", desiredStatus: "STOPPED" }],
});
const large = anInstance({
  id: "large",
  az: "us-east-1b",
  type: "m5.large",
  agentVersion: "1.80.0",
  ec2InstanceId: "i-wxyx7890",
  registeredAt: Date.UTC(2018, 1, 13, 0, 0, 0),
  attributes: { stack: "dev", slots: "10" },
  tasks: [{ group: "database" }, { group: "database" }],
});
const bare = {
  ...anInstance({ id: "bare", az: "us-east-1d", type: "g2.2xlarge", agentConnected: false, registeredAt: Date.UTC(2018, 1, 14) }),
  ec2InstanceId: undefined,
  agentVersion: undefined,
};
const all = [small, large, bare];

function selected(expression: string): string[] {
  const expr = parseQuery(expression);
  return all.filter((i) => evaluate(expr, i)).map((i) => i.arn.slice(i.arn.lastIndexOf("/") + 1));
}

describe("evaluate: attributes", () => {
  const cases: [string, string[]][] = [
    ["attribute:ecs.instance-type == t2.small", ["small"]],
    ["attribute:ecs.instance-type == t2.*", ["small"]],
    ["attribute:ecs.instance-type == '*.large'", []],
    ["attribute:ecs.instance-type == *.large", ["large"]],
    ["attribute:ecs.instance-type != t2.small", ["large", "bare"]],
    // AWS: "instances with the custom attribute stack unless the value is prod" — no stack, no match.
    ["attribute:stack != prod", ["large"]],
    ["attribute:stack exists", ["small", "large"]],
    ["attribute:stack !exists", ["bare"]],
    ["attribute:gpu exists", ["small"]],
    ["attribute:gpu == x", []],
    ["attribute:ecs.availability-zone in [us-east-1a, us-east-1b]", ["small", "large"]],
    ["attribute:ecs.availability-zone not_in [us-east-1a, us-east-1b]", ["bare"]],
    ["attribute:stack not_in [prod]", ["large"]],
    ["attribute:ecs.availability-zone in [us-east-*]", ["small", "large", "bare"]],
    ["attribute:ecs.instance-type =~ t2.*", ["small"]],
    ["attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d", []],
    ["attribute:ecs.instance-type =~ (t2|m5)\\..*", ["small", "large"]],
    // Matching is against the whole value, as Java's matches().
    ["attribute:ecs.instance-type =~ t2", []],
    ["attribute:ecs.instance-type =~ '(?i)T2.*'", ["small"]],
    ["attribute:ecs.instance-type !~ t2.*", ["large", "bare"]],
    ["attribute:stack !~ p.*", ["large"]],
    // Numbers compare as numbers, other values as strings.
    ["attribute:slots > 9", ["large"]],
    ["attribute:slots >= 9", ["small", "large"]],
    ["attribute:slots < 10", ["small"]],
    ["attribute:slots <= 9", ["small"]],
    ["attribute:stack > dev", ["small"]],
    ["attribute:stack >= dev", ["small", "large"]],
  ];
  for (const [expression, expected] of cases) {
    it(expression, () => assert.deepEqual(selected(expression), expected));
  }
});

describe("evaluate: built-in fields", () => {
  const cases: [string, string[]][] = [
    ["agentConnected == true", ["small", "large"]],
    ["agentConnected == FALSE", ["bare"]],
    ["agentConnected != true", ["bare"]],
    ["agentConnected in [false]", ["bare"]],
    ["agentConnected not_in [false]", ["small", "large"]],
    ["agentConnected =~ t.*", ["small", "large"]],
    ["agentConnected !~ t.*", ["bare"]],
    ["agentVersion < 1.14.5", ["small"]],
    ["agentVersion <= 1.14.4", ["small"]],
    ["agentVersion > 1.14.4", ["large"]],
    ["agentVersion >= 1.14.4", ["small", "large"]],
    ["agentVersion == 1.80", ["large"]],
    ["agentVersion != 1.80.0", ["small"]],
    ["ec2InstanceId == i-abcd1234", ["small"]],
    ["ec2InstanceId != i-abcd1234", ["large"]],
    ["ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']", ["small", "large"]],
    ["ec2InstanceId not_in ['i-abcd1234']", ["large"]],
    ["ec2InstanceId =~ i-a.*", ["small"]],
    ["ec2InstanceId !~ i-a.*", ["large"]],
    ["ec2InstanceId == i-*", ["small", "large"]],
    // small registered 2018-02-12T23:59:59Z, large at 2018-02-13T00:00:00Z, bare on the 14th.
    ["registeredAt < 2018-02-13", ["small"]],
    ["registeredAt <= 2018-02-13", ["small", "large"]],
    ["registeredAt == 2018-02-13", ["large"]],
    ["registeredAt != 2018-02-13", ["small", "bare"]],
    ["registeredAt > 2018-02-13", ["bare"]],
    ["registeredAt >= 2018-02-13", ["large", "bare"]],
    ["registeredAt == 2018-02-12T23:59:59Z", ["small"]],
    ["registeredAt < 2018-02-13T01:00:00+01:00", ["small"]],
    ["registeredAt >= 2018-02-13T00:00:00", ["large", "bare"]],
    // Only tasks whose desiredStatus is RUNNING count.
    ["runningTasksCount == 1", ["small"]],
    ["runningTasksCount != 1", ["large", "bare"]],
    ["runningTasksCount > 1", ["large"]],
    ["runningTasksCount >= 1", ["small", "large"]],
    ["runningTasksCount < 1", ["bare"]],
    ["runningTasksCount <= 2", ["small", "large", "bare"]],
  ];
  for (const [expression, expected] of cases) {
    it(expression, () => assert.deepEqual(selected(expression), expected));
  }
});

describe("evaluate: task:group", () => {
  const cases: [string, string[]][] = [
    ["task:group == service:production", ["small"]],
    ["task:group == database", ["large"]],
    ["not(task:group == database)", ["small", "bare"]],
    ["task:group != database", ["small", "bare"]],
    ["task:group == service:*", ["small"]],
    ["task:group in [database, service:production]", ["small", "large"]],
    ["task:group not_in [database, service:production]", ["bare"]],
    ["task:group =~ data.*", ["large"]],
    ["task:group !~ data.*", ["small", "bare"]],
    ["task:group exists", ["small", "large"]],
    ["task:group !exists", ["bare"]],
  ];
  for (const [expression, expected] of cases) {
    it(expression, () => assert.deepEqual(selected(expression), expected));
  }
});

describe("evaluate: compound expressions", () => {
  const cases: [string, string[]][] = [
    ["attribute:stack == prod or attribute:stack == dev", ["small", "large"]],
    ["(attribute:stack == prod or attribute:stack == dev) and agentVersion > 1.20", ["large"]],
    ["attribute:stack == prod or attribute:stack == dev and agentVersion > 1.20", ["small", "large"]],
    ["!attribute:stack exists || runningTasksCount > 1", ["large", "bare"]],
    ["not not attribute:stack == prod", ["small"]],
  ];
  for (const [expression, expected] of cases) {
    it(expression, () => assert.deepEqual(selected(expression), expected));
  }
});

describe("compileQuery", () => {
  it("returns a predicate over instances and says whether it reads tasks", () => {
    const byType = compileQuery("attribute:ecs.instance-type =~ t2.*");
    assert.equal(byType(small), true);
    assert.equal(byType(large), false);
    assert.equal(byType.usesTasks, false);
    assert.equal(compileQuery("not(task:group == database)").usesTasks, true);
    assert.equal(compileQuery("attribute:a exists or runningTasksCount > 3").usesTasks, true);
  });
});

describe("taskGroupOf", () => {
  it("derives service:<name> and family:<family> when the task has no group", () => {
    assert.equal(taskGroupOf({ family: "web", taskDefinitionArn: "x", serviceName: "api", desiredStatus: "RUNNING" }), "service:api");
    assert.equal(taskGroupOf({ family: "web", taskDefinitionArn: "x", desiredStatus: "RUNNING" }), "family:web");
    assert.equal(taskGroupOf({ group: "g", family: "web", taskDefinitionArn: "x", desiredStatus: "RUNNING" }), "g");
  });
});

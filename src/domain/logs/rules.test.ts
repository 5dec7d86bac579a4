// Table tests for CloudWatch Logs' pure decisions: the filter pattern parser and matcher, and
// PutLogEvents' batch rules (order, sizes, span, the acceptance window).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EcsError } from "../../model/index.js";
import { FilterPatternError, parseFilterPattern, termsOf } from "./filter-pattern.js";
import { decidePut, MAX_AGE_MS } from "./put-rules.js";
import { DAY_MS } from "./records.js";
import { actionFor, requestResources } from "../iam-policy/index.js";

describe("filter patterns", () => {
  const cases: [pattern: string, message: string, matches: boolean][] = [
    ["", "anything", true],
    ["   ", "anything", true],
    ["ERROR", "[ERROR] disk full", true],
    ["ERROR", "[error] disk full", false],
    ["ERROR Exception", "ERROR NullPointerException", true],
    ["ERROR Exception", "ERROR only", false],
    ['"disk full"', "[ERROR] disk full now", true],
    ['"disk full"', "full disk", false],
    ["?ERROR ?WARN", "WARN low memory", true],
    ["?ERROR ?WARN", "INFO started", false],
    ["ERROR -Exiting", "ERROR Exiting now", false],
    ["ERROR -Exiting", "ERROR retrying", true],
    ["-DEBUG", "INFO x", true],
    ['{ $.level = "error" }', '{"level":"error","msg":"x"}', true],
    ['{ $.level = "error" }', '{"level":"info"}', false],
    ['{ $.level = "error" }', "level=error", false],
    ["{ $.latency > 100 }", '{"latency":150}', true],
    ["{ $.latency > 100 }", '{"latency":50}', false],
    ["{ $.latency >= 100 }", '{"latency":100}', true],
    ["{ $.latency > 100 }", '{"latency":"150"}', true],
    ["{ $.latency > 100 }", '{"other":1}', false],
    ['{ $.latency > 100 && $.status = 5* }', '{"latency":150,"status":503}', true],
    ['{ $.latency > 100 && $.status = 5* }', '{"latency":150,"status":404}', false],
    ['{ $.level = "error" || $.latency > 100 }', '{"level":"info","latency":101}', true],
    ['{ ($.a = 1 || $.b = 2) && $.c = "x" }', '{"b":2,"c":"x"}', true],
    ['{ ($.a = 1 || $.b = 2) && $.c = "x" }', '{"b":2,"c":"y"}', false],
    ['{ $.user.name = "ann*" }', '{"user":{"name":"anna"}}', true],
    ["{ $.items[1] = 7 }", '{"items":[1,7]}', true],
    ["{ $.items[2] = 7 }", '{"items":[1,7]}', false],
    ['{ $.level != "debug" }', '{"level":"info"}', true],
    ["{ $.x IS NULL }", '{"x":null}', true],
    ["{ $.x NOT EXISTS }", '{"y":1}', true],
    ["{ $.x NOT EXISTS }", '{"x":1}', false],
    ["{ $.ok IS TRUE }", '{"ok":true}', true],
    ["%[0-9]{3} ms%", "took 123 ms", true],
    ["%[0-9]{3} ms%", "took 12 ms", false],
  ];
  for (const [pattern, message, want] of cases) {
    it(`${JSON.stringify(pattern)} on ${JSON.stringify(message)} → ${want}`, () => {
      assert.equal(parseFilterPattern(pattern)(message), want);
    });
  }

  it("splits terms, phrases, alternatives and exclusions", () => {
    assert.deepEqual(termsOf('a "b c" ?d -e ?"f g"'), { all: ["a", "b c"], any: ["d", "f g"], none: ["e"] });
  });

  const bad = ['"open', "{ $.a = 1", "{ level = 1 }", "{ $.a > x }", "{ $.a = 1 $.b = 2 }", "[ip, user]", "%(a)%", "{ $.a = }"];
  for (const pattern of bad) {
    it(`refuses ${JSON.stringify(pattern)}`, () => {
      assert.throws(() => parseFilterPattern(pattern), FilterPatternError);
    });
  }
});

describe("PutLogEvents rules", () => {
  const now = 1_800_000_000_000;
  const ev = (timestamp: number, message = "m") => ({ timestamp, message });
  const refusal = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      assert.ok(err instanceof EcsError);
      return `${err.type}: ${err.message}`;
    }
    return "accepted";
  };

  it("accepts a sorted batch within the window whole", () => {
    assert.deepEqual(decidePut([ev(now - 1000), ev(now - 1000), ev(now)], now, undefined), { start: 0, end: 3 });
  });

  const cases: [name: string, events: { timestamp: number; message: string }[], retention: number | undefined, want: unknown][] = [
    ["too old ones first", [ev(now - MAX_AGE_MS - 1), ev(now - MAX_AGE_MS - 1), ev(now)], undefined, { start: 2, end: 3, rejected: { tooOldLogEventEndIndex: 2 } }],
    ["too new ones last", [ev(now), ev(now + 2 * 3_600_000 + 1)], undefined, { start: 0, end: 1, rejected: { tooNewLogEventStartIndex: 1 } }],
    ["past the retention: expired", [ev(now - 2 * DAY_MS), ev(now)], 1, { start: 1, end: 2, rejected: { expiredLogEventEndIndex: 1 } }],
    ["all rejected", [ev(now - 15 * DAY_MS)], undefined, { start: 1, end: 1, rejected: { tooOldLogEventEndIndex: 1 } }],
    ["2 h ahead exactly is fine", [ev(now + 2 * 3_600_000)], undefined, { start: 0, end: 1 }],
  ];
  for (const [name, events, retention, want] of cases) {
    it(name, () => assert.deepEqual(decidePut(events, now, retention), want));
  }

  it("refuses what AWS refuses, naming the rule", () => {
    assert.equal(refusal(() => decidePut([ev(now), ev(now - 1)], now, undefined)), "InvalidParameterException: Log events in a single PutLogEvents request must be in chronological order.");
    assert.equal(
      refusal(() => decidePut([ev(now - DAY_MS - 1), ev(now)], now, undefined)),
      "InvalidParameterException: The batch of log events in a single PutLogEvents request cannot span more than 24 hours.",
    );
    // 1,048,576 bytes in all counts 26 per event: two events of 524,262 bytes fit, one more byte does not.
    assert.equal(refusal(() => decidePut([ev(now, "x".repeat(524_262)), ev(now, "x".repeat(524_262))], now, undefined)), "accepted");
    assert.equal(
      refusal(() => decidePut([ev(now, "x".repeat(524_262)), ev(now, "x".repeat(524_263))], now, undefined)),
      "InvalidParameterException: Upload too large: 1048577 bytes exceeds limit of 1048576",
    );
    assert.equal(refusal(() => decidePut([ev(now, "é".repeat(524_276))], now, undefined)), "InvalidParameterException: Log event too large: 1048578 bytes exceeds limit of 1048576");
    assert.equal(refusal(() => decidePut(Array.from({ length: 10_001 }, () => ev(now)), now, undefined)).split(":")[0], "InvalidParameterException");
    assert.equal(refusal(() => decidePut(Array.from({ length: 10_000 }, () => ev(now)), now, undefined)), "accepted");
  });
});

describe("CloudWatch Logs requests as IAM sees them", () => {
  const scope = { accountId: "123456789012", region: "eu-west-1" };
  const cases: [operation: string, input: Record<string, unknown>, resources: string[]][] = [
    ["CreateLogStream", { logGroupName: "/ecs/web", logStreamName: "app/c/1" }, ["arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/web:*"]],
    ["PutLogEvents", { logGroupName: "/ecs/web", logStreamName: "app/c/1" }, ["arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/web:log-stream:app/c/1"]],
    ["GetLogEvents", { logGroupIdentifier: "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/web", logStreamName: "s" }, ["arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/web:log-stream:s"]],
    ["FilterLogEvents", { logGroupName: "/ecs/web" }, ["arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/web:*"]],
    ["TagResource", { resourceArn: "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/web:*" }, ["arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/web:*"]],
    ["DescribeLogGroups", {}, ["*"]],
    [
      "StartLiveTail",
      { logGroupIdentifiers: ["/ecs/web", "arn:aws:logs:us-east-1:210987654321:log-group:/shared"] },
      ["arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/web:*", "arn:aws:logs:us-east-1:210987654321:log-group:/shared:*"],
    ],
  ];
  for (const [operation, input, resources] of cases) {
    it(`${operation} acts on ${resources.join(", ")}`, () => {
      assert.equal(actionFor("logs", operation), `logs:${operation}`);
      assert.deepEqual(requestResources("logs", operation, input, scope).resources, resources);
    });
  }
});

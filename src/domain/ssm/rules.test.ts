// Table tests of Parameter Store's pure rules: parameter names (the user guide's constraints),
// references by name / ARN / selector, paths, tiers and ParameterFilters.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkStringFilters, matchesStringFilters, type StringFilter } from "./filters.js";
import { checkNewName, parsePath, parseRef, underPath } from "./names.js";
import { tierFor } from "./parameters.js";
import type { ParameterRecord } from "./records.js";

const scope = { accountId: "123456789012", region: "us-east-2" };
const deep = (n: number) => `/${Array.from({ length: n - 1 }, (_, i) => `L${i + 1}`).join("/")}/parameter-name`;
const BAD = /can't be prefixed with "ssm" \(case-insensitive\)\. If formed as a path/;

describe("checkNewName", () => {
  const ok: [string, string, string][] = [
    ["MyParameter1", "MyParameter1", "MyParameter1"],
    ["/MyParameter2", "/MyParameter2", "MyParameter2"],
    ["/Dev/Production/East/Project-ABC/MyParameter", "/Dev/Production/East/Project-ABC/MyParameter", "Dev/Production/East/Project-ABC/MyParameter"],
    ["  /trimmed  ", "/trimmed", "trimmed"],
    [deep(15), deep(15), deep(15).slice(1)],
    ["a_b.c-d", "a_b.c-d", "a_b.c-d"],
  ];
  for (const [raw, name, key] of ok) it(`accepts ${raw.slice(0, 40)}`, () => assert.deepEqual(checkNewName(scope, raw), { name, key }));

  const bad: { raw: string; type: string; message?: RegExp }[] = [
    { raw: "MyParameter3/L1", type: "ValidationException", message: /^Parameter name must be a fully qualified name\.$/ },
    { raw: "has space", type: "ValidationException", message: BAD },
    { raw: "/a//b", type: "ValidationException", message: BAD },
    { raw: "/a/b/", type: "ValidationException", message: BAD },
    { raw: "/", type: "ValidationException", message: BAD },
    { raw: "{test}-test", type: "ValidationException", message: BAD },
    { raw: "arn:aws:ssm:us-east-2:123456789012:parameter/x", type: "ValidationException", message: BAD },
    { raw: deep(16), type: "HierarchyLevelLimitExceededException", message: /maximum of 15 levels; .* has 16/ },
    { raw: "awsTestParameter", type: "ValidationException", message: /^Parameter name: can't be prefixed with "aws" or "ssm" \(case-insensitive\)\.$/ },
    { raw: "SSM-testparameter", type: "ValidationException", message: /^Parameter name: can't be prefixed with "aws" or "ssm"/ },
    { raw: "/aws/testparam1", type: "AccessDeniedException", message: /^No access to reserved parameter name: \/aws\/testparam1\.$/ },
    { raw: "/ssm/x", type: "ValidationException", message: BAD },
    { raw: `/${"a".repeat(1000)}`, type: "ValidationException", message: /too long: with its ARN it has 1045 characters, at most 1011/ },
  ];
  for (const t of bad) {
    it(`refuses ${t.raw.slice(0, 40)} with ${t.type}`, () => {
      assert.throws(() => checkNewName(scope, t.raw), (err: Error & { type?: string }) => err.type === t.type && (!t.message || t.message.test(err.message)));
    });
  }
});

describe("parseRef", () => {
  const cases: { raw: string; selector: boolean; want: ReturnType<typeof parseRef> }[] = [
    { raw: "/app/db", selector: true, want: { key: "app/db" } },
    { raw: "db", selector: true, want: { key: "db" } },
    { raw: "/app/db:3", selector: true, want: { key: "app/db", selector: ":3" } },
    { raw: "/app/db:prod", selector: true, want: { key: "app/db", selector: ":prod" } },
    { raw: "arn:aws:ssm:us-east-2:123456789012:parameter/app/db", selector: true, want: { key: "app/db" } },
    { raw: "arn:aws:ssm:us-east-2:123456789012:parameter/app/db:2", selector: true, want: { key: "app/db", selector: ":2" } },
    {
      raw: "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db",
      selector: true,
      want: { key: "app/db", elsewhere: { accountId: "123456789012", region: "eu-west-1" } },
    },
  ];
  for (const t of cases) it(`reads ${t.raw}`, () => assert.deepEqual(parseRef(scope, t.raw, t.selector), t.want));
  it("refuses a selector where none is taken", () => assert.throws(() => parseRef(scope, "/app/db:3", false), { name: "ValidationException" }));
  it("refuses an ARN of another service", () => assert.throws(() => parseRef(scope, "arn:aws:s3:::bucket/x", true), /is not a parameter ARN/));
  it("refuses bad characters", () => assert.throws(() => parseRef(scope, "a b", true), { name: "ValidationException", message: BAD }));
});

describe("parsePath and underPath", () => {
  it("the root path", () => assert.deepEqual(parsePath("/"), { prefix: "" }));
  it("a trailing slash is dropped", () => assert.deepEqual(parsePath("/a/b/"), { prefix: "a/b/" }));
  it("a path must start with a slash", () => assert.throws(() => parsePath("a/b"), /must begin with a forward slash/));
  it("16 levels are too many", () => assert.throws(() => parsePath(deep(16)), { name: "HierarchyLevelLimitExceededException" }));
  const cases: [string, string, boolean, boolean][] = [
    ["a/b", "a/", false, true],
    ["a/b/c", "a/", false, false],
    ["a/b/c", "a/", true, true],
    ["ab/c", "a/", true, false],
    ["a", "a/", true, false],
    ["top", "", false, true],
    ["a/b", "", false, false],
    ["a/b", "", true, true],
  ];
  for (const [key, prefix, recursive, want] of cases) {
    it(`${key} under '${prefix}' ${recursive ? "recursively" : "one level"}: ${want}`, () => assert.equal(underPath(key, prefix, recursive), want));
  }
});

describe("tierFor", () => {
  const cases: { name: string; requested?: "Standard" | "Advanced" | "Intelligent-Tiering"; existing?: "Standard" | "Advanced"; bytes: number; want: string | RegExp }[] = [
    { name: "Standard by default", bytes: 10, want: "Standard" },
    { name: "Standard holds 4096 bytes", bytes: 4096, want: "Standard" },
    { name: "Standard refuses 4097 bytes", bytes: 4097, want: /^Standard tier parameters support a maximum parameter value of 4096 characters/ },
    { name: "Advanced holds 8192 bytes", requested: "Advanced", bytes: 8192, want: "Advanced" },
    { name: "Advanced refuses 8193 bytes", requested: "Advanced", bytes: 8193, want: /maximum parameter value of 8192/ },
    { name: "Intelligent-Tiering picks Standard when it fits", requested: "Intelligent-Tiering", bytes: 100, want: "Standard" },
    { name: "Intelligent-Tiering picks Advanced when it does not", requested: "Intelligent-Tiering", bytes: 5000, want: "Advanced" },
    { name: "an Advanced parameter stays Advanced", existing: "Advanced", bytes: 10, want: "Advanced" },
    { name: "an Advanced parameter cannot go back to Standard", requested: "Standard", existing: "Advanced", bytes: 10, want: /can't downgrade/ },
  ];
  for (const t of cases) {
    it(t.name, () => {
      if (typeof t.want === "string") assert.equal(tierFor(t.requested, t.existing, t.bytes), t.want);
      else assert.throws(() => tierFor(t.requested, t.existing, t.bytes), { name: "ValidationException", message: t.want });
    });
  }
});

describe("ParameterFilters", () => {
  const rec: ParameterRecord = {
    Name: "/app/db/password",
    Type: "SecureString",
    Version: 1,
    LastModifiedDate: 0,
    Tier: "Standard",
    DataType: "text",
    KeyId: "alias/aws/ssm",
    Tags: [{ Key: "team", Value: "payments" }],
  };
  const key = "app/db/password";
  const cases: { name: string; filters: StringFilter[]; want: boolean }[] = [
    { name: "Name Equals, with or without the slash", filters: [{ Key: "Name", Values: ["app/db/password"] }], want: true },
    { name: "Name BeginsWith", filters: [{ Key: "Name", Option: "BeginsWith", Values: ["/app/"] }], want: true },
    { name: "Name Contains", filters: [{ Key: "Name", Option: "Contains", Values: ["db/pass"] }], want: true },
    { name: "Type", filters: [{ Key: "Type", Values: ["String", "SecureString"] }], want: true },
    { name: "Type that is not", filters: [{ Key: "Type", Values: ["String"] }], want: false },
    { name: "Path one level", filters: [{ Key: "Path", Values: ["/app"] }], want: false },
    { name: "Path recursive", filters: [{ Key: "Path", Option: "Recursive", Values: ["/app"] }], want: true },
    { name: "tag key present", filters: [{ Key: "tag:team" }], want: true },
    { name: "tag value", filters: [{ Key: "tag:team", Values: ["ops"] }], want: false },
    { name: "KeyId", filters: [{ Key: "KeyId", Values: ["alias/aws/ssm"] }], want: true },
  ];
  for (const t of cases) it(t.name, () => assert.equal(matchesStringFilters(key, rec, t.filters), t.want));

  it("GetParametersByPath refuses Name, Path, Tier, DataType and tags", () => {
    for (const Key of ["Name", "Path", "Tier", "DataType", "tag:team"]) {
      assert.throws(() => checkStringFilters([{ Key, Values: ["x"] }], "GetParametersByPath"), { name: "InvalidFilterKey" });
    }
  });
  it("DescribeParameters refuses Label", () => assert.throws(() => checkStringFilters([{ Key: "Label", Values: ["x"] }], "DescribeParameters"), { name: "InvalidFilterKey" }));
  it("options per key", () => {
    assert.throws(() => checkStringFilters([{ Key: "Type", Option: "Contains", Values: ["String"] }], "DescribeParameters"), { name: "InvalidFilterOption" });
    assert.throws(() => checkStringFilters([{ Key: "Label", Option: "BeginsWith", Values: ["x"] }], "GetParametersByPath"), { name: "InvalidFilterOption" });
    checkStringFilters([{ Key: "Path", Option: "Recursive", Values: ["/a"] }], "DescribeParameters");
  });
  it("values are checked", () => {
    assert.throws(() => checkStringFilters([{ Key: "Type", Values: ["Text"] }], "DescribeParameters"), { name: "InvalidFilterValue" });
    assert.throws(() => checkStringFilters([{ Key: "Name" }], "DescribeParameters"), { name: "InvalidFilterValue" });
  });
});

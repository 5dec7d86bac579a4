import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { compileGlob, compileValue, type GlobMode } from "./glob.js";

test("compileGlob: * and ? in actions, strings and ARNs", () => {
  const table: [GlobMode, string, string, boolean][] = [
    ["action", "ecs:describe*", "ecs:describeclusters", true],
    ["action", "ECS:Describe*", "ecs:describeclusters", true],
    ["action", "ecs:*", "ecs:runtask", true],
    ["action", "ecs:*", "ec2:runinstances", false],
    ["action", "*", "anything:atall", true],
    ["action", "ecs:list?asks", "ecs:listtasks", true],
    ["action", "ecs:list?asks", "ecs:listttasks", false],
    ["action", "ecs:*task*", "ecs:describetasksets", true],
    ["action", "iam:*accesskey*", "iam:createaccesskey", true],
    ["action", "iam:*accesskey*", "iam:createuser", false],
    ["string", "a*b*c", "abc", true],
    ["string", "a*b*c", "aXbYc", true],
    ["string", "a*b*c", "aXbYcZ", false],
    ["string", "a*a*a", "aaa", true],
    ["string", "a*a*a", "aa", false],
    ["string", "*x", "xxxx", true],
    ["string", "?", "", false],
    ["string", "?", "z", true],
    ["string", "", "", true],
    ["string", "home/", "home/", true],
    ["string", "Case", "case", false],
    ["exact", "a*", "abc", false],
    ["exact", "a*", "a*", true],
    ["arn", "*", "arn:aws:ecs:us-east-1:123456789012:cluster/a", true],
    ["arn", "*", "*", true],
    ["arn", "arn:aws:ecs:us-east-1:123456789012:cluster/*", "arn:aws:ecs:us-east-1:123456789012:cluster/prod", true],
    ["arn", "arn:aws:ecs:us-east-1:123456789012:cluster/*", "*", false],
    ["arn", "arn:aws:ecs:*:*:task/*", "arn:aws:ecs:eu-west-1:123456789012:task/prod/0f1e", true],
    ["arn", "arn:aws:ecs:*:*:task/*", "arn:aws:ecs:eu-west-1:123456789012:service/prod/web", false],
    ["arn", "arn:aws:ecs:*:123456789012:*", "arn:aws:ecs:eu-west-1:999999999999:cluster/a", false],
    ["arn", "arn:aws:logs:*:*:log-group:*", "arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:s", true],
    ["arn", "arn:aws:ecs:us-east-1:123456789012:task-definition/web:*", "arn:aws:ecs:us-east-1:123456789012:task-definition/web:7", true],
    ["arn", "arn:aws:ecs:us-east-1:123456789012:Cluster/*", "arn:aws:ecs:us-east-1:123456789012:cluster/a", false],
    ["arn", "arn:aws:ecs:us-east-?:123456789012:cluster/a", "arn:aws:ecs:us-east-2:123456789012:cluster/a", true],
  ];
  for (const [mode, pattern, subject, want] of table) assert.equal(compileGlob(pattern, mode).match(subject), want, `${mode} ${pattern} ~ ${subject}`);
});

// IAM User Guide, "IAM JSON policy elements: Resource" — "Using wildcards in resource ARNs":
// arn:aws:s3:::DOC-EXAMPLE-BUCKET/*/test/* and the objects it does and does not cover.
test("compileGlob: the S3 example of * crossing slashes inside the resource segment", () => {
  const g = compileGlob("arn:aws:s3:::DOC-EXAMPLE-BUCKET/*/test/*", "arn");
  const covered = ["1/test/object.jpg", "1/2/test/object.jpg", "1/2/test/3/object.jpg", "1/2/3/test/4/object.jpg", "1///test///object.jpg", "1/test/.jpg", "/test/object.jpg", "1/test/"];
  const notCovered = ["1-test/object.jpg", "test/object.jpg", "1/2/test.jpg"];
  for (const o of covered) assert.equal(g.match(`arn:aws:s3:::DOC-EXAMPLE-BUCKET/${o}`), true, o);
  for (const o of notCovered) assert.equal(g.match(`arn:aws:s3:::DOC-EXAMPLE-BUCKET/${o}`), false, o);
});

// IAM User Guide, "IAM JSON policy elements: Condition operators" — ARN condition operators:
// the pattern arn:aws:someservice:*:111122223333:finance/* against a value whose first star
// would have to swallow colons; StringLike matches, ArnLike does not.
test("compileGlob: ArnLike checks the six segments separately where StringLike does not", () => {
  const pattern = "arn:aws:someservice:*:111122223333:finance/*";
  const value = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt";
  assert.equal(compileGlob(pattern, "string").match(value), true);
  assert.equal(compileGlob(pattern, "arn").match(value), false);
});

test("compileGlob: policy variables, defaults and escapes (2012-10-17 only)", () => {
  const values: Record<string, string> = { "aws:username": "bob", "ecs:cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/x" };
  const vars = { variable: (k: string) => values[k] };
  const table: [string, GlobMode, boolean, string, boolean][] = [
    ["arn:aws:s3:::bucket/home/${aws:username}/*", "arn", true, "arn:aws:s3:::bucket/home/bob/f", true],
    ["arn:aws:s3:::bucket/home/${aws:username}/*", "arn", true, "arn:aws:s3:::bucket/home/alice/f", false],
    ["arn:aws:s3:::bucket/home/${AWS:UserName}/*", "arn", true, "arn:aws:s3:::bucket/home/bob/f", true],
    ["arn:aws:s3:::bucket/${aws:userid}", "arn", true, "arn:aws:s3:::bucket/", false],
    ["arn:aws:s3:::bucket/${aws:userid, 'none'}", "arn", true, "arn:aws:s3:::bucket/none", true],
    ["arn:aws:s3:::bucket/${*}", "arn", true, "arn:aws:s3:::bucket/*", true],
    ["arn:aws:s3:::bucket/${*}", "arn", true, "arn:aws:s3:::bucket/x", false],
    ["arn:aws:s3:::bucket/${aws:username}", "arn", false, "arn:aws:s3:::bucket/${aws:username}", true],
    ["arn:aws:s3:::bucket/${aws:username}", "arn", false, "arn:aws:s3:::bucket/bob", false],
    ["${ecs:cluster}", "arn", true, "arn:aws:ecs:us-east-1:123456789012:cluster/x", true],
    ["arn:aws:ecs:*:*:${aws:username}", "arn", true, "arn:aws:ecs:us-east-1:1:bob", true],
    ["home/${aws:username}/", "string", true, "home/bob/", true],
  ];
  for (const [pattern, mode, variables, subject, want] of table) {
    assert.equal(compileGlob(pattern, mode, variables).match(subject, vars), want, `${pattern} ~ ${subject}`);
  }
  assert.equal(compileValue("team-${aws:username}", true)(vars), "team-bob");
  assert.equal(compileValue("team-${aws:userid}", true)(vars), undefined);
  assert.equal(compileValue("team-${aws:username}", false)(vars), "team-${aws:username}");
});

// The matcher against a reference built from regular expressions (fine in a test, not per
// request): string globs whole, ARN globs segment by segment (five heads, then the rest).
test("compileGlob: agrees with a regular-expression reference on random patterns", () => {
  const toRegex = (p: string) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\/]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "s");
  const split = (t: string) => {
    const parts = t.split(":");
    return parts.length < 6 ? undefined : [...parts.slice(0, 5), parts.slice(5).join(":")];
  };
  const arnReference = (p: string, s: string) => {
    const ps = split(p);
    const ss = split(s);
    if (!ps || !ps.slice(0, 5).some((x) => /[*?]/.test(x))) return toRegex(p).test(s);
    return ss !== undefined && ps.every((x, i) => toRegex(x).test(ss[i]!));
  };
  const text = (chars: string[], max: number) => fc.array(fc.constantFrom(...chars), { maxLength: max }).map((a) => a.join(""));
  fc.assert(
    fc.property(text(["a", "b", "*", "?", "/", ":"], 12), text(["a", "b", "/", ":"], 14), (pattern, subject) => {
      assert.equal(compileGlob(pattern, "string").match(subject), toRegex(pattern).test(subject), `string ${pattern} ~ ${subject}`);
      const arnPattern = `arn:aws:ecs:${pattern}`;
      const arnSubject = `arn:aws:ecs:${subject}`;
      assert.equal(compileGlob(arnPattern, "arn").match(arnSubject), arnReference(arnPattern, arnSubject), `arn ${arnPattern} ~ ${arnSubject}`);
    }),
    { numRuns: 3000 },
  );
});

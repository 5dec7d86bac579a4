// IAM's and STS's pure rules: names, paths, ARNs and ids; paging; tags; who may assume a role
// and for how long; the condition keys of AssumeRole; the built-in AWS managed policies.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { parsePolicyDocument, type Decision, type TrustDecision } from "../iam-policy/index.js";
import { AwsError } from "../../model/index.js";
import { assumeRoleContext, mayAssume, sessionSeconds } from "./assume-role-rules.js";
import { awsManagedPolicies, awsManagedPolicy } from "./aws-managed-policies.js";
import { checkName, checkPath, checkPathPrefix, checkPolicyArn, checkSessionName, formatAccessKeyId, formatId, formatSecret, isIssuedAccessKeyId, parseIamArn } from "./names.js";
import { pageOf } from "./paging.js";
import { rootPrincipal } from "./principal.js";
import { checkTags } from "./tags.js";

/** The error code and message a call throws, or "ok". */
function outcome(fn: () => unknown): string {
  try {
    fn();
    return "ok";
  } catch (err) {
    if (err instanceof AwsError) return `${err.code}(${err.status}): ${err.message}`;
    throw err;
  }
}

test("names: 1–max of [\\w+=,.@-], in IAM's validation wording", () => {
  const table: [string, string, number, string][] = [
    ["UserName", "alice", 64, "ok"],
    ["UserName", "a.b+c=d,e@f_g-h", 64, "ok"],
    ["RoleName", "x".repeat(64), 64, "ok"],
    ["RoleName", "x".repeat(65), 64, "ValidationError(400): 1 validation error detected: Value '" + "x".repeat(65) + "' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64"],
    ["UserName", "", 64, "ValidationError(400): 1 validation error detected: Value '' at 'userName' failed to satisfy constraint: Member must have length greater than or equal to 1"],
    ["UserName", "bad name", 64, "ValidationError(400): 1 validation error detected: Value 'bad name' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"],
    ["PolicyName", "a/b", 128, "ValidationError(400): 1 validation error detected: Value 'a/b' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"],
    ["PolicyName", "é", 128, "ValidationError(400): 1 validation error detected: Value 'é' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"],
  ];
  for (const [member, value, max, want] of table) assert.equal(outcome(() => checkName(member, value, max)), want, `${member}=${value}`);
});

test("paths: entity paths `/` or `/…/`, policy paths of a narrower set; prefixes", () => {
  assert.equal(checkPath("Path", undefined, "entity"), "/");
  assert.equal(checkPath("Path", "/teams/a/", "entity"), "/teams/a/");
  assert.equal(checkPath("Path", "/service-role/", "policy"), "/service-role/");
  for (const bad of ["teams/", "/teams", "//x", "/a b/"]) assert.match(outcome(() => checkPath("Path", bad, "entity")), /^ValidationError\(400\): .* at 'path'/, bad);
  assert.match(outcome(() => checkPath("Path", "/a!b/", "policy")), /^ValidationError\(400\): .* at 'path' .*pattern: \(\(\/\[A-Za-z0-9/);
  assert.equal(checkPath("Path", "/a!b/", "entity"), "/a!b/", "entity paths take any printable ASCII");
  assert.equal(checkPathPrefix("PathPrefix", "/teams", "entity"), "/teams", "a prefix need not end in /");
  assert.match(outcome(() => checkPathPrefix("PathPrefix", "teams", "entity")), /^ValidationError/);
});

test("role session names: 2–64 of [\\w+=,.@-]", () => {
  assert.equal(outcome(() => checkSessionName("ab")), "ok");
  assert.equal(outcome(() => checkSessionName("task@1.2,3=4+5")), "ok");
  assert.match(outcome(() => checkSessionName("a")), /at 'roleSessionName' .*greater than or equal to 2$/);
  assert.match(outcome(() => checkSessionName("x".repeat(65))), /less than or equal to 64$/);
  assert.match(outcome(() => checkSessionName("has space")), /pattern: \[\\w\+=,\.@-\]\*$/);
});

test("IAM ARNs: users, roles and policies with paths; AWS managed policies in account `aws`", () => {
  const table: [string, ReturnType<typeof parseIamArn>][] = [
    ["arn:aws:iam::123456789012:user/alice", { accountId: "123456789012", kind: "user", path: "/", name: "alice" }],
    ["arn:aws:iam::123456789012:role/service-role/app", { accountId: "123456789012", kind: "role", path: "/service-role/", name: "app" }],
    ["arn:aws:iam::123456789012:role/a/b/c", { accountId: "123456789012", kind: "role", path: "/a/b/", name: "c" }],
    ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy", { accountId: "aws", kind: "policy", path: "/service-role/", name: "AmazonECSTaskExecutionRolePolicy" }],
    ["arn:aws:iam::aws:role/x", undefined],
    ["arn:aws:iam::12345:role/x", undefined],
    ["arn:aws:sts::123456789012:assumed-role/app/s", undefined],
    ["arn:aws:iam::123456789012:group/devs", undefined],
    ["arn:aws:iam::123456789012:role/", undefined],
    ["role/app", undefined],
  ];
  for (const [arn, want] of table) assert.deepEqual(parseIamArn(arn), want, arn);
  assert.equal(outcome(() => checkPolicyArn("arn:aws:iam::123456789012:role/app")), "InvalidInput(400): ARN arn:aws:iam::123456789012:role/app is not valid.");
});

test("ids: AWS's forms — 21-character unique ids, 20-character key ids, 40-character secrets", () => {
  const bytes = new Uint8Array(40).map((_, i) => i * 7);
  for (const prefix of ["AIDA", "AROA", "ANPA"] as const) assert.match(formatId(prefix, bytes), new RegExp(`^${prefix}[A-Z2-7]{17}$`));
  for (const prefix of ["AKIA", "ASIA"] as const) assert.match(formatId(prefix, bytes), new RegExp(`^${prefix}[A-Z2-7]{16}$`));
  assert.match(formatSecret(bytes), /^[A-Za-z0-9+/]{40}$/);
  assert.equal(formatId("AKIA", bytes), formatId("AKIA", bytes), "the same bytes make the same id");
  assert.throws(() => formatSecret(new Uint8Array(10)), RangeError);
});

test("paging: Marker/IsTruncated/MaxItems over a sorted list, stable while items come and go", () => {
  const names = ["a", "b", "c", "d", "e"];
  const first = pageOf(names, (n) => n, { MaxItems: 2 });
  assert.deepEqual([first.items, first.IsTruncated], [["a", "b"], true]);
  const second = pageOf(["a", "c", "d", "e"], (n) => n, { MaxItems: 2, Marker: first.Marker! });
  assert.deepEqual(second.items, ["c", "d"], "b was deleted in between; the page goes on after it");
  const last = pageOf(names, (n) => n, { MaxItems: 2, Marker: second.Marker! });
  assert.deepEqual([last.items, last.IsTruncated, last.Marker], [["e"], false, undefined]);
  assert.deepEqual(pageOf(names, (n) => n, {}), { items: names, IsTruncated: false }, "100 by default");
  assert.deepEqual(pageOf(names, (n) => n, { MaxItems: 5 }), { items: names, IsTruncated: false }, "exactly one full page is not truncated");
  assert.match(outcome(() => pageOf(names, (n) => n, { Marker: "not a marker!" })), /^ValidationError\(400\): Invalid Marker/);
});

test("tags: unique keys without regard to case, IAM's characters", () => {
  assert.deepEqual(checkTags([{ Key: "team", Value: "a b" }]), [{ Key: "team", Value: "a b" }]);
  assert.deepEqual(checkTags(undefined), []);
  assert.equal(
    outcome(() => checkTags([{ Key: "Team", Value: "a" }, { Key: "team", Value: "b" }])),
    "InvalidInput(400): Duplicate tag keys found. Please note that Tag keys are case insensitive.",
  );
  assert.match(outcome(() => checkTags([{ Key: "a*b", Value: "" }])), /^ValidationError\(400\): .* at 'tags\.1\.member\.key'/);
});

test("mayAssume: the trust policy always, identity policies unless the trust names the caller", () => {
  const trust = (decision: TrustDecision["decision"], matchedBy?: TrustDecision["matchedBy"]): TrustDecision => ({ decision, ...(matchedBy ? { matchedBy } : {}) });
  const id = (decision: Decision["decision"]): Decision => ({ decision });
  const table: [string, TrustDecision, Decision, boolean, boolean][] = [
    ["trust names the caller, no identity policy", trust("Allow", "principal"), id("ImplicitDeny"), true, true],
    ["trust names the calling session's role, no identity policy", trust("Allow", "role"), id("ImplicitDeny"), true, true],
    ["trust names the caller in another account: identity must allow", trust("Allow", "principal"), id("ImplicitDeny"), false, false],
    ["trust names the caller, identity denies explicitly", trust("Allow", "principal"), id("ExplicitDeny"), true, false],
    ["trust names the account, identity allows", trust("Allow", "account"), id("Allow"), true, true],
    ["trust names the account, no identity policy", trust("Allow", "account"), id("ImplicitDeny"), true, false],
    ["trust names everyone, no identity policy", trust("Allow", "everyone"), id("ImplicitDeny"), true, false],
    ["trust names everyone, identity allows", trust("Allow", "everyone"), id("Allow"), true, true],
    ["trust silent, identity allows", trust("ImplicitDeny"), id("Allow"), true, false],
    ["trust denies, identity allows", trust("ExplicitDeny"), id("Allow"), true, false],
  ];
  for (const [name, t, i, same, want] of table) assert.equal(mayAssume(t, i, same), want, name);
});

test("sessionSeconds: 3600 by default, capped by the role and by role chaining", () => {
  const table: [number | undefined, number, boolean, ReturnType<typeof sessionSeconds>][] = [
    [undefined, 3600, false, { seconds: 3600 }],
    [900, 3600, false, { seconds: 900 }],
    [7200, 43200, false, { seconds: 7200 }],
    [7200, 3600, false, { error: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role." }],
    [3600, 43200, true, { seconds: 3600 }],
    [3601, 43200, true, { error: "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining." }],
  ];
  for (const [requested, max, chained, want] of table) assert.deepEqual(sessionSeconds(requested, max, chained), want, `${requested}/${max}/${chained}`);
});

test("assumeRoleContext: principal keys per caller kind, the session name, the external id", () => {
  const now = Date.parse("2026-12-04T10:00:00.123Z");
  const user = { kind: "user" as const, arn: "arn:aws:iam::123456789012:user/dev/alice", userId: "AIDAEXAMPLEEXAMPLE123", accountId: "123456789012" };
  assert.deepEqual(assumeRoleContext(user, { sessionName: "s1", externalId: "xyz", region: "eu-west-1" }, now), {
    "aws:PrincipalArn": user.arn,
    "aws:PrincipalAccount": "123456789012",
    "aws:PrincipalType": "User",
    "aws:userid": user.userId,
    "aws:username": "alice",
    "aws:CurrentTime": "2026-12-04T10:00:00Z",
    "aws:EpochTime": "1796378400",
    "aws:RequestedRegion": "eu-west-1",
    "aws:SecureTransport": false,
    "sts:RoleSessionName": "s1",
    "sts:ExternalId": "xyz",
  });
  const session = { kind: "assumed-role" as const, arn: "arn:aws:sts::123456789012:assumed-role/app/s", userId: "AROAEXAMPLE:s", roleArn: "arn:aws:iam::123456789012:role/app", accountId: "123456789012" };
  const ctx = assumeRoleContext(session, { sessionName: "s2", region: "us-east-1" }, now);
  assert.equal(ctx["aws:PrincipalArn"], session.roleArn, "a session's aws:PrincipalArn is its role's ARN");
  assert.equal(ctx["aws:PrincipalType"], "AssumedRole");
  assert.equal(ctx["aws:username"], undefined);
  assert.equal(assumeRoleContext(rootPrincipal("123456789012"), { sessionName: "s", region: "us-east-1" }, now)["aws:PrincipalType"], "Account");
});

test("AWS managed policies: each parses as an identity policy; the task execution policy has AWS's statements", () => {
  assert.deepEqual(
    awsManagedPolicies().map((p) => p.Arn).sort(),
    ["arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"],
  );
  for (const p of awsManagedPolicies()) {
    assert.match(p.PolicyId, /^ANPA[A-Z2-7]{17}$/);
    const parsed = parsePolicyDocument(p.versions[0]!.Document, "identity", { sizeLimit: { kind: "managed" } });
    assert.ok(parsed.ok, `${p.PolicyName}: ${parsed.ok ? "" : parsed.reason}`);
  }
  const exec = JSON.parse(awsManagedPolicy("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")!.versions[0]!.Document);
  assert.deepEqual(exec.Statement, [
    {
      Effect: "Allow",
      Action: ["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: "*",
    },
  ]);
  const read = JSON.parse(awsManagedPolicy("arn:aws:iam::aws:policy/ReadOnlyAccess")!.versions[0]!.Document);
  assert.ok(!JSON.stringify(read).includes("secretsmanager:GetSecretValue"), "read-only does not read secret values");
  assert.equal(awsManagedPolicy("arn:aws:iam::aws:policy/NoSuchPolicy"), undefined);
});

test("access key ids berth issues carry a checksum that tells them from any other key", () => {
  for (let i = 0; i < 200; i++) {
    const bytes = randomBytes(16);
    for (const prefix of ["AKIA", "ASIA"] as const) {
      const id = formatAccessKeyId(prefix, bytes);
      assert.match(id, new RegExp(`^${prefix}[A-Z2-7]{16}$`));
      assert.ok(isIssuedAccessKeyId(id), id);
      // Another id of the same form, or one character changed, is not one berth issued.
      assert.ok(!isIssuedAccessKeyId(formatId(prefix, bytes)));
      const changed = id.slice(0, 10) + (id[10] === "A" ? "B" : "A") + id.slice(11);
      assert.ok(!isIssuedAccessKeyId(changed), changed);
    }
  }
  for (const other of ["AKIAIOSFODNN7EXAMPLE", "test", "AKID", "BKIA0123456789ABCDEF", ""]) assert.ok(!isIssuedAccessKeyId(other), other);
});

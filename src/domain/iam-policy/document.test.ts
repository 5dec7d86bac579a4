import assert from "node:assert/strict";
import { test } from "node:test";
import { parsePolicyDocument, policySize, type PolicyKind } from "./document.js";

const doc = (statement: unknown, extra: Record<string, unknown> = { Version: "2012-10-17" }) =>
  JSON.stringify({ ...extra, Statement: statement });

test("parsePolicyDocument: normalises one-or-many into arrays and flattens conditions", () => {
  const r = parsePolicyDocument(
    doc({
      Sid: "DescribeOnly",
      Effect: "Allow",
      Action: "ecs:Describe*",
      Resource: "*",
      Condition: { Bool: { "aws:SecureTransport": true }, StringEquals: { "ecs:cluster": ["a", "b"], "aws:username": "bob" } },
    }),
    "identity",
  );
  assert.deepEqual(r, {
    ok: true,
    policy: {
      version: "2012-10-17",
      statements: [
        {
          sid: "DescribeOnly",
          effect: "Allow",
          action: ["ecs:Describe*"],
          resource: ["*"],
          conditions: [
            { operator: "Bool", key: "aws:SecureTransport", values: ["true"] },
            { operator: "StringEquals", key: "ecs:cluster", values: ["a", "b"] },
            { operator: "StringEquals", key: "aws:username", values: ["bob"] },
          ],
        },
      ],
    },
  });
});

test("parsePolicyDocument: a document without Version is the 2008-10-17 grammar; Id kept", () => {
  const r = parsePolicyDocument(JSON.stringify({ Id: "x", Statement: [{ Effect: "Deny", NotAction: ["iam:*"], NotResource: "arn:aws:iam::123456789012:user/a" }] }), "identity");
  assert.ok(r.ok);
  assert.equal(r.policy.version, "2008-10-17");
  assert.equal(r.policy.id, "x");
  assert.deepEqual(r.policy.statements[0], { effect: "Deny", notAction: ["iam:*"], notResource: ["arn:aws:iam::123456789012:user/a"], conditions: [] });
});

test("parsePolicyDocument: trust policies keep principals in normalised form", () => {
  const r = parsePolicyDocument(
    doc([
      { Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" },
      { Effect: "Allow", Principal: { AWS: ["123456789012", "arn:aws:iam::123456789012:role/ops"] }, Action: "sts:AssumeRole" },
      { Effect: "Deny", NotPrincipal: "*", Action: "sts:AssumeRole" },
    ]),
    "trust",
  );
  assert.ok(r.ok);
  assert.deepEqual(r.policy.statements.map((s) => s.principal ?? s.notPrincipal), [
    { Service: ["ecs-tasks.amazonaws.com"] },
    { AWS: ["123456789012", "arn:aws:iam::123456789012:role/ops"] },
    "*",
  ]);
});

test("parsePolicyDocument: refuses what IAM refuses, with IAM's MalformedPolicyDocument text", () => {
  const allow = { Effect: "Allow", Action: "ecs:ListClusters", Resource: "*" };
  const trust = { Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" };
  const table: [string, string, PolicyKind, string][] = [
    ["not JSON", "{", "identity", "Syntax errors in policy."],
    ["JSON that is no object", "[1]", "identity", "Syntax errors in policy."],
    ["an unknown top-level field", JSON.stringify({ Version: "2012-10-17", Statement: [allow], Foo: 1 }), "identity", "Syntax errors in policy."],
    ["an unknown Version", doc([allow], { Version: "2012-10-18" }), "identity", "Syntax errors in policy."],
    ["no Statement", JSON.stringify({ Version: "2012-10-17" }), "identity", "Syntax errors in policy."],
    ["an empty Statement list", doc([]), "identity", "Syntax errors in policy."],
    ["an unknown statement field", doc({ ...allow, Resources: "*" }), "identity", "Syntax errors in policy."],
    ["no Effect", doc({ Action: "ecs:ListClusters", Resource: "*" }), "identity", "Syntax errors in policy."],
    ["Effect in the wrong case", doc({ ...allow, Effect: "allow" }), "identity", "The policy failed legacy parsing"],
    ["a principal in an identity policy", doc({ ...allow, Principal: "*" }), "identity", "Policy document should not specify a principal."],
    ["no action", doc({ Effect: "Allow", Resource: "*" }), "identity", "Policy statement must contain actions."],
    ["an empty action list", doc({ ...allow, Action: [] }), "identity", "Policy statement must contain actions."],
    ["Action and NotAction together", doc({ ...allow, NotAction: "ecs:RunTask" }), "identity", "Syntax errors in policy."],
    ["an action without service", doc({ ...allow, Action: "RunTask" }), "identity", "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."],
    ["an action with two colons", doc({ ...allow, Action: "ecs:Run:Task" }), "identity", "Actions/Condition can contain only one colon."],
    ["a wildcard service", doc({ ...allow, Action: "*:RunTask" }), "identity", "Action vendors (e.g., aws, ec2, etc.) must not contain wildcards"],
    ["an action that is no string", doc({ ...allow, Action: [1] }), "identity", "Syntax errors in policy."],
    ["no resource in an identity policy", doc({ Effect: "Allow", Action: "ecs:ListClusters" }), "identity", "Policy statement must contain resources."],
    ["a resource that is no ARN", doc({ ...allow, Resource: "my-cluster" }), "identity", 'Resource my-cluster must be in ARN format or "*".'],
    ["an empty resource", doc({ ...allow, Resource: "" }), "identity", 'Resource  must be in ARN format or "*".'],
    ["a trust policy without principal", doc({ Effect: "Allow", Action: "sts:AssumeRole" }), "trust", "Missing required field Principal"],
    ["a resource in a trust policy", doc({ ...trust, Resource: "*" }), "trust", "Has prohibited field Resource"],
    ["a resource policy without principal", doc(allow), "resource", "Missing required field Principal"],
    ["an account-wildcard principal", doc({ ...trust, Principal: { AWS: "arn:aws:iam::*:root" } }), "trust", 'Invalid principal in policy: "AWS":"arn:aws:iam::*:root"'],
    ["a service principal that is no host name", doc({ ...trust, Principal: { Service: "ecs tasks" } }), "trust", 'Invalid principal in policy: "SERVICE":"ecs tasks"'],
    ["an empty principal", doc({ ...trust, Principal: { AWS: [] } }), "trust", "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!"],
    ["an unknown condition operator", doc({ ...allow, Condition: { StringEqual: { "aws:username": "a" } } }), "identity", "Syntax errors in policy."],
    ["a condition key without operator", doc({ ...allow, Condition: { "ecs:cluster": "a" } }), "identity", "Syntax errors in policy."],
    ["Null with IfExists", doc({ ...allow, Condition: { NullIfExists: { "aws:username": "true" } } }), "identity", "Syntax errors in policy."],
    ["a condition key without service", doc({ ...allow, Condition: { StringEquals: { username: "a" } } }), "identity", "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."],
    ["a condition value that is an object", doc({ ...allow, Condition: { StringEquals: { "aws:username": { a: 1 } } } }), "identity", "Syntax errors in policy."],
    ["two statements with one Sid", doc([{ ...allow, Sid: "A" }, { ...allow, Sid: "A" }]), "identity", "Statement IDs (SID) in a single policy must be unique."],
    ["a Sid with a hyphen", doc({ ...allow, Sid: "read-only" }), "identity", "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"],
  ];
  for (const [name, text, kind, reason] of table) {
    assert.deepEqual(parsePolicyDocument(text, kind), { ok: false, code: "MalformedPolicyDocument", reason }, name);
  }
});

test("parsePolicyDocument: accepts what IAM accepts", () => {
  const table: [string, string, PolicyKind][] = [
    ["Action * and Resource *", doc({ Effect: "Allow", Action: "*", Resource: "*" }), "identity"],
    ["a tag key with colons in a condition key", doc({ Effect: "Allow", Action: "ecs:TagResource", Resource: "*", Condition: { StringEquals: { "aws:ResourceTag/aws:cloudformation:stack-name": "x" } } }), "identity"],
    ["set qualifiers and IfExists", doc({ Effect: "Deny", Action: "ecs:*", Resource: "*", Condition: { "ForAllValues:StringLikeIfExists": { "aws:TagKeys": ["env*"] } } }), "identity"],
    ["an unknown service (IAM does not check service names)", doc({ Effect: "Allow", Action: "none:null", Resource: "*" }), "identity"],
    ["a Sid with spaces in a resource policy", doc({ Sid: "Read it", Effect: "Allow", Principal: { AWS: "123456789012" }, Action: "secretsmanager:GetSecretValue", Resource: "*" }), "resource"],
    ["a session ARN and a federated principal", doc({ Effect: "Allow", Principal: { AWS: "arn:aws:sts::123456789012:assumed-role/r/s", Federated: "cognito-identity.amazonaws.com" }, Action: "sts:AssumeRole" }), "trust"],
  ];
  for (const [name, text, kind] of table) assert.equal(parsePolicyDocument(text, kind).ok, true, name);
});

test("parsePolicyDocument: size quotas count characters without whitespace and answer LimitExceeded", () => {
  const statement = { Effect: "Allow", Action: "ecs:ListClusters", Resource: "*" };
  const small = doc(statement);
  const spaced = JSON.stringify(JSON.parse(small), null, 40);
  assert.equal(policySize(spaced), policySize(small));
  assert.equal(parsePolicyDocument(spaced, "identity", { sizeLimit: { kind: "user-inline", userName: "bob" } }).ok, true, "whitespace is free");

  const big = (n: number) => doc(Array.from({ length: n }, (_, i) => ({ ...statement, Sid: `S${i}` })));
  const managed = big(150);
  assert.ok(policySize(managed) > 6144);
  assert.deepEqual(parsePolicyDocument(managed, "identity", { sizeLimit: { kind: "managed" } }), {
    ok: false,
    code: "LimitExceeded",
    reason: "Cannot exceed quota for PolicySize: 6144",
  });
  assert.deepEqual(parsePolicyDocument(small, "identity", { sizeLimit: { kind: "role-inline", roleName: "app", used: 10240 - policySize(small) + 1 } }), {
    ok: false,
    code: "LimitExceeded",
    reason: "Maximum policy size of 10240 bytes exceeded for role app",
  });
  assert.equal(parsePolicyDocument(small, "identity", { sizeLimit: { kind: "role-inline", roleName: "app", used: 10240 - policySize(small) } }).ok, true, "exactly at the quota");
  assert.deepEqual(parsePolicyDocument(big(60), "identity", { sizeLimit: { kind: "user-inline", userName: "bob" } }), {
    ok: false,
    code: "LimitExceeded",
    reason: "Maximum policy size of 2048 bytes exceeded for user bob",
  });
  const trust = doc(Array.from({ length: 40 }, () => ({ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" })));
  assert.deepEqual(parsePolicyDocument(trust, "trust", { sizeLimit: { kind: "trust" } }), {
    ok: false,
    code: "LimitExceeded",
    reason: "Cannot exceed quota for ACLSizePerRole: 2048",
  });
  assert.equal(parsePolicyDocument("{", "identity", { sizeLimit: { kind: "managed" } }).ok, false, "grammar first");
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { PolicySet } from "./compile.js";
import { parsePolicyDocument, type PolicyDocument, type PolicyKind } from "./document.js";
import { evaluate, trustAllows, type AuthRequest, type DecisionKind, type RequestContext, type RequestPrincipal } from "./evaluate.js";

const ACCOUNT = "123456789012";
const user = (name: string): RequestPrincipal => ({ arn: `arn:aws:iam::${ACCOUNT}:user/${name}`, accountId: ACCOUNT, kind: "user" });
const carlos = user("carlossalazar");

function policy(json: unknown, kind: PolicyKind = "identity"): PolicyDocument {
  const r = parsePolicyDocument(JSON.stringify(json), kind);
  if (!r.ok) throw new Error(`${r.reason}: ${JSON.stringify(json)}`);
  return r.policy;
}

const doc = (...statements: unknown[]) => policy({ Version: "2012-10-17", Statement: statements });

type Row = [name: string, action: string, resource: string, context: RequestContext, want: DecisionKind];

/** Checks each row against the documents, and against the same documents as one PolicySet. */
function check(policies: PolicyDocument[], rows: Row[], principal: RequestPrincipal = carlos): void {
  const set = new PolicySet(policies);
  for (const [name, action, resource, context, want] of rows) {
    const request: AuthRequest = { principal, action, resource, context };
    const decided = evaluate(request, policies);
    assert.equal(decided.decision, want, name);
    assert.deepEqual(evaluate(request, set), decided, `${name} (PolicySet)`);
  }
}

// IAM User Guide, "Policy evaluation logic" — "Example identity-based and resource-based policy
// evaluation": Carlos's identity policy (AllowS3ListRead, AllowS3Self, DenyS3Logs) and the
// carlossalazar bucket policy naming him.
test("evaluate: the guide's Carlos example — a Deny on *log* buckets beats his own-bucket Allow", () => {
  const identity = doc(
    { Sid: "AllowS3ListRead", Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:GetAccountPublicAccessBlock", "s3:ListAccessPoints", "s3:ListAllMyBuckets"], Resource: "arn:aws:s3:::*" },
    { Sid: "AllowS3Self", Effect: "Allow", Action: "s3:*", Resource: ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"] },
    { Sid: "DenyS3Logs", Effect: "Deny", Action: "s3:*", Resource: "arn:aws:s3:::*log*" },
  );
  check(
    [identity],
    [
      ["saving to carlossalazar-logs is explicitly denied", "s3:PutObject", "arn:aws:s3:::carlossalazar-logs/file.txt", {}, "ExplicitDeny"],
      ["saving to his own bucket is allowed", "s3:PutObject", "arn:aws:s3:::carlossalazar/file.txt", {}, "Allow"],
      ["listing a bucket's location anywhere", "s3:GetBucketLocation", "arn:aws:s3:::someone-else", {}, "Allow"],
      ["anything else is implicitly denied", "s3:PutObject", "arn:aws:s3:::someone-else/file.txt", {}, "ImplicitDeny"],
    ],
  );
  const deciding = evaluate({ principal: carlos, action: "s3:PutObject", resource: "arn:aws:s3:::carlossalazar-logs/f", context: {} }, [identity]);
  assert.deepEqual(deciding.statement, { policyIndex: 0, sid: "DenyS3Logs" });

  const bucket = policy(
    {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/carlossalazar` }, Action: "s3:*", Resource: ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"] }],
    },
    "resource",
  );
  assert.deepEqual(trustAllows(bucket, carlos, "s3:PutObject", {}, "arn:aws:s3:::carlossalazar/file.txt"), {
    decision: "Allow",
    statement: { policyIndex: 0 },
    matchedBy: "principal",
  });
  assert.equal(trustAllows(bucket, user("someone"), "s3:PutObject", {}, "arn:aws:s3:::carlossalazar/file.txt").decision, "ImplicitDeny");
  assert.equal(trustAllows(bucket, carlos, "s3:PutObject", {}, "arn:aws:s3:::carlossalazar-logs/file.txt").decision, "ImplicitDeny");
});

// IAM User Guide, "Policy evaluation logic" — "The difference between explicit and implicit
// denies": AllowGetList (iam:Get*, iam:List*) and DenyReports (iam:*Report).
test("evaluate: the guide's explicit and implicit deny example", () => {
  const p = doc({ Sid: "AllowGetList", Effect: "Allow", Action: ["iam:Get*", "iam:List*"], Resource: "*" }, { Sid: "DenyReports", Effect: "Deny", Action: "iam:*Report", Resource: "*" });
  const reports = doc({ Effect: "Allow", Action: "iam:GenerateCredentialReport", Resource: "*" });
  check(
    [p, reports],
    [
      ["iam:GetUser is allowed", "iam:GetUser", "*", {}, "Allow"],
      ["iam:ListRoles is allowed", "iam:ListRoles", "*", {}, "Allow"],
      ["iam:CreatePolicy is implicitly denied", "iam:CreatePolicy", "*", {}, "ImplicitDeny"],
      ["iam:GetOrganizationsAccessReport is explicitly denied", "iam:GetOrganizationsAccessReport", "*", {}, "ExplicitDeny"],
      ["another policy allowing a report does not undo the deny", "iam:GenerateCredentialReport", "*", {}, "ExplicitDeny"],
      ["actions compare without regard to case", "IAM:getuser", "*", {}, "Allow"],
    ],
  );
});

// IAM User Guide, "IAM JSON policy elements: NotAction" — NotAction with Allow (all S3 actions
// on S3 resources except DeleteBucket; everything but IAM) and with Deny (non-IAM actions
// without MFA, BoolIfExists).
test("evaluate: the guide's NotAction examples", () => {
  check(
    [doc({ Effect: "Allow", NotAction: "s3:DeleteBucket", Resource: "arn:aws:s3:::*" })],
    [
      ["another S3 action on an S3 resource", "s3:GetObject", "arn:aws:s3:::bucket/key", {}, "Allow"],
      ["the listed action", "s3:DeleteBucket", "arn:aws:s3:::bucket", {}, "ImplicitDeny"],
      ["ListAllMyBuckets needs Resource *", "s3:ListAllMyBuckets", "*", {}, "ImplicitDeny"],
      ["another service's resources are not S3's", "ec2:TerminateInstances", "arn:aws:ec2:us-east-1:123456789012:instance/i-1", {}, "ImplicitDeny"],
    ],
  );
  check(
    [doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" })],
    [
      ["everything outside IAM", "ecs:RunTask", "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1", {}, "Allow"],
      ["IAM is left out", "iam:CreateUser", "arn:aws:iam::123456789012:user/x", {}, "ImplicitDeny"],
    ],
  );
  const mfa = doc({ Sid: "DenyAllUsersNotUsingMFA", Effect: "Deny", NotAction: "iam:*", Resource: "*", Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } } });
  const all = doc({ Effect: "Allow", Action: "*", Resource: "*" });
  check(
    [mfa, all],
    [
      ["without MFA, non-IAM actions are denied", "ecs:ListClusters", "*", { "aws:MultiFactorAuthPresent": false }, "ExplicitDeny"],
      ["without the key at all (long-term keys), too", "ecs:ListClusters", "*", {}, "ExplicitDeny"],
      ["IAM actions are not denied by it", "iam:ListMFADevices", "*", { "aws:MultiFactorAuthPresent": false }, "Allow"],
      ["with MFA the Deny has no effect", "ecs:ListClusters", "*", { "aws:MultiFactorAuthPresent": true }, "Allow"],
    ],
  );
});

// IAM User Guide, "IAM JSON policy elements: NotResource" — HRPayroll: deny every S3 resource
// but HRBucket/Payroll; it affects S3 actions only and grants nothing by itself.
test("evaluate: the guide's NotResource example", () => {
  const deny = doc({ Effect: "Deny", Action: "s3:*", NotResource: ["arn:aws:s3:::HRBucket/Payroll", "arn:aws:s3:::HRBucket/Payroll/*"] });
  check(
    [deny],
    [["the Deny grants nothing", "s3:GetObject", "arn:aws:s3:::HRBucket/Payroll/march.csv", {}, "ImplicitDeny"]],
  );
  check(
    [deny, doc({ Effect: "Allow", Action: ["s3:*", "ec2:*"], Resource: "*" })],
    [
      ["the payroll folder", "s3:GetObject", "arn:aws:s3:::HRBucket/Payroll/march.csv", {}, "Allow"],
      ["the folder itself", "s3:ListBucket", "arn:aws:s3:::HRBucket/Payroll", {}, "Allow"],
      ["any other S3 resource", "s3:GetObject", "arn:aws:s3:::HRBucket/Other/x", {}, "ExplicitDeny"],
      ["EC2 is not touched by an S3-only Deny", "ec2:DescribeVpcs", "*", {}, "Allow"],
    ],
  );
});

// IAM User Guide, "IAM JSON policy elements: Condition operators" — one example per family:
// StringEquals on aws:PrincipalTag/job-category, StringLike with ${aws:username} (S3 home
// directory), NumericLessThanEquals on s3:max-keys, DateGreaterThan on aws:TokenIssueTime, Bool
// on aws:SecureTransport (Deny), IpAddress with IPv4 and IPv6 ranges, ArnEquals on
// aws:SourceArn, StringLikeIfExists on ec2:InstanceType, Null on aws:TokenIssueTime.
test("evaluate: the guide's condition operator examples", () => {
  check(
    [doc({ Effect: "Allow", Action: "iam:*AccessKey*", Resource: `arn:aws:iam::${ACCOUNT}:user/*`, Condition: { StringEquals: { "aws:PrincipalTag/job-category": "iamuser-admin" } } })],
    [
      ["tagged iamuser-admin", "iam:CreateAccessKey", `arn:aws:iam::${ACCOUNT}:user/bob`, { "aws:PrincipalTag/job-category": "iamuser-admin" }, "Allow"],
      ["another job category", "iam:CreateAccessKey", `arn:aws:iam::${ACCOUNT}:user/bob`, { "aws:PrincipalTag/job-category": "dev" }, "ImplicitDeny"],
      ["a user without the tag", "iam:CreateAccessKey", `arn:aws:iam::${ACCOUNT}:user/bob`, {}, "ImplicitDeny"],
      ["keys are case-insensitive", "iam:CreateAccessKey", `arn:aws:iam::${ACCOUNT}:user/bob`, { "AWS:PRINCIPALTAG/JOB-CATEGORY": "iamuser-admin" }, "Allow"],
      ["values are not", "iam:CreateAccessKey", `arn:aws:iam::${ACCOUNT}:user/bob`, { "aws:PrincipalTag/job-category": "IAMUSER-ADMIN" }, "ImplicitDeny"],
    ],
  );
  const home = doc(
    { Effect: "Allow", Action: ["s3:ListAllMyBuckets", "s3:GetBucketLocation"], Resource: "arn:aws:s3:::*" },
    { Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::BUCKET-NAME", Condition: { StringLike: { "s3:prefix": ["", "home/", "home/${aws:username}/"] } } },
    { Effect: "Allow", Action: "s3:*", Resource: ["arn:aws:s3:::BUCKET-NAME/home/${aws:username}", "arn:aws:s3:::BUCKET-NAME/home/${aws:username}/*"] },
  );
  check(
    [home],
    [
      ["listing the root", "s3:ListBucket", "arn:aws:s3:::BUCKET-NAME", { "aws:username": "carlossalazar", "s3:prefix": "" }, "Allow"],
      ["listing his home", "s3:ListBucket", "arn:aws:s3:::BUCKET-NAME", { "aws:username": "carlossalazar", "s3:prefix": "home/carlossalazar/" }, "Allow"],
      ["listing another home", "s3:ListBucket", "arn:aws:s3:::BUCKET-NAME", { "aws:username": "carlossalazar", "s3:prefix": "home/bob/" }, "ImplicitDeny"],
      ["writing in his home", "s3:PutObject", "arn:aws:s3:::BUCKET-NAME/home/carlossalazar/notes.txt", { "aws:username": "carlossalazar" }, "Allow"],
      ["writing in another home", "s3:PutObject", "arn:aws:s3:::BUCKET-NAME/home/bob/notes.txt", { "aws:username": "carlossalazar" }, "ImplicitDeny"],
      ["no user name (a role session): the variable matches nothing", "s3:PutObject", "arn:aws:s3:::BUCKET-NAME/home//x", {}, "ImplicitDeny"],
    ],
  );
  check(
    [doc({ Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::example_bucket", Condition: { NumericLessThanEquals: { "s3:max-keys": "10" } } })],
    [
      ["10 keys", "s3:ListBucket", "arn:aws:s3:::example_bucket", { "s3:max-keys": 10 }, "Allow"],
      ["9.5 keys (decimals compare too)", "s3:ListBucket", "arn:aws:s3:::example_bucket", { "s3:max-keys": "9.5" }, "Allow"],
      ["11 keys", "s3:ListBucket", "arn:aws:s3:::example_bucket", { "s3:max-keys": "11" }, "ImplicitDeny"],
      ["not a number", "s3:ListBucket", "arn:aws:s3:::example_bucket", { "s3:max-keys": "ten" }, "ImplicitDeny"],
    ],
  );
  check(
    [doc({ Effect: "Allow", Action: "iam:*AccessKey*", Resource: `arn:aws:iam::${ACCOUNT}:user/*`, Condition: { DateGreaterThan: { "aws:TokenIssueTime": "2020-01-01T00:00:01Z" } } })],
    [
      ["credentials issued in 2020", "iam:ListAccessKeys", `arn:aws:iam::${ACCOUNT}:user/a`, { "aws:TokenIssueTime": "2020-06-01T12:00:00Z" }, "Allow"],
      ["credentials from 2019", "iam:ListAccessKeys", `arn:aws:iam::${ACCOUNT}:user/a`, { "aws:TokenIssueTime": "2019-12-31T23:59:59Z" }, "ImplicitDeny"],
      ["epoch seconds compare the same way", "iam:ListAccessKeys", `arn:aws:iam::${ACCOUNT}:user/a`, { "aws:TokenIssueTime": 1590000000 }, "Allow"],
      ["long-term keys carry no issue time", "iam:ListAccessKeys", `arn:aws:iam::${ACCOUNT}:user/a`, {}, "ImplicitDeny"],
    ],
  );
  const ssl = doc({ Sid: "BooleanExample", Action: "s3:*", Effect: "Deny", Resource: ["arn:aws:s3:::DOC-EXAMPLE-BUCKET", "arn:aws:s3:::DOC-EXAMPLE-BUCKET/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } });
  check(
    [ssl, doc({ Effect: "Allow", Action: "s3:*", Resource: "*" })],
    [
      ["plain HTTP is denied", "s3:GetObject", "arn:aws:s3:::DOC-EXAMPLE-BUCKET/x", { "aws:SecureTransport": false }, "ExplicitDeny"],
      ["TLS is allowed", "s3:GetObject", "arn:aws:s3:::DOC-EXAMPLE-BUCKET/x", { "aws:SecureTransport": true }, "Allow"],
      ["'FALSE' as a string is the same boolean", "s3:GetObject", "arn:aws:s3:::DOC-EXAMPLE-BUCKET/x", { "aws:SecureTransport": "FALSE" }, "ExplicitDeny"],
    ],
  );
  check(
    [doc({ Effect: "Allow", Action: "someservice:*", Resource: "*", Condition: { IpAddress: { "aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"] } } })],
    [
      ["inside the IPv4 range", "someservice:Do", "*", { "aws:SourceIp": "203.0.113.7" }, "Allow"],
      ["outside it", "someservice:Do", "*", { "aws:SourceIp": "203.0.114.7" }, "ImplicitDeny"],
      ["inside the IPv6 range", "someservice:Do", "*", { "aws:SourceIp": "2001:db8:1234:5678:abcd::1" }, "Allow"],
      ["outside the IPv6 range", "someservice:Do", "*", { "aws:SourceIp": "2001:db8:1234:5679::1" }, "ImplicitDeny"],
      ["no source address (a VPC endpoint)", "someservice:Do", "*", {}, "ImplicitDeny"],
    ],
  );
  const sqs = policy(
    {
      Version: "2012-10-17",
      Statement: { Effect: "Allow", Principal: { AWS: ACCOUNT }, Action: "SQS:SendMessage", Resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:QUEUE-ID`, Condition: { ArnEquals: { "aws:SourceArn": `arn:aws:sns:us-east-1:${ACCOUNT}:TOPIC-ID` } } },
    },
    "resource",
  );
  const queue = `arn:aws:sqs:us-east-1:${ACCOUNT}:QUEUE-ID`;
  assert.equal(trustAllows(sqs, user("sns"), "sqs:SendMessage", { "aws:SourceArn": `arn:aws:sns:us-east-1:${ACCOUNT}:TOPIC-ID` }, queue).matchedBy, "account");
  assert.equal(trustAllows(sqs, user("sns"), "sqs:SendMessage", { "aws:SourceArn": `arn:aws:sns:us-east-1:${ACCOUNT}:OTHER` }, queue).decision, "ImplicitDeny");
  assert.equal(trustAllows(sqs, user("direct"), "sqs:SendMessage", {}, queue).decision, "ImplicitDeny", "an IAM user calling directly has no aws:SourceArn");

  const runInstances = doc(
    { Sid: "RunInstance", Effect: "Allow", Action: "ec2:RunInstances", Resource: "*", Condition: { StringLikeIfExists: { "ec2:InstanceType": ["t1.*", "t2.*", "m3.*"] } } },
  );
  const doesNotWork = doc({ Sid: "THISPOLICYDOESNOTWORK", Effect: "Allow", Action: "ec2:RunInstances", Resource: "*", Condition: { StringLike: { "ec2:InstanceType": ["t1.*", "t2.*", "m3.*"] } } });
  check(
    [runInstances],
    [
      ["the instance: t2.micro", "ec2:RunInstances", "arn:aws:ec2:us-east-1:123456789012:instance/*", { "ec2:InstanceType": "t2.micro" }, "Allow"],
      ["the instance: c5.large", "ec2:RunInstances", "arn:aws:ec2:us-east-1:123456789012:instance/*", { "ec2:InstanceType": "c5.large" }, "ImplicitDeny"],
      ["the image, which has no instance type", "ec2:RunInstances", "arn:aws:ec2:us-east-1::image/ami-1", {}, "Allow"],
    ],
  );
  check([doesNotWork], [["without IfExists the image fails the test", "ec2:RunInstances", "arn:aws:ec2:us-east-1::image/ami-1", {}, "ImplicitDeny"]]);
  check(
    [doc({ Action: "ec2:*", Effect: "Allow", Resource: "*", Condition: { Null: { "aws:TokenIssueTime": "true" } } })],
    [
      ["long-term credentials", "ec2:DescribeVpcs", "*", {}, "Allow"],
      ["temporary credentials", "ec2:DescribeVpcs", "*", { "aws:TokenIssueTime": "2024-01-01T00:00:00Z" }, "ImplicitDeny"],
    ],
  );
});

// IAM User Guide, "Creating a condition with multiple keys or values" — the DynamoDB Thread
// table: ForAllValues:StringEquals over dynamodb:Attributes (Allow GetItem), ForAnyValue (Deny
// PutItem of ID / PostDateTime), and the empty-set rules; multiple keys AND, values OR, and
// negated operators NOR.
test("evaluate: the guide's multi-valued condition key examples", () => {
  const thread = "arn:aws:dynamodb:us-east-1:123456789012:table/Thread";
  const allAllowed = doc({ Effect: "Allow", Action: "dynamodb:GetItem", Resource: "arn:aws:dynamodb:*:*:table/Thread", Condition: { "ForAllValues:StringEquals": { "dynamodb:Attributes": ["PostDateTime", "Message", "Tags"] } } });
  check(
    [allAllowed],
    [
      ["Message and Tags", "dynamodb:GetItem", thread, { "dynamodb:Attributes": ["Message", "Tags"] }, "Allow"],
      ["PostDateTime and UserName: UserName matches nothing", "dynamodb:GetItem", thread, { "dynamodb:Attributes": ["PostDateTime", "UserName"] }, "ImplicitDeny"],
      ["an empty list is true for ForAllValues", "dynamodb:GetItem", thread, { "dynamodb:Attributes": [] }, "Allow"],
      ["so is an absent key", "dynamodb:GetItem", thread, {}, "Allow"],
    ],
  );
  const anyDenied = doc({ Effect: "Deny", Action: "dynamodb:PutItem", Resource: "arn:aws:dynamodb:*:*:table/Thread", Condition: { "ForAnyValue:StringEquals": { "dynamodb:Attributes": ["ID", "PostDateTime"] } } });
  const allowAll = doc({ Effect: "Allow", Action: "dynamodb:*", Resource: "*" });
  check(
    [anyDenied, allowAll],
    [
      ["UserName, Message and PostDateTime: PostDateTime matches", "dynamodb:PutItem", thread, { "dynamodb:Attributes": ["UserName", "Message", "PostDateTime"] }, "ExplicitDeny"],
      ["UserName alone", "dynamodb:PutItem", thread, { "dynamodb:Attributes": ["UserName"] }, "Allow"],
      ["an empty list is false for ForAnyValue", "dynamodb:PutItem", thread, { "dynamodb:Attributes": [] }, "Allow"],
      ["one value in the request is a set of one", "dynamodb:PutItem", thread, { "dynamodb:Attributes": "ID" }, "ExplicitDeny"],
    ],
  );
  const andOr = doc({
    Effect: "Allow",
    Action: "s3:GetObject",
    Resource: "*",
    Condition: {
      StringEqualsIgnoreCase: { "aws:PrincipalTag/department": ["finance", "hr", "legal"], "aws:PrincipalTag/role": ["audit", "security"] },
      StringEquals: { "aws:PrincipalAccount": "123456789012" },
    },
  });
  check(
    [andOr],
    [
      ["both tags and the account", "s3:GetObject", "*", { "aws:PrincipalTag/department": "HR", "aws:PrincipalTag/role": "audit", "aws:PrincipalAccount": ACCOUNT }, "Allow"],
      ["one tag missing", "s3:GetObject", "*", { "aws:PrincipalTag/department": "hr", "aws:PrincipalAccount": ACCOUNT }, "ImplicitDeny"],
      ["another account", "s3:GetObject", "*", { "aws:PrincipalTag/department": "hr", "aws:PrincipalTag/role": "audit", "aws:PrincipalAccount": "555555555555" }, "ImplicitDeny"],
    ],
  );
  check(
    [doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "*", Condition: { StringNotEquals: { "aws:PrincipalAccount": ["111111111111", "222222222222"] } } })],
    [
      ["neither listed account", "s3:GetObject", "*", { "aws:PrincipalAccount": ACCOUNT }, "Allow"],
      ["one of them", "s3:GetObject", "*", { "aws:PrincipalAccount": "222222222222" }, "ImplicitDeny"],
      ["no account at all: a negated operator holds", "s3:GetObject", "*", {}, "Allow"],
    ],
  );
});

// IAM User Guide, "IAM policy elements: Variables and tags" — default values, and inverted
// operators against a variable with no value ("Policy variables with no value").
test("evaluate: the guide's policy variable examples", () => {
  check(
    [doc({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::DOC-EXAMPLE-BUCKET-${aws:PrincipalTag/team, 'company-wide'}" })],
    [
      ["team yellow reaches its bucket", "s3:ListBucket", "arn:aws:s3:::DOC-EXAMPLE-BUCKET-yellow", { "aws:PrincipalTag/team": "yellow" }, "Allow"],
      ["not another team's", "s3:ListBucket", "arn:aws:s3:::DOC-EXAMPLE-BUCKET-blue", { "aws:PrincipalTag/team": "yellow" }, "ImplicitDeny"],
      ["untagged users get the default", "s3:ListBucket", "arn:aws:s3:::DOC-EXAMPLE-BUCKET-company-wide", {}, "Allow"],
    ],
  );
  check(
    [
      doc({ Effect: "Deny", Action: "s3:GetObject", Resource: "arn:aws:s3:::example-bucket/*", Condition: { StringNotEquals: { "s3:ExistingObjectTag/Team": "${aws:PrincipalTag/Team}" } } }),
      doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }),
    ],
    [
      ["the same team", "s3:GetObject", "arn:aws:s3:::example-bucket/x", { "s3:ExistingObjectTag/Team": "red", "aws:PrincipalTag/Team": "red" }, "Allow"],
      ["another team", "s3:GetObject", "arn:aws:s3:::example-bucket/x", { "s3:ExistingObjectTag/Team": "red", "aws:PrincipalTag/Team": "blue" }, "ExplicitDeny"],
      ["a principal without the tag is denied", "s3:GetObject", "arn:aws:s3:::example-bucket/x", { "s3:ExistingObjectTag/Team": "red" }, "ExplicitDeny"],
    ],
  );
  // A 2008-10-17 document (or one without Version) takes ${…} literally.
  const legacy = policy({ Version: "2008-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::b/${aws:username}" }] });
  check([legacy], [["literal in 2008-10-17", "s3:GetObject", "arn:aws:s3:::b/carlos", { "aws:username": "carlos" }, "ImplicitDeny"]]);
});

test("evaluate: ECS — a user limited to ecs:Describe* describes and cannot RunTask; ecs:cluster scopes RunTask", () => {
  const describeOnly = doc({ Effect: "Allow", Action: "ecs:Describe*", Resource: "*" });
  const td = `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/web:3`;
  const prod = `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/prod`;
  check(
    [describeOnly],
    [
      ["DescribeClusters", "ecs:DescribeClusters", prod, {}, "Allow"],
      ["DescribeTasks", "ecs:DescribeTasks", `arn:aws:ecs:us-east-1:${ACCOUNT}:task/prod/abc`, { "ecs:cluster": prod }, "Allow"],
      ["RunTask", "ecs:RunTask", td, { "ecs:cluster": prod }, "ImplicitDeny"],
      ["ListClusters", "ecs:ListClusters", "*", {}, "ImplicitDeny"],
    ],
  );
  const runInProd = doc({ Effect: "Allow", Action: "ecs:RunTask", Resource: `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/web:*`, Condition: { ArnEquals: { "ecs:cluster": prod } } });
  check(
    [runInProd],
    [
      ["web in prod", "ecs:RunTask", td, { "ecs:cluster": prod }, "Allow"],
      ["web in staging", "ecs:RunTask", td, { "ecs:cluster": `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/staging` }, "ImplicitDeny"],
      ["another family in prod", "ecs:RunTask", `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/batch:1`, { "ecs:cluster": prod }, "ImplicitDeny"],
    ],
  );
});

test("evaluate: the root user is allowed unless something denies; no policies is an implicit deny", () => {
  const root: RequestPrincipal = { arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, kind: "root" };
  check([], [["root with nothing attached", "ecs:DeleteCluster", "*", {}, "Allow"]], root);
  check([doc({ Effect: "Deny", Action: "ecs:DeleteCluster", Resource: "*" })], [["root under a Deny", "ecs:DeleteCluster", "*", {}, "ExplicitDeny"]], root);
  check([], [["a user with nothing attached", "ecs:ListClusters", "*", {}, "ImplicitDeny"]]);
});

test("evaluate: the deciding statement is the Deny, else the first Allow, with its policy index", () => {
  const a = doc({ Sid: "A", Effect: "Allow", Action: "ecs:*", Resource: "*" });
  const b = doc({ Sid: "B", Effect: "Allow", Action: "ecs:ListClusters", Resource: "*" }, { Sid: "C", Effect: "Deny", Action: "ecs:DeleteCluster", Resource: "*" });
  const req = (action: string): AuthRequest => ({ principal: carlos, action, resource: "*", context: {} });
  assert.deepEqual(evaluate(req("ecs:ListClusters"), [a, b]), { decision: "Allow", statement: { policyIndex: 0, sid: "A" } });
  assert.deepEqual(evaluate(req("ecs:DeleteCluster"), [a, b]), { decision: "ExplicitDeny", statement: { policyIndex: 1, sid: "C" } });
  assert.deepEqual(evaluate(req("ec2:DescribeVpcs"), [a, b]), { decision: "ImplicitDeny" });
  // The compiled form is cached per document, and the per-action memo does not leak across actions.
  for (let i = 0; i < 3; i++) assert.equal(evaluate(req("ecs:DeleteCluster"), [a, b]).decision, "ExplicitDeny");
  assert.equal(evaluate(req("ecs:RunTask"), [a, b]).decision, "Allow");
  // A PolicySet decides the same, names the same statements, and keeps its own copy of the list.
  const list = [a, b];
  const set = new PolicySet(list);
  list.pop();
  assert.deepEqual(evaluate(req("ecs:DeleteCluster"), set), { decision: "ExplicitDeny", statement: { policyIndex: 1, sid: "C" } });
  assert.deepEqual(evaluate(req("ecs:ListClusters"), set), { decision: "Allow", statement: { policyIndex: 0, sid: "A" } });
});

test("evaluate: the context may come in layers, later ones winning, keys case-insensitive", () => {
  const p = doc({ Effect: "Allow", Action: "ecs:RunTask", Resource: "*", Condition: { ArnEquals: { "ecs:cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/prod" }, Bool: { "aws:SecureTransport": "true" } } });
  const run = (context: AuthRequest["context"]) => evaluate({ principal: carlos, action: "ecs:RunTask", resource: "*", context }, [p]).decision;
  const prod = { "ecs:cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/prod" };
  assert.equal(run([{ "aws:SecureTransport": true }, prod]), "Allow");
  assert.equal(run([{ "aws:SecureTransport": true }]), "ImplicitDeny");
  assert.equal(run([{ "aws:SecureTransport": true, "ECS:Cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/dev" }, prod]), "Allow", "the later layer wins");
  assert.equal(run([{ "aws:SecureTransport": true }, prod, { "aws:securetransport": false }]), "ImplicitDeny");
});

// IAM User Guide, "AWS JSON policy elements: Principal" — account principals (the id and its
// :root ARN behave the same and delegate to the account), role principals (cover the role's
// sessions), service principals, and "*"; NotPrincipal ("…: NotPrincipal").
test("trustAllows: principals in a role's trust policy", () => {
  const trust = (principal: unknown, extra: Record<string, unknown> = {}) =>
    policy({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole", ...extra }] }, "trust");
  const session: RequestPrincipal = { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/ci-42`, accountId: ACCOUNT, kind: "assumed-role" };
  const other: RequestPrincipal = { arn: "arn:aws:iam::555555555555:user/eve", accountId: "555555555555", kind: "user" };
  const table: [string, PolicyDocument, Parameters<typeof trustAllows>[1], string | undefined][] = [
    ["ECS tasks as a service principal", trust({ Service: "ecs-tasks.amazonaws.com" }), { service: "ecs-tasks.amazonaws.com" }, "service"],
    ["another service", trust({ Service: "ecs-tasks.amazonaws.com" }), { service: "ec2.amazonaws.com" }, undefined],
    ["a user under a service-only trust", trust({ Service: "ecs-tasks.amazonaws.com" }), carlos, undefined],
    ["the account id", trust({ AWS: ACCOUNT }), carlos, "account"],
    ["the account's :root ARN behaves the same", trust({ AWS: `arn:aws:iam::${ACCOUNT}:root` }), carlos, "account"],
    ["another account", trust({ AWS: ACCOUNT }), other, undefined],
    ["the user's own ARN", trust({ AWS: carlos.arn }), carlos, "principal"],
    ["own ARN wins over the account in one list", trust({ AWS: [ACCOUNT, carlos.arn] }), carlos, "principal"],
    ["a role covers its sessions", trust({ AWS: `arn:aws:iam::${ACCOUNT}:role/ci/deployer` }), session, "role"],
    ["another role's sessions", trust({ AWS: `arn:aws:iam::${ACCOUNT}:role/deployer2` }), session, undefined],
    ["a named session", trust({ AWS: session.arn }), session, "principal"],
    ["everyone", trust("*"), other, "everyone"],
    ["every AWS principal", trust({ AWS: "*" }), other, "everyone"],
  ];
  for (const [name, p, caller, want] of table) {
    const d = trustAllows(p, caller, "sts:AssumeRole", {});
    assert.equal(d.matchedBy, want, name);
    assert.equal(d.decision, want ? "Allow" : "ImplicitDeny", name);
  }
  assert.equal(trustAllows(trust({ AWS: ACCOUNT }), carlos, "sts:TagSession", {}).decision, "ImplicitDeny", "another action");

  const external = trust({ AWS: "555555555555" }, { Condition: { StringEquals: { "sts:ExternalId": "Unique-1" } } });
  assert.equal(trustAllows(external, other, "sts:AssumeRole", { "sts:ExternalId": "Unique-1" }).decision, "Allow");
  assert.equal(trustAllows(external, other, "sts:AssumeRole", {}).decision, "ImplicitDeny", "no external id");

  const notPrincipal = policy(
    {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { AWS: ACCOUNT }, Action: "sts:AssumeRole" },
        { Sid: "OnlyCarlos", Effect: "Deny", NotPrincipal: { AWS: carlos.arn }, Action: "sts:AssumeRole" },
      ],
    },
    "trust",
  );
  assert.equal(trustAllows(notPrincipal, carlos, "sts:AssumeRole", {}).decision, "Allow");
  assert.deepEqual(trustAllows(notPrincipal, user("bob"), "sts:AssumeRole", {}), { decision: "ExplicitDeny", statement: { policyIndex: 0, sid: "OnlyCarlos" } });
});

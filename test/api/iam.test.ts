// IAM on berth's port, driven by the unmodified AWS CLI (`aws iam ...`) and boto3: users, access
// keys, roles and trust policies, inline and managed policies and their attachments, paging,
// the built-in AWS managed policies; then bad input for each family of operations, asserting
// IAM's code, its message, its HTTP status, and that the store did not change.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AWS_ENV as ENV, missingTool, run } from "../helpers/aws-cli.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const doc = (statement: object | object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statement });
const trustEcsTasks = doc({ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" });
const EXEC_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";

describe("IAM against berth with the AWS CLI and boto3", async () => {
  const noCli = await missingTool("aws", ["--version"]);
  const noBoto = await missingTool("python3", ["-c", "import boto3"]);
  let s: TestServer;
  const account = "000000000000";
  // biome-ignore lint: JSON from the CLI
  const iam = async (...args: string[]): Promise<any> => {
    const { stdout } = await run("aws", ["iam", ...args, "--endpoint-url", s.url, "--output", "json"], { env: { ...process.env, ...ENV } });
    return stdout.trim() ? JSON.parse(stdout) : {};
  };
  const snapshot = () => s.cp.deps.cache.listEntries("/berth/").map((e) => `${e.key}@${e.modRevision}`);
  /** The CLI's failure, `Code: message`, and proof that nothing in the store changed. */
  const refused = async (...args: string[]): Promise<string> => {
    const before = snapshot();
    try {
      await iam(...args);
    } catch (err) {
      assert.deepEqual(snapshot(), before, `aws iam ${args[0]} changed the store although it failed`);
      const m = /An error occurred \((\w+)\) when calling the \w+ operation: (.*)/.exec((err as { stderr: string }).stderr);
      assert.ok(m, (err as { stderr: string }).stderr);
      return `${m[1]}: ${m[2]!.trim()}`;
    }
    throw new Error(`aws iam ${args.join(" ")} succeeded; it should have failed`);
  };
  /**
   * Each call's failure through boto3 (one process for the batch; client-side validation off, so
   * berth's own checks answer), as `Code (status): message`, and proof the store did not change.
   */
  const refusedAll = async (calls: [string, Record<string, unknown>][]): Promise<string[]> => {
    const before = snapshot();
    const script = `
import json, sys, boto3
from botocore.config import Config
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="AKIDTEST", aws_secret_access_key="secret",
                   config=Config(parameter_validation=False, retries={"max_attempts": 1}))
out = []
for op, params in json.loads(sys.argv[2]):
    try:
        getattr(iam, op)(**params)
        out.append("succeeded")
    except iam.exceptions.ClientError as e:
        out.append(f'{e.response["Error"]["Code"]} ({e.response["ResponseMetadata"]["HTTPStatusCode"]}): {e.response["Error"]["Message"]}')
print(json.dumps(out))
`;
    const { stdout } = await run("python3", ["-c", script, s.url, JSON.stringify(calls)]);
    assert.deepEqual(snapshot(), before, "a refused call changed the store");
    return JSON.parse(stdout);
  };
  /** A raw query request (unsigned: the default account's root in local mode), answered as XML. */
  const raw = async (params: Record<string, string>) => {
    const res = await fetch(s.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
      body: new URLSearchParams({ Version: "2010-05-08", ...params }).toString(),
    });
    return { status: res.status, body: await res.text() };
  };
  before(async () => {
    if (noCli) return;
    s = await startTestServer({ scheduler: false, loadBalancers: false });
  });
  after(async () => {
    if (s) await s.close();
  });

  it("creates, reads, lists and deletes users and their access keys", { skip: noCli }, async () => {
    const alice = (await iam("create-user", "--user-name", "alice", "--path", "/team-a/", "--tags", "Key=team,Value=a")).User;
    assert.match(alice.UserId, /^AIDA[A-Z2-7]{17}$/);
    assert.equal(alice.Arn, `arn:aws:iam::${account}:user/team-a/alice`);
    assert.deepEqual(alice.Tags, [{ Key: "team", Value: "a" }]);
    await iam("wait", "user-exists", "--user-name", "alice");
    assert.deepEqual((await iam("get-user", "--user-name", "ALICE")).User.UserId, alice.UserId, "names are found without regard to case");
    const root = (await iam("get-user")).User;
    assert.deepEqual([root.Arn, root.UserId], [`arn:aws:iam::${account}:root`, account], "the root's GetUser without a name");

    const k1 = (await iam("create-access-key", "--user-name", "alice")).AccessKey;
    assert.match(k1.AccessKeyId, /^AKIA[A-Z2-7]{16}$/);
    assert.equal(k1.SecretAccessKey.length, 40);
    assert.equal(k1.Status, "Active");
    const k2 = (await iam("create-access-key", "--user-name", "alice")).AccessKey;
    assert.equal(await refused("create-access-key", "--user-name", "alice"), "LimitExceeded: Cannot exceed quota for AccessKeysPerUser: 2");
    await iam("update-access-key", "--user-name", "alice", "--access-key-id", k1.AccessKeyId, "--status", "Inactive");
    const keys = (await iam("list-access-keys", "--user-name", "alice")).AccessKeyMetadata;
    assert.deepEqual(
      keys.map((k: { AccessKeyId: string; Status: string; UserName: string }) => [k.AccessKeyId, k.Status, k.UserName]).sort(),
      [
        [k1.AccessKeyId, "Inactive", "alice"],
        [k2.AccessKeyId, "Active", "alice"],
      ].sort(),
    );
    assert.ok(!JSON.stringify(keys).includes(k1.SecretAccessKey), "a listing never shows a secret");
    assert.equal(await refused("delete-user", "--user-name", "alice"), "DeleteConflict: Cannot delete entity, must delete access keys first.");
    await iam("delete-access-key", "--user-name", "alice", "--access-key-id", k1.AccessKeyId);
    await iam("delete-access-key", "--user-name", "alice", "--access-key-id", k2.AccessKeyId);
    assert.equal(await refused("delete-access-key", "--user-name", "alice", "--access-key-id", k2.AccessKeyId), `NoSuchEntity: The Access Key with id ${k2.AccessKeyId} cannot be found.`);

    await iam("put-user-policy", "--user-name", "alice", "--policy-name", "read", "--policy-document", doc({ Effect: "Allow", Action: "ecs:Describe*", Resource: "*" }));
    assert.equal(await refused("delete-user", "--user-name", "alice"), "DeleteConflict: Cannot delete entity, must delete policies first.");
    await iam("delete-user-policy", "--user-name", "alice", "--policy-name", "read");
    await iam("attach-user-policy", "--user-name", "alice", "--policy-arn", "arn:aws:iam::aws:policy/ReadOnlyAccess");
    assert.equal(await refused("delete-user", "--user-name", "alice"), "DeleteConflict: Cannot delete entity, must detach all policies first.");
    await iam("detach-user-policy", "--user-name", "alice", "--policy-arn", "arn:aws:iam::aws:policy/ReadOnlyAccess");
    await iam("delete-user", "--user-name", "alice");
    assert.equal(await refused("get-user", "--user-name", "alice"), "NoSuchEntity: The user with name alice cannot be found.");
  });

  it("creates roles with trust policies, returns documents as IAM does, and refuses bad trust policies", { skip: noCli }, async () => {
    const role = (await iam("create-role", "--role-name", "app-task", "--path", "/ecs/", "--assume-role-policy-document", trustEcsTasks, "--description", "the app", "--max-session-duration", "7200")).Role;
    assert.match(role.RoleId, /^AROA[A-Z2-7]{17}$/);
    assert.equal(role.Arn, `arn:aws:iam::${account}:role/ecs/app-task`);
    assert.deepEqual(role.AssumeRolePolicyDocument, JSON.parse(trustEcsTasks), "the CLI decodes the URL-encoded document");
    await iam("wait", "role-exists", "--role-name", "app-task");
    const got = (await iam("get-role", "--role-name", "app-task")).Role;
    assert.deepEqual([got.Description, got.MaxSessionDuration, got.Path], ["the app", 7200, "/ecs/"]);

    // On the wire the document is URL-encoded, as IAM sends it; other SDKs hand that to users.
    const wire = await raw({ Action: "GetRole", RoleName: "app-task" });
    assert.equal(wire.status, 200);
    assert.ok(wire.body.includes(`<AssumeRolePolicyDocument>${encodeURIComponent(trustEcsTasks)}</AssumeRolePolicyDocument>`), wire.body);
    assert.ok(wire.body.includes('<GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetRoleResult><Role>'), wire.body);

    const newTrust = doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "sts:AssumeRole" });
    await iam("update-assume-role-policy", "--role-name", "app-task", "--policy-document", newTrust);
    assert.deepEqual((await iam("get-role", "--role-name", "app-task")).Role.AssumeRolePolicyDocument, JSON.parse(newTrust));

    assert.equal(
      await refused("create-role", "--role-name", "APP-TASK", "--assume-role-policy-document", trustEcsTasks),
      "EntityAlreadyExists: Role with name APP-TASK already exists.",
      "names are unique without regard to case",
    );
    const manyPrincipals = doc(Array.from({ length: 40 }, (_, i) => ({ Effect: "Allow", Principal: { Service: `svc${i}.amazonaws.com` }, Action: "sts:AssumeRole" })));
    const cases: [string, Record<string, unknown>, string][] = [
      ["create_role", { RoleName: "r1", AssumeRolePolicyDocument: "{not json" }, "MalformedPolicyDocument (400): Syntax errors in policy."],
      ["create_role", { RoleName: "r1", AssumeRolePolicyDocument: doc({ Effect: "Allow", Action: "sts:AssumeRole" }) }, "MalformedPolicyDocument (400): Missing required field Principal"],
      [
        "create_role",
        { RoleName: "r1", AssumeRolePolicyDocument: doc({ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole", Resource: "*" }) },
        "MalformedPolicyDocument (400): Has prohibited field Resource",
      ],
      ["create_role", { RoleName: "r1", AssumeRolePolicyDocument: manyPrincipals }, "LimitExceeded (409): Cannot exceed quota for ACLSizePerRole: 2048"],
      [
        "create_role",
        { RoleName: "bad name", AssumeRolePolicyDocument: trustEcsTasks },
        "ValidationError (400): 1 validation error detected: Value 'bad name' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
      ],
      [
        "create_role",
        { RoleName: "r1", Path: "ecs", AssumeRolePolicyDocument: trustEcsTasks },
        "ValidationError (400): 1 validation error detected: Value 'ecs' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)",
      ],
      [
        "create_role",
        { RoleName: "r1", MaxSessionDuration: 60, AssumeRolePolicyDocument: trustEcsTasks },
        "ValidationError (400): 1 validation error detected: Value '60' at 'MaxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600",
      ],
      ["create_role", { RoleName: "r1" }, "ValidationError (400): The request must contain the parameter AssumeRolePolicyDocument"],
      ["get_role", { RoleName: "nope" }, "NoSuchEntity (404): The role with name nope cannot be found."],
      ["delete_role", { RoleName: "nope" }, "NoSuchEntity (404): The role with name nope cannot be found."],
      ["update_assume_role_policy", { RoleName: "nope", PolicyDocument: trustEcsTasks }, "NoSuchEntity (404): The role with name nope cannot be found."],
      [
        "update_assume_role_policy",
        { RoleName: "app-task", PolicyDocument: doc({ Effect: "allow", Principal: "*", Action: "sts:AssumeRole" }) },
        "MalformedPolicyDocument (400): The policy failed legacy parsing",
      ],
    ];
    assert.deepEqual(await refusedAll(cases.map(([op, params]) => [op, params])), cases.map((c) => c[2]));
  });

  it("keeps inline policies of roles and users, with IAM's size quotas", { skip: noCli }, async () => {
    await iam("create-role", "--role-name", "inline", "--assume-role-policy-document", trustEcsTasks);
    await iam("create-user", "--user-name", "bob");
    const list = doc({ Effect: "Allow", Action: ["ecs:ListClusters", "ecs:DescribeClusters"], Resource: "*" });
    await iam("put-role-policy", "--role-name", "inline", "--policy-name", "ecs-read", "--policy-document", list);
    await iam("put-role-policy", "--role-name", "inline", "--policy-name", "logs", "--policy-document", doc({ Effect: "Allow", Action: "logs:*", Resource: "*" }));
    const got = await iam("get-role-policy", "--role-name", "inline", "--policy-name", "ecs-read");
    assert.deepEqual(got, { RoleName: "inline", PolicyName: "ecs-read", PolicyDocument: JSON.parse(list) });
    assert.deepEqual((await iam("list-role-policies", "--role-name", "inline")).PolicyNames, ["ecs-read", "logs"]);
    await iam("put-user-policy", "--user-name", "bob", "--policy-name", "p", "--policy-document", list);
    assert.deepEqual((await iam("get-user-policy", "--user-name", "bob", "--policy-name", "p")).PolicyDocument, JSON.parse(list));
    assert.deepEqual((await iam("list-user-policies", "--user-name", "bob")).PolicyNames, ["p"]);
    assert.equal(await refused("delete-role", "--role-name", "inline"), "DeleteConflict: Cannot delete entity, must delete policies first.");

    // 2,048 characters (whitespace not counted) is a user's whole inline quota.
    const big = doc(Array.from({ length: 30 }, (_, i) => ({ Effect: "Allow", Action: `ecs:Describe${"x".repeat(20)}${i}`, Resource: "*" })));
    assert.equal(await refused("put-user-policy", "--user-name", "bob", "--policy-name", "big", "--policy-document", big), "LimitExceeded: Maximum policy size of 2048 bytes exceeded for user bob");
    const cases: [string, Record<string, unknown>, string][] = [
      ["put_role_policy", { RoleName: "inline", PolicyName: "p2", PolicyDocument: doc({ Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*" }) }, "MalformedPolicyDocument (400): Policy document should not specify a principal."],
      ["put_role_policy", { RoleName: "inline", PolicyName: "p2", PolicyDocument: doc({ Effect: "Allow", Action: "s3:*" }) }, "MalformedPolicyDocument (400): Policy statement must contain resources."],
      [
        "put_role_policy",
        { RoleName: "inline", PolicyName: "p2", PolicyDocument: doc({ Effect: "Allow", Action: "ListClusters", Resource: "*" }) },
        "MalformedPolicyDocument (400): Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
      ],
      ["put_role_policy", { RoleName: "nope", PolicyName: "p2", PolicyDocument: list }, "NoSuchEntity (404): The role with name nope cannot be found."],
      ["put_user_policy", { UserName: "nope", PolicyName: "p2", PolicyDocument: list }, "NoSuchEntity (404): The user with name nope cannot be found."],
      ["get_role_policy", { RoleName: "inline", PolicyName: "nope" }, "NoSuchEntity (404): The role policy with name nope cannot be found."],
      ["get_user_policy", { UserName: "bob", PolicyName: "nope" }, "NoSuchEntity (404): The user policy with name nope cannot be found."],
      ["delete_role_policy", { RoleName: "inline", PolicyName: "nope" }, "NoSuchEntity (404): The role policy with name nope cannot be found."],
      ["delete_user_policy", { UserName: "bob", PolicyName: "nope" }, "NoSuchEntity (404): The user policy with name nope cannot be found."],
      ["list_role_policies", { RoleName: "nope" }, "NoSuchEntity (404): The role with name nope cannot be found."],
      [
        "put_role_policy",
        { RoleName: "inline", PolicyName: "a/b", PolicyDocument: list },
        "ValidationError (400): 1 validation error detected: Value 'a/b' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
      ],
      ["put_role_policy", { RoleName: "inline", PolicyName: "x".repeat(129), PolicyDocument: list }, `ValidationError (400): 1 validation error detected: Value '${"x".repeat(64)}' at 'PolicyName' failed to satisfy constraint: Member must have length less than or equal to 128`],
    ];
    assert.deepEqual(await refusedAll(cases.map(([op, params]) => [op, params])), cases.map((c) => c[2]));

    await iam("delete-role-policy", "--role-name", "inline", "--policy-name", "ecs-read");
    await iam("delete-role-policy", "--role-name", "inline", "--policy-name", "logs");
    assert.deepEqual((await iam("list-role-policies", "--role-name", "inline")).PolicyNames, []);
    await iam("delete-role", "--role-name", "inline");
    await iam("delete-user-policy", "--user-name", "bob", "--policy-name", "p");
    await iam("delete-user", "--user-name", "bob");
  });

  it("creates managed policies, attaches them and AWS's to roles and users, and refuses what IAM refuses", { skip: noCli }, async () => {
    const policyDoc = doc({ Sid: "Ecs", Effect: "Allow", Action: "ecs:ListClusters", Resource: "*" });
    const policy = (await iam("create-policy", "--policy-name", "list-clusters", "--path", "/app/", "--policy-document", policyDoc, "--description", "lists")).Policy;
    assert.match(policy.PolicyId, /^ANPA[A-Z2-7]{17}$/);
    assert.deepEqual([policy.Arn, policy.DefaultVersionId, policy.AttachmentCount, policy.IsAttachable], [`arn:aws:iam::${account}:policy/app/list-clusters`, "v1", 0, true]);
    await iam("wait", "policy-exists", "--policy-arn", policy.Arn);
    const version = (await iam("get-policy-version", "--policy-arn", policy.Arn, "--version-id", "v1")).PolicyVersion;
    assert.deepEqual([version.Document, version.IsDefaultVersion, version.VersionId], [JSON.parse(policyDoc), true, "v1"]);
    const exec = (await iam("get-policy-version", "--policy-arn", EXEC_POLICY, "--version-id", "v1")).PolicyVersion.Document;
    assert.deepEqual(exec.Statement[0].Action, ["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "logs:CreateLogStream", "logs:PutLogEvents"]);

    await iam("create-role", "--role-name", "task-exec", "--assume-role-policy-document", trustEcsTasks);
    await iam("attach-role-policy", "--role-name", "task-exec", "--policy-arn", EXEC_POLICY);
    await iam("attach-role-policy", "--role-name", "task-exec", "--policy-arn", policy.Arn);
    await iam("attach-role-policy", "--role-name", "task-exec", "--policy-arn", policy.Arn);
    assert.deepEqual((await iam("list-attached-role-policies", "--role-name", "task-exec")).AttachedPolicies, [
      { PolicyName: "AmazonECSTaskExecutionRolePolicy", PolicyArn: EXEC_POLICY },
      { PolicyName: "list-clusters", PolicyArn: policy.Arn },
    ]);
    assert.deepEqual((await iam("list-attached-role-policies", "--role-name", "task-exec", "--path-prefix", "/app/")).AttachedPolicies, [{ PolicyName: "list-clusters", PolicyArn: policy.Arn }]);
    await iam("create-user", "--user-name", "carol");
    await iam("attach-user-policy", "--user-name", "carol", "--policy-arn", policy.Arn);
    assert.deepEqual((await iam("list-attached-user-policies", "--user-name", "carol")).AttachedPolicies, [{ PolicyName: "list-clusters", PolicyArn: policy.Arn }]);
    const got = (await iam("get-policy", "--policy-arn", policy.Arn)).Policy;
    assert.deepEqual([got.AttachmentCount, got.Description], [2, "lists"]);

    const local = (await iam("list-policies", "--scope", "Local")).Policies.map((p: { Arn: string }) => p.Arn);
    assert.deepEqual(local, [policy.Arn]);
    const awsOnes = (await iam("list-policies", "--scope", "AWS")).Policies.map((p: { PolicyName: string }) => p.PolicyName);
    assert.deepEqual(awsOnes, ["AdministratorAccess", "AmazonECSTaskExecutionRolePolicy", "ReadOnlyAccess"]);
    const attached = (await iam("list-policies", "--only-attached")).Policies.map((p: { PolicyName: string; AttachmentCount: number }) => [p.PolicyName, p.AttachmentCount]);
    assert.deepEqual(attached, [["AmazonECSTaskExecutionRolePolicy", 1], ["list-clusters", 2]]);

    for (let i = 0; i < 9; i++) assert.equal((await raw({ Action: "CreatePolicy", PolicyName: `filler-${i}`, PolicyDocument: policyDoc })).status, 200);
    for (let i = 0; i < 8; i++) assert.equal((await raw({ Action: "AttachRolePolicy", RoleName: "task-exec", PolicyArn: `arn:aws:iam::${account}:policy/filler-${i}` })).status, 200);
    assert.equal(
      await refused("attach-role-policy", "--role-name", "task-exec", "--policy-arn", `arn:aws:iam::${account}:policy/filler-8`),
      "LimitExceeded: Cannot exceed quota for PoliciesPerRole: 10",
    );
    const cases: [string, Record<string, unknown>, string][] = [
      ["create_policy", { PolicyName: "LIST-CLUSTERS", PolicyDocument: policyDoc }, "EntityAlreadyExists (409): A policy called LIST-CLUSTERS already exists. Duplicate names are not allowed."],
      ["create_policy", { PolicyName: "p", PolicyDocument: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:*", Resource: "*" }) }, "MalformedPolicyDocument (400): Policy document should not specify a principal."],
      [
        "create_policy",
        { PolicyName: "p", Path: "/a b/", PolicyDocument: policyDoc },
        "ValidationError (400): 1 validation error detected: Value '/a b/' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: ((/[A-Za-z0-9\\.,\\+@=_-]+)*)/",
      ],
      ["attach_role_policy", { RoleName: "task-exec", PolicyArn: `arn:aws:iam::${account}:policy/nope` }, `NoSuchEntity (404): Policy arn:aws:iam::${account}:policy/nope does not exist or is not attachable.`],
      ["attach_role_policy", { RoleName: "task-exec", PolicyArn: "arn:aws:iam::aws:policy/NoSuchAwsPolicy" }, "NoSuchEntity (404): Policy arn:aws:iam::aws:policy/NoSuchAwsPolicy does not exist or is not attachable."],
      ["attach_role_policy", { RoleName: "task-exec", PolicyArn: "arn:aws:iam::123:polcy/x" }, "InvalidInput (400): ARN arn:aws:iam::123:polcy/x is not valid."],
      ["attach_user_policy", { UserName: "nope", PolicyArn: policy.Arn }, "NoSuchEntity (404): The user with name nope cannot be found."],
      ["detach_user_policy", { UserName: "carol", PolicyArn: EXEC_POLICY }, `NoSuchEntity (404): Policy ${EXEC_POLICY} was not found.`],
      ["get_policy", { PolicyArn: `arn:aws:iam::${account}:policy/nope` }, `NoSuchEntity (404): Policy arn:aws:iam::${account}:policy/nope was not found.`],
      ["get_policy", { PolicyArn: `arn:aws:iam::210987654321:policy/list-clusters` }, "NoSuchEntity (404): Policy arn:aws:iam::210987654321:policy/list-clusters was not found."],
      ["get_policy_version", { PolicyArn: policy.Arn, VersionId: "v2" }, `NoSuchEntity (404): Policy ${policy.Arn} version v2 does not exist or is not attachable.`],
      ["get_policy_version", { PolicyArn: policy.Arn, VersionId: "2" }, "ValidationError (400): 1 validation error detected: Value '2' at 'versionId' failed to satisfy constraint: Member must satisfy regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?"],
      ["delete_policy", { PolicyArn: policy.Arn }, "DeleteConflict (409): Cannot delete a policy attached to entities."],
      ["delete_policy", { PolicyArn: EXEC_POLICY }, `InvalidInput (400): Policy ${EXEC_POLICY} is an AWS managed policy and cannot be deleted.`],
      ["delete_role", { RoleName: "task-exec" }, "DeleteConflict (409): Cannot delete entity, must detach all policies first."],
      ["list_attached_role_policies", { RoleName: "nope" }, "NoSuchEntity (404): The role with name nope cannot be found."],
    ];
    assert.deepEqual(await refusedAll(cases.map(([op, params]) => [op, params])), cases.map((c) => c[2]));

    await iam("detach-user-policy", "--user-name", "carol", "--policy-arn", policy.Arn);
    await iam("delete-user", "--user-name", "carol");
    for (const p of (await iam("list-attached-role-policies", "--role-name", "task-exec")).AttachedPolicies) {
      await iam("detach-role-policy", "--role-name", "task-exec", "--policy-arn", p.PolicyArn);
    }
    await iam("delete-role", "--role-name", "task-exec");
    await iam("delete-policy", "--policy-arn", policy.Arn);
    assert.equal(await refused("get-policy", "--policy-arn", policy.Arn), `NoSuchEntity: Policy ${policy.Arn} was not found.`);
  });

  it("is global: what one region made, every region sees", { skip: noCli }, async () => {
    const inEu = await run("aws", ["iam", "create-user", "--user-name", "global-user", "--endpoint-url", s.url, "--region", "eu-west-1", "--output", "json"], { env: { ...process.env, ...ENV } });
    const arn = JSON.parse(inEu.stdout).User.Arn;
    const inAp = await run("aws", ["iam", "get-user", "--user-name", "global-user", "--endpoint-url", s.url, "--region", "ap-south-1", "--output", "json"], { env: { ...process.env, ...ENV } });
    assert.equal(JSON.parse(inAp.stdout).User.Arn, arn);
    await iam("delete-user", "--user-name", "global-user");
  });

  it("pages with Marker, IsTruncated and MaxItems; the CLI follows them; boto3 sees IAM's statuses", { skip: noCli || noBoto }, async () => {
    for (let i = 0; i < 5; i++) assert.equal((await raw({ Action: "CreateUser", UserName: `pager-${i}`, Path: "/pager/" })).status, 200);
    for (let i = 0; i < 3; i++) assert.equal((await raw({ Action: "CreateRole", RoleName: `pager-${i}`, Path: "/pager/", AssumeRolePolicyDocument: trustEcsTasks })).status, 200);
    const all = (await iam("list-users", "--path-prefix", "/pager/", "--page-size", "2")).Users.map((u: { UserName: string }) => u.UserName);
    assert.deepEqual(all, ["pager-0", "pager-1", "pager-2", "pager-3", "pager-4"], "the CLI followed the markers, two at a time");
    const script = `
import json, sys, boto3
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="AKIDTEST", aws_secret_access_key="secret")
pages = []
marker = None
while True:
    kw = {"PathPrefix": "/pager/", "MaxItems": 2}
    if marker: kw["Marker"] = marker
    r = iam.list_users(**kw)
    pages.append([[u["UserName"] for u in r["Users"]], r["IsTruncated"], "Marker" in r])
    if not r["IsTruncated"]: break
    marker = r["Marker"]
roles = [len(p["Roles"]) for p in iam.get_paginator("list_roles").paginate(PathPrefix="/pager/", PaginationConfig={"PageSize": 2})]
errors = []
try:
    iam.get_role(RoleName="missing")
except iam.exceptions.NoSuchEntityException as e:
    errors.append([e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Type"]])
try:
    iam.create_role(RoleName="pager-0", AssumeRolePolicyDocument=sys.argv[2])
except iam.exceptions.EntityAlreadyExistsException as e:
    errors.append([e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Type"]])
try:
    iam.put_role_policy(RoleName="pager-1", PolicyName="x", PolicyDocument="{")
except iam.exceptions.MalformedPolicyDocumentException as e:
    errors.append([e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Type"]])
try:
    iam.list_users(Marker="garbage!")
except iam.exceptions.ClientError as e:
    errors.append([e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Type"]])
role = iam.get_role(RoleName="pager-0")["Role"]
print(json.dumps({"pages": pages, "roles": roles, "errors": errors, "trust": role["AssumeRolePolicyDocument"]}))
`;
    const { stdout } = await run("python3", ["-c", script, s.url, trustEcsTasks]);
    const out = JSON.parse(stdout);
    assert.deepEqual(out.pages, [
      [["pager-0", "pager-1"], true, true],
      [["pager-2", "pager-3"], true, true],
      [["pager-4"], false, false],
    ]);
    assert.deepEqual(out.roles, [2, 1]);
    assert.deepEqual(out.errors, [
      ["NoSuchEntity", 404, "Sender"],
      ["EntityAlreadyExists", 409, "Sender"],
      ["MalformedPolicyDocument", 400, "Sender"],
      ["ValidationError", 400, "Sender"],
    ]);
    assert.deepEqual(out.trust, JSON.parse(trustEcsTasks), "botocore decodes the document");
    assert.equal((await raw({ Action: "ListUsers", MaxItems: "0" })).status, 400, "MaxItems 1–1000");
    assert.match((await raw({ Action: "NoSuchThing" })).body, /<Code>InvalidAction<\/Code>/);
  });
});

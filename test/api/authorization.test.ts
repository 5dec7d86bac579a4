// Policies enforced on every operation, through the unmodified AWS CLI: the root makes a user
// limited to ecs:Describe*/List* and a key for it; that user can describe and list, and is
// refused RunTask, CreateCluster, ELBv2, EC2 and IAM writes in each service's own words (and
// nothing changes); a policy added later takes effect on the next request; an explicit deny
// wins; sts get-caller-identity needs no permission.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AWS_ENV as ENV, missingTool, run } from "../helpers/aws-cli.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const ACCOUNT = "000000000000";
const doc = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

describe("IAM policies enforced on every operation (AWS CLI)", async () => {
  const noCli = await missingTool("aws", ["--version"]);
  let s: TestServer;
  let viewerEnv: Record<string, string>;
  // biome-ignore lint: JSON from the CLI
  const aws = async (env: Record<string, string>, ...args: string[]): Promise<any> => {
    const { stdout } = await run("aws", [...args, "--endpoint-url", s.url, "--output", "json"], { env: { ...process.env, ...env } });
    return stdout.trim() ? JSON.parse(stdout) : {};
  };
  const asRoot = (...args: string[]) => aws(ENV, ...args);
  const asViewer = (...args: string[]) => aws(viewerEnv, ...args);
  const snapshot = () => s.cp.deps.cache.listEntries("/berth/").map((e) => `${e.key}@${e.modRevision}`);
  /** The viewer's call refused: `Code: message`, with the store unchanged. */
  const refused = async (...args: string[]): Promise<string> => {
    const before = snapshot();
    try {
      await asViewer(...args);
    } catch (err) {
      assert.deepEqual(snapshot(), before, `aws ${args.slice(0, 2).join(" ")} changed the store although it was refused`);
      const m = /An error occurred \(([\w.]+)\) when calling the \w+ operation: (.*)/.exec((err as { stderr: string }).stderr);
      assert.ok(m, (err as { stderr: string }).stderr);
      return `${m[1]}: ${m[2]!.trim()}`;
    }
    throw new Error(`aws ${args.join(" ")} succeeded; it should have been refused`);
  };

  before(async () => {
    if (noCli) return;
    s = await startTestServer({ scheduler: false, loadBalancers: false });
    await asRoot("ecs", "create-cluster", "--cluster-name", "prod");
    await asRoot("ecs", "register-task-definition", "--family", "web", "--container-definitions", JSON.stringify([{ name: "app", image: "busybox", memory: 16 }]));
    await asRoot("iam", "create-user", "--user-name", "viewer");
    await asRoot("iam", "put-user-policy", "--user-name", "viewer", "--policy-name", "read", "--policy-document", doc({ Effect: "Allow", Action: ["ecs:Describe*", "ecs:List*"], Resource: "*" }));
    const { AccessKey } = await asRoot("iam", "create-access-key", "--user-name", "viewer");
    viewerEnv = { ...ENV, AWS_ACCESS_KEY_ID: AccessKey.AccessKeyId, AWS_SECRET_ACCESS_KEY: AccessKey.SecretAccessKey };
  });
  after(async () => {
    await s?.close();
  });

  it("lets the user describe and list", { skip: noCli }, async () => {
    const { clusters } = await asViewer("ecs", "describe-clusters", "--clusters", "prod");
    assert.equal(clusters[0].clusterName, "prod");
    const { clusterArns } = await asViewer("ecs", "list-clusters");
    assert.ok(clusterArns.includes(`arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/prod`));
  });

  it("refuses RunTask on the task definition, with AWS's message", { skip: noCli }, async () => {
    assert.equal(
      await refused("ecs", "run-task", "--cluster", "prod", "--task-definition", "web:1"),
      `AccessDeniedException: User: arn:aws:iam::${ACCOUNT}:user/viewer is not authorized to perform: ecs:RunTask on resource: arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/web:1 because no identity-based policy allows the ecs:RunTask action`,
    );
    assert.match(await refused("ecs", "create-cluster", "--cluster-name", "other"), /^AccessDeniedException: User: .*user\/viewer is not authorized to perform: ecs:CreateCluster on resource: arn:aws:ecs:us-east-1:0{12}:cluster\/other because/);
  });

  it("refuses the query services in their own words", { skip: noCli }, async () => {
    assert.match(await refused("elbv2", "describe-load-balancers"), /^AccessDenied: User: .*user\/viewer is not authorized to perform: elasticloadbalancing:DescribeLoadBalancers on resource: \*/);
    assert.match(await refused("ec2", "describe-vpcs"), /^UnauthorizedOperation: You are not authorized to perform this operation\. User: .*user\/viewer is not authorized to perform: ec2:DescribeVpcs/);
    assert.match(await refused("iam", "create-user", "--user-name", "mallory"), /^AccessDenied: User: .*user\/viewer is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::0{12}:user\/mallory because/);
  });

  it("answers sts get-caller-identity without any permission", { skip: noCli }, async () => {
    const me = await asViewer("sts", "get-caller-identity");
    assert.equal(me.Arn, `arn:aws:iam::${ACCOUNT}:user/viewer`);
  });

  it("follows policy changes at once: a grant, then an explicit deny that wins over it", { skip: noCli }, async () => {
    await asRoot("iam", "put-user-policy", "--user-name", "viewer", "--policy-name", "elb", "--policy-document", doc({ Effect: "Allow", Action: "elasticloadbalancing:Describe*", Resource: "*" }));
    const { LoadBalancers } = await asViewer("elbv2", "describe-load-balancers");
    assert.deepEqual(LoadBalancers, []);
    await asRoot("iam", "put-user-policy", "--user-name", "viewer", "--policy-name", "no-prod", "--policy-document", doc({ Effect: "Deny", Action: "ecs:*", Resource: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/prod` }));
    assert.match(await refused("ecs", "describe-clusters", "--clusters", "prod"), /with an explicit deny in an identity-based policy$/);
  });

  it("refuses a registration with a role the user may not pass (iam:PassRole), and takes it once allowed", { skip: noCli }, async () => {
    await asRoot("iam", "put-user-policy", "--user-name", "viewer", "--policy-name", "register", "--policy-document", doc({ Effect: "Allow", Action: "ecs:RegisterTaskDefinition", Resource: "*" }));
    const register = ["ecs", "register-task-definition", "--family", "with-role", "--task-role-arn", "app", "--container-definitions", JSON.stringify([{ name: "app", image: "busybox", memory: 16 }])];
    assert.equal(
      await refused(...register),
      `AccessDeniedException: User: arn:aws:iam::${ACCOUNT}:user/viewer is not authorized to perform: iam:PassRole on resource: arn:aws:iam::${ACCOUNT}:role/app because no identity-based policy allows the iam:PassRole action`,
    );
    await asRoot("iam", "put-user-policy", "--user-name", "viewer", "--policy-name", "pass", "--policy-document",
      doc({ Effect: "Allow", Action: "iam:PassRole", Resource: `arn:aws:iam::${ACCOUNT}:role/app`, Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } } }));
    const { taskDefinition } = await asViewer(...register);
    assert.equal(taskDefinition.family, "with-role");
  });

  it("refuses a key after its deletion (authentication, before any policy)", { skip: noCli }, async () => {
    const { AccessKeyMetadata } = await asRoot("iam", "list-access-keys", "--user-name", "viewer");
    await asRoot("iam", "delete-access-key", "--user-name", "viewer", "--access-key-id", AccessKeyMetadata[0].AccessKeyId);
    // In local mode an unknown key is the root's: the deleted key is unknown now. What matters
    // is that it no longer acts as the user.
    const me = await asViewer("sts", "get-caller-identity").catch(() => undefined);
    assert.notEqual(me?.Arn, `arn:aws:iam::${ACCOUNT}:user/viewer`);
  });
});

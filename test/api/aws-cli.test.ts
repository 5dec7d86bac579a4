// The AWS CLI, unmodified, against berth: the scenario a user types by hand.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { startTestServer, type TestServer } from "../helpers/server.js";

const run = promisify(execFile);

async function awsAvailable(): Promise<string | undefined> {
  try {
    await run("aws", ["--version"]);
    return undefined;
  } catch (err) {
    return `the AWS CLI is not installed here (${(err as Error).message.split("\n")[0]})`;
  }
}

describe("the AWS CLI against berth", async () => {
  const missing = await awsAvailable();
  let s: TestServer;
  const aws = async (...args: string[]) => {
    const { stdout } = await run("aws", ["ecs", ...args, "--endpoint-url", s.url, "--output", "json"], {
      env: { ...process.env, AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "secret", AWS_DEFAULT_REGION: "us-east-1", AWS_PAGER: "" },
    });
    return stdout.trim() ? (JSON.parse(stdout) as Record<string, any>) : {};
  };
  before(async () => {
    if (!missing) s = await startTestServer();
  });
  after(async () => {
    if (s) await s.close();
  });

  it("registers two revisions, describes each form, pages, deregisters and tags", { skip: missing }, async () => {
    const containers = JSON.stringify([{ name: "web", image: "nginx", memory: 128, portMappings: [{ containerPort: 80 }] }]);
    const one = await aws("register-task-definition", "--family", "cli", "--container-definitions", containers, "--tags", "key=env,value=test");
    assert.equal(one.taskDefinition.revision, 1);
    const two = await aws("register-task-definition", "--family", "cli", "--container-definitions", containers);
    assert.equal(two.taskDefinition.revision, 2);

    assert.equal((await aws("describe-task-definition", "--task-definition", "cli")).taskDefinition.revision, 2);
    assert.equal((await aws("describe-task-definition", "--task-definition", "cli:1")).taskDefinition.revision, 1);
    const byArn = await aws("describe-task-definition", "--task-definition", one.taskDefinition.taskDefinitionArn, "--include", "TAGS");
    assert.deepEqual(byArn.tags, [{ key: "env", value: "test" }]);

    for (let i = 0; i < 3; i++) await aws("register-task-definition", "--family", "cli", "--container-definitions", containers);
    // --page-size makes the CLI follow nextToken across pages of 2.
    const listed = await aws("list-task-definitions", "--family-prefix", "cli", "--page-size", "2");
    assert.deepEqual(
      listed.taskDefinitionArns.map((a: string) => a.split("/")[1]),
      ["cli:1", "cli:2", "cli:3", "cli:4", "cli:5"],
    );
    const firstPage = await aws("list-task-definitions", "--family-prefix", "cli", "--max-items", "2");
    assert.equal(firstPage.taskDefinitionArns.length, 2);
    assert.ok(firstPage.NextToken, "the CLI hands back a token for the next page");

    const dereg = await aws("deregister-task-definition", "--task-definition", "cli:1");
    assert.equal(dereg.taskDefinition.status, "INACTIVE");
    const active = await aws("list-task-definitions", "--family-prefix", "cli");
    assert.equal(active.taskDefinitionArns.length, 4);

    const { cluster } = await aws("create-cluster", "--cluster-name", "cli-cluster");
    await aws("tag-resource", "--resource-arn", cluster.clusterArn, "--tags", "key=owner,value=me");
    const tags = await aws("list-tags-for-resource", "--resource-arn", cluster.clusterArn);
    assert.deepEqual(tags.tags, [{ key: "owner", value: "me" }]);
    await aws("untag-resource", "--resource-arn", cluster.clusterArn, "--tag-keys", "owner");
    assert.deepEqual((await aws("list-tags-for-resource", "--resource-arn", cluster.clusterArn)).tags, []);
  });

  it("reports an unknown cluster the way the CLI prints ECS errors", { skip: missing }, async () => {
    await assert.rejects(aws("delete-cluster", "--cluster", "ghost"), (err: Error & { stderr?: string }) => {
      assert.match(err.stderr ?? "", /ClusterNotFoundException.*Cluster not found\./);
      return true;
    });
  });
});

// Task role credentials in task namespaces (root): an awsvpc task (VPC 10.226.0.0/16, a range
// of this test's own) and a bridge-mode task on the process runtime read their credentials at
// http://169.254.170.2 (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI), which the host redirects to
// their agent; the real AWS CLI inside each, with no keys, calls berth (strict authentication:
// only IAM's keys) as the task role. A task asking for another task's credentials id is refused.
// The redirect rules go with the tasks.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { RunTaskCommand, StopTaskCommand } from "@aws-sdk/client-ecs";
import type { Agent } from "../../src/agent/index.js";
import { observeHost, taskNetworkingUnavailable } from "../../src/network/index.js";
import { type Cluster, startCluster, until } from "./harness.js";
import { aws, cliEnvironment, makeRole, noCli, taskOutput, TEST_KEYS } from "./identity-helpers.js";

const skip = (await taskNetworkingUnavailable()) ?? noCli;
if (skip) console.log(`# skipping the namespaced task credentials test: ${skip}`);

/** A Python snippet: the HTTP status of GET http://169.254.170.2<path> for the own id and another task's. */
const PROBE = `python3 - <<'PY'
import os, urllib.request, urllib.error
def status(path):
    try:
        return urllib.request.urlopen("http://169.254.170.2" + path, timeout=5).status
    except urllib.error.HTTPError as e:
        return e.code
    except Exception as e:
        return type(e).__name__
print("probe own=%s other=%s" % (status(os.environ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"]), status("/v2/credentials/" + os.environ.get("OTHER", "none"))))
PY`;

describe("task role credentials in task namespaces (root)", { skip, timeout: 240_000 }, () => {
  let c: Cluster;
  let agent: Agent;
  let port: number;

  before(async () => {
    // Tasks reach the API at their router's address: listen on every address, strictly
    // authenticated (the test's own key is a root key; tasks sign with their role's).
    c = await startCluster({ host: "0.0.0.0", auth: "strict", rootKeys: [TEST_KEYS] });
    port = c.cp.port;
    agent = await c.startAgent({ credentials: TEST_KEYS });
  });

  after(async () => {
    await c?.close();
  });

  const cliContainer = (script: string, extra: { name: string; value: string }[] = []) => ({
    name: "app",
    image: "local/aws-cli",
    memory: 128,
    stopTimeout: 2,
    command: ["sh", "-c", script],
    environment: [...cliEnvironment(), ...extra],
  });

  const SCRIPT = (endpoint: string) =>
    [
      'echo "env relative=${AWS_CONTAINER_CREDENTIALS_RELATIVE_URI:+set} full=${AWS_CONTAINER_CREDENTIALS_FULL_URI:-none} keys=${AWS_ACCESS_KEY_ID:-none}"',
      `echo "list $(aws ecs list-clusters --endpoint-url ${endpoint} --output text --query "length(clusterArns)" 2>&1)"`,
      `echo "whoami $(aws sts get-caller-identity --endpoint-url ${endpoint} --output text --query Arn 2>&1)"`,
      PROBE,
      "echo done; exec sleep 300",
    ].join("\n");

  const outputOf = (arn: string) =>
    until(`the output of ${arn}`, async () => {
      const lines = await taskOutput(c, arn);
      return lines.includes("done") ? lines : undefined;
    }, 90_000, 250);
  const line = (out: string[], prefix: string) => out.find((l) => l.startsWith(`${prefix} `)) ?? `(no ${prefix} line in: ${out.join(" | ")})`;

  it("awsvpc and bridge-mode tasks read their own credentials at 169.254.170.2, never another task's", async () => {
    const roleArn = await makeRole(c, "ns-task-role", ["ecs:ListClusters"]);
    const vpc = (await aws(c, "ec2", "create-vpc", "--cidr-block", "10.226.0.0/16")).Vpc.VpcId;
    const subnet = (await aws(c, "ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", "10.226.1.0/24")).Subnet.SubnetId;

    // The awsvpc task reaches berth at its subnet's router (10.226.1.1).
    const awsvpcTd = await c.registerTaskDefinition("creds-awsvpc", [cliContainer(SCRIPT(`http://10.226.1.1:${port}`))], { networkMode: "awsvpc", taskRoleArn: roleArn });
    const res = await c.ecs.send(new RunTaskCommand({ cluster: "default", taskDefinition: awsvpcTd, networkConfiguration: { awsvpcConfiguration: { subnets: [subnet] } } }));
    const a = res.tasks?.[0]?.taskArn;
    assert.ok(a, `RunTask placed nothing: ${JSON.stringify(res.failures)}`);
    await c.waitTask(a, "RUNNING", (t) => t.lastStatus === "RUNNING", 30_000);
    const aId = agent.engine.tasks.get(a)!.record.credentialsEndpoint!.id;

    // The bridge-mode task (a namespace on the bridge-mode bridge, 10.254.0.1) is told the awsvpc task's id.
    const bridgeTd = await c.registerTaskDefinition("creds-bridge", [cliContainer(SCRIPT(`http://10.254.0.1:${port}`), [{ name: "OTHER", value: aId }])], {
      networkMode: "bridge",
      taskRoleArn: roleArn,
    });
    const b = await c.runTask(bridgeTd);
    await c.waitTask(b, "RUNNING", (t) => t.lastStatus === "RUNNING", 30_000);

    const outA = await outputOf(a);
    const outB = await outputOf(b);
    for (const [arn, out] of [
      [a, outA],
      [b, outB],
    ] as const) {
      const id = arn.slice(arn.lastIndexOf("/") + 1);
      assert.equal(line(out, "env"), "env relative=set full=none keys=none");
      assert.equal(line(out, "list"), "list 1", out.join("\n"));
      assert.equal(line(out, "whoami"), `whoami arn:aws:sts::000000000000:assumed-role/ns-task-role/${id}`);
    }
    // B asked for A's id from its own address: refused; its own: served.
    assert.equal(line(outB, "probe"), "probe own=200 other=403");
    assert.equal(line(outA, "probe"), "probe own=200 other=400");

    // One redirect per task while it runs, none once both stopped.
    const ids = [a, b].map((arn) => arn.slice(arn.lastIndexOf("/") + 1));
    const rules = (await observeHost()).credentialsRules;
    for (const id of ids) assert.ok(rules.some((r) => r.kind === "task" && r.taskId === id && r.port === agent.metadataPort), `no redirect for ${id}`);
    for (const arn of [a, b]) await c.ecs.send(new StopTaskCommand({ cluster: "default", task: arn }));
    for (const arn of [a, b]) await c.waitTask(arn, "STOPPED", (t) => t.lastStatus === "STOPPED", 30_000);
    const left = (await observeHost()).credentialsRules;
    for (const id of ids) assert.ok(!left.some((r) => r.kind === "task" && r.taskId === id), `the redirect of ${id} outlived its task`);
  });
});

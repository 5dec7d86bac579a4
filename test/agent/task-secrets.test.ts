// Execution-role secrets end to end on the process runtime: a secret in berth's Secrets Manager
// (two json-keys of one JSON secret) and an SSM SecureString, made with the AWS CLI, reach a
// service's container as environment variables — the agent reads them with the execution role's
// session through berth's own APIs. The container writes digests of what it got (never the
// values: its output is kept in the agent's state dir). Then every output berth produces is
// searched for the values: DescribeTasks, DescribeTaskDefinition, DescribeServices' events,
// ListServiceDeployments, the decision log, the metadata endpoint, berth's log (control plane
// and agent, at debug), the agent's state dir and the SQLite files: none. A missing parameter,
// a missing secret and a missing json-key stop the task with ECS's reason; a definition with
// secrets and no execution role is refused at registration.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, DescribeTasksCommand, ListServiceDeploymentsCommand, ListTasksCommand } from "@aws-sdk/client-ecs";
import type { Agent } from "../../src/agent/index.js";
import { BERTH_TARGET_PREFIX } from "../../src/api/berth/model.js";
import { jsonCall } from "../../src/client/index.js";
import { type Cluster, startCluster, until } from "./harness.js";
import { aws, endpointOf, fileLogger, filesContaining, makeRole, noCli, taskOutput, enforced, NOT_ENFORCED, TEST_KEYS, textContaining } from "./identity-helpers.js";

if (noCli) console.log(`# skipping the task secrets test: ${noCli}`);


const digest = (v: string) => createHash("sha256").update(v).digest("hex").slice(0, 16);
/** The container's output: a digest of each variable (sha256, 16 hex), never the value. */
const DIGESTS = ["DB_USER", "DB_PASSWORD", "API_TOKEN"].map((n) => `echo "${n} $(printf %s "$${n}" | sha256sum | cut -c1-16)"`).join("\n");

describe("execution-role secrets into the container's environment (process runtime)", { skip: noCli, timeout: 240_000 }, () => {
  let c: Cluster;
  let agent: Agent;
  let log: ReturnType<typeof fileLogger>;
  let execRole: string;
  let secretArn: string;
  const tag = randomBytes(4).toString("hex");
  const password = `pw-${randomBytes(12).toString("hex")}`;
  const user = `user-${randomBytes(12).toString("hex")}`;
  const token = `tok-${randomBytes(12).toString("hex")}`;
  const parameter = `/berth-test/${tag}/api-token`;
  const values = [password, user, token];

  before(async () => {
    log = fileLogger();
    c = await startCluster({ logger: log.logger });
    agent = await c.startAgent({ logger: log.logger });
    execRole = await makeRole(c, "exec-role", ["secretsmanager:GetSecretValue", "ssm:GetParameters", "kms:Decrypt"]);
    secretArn = (await aws(c, "secretsmanager", "create-secret", "--name", `db-${tag}`, "--secret-string", JSON.stringify({ username: user, password }))).ARN;
    await aws(c, "ssm", "put-parameter", "--name", parameter, "--type", "SecureString", "--value", token);
  });

  after(async () => {
    await c?.close();
    log?.remove();
  });

  const definition = (family: string, secrets: { name: string; valueFrom: string }[], extra: Record<string, unknown> = { executionRoleArn: execRole }) =>
    c.registerTaskDefinition(
      family,
      [{ name: "app", image: "local/app", memory: 64, stopTimeout: 2, command: ["sh", "-c", `${DIGESTS}\necho done\nexec sleep 300`], secrets, environment: [{ name: "PLAIN", value: "x" }] }],
      extra,
    );

  it("a service's task gets the values in its environment, and they appear nowhere else", async () => {
    const td = await definition("secrets-app", [
      { name: "DB_USER", valueFrom: `${secretArn}:username::` },
      { name: "DB_PASSWORD", valueFrom: `${secretArn}:password::` },
      { name: "API_TOKEN", valueFrom: parameter },
    ]);
    await aws(c, "ecs", "create-service", "--cluster", "default", "--service-name", "secrets-svc", "--task-definition", td, "--desired-count", "1");
    const arn = await until("the service's task", async () => (await c.ecs.send(new ListTasksCommand({ cluster: "default", serviceName: "secrets-svc" }))).taskArns?.[0], 30_000, 100);
    await c.waitTask(arn, "RUNNING", (t) => t.lastStatus === "RUNNING", 30_000);
    const out = await until("the container's digests", async () => {
      const lines = await taskOutput(c, arn);
      return lines.includes("done") ? lines : undefined;
    }, 30_000, 100);
    assert.deepEqual(out.slice(0, 3), [`DB_USER ${digest(user)}`, `DB_PASSWORD ${digest(password)}`, `API_TOKEN ${digest(token)}`]);

    // Everything berth answers or writes about the task, the service and the definition.
    const outputs: [string, unknown][] = [
      ["DescribeTasks", await c.ecs.send(new DescribeTasksCommand({ cluster: "default", tasks: [arn], include: ["TAGS"] }))],
      ["DescribeTaskDefinition", await c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: td }))],
      ["DescribeServices", await c.ecs.send(new DescribeServicesCommand({ cluster: "default", services: ["secrets-svc"] }))],
      ["ListServiceDeployments", await c.ecs.send(new ListServiceDeploymentsCommand({ cluster: "default", service: "secrets-svc" }))],
      ["DescribeServiceDecisions", await berth("DescribeServiceDecisions", { cluster: "default", service: "secrets-svc" })],
      ["the AWS CLI's describe-tasks", await aws(c, "ecs", "describe-tasks", "--cluster", "default", "--tasks", arn)],
    ];
    // The metadata endpoint, as the container reaches it (its token from the agent's record).
    const metadataToken = agent.engine.tasks.get(arn)!.record.containers[0]!.metadataToken;
    for (const path of ["", "/task", "/taskWithTags"]) {
      outputs.push([`metadata ${path || "/"}`, await (await fetch(`${agent.metadataBaseUrl}/v4/${metadataToken}${path}`)).json()]);
    }
    for (const [what, body] of outputs) assert.deepEqual(textContaining(JSON.stringify(body), values), [], `${what} shows a secret value`);
    // Only the references: the definition keeps valueFrom.
    const shown = JSON.stringify(outputs[1]![1]);
    assert.ok(shown.includes(`${secretArn}:password::`) && shown.includes(parameter));

    assert.deepEqual(textContaining(log.text(), values), [], "berth's log");
    assert.deepEqual(filesContaining(join(c.dir, "agent-0"), values), [], "the agent's state dir");
    assert.deepEqual(filesContaining(join(c.dir, "cp"), values), [], "the control plane's data dir (SQLite and WAL)");
    // The searches do read those files: what is there to find (the output's digests, the parameter's name, the task) is found.
    assert.ok(filesContaining(join(c.dir, "agent-0"), [digest(token)]).length > 0, "the container's output is in the agent's state dir");
    assert.ok(filesContaining(join(c.dir, "cp"), [parameter]).length > 0, "the parameter's record is in the SQLite files");
    assert.ok(log.text().includes(arn.slice(arn.lastIndexOf("/") + 1)), "berth's log names the task");

    await aws(c, "ecs", "delete-service", "--cluster", "default", "--service", "secrets-svc", "--force");
    await c.waitTask(arn, "STOPPED", (t) => t.lastStatus === "STOPPED", 30_000);
  });

  it("a missing parameter, a missing secret or a missing json-key stops the task before it starts, with ECS's reason", async () => {
    const prefix = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ";
    const cases: [string, { name: string; valueFrom: string }[], string | RegExp][] = [
      ["missing-param", [{ name: "API_TOKEN", valueFrom: `/berth-test/${tag}/missing` }], `${prefix}unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: /berth-test/${tag}/missing`],
      ["missing-key", [{ name: "DB_PASSWORD", valueFrom: `${secretArn}:nope::` }], `${prefix}unable to retrieve secret from asm: service call has been retried 1 time(s): retrieved secret from Secrets Manager did not contain json key nope`],
      [
        "missing-secret",
        [{ name: "DB_PASSWORD", valueFrom: "arn:aws:secretsmanager:us-east-1:000000000000:secret:no-such-secret-AbCdEf" }],
        /^ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time\(s\): failed to fetch secret arn:aws:secretsmanager:us-east-1:000000000000:secret:no-such-secret-AbCdEf from secrets manager: ResourceNotFoundException: /,
      ],
    ];
    for (const [family, secrets, reason] of cases) {
      const arn = await c.runTask(await definition(family, secrets));
      const stopped = await c.waitTask(arn, "STOPPED", (t) => t.lastStatus === "STOPPED", 30_000);
      assert.equal(stopped.stopCode, "TaskFailedToStart", family);
      if (typeof reason === "string") assert.equal(stopped.stoppedReason, reason);
      else assert.match(stopped.stoppedReason ?? "", reason);
      assert.equal(stopped.startedAt, undefined);
      assert.equal(stopped.containers?.[0]?.runtimeId, undefined, "no container was made");
    }
  });

  it("an execution role without permission to read them is denied", { skip: !enforced && NOT_ENFORCED }, async () => {
    const bare = await makeRole(c, "exec-without-grants", []);
    const arn = await c.runTask(await definition("denied", [{ name: "API_TOKEN", valueFrom: parameter }], { executionRoleArn: bare }));
    const stopped = await c.waitTask(arn, "STOPPED", (t) => t.lastStatus === "STOPPED", 30_000);
    assert.match(stopped.stoppedReason ?? "", /^ResourceInitializationError: unable to pull secrets or registry auth: .*unable to retrieve secrets from ssm: .*AccessDeniedException: User: arn:aws:sts::000000000000:assumed-role\/exec-without-grants\/.* is not authorized to perform: ssm:GetParameters/);
  });

  it("RegisterTaskDefinition refuses secrets without an execution role, with ECS's ClientException", async () => {
    await assert.rejects(definition("no-exec-role", [{ name: "API_TOKEN", valueFrom: parameter }], {}), (err: Error) => {
      assert.equal(err.name, "ClientException");
      assert.equal(err.message, "When you are specifying container secrets, you must also specify a value for 'executionRoleArn'.");
      return true;
    });
  });

  async function berth(operation: string, input: object): Promise<unknown> {
    return jsonCall({ endpoint: endpointOf(c), region: "us-east-1", credentials: TEST_KEYS, service: "berth" }, BERTH_TARGET_PREFIX, operation, input);
  }
});

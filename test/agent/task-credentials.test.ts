// Task role credentials end to end on the process runtime, for tasks on the host's network:
// roles made with the AWS CLI in berth's IAM; RunTask; the control plane assumes the role and
// hands the keys to the agent; the container gets AWS_CONTAINER_CREDENTIALS_FULL_URI and
// AWS_CONTAINER_AUTHORIZATION_TOKEN; the real AWS CLI inside the task, with no keys configured,
// finds them and calls berth as the assumed role. The endpoint refuses requests without the
// token; a role that is missing or does not trust ECS stops the task before it starts. The keys
// appear nowhere berth writes.
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { StopTaskCommand } from "@aws-sdk/client-ecs";
import pino from "pino";
import { iam } from "../../src/domain/index.js";
import type { Agent } from "../../src/agent/index.js";
import { type ControlPlane, startControlPlane } from "../../src/api/index.js";
import { type AgentProcess, type Cluster, HEARTBEAT_MS, removeProcessContainers, spawnAgentProcess, startCluster, until } from "./harness.js";
import { aws, cliEnvironment, endpointOf, fileLogger, filesContaining, makeRole, noCli, enforced, NOT_ENFORCED, taskOutput, textContaining } from "./identity-helpers.js";

if (noCli) console.log(`# skipping the task credentials test: ${noCli}`);


describe("task role credentials on the host's network (process runtime)", { skip: noCli, timeout: 180_000 }, () => {
  let c: Cluster;
  let agent: Agent;
  let log: ReturnType<typeof fileLogger>;
  let roleArn: string;
  /** The first task's output, for the enforcement test. */
  let cliOutput: string[] = [];

  before(async () => {
    log = fileLogger();
    c = await startCluster({ logger: log.logger });
    agent = await c.startAgent({ logger: log.logger });
    roleArn = await makeRole(c, "app-task-role", ["ecs:ListClusters"]);
  });

  after(async () => {
    await c?.close();
    log?.remove();
  });

  const cliTask = (family: string, role: string | undefined, script: string) =>
    c.registerTaskDefinition(
      family,
      [
        {
          name: "app",
          image: "local/aws-cli",
          memory: 128,
          stopTimeout: 2,
          command: ["sh", "-c", script],
          environment: [...cliEnvironment(), { name: "BERTH", value: endpointOf(c) }],
        },
      ],
      { networkMode: "host", ...(role ? { taskRoleArn: role } : {}) },
    );

  it("the AWS CLI inside the task calls berth as the task role, through the FULL_URI and its token", async () => {
    await aws(c, "ecs", "create-cluster", "--cluster-name", "probe");
    const td = await cliTask(
      "creds-host",
      roleArn,
      [
        'echo "env full=${AWS_CONTAINER_CREDENTIALS_FULL_URI:+set} token=${AWS_CONTAINER_AUTHORIZATION_TOKEN:+set} relative=${AWS_CONTAINER_CREDENTIALS_RELATIVE_URI:-none} region=$AWS_REGION/$AWS_DEFAULT_REGION keys=${AWS_ACCESS_KEY_ID:-none}"',
        'echo "list $(aws ecs list-clusters --endpoint-url "$BERTH" --output text --query "length(clusterArns)" 2>&1)"',
        'echo "whoami $(aws sts get-caller-identity --endpoint-url "$BERTH" --output text --query Arn 2>&1)"',
        'echo "delete $(aws ecs delete-cluster --cluster probe --endpoint-url "$BERTH" --output text --query cluster.status 2>&1 | tail -1)"',
        "echo done; exec sleep 300",
      ].join("\n"),
    );
    const arn = await c.runTask(td);
    const taskId = arn.slice(arn.lastIndexOf("/") + 1);
    await c.waitTask(arn, "RUNNING", (t) => t.lastStatus === "RUNNING", 30_000);
    const out = await until("the task's CLI calls", async () => {
      const lines = await taskOutput(c, arn);
      return lines.includes("done") ? lines : undefined;
    }, 60_000, 250);
    cliOutput = out;
    const line = (prefix: string) => out.find((l) => l.startsWith(`${prefix} `)) ?? "";
    assert.equal(line("env"), "env full=set token=set relative=none region=us-east-1/us-east-1 keys=none");
    assert.equal(line("list"), "list 2", `ListClusters as the task role: ${out.join("\n")}`);
    assert.equal(line("whoami"), `whoami arn:aws:sts::000000000000:assumed-role/app-task-role/${taskId}`);

    // The endpoint: the token is required over loopback.
    const rec = agent.engine.tasks.get(arn)!.record;
    const ep = rec.credentialsEndpoint!;
    const url = `http://127.0.0.1:${agent.metadataPort}/v2/credentials/${ep.id}`;
    const none = await fetch(url);
    assert.equal(none.status, 401);
    assert.equal(((await none.json()) as { code: string }).code, "Unauthorized");
    assert.equal((await fetch(url, { headers: { Authorization: "not-the-token" } })).status, 403);
    const unknown = await fetch(`http://127.0.0.1:${agent.metadataPort}/v2/credentials/no-such-id`, { headers: { Authorization: ep.token } });
    assert.equal(unknown.status, 400);
    assert.deepEqual(await unknown.json(), { code: "InvalidIdInRequest", message: "CredentialsV2Request: Credentials not found", HTTPErrorCode: 400 });
    const ok = await fetch(url, { headers: { Authorization: ep.token } });
    assert.equal(ok.status, 200);
    const creds = (await ok.json()) as Record<string, string>;
    assert.deepEqual(Object.keys(creds), ["RoleArn", "AccessKeyId", "SecretAccessKey", "Token", "Expiration"]);
    assert.equal(creds.RoleArn, roleArn);
    assert.match(creds.AccessKeyId!, /^ASIA/);
    // Six hours, as ECS's.
    const hours = (Date.parse(creds.Expiration!) - Date.now()) / 3_600_000;
    assert.ok(hours > 5.9 && hours <= 6, `expires in ${hours} h`);

    // The keys are nowhere berth writes: DescribeTasks, the agent's state dir, berth's log.
    const secrets = [creds.SecretAccessKey!, creds.Token!];
    const described = JSON.stringify(await c.describe(arn));
    assert.deepEqual(textContaining(described, secrets), []);
    assert.deepEqual(filesContaining(join(c.dir, "agent-0"), secrets), []);
    assert.deepEqual(textContaining(log.text(), secrets), []);
    // ... while the searches do find what is there: the access key id is IAM's session record in SQLite.
    assert.ok(filesContaining(join(c.dir, "cp"), [creds.AccessKeyId!]).length > 0);

    // Stopped: the agent forgets the keys and the control plane revokes the session.
    await c.ecs.send(new StopTaskCommand({ cluster: "default", task: arn }));
    await c.waitTask(arn, "STOPPED", (t) => t.lastStatus === "STOPPED", 30_000);
    assert.equal(agent.engine.credentials.has(arn, "TaskApplication"), false);
    await until("the stopped task's session revoked", async () => (await iam.lookupAccessKey(c.cp.deps, creds.AccessKeyId!)) === undefined);
  });

  // The first task also ran `aws ecs delete-cluster`: its role allows only ecs:ListClusters.
  it("the task role's delete-cluster is denied with AccessDeniedException", { skip: !enforced && NOT_ENFORCED }, () => {
    const line = cliOutput.find((l) => l.startsWith("delete ")) ?? "";
    assert.match(line, /AccessDeniedException.*is not authorized to perform: ecs:DeleteCluster/, cliOutput.join("\n"));
  });

  it("a role that does not trust ecs-tasks.amazonaws.com, or does not exist, stops the task before it starts with ECS's reason", async () => {
    const untrusting = await makeRole(
      c,
      "not-for-ecs",
      ["ecs:ListClusters"],
      JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
    );
    for (const role of [untrusting, "arn:aws:iam::000000000000:role/no-such-role"]) {
      const td = await cliTask("creds-refused", role, "echo should-not-run; sleep 30");
      const arn = await c.runTask(td);
      const stopped = await c.waitTask(arn, "STOPPED", (t) => t.lastStatus === "STOPPED", 30_000);
      assert.equal(stopped.stopCode, "TaskFailedToStart");
      assert.equal(
        stopped.stoppedReason,
        `ECS was unable to assume the role '${role}' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.`,
      );
      assert.equal(stopped.startedAt, undefined);
      assert.ok(!(await taskOutput(c, arn).catch((): string[] => [])).includes("should-not-run"));
    }
  });

  it("a task without a task role gets no credentials variables", async () => {
    const td = await cliTask("creds-none", undefined, 'echo "full=${AWS_CONTAINER_CREDENTIALS_FULL_URI:-none} relative=${AWS_CONTAINER_CREDENTIALS_RELATIVE_URI:-none} region=$AWS_REGION"');
    const arn = await c.runTask(td);
    await c.waitTask(arn, "STOPPED", (t) => t.lastStatus === "STOPPED", 30_000);
    const out = await until("output", async () => ((await taskOutput(c, arn)).length ? taskOutput(c, arn) : undefined), 10_000, 100);
    assert.deepEqual(out, ["full=none relative=none region=us-east-1"]);
  });
});

describe("task role credentials across a kill -9 of the agent (berth agent process)", { skip: noCli, timeout: 180_000 }, () => {
  let c: Cluster;
  const procs: AgentProcess[] = [];
  let stateDir = "";

  before(async () => {
    c = await startCluster();
    stateDir = join(c.dir, "child-agent");
  });

  /** The control plane started again on the data dir (the cluster's own close knows only the first). */
  let restarted: ControlPlane | undefined;
  after(async () => {
    for (const p of procs) await p.kill("SIGKILL");
    if (stateDir) await removeProcessContainers(stateDir);
    if (!restarted) return c?.close();
    await restarted.close();
    c.ecs.destroy();
    rmSync(c.dir, { recursive: true, force: true });
  });

  it("the restarted agent gets the keys again and serves them at the id and port the task already has", async () => {
    procs.push(await spawnAgentProcess(c.cp.url, stateDir));
    await makeRole(c, "restart-role", ["ecs:ListClusters"]);
    const td = await c.registerTaskDefinition(
      "creds-restart",
      [
        {
          name: "app",
          image: "local/aws-cli",
          memory: 128,
          stopTimeout: 2,
          // A call a second, each a new CLI process: each reads the credentials endpoint anew.
          command: ["sh", "-c", 'while :; do echo "whoami $(date +%s%N) $(aws sts get-caller-identity --endpoint-url "$BERTH" --output text --query Arn 2>&1 | tail -1)"; sleep 1; done'],
          environment: [...cliEnvironment(), { name: "BERTH", value: endpointOf(c) }],
        },
      ],
      { networkMode: "host", taskRoleArn: "arn:aws:iam::000000000000:role/restart-role" },
    );
    const arn = await c.runTask(td);
    const taskId = arn.slice(arn.lastIndexOf("/") + 1);
    const ok = `arn:aws:sts::000000000000:assumed-role/restart-role/${taskId}`;
    const okAfter = (after: bigint) =>
      until(`a call as the role after ${after}`, async () => {
        const lines = await taskOutput(c, arn).catch((): string[] => []);
        return lines.some((l) => {
          const [, at, who] = l.split(" ");
          return who === ok && BigInt(at ?? "0") > after;
        });
      }, 60_000, 250);
    await okAfter(0n);

    await procs[0]!.kill("SIGKILL");
    // The keys were in the dead agent's memory only; the new one has the id and port from its state dir.
    procs.push(await spawnAgentProcess(c.cp.url, stateDir));
    await okAfter(BigInt(Date.now()) * 1_000_000n);
    const before = await servedKey(stateDir, arn);

    // A control plane restarted on its data dir holds no session: it issues a new one on the
    // agent's reconnect, which the agent serves at the id the containers already have.
    const port = c.cp.port;
    await c.cp.close();
    restarted = await startControlPlane({ dataDir: join(c.dir, "cp"), port, logger: pino({ level: "silent" }), heartbeatMs: HEARTBEAT_MS });
    await until("a new session served at the same id", async () => {
      const now = await servedKey(stateDir, arn).catch(() => before);
      return now !== before;
    }, 30_000, 200);
    await okAfter(BigInt(Date.now()) * 1_000_000n);
    assert.equal((await c.describe(arn)).lastStatus, "RUNNING");
  });
});

/**
 * The access key a child agent serves a task's containers: its credentials id, token and port
 * read from its state dir (what the containers' environment holds), then the endpoint asked.
 */
async function servedKey(stateDir: string, taskArn: string): Promise<string> {
  const id = taskArn.slice(taskArn.lastIndexOf("/") + 1);
  const lines = readFileSync(join(stateDir, "tasks.journal"), "utf8").split("\n").filter(Boolean);
  const rec = lines.map((l) => JSON.parse(l) as { t: string; r?: { credentialsEndpoint?: { id: string; token: string } } }).filter((l) => l.t === id && l.r).at(-1)!.r!;
  const port = (JSON.parse(readFileSync(join(stateDir, "agent.json"), "utf8")) as { metadataPort: number }).metadataPort;
  const ep = rec.credentialsEndpoint!;
  const res = await fetch(`http://127.0.0.1:${port}/v2/credentials/${ep.id}`, { headers: { Authorization: ep.token } });
  if (!res.ok) throw new Error(`credentials endpoint answered ${res.status}`);
  return ((await res.json()) as { AccessKeyId: string }).AccessKeyId;
}

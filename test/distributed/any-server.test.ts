// The AWS CLI, unchanged, against any one of several servers on one etcd (issue 15): what one
// server was told, every other serves — ECS resources, IAM keys that sign the next call, secret
// values sealed by one server and opened by another with the shared key file. Reads come from
// each server's cache, fed by its watch, so a read on another server may trail a write by the
// watch's delay: the test asks again until it shows, as a client of ECS's eventually consistent
// API would.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { until } from "../agent/harness.js";
import { AWS_ENV, missingTool, run } from "../helpers/aws-cli.js";
import { etcdMissing, startEtcd, type EtcdCluster } from "../helpers/etcd.js";
import { spawnServer, type ServerProcess } from "../helpers/process.js";

const skip = etcdMissing() ?? (await missingTool("aws", ["--version"]));

describe("the AWS CLI against any of 3 servers on one etcd", { skip, timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "berth-any-server-"));
  let etcd: EtcdCluster;
  const servers: ServerProcess[] = [];

  /** `aws <args>` against server k, JSON out; rejects with the CLI's stderr. */
  const aws = async (k: number, args: string[], env: Record<string, string> = AWS_ENV) => {
    const { stdout } = await run("aws", [...args, "--endpoint-url", servers[k]!.url, "--output", "json"], { env: { ...process.env, ...env } });
    return stdout.trim() ? JSON.parse(stdout) : {};
  };
  /** Asks server k until `ok` holds of its answer (the write was made on another server). */
  const seen = <T>(what: string, k: number, args: string[], ok: (out: any) => T | undefined | false) =>
    until(what, async () => ok(await aws(k, args).catch(() => undefined)), 15_000, 100);

  before(async () => {
    etcd = await startEtcd({ members: 1 });
    const keyFile = join(dir, "secrets.key");
    writeFileSync(keyFile, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600 });
    // Strict: only keys IAM knows (and the root key from the environment), so a key deleted on
    // one server is refused by the others — local mode would take any unknown key as the root.
    process.env.BERTH_ROOT_ACCESS_KEY_ID = AWS_ENV.AWS_ACCESS_KEY_ID;
    process.env.BERTH_ROOT_SECRET_ACCESS_KEY = AWS_ENV.AWS_SECRET_ACCESS_KEY;
    for (let k = 0; k < 3; k++) {
      servers.push(await spawnServer(join(dir, `s${k}`), ["--store", etcd.storeUrl("any"), "--server-id", `s${k}`, "--secrets-key-file", keyFile, "--auth", "strict"]));
    }
  });

  after(async () => {
    for (const s of servers) await s.stop();
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves on each server what another was told: clusters, task definitions, services", async () => {
    await aws(0, ["ecs", "create-cluster", "--cluster-name", "shared"]);
    const td = await aws(1, ["ecs", "register-task-definition", "--family", "web", "--container-definitions", JSON.stringify([{ name: "app", image: "busybox", memory: 32 }])]);
    assert.equal(td.taskDefinition.revision, 1);
    // Server 2 places the service on a cluster server 0 made, naming a definition server 1 registered.
    await seen("the cluster and definition on server 2", 2, ["ecs", "describe-task-definition", "--task-definition", "web:1"], (o) => o.taskDefinition);
    await seen("the cluster on server 2", 2, ["ecs", "describe-clusters", "--clusters", "shared"], (o) => o.clusters?.[0]?.status === "ACTIVE");
    const created = await aws(2, ["ecs", "create-service", "--cluster", "shared", "--service-name", "api", "--task-definition", "web:1", "--desired-count", "0"]);
    assert.equal(created.service.status, "ACTIVE");
    const onZero = await seen("the service on server 0", 0, ["ecs", "describe-services", "--cluster", "shared", "--services", "api"], (o) => o.services?.[0]);
    assert.equal(onZero.taskDefinition, td.taskDefinition.taskDefinitionArn);
    // A second registration on another server takes the next revision: the store decides, not a cache.
    const second = await aws(0, ["ecs", "register-task-definition", "--family", "web", "--container-definitions", JSON.stringify([{ name: "app", image: "busybox", memory: 64 }])]);
    assert.equal(second.taskDefinition.revision, 2);
    await aws(1, ["ecs", "update-service", "--cluster", "shared", "--service", "api", "--task-definition", "web:2"]);
    await seen("the update on server 2", 2, ["ecs", "describe-services", "--cluster", "shared", "--services", "api"], (o) => o.services?.[0]?.taskDefinition?.endsWith(":2"));
    // Errors are the same on every server.
    const missing = await aws(1, ["ecs", "describe-services", "--cluster", "nowhere", "--services", "api"]).catch((err: { stderr: string }) => err.stderr);
    assert.match(String(missing), /ClusterNotFoundException/);
  });

  it("verifies on each server the IAM keys another issued, and refuses them once deleted there", async () => {
    await aws(0, ["iam", "create-user", "--user-name", "ops"]);
    await aws(0, ["iam", "put-user-policy", "--user-name", "ops", "--policy-name", "read", "--policy-document", JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ecs:List*", Resource: "*" }] })]);
    const { AccessKey: key } = await aws(0, ["iam", "create-access-key", "--user-name", "ops"]);
    const asOps = { ...AWS_ENV, AWS_ACCESS_KEY_ID: key.AccessKeyId, AWS_SECRET_ACCESS_KEY: key.SecretAccessKey };
    const who = await until("the key known on server 2", () => aws(2, ["sts", "get-caller-identity"], asOps).catch(() => undefined), 15_000, 100);
    assert.equal(who.Arn, "arn:aws:iam::000000000000:user/ops");
    assert.ok((await aws(1, ["ecs", "list-clusters"], asOps)).clusterArns);
    const denied = await aws(1, ["ecs", "create-cluster", "--cluster-name", "nope"], asOps).catch((err: { stderr: string }) => err.stderr);
    assert.match(String(denied), /AccessDeniedException.*ecs:CreateCluster/);
    await aws(2, ["iam", "delete-user-policy", "--user-name", "ops", "--policy-name", "read"]);
    await aws(2, ["iam", "delete-access-key", "--user-name", "ops", "--access-key-id", key.AccessKeyId]);
    await until("the key refused on server 0", async () => {
      const err = await aws(0, ["ecs", "list-clusters"], asOps).then(() => "", (e: { stderr: string }) => e.stderr);
      return /UnrecognizedClientException/.test(err);
    }, 15_000, 100);
  });

  it("opens on each server a secret value another sealed (one key file for all)", async () => {
    await aws(1, ["secretsmanager", "create-secret", "--name", "db/password", "--secret-string", "hunter2"]);
    const got = await seen("the secret on server 2", 2, ["secretsmanager", "get-secret-value", "--secret-id", "db/password"], (o) => o.SecretString);
    assert.equal(got, "hunter2");
    await aws(0, ["ssm", "put-parameter", "--name", "/app/token", "--type", "SecureString", "--value", "s3cr3t"]);
    const param = await seen("the parameter on server 1", 1, ["ssm", "get-parameter", "--name", "/app/token", "--with-decryption"], (o) => o.Parameter?.Value);
    assert.equal(param, "s3cr3t");
  });
});

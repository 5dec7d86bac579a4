// The engine with role credentials and secrets, on the simulated runtime: containers wait for
// what they need, get the credentials endpoint and their secrets in their environment, and
// nothing secret reaches the state dir.
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, it } from "node:test";
import type { RoleCredentials } from "../model/index.js";
import type { SecretRef } from "./secret-refs.js";
import { aContainerDef, anAssignedTask, engineHarness, type EngineHarness } from "./test-builders.js";

const ROLE = "arn:aws:iam::000000000000:role/app";
const EXEC = "arn:aws:iam::000000000000:role/exec";

function keys(n: number, id = "cred-1"): RoleCredentials {
  return { credentialsId: id, roleArn: ROLE, accessKeyId: `ASIAKEY${n}`, secretAccessKey: `SECRETACCESS${n}`, sessionToken: `SESSIONTOKEN${n}`, expiration: "2026-12-05T18:00:00Z" };
}

async function stateText(dir: string): Promise<string> {
  let text = "";
  for (const name of await readdir(dir, { recursive: true })) {
    text += await readFile(join(dir, name), "utf8").catch(() => "");
  }
  return text;
}

describe("task role credentials in the engine", () => {
  let h: EngineHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("creates no container before the task role's credentials, then tells containers where to read them", async () => {
    h = await engineHarness({ engine: { loopbackUrl: "http://127.0.0.1:51679" } });
    const task = anAssignedTask([aContainerDef("app")], { taskRoleArn: ROLE });
    await h.engine.handleManifest([task], false);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(h.host.containers.size, 0, "containers wait for the credentials");
    h.engine.receiveCredentials(task.taskArn, "TaskApplication", keys(1));
    const c = await h.waitFor("the container", () => [...h!.host.containers.values()][0]);
    const env = c.spec.environment!;
    const rec = h.engine.tasks.get(task.taskArn)!.record;
    assert.deepEqual(rec.credentialsEndpoint?.id, "cred-1");
    assert.equal(env.AWS_CONTAINER_CREDENTIALS_FULL_URI, "http://127.0.0.1:51679/v2/credentials/cred-1");
    assert.equal(env.AWS_CONTAINER_AUTHORIZATION_TOKEN, rec.credentialsEndpoint?.token);
    assert.equal(env.AWS_REGION, "us-east-1");
    assert.equal(env.AWS_DEFAULT_REGION, "us-east-1");
    assert.equal(env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, undefined);

    const lookup = h.engine.credentialsLookup();
    assert.equal(lookup.byId("cred-1")?.credentials?.accessKeyId, "ASIAKEY1");
    // A renewal under another id (a restarted control plane) is served at the id the containers know.
    h.engine.receiveCredentials(task.taskArn, "TaskApplication", keys(2, "cred-2"));
    assert.equal(lookup.byId("cred-1")?.credentials?.accessKeyId, "ASIAKEY2");
    assert.equal(lookup.byId("cred-2"), undefined);
    await h.engine.settled();
    const state = await stateText(h.store.dir);
    assert.ok(state.includes("cred-1"), "the id is kept for a restart");
    for (const secret of ["SECRETACCESS1", "SESSIONTOKEN1", "SECRETACCESS2", "SESSIONTOKEN2", "ASIAKEY"]) assert.ok(!state.includes(secret), `${secret} in the state dir`);
  });

  it("after a restart the id is known and answers CredentialsUninitialized until the keys come again", async () => {
    h = await engineHarness();
    const task = anAssignedTask([aContainerDef("app")], { taskRoleArn: ROLE });
    h.engine.receiveCredentials(task.taskArn, "TaskApplication", keys(1));
    await h.engine.handleManifest([task], false);
    await h.waitFor("RUNNING", () => h!.taskStatuses(task.taskArn).includes("RUNNING"));
    h = await h.restart();
    const owner = h.engine.credentialsLookup().byId("cred-1");
    assert.ok(owner && owner.credentials === undefined);
    h.engine.receiveCredentials(task.taskArn, "TaskApplication", keys(3, "cred-9"));
    assert.equal(h.engine.credentialsLookup().byId("cred-1")?.credentials?.accessKeyId, "ASIAKEY3");
  });
});

describe("secrets in the engine", () => {
  let h: EngineHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const secretTask = () =>
    anAssignedTask([aContainerDef("app", { secrets: [{ name: "DB_PASSWORD", valueFrom: "/prod/db" }], environment: [{ name: "PLAIN", value: "1" }] }), aContainerDef("side")], {
      executionRoleArn: EXEC,
    });

  it("reads them with the execution role before creating containers; values go to the runtime only", async () => {
    const calls: { refs: ReadonlyMap<string, readonly SecretRef[]>; creds: RoleCredentials }[] = [];
    h = await engineHarness({
      engine: {
        resolveSecrets: async (refs, creds) => {
          calls.push({ refs, creds });
          return { ok: true, env: new Map([["app", { DB_PASSWORD: "hunter2-very-secret" }]]) };
        },
      },
    });
    const task = secretTask();
    await h.engine.handleManifest([task], false);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(calls.length, 0, "no read before the execution role's credentials");
    assert.equal(h.host.containers.size, 0);
    h.engine.receiveCredentials(task.taskArn, "TaskExecution", { ...keys(1, "exec-1"), roleArn: EXEC });
    await h.waitFor("RUNNING", () => h!.taskStatuses(task.taskArn).includes("RUNNING"));
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.creds.accessKeyId, "ASIAKEY1");
    assert.deepEqual(calls[0]!.refs.get("app"), [{ kind: "ssm", name: "DB_PASSWORD", parameter: "/prod/db", region: "us-east-1" }]);
    const specs = new Map([...h.host.containers.values()].map((c) => [c.spec.containerName, c.spec]));
    assert.deepEqual(specs.get("app")!.secretEnvironment, { DB_PASSWORD: "hunter2-very-secret" });
    assert.equal(specs.get("app")!.environment!.DB_PASSWORD, undefined);
    assert.equal(specs.get("app")!.environment!.PLAIN, "1");
    assert.equal(specs.get("side")!.secretEnvironment, undefined);
    await h.engine.settled();
    assert.ok(!(await stateText(h.store.dir)).includes("hunter2"), "a secret value in the state dir");
  });

  it("a read that fails stops the task before any container, with the reason", async () => {
    const reason = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: /prod/db";
    h = await engineHarness({ engine: { resolveSecrets: async () => ({ ok: false, reason }) } });
    const task = secretTask();
    h.engine.receiveCredentials(task.taskArn, "TaskExecution", { ...keys(1, "exec-1"), roleArn: EXEC });
    await h.engine.handleManifest([task], false);
    const stopped = await h.waitFor("STOPPED", () => h!.reports.find((r) => r.taskArn === task.taskArn && r.report.kind === "task" && r.report.status === "STOPPED"));
    assert.equal(stopped.report.kind === "task" && stopped.report.reason, reason);
    assert.equal(h.host.containers.size, 0);
  });

  it("a task with secrets and no execution role stops with a reason saying so", async () => {
    h = await engineHarness({ engine: { resolveSecrets: async () => assert.fail("no read without credentials") } });
    const task = anAssignedTask([aContainerDef("app", { secrets: [{ name: "A", valueFrom: "/a" }] })]);
    await h.engine.handleManifest([task], false);
    const stopped = await h.waitFor("STOPPED", () => h!.reports.find((r) => r.taskArn === task.taskArn && r.report.kind === "task" && r.report.status === "STOPPED"));
    assert.match(String(stopped.report.kind === "task" && stopped.report.reason), /^ResourceInitializationError: unable to pull secrets or registry auth: .*no execution role credentials/);
  });
});

// The credentials endpoint as SDKs reach it: over HTTP on the metadata server, with the engine's
// lookup, ECS's paths and error JSON, and the token rule for loopback.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { startMetadataServer } from "./metadata-server.js";
import { aContainerDef, anAssignedTask, engineHarness } from "./test-builders.js";

describe("credentials endpoint over HTTP", () => {
  it("answers /v2 and /v1 with the task role's keys, ECS's errors otherwise", async () => {
    const h = await engineHarness();
    const server = await startMetadataServer({
      hosts: ["127.0.0.1"],
      port: 0,
      driver: h.driver,
      context: { availabilityZone: "us-east-1a" },
      lookup: { find: () => undefined },
      credentials: { lookup: h.engine.credentialsLookup(), acceptUnknownSources: false },
    });
    try {
      const task = anAssignedTask([aContainerDef("app")], { taskRoleArn: "arn:aws:iam::000000000000:role/app" });
      const keys = { credentialsId: "c-1", roleArn: "arn:aws:iam::000000000000:role/app", accessKeyId: "ASIAX", secretAccessKey: "S", sessionToken: "T", expiration: "2026-12-05T18:00:00Z" };
      h.engine.receiveCredentials(task.taskArn, "TaskApplication", keys);
      await h.engine.handleManifest([task], false);
      const token = await h.waitFor("the record's token", () => h.engine.tasks.get(task.taskArn)?.record.credentialsEndpoint?.token);
      const get = async (path: string, auth?: string) => {
        const res = await fetch(`${server.baseUrl}${path}`, auth ? { headers: { Authorization: auth } } : {});
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      assert.deepEqual(await get("/v2/credentials/c-1", token), {
        status: 200,
        body: { RoleArn: keys.roleArn, AccessKeyId: "ASIAX", SecretAccessKey: "S", Token: "T", Expiration: "2026-12-05T18:00:00Z" },
      });
      assert.equal((await get("/v1/credentials?id=c-1", token)).status, 200);
      assert.deepEqual(await get("/v2/credentials/c-1"), {
        status: 401,
        body: { code: "Unauthorized", message: "CredentialsV2Request: the request needs the task's AWS_CONTAINER_AUTHORIZATION_TOKEN in its Authorization header", HTTPErrorCode: 401 },
      });
      assert.deepEqual(await get("/v2/credentials/", token), { status: 400, body: { code: "NoIdInRequest", message: "CredentialsV2Request: No Credential ID in the request", HTTPErrorCode: 400 } });
      assert.deepEqual(await get("/v1/credentials?id=nope", token), { status: 400, body: { code: "InvalidIdInRequest", message: "CredentialsV1Request: Credentials not found", HTTPErrorCode: 400 } });
      assert.equal((await get("/v2/credentials/%E0%A4%A", token)).status, 400);
      // Once the task has stopped, its id is gone.
      await h.engine.handleManifest([{ ...task, desiredStatus: "STOPPED", version: 2 }], false);
      await h.waitFor("STOPPED", () => h.engine.tasks.get(task.taskArn)?.record.known === "STOPPED");
      assert.equal((await get("/v2/credentials/c-1", token)).status, 400);
      assert.equal(h.engine.credentials.has(task.taskArn, "TaskApplication"), false);
    } finally {
      await server.close();
      await h.close();
    }
  });
});

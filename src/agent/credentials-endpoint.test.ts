import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { authorize, credentialsBody, isCredentialsPath, isLoopback, plainAddress, type CredentialsRequest } from "./credentials-endpoint.js";

const creds = { credentialsId: "id-1", roleArn: "arn:aws:iam::000000000000:role/app", accessKeyId: "ASIAX", secretAccessKey: "S", sessionToken: "T", expiration: "2026-12-05T18:00:00Z" };
const owner = { taskArn: "task-a", token: "tok-a", credentials: creds };
const P = "CredentialsV2Request: ";

describe("authorize", () => {
  const base: CredentialsRequest = { id: "id-1", owner, loopback: false, acceptUnknownSources: false };
  const cases: [string, Partial<CredentialsRequest>, number, string?][] = [
    ["no id: ECS's NoIdInRequest", { id: "" }, 400, `${P}No Credential ID in the request`],
    ["an unknown id: ECS's InvalidIdInRequest", { owner: undefined }, 400, `${P}Credentials not found`],
    ["from the task's own address", { fromTask: "task-a" }, 200],
    ["from another task's address", { fromTask: "task-b" }, 403],
    ["from another task's address, even with the right token", { fromTask: "task-b", authorization: "tok-a" }, 403],
    ["over loopback with the token (FULL_URI)", { loopback: true, authorization: "tok-a" }, 200],
    ["over loopback without a token", { loopback: true }, 401],
    ["over loopback with another token", { loopback: true, authorization: "tok-b" }, 403],
    ["from an unknown address without a header", {}, 403],
    ["from an unknown address with the token", { authorization: "tok-a" }, 200],
    ["from Docker's bridge (unknown addresses accepted)", { acceptUnknownSources: true }, 200],
    ["from Docker's bridge with a wrong header", { acceptUnknownSources: true, authorization: "nope" }, 403],
    ["known id, keys not here yet (agent restart): ECS's 503", { fromTask: "task-a", owner: { taskArn: "task-a", token: "tok-a" } }, 503, `${P}Credentials uninitialized for ID`],
  ];
  for (const [what, over, status, message] of cases) {
    it(what, () => {
      const r = { ...base, ...over };
      if (over.owner === undefined && "owner" in over) delete (r as { owner?: unknown }).owner;
      const v = authorize(r, P);
      if (status === 200) assert.deepEqual(v, { ok: true, credentials: creds });
      else {
        assert.ok(!v.ok);
        assert.equal(v.status, status);
        if (message) assert.equal(v.message, message);
        else assert.ok(v.message.startsWith(P));
      }
    });
  }
});

describe("credentialsBody", () => {
  it("is the ECS agent's five fields in its order", () => {
    assert.equal(credentialsBody(creds), '{"RoleArn":"arn:aws:iam::000000000000:role/app","AccessKeyId":"ASIAX","SecretAccessKey":"S","Token":"T","Expiration":"2026-12-05T18:00:00Z"}');
  });
});

describe("addresses and paths", () => {
  it("knows loopback and strips IPv4-mapped prefixes", () => {
    assert.equal(plainAddress("::ffff:10.1.2.3"), "10.1.2.3");
    assert.ok(isLoopback("127.0.0.1") && isLoopback("127.8.9.1") && isLoopback("::1"));
    assert.ok(!isLoopback("10.254.0.2"));
  });
  it("serves /v2/credentials/<id> (an empty id too: 400, not 404) and /v1/credentials", () => {
    assert.ok(isCredentialsPath("/v2/credentials/abc"));
    assert.ok(isCredentialsPath("/v2/credentials/"));
    assert.ok(isCredentialsPath("/v2/credentials"));
    assert.ok(isCredentialsPath("/v1/credentials"));
    assert.ok(!isCredentialsPath("/v4/token/task"));
  });
});

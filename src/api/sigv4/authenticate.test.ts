// The modes: which requests local and strict mode accept, as whom; and each failure's code in
// each protocol's words.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { aKey, ECS_LIST_CLUSTERS, signedRequest } from "../../../test/helpers/sigv4.js";
import { authenticate, defaultAuthMode, withRootKeys, type Authentication, type AuthMode } from "./authenticate.js";
import { formatAccessKeyId, isIssuedAccessKeyId } from "../../domain/iam/names.js";
import { authError, type FailureKind } from "./failures.js";
import { readSignature } from "./parse.js";
import type { KeyRecord, SignedRequest } from "./request.js";

const T = Date.UTC(2026, 11, 4, 10, 15, 0);
const KNOWN = aKey({ accountId: "111122223333", principal: { kind: "user", arn: "arn:aws:iam::111122223333:user/bob", userId: "AIDABOB" } });

const settings = (mode: AuthMode): Authentication => ({
  mode,
  accountId: "000000000000",
  lookup: (id) => (id === KNOWN.accessKeyId ? KNOWN : undefined),
  issuedHere: isIssuedAccessKeyId,
  now: () => T,
});
// Keys berth issued and no longer holds (deleted, a session swept after it expired).
const REVOKED_USER_KEY = formatAccessKeyId("AKIA", new Uint8Array(16).fill(7));
const REVOKED_SESSION_KEY = formatAccessKeyId("ASIA", new Uint8Array(16).fill(9));

const unsigned: SignedRequest = { method: "POST", path: "/", rawQuery: "", headers: { host: "127.0.0.1:4666", ...ECS_LIST_CLUSTERS.headers }, body: Buffer.from("{}") };
const signedWith = (accessKeyId: string, secretAccessKey: string) =>
  signedRequest({ credentials: { accessKeyId, secretAccessKey }, at: new Date(T), ...ECS_LIST_CLUSTERS });
// What test helpers and hand-written scripts send: a credential, no date, no real signature.
const sketch = (key: string): SignedRequest => ({
  ...unsigned,
  headers: { ...unsigned.headers, authorization: `AWS4-HMAC-SHA256 Credential=${key}/20261204/eu-west-1/ecs/aws4_request, SignedHeaders=host, Signature=00` },
});

async function outcome(request: SignedRequest, mode: AuthMode): Promise<string> {
  const r = await authenticate(request, readSignature(request), "ecs", settings(mode));
  if (!r.ok) return `refused ${r.failure.kind}`;
  return `${r.principal.arn} ${r.verified ? "verified" : "unverified"}`;
}

describe("authenticate", () => {
  const root = "arn:aws:iam::000000000000:root unverified";
  const cases: [string, () => Promise<SignedRequest> | SignedRequest, string, string][] = [
    ["an unsigned request", () => unsigned, root, "refused missingToken"],
    ["test/test", () => signedWith("test", "test"), root, "refused unknownKey"],
    ["a sketched signature of an unknown key", () => sketch("AKID"), root, "refused incomplete"],
    ["a known key, signed", () => signedWith(KNOWN.accessKeyId, KNOWN.secretAccessKey), "arn:aws:iam::111122223333:user/bob verified", "arn:aws:iam::111122223333:user/bob verified"],
    ["a known key, wrong secret", () => signedWith(KNOWN.accessKeyId, "guess"), "refused badSignature", "refused badSignature"],
    ["a sketched signature of a known key", () => sketch(KNOWN.accessKeyId), "refused incomplete", "refused incomplete"],
    ["a revoked key berth issued to a user", () => signedWith(REVOKED_USER_KEY, "secret"), "refused unknownKey", "refused unknownKey"],
    ["a revoked session key berth issued", () => signedWith(REVOKED_SESSION_KEY, "secret"), "refused unknownKey", "refused unknownKey"],
    ["an unknown AWS-shaped key berth did not issue", () => signedWith("AKIAIOSFODNN7EXAMPLE", "secret"), root, "refused unknownKey"],
    ["a Basic Authorization header", () => ({ ...unsigned, headers: { ...unsigned.headers, authorization: "Basic abc" } }), "refused incomplete", "refused incomplete"],
  ];
  for (const [what, make, local, strict] of cases) {
    it(`${what}: local → ${local}; strict → ${strict}`, async () => {
      assert.equal(await outcome(await make(), "local"), local);
      assert.equal(await outcome(await make(), "strict"), strict);
    });
  }

  it("gives the key's account and principal, role sessions with their role", async () => {
    const role: KeyRecord = {
      ...KNOWN,
      principal: { kind: "assumed-role", arn: "arn:aws:sts::111122223333:assumed-role/app/s", userId: "AROA:s", roleArn: "arn:aws:iam::111122223333:role/app" },
    };
    const request = await signedWith(KNOWN.accessKeyId, KNOWN.secretAccessKey);
    const r = await authenticate(request, readSignature(request), "ecs", { ...settings("strict"), lookup: () => role });
    assert.deepEqual(r, {
      ok: true,
      verified: true,
      principal: { kind: "assumed-role", arn: role.principal.arn, userId: "AROA:s", accountId: "111122223333", roleArn: "arn:aws:iam::111122223333:role/app" },
    });
  });

  it("withRootKeys adds root keys of the default account before IAM's", async () => {
    const lookup = withRootKeys(() => undefined, [{ accessKeyId: "BKIAROOT", secretAccessKey: "r" }], "444455556666");
    const request = await signedWith("BKIAROOT", "r");
    const r = await authenticate(request, readSignature(request), "ecs", { ...settings("strict"), lookup });
    assert.ok(r.ok);
    assert.deepEqual(r.principal, { kind: "root", arn: "arn:aws:iam::444455556666:root", userId: "444455556666", accountId: "444455556666" });
    assert.equal(await lookup("AKIAOTHER"), undefined);
  });
});

describe("defaultAuthMode", () => {
  const cases: [string, AuthMode][] = [
    ["127.0.0.1", "local"],
    ["127.1.2.3", "local"],
    ["localhost", "local"],
    ["::1", "local"],
    ["[::1]", "local"],
    ["0.0.0.0", "strict"],
    ["::", "strict"],
    ["10.0.0.5", "strict"],
    ["berth.example.com", "strict"],
  ];
  for (const [host, mode] of cases) it(`${host} → ${mode}`, () => assert.equal(defaultAuthMode(host), mode));
});

describe("authError", () => {
  // [kind, JSON services, query services (IAM, STS, ELBv2), EC2]
  const table: [FailureKind, string, string, string][] = [
    ["missingToken", "MissingAuthenticationTokenException 400", "MissingAuthenticationToken 403", "MissingAuthenticationToken 401"],
    ["incomplete", "IncompleteSignatureException 400", "IncompleteSignature 400", "IncompleteSignature 400"],
    ["unknownKey", "UnrecognizedClientException 400", "InvalidClientTokenId 403", "AuthFailure 401"],
    ["badSignature", "InvalidSignatureException 400", "SignatureDoesNotMatch 403", "AuthFailure 401"],
    ["expiredToken", "ExpiredTokenException 400", "ExpiredToken 403", "RequestExpired 400"],
  ];
  for (const [kind, json, query, ec2] of table) {
    it(`${kind}: ${json} / ${query} / ${ec2}`, () => {
      const f = { kind, message: "m" };
      const show = (p: "json" | "query" | "ec2") => {
        const e = authError(f, p);
        return `${e.code} ${e.status}`;
      };
      assert.equal(show("json"), json);
      assert.equal(show("query"), query);
      assert.equal(show("ec2"), ec2);
    });
  }

  it("keeps AWS's message for JSON and query, and says EC2's own", () => {
    assert.equal(authError({ kind: "badSignature", message: "Signature expired: …" }, "query").message, "Signature expired: …");
    assert.equal(authError({ kind: "badSignature", message: "x" }, "ec2").message, "AWS was not able to validate the provided access credentials");
    assert.equal(authError({ kind: "expiredToken", message: "x" }, "ec2").message, "Request has expired.");
  });
});

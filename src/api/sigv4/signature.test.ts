import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getSigningKey } from "@smithy/signature-v4";
import { createHash } from "node:crypto";
import { NodeSha256, sha256Hex, signingKey } from "./signature.js";

describe("signingKey", () => {
  // AWS's example (SigV4 documentation, "Derive a signing key"): secret wJalr…, 20120215, us-east-1, iam.
  it("derives AWS's documented example key", () => {
    const key = signingKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", { date: "20120215", region: "us-east-1", service: "iam" });
    assert.equal(key.export().toString("hex"), "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
  });

  const cases: [string, string, string, string][] = [
    ["s", "20261204", "us-east-1", "ecs"],
    ["a/longer+secret=with/odd/chars0123456789", "20000229", "eu-west-1", "elasticloadbalancing"],
    ["ünïcödé", "20991231", "ap-northeast-1", "sts"],
  ];
  for (const [secret, date, region, service] of cases) {
    it(`equals the SDK signer's key for ${date}/${region}/${service}, and is kept`, async () => {
      const sdk = await getSigningKey(NodeSha256, { accessKeyId: "AK", secretAccessKey: secret }, date, region, service);
      const ours = signingKey(secret, { date, region, service });
      assert.equal(ours.export().toString("hex"), Buffer.from(sdk).toString("hex"));
      assert.equal(signingKey(secret, { date, region, service }), ours, "the second derivation is the kept one");
      assert.notEqual(signingKey(`${secret}x`, { date, region, service }).export().toString("hex"), ours.export().toString("hex"));
    });
  }
});

describe("sha256Hex", () => {
  for (const body of ["", "{}", "{ }", "Action=ListRoles&Version=2010-05-08"]) {
    it(`hashes ${JSON.stringify(body)} as SHA-256 does`, () => {
      assert.equal(sha256Hex(Buffer.from(body)), createHash("sha256").update(body).digest("hex"));
    });
  }
});

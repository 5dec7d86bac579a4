import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { amzDate, signRequest } from "./sigv4.js";

describe("signRequest", () => {
  it("matches the get-vanilla case of AWS's SigV4 test suite", async () => {
    const headers = await signRequest({
      method: "GET",
      url: "https://example.amazonaws.com/",
      headers: {},
      body: "",
      region: "us-east-1",
      service: "service",
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
      now: new Date("2015-08-30T12:36:00Z"),
    });
    assert.equal(
      headers.authorization,
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, " +
        "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    );
  });

  it("signs the JSON headers and the session token, scoped to the region", async () => {
    const headers = await signRequest({
      method: "POST",
      url: "http://127.0.0.1:4666",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "Berth_20261128.DescribeServiceDecisions" },
      body: "{}",
      region: "eu-west-1",
      service: "ecs",
      credentials: { accessKeyId: "AK", secretAccessKey: "SK", sessionToken: "TOKEN" },
      now: new Date("2026-01-02T03:04:05.678Z"),
    });
    assert.equal(headers["x-amz-date"], "20260102T030405Z");
    assert.equal(headers["x-amz-security-token"], "TOKEN");
    assert.match(headers.authorization!, /^AWS4-HMAC-SHA256 Credential=AK\/20260102\/eu-west-1\/ecs\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature=[0-9a-f]{64}$/);
  });

  it("amzDate drops separators and milliseconds", () => {
    assert.equal(amzDate(new Date("2026-11-28T23:59:59.999Z")), "20261128T235959Z");
  });
});

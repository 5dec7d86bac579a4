// The wire protocol as AWS JSON 1.1 clients see it: errors, headers, bad requests, reset.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ecsTarget, rawCall } from "../helpers/raw.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

describe("AWS JSON 1.1 protocol", () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ allowReset: true });
  });
  after(() => s.close());

  it("answers with a request id and the JSON 1.1 content type", async () => {
    const res = await rawCall(s.url, ecsTarget("ListClusters"), "{}");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/x-amz-json-1.1");
    assert.match(res.headers.get("x-amzn-requestid") ?? "", /^[0-9a-f-]{36}$/);
    assert.deepEqual(res.body, { clusterArns: [] });
  });

  it("sends errors as __type and message, with ECS's status codes", async () => {
    const res = await rawCall(s.url, ecsTarget("DeleteCluster"), JSON.stringify({ cluster: "nope" }));
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { __type: "ClusterNotFoundException", message: "Cluster not found." });
    assert.equal(res.headers.get("x-amzn-errortype"), "ClusterNotFoundException");
  });

  const bad: [string, string | undefined, string, Record<string, string>, number, string][] = [
    ["malformed JSON", ecsTarget("ListClusters"), "{not json", {}, 400, "SerializationException"],
    ["a JSON array body", ecsTarget("ListClusters"), "[1,2]", {}, 400, "SerializationException"],
    ["a wrong member type", ecsTarget("ListClusters"), '{"maxResults":"ten"}', {}, 400, "SerializationException"],
    ["an unknown operation", ecsTarget("LaunchRockets"), "{}", {}, 400, "UnknownOperationException"],
    ["an unknown target prefix", "Nope_20200101.ListClusters", "{}", {}, 400, "UnknownOperationException"],
    ["no target", undefined, "{}", {}, 400, "UnknownOperationException"],
    ["a wrong content type", ecsTarget("ListClusters"), "{}", { "Content-Type": "text/plain" }, 400, "SerializationException"],
    ["a malformed signature", ecsTarget("ListClusters"), "{}", { Authorization: "Basic abc" }, 400, "IncompleteSignatureException"],
    ["an out-of-range maxResults", ecsTarget("ListClusters"), '{"maxResults":1000}', {}, 400, "InvalidParameterException"],
    ["a forged nextToken", ecsTarget("ListClusters"), '{"nextToken":"garbage"}', {}, 400, "InvalidParameterException"],
  ];
  for (const [what, target, body, headers, status, type] of bad) {
    it(`refuses ${what} with ${type}`, async () => {
      const res = await rawCall(s.url, target, body, headers);
      assert.equal(res.status, status);
      assert.equal(res.body.__type, type);
      assert.equal(typeof res.body.message, "string");
    });
  }

  it("routes a request without a target by its SigV4 scope, naming the API it asked for", async () => {
    const auth = (svc: string) => `AWS4-HMAC-SHA256 Credential=AKID/20261128/us-east-1/${svc}/aws4_request, SignedHeaders=host, Signature=00`;
    // An API berth does not answer (SQS), asked for by its scope.
    const sqs = await rawCall(s.url, undefined, "Action=ListQueues&Version=2012-11-05", {
      Authorization: auth("sqs"),
      "Content-Type": "application/x-www-form-urlencoded",
    });
    assert.equal(sqs.status, 400);
    assert.match(String(sqs.body.message), /'sqs' API/);
    const ecs = await rawCall(s.url, undefined, "{}", { Authorization: auth("ecs") });
    assert.match(String(ecs.body.message), /AmazonEC2ContainerServiceV20141113\.<Operation>/);
  });

  it("refuses an oversized body with 413", async () => {
    const res = await rawCall(s.url, ecsTarget("RegisterTaskDefinition"), new Uint8Array(2 * 1024 * 1024).fill(32));
    assert.equal(res.status, 413);
    assert.equal(res.body.__type, "RequestEntityTooLargeException");
  });

  it("takes the region from the SigV4 credential scope", async () => {
    const auth = "AWS4-HMAC-SHA256 Credential=AKID/20261128/eu-west-1/ecs/aws4_request, SignedHeaders=host, Signature=00";
    const res = await rawCall(s.url, ecsTarget("CreateCluster"), '{"clusterName":"eu"}', { Authorization: auth });
    assert.equal((res.body.cluster as { clusterArn: string }).clusterArn, "arn:aws:ecs:eu-west-1:000000000000:cluster/eu");
  });

  it("answers operations berth has not built yet with UnsupportedFeatureException", async () => {
    const res = await rawCall(s.url, ecsTarget("ExecuteCommand"), JSON.stringify({ command: "sh", interactive: true, task: "t" }));
    assert.equal(res.status, 400);
    assert.equal(res.body.__type, "UnsupportedFeatureException");
  });

  it("wipes every account and region on POST /_berth/reset when allowed", async () => {
    await rawCall(s.url, ecsTarget("CreateCluster"), '{"clusterName":"before-reset"}');
    const reset = await fetch(`${s.url}/_berth/reset`, { method: "POST" });
    assert.equal(reset.status, 200);
    const list = await rawCall(s.url, ecsTarget("ListClusters"), "{}");
    assert.deepEqual(list.body, { clusterArns: [] });
    const auth = "AWS4-HMAC-SHA256 Credential=AKID/20261128/eu-west-1/ecs/aws4_request, SignedHeaders=host, Signature=00";
    const eu = await rawCall(s.url, ecsTarget("ListClusters"), "{}", { Authorization: auth });
    assert.deepEqual(eu.body, { clusterArns: [] });
  });
});

describe("reset is off by default", () => {
  it("refuses POST /_berth/reset without --allow-reset", async () => {
    const s = await startTestServer();
    try {
      const res = await fetch(`${s.url}/_berth/reset`, { method: "POST" });
      assert.equal(res.status, 403);
    } finally {
      await s.close();
    }
  });
});

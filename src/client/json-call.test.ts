import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { jsonCall, JsonCallError } from "./json-call.js";

describe("jsonCall", () => {
  let endpoint = "";
  let seen: { headers: IncomingHttpHeaders; body: string } | undefined;
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      seen = { headers: req.headers, body };
      const op = String(req.headers["x-amz-target"]).split(".").pop();
      if (op === "Fine") res.writeHead(200, { "content-type": "application/x-amz-json-1.1" }).end('{"answer":42}');
      else if (op === "Refused") res.writeHead(400).end('{"__type":"com.amazonaws.ecs#ClusterNotFoundException","message":"Cluster not found."}');
      else res.writeHead(502).end("<html>bad gateway</html>");
    });
  });
  before(async () => {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));
  const target = () => ({ endpoint, region: "eu-west-1", credentials: { accessKeyId: "AK", secretAccessKey: "SK" } });

  it("posts the signed JSON 1.1 request and returns the parsed answer", async () => {
    assert.deepEqual(await jsonCall(target(), "Prefix_1", "Fine", { a: 1 }), { answer: 42 });
    assert.equal(seen?.body, '{"a":1}');
    assert.equal(seen?.headers["x-amz-target"], "Prefix_1.Fine");
    assert.equal(seen?.headers["content-type"], "application/x-amz-json-1.1");
    assert.match(String(seen?.headers.authorization), /^AWS4-HMAC-SHA256 Credential=AK\/\d{8}\/eu-west-1\/ecs\/aws4_request, /);
  });

  it("raises the exception's type and status, permanent for a 4xx", async () => {
    await assert.rejects(jsonCall(target(), "P", "Refused", {}), (err: unknown) => {
      assert.ok(err instanceof JsonCallError);
      assert.equal(err.name, "ClusterNotFoundException");
      assert.equal(err.message, "Cluster not found.");
      assert.equal(err.status, 400);
      assert.equal(err.permanent, true);
      return true;
    });
  });

  it("says so when the answer is not JSON, and fails on an unreachable endpoint", async () => {
    await assert.rejects(jsonCall(target(), "P", "Other", {}), /HTTP 502 and a body that is not JSON/);
    await assert.rejects(jsonCall({ ...target(), endpoint: "http://127.0.0.1:1" }, "P", "Fine", {}), /ECONNREFUSED/);
  });
});

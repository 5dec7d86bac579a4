// EFS's REST-JSON edge with what SDKs never send, signed for `elasticfilesystem`: malformed
// bodies, wrong types, unknown paths and methods, odd labels and query values. Every answer is
// EFS-shaped (x-amzn-ErrorType, {ErrorCode, Message}) and a client error, never a crash or a
// 5xx, and nothing is written.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { storeSnapshot } from "../helpers/aws-json-cli.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { send, signedRequest } from "../helpers/sigv4.js";

describe("EFS's REST-JSON edge with odd input", () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ scheduler: false, loadBalancers: false });
  });
  after(async () => {
    if (s) await s.close();
  });

  const call = async (method: string, path: string, o: { body?: string; query?: Record<string, string> } = {}) => {
    const host = new URL(s.url).host;
    const req = await signedRequest({
      credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" },
      at: new Date(),
      method,
      path,
      ...(o.query ? { query: o.query } : {}),
      headers: { host, ...(o.body !== undefined ? { "content-type": "application/json" } : {}) },
      ...(o.body !== undefined ? { body: o.body } : {}),
      service: "elasticfilesystem",
      host,
    });
    return send(s.url, req);
  };

  it("answers each in EFS's words with a 4xx, and writes nothing", async () => {
    const table: [string, string, string, { body?: string; query?: Record<string, string> }, RegExp][] = [
      ["broken JSON", "POST", "/2015-02-01/file-systems", { body: '{"CreationToken": ' }, /SerializationException|BadRequest/],
      ["a JSON array", "POST", "/2015-02-01/file-systems", { body: "[1,2]" }, /BadRequest/],
      ["no creation token", "POST", "/2015-02-01/file-systems", { body: "{}" }, /BadRequest/],
      ["a token of the wrong type", "POST", "/2015-02-01/file-systems", { body: '{"CreationToken": 5}' }, /BadRequest/],
      ["an unknown performance mode", "POST", "/2015-02-01/file-systems", { body: '{"CreationToken": "x", "PerformanceMode": "fast"}' }, /BadRequest/],
      ["provisioned throughput without a rate", "POST", "/2015-02-01/file-systems", { body: '{"CreationToken": "y", "ThroughputMode": "provisioned"}' }, /BadRequest/],
      ["MaxItems that is not a number", "GET", "/2015-02-01/file-systems", { query: { MaxItems: "lots" } }, /BadRequest/],
      ["MaxItems of zero", "GET", "/2015-02-01/file-systems", { query: { MaxItems: "0" } }, /BadRequest/],
      ["a marker of nothing", "GET", "/2015-02-01/file-systems", { query: { Marker: "fs-0123456789abcdef0" } }, /BadRequest/],
      ["an unknown path", "GET", "/2015-02-01/nothing-here", {}, /BadRequest/],
      ["an unknown method", "PATCH", "/2015-02-01/file-systems", {}, /BadRequest/],
      ["a label that is not an id", "DELETE", "/2015-02-01/file-systems/..%2F..%2Fetc", {}, /BadRequest|FileSystemNotFound/],
      ["an access point of no file system", "POST", "/2015-02-01/access-points", { body: '{"ClientToken": "t", "FileSystemId": "fs-0123456789abcdef0"}' }, /FileSystemNotFound/],
      ["a deep access point path", "POST", "/2015-02-01/access-points", { body: '{"ClientToken": "t", "FileSystemId": "fs-0123456789abcdef0", "RootDirectory": {"Path": "/../x"}}' }, /BadRequest/],
      ["mount targets of nothing named", "GET", "/2015-02-01/mount-targets", {}, /BadRequest/],
      ["a mount target in no subnet", "POST", "/2015-02-01/mount-targets", { body: '{"FileSystemId": "fs-0123456789abcdef0", "SubnetId": "subnet-1"}' }, /BadRequest/],
    ];
    const before = storeSnapshot(s).filter((k) => k.includes("/efs-"));
    for (const [name, method, path, o, code] of table) {
      const res = await call(method, path, o);
      assert.ok(res.status >= 400 && res.status < 500, `${name}: HTTP ${res.status} ${res.body}`);
      const body = JSON.parse(res.body) as { ErrorCode?: string; Message?: string };
      assert.match(String(body.ErrorCode), code, `${name}: ${res.body}`);
      assert.ok(typeof body.Message === "string" && body.Message.length > 0, `${name}: a message`);
    }
    assert.deepEqual(storeSnapshot(s).filter((k) => k.includes("/efs-")), before, "nothing written");
  });
});

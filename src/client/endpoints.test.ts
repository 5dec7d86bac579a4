import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { Endpoints, withFailover } from "./endpoints.js";
import { jsonCall, JsonCallError } from "./json-call.js";

describe("Endpoints", () => {
  it("parses a comma list and refuses what is not an http(s) URL", () => {
    assert.deepEqual(new Endpoints(" http://a:1 , http://b:2 ").urls, ["http://a:1", "http://b:2"]);
    assert.throws(() => new Endpoints(""), /no control plane endpoint/);
    assert.throws(() => new Endpoints("ftp://a"), /not an http\(s\) URL/);
    assert.throws(() => new Endpoints("nonsense"));
  });

  it("moves on only from the endpoint that failed, wrapping around", () => {
    const e = new Endpoints(["http://a", "http://b"]);
    e.failed("http://b");
    assert.equal(e.current, "http://a", "a failure of another endpoint moves nothing");
    e.failed("http://a");
    assert.equal(e.current, "http://b");
    e.failed("http://b");
    assert.equal(e.current, "http://a");
  });

  it("withFailover: an answer stops it, a failure without one tries each other endpoint once", async () => {
    const e = new Endpoints(["http://a", "http://b", "http://c"]);
    const tried: string[] = [];
    const down = new Set(["http://a", "http://b"]);
    const got = await withFailover(e, async (url) => {
      tried.push(url);
      if (down.has(url)) throw new Error("ECONNREFUSED");
      return url;
    }, (err) => err instanceof JsonCallError);
    assert.equal(got, "http://c");
    assert.deepEqual(tried, ["http://a", "http://b", "http://c"]);
    assert.equal(e.current, "http://c", "the next call starts where this one succeeded");
    await assert.rejects(withFailover(e, async () => { throw new JsonCallError("ClientException", "no", 400); }, (err) => err instanceof JsonCallError), /no/);
    assert.equal(e.current, "http://c", "an error answer moves nothing");
    const all: string[] = [];
    await assert.rejects(withFailover(e, async (url) => { all.push(url); throw new Error(`down ${url}`); }, () => false), /down/);
    assert.equal(all.length, 3, "each endpoint tried once");
  });
});

describe("jsonCall with several endpoints", () => {
  let server: Server;
  let live = "";
  before(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(200, { "content-type": "application/x-amz-json-1.1" }).end(JSON.stringify({ ok: true })));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    live = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it("a refused connection fails over to the next server", async () => {
    const endpoints = new Endpoints(["http://127.0.0.1:1", live]);
    const res = await jsonCall<{ ok: boolean }>({ endpoint: endpoints, region: "us-east-1", credentials: { accessKeyId: "AK", secretAccessKey: "SK" } }, "P", "Op", {});
    assert.equal(res.ok, true);
    assert.equal(endpoints.current, live);
  });
});

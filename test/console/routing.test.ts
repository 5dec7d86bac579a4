// The console on the API port: its page and assets at / and /console/… beside the AWS APIs,
// which keep their routes (a presigned EC2 GET with ?Action=, /_berth/), and its event stream
// authenticated as the API is — in strict mode an unsigned stream is refused, a presigned one
// (what the page sends, since an EventSource cannot sign headers) is served.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { type ControlPlane, startControlPlane } from "../../src/api/index.js";
import { presignedRequest } from "../helpers/sigv4.js";

const ROOT_KEY = { accessKeyId: "AKIACONSOLETEST00001", secretAccessKey: "console-test-secret" };

/** The first message of an event stream, then the stream closed. */
async function firstEvent(url: string): Promise<{ status: number; text: string }> {
  const ctrl = new AbortController();
  const r = await fetch(url, { signal: ctrl.signal });
  if (r.status !== 200) return { status: r.status, text: await r.text() };
  const chunk = await r.body!.getReader().read();
  ctrl.abort();
  return { status: r.status, text: new TextDecoder().decode(chunk.value) };
}

for (const mode of ["local", "strict"] as const) {
  describe(`console routes (${mode} mode)`, () => {
    let cp: ControlPlane;
    before(async () => {
      cp = await startControlPlane({ dataDir: ":memory:", port: 0, scheduler: false, loadBalancers: false, logger: pino({ level: "silent" }), auth: mode, rootKeys: [ROOT_KEY] });
    });
    after(async () => {
      await cp?.close();
    });

    it("serves the page and its assets to anyone (they hold no data), gzipped, with ETags", async () => {
      const page = await fetch(`${cp.url}/`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get("content-type")!, /^text\/html/);
      assert.match(await page.text(), /<script type="module" src="\/console\/static\/app.js">/);
      const js = await fetch(`${cp.url}/console/static/app.js`, { headers: { "accept-encoding": "gzip" } });
      assert.equal(js.status, 200);
      assert.match(js.headers.get("content-type")!, /^text\/javascript/);
      const etag = js.headers.get("etag")!;
      assert.equal((await fetch(`${cp.url}/console/static/app.js`, { headers: { "if-none-match": etag } })).status, 304);
      assert.deepEqual(await (await fetch(`${cp.url}/console/config.json`)).json(), { authMode: mode, region: "us-east-1" });
      assert.equal((await fetch(`${cp.url}/console/static/../index.ts`)).status, 404);
      assert.equal((await fetch(`${cp.url}/console/static/nothing.js`)).status, 404);
    });

    it("leaves AWS requests and /_berth/ where they were", async () => {
      assert.deepEqual(await (await fetch(`${cp.url}/_berth/health`)).json(), { status: "ok" });
      const ec2 = await fetch(`${cp.url}/?Action=DescribeVpcs&Version=2016-11-15`);
      assert.match(ec2.headers.get("content-type")!, /^text\/xml/);
      assert.equal(ec2.status, mode === "local" ? 200 : 401);
      const post = await fetch(`${cp.url}/`, { method: "POST", headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AmazonEC2ContainerServiceV20141113.ListClusters" }, body: "{}" });
      assert.equal(post.status, mode === "local" ? 200 : 400);
    });

    it("streams changes to an authenticated caller, by name", async () => {
      const unsigned = await firstEvent(`${cp.url}/console/events`);
      if (mode === "strict") {
        assert.equal(unsigned.status, 400);
        assert.match(unsigned.text, /MissingAuthenticationToken|IncompleteSignature/);
      } else {
        assert.equal(unsigned.status, 200);
        assert.match(unsigned.text, /^retry: 2000\nevent: ready\ndata: \{"revision":\d+\}/);
      }
      const host = new URL(cp.url).host;
      const signed = await presignedRequest({ credentials: ROOT_KEY, at: new Date(), method: "GET", path: "/console/events", query: { cluster: "prod" }, service: "ecs", host, expiresIn: 60 });
      const ctrl = new AbortController();
      const r = await fetch(`${cp.url}${signed.path}?${signed.rawQuery}`, { signal: ctrl.signal });
      assert.equal(r.status, 200);
      const reader = r.body!.getReader();
      assert.match(new TextDecoder().decode((await reader.read()).value), /event: ready/);
      const { clusters } = await import("../../src/domain/index.js");
      await clusters.createCluster(cp.deps, { accountId: "000000000000", region: "us-east-1" }, { clusterName: "prod" });
      const text = new TextDecoder().decode((await reader.read()).value);
      assert.deepEqual(JSON.parse(text.replace(/^data: /, "")).changes, [{ kind: "cluster", name: "prod" }]);
      ctrl.abort();
    });
  });
}

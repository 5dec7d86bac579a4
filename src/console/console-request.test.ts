import assert from "node:assert/strict";
import { test } from "node:test";
import { isConsoleRequest } from "./index.js";

test("isConsoleRequest: GETs of / and /console/… that carry no AWS operation", () => {
  const cases: [string, string, Record<string, string>, boolean][] = [
    ["GET", "/", {}, true],
    ["HEAD", "/", {}, true],
    ["GET", "/?", {}, true],
    ["GET", "/console", {}, true],
    ["GET", "/console/static/app.js", {}, true],
    ["GET", "/console/events?cluster=prod&X-Amz-Signature=ab", {}, true],
    // AWS requests keep their routes: a presigned query-protocol GET, a signed or targeted GET
    ["GET", "/?Action=DescribeVpcs&Version=2016-11-15", {}, false],
    ["GET", "/?X-Amz-Signature=abc&X-Amz-Credential=x", {}, false],
    ["GET", "/", { authorization: "AWS4-HMAC-SHA256 Credential=…" }, false],
    ["GET", "/", { "x-amz-target": "AmazonEC2ContainerServiceV20141113.ListClusters" }, false],
    ["POST", "/", {}, false],
    ["POST", "/console/events", {}, false],
    ["GET", "/_berth/health", {}, false],
    ["GET", "/consoleX", {}, false],
    ["GET", "/v2/credentials/x", {}, false],
  ];
  for (const [method, url, headers, want] of cases) assert.equal(isConsoleRequest(method, url, headers), want, `${method} ${url} ${JSON.stringify(headers)}`);
});

// verifySignature, rule by rule: each request is signed as the JS SDK signs it, then changed in
// one way; every failure must be AWS's kind and text, every accepted request its key's.
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { aKey, ECS_LIST_CLUSTERS, presignedRequest, signedRequest, withHeader, type SignOptions } from "../../../test/helpers/sigv4.js";
import { readSignature, type AuthParse } from "./parse.js";
import type { KeyRecord, SignedRequest } from "./request.js";
import { verifySignature, type Verdict } from "./verify.js";

const T = Date.UTC(2026, 11, 4, 10, 15, 0); // 20261204T101500Z
const SEC = 1000;
const MIN = 60 * SEC;

const KEY = aKey();

const TEMP = aKey({
  accessKeyId: "ASIAVERIFYTEST000002",
  secretAccessKey: "temporary-secret",
  principal: { kind: "assumed-role", arn: "arn:aws:sts::123456789012:assumed-role/app/t1", userId: "AROAAPP:t1", roleArn: "arn:aws:iam::123456789012:role/app" },
  sessionToken: "the-session-token",
  expiration: new Date(T + 60 * MIN).toISOString(),
});

const sign = (o: Partial<SignOptions> = {}, key: KeyRecord = KEY) =>
  signedRequest({ credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey }, at: new Date(T), ...ECS_LIST_CLUSTERS, ...o });

async function verdict(request: SignedRequest, o: { record?: KeyRecord | null; now?: number; service?: string } = {}): Promise<Verdict> {
  const parsed = readSignature(request);
  assert.notEqual(parsed.kind, "anonymous", "the request carries a signature");
  return verifySignature({
    request,
    parsed: parsed as Exclude<AuthParse, { kind: "anonymous" }>,
    record: o.record === null ? undefined : (o.record ?? KEY),
    now: o.now ?? T,
    service: o.service ?? "ecs",
  });
}

function refused(v: Verdict, kind: string, message: string | RegExp): void {
  assert.equal(v.ok, false, "refused");
  if (v.ok) return;
  assert.equal(v.failure.kind, kind);
  if (typeof message === "string") assert.equal(v.failure.message, message);
  else assert.match(v.failure.message, message);
}

/** Replaces a part of the Authorization header. */
function editAuth(r: SignedRequest, edit: (auth: string) => string): SignedRequest {
  return withHeader(r, "authorization", edit(String(r.headers.authorization)));
}

describe("verifySignature accepts", () => {
  it("a request signed by the SDK's signer, as its key's principal", async () => {
    const v = await verdict(await sign());
    assert.ok(v.ok);
    assert.equal(v.record, KEY);
  });

  it("the get-vanilla case of AWS's SigV4 test suite", async () => {
    const request: SignedRequest = {
      method: "GET",
      path: "/",
      rawQuery: "",
      headers: {
        host: "example.amazonaws.com",
        "x-amz-date": "20150830T123600Z",
        authorization:
          "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
      },
      body: new Uint8Array(),
    };
    const record = { ...KEY, accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
    const v = await verdict(request, { record, now: Date.UTC(2015, 7, 30, 12, 36), service: "service" });
    assert.ok(v.ok);
  });

  it("a request signed with a Date header instead of X-Amz-Date (signed here by hand, from the SigV4 specification)", async () => {
    const date = "Fri, 04 Dec 2026 10:15:00 GMT";
    const canonical = ["POST", "/", "", "date:" + date, "host:127.0.0.1:4666", "", "date;host", sha256("{}")].join("\n");
    const scope = "20261204/us-east-1/ecs/aws4_request";
    const toSign = ["AWS4-HMAC-SHA256", "20261204T101500Z", scope, sha256(canonical)].join("\n");
    let key: Buffer | string = `AWS4${KEY.secretAccessKey}`;
    for (const part of ["20261204", "us-east-1", "ecs", "aws4_request"]) key = createHmac("sha256", key).update(part).digest();
    const signature = createHmac("sha256", key).update(toSign).digest("hex");
    const request: SignedRequest = {
      method: "POST",
      path: "/",
      rawQuery: "",
      headers: { host: "127.0.0.1:4666", date, authorization: `AWS4-HMAC-SHA256 Credential=${KEY.accessKeyId}/${scope}, SignedHeaders=date;host, Signature=${signature}` },
      body: Buffer.from("{}"),
    };
    assert.ok((await verdict(request)).ok);
  });

  it("a temporary key with its session token", async () => {
    const r = await signedRequest({ credentials: { ...TEMP, sessionToken: TEMP.sessionToken }, at: new Date(T), ...ECS_LIST_CLUSTERS });
    assert.equal(r.headers["x-amz-security-token"], TEMP.sessionToken);
    const v = await verdict(r, { record: TEMP });
    assert.ok(v.ok);
  });

  it("a presigned GET within its X-Amz-Expires, and with a session token in the query", async () => {
    const query = { Action: "GetCallerIdentity", Version: "2011-06-15" };
    const r = await presignedRequest({ credentials: KEY, at: new Date(T), method: "GET", query, service: "sts", expiresIn: 900 });
    assert.ok((await verdict(r, { service: "sts", now: T + 900 * SEC })).ok);
    const t = await presignedRequest({ credentials: { ...TEMP, sessionToken: TEMP.sessionToken }, at: new Date(T), method: "GET", query, service: "sts", expiresIn: 60 });
    assert.match(t.rawQuery, /X-Amz-Security-Token=the-session-token/);
    assert.ok((await verdict(t, { record: TEMP, service: "sts" })).ok);
  });

  it("an x-amz-content-sha256 header that is the body's hash", async () => {
    const r = await sign({ headers: { ...ECS_LIST_CLUSTERS.headers, "x-amz-content-sha256": sha256("{}") } });
    assert.ok((await verdict(r)).ok);
  });

  it("a query string with repeated keys, reserved characters and a plus sign", async () => {
    const r = await sign({ query: { b: "x y", a: ["2", "1+1"], "c~": "é/ü" } });
    assert.match(r.rawQuery, /a=2&a=1%2B1/);
    assert.ok((await verdict(r)).ok);
  });
});

describe("verifySignature's clock", () => {
  // Signed at 10:15:00; the server's clock moves.
  const cases: [string, number, true | RegExp][] = [
    ["now = signing time", T, true],
    ["5 minutes after", T + 5 * MIN, true],
    ["5 minutes and 1 second after", T + 5 * MIN + SEC, /^Signature expired: 20261204T101500Z is now earlier than 20261204T101501Z \(20261204T102001Z - 5 min\.\)$/],
    ["5 minutes before", T - 5 * MIN, true],
    ["5 minutes and 1 second before", T - 5 * MIN - SEC, /^Signature not yet current: 20261204T101500Z is still later than 20261204T101459Z \(20261204T100959Z \+ 5 min\.\)$/],
    ["a day after", T + 24 * 60 * MIN, /^Signature expired: /],
  ];
  for (const [what, now, want] of cases) {
    it(`${what}: ${want === true ? "accepted" : "refused"}`, async () => {
      const v = await verdict(await sign(), { now });
      if (want === true) assert.ok(v.ok, JSON.stringify(v));
      else refused(v, "badSignature", want);
    });
  }

  it("STS allows 15 minutes either side", async () => {
    const r = await sign({ service: "sts", headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" }, body: "Action=GetCallerIdentity&Version=2011-06-15" });
    assert.ok((await verdict(r, { service: "sts", now: T + 15 * MIN })).ok);
    refused(await verdict(r, { service: "sts", now: T + 15 * MIN + SEC }), "badSignature", /\(20261204T103001Z - 15 min\.\)$/);
    refused(await verdict(r, { service: "sts", now: T - 15 * MIN - SEC }), "badSignature", /^Signature not yet current: .* \+ 15 min\.\)$/);
  });

  it("a presigned request expires X-Amz-Expires seconds after its signing time", async () => {
    const r = await presignedRequest({ credentials: KEY, at: new Date(T), method: "GET", query: { Action: "DescribeVpcs", Version: "2016-11-15" }, service: "ec2", expiresIn: 60 });
    assert.ok((await verdict(r, { service: "ec2", now: T + 60 * SEC })).ok);
    refused(await verdict(r, { service: "ec2", now: T + 61 * SEC }), "badSignature", "Signature expired: 20261204T101500Z is now earlier than 20261204T101501Z (20261204T101601Z - 60 sec.)");
    refused(await verdict(r, { service: "ec2", now: T - 6 * MIN }), "badSignature", /^Signature not yet current/);
  });
});

describe("verifySignature refuses", () => {
  const cases: [string, () => Promise<SignedRequest>, { record?: KeyRecord | null; service?: string }, string, string | RegExp][] = [
    ["an unknown access key", () => sign(), { record: null }, "unknownKey", "The security token included in the request is invalid."],
    ["an inactive key", () => sign(), { record: { ...KEY, status: "Inactive" } }, "unknownKey", "The security token included in the request is invalid."],
    [
      "a wrong secret",
      () => sign({}, { ...KEY, secretAccessKey: "not-the-secret" }),
      {},
      "badSignature",
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    ],
    ["a changed body", async () => ({ ...(await sign()), body: Buffer.from('{"maxResults":1}') }), {}, "badSignature", /^The request signature we calculated/],
    ["a changed signed header", async () => withHeader(await sign(), "x-amz-target", "AmazonEC2ContainerServiceV20141113.DeleteCluster"), {}, "badSignature", /^The request signature/],
    ["a changed path", async () => ({ ...(await sign()), path: "/x" }), {}, "badSignature", /^The request signature/],
    ["an added query parameter", async () => ({ ...(await sign()), rawQuery: "a=1" }), {}, "badSignature", /^The request signature/],
    ["an upper-case signature", async () => editAuth(await sign(), (a) => a.replace(/Signature=(\w+)/, (_, s: string) => `Signature=${s.toUpperCase()}`)), {}, "badSignature", /^The request signature/],
    ["a truncated signature", async () => editAuth(await sign(), (a) => a.slice(0, -1)), {}, "badSignature", /^The request signature/],
    [
      "a credential signed for another service",
      () => sign(),
      { service: "servicediscovery" },
      "badSignature",
      "Credential should be scoped to correct service: 'servicediscovery'.",
    ],
    [
      "a credential scope dated another day",
      async () => editAuth(await sign(), (a) => a.replace("/20261204/", "/20261203/")),
      {},
      "badSignature",
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20261203' != '20261204', from '20261204T101500Z'.",
    ],
    [
      "a credential scope with another terminator",
      async () => editAuth(await sign(), (a) => a.replace("aws4_request", "aws5_request")),
      {},
      "badSignature",
      "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'.",
    ],
    ["another region in the header than signed", async () => editAuth(await sign(), (a) => a.replace("/us-east-1/", "/eu-west-1/")), {}, "badSignature", /^The request signature/],
    [
      "a credential of four parts",
      async () => editAuth(await sign(), (a) => a.replace("/aws4_request", "")),
      {},
      "incomplete",
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${KEY.accessKeyId}/20261204/us-east-1/ecs'`,
    ],
    ["an unsupported algorithm", async () => withHeader(await sign(), "authorization", "Basic YWxhZGRpbjpvcGVuc2VzYW1l"), {}, "incomplete", "Unsupported AWS 'algorithm': 'Basic'."],
    [
      "no Credential",
      async () => editAuth(await sign(), (a) => a.replace(/Credential=[^,]+, /, "")),
      {},
      "incomplete",
      "Authorization header requires 'Credential' parameter. Authorization=AWS4-HMAC-SHA256",
    ],
    [
      "no Signature",
      async () => editAuth(await sign(), (a) => a.replace(/, Signature=\w+/, "")),
      {},
      "incomplete",
      "Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256",
    ],
    [
      "no SignedHeaders",
      async () => editAuth(await sign(), (a) => a.replace(/SignedHeaders=[^,]+, /, "")),
      {},
      "incomplete",
      "Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256",
    ],
    [
      "no X-Amz-Date and no Date",
      async () => withHeader(await sign(), "x-amz-date", undefined),
      {},
      "incomplete",
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256",
    ],
    [
      "an Authorization header of the algorithm alone",
      async () => withHeader(withHeader(await sign(), "authorization", "AWS4-HMAC-SHA256"), "x-amz-date", undefined),
      {},
      "incomplete",
      "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256",
    ],
    [
      "a part without an equal sign",
      async () => editAuth(await sign(), (a) => `${a}, junk`),
      {},
      "incomplete",
      /^'junk' not a valid key=value pair \(missing equal-sign\) in Authorization header: 'AWS4-HMAC-SHA256 Credential=/,
    ],
    [
      "a date not in ISO 8601's basic format",
      async () => withHeader(await sign(), "x-amz-date", "2026-12-04T10:15:00Z"),
      {},
      "incomplete",
      "Date must be in ISO-8601 'basic format'. Got '2026-12-04T10:15:00Z'. See http://en.wikipedia.org/wiki/ISO_8601",
    ],
    ["a date that does not exist", async () => withHeader(await sign(), "x-amz-date", "20261332T101500Z"), {}, "incomplete", /^Date must be in ISO-8601 'basic format'/],
    [
      "host not among the signed headers",
      async () => editAuth(await sign(), (a) => a.replace("SignedHeaders=content-type;host;", "SignedHeaders=content-type;")),
      {},
      "badSignature",
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    ],
    [
      "signed headers out of order",
      async () => editAuth(await sign(), (a) => a.replace("SignedHeaders=content-type;host;x-amz-date;x-amz-target", "SignedHeaders=host;content-type;x-amz-date;x-amz-target")),
      {},
      "badSignature",
      /^SignedHeaders must be lower-case names in alphabetical order/,
    ],
    ["a signed header the request lacks", async () => withHeader(await sign(), "x-amz-target", undefined), {}, "badSignature", "The signed header 'x-amz-target' is not in the request."],
    [
      "both an Authorization header and a presigned query",
      async () => ({ ...(await sign()), rawQuery: "X-Amz-Algorithm=AWS4-HMAC-SHA256" }),
      {},
      "badSignature",
      "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
    ],
    [
      "an x-amz-content-sha256 that is not the body's",
      () => sign({ headers: { ...ECS_LIST_CLUSTERS.headers, "x-amz-content-sha256": sha256("{ }") } }),
      {},
      "badSignature",
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    ],
    [
      "UNSIGNED-PAYLOAD (Amazon S3's alone)",
      () => sign({ headers: { ...ECS_LIST_CLUSTERS.headers, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } }),
      {},
      "badSignature",
      "x-amz-content-sha256 'UNSIGNED-PAYLOAD' is accepted only by Amazon S3; sign the body's SHA-256.",
    ],
    ["a session token with a long-term key", () => sign({ headers: { ...ECS_LIST_CLUSTERS.headers, "x-amz-security-token": "t" } }), {}, "unknownKey", /invalid/],
    ["a temporary key without its token", () => sign({}, TEMP), { record: TEMP }, "unknownKey", "The security token included in the request is invalid."],
    [
      "a temporary key with another token",
      () => signedRequest({ credentials: { ...TEMP, sessionToken: "forged" }, at: new Date(T), ...ECS_LIST_CLUSTERS }),
      { record: TEMP },
      "unknownKey",
      "The security token included in the request is invalid.",
    ],
    [
      "an expired temporary key",
      () => signedRequest({ credentials: { ...TEMP, sessionToken: TEMP.sessionToken }, at: new Date(T), ...ECS_LIST_CLUSTERS }),
      { record: { ...TEMP, expiration: new Date(T).toISOString() } },
      "expiredToken",
      "The security token included in the request is expired",
    ],
  ];
  for (const [what, make, o, kind, message] of cases) {
    it(`${what} (${kind})`, async () => refused(await verdict(await make(), o), kind, message));
  }

  const presignCases: [string, (q: string) => string, string, string | RegExp][] = [
    [
      "a presigned query without X-Amz-Signature",
      (q) => q.replace(/&?X-Amz-Signature=\w+/, ""),
      "incomplete",
      "AWS query-string parameters must include 'X-Amz-Signature'. Re-examine the query-string parameters.",
    ],
    [
      "a presigned query without X-Amz-Credential and X-Amz-Date",
      (q) => q.replace(/&?X-Amz-Credential=[^&]+/, "").replace(/&?X-Amz-Date=\w+/, ""),
      "incomplete",
      "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters.",
    ],
    ["a presigned query of another algorithm", (q) => q.replace("X-Amz-Algorithm=AWS4-HMAC-SHA256", "X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256"), "missingToken", "Request is missing Authentication Token"],
    ["X-Amz-Expires of 0", (q) => q.replace(/X-Amz-Expires=\d+/, "X-Amz-Expires=0"), "incomplete", /^X-Amz-Expires must be a whole number of seconds from 1 to 604800, found '0'\.$/],
    ["X-Amz-Expires past a week", (q) => q.replace(/X-Amz-Expires=\d+/, "X-Amz-Expires=604801"), "incomplete", /found '604801'/],
    ["a longer X-Amz-Expires than signed", (q) => q.replace(/X-Amz-Expires=\d+/, "X-Amz-Expires=3600"), "badSignature", /^The request signature/],
    ["a changed parameter", (q) => q.replace("Action=GetCallerIdentity", "Action=AssumeRole"), "badSignature", /^The request signature/],
  ];
  for (const [what, edit, kind, message] of presignCases) {
    it(`${what} (${kind})`, async () => {
      const r = await presignedRequest({ credentials: KEY, at: new Date(T), method: "GET", query: { Action: "GetCallerIdentity", Version: "2011-06-15" }, service: "sts", expiresIn: 900 });
      refused(await verdict({ ...r, rawQuery: edit(r.rawQuery) }, { service: "sts" }), kind, message);
    });
  }
});

function sha256(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}

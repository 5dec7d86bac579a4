// SigV4 in the browser (WebCrypto), for strict mode: the page signs its API requests with the
// access key the person typed in, as the AWS SDKs do. Only what the console sends is covered:
// POST / with a JSON body (signed headers host, x-amz-date, x-amz-target and the session token),
// and a presigned GET for the event stream (an EventSource cannot set headers).
const enc = new TextEncoder();
const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");
const sha256 = async (data) => hex(await crypto.subtle.digest("SHA-256", typeof data === "string" ? enc.encode(data) : data));
async function hmac(key, data) {
  const k = await crypto.subtle.importKey("raw", typeof key === "string" ? enc.encode(key) : key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return crypto.subtle.sign("HMAC", k, enc.encode(data));
}
/** RFC 3986 encoding, as SigV4's canonical query wants it. */
const uriEncode = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function dates(now) {
  const long = now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  return { long, short: long.slice(0, 8) };
}

async function signature(secret, short, region, service, stringToSign) {
  let key = await hmac(`AWS4${secret}`, short);
  for (const part of [region, service, "aws4_request"]) key = await hmac(key, part);
  return hex(await hmac(key, stringToSign));
}

function canonicalQuery(params) {
  return params
    .map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

/** Headers for a signed POST of `body` to `path` (the caller adds Content-Type). */
export async function signedHeaders({ credentials, region, service, host, path, target, body, now = new Date() }) {
  const { long, short } = dates(now);
  const headers = { host, "x-amz-date": long, ...(target ? { "x-amz-target": target } : {}) };
  if (credentials.sessionToken) headers["x-amz-security-token"] = credentials.sessionToken;
  const names = Object.keys(headers).sort();
  const canonical = ["POST", path, "", ...names.map((n) => `${n}:${headers[n]}`), "", names.join(";"), await sha256(body)].join("\n");
  const scope = `${short}/${region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", long, scope, await sha256(canonical)].join("\n");
  const sig = await signature(credentials.secretAccessKey, short, region, service, toSign);
  delete headers.host; // the browser sends it
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(";")}, Signature=${sig}`;
  return headers;
}

/** A presigned GET URL's query string for `path` with `params`, valid `expires` seconds. */
export async function presignedQuery({ credentials, region, service, host, path, params, expires = 300, now = new Date() }) {
  const { long, short } = dates(now);
  const scope = `${short}/${region}/${service}/aws4_request`;
  const all = [
    ...params,
    ["X-Amz-Algorithm", "AWS4-HMAC-SHA256"],
    ["X-Amz-Credential", `${credentials.accessKeyId}/${scope}`],
    ["X-Amz-Date", long],
    ["X-Amz-Expires", String(expires)],
    ["X-Amz-SignedHeaders", "host"],
  ];
  if (credentials.sessionToken) all.push(["X-Amz-Security-Token", credentials.sessionToken]);
  const query = canonicalQuery(all);
  const canonical = ["GET", path, query, `host:${host}`, "", "host", await sha256("")].join("\n");
  const toSign = ["AWS4-HMAC-SHA256", long, scope, await sha256(canonical)].join("\n");
  return `${query}&X-Amz-Signature=${await signature(credentials.secretAccessKey, short, region, service, toSign)}`;
}

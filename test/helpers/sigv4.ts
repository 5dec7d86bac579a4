// Requests signed as an AWS SDK signs them (@smithy/signature-v4, the JS SDK's signer), in the
// shape berth's verifier reads, for tests of SigV4 verification; and raw HTTP sends of them.
import { SignatureV4 } from "@smithy/signature-v4";
import type { HttpRequest } from "@smithy/types";
import { request as httpRequest } from "node:http";
import { NodeSha256 } from "../../src/api/sigv4/signature.js";
import type { KeyRecord, SignedRequest } from "../../src/api/sigv4/index.js";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignOptions {
  credentials: Credentials;
  /** When the client signs. */
  at: Date;
  method?: string;
  path?: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  body?: string;
  region?: string;
  service?: string;
  host?: string;
}

/** A key record as IAM's lookup returns it: an active long-term key of user alice, unless told otherwise. */
export function aKey(o: Partial<KeyRecord> = {}): KeyRecord {
  return {
    accessKeyId: "AKIAEXAMPLEKEY000001",
    secretAccessKey: "example/secret+key=0123456789abcdefghij",
    accountId: "123456789012",
    status: "Active",
    principal: { kind: "user", arn: "arn:aws:iam::123456789012:user/alice", userId: "AIDAALICE" },
    ...o,
  };
}

/** An ECS ListClusters request as the JS SDK would send it. */
export const ECS_LIST_CLUSTERS = {
  headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AmazonEC2ContainerServiceV20141113.ListClusters" },
  body: "{}",
};

function httpRequestOf(o: SignOptions): HttpRequest {
  return {
    method: o.method ?? "POST",
    protocol: "http:",
    hostname: (o.host ?? "127.0.0.1:4666").split(":")[0]!,
    path: o.path ?? "/",
    query: { ...(o.query ?? {}) },
    headers: { host: o.host ?? "127.0.0.1:4666", ...(o.headers ?? {}) },
    ...(o.body !== undefined ? { body: o.body } : {}),
  };
}

function signer(o: SignOptions): SignatureV4 {
  return new SignatureV4({ service: o.service ?? "ecs", region: o.region ?? "us-east-1", credentials: o.credentials, sha256: NodeSha256, applyChecksum: false });
}

/** RFC 3986 encoding, as SigV4 wants it. */
export function encode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function toSigned(r: HttpRequest, body: string | undefined): SignedRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = String(v);
  const rawQuery = Object.entries(r.query ?? {})
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${encode(k)}=${encode(String(x))}`))
    .join("&");
  return { method: r.method, path: r.path, rawQuery, headers, body: Buffer.from(body ?? "") };
}

/** A request signed in its Authorization header. */
export async function signedRequest(o: SignOptions): Promise<SignedRequest> {
  const signed = await signer(o).sign(httpRequestOf(o), { signingDate: o.at });
  return toSigned(signed, o.body);
}

/** A presigned request: the signature in the query string, valid for `expiresIn` seconds. */
export async function presignedRequest(o: SignOptions & { expiresIn: number }): Promise<SignedRequest> {
  const signed = await signer(o).presign(httpRequestOf(o), { signingDate: o.at, expiresIn: o.expiresIn });
  return toSigned(signed, o.body);
}

/** The request with one header set (or removed, with undefined). */
export function withHeader(r: SignedRequest, name: string, value: string | undefined): SignedRequest {
  const headers = { ...r.headers };
  if (value === undefined) delete headers[name];
  else headers[name] = value;
  return { ...r, headers };
}

export interface RawAnswer {
  status: number;
  body: string;
}

/** Sends a SignedRequest as it is, byte for byte, to a server at `url`. */
export function send(url: string, r: SignedRequest): Promise<RawAnswer> {
  const u = new URL(url);
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(r.headers)) if (v !== undefined && k !== "host") headers[k] = typeof v === "string" ? v : [...v];
  // The Host header the request was signed with goes out as it is, whatever the server's port.
  const host = r.headers.host;
  if (host !== undefined) headers.host = typeof host === "string" ? host : host[0]!;
  headers["content-length"] = String(r.body.length);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: u.hostname, port: u.port, method: r.method, path: r.rawQuery ? `${r.path}?${r.rawQuery}` : r.path, headers, setHost: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    req.end(Buffer.from(r.body));
  });
}

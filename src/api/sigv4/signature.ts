// The signature a request should carry, computed with the AWS SDK's own signer
// (@smithy/signature-v4): its canonical path and query encoding, canonical request, string to
// sign and signing-key derivation. berth hands it exactly the headers the client said it
// signed and the time the client said it signed at; the comparison is berth's.
import { ALGORITHM_IDENTIFIER, getCanonicalHeaders, getSigningKey, SignatureV4 } from "@smithy/signature-v4";
import type { HeaderBag, HttpRequest, QueryParameterBag, SourceData } from "@smithy/types";
import { createHash, createHmac, timingSafeEqual, type Hash, type Hmac } from "node:crypto";
import { parseQuery, type CredentialScope } from "./parse.js";
import type { SignedRequest } from "./request.js";

/** SHA-256 and HMAC-SHA256 over node:crypto, in the signer's hash interface. */
export class NodeSha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", toBytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

function toBytes(data: SourceData): string | Uint8Array {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The signer's canonicalization, reached through its protected steps. */
class Canonicalizer extends SignatureV4 {
  constructor() {
    // Region, service and credentials are given per request below; these are never used.
    super({ service: "-", region: "-", credentials: { accessKeyId: "-", secretAccessKey: "-" }, sha256: NodeSha256 });
  }
  canonicalRequest(request: HttpRequest, headers: HeaderBag, payloadHash: string): string {
    return this.createCanonicalRequest(request, headers, payloadHash);
  }
}

const canonicalizer = new Canonicalizer();

export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

export function sha256Hex(body: Uint8Array): string {
  return body.length === 0 ? EMPTY_SHA256 : createHash("sha256").update(body).digest("hex");
}

export interface SignatureInput {
  request: SignedRequest;
  scope: CredentialScope;
  /** The signed header names, lower-case and sorted (parse.ts checked). */
  signedHeaders: readonly string[];
  /** When the client signed: `20261204T101500Z`. */
  longDate: string;
  payloadHash: string;
  secretAccessKey: string;
  accessKeyId: string;
}

/** The hex signature this request must carry. */
export async function expectedSignature(input: SignatureInput): Promise<string> {
  const { request, scope } = input;
  const headers: Record<string, string> = Object.create(null);
  for (const name of input.signedHeaders) headers[name] = headerValue(request.headers[name]);
  const http: HttpRequest = {
    method: request.method,
    protocol: "http:",
    hostname: "",
    path: request.path === "" ? "/" : request.path,
    query: queryBag(request.rawQuery),
    headers,
  };
  // Every signed header counts, even those the SDK would never sign itself (user-agent).
  const canonicalHeaders = getCanonicalHeaders(http, undefined, new Set(input.signedHeaders));
  const canonical = canonicalizer.canonicalRequest(http, canonicalHeaders, input.payloadHash);
  const credentialScope = `${scope.date}/${scope.region}/${scope.service}/${scope.terminator}`;
  // The string to sign, as the signer writes it (createStringToSign), hashed here synchronously.
  const stringToSign = `${ALGORITHM_IDENTIFIER}\n${input.longDate}\n${credentialScope}\n${createHash("sha256").update(canonical).digest("hex")}`;
  const key = await signingKey(input.accessKeyId, input.secretAccessKey, scope);
  return createHmac("sha256", key).update(stringToSign).digest("hex");
}

/**
 * The signing key of a secret for one day, region and service (HMAC chain from "AWS4"+secret),
 * derived by the signer and kept: it changes once a day, and deriving it is four HMACs. Keyed by
 * the secret too, so a rotated or different secret never meets another's key.
 */
const signingKeys = new Map<string, Uint8Array>();
const MAX_SIGNING_KEYS = 1024;

async function signingKey(accessKeyId: string, secretAccessKey: string, scope: CredentialScope): Promise<Uint8Array> {
  const id = `${accessKeyId}\n${secretAccessKey}\n${scope.date}\n${scope.region}\n${scope.service}`;
  const known = signingKeys.get(id);
  if (known) return known;
  const key = await getSigningKey(NodeSha256, { accessKeyId, secretAccessKey }, scope.date, scope.region, scope.service);
  // The oldest entry leaves first (a Map iterates in insertion order).
  if (signingKeys.size >= MAX_SIGNING_KEYS) signingKeys.delete(signingKeys.keys().next().value!);
  signingKeys.set(id, key);
  return key;
}

/** Constant-time comparison of the expected hex signature with the one sent. */
export function signaturesMatch(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(provided, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A header sent several times is one canonical value: each trimmed, joined by commas. */
function headerValue(v: string | readonly string[] | undefined): string {
  if (v === undefined) return "";
  if (typeof v === "string") return v;
  return v.map((x) => x.trim().replace(/\s+/g, " ")).join(",");
}

/** The query's pairs as the signer takes them: repeated keys become lists. */
function queryBag(raw: string): QueryParameterBag {
  const bag: Record<string, string | string[]> = Object.create(null);
  for (const [k, v] of parseQuery(raw)) {
    const prev = bag[k];
    bag[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return bag;
}

// The signature a request should carry. The canonical request — the intricate part: path
// normalization and encoding, the query's and the headers' canonical forms — is built by the AWS
// SDK's own signer (@smithy/signature-v4), given exactly the headers the client said it signed;
// the string to sign, the signing key (the HMAC chain of SigV4) and the last HMAC are four lines
// of node:crypto, synchronous, so verification stays a pure function. berth compares.
import { ALGORITHM_IDENTIFIER, getCanonicalHeaders, SignatureV4 } from "@smithy/signature-v4";
import type { HeaderBag, HttpRequest, QueryParameterBag, SourceData } from "@smithy/types";
import * as crypto from "node:crypto";
import { createHash, createHmac, createSecretKey, timingSafeEqual, type Hash, type Hmac, type KeyObject } from "node:crypto";
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

/** The signer's canonicalization, reached through its protected step. */
class Canonicalizer extends SignatureV4 {
  constructor() {
    // Region, service and credentials are never used: only the canonical request is asked for.
    super({ service: "-", region: "-", credentials: { accessKeyId: "-", secretAccessKey: "-" }, sha256: NodeSha256 });
  }
  canonicalRequest(request: HttpRequest, headers: HeaderBag, payloadHash: string): string {
    return this.createCanonicalRequest(request, headers, payloadHash);
  }
}

const canonicalizer = new Canonicalizer();

export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/** SHA-256 of `{}`, the body of every JSON call without input (ListClusters, …). */
const EMPTY_JSON_SHA256 = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

/**
 * Hex SHA-256. node:crypto's one-shot hash (Node 20.12+) skips the stream object createHash
 * builds, a third of the cost of hashing the small bodies and canonical requests of API calls.
 */
const hashHex: (data: string | Uint8Array) => string =
  typeof crypto.hash === "function" ? (data) => crypto.hash("sha256", data, "hex") : (data) => createHash("sha256").update(data).digest("hex");

export function sha256Hex(body: Uint8Array): string {
  if (body.length === 0) return EMPTY_SHA256;
  if (body.length === 2 && body[0] === 0x7b && body[1] === 0x7d) return EMPTY_JSON_SHA256;
  return hashHex(body);
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
}

/** The canonical request, as the SDK's signer writes it. */
export function canonicalRequest(input: Omit<SignatureInput, "scope" | "longDate" | "secretAccessKey">): string {
  const { request } = input;
  const headers: Record<string, string> = Object.create(null);
  for (const name of input.signedHeaders) headers[name] = headerValue(request.headers[name]);
  const http: HttpRequest = {
    method: request.method,
    protocol: "http:",
    hostname: "",
    path: request.path === "" ? "/" : request.path,
    query: request.rawQuery === "" ? {} : queryBag(request.rawQuery),
    headers,
  };
  // Every signed header counts, even those the SDK would never sign itself (user-agent).
  const canonicalHeaders = getCanonicalHeaders(http, undefined, new Set(input.signedHeaders));
  return canonicalizer.canonicalRequest(http, canonicalHeaders, input.payloadHash);
}

/** The hex signature this request must carry. */
export function expectedSignature(input: SignatureInput): string {
  const { scope } = input;
  const canonical = canonicalRequest(input);
  const credentialScope = `${scope.date}/${scope.region}/${scope.service}/${scope.terminator}`;
  const stringToSign = `${ALGORITHM_IDENTIFIER}\n${input.longDate}\n${credentialScope}\n${hashHex(canonical)}`;
  return createHmac("sha256", signingKey(input.secretAccessKey, scope)).update(stringToSign).digest("hex");
}

/**
 * The signing key of a secret for one day, region and service: HMAC-SHA256 chained from
 * "AWS4" + secret through the date, the region, the service and "aws4_request". It changes once
 * a day, and deriving it costs four HMACs, so it is kept; keyed by the secret itself, so a
 * rotated or another key's secret never meets it.
 */
const signingKeys = new Map<string, KeyObject>();
const MAX_SIGNING_KEYS = 1024;

export function signingKey(secretAccessKey: string, scope: Pick<CredentialScope, "date" | "region" | "service">): KeyObject {
  const id = `${scope.date}\n${scope.region}\n${scope.service}\n${secretAccessKey}`;
  const known = signingKeys.get(id);
  if (known) return known;
  let key: Buffer = createHmac("sha256", `AWS4${secretAccessKey}`).update(scope.date).digest();
  for (const part of [scope.region, scope.service, "aws4_request"]) key = createHmac("sha256", key).update(part).digest();
  // Kept as a KeyObject: each HMAC then skips importing the key again.
  const kept = createSecretKey(key);
  // The oldest entry leaves first (a Map iterates in insertion order).
  if (signingKeys.size >= MAX_SIGNING_KEYS) signingKeys.delete(signingKeys.keys().next().value!);
  signingKeys.set(id, kept);
  return kept;
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

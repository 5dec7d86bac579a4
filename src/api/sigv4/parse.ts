// Reads a request's SigV4 signature, from the Authorization header or a presigned query string,
// without trusting any of it. Pure. The checks here are the ones AWS makes before it looks at the
// clock or the key, in its order: header and query not both; the algorithm; every part present;
// `host` signed; a readable date. The messages are AWS's own texts.
import { failure, type AuthFailure } from "./failures.js";
import { firstHeader, type SignedRequest } from "./request.js";

export const ALGORITHM = "AWS4-HMAC-SHA256";

/** `AKID/20261204/us-east-1/ecs/aws4_request`, split. */
export interface CredentialScope {
  accessKeyId: string;
  /** yyyymmdd */
  date: string;
  region: string;
  service: string;
  /** `aws4_request` when well formed. */
  terminator: string;
}

export interface SignatureParts {
  via: "header" | "query";
  /** The Credential as sent. */
  credential: string;
  /** SignedHeaders as sent, split on ";". */
  signedHeaders: string[];
  signature: string;
  /** X-Amz-Date (or Date) as sent. */
  dateText: string;
  /** The same instant, epoch ms. */
  time: number;
  /** The same instant as the string to sign has it: `20261204T101500Z`. */
  longDate: string;
  /** Presigned only: X-Amz-Expires in seconds. */
  expiresSeconds?: number;
  /** X-Amz-Security-Token, from the header or the query. */
  securityToken?: string;
}

export type AuthParse =
  | { kind: "anonymous" }
  /** Something AWS refuses before the clock; `scope` when the credential could still be read. */
  | { kind: "refused"; scope?: CredentialScope; failure: AuthFailure }
  /** Well formed; `scope` is absent when the credential lacks its five parts (reported after the clock check, as AWS does). */
  | { kind: "signed"; scope?: CredentialScope; parts: SignatureParts };

/** The longest presigned lifetime SigV4 allows: seven days. */
export const MAX_EXPIRES_SECONDS = 604_800;

export function readSignature(request: SignedRequest): AuthParse {
  const header = firstHeader(request, "authorization");
  const query = parseQuery(request.rawQuery);
  const algorithm = query.find(([k]) => k === "X-Amz-Algorithm")?.[1];
  if (header !== undefined && algorithm !== undefined) {
    return { kind: "refused", failure: failure("badSignature", "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.") };
  }
  if (header !== undefined) return fromHeader(request, header);
  if (algorithm !== undefined) return fromQuery(request, query, algorithm);
  return { kind: "anonymous" };
}

function fromHeader(request: SignedRequest, header: string): AuthParse {
  const text = header.trim();
  const space = text.search(/\s/);
  const algorithm = space < 0 ? text : text.slice(0, space);
  if (algorithm !== ALGORITHM) {
    return { kind: "refused", failure: failure("incomplete", `Unsupported AWS 'algorithm': '${clip(algorithm)}'.`) };
  }
  // Parts are separated by commas and/or spaces; the last of a repeated key wins.
  const params = new Map<string, string>();
  for (const part of (space < 0 ? "" : text.slice(space)).split(/[\s,]+/)) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    if (eq < 0) {
      return {
        kind: "refused",
        failure: failure("incomplete", `'${clip(part)}' not a valid key=value pair (missing equal-sign) in Authorization header: '${clip(text)}'`),
      };
    }
    params.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const credential = params.get("Credential");
  const signature = params.get("Signature");
  const signed = params.get("SignedHeaders");
  const dateText = firstHeader(request, "x-amz-date") ?? firstHeader(request, "date");
  const scope = credential === undefined ? undefined : readScope(credential);
  const missing = absent([
    [credential, "Authorization header requires 'Credential' parameter."],
    [signature, "Authorization header requires 'Signature' parameter."],
    [signed, "Authorization header requires 'SignedHeaders' parameter."],
    [dateText, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."],
  ]);
  if (missing.length > 0) {
    return { kind: "refused", ...(scope ? { scope } : {}), failure: failure("incomplete", `${missing.join(" ")} Authorization=${algorithm}`) };
  }
  const token = firstHeader(request, "x-amz-security-token");
  return finish(request, scope, {
    via: "header",
    credential: credential!,
    signedHeaders: signed!.split(";"),
    signature: signature!,
    dateText: dateText!,
    time: Number.NaN,
    longDate: "",
    ...(token !== undefined ? { securityToken: token } : {}),
  }, firstHeader(request, "x-amz-date") === undefined);
}

function fromQuery(request: SignedRequest, query: [string, string][], algorithm: string): AuthParse {
  // An unknown algorithm in the query is not a signature at all, for AWS.
  if (algorithm !== ALGORITHM) return { kind: "refused", failure: failure("missingToken", "Request is missing Authentication Token") };
  const get = (name: string) => query.find(([k]) => k === name)?.[1];
  const credential = get("X-Amz-Credential");
  const signature = get("X-Amz-Signature");
  const signed = get("X-Amz-SignedHeaders");
  const dateText = get("X-Amz-Date");
  const scope = credential === undefined ? undefined : readScope(credential);
  const missing = absent([
    [credential, "AWS query-string parameters must include 'X-Amz-Credential'."],
    [signature, "AWS query-string parameters must include 'X-Amz-Signature'."],
    [signed, "AWS query-string parameters must include 'X-Amz-SignedHeaders'."],
    [dateText, "AWS query-string parameters must include 'X-Amz-Date'."],
  ]);
  if (missing.length > 0) {
    return { kind: "refused", ...(scope ? { scope } : {}), failure: failure("incomplete", `${missing.join(" ")} Re-examine the query-string parameters.`) };
  }
  const expires = get("X-Amz-Expires");
  let expiresSeconds: number | undefined;
  if (expires !== undefined) {
    expiresSeconds = /^\d{1,7}$/.test(expires) ? Number(expires) : Number.NaN;
    if (!(expiresSeconds >= 1 && expiresSeconds <= MAX_EXPIRES_SECONDS)) {
      return {
        kind: "refused",
        ...(scope ? { scope } : {}),
        failure: failure("incomplete", `X-Amz-Expires must be a whole number of seconds from 1 to ${MAX_EXPIRES_SECONDS}, found '${clip(expires)}'.`),
      };
    }
  }
  const token = get("X-Amz-Security-Token") ?? firstHeader(request, "x-amz-security-token");
  return finish(request, scope, {
    via: "query",
    credential: credential!,
    signedHeaders: signed!.split(";"),
    signature: signature!,
    dateText: dateText!,
    time: Number.NaN,
    longDate: "",
    ...(expiresSeconds !== undefined ? { expiresSeconds } : {}),
    ...(token !== undefined ? { securityToken: token } : {}),
  }, false);
}

/** The checks both forms share once every part is there: signed headers, then the date. */
function finish(request: SignedRequest, scope: CredentialScope | undefined, parts: SignatureParts, fromDateHeader: boolean): AuthParse {
  const withScope = scope ? { scope } : {};
  if (!parts.signedHeaders.includes("host")) {
    return { kind: "refused", ...withScope, failure: failure("badSignature", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.") };
  }
  // The canonical request lists signed headers lower-case and sorted; a list in any other order
  // describes a different canonical request, so it cannot verify.
  if (!isSortedLowerCase(parts.signedHeaders)) {
    return {
      kind: "refused",
      ...withScope,
      failure: failure("badSignature", `SignedHeaders must be lower-case names in alphabetical order, each once; found '${clip(parts.signedHeaders.join(";"))}'.`),
    };
  }
  for (const name of parts.signedHeaders) {
    if (request.headers[name] === undefined) {
      return { kind: "refused", ...withScope, failure: failure("badSignature", `The signed header '${clip(name)}' is not in the request.`) };
    }
  }
  const amz = parseAmzDate(parts.dateText);
  const time = amz ?? (fromDateHeader ? parseHttpDate(parts.dateText) : undefined);
  if (time === undefined) {
    return {
      kind: "refused",
      ...withScope,
      failure: failure("incomplete", `Date must be in ISO-8601 'basic format'. Got '${clip(parts.dateText)}'. See http://en.wikipedia.org/wiki/ISO_8601`),
    };
  }
  return { kind: "signed", ...withScope, parts: { ...parts, time, longDate: amz !== undefined ? parts.dateText : amzDate(time) } };
}

/** The messages of the parts that are missing, in the order given. */
function absent(parts: [string | undefined, string][]): string[] {
  return parts.filter(([value]) => value === undefined).map(([, message]) => message);
}

/** The credential's five parts, or undefined when it has another number of them. */
export function readScope(credential: string): CredentialScope | undefined {
  const p = credential.split("/");
  if (p.length !== 5) return undefined;
  return { accessKeyId: p[0]!, date: p[1]!, region: p[2]!, service: p[3]!, terminator: p[4]! };
}

function isSortedLowerCase(names: readonly string[]): boolean {
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!;
    if (n === "" || n !== n.toLowerCase()) return false;
    if (i > 0 && !(names[i - 1]! < n)) return false;
  }
  return true;
}

/** `20261204T101500Z` → epoch ms; undefined unless it is exactly that form and a real instant. */
export function parseAmzDate(text: string): number | undefined {
  const m = AMZ_DATE.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!];
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls 20261332 over into the next year; a real date keeps its fields.
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  return t;
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** An HTTP Date header (`Fri, 04 Dec 2026 10:15:00 GMT`) → epoch ms, whole seconds only. */
function parseHttpDate(text: string): number | undefined {
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) return undefined;
  const t = Date.parse(text);
  return Number.isFinite(t) ? t : undefined;
}

/** epoch ms → `20261204T101500Z`. */
export function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** The query string's pairs, decoded, in order. `+` stays a plus: SigV4 encodes spaces as %20. */
export function parseQuery(raw: string): [string, string][] {
  if (raw === "") return [];
  const out: [string, string][] = [];
  for (const pair of raw.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    out.push(eq < 0 ? [decode(pair), ""] : [decode(pair.slice(0, eq)), decode(pair.slice(eq + 1))]);
  }
  return out;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Echoed values are cut short: a message must not carry a megabyte header back. */
export function clip(s: string): string {
  return s.length > 256 ? `${s.slice(0, 256)}…` : s;
}

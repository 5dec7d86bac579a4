// Decides whether a signed request is genuine, synchronously: given the request as received, what readSignature
// made of it, the key record IAM holds for its access key id (or none), the service it reached
// and the time now. No I/O: the key is looked up by the caller. The order of the checks is AWS's,
// so a request wrong in several ways gets the error AWS would give: the parts (parse.ts), then
// the clock, then the credential scope, then the key and its session, then the body's hash, then
// the signature itself.
import { failure, MESSAGES, type AuthFailure } from "./failures.js";
import { amzDate, clip, type AuthParse } from "./parse.js";
import { firstHeader, type KeyRecord, type SignedRequest } from "./request.js";
import { expectedSignature, sha256Hex, signaturesMatch } from "./signature.js";

export interface VerifyInput {
  request: SignedRequest;
  parsed: Exclude<AuthParse, { kind: "anonymous" }>;
  /** IAM's record of the access key; undefined when IAM has none. */
  record: KeyRecord | undefined;
  /** The signing name of the service the request was routed to, when it was routed to one. */
  service?: string;
  /** epoch ms */
  now: number;
}

export type Verdict = { ok: true; record: KeyRecord } | { ok: false; failure: AuthFailure };

const MINUTE = 60_000;

/**
 * How far a signing time may be from the server's clock: 5 minutes, as ECS and most services
 * answer ("... (now - 5 min.)"); STS allows 15 ("... (now - 15 min.)" in its recorded answers).
 */
export function allowedSkewMs(service: string): number {
  return service === "sts" ? 15 * MINUTE : 5 * MINUTE;
}

export function verifySignature(input: VerifyInput): Verdict {
  const { parsed, request, now } = input;
  if (parsed.kind === "refused") return refuse(parsed.failure);
  const { parts } = parsed;

  const late = clockProblem(parts.time, parts.expiresSeconds, now, input.service ?? parsed.scope?.service ?? "");
  if (late) return refuse(late);

  const scope = parsed.scope;
  if (!scope) {
    return refuse(
      failure("incomplete", `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${clip(parts.credential)}'`),
    );
  }
  const day = parts.longDate.slice(0, 8);
  const scopeProblems = [
    scope.region === "" ? "Credential should be scoped to a valid region, not ''." : "",
    input.service !== undefined && scope.service !== input.service ? `Credential should be scoped to correct service: '${input.service}'.` : "",
    scope.terminator !== "aws4_request" ? `Credential should be scoped with a valid terminator: 'aws4_request', not '${clip(scope.terminator)}'.` : "",
    scope.date !== day
      ? `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${clip(scope.date)}' != '${day}', from '${parts.longDate}'.`
      : "",
  ].filter(Boolean);
  if (scopeProblems.length > 0) return refuse(failure("badSignature", scopeProblems.join(" ")));

  const record = input.record;
  if (!record || record.status !== "Active") return refuse(failure("unknownKey", MESSAGES.unknownKey));
  // A temporary key is valid only with its own session token; a long-term key with none.
  const token = parts.securityToken;
  if (record.sessionToken !== undefined ? token === undefined || !signaturesMatch(record.sessionToken, token) : token !== undefined) {
    return refuse(failure("unknownKey", MESSAGES.unknownKey));
  }
  // An expiry that cannot be read counts as passed.
  if (record.expiration !== undefined && !(toMillis(record.expiration) > now)) return refuse(failure("expiredToken", MESSAGES.expiredToken));

  const bodyHash = sha256Hex(request.body);
  let payloadHash = bodyHash;
  const declared = parts.via === "header" ? firstHeader(request, "x-amz-content-sha256") : undefined;
  if (declared !== undefined) {
    // An unsigned or streamed body is Amazon S3's alone; every service berth answers signs its body.
    if (declared === "UNSIGNED-PAYLOAD" || declared.startsWith("STREAMING-")) {
      return refuse(failure("badSignature", `x-amz-content-sha256 '${clip(declared)}' is accepted only by Amazon S3; sign the body's SHA-256.`));
    }
    if (declared.toLowerCase() !== bodyHash) return refuse(failure("badSignature", "The provided 'x-amz-content-sha256' header does not match what was computed."));
    payloadHash = declared;
  }

  const expected = expectedSignature({
    request,
    scope,
    signedHeaders: parts.signedHeaders,
    longDate: parts.longDate,
    payloadHash,
    secretAccessKey: record.secretAccessKey,
  });
  if (!signaturesMatch(expected, parts.signature)) return refuse(failure("badSignature", MESSAGES.badSignature));
  return { ok: true, record };
}

/**
 * The clock rule. A header-signed request must be signed within the skew of now, either side:
 * with 5 minutes and now 10:15:00, 10:10:00 and 10:20:00 pass, 10:09:59 and 10:20:01 do not.
 * A presigned request with X-Amz-Expires is good from its signing time (less the skew, for
 * clocks behind) until that many seconds after it.
 */
export function clockProblem(signedAt: number, expiresSeconds: number | undefined, now: number, service: string): AuthFailure | undefined {
  const skew = allowedSkewMs(service);
  const minutes = skew / MINUTE;
  if (signedAt > now + skew) {
    return failure("badSignature", `Signature not yet current: ${amzDate(signedAt)} is still later than ${amzDate(now + skew)} (${amzDate(now)} + ${minutes} min.)`);
  }
  if (expiresSeconds !== undefined) {
    if (now > signedAt + expiresSeconds * 1000) {
      return failure(
        "badSignature",
        `Signature expired: ${amzDate(signedAt)} is now earlier than ${amzDate(now - expiresSeconds * 1000)} (${amzDate(now)} - ${expiresSeconds} sec.)`,
      );
    }
    return undefined;
  }
  if (signedAt < now - skew) {
    return failure("badSignature", `Signature expired: ${amzDate(signedAt)} is now earlier than ${amzDate(now - skew)} (${amzDate(now)} - ${minutes} min.)`);
  }
  return undefined;
}

function toMillis(t: number | Date | string): number {
  if (typeof t === "number") return t;
  return typeof t === "string" ? Date.parse(t) : t.getTime();
}

function refuse(f: AuthFailure): Verdict {
  return { ok: false, failure: f };
}

// Where IAM meets the policy language (src/domain/iam-policy): every document IAM stores is
// checked here first, with IAM's refusal when the grammar or a size quota says no. The
// language's own module owns the grammar; this file only turns its answers into IAM's errors.
import { parsePolicyDocument, policySize, type PolicyDocument, type SizeLimit } from "../iam-policy/index.js";
import { iamErrors } from "./errors.js";

export type { PolicyDocument } from "../iam-policy/index.js";
export { policySize };

export type DocumentKind = "identity" | "trust";

/** The document, parsed; MalformedPolicyDocument (400) or LimitExceeded (409) when IAM refuses it. */
export function checkPolicyDocument(text: string, kind: DocumentKind, sizeLimit?: SizeLimit): PolicyDocument {
  const parsed = parsePolicyDocument(text, kind, sizeLimit ? { sizeLimit } : {});
  if (parsed.ok) return parsed.policy;
  throw parsed.code === "LimitExceeded" ? iamErrors.limitExceeded(parsed.reason) : iamErrors.malformedPolicy(parsed.reason);
}

/** Parsed stored documents by kind and text: evaluation reads the same few documents on every request. */
const parsedCache = new Map<string, PolicyDocument>();
const PARSED_CACHE_MAX = 2000;

/**
 * A document IAM already accepted, parsed again for evaluation. One that no longer parses (a
 * grammar the language has since tightened) is a fault, not an empty policy: dropping it could
 * drop a Deny, so the request fails instead.
 */
export function storedPolicy(text: string, kind: DocumentKind): PolicyDocument {
  const cacheKey = `${kind}\n${text}`;
  const cached = parsedCache.get(cacheKey);
  if (cached) return cached;
  const parsed = parsePolicyDocument(text, kind);
  if (!parsed.ok) throw new Error(`a stored ${kind} policy no longer parses: ${parsed.reason}`);
  if (parsedCache.size >= PARSED_CACHE_MAX) parsedCache.clear();
  parsedCache.set(cacheKey, parsed.policy);
  return parsed.policy;
}

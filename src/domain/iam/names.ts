// IAM's names, paths, ARNs and ids (botocore's iam/sts models give the patterns; the query
// protocol has already checked lengths). Pure.
import { createHash } from "node:crypto";
import { iamErrors } from "./errors.js";

/** userNameType, roleNameType, policyNameType, roleSessionNameType: ASCII word characters and +=,.@- */
const NAME = /^[\w+=,.@-]+$/;
const NAME_PATTERN = "[\\w+=,.@-]+";
/** pathType: `/` or `/…/` of printable ASCII. */
const PATH = /^(\/|\/[\u0021-\u007E]+\/)$/;
/** policyPathType: `/` or `/a/b/` of a narrower set. */
const POLICY_PATH = /^(\/[A-Za-z0-9.,+@=_-]+)*\/$/;
/** pathPrefixType (ListUsers, ListRoles). */
const PATH_PREFIX = /^\/[\u0021-\u007F]*$/;

export function checkName(member: string, value: string, max: number): void {
  if (value.length < 1 || value.length > max) {
    throw iamErrors.constraint(member, value, `Member must have length ${value.length < 1 ? "greater than or equal to 1" : `less than or equal to ${max}`}`);
  }
  if (!NAME.test(value)) throw iamErrors.constraint(member, value, `Member must satisfy regular expression pattern: ${NAME_PATTERN}`);
}

export function checkPath(member: string, value: string | undefined, kind: "entity" | "policy"): string {
  if (value === undefined) return "/";
  const ok = kind === "policy" ? POLICY_PATH.test(value) : PATH.test(value);
  if (!ok || value.length > 512) {
    const pattern = kind === "policy" ? "((/[A-Za-z0-9\\.,\\+@=_-]+)*)/" : "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)";
    throw iamErrors.constraint(member, value, `Member must satisfy regular expression pattern: ${pattern}`);
  }
  return value;
}

export function checkPathPrefix(member: string, value: string | undefined, kind: "entity" | "policy"): string {
  if (value === undefined) return "/";
  if (kind === "policy") return checkPath(member, value, "policy");
  if (!PATH_PREFIX.test(value)) throw iamErrors.constraint(member, value, "Member must satisfy regular expression pattern: \\u002F[\\u0021-\\u007F]*");
  return value;
}

/** RoleSessionName: 2–64 of [\w+=,.@-] (the length is the model's; berth checks it here too for callers inside berth). */
export function checkSessionName(value: string): void {
  if (value.length < 2 || value.length > 64) {
    throw iamErrors.constraint("RoleSessionName", value, `Member must have length ${value.length < 2 ? "greater than or equal to 2" : "less than or equal to 64"}`);
  }
  if (!NAME.test(value)) throw iamErrors.constraint("RoleSessionName", value, `Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
}

export const iamArns = {
  root: (accountId: string) => `arn:aws:iam::${accountId}:root`,
  user: (accountId: string, path: string, name: string) => `arn:aws:iam::${accountId}:user${path}${name}`,
  role: (accountId: string, path: string, name: string) => `arn:aws:iam::${accountId}:role${path}${name}`,
  policy: (accountId: string, path: string, name: string) => `arn:aws:iam::${accountId}:policy${path}${name}`,
  assumedRole: (accountId: string, roleName: string, sessionName: string) => `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
};

export interface ParsedIamArn {
  /** A 12-digit account, or `aws` for AWS managed policies. */
  accountId: string;
  kind: "user" | "role" | "policy";
  path: string;
  name: string;
}

const IAM_ARN = /^arn:aws:iam::(\d{12}|aws):(user|role|policy)(\/(?:[\u0021-\u007E]*\/)?)([\w+=,.@-]+)$/;

/** The parts of `arn:aws:iam::<acct>:<kind><path><name>`, or undefined when it is not one. */
export function parseIamArn(arn: string): ParsedIamArn | undefined {
  const m = IAM_ARN.exec(arn);
  if (!m) return undefined;
  const accountId = m[1]!;
  const kind = m[2] as ParsedIamArn["kind"];
  // Only policies live in the `aws` account.
  if (accountId === "aws" && kind !== "policy") return undefined;
  return { accountId, kind, path: m[3]!, name: m[4]! };
}

/** A managed policy's ARN, or InvalidInput as IAM answers a malformed one (`ARN x is not valid.`). */
export function checkPolicyArn(arn: string): ParsedIamArn {
  const parsed = parseIamArn(arn);
  if (!parsed || parsed.kind !== "policy") throw iamErrors.invalidInput(`ARN ${arn.slice(0, 200)} is not valid.`);
  return parsed;
}

/** RFC 4648 base32's alphabet: the characters of IAM's unique ids and access key ids. */
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const SECRET_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function charsOf(alphabet: string, bytes: Uint8Array, n: number): string {
  if (bytes.length < n) throw new RangeError(`need ${n} random bytes, got ${bytes.length}`);
  let out = "";
  // 256 is a multiple of both 32 and 64, so `byte % alphabet.length` is unbiased.
  for (let i = 0; i < n; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}

export type IdPrefix = "AIDA" | "AROA" | "ANPA" | "AKIA" | "ASIA";

/**
 * IAM's unique ids are a 4-letter kind then 17 base32 characters (`AIDAJQABLZS4A3QDU576Q`);
 * access key ids a 4-letter kind then 16 (`AKIAIOSFODNN7EXAMPLE`, 20 in all).
 */
export function formatId(prefix: IdPrefix, bytes: Uint8Array): string {
  const n = prefix === "AKIA" || prefix === "ASIA" ? 16 : 17;
  return prefix + charsOf(BASE32, bytes, n);
}

/**
 * An access key id berth issues: `AKIA`/`ASIA`, 10 random base32 characters, then 6 that are a
 * checksum of the rest. The checksum lets local authentication tell a key berth issued and
 * no longer holds (deleted with DeleteAccessKey, an expired session swept away) from any other
 * unknown key: local mode takes unknown keys as the account's root, which must not include a
 * key someone revoked. The checksum is public on purpose: forging it only gets a key refused.
 * An AWS key by chance passes it once in 2^30.
 */
export function formatAccessKeyId(prefix: "AKIA" | "ASIA", bytes: Uint8Array): string {
  const body = prefix + charsOf(BASE32, bytes, 10);
  return body + accessKeyChecksum(body);
}

/** Whether `id` has the form of an access key id berth issued (formatAccessKeyId). */
export function isIssuedAccessKeyId(id: string): boolean {
  if (!/^(AKIA|ASIA)[A-Z2-7]{16}$/.test(id)) return false;
  return accessKeyChecksum(id.slice(0, 14)) === id.slice(14);
}

function accessKeyChecksum(body: string): string {
  return charsOf(BASE32, createHash("sha256").update(`berth access key:${body}`).digest(), 6);
}

/** A secret access key: 40 characters of base64's alphabet. */
export function formatSecret(bytes: Uint8Array): string {
  return charsOf(SECRET_CHARS, bytes, 40);
}

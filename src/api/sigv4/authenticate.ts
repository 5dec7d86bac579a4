// The authentication modes (docs/design.md, "Authentication"):
//   local  — the zero-config default on loopback: a key IAM knows is verified strictly and acts
//            as its principal; any other key (test/test) and unsigned requests (curl) act as the
//            default account's root — except a key berth issued and no longer holds (revoked).
//   strict — the default anywhere else: only keys IAM knows, verified; everything else refused.
// There is no mode without authentication.
import type { Principal } from "../context.js";
import { failure, MESSAGES, type AuthFailure } from "./failures.js";
import type { AuthParse } from "./parse.js";
import type { KeyLookup, KeyRecord, SignedRequest } from "./request.js";
import { verifySignature } from "./verify.js";

export type AuthMode = "local" | "strict";
export const AUTH_MODES: readonly AuthMode[] = ["local", "strict"];

export interface Authentication {
  mode: AuthMode;
  /** The account whose root local mode's unverified requests act as. */
  accountId: string;
  lookup: KeyLookup;
  /**
   * Whether an access key id has the form of one this berth issued (iam/names.ts). Local mode
   * takes an unknown key as the root — but not one of these: it was deleted or its session
   * ended, and a revoked key must not come back with more power than it had.
   */
  issuedHere?: (accessKeyId: string) => boolean;
  /** epoch ms */
  now(): number;
}

export type AuthResult =
  | { ok: true; principal: Principal; /** false: local mode took an unknown key or no signature as root */ verified: boolean }
  | { ok: false; failure: AuthFailure };

/** loopback (127.0.0.0/8, ::1, localhost) gets local mode; any other listen address strict. */
export function defaultAuthMode(host: string): AuthMode {
  return isLoopbackHost(host) ? "local" : "strict";
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\./.test(h);
}

/** What `berth up` and `berth server` print about the mode. */
export function describeAuthMode(mode: AuthMode): string {
  return mode === "local"
    ? "local — any access key is the account's root; keys made with IAM are verified"
    : "strict — only IAM keys, signatures verified";
}

export function rootPrincipal(accountId: string): Principal {
  return { kind: "root", arn: `arn:aws:iam::${accountId}:root`, userId: accountId, accountId };
}

/**
 * Authenticates one request. `service` is the signing name of the service it was routed to (the
 * credential scope must name it), undefined when routing found none.
 */
export async function authenticate(request: SignedRequest, parsed: AuthParse, service: string | undefined, auth: Authentication): Promise<AuthResult> {
  if (parsed.kind === "anonymous") {
    return auth.mode === "local" ? asRoot(auth.accountId) : { ok: false, failure: failure("missingToken", MESSAGES.missingToken) };
  }
  // Without a readable credential there is no key: refused in both modes, with AWS's reason
  // (verifySignature never accepts a request without a key record).
  if (!parsed.scope) return fromVerdict(verifySignature({ request, parsed, record: undefined, now: auth.now(), ...withService(service) }));
  const record = await auth.lookup(parsed.scope.accessKeyId);
  if (!record && auth.mode === "local" && !auth.issuedHere?.(parsed.scope.accessKeyId)) return asRoot(auth.accountId);
  return fromVerdict(verifySignature({ request, parsed, record, now: auth.now(), ...withService(service) }));
}

function fromVerdict(v: ReturnType<typeof verifySignature>): AuthResult {
  if (!v.ok) return v;
  return { ok: true, principal: principalOf(v.record), verified: true };
}

export function principalOf(record: KeyRecord): Principal {
  const p = record.principal;
  return { kind: p.kind, arn: p.arn, userId: p.userId, accountId: record.accountId, ...(p.roleArn !== undefined ? { roleArn: p.roleArn } : {}) };
}

function asRoot(accountId: string): AuthResult {
  return { ok: true, principal: rootPrincipal(accountId), verified: false };
}

const withService = (service: string | undefined) => (service !== undefined ? { service } : {});

export interface StaticKey {
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * A lookup that also knows some keys of the default account's root: berth's own in-process
 * key (`berth up`'s agents) and a root key given at start (BERTH_ROOT_ACCESS_KEY_ID), the way
 * into a strict server before IAM holds any key.
 */
export function withRootKeys(lookup: KeyLookup, keys: readonly StaticKey[], accountId: string): KeyLookup {
  if (keys.length === 0) return lookup;
  const root = rootPrincipal(accountId);
  const byId = new Map<string, KeyRecord>(
    keys.map((k) => [
      k.accessKeyId,
      { accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey, accountId, status: "Active", principal: { kind: "root", arn: root.arn, userId: root.userId } },
    ]),
  );
  return (id) => byId.get(id) ?? lookup(id);
}

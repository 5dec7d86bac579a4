// Finding a secret by what SecretId may be: its name, its full ARN, or a partial ARN (the ARN
// without the six random characters). A secret whose recovery window has passed is gone,
// whether or not the sweep (purge.ts) has removed its records yet.
import type { Scope } from "../../model/index.js";
import type { Deps } from "../deps.js";
import { isExpired, smErrors, smKeys, type SecretRecord } from "./records.js";

const SUFFIX = /-[A-Za-z0-9]{6}$/;

export function findSecret(deps: Deps, scope: Scope, secretId: string): SecretRecord | undefined {
  const rec = lookup(deps, scope, secretId);
  return rec && !isExpired(rec, deps.clock.now()) ? rec : undefined;
}

/** The secret, or Secrets Manager's ResourceNotFoundException. */
export function secretOf(deps: Deps, scope: Scope, secretId: string): SecretRecord {
  const rec = findSecret(deps, scope, secretId);
  if (!rec) throw smErrors.notFound();
  return rec;
}

function lookup(deps: Deps, scope: Scope, secretId: string): SecretRecord | undefined {
  if (!secretId.startsWith("arn:")) return deps.cache.get<SecretRecord>(smKeys.secret(scope, secretId));
  const prefix = `arn:${scope.partition ?? "aws"}:secretsmanager:${scope.region}:${scope.accountId}:secret:`;
  if (!secretId.startsWith(prefix)) return undefined;
  const resource = secretId.slice(prefix.length);
  // A full ARN names the secret before its suffix; a name may itself end like a suffix
  // (Secrets Manager warns against it), so the partial reading is tried second.
  if (SUFFIX.test(resource)) {
    const full = deps.cache.get<SecretRecord>(smKeys.secret(scope, resource.replace(SUFFIX, "")));
    if (full?.ARN === secretId) return full;
  }
  const partial = deps.cache.get<SecretRecord>(smKeys.secret(scope, resource));
  return partial && partial.ARN.startsWith(`${secretId}-`) ? partial : undefined;
}

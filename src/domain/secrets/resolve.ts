// Reading a container's `secrets[].valueFrom` at task start, for the caller that injects the
// value as an environment variable: Secrets Manager's GetSecretValue or SSM's GetParameters
// (WithDecryption) semantics over berth's own records, and the ECS stoppedReason when the value
// cannot be had. Permission is the caller's to check first, with secretResources(): the
// execution role must allow the action on the resource, as on ECS.
import { EcsError, type Scope } from "../../model/index.js";
import { findSecret, readSecretValue } from "../secretsmanager/index.js";
import { parameterArn, parameterValue, parseRef, readParameter } from "../ssm/index.js";
import type { SecretDeps } from "./deps.js";
import { secretRetrievalFailure } from "./reasons.js";
import { parseValueFrom, type SecretSource } from "./value-from.js";

export type ResolvedSecret = { ok: true; value: string } | { ok: false; reason: string };

export async function resolveSecretValueFrom(deps: SecretDeps, scope: Scope, valueFrom: string): Promise<ResolvedSecret> {
  const parsed = parseValueFrom(scope, valueFrom);
  if (!parsed.ok) return { ok: false, reason: secretRetrievalFailure(parsed.provider, parsed.problem) };
  return parsed.source.provider === "asm" ? fromSecretsManager(deps, scope, parsed.source) : fromParameterStore(deps, scope, parsed.source, valueFrom);
}

type AsmSource = Extract<SecretSource, { provider: "asm" }>;
type SsmSource = Extract<SecretSource, { provider: "ssm" }>;

function fromSecretsManager(deps: SecretDeps, scope: Scope, source: AsmSource): ResolvedSecret {
  const failed = (detail: string): ResolvedSecret => ({ ok: false, reason: secretRetrievalFailure("asm", detail) });
  const fetchFailed = (code: string, message: string) => failed(`failed to fetch secret ${source.secretId} from secrets manager: ${code}: ${message}`);
  // Another account's secrets would need a resource policy, which berth does not keep.
  if (source.scope.accountId !== scope.accountId) return fetchFailed("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
  let read;
  try {
    read = readSecretValue(deps, source.scope, {
      SecretId: source.secretId,
      ...(source.versionId ? { VersionId: source.versionId } : {}),
      ...(source.versionStage ? { VersionStage: source.versionStage } : {}),
    });
  } catch (err) {
    if (err instanceof EcsError) return fetchFailed(err.type, err.message);
    throw err;
  }
  // ECS reads SecretString only: a binary secret gives an empty variable.
  const text = read.value.kind === "string" ? read.value.bytes.toString("utf8") : "";
  if (source.jsonKey === undefined) return { ok: true, value: text };
  let object: unknown;
  try {
    object = JSON.parse(text);
  } catch {
    object = undefined;
  }
  if (typeof object !== "object" || object === null || Array.isArray(object)) {
    // Unlike ECS (which shows the JSON parser's error, quoting a character of the value), the
    // reason says nothing of the value.
    return failed(`retrieved secret from Secrets Manager is not a JSON object, so json key ${source.jsonKey} cannot be read`);
  }
  if (!Object.hasOwn(object, source.jsonKey)) return failed(`retrieved secret from Secrets Manager did not contain json key ${source.jsonKey}`);
  const picked = (object as Record<string, unknown>)[source.jsonKey];
  return { ok: true, value: typeof picked === "string" ? picked : JSON.stringify(picked) };
}

function fromParameterStore(deps: SecretDeps, scope: Scope, source: SsmSource, valueFrom: string): ResolvedSecret {
  const invalid: ResolvedSecret = { ok: false, reason: secretRetrievalFailure("ssm", `invalid ssm parameters: ${valueFrom}`) };
  if (source.scope.accountId !== scope.accountId) return invalid;
  try {
    const read = readParameter(deps, source.scope, source.name);
    return { ok: true, value: parameterValue(deps, source.scope, read, true) };
  } catch (err) {
    if (!(err instanceof EcsError)) throw err;
    if (err.type === "ParameterNotFound" || err.type === "ParameterVersionNotFound") return invalid;
    return { ok: false, reason: secretRetrievalFailure("ssm", `${err.type}: ${err.message}`) };
  }
}

export type SecretResources =
  | {
      ok: true;
      provider: "asm" | "ssm";
      /** The IAM action the execution role needs. */
      action: "secretsmanager:GetSecretValue" | "ssm:GetParameters";
      /** The resource ARN the policy is evaluated on: the secret's full ARN when it exists, the parameter's ARN. */
      resource: string;
    }
  | { ok: false; reason: string };

/**
 * What reading `valueFrom` asks of IAM, so the caller can evaluate the execution role's
 * policies before resolveSecretValueFrom. A partial secret ARN is completed from the secret
 * found, as IAM evaluates the secret's own ARN; a parameter name becomes its ARN in `scope`.
 */
export function secretResources(deps: SecretDeps, scope: Scope, valueFrom: string): SecretResources {
  const parsed = parseValueFrom(scope, valueFrom);
  if (!parsed.ok) return { ok: false, reason: secretRetrievalFailure(parsed.provider, parsed.problem) };
  const source = parsed.source;
  if (source.provider === "asm") {
    const found = source.scope.accountId === scope.accountId ? findSecret(deps, source.scope, source.secretId) : undefined;
    return { ok: true, provider: "asm", action: "secretsmanager:GetSecretValue", resource: found?.ARN ?? source.secretId };
  }
  try {
    const ref = parseRef(source.scope, source.name, true);
    return { ok: true, provider: "ssm", action: "ssm:GetParameters", resource: parameterArn(ref.elsewhere ?? source.scope, ref.key) };
  } catch (err) {
    if (err instanceof EcsError) return { ok: false, reason: secretRetrievalFailure("ssm", `${err.type}: ${err.message}`) };
    throw err;
  }
}

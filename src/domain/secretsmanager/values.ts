// Secret values: reading one (GetSecretValue, and the task-start resolver through
// readSecretValue) and adding a version (CreateSecret's first, PutSecretValue's next). Values
// are sealed by the vault before they reach the store and opened only for the caller asking;
// no error message here ever carries a value.
import { uuid, type Scope } from "../../model/index.js";
import { put } from "../deps.js";
import type { Op } from "../../store/index.js";
import type { SecretDeps } from "../secrets/deps.js";
import { VaultError } from "../secrets/vault.js";
import { secretOf } from "./lookup.js";
import { AWSCURRENT, smErrors, smKeys, versionContext, type SecretRecord, type SecretVersionRecord } from "./records.js";

/** A version's value as the API carries it: a string, or binary as base64. */
export interface SecretValueInput {
  SecretString?: string;
  SecretBinary?: string;
}

export interface PlainValue {
  kind: "string" | "binary";
  bytes: Buffer;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const MAX_VALUE_BYTES = 65536;

/** The value a request carries, checked; undefined when it carries none. */
export function valueOf(input: SecretValueInput): PlainValue | undefined {
  if (input.SecretString !== undefined && input.SecretBinary !== undefined) {
    throw smErrors.invalidParameter("You can't specify both a binary secret value and a string secret value in the same secret.");
  }
  if (input.SecretString !== undefined) {
    const bytes = Buffer.from(input.SecretString, "utf8");
    if (bytes.length > MAX_VALUE_BYTES) throw smErrors.invalidParameter(`SecretString must be at most ${MAX_VALUE_BYTES} bytes, found ${bytes.length}.`);
    return { kind: "string", bytes };
  }
  if (input.SecretBinary !== undefined) {
    if (!BASE64.test(input.SecretBinary)) throw smErrors.invalidParameter("SecretBinary must be base64-encoded.");
    const bytes = Buffer.from(input.SecretBinary, "base64");
    if (bytes.length < 1 || bytes.length > MAX_VALUE_BYTES) {
      throw smErrors.invalidParameter(`SecretBinary must be 1 to ${MAX_VALUE_BYTES} bytes, found ${bytes.length}.`);
    }
    return { kind: "binary", bytes };
  }
  return undefined;
}

export function sealVersion(deps: SecretDeps, arn: string, versionId: string, value: PlainValue, created: number): SecretVersionRecord {
  return { VersionId: versionId, CreatedDate: created, kind: value.kind, sealed: deps.vault.seal(value.bytes, versionContext(arn, versionId)) };
}

export function openVersion(deps: SecretDeps, arn: string, version: SecretVersionRecord): PlainValue {
  try {
    return { kind: version.kind, bytes: deps.vault.open(version.sealed, versionContext(arn, version.VersionId)) };
  } catch (err) {
    if (err instanceof VaultError) throw smErrors.decryption();
    throw err;
  }
}

/**
 * A retry with a ClientRequestToken that already names a version: the same value makes the
 * request a no-op (true); a different one is refused, since versions never change.
 */
export function sameVersionAgain(deps: SecretDeps, scope: Scope, rec: SecretRecord, token: string, value: PlainValue | undefined): boolean {
  if (!rec.versions.some((v) => v.id === token)) return false;
  const stored = deps.cache.get<SecretVersionRecord>(smKeys.version(scope, rec.ARN, token));
  const same = stored !== undefined && value !== undefined && (() => {
    const plain = openVersion(deps, rec.ARN, stored);
    return plain.kind === value.kind && plain.bytes.equals(value.bytes);
  })();
  if (same) return true;
  throw smErrors.resourceExists(`You can't use ClientRequestToken ${token} because that value is already in use for a version of secret ${rec.ARN}.`);
}

export interface ReadSecret {
  record: SecretRecord;
  versionId: string;
  stages: string[];
  created: number;
  value: PlainValue;
}

/** The value GetSecretValue answers; throws Secrets Manager's errors (the resolver reports them). */
export function readSecretValue(deps: SecretDeps, scope: Scope, input: { SecretId: string; VersionId?: string; VersionStage?: string }): ReadSecret {
  const rec = secretOf(deps, scope, input.SecretId);
  if (rec.DeletedDate !== undefined) throw smErrors.markedForDeletion();
  let version: SecretRecord["versions"][number] | undefined;
  if (input.VersionId !== undefined) {
    version = rec.versions.find((v) => v.id === input.VersionId);
    if (!version) throw smErrors.noValueForVersion(input.VersionId);
    if (input.VersionStage !== undefined && !version.stages.includes(input.VersionStage)) {
      throw smErrors.invalidRequest("You provided a VersionStage that is not associated to the provided VersionId.");
    }
  } else {
    const stage = input.VersionStage ?? AWSCURRENT;
    version = rec.versions.find((v) => v.stages.includes(stage));
    if (!version) throw smErrors.noValueForStage(stage);
  }
  const stored = deps.cache.get<SecretVersionRecord>(smKeys.version(scope, rec.ARN, version.id));
  if (!stored) throw smErrors.noValueForVersion(version.id);
  return { record: rec, versionId: version.id, stages: [...version.stages], created: version.created, value: openVersion(deps, rec.ARN, stored) };
}

export function getSecretValue(deps: SecretDeps, scope: Scope, input: { SecretId: string; VersionId?: string; VersionStage?: string }) {
  const read = readSecretValue(deps, scope, input);
  return {
    ARN: read.record.ARN,
    Name: read.record.Name,
    VersionId: read.versionId,
    VersionStages: read.stages,
    CreatedDate: read.created,
    ...(read.value.kind === "string" ? { SecretString: read.value.bytes.toString("utf8") } : { SecretBinary: read.value.bytes.toString("base64") }),
  };
}

/** The version id a write uses: the client's token (the SDKs always send one), else a fresh UUID. */
export const versionIdOf = (token: string | undefined) => token ?? uuid();

/** Ops that write a new version and drop the ones the cap pushed out. */
export function versionOps(scope: Scope, arn: string, version: SecretVersionRecord, dropped: readonly string[]): Op[] {
  return [put(smKeys.version(scope, arn, version.VersionId), version), ...dropped.map((id): Op => ({ kind: "delete", key: smKeys.version(scope, arn, id) }))];
}

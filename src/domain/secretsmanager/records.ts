// What berth keeps for Secrets Manager, and where. A secret's metadata (with which version
// carries which staging labels) is one record; each version's value is a record of its own,
// written once and never changed, sealed by the vault. Field names are Secrets Manager's wire
// names where the API hands them out; berth's own are lowercase. Timestamps are epoch ms.
import { randomBytes } from "node:crypto";
import { EcsError, type EcsErrorType, type Scope } from "../../model/index.js";
import { scopePrefix } from "../keys.js";

export interface SecretTag {
  Key: string;
  Value: string;
}

export interface SecretRecord {
  ARN: string;
  Name: string;
  Description?: string;
  KmsKeyId?: string;
  Tags: SecretTag[];
  CreatedDate: number;
  LastChangedDate: number;
  /** When the secret is scheduled to be deleted for good (DescribeSecret's DeletedDate); absent unless deleted. */
  DeletedDate?: number;
  /**
   * Every version berth keeps, oldest first, with its staging labels; a version without labels
   * is deprecated (listed only with IncludeDeprecated) and the first to go past MAX_VERSIONS.
   */
  versions: { id: string; stages: string[]; created: number }[];
}

export interface SecretVersionRecord {
  VersionId: string;
  CreatedDate: number;
  kind: "string" | "binary";
  /** The value, sealed by the vault with versionContext() as its context. */
  sealed: string;
}

/** Secrets Manager keeps the 100 most recent versions. */
export const MAX_VERSIONS = 100;
/** A secret carries at most 50 tags (the AWS tagging quota). */
export const MAX_TAGS = 50;

export const AWSCURRENT = "AWSCURRENT";
export const AWSPREVIOUS = "AWSPREVIOUS";

const base = (s: Scope) => `${scopePrefix(s)}secretsmanager/`;
// Names may hold "/", so they are URI-encoded in keys: a secret's version prefix can then
// never be the prefix of another secret's.
const enc = encodeURIComponent;

export const smKeys = {
  secrets: (s: Scope) => `${base(s)}secrets/`,
  secret: (s: Scope, name: string) => `${base(s)}secrets/${enc(name)}`,
  /** Keyed by the ARN's last part (name and suffix), so a secret made again under a deleted one's name starts empty. */
  versions: (s: Scope, arn: string) => `${base(s)}versions/${enc(arnResource(arn))}/`,
  version: (s: Scope, arn: string, versionId: string) => `${base(s)}versions/${enc(arnResource(arn))}/${enc(versionId)}`,
};

export const secretArn = (s: Scope, name: string, suffix: string) =>
  `arn:${s.partition ?? "aws"}:secretsmanager:${s.region}:${s.accountId}:secret:${name}-${suffix}`;

/** `name-AbCdEf` from a full ARN. */
function arnResource(arn: string): string {
  return arn.slice(arn.indexOf(":secret:") + ":secret:".length);
}

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/** The six random characters Secrets Manager puts after a secret's name in its ARN. */
export function arnSuffix(): string {
  let out = "";
  for (const b of randomBytes(6)) out += ALPHANUMERIC[b % ALPHANUMERIC.length];
  return out;
}

/** The vault context of a version's value: its secret and version, so values cannot be swapped. */
export const versionContext = (arn: string, versionId: string) => `secretsmanager|${arn}|${versionId}`;

/** Whether the secret is scheduled for deletion and its window has passed: it is gone. */
export const isExpired = (rec: SecretRecord, now: number) => rec.DeletedDate !== undefined && rec.DeletedDate <= now;

export const smError = (type: EcsErrorType, message: string) => new EcsError(type, message);

export const smErrors = {
  invalidParameter: (message: string) => smError("InvalidParameterException", message),
  invalidRequest: (message: string) => smError("InvalidRequestException", message),
  notFound: () => smError("ResourceNotFoundException", "Secrets Manager can't find the specified secret."),
  noValueForStage: (stage: string) => smError("ResourceNotFoundException", `Secrets Manager can't find the specified secret value for staging label: ${stage}`),
  noValueForVersion: (versionId: string) => smError("ResourceNotFoundException", `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`),
  resourceExists: (message: string) => smError("ResourceExistsException", message),
  markedForDeletion: () => smError("InvalidRequestException", "You can't perform this operation on the secret because it was marked for deletion."),
  badToken: () => smError("InvalidNextTokenException", "The NextToken value isn't valid."),
  decryption: () =>
    smError("DecryptionFailure", "Secrets Manager can't decrypt the protected secret text: it was sealed with another data directory's key (secrets.key)."),
};

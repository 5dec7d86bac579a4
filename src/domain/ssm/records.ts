// What berth keeps for Parameter Store, and where. A parameter's current metadata is one
// record under its key (names.ts), so a path's parameters are a prefix of the store; each
// version's value is a record of its own, kept for the 100 most recent versions. SecureString
// values are sealed by the vault; String and StringList values are stored as they are.
import type { Scope } from "../../model/index.js";
import { scopePrefix } from "../keys.js";

export type ParameterType = "String" | "StringList" | "SecureString";
export type ParameterTier = "Standard" | "Advanced";

export interface ParameterTag {
  Key: string;
  Value: string;
}

export interface ParameterRecord {
  Name: string;
  Type: ParameterType;
  Version: number;
  LastModifiedDate: number;
  Tier: ParameterTier;
  DataType: string;
  Description?: string;
  AllowedPattern?: string;
  /** SecureString only: the key it is said to be encrypted with (alias/aws/ssm unless given). */
  KeyId?: string;
  Tags: ParameterTag[];
}

export interface ParameterVersionRecord {
  Version: number;
  LastModifiedDate: number;
  /** The value; for a SecureString, sealed with versionContext() as its context. */
  value: string;
}

/** Parameter Store keeps the 100 most recent versions of a parameter. */
export const MAX_VERSIONS = 100;
export const MAX_TAGS = 50;
export const DEFAULT_KEY_ID = "alias/aws/ssm";

const base = (s: Scope) => `${scopePrefix(s)}ssm/`;
const pad = (n: number) => n.toString().padStart(7, "0");

export const ssmKeys = {
  parameters: (s: Scope) => `${base(s)}parameters/`,
  parameter: (s: Scope, key: string) => `${base(s)}parameters/${key}`,
  // Encoded, so /a's versions are never a prefix of /a/b's.
  versions: (s: Scope, key: string) => `${base(s)}versions/${encodeURIComponent(key)}/`,
  version: (s: Scope, key: string, version: number) => `${base(s)}versions/${encodeURIComponent(key)}/${pad(version)}`,
};

/** The vault context of a SecureString version: which parameter, which version, where. */
export const versionContext = (s: Scope, key: string, version: number) => `ssm|${s.accountId}|${s.region}|${key}|${version}`;

// What berth stores for IAM and STS (issue 13), and where. IAM is global: one set of users,
// roles, policies and keys per account, whatever region a request is signed for, so every key
// lives under the account's `global` scope rather than a region's.
//
// Records keep IAM's wire member names (botocore's iam model), so the API hands them out as they
// are; berth's own fields are lowercase. Names are unique per account without regard to case
// (IAM refuses `Web` beside `web`), so a record's key is its lowercased name.
//
// Who reads what:
//   - the IAM and STS APIs (src/api/iam, src/api/sts) read and write all of it;
//   - request authentication (src/api/sigv4) finds a key by its id through lookupAccessKey;
//   - authorization reads a principal's policies through identityPolicies.
import { ROOT } from "../keys.js";

export interface IamTag {
  Key: string;
  Value: string;
}

export interface UserRecord {
  UserName: string;
  /** `AIDA` + 17 characters. */
  UserId: string;
  Arn: string;
  Path: string;
  /** Epoch ms. */
  CreateDate: number;
  Tags: IamTag[];
  /** Inline policies by name: the document as it was sent (JSON text). */
  inlinePolicies: Record<string, string>;
  /** ARNs of the managed policies attached, in the order attached. */
  attachedPolicies: string[];
}

export interface RoleRecord {
  RoleName: string;
  /** `AROA` + 17 characters. */
  RoleId: string;
  Arn: string;
  Path: string;
  CreateDate: number;
  /** The trust policy as it was sent (JSON text). */
  AssumeRolePolicyDocument: string;
  Description?: string;
  /** Seconds, 3600–43200. */
  MaxSessionDuration: number;
  Tags: IamTag[];
  inlinePolicies: Record<string, string>;
  attachedPolicies: string[];
}

export interface PolicyVersionRecord {
  VersionId: string;
  /** The document as it was sent (JSON text). */
  Document: string;
  CreateDate: number;
}

/** A customer managed policy (AWS managed ones are built in: aws-managed-policies.ts). */
export interface ManagedPolicyRecord {
  PolicyName: string;
  /** `ANPA` + 17 characters. */
  PolicyId: string;
  Arn: string;
  Path: string;
  DefaultVersionId: string;
  Description?: string;
  CreateDate: number;
  UpdateDate: number;
  Tags: IamTag[];
  versions: PolicyVersionRecord[];
}

export type AccessKeyStatus = "Active" | "Inactive";

/** A long-term access key: a user's, or (without UserName) the account root's. */
export interface StoredAccessKey {
  AccessKeyId: string;
  SecretAccessKey: string;
  /** Absent for the root's keys. */
  UserName?: string;
  /** The owning user's UserId, so a user deleted and made again does not inherit keys. */
  userId?: string;
  Status: AccessKeyStatus;
  CreateDate: number;
}

/** Temporary credentials from AssumeRole (STS) or assumeRoleForService (ECS task roles). */
export interface StoredSession {
  /** `ASIA` + 16 characters. */
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  /** Epoch ms, whole seconds. */
  expiresAt: number;
  createdAt: number;
  /** The account of the role (the session acts in it). */
  accountId: string;
  roleArn: string;
  roleId: string;
  roleName: string;
  sessionName: string;
  /** arn:aws:sts::<acct>:assumed-role/<role>/<session> */
  assumedRoleArn: string;
  /** Who asked: the caller's ARN, or the service principal (ecs-tasks.amazonaws.com). */
  issuedTo: string;
  SourceIdentity?: string;
}

/** The account's IAM prefix: `/berth/<account>/global/`. */
const base = (accountId: string) => `${ROOT}${accountId}/global/`;

export const iamKeys = {
  users: (accountId: string) => `${base(accountId)}iam-users/`,
  user: (accountId: string, name: string) => `${base(accountId)}iam-users/${name.toLowerCase()}`,
  roles: (accountId: string) => `${base(accountId)}iam-roles/`,
  role: (accountId: string, name: string) => `${base(accountId)}iam-roles/${name.toLowerCase()}`,
  policies: (accountId: string) => `${base(accountId)}iam-policies/`,
  policy: (accountId: string, name: string) => `${base(accountId)}iam-policies/${name.toLowerCase()}`,
  accessKeys: (accountId: string) => `${base(accountId)}iam-access-keys/`,
  accessKey: (accountId: string, id: string) => `${base(accountId)}iam-access-keys/${id}`,
  sessions: (accountId: string) => `${base(accountId)}iam-sessions/`,
  session: (accountId: string, id: string) => `${base(accountId)}iam-sessions/${id}`,
};

/** The cache index that finds any key (long-term or temporary) by its id, in every account. */
export const ACCESS_KEY_INDEX = "iamAccessKeyId";

/** The cache index of every role session in every account (value "all"), for the sweeper. */
export const SESSION_INDEX = "iamSessions";

// /berth/<account>/global/<kind>/<id>
const kindOfKey = (key: string) => key.split("/")[4];

export const iamIndexes: Record<string, (key: string, value: unknown) => string[]> = {
  [ACCESS_KEY_INDEX](key, value) {
    const kind = kindOfKey(key);
    if (kind !== "iam-access-keys" && kind !== "iam-sessions") return [];
    const id = (value as { AccessKeyId?: unknown }).AccessKeyId;
    return typeof id === "string" ? [id] : [];
  },
  [SESSION_INDEX]: (key) => (kindOfKey(key) === "iam-sessions" ? ["all"] : []),
};

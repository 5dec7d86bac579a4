// IAM, STS, Secrets Manager and SSM Parameter Store → resources and condition keys, from the
// Service Authorization Reference pages "Actions, resources, and condition keys for AWS
// Identity and Access Management", "… for AWS Security Token Service", "… for AWS Secrets
// Manager" and "… for AWS Systems Manager" (machine-readable form as of 2026-08). Every action
// is named after its operation. IAM ARNs carry no region and include the entity's path;
// sts:GetCallerIdentity needs no permission at all (see PERMISSIONLESS in actions.ts).
import { boolText, defined, isArn, result, str, strs, tagContext, type ContextValues, type Input, type Resolver, type Scoped } from "./request-parts.js";

// --- IAM -------------------------------------------------------------------------------------

/** `/` → "", `/eng/` → "eng/": the path as it appears inside an ARN. */
const pathPart = (path: string | undefined) => (path ?? "/").replace(/^\//, "");

function iamArn(s: Scoped, kind: "user" | "role", name: string | undefined, path?: string): string {
  if (!name) return s.arn("iam", `${kind}/*`, "");
  const p = path ?? s.lookup?.iamPath?.(kind, name);
  return s.arn("iam", `${kind}/${pathPart(p)}${name}`, "");
}

/** Operations on a user that default to the caller when UserName is left out. */
const onUser =
  (extra?: (i: Input) => ContextValues): Resolver =>
  (i, s) => {
    const name = str(i.UserName);
    const arn = name ? iamArn(s, "user", name) : (s.callerArn ?? iamArn(s, "user", undefined));
    return result([arn], { ...extra?.(i) });
  };

const onRole =
  (extra?: (i: Input) => ContextValues): Resolver =>
  (i, s) =>
    result([iamArn(s, "role", str(i.RoleName))], { ...extra?.(i) });

const onPolicy: Resolver = (i) => result(strs([i.PolicyArn]));
const iamNone: Resolver = () => result([]);
const policyArnKey = (i: Input) => defined({ "iam:PolicyARN": str(i.PolicyArn) });
const boundaryKey = (i: Input) => defined({ "iam:PermissionsBoundary": str(i.PermissionsBoundary) });

export const IAM_OPERATIONS: Record<string, Resolver> = {
  AttachRolePolicy: onRole(policyArnKey),
  AttachUserPolicy: onUser(policyArnKey),
  CreateAccessKey: onUser(),
  CreatePolicy: (i, s) => result([s.arn("iam", `policy/${pathPart(str(i.Path))}${str(i.PolicyName) ?? "*"}`, "")], tagContext(i.Tags)),
  CreateRole: (i, s) => result([iamArn(s, "role", str(i.RoleName), str(i.Path) ?? "/")], tagContext(i.Tags, boundaryKey(i))),
  CreateServiceLinkedRole: (i, s) =>
    result([s.arn("iam", `role/aws-service-role/${str(i.AWSServiceName) ?? "*"}/*`, "")], defined({ "iam:AWSServiceName": str(i.AWSServiceName) })),
  CreateUser: (i, s) => result([iamArn(s, "user", str(i.UserName), str(i.Path) ?? "/")], tagContext(i.Tags, boundaryKey(i))),
  DeleteAccessKey: onUser(),
  DeletePolicy: onPolicy,
  DeleteRole: onRole(),
  DeleteRolePolicy: onRole(),
  DeleteUser: onUser(),
  DeleteUserPolicy: onUser(),
  DetachRolePolicy: onRole(policyArnKey),
  DetachUserPolicy: onUser(policyArnKey),
  GetPolicy: onPolicy,
  GetPolicyVersion: onPolicy,
  GetRole: onRole(),
  GetRolePolicy: onRole(),
  GetUser: onUser(),
  GetUserPolicy: onUser(),
  ListAccessKeys: onUser(),
  ListAttachedRolePolicies: onRole(),
  ListAttachedUserPolicies: onUser(),
  ListPolicies: iamNone,
  ListRolePolicies: onRole(),
  ListRoles: iamNone,
  ListUserPolicies: onUser(),
  ListUsers: iamNone,
  PutRolePolicy: onRole(),
  PutUserPolicy: onUser(),
  SimulatePrincipalPolicy: (i) => result(strs([i.PolicySourceArn])),
  TagRole: onRole((i) => tagContext(i.Tags)),
  UntagRole: onRole((i) => defined({ "aws:TagKeys": strs(i.TagKeys) })),
  UpdateAccessKey: onUser(),
  UpdateAssumeRolePolicy: onRole(),
};

// --- STS -------------------------------------------------------------------------------------

export const STS_OPERATIONS: Record<string, Resolver> = {
  AssumeRole: (i) =>
    result(
      strs([i.RoleArn]),
      tagContext(
        i.Tags,
        defined({
          "sts:ExternalId": str(i.ExternalId),
          "sts:RoleSessionName": str(i.RoleSessionName),
          "sts:SourceIdentity": str(i.SourceIdentity),
          "sts:TransitiveTagKeys": strs(i.TransitiveTagKeys),
        }),
      ),
    ),
  GetCallerIdentity: () => result([]),
};

// --- Secrets Manager ---------------------------------------------------------------------------

/**
 * A secret's ARN ends in its name and a six-character suffix the caller rarely knows; without
 * the lookup a name becomes `<name>-??????`, the form AWS's own examples use in policies.
 */
function secretArn(s: Scoped, id: string | undefined): string {
  if (!id) return s.arn("secretsmanager", "secret:*");
  return s.lookup?.secretArn?.(id) ?? (isArn(id) ? id : s.arn("secretsmanager", `secret:${id}-??????`));
}

const onSecret =
  (extra?: (i: Input) => ContextValues): Resolver =>
  (i, s) => {
    const arn = secretArn(s, str(i.SecretId));
    return result([arn], { "secretsmanager:SecretId": arn, ...extra?.(i) });
  };

export const SECRETSMANAGER_OPERATIONS: Record<string, Resolver> = {
  CreateSecret: (i, s) =>
    result(
      [secretArn(s, str(i.Name))],
      tagContext(i.Tags, defined({ "secretsmanager:Name": str(i.Name), "secretsmanager:Description": str(i.Description), "secretsmanager:KmsKeyId": str(i.KmsKeyId) })),
    ),
  DeleteSecret: onSecret((i) =>
    defined({
      "secretsmanager:RecoveryWindowInDays": typeof i.RecoveryWindowInDays === "number" ? String(i.RecoveryWindowInDays) : undefined,
      "secretsmanager:ForceDeleteWithoutRecovery": boolText(i.ForceDeleteWithoutRecovery),
    }),
  ),
  DescribeSecret: onSecret(),
  GetSecretValue: onSecret((i) => defined({ "secretsmanager:VersionId": str(i.VersionId), "secretsmanager:VersionStage": str(i.VersionStage) })),
  ListSecretVersionIds: onSecret(),
  ListSecrets: () => result([]),
  PutSecretValue: onSecret(),
  RestoreSecret: onSecret(),
  TagResource: onSecret((i) => tagContext(i.Tags)),
  UntagResource: onSecret((i) => defined({ "aws:TagKeys": strs(i.TagKeys) })),
  UpdateSecret: onSecret((i) => defined({ "secretsmanager:Description": str(i.Description), "secretsmanager:KmsKeyId": str(i.KmsKeyId) })),
};

// --- SSM Parameter Store -----------------------------------------------------------------------

/**
 * `arn:…:parameter/<name without its leading slash>`. A name may carry a version or label
 * selector (`/app/db:3`, `/app/db:prod`), which is no part of the resource.
 */
function parameterArn(s: Scoped, name: string | undefined): string {
  if (!name) return s.arn("ssm", "parameter/*");
  const at = name.indexOf(":parameter/");
  const bare = isArn(name) ? name.slice(at + ":parameter/".length) : name.replace(/^\//, "");
  const colon = bare.indexOf(":");
  const prefix = isArn(name) ? name.slice(0, at + ":parameter/".length) : s.arn("ssm", "parameter/");
  return prefix + (colon >= 0 ? bare.slice(0, colon) : bare);
}

const onParameters =
  (field: string, extra?: (i: Input) => ContextValues): Resolver =>
  (i, s) =>
    result([...strs(i[field]), ...strs([i[field]])].map((n) => parameterArn(s, n)), { ...tagContext(i.Tags), ...extra?.(i) });

/** Tag operations name a resource by type and id; berth's Parameter Store holds parameters. */
const taggedParameter =
  (extra?: (i: Input) => ContextValues): Resolver =>
  (i, s) =>
    result(str(i.ResourceType) === "Parameter" ? [parameterArn(s, str(i.ResourceId))] : [], { ...extra?.(i) });

export const SSM_OPERATIONS: Record<string, Resolver> = {
  AddTagsToResource: taggedParameter((i) => tagContext(i.Tags)),
  DeleteParameter: onParameters("Name"),
  DeleteParameters: onParameters("Names"),
  DescribeParameters: () => result([]),
  GetParameter: onParameters("Name"),
  GetParameters: onParameters("Names"),
  GetParametersByPath: (i, s) => {
    const path = str(i.Path) ?? "/";
    const trimmed = path.length > 1 ? path.replace(/\/$/, "") : "";
    return result([parameterArn(s, trimmed || "/")], defined({ "ssm:Recursive": boolText(i.Recursive) }));
  },
  ListTagsForResource: taggedParameter(),
  PutParameter: onParameters("Name", (i) => defined({ "ssm:Overwrite": boolText(i.Overwrite), "ssm:Policies": str(i.Policies) })),
  RemoveTagsFromResource: taggedParameter((i) => defined({ "aws:TagKeys": strs(i.TagKeys) })),
};

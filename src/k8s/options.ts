// Options shared by both directions, the ARNs they build, and the labels/annotations the
// translator writes for values Kubernetes has no field for.

export interface TranslateOptions {
  /** Region for the ARNs of secrets and parameters. Default "us-east-1". */
  region?: string;
  /** Account for those ARNs. Default "000000000000". */
  accountId?: string;
  /** The ECS cluster services are created in (CreateService.cluster). Omitted: ECS's default. */
  cluster?: string;
  /**
   * How many instances a DaemonSet will run on. Needed only to turn an absolute
   * maxUnavailable (a count of nodes) into ECS's percent.
   */
  nodeCount?: number;
}

export interface ResolvedOptions {
  region: string;
  accountId: string;
  cluster?: string;
  nodeCount?: number;
}

export function resolveOptions(o: TranslateOptions = {}): ResolvedOptions {
  return {
    region: o.region ?? "us-east-1",
    accountId: o.accountId ?? "000000000000",
    ...(o.cluster !== undefined ? { cluster: o.cluster } : {}),
    ...(o.nodeCount !== undefined ? { nodeCount: o.nodeCount } : {}),
  };
}

/** Prefix of every label and annotation the translator itself writes; never copied to tags. */
export const BERTH_PREFIX = "ecs.berth.dev/";
/** Pod label carrying the task definition family when it differs from the workload's name. */
export const FAMILY_LABEL = `${BERTH_PREFIX}family`;
/** Deployment annotations holding ECS's exact percents when maxSurge/maxUnavailable cannot. */
export const MAXIMUM_PERCENT_ANNOTATION = `${BERTH_PREFIX}maximum-percent`;
export const MINIMUM_HEALTHY_PERCENT_ANNOTATION = `${BERTH_PREFIX}minimum-healthy-percent`;
/** Service annotation naming the ELB target group that the ECS service registers into. */
export const TARGET_GROUP_ANNOTATION = `${BERTH_PREFIX}target-group-arn`;
/** The IRSA annotation: the IAM role a ServiceAccount stands for (ECS's task role). */
export const ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn";

/**
 * A Kubernetes Secret key → a Secrets Manager secret of the same name, read by JSON key:
 * `arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME:KEY::` (the two trailing fields are the
 * version stage and id, left empty for the current version).
 */
export function secretKeyArn(o: ResolvedOptions, name: string, key: string): string {
  return `arn:aws:secretsmanager:${o.region}:${o.accountId}:secret:${name}:${key}::`;
}

/** A ConfigMap key that was not given → the SSM parameter /NAME/KEY. */
export function configMapKeyArn(o: ResolvedOptions, name: string, key: string): string {
  return `arn:aws:ssm:${o.region}:${o.accountId}:parameter/${name}/${key}`;
}

export type SecretSource =
  | { kind: "secret"; name: string; key: string }
  | { kind: "configMap"; name: string; key: string }
  | { kind: "other" };

/** Reads back the two ARN shapes above, in any region or account. */
export function parseSecretArn(valueFrom: string): SecretSource {
  const sm = /^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:([^:]+):([^:]+)::$/.exec(valueFrom);
  if (sm) return { kind: "secret", name: sm[1] as string, key: sm[2] as string };
  const ssm = /^arn:[^:]+:ssm:[^:]*:[^:]*:parameter\/([^/]+)\/([^/]+)$/.exec(valueFrom);
  if (ssm) return { kind: "configMap", name: ssm[1] as string, key: ssm[2] as string };
  return { kind: "other" };
}

/** The role name of an IAM role ARN (`arn:aws:iam::1:role/path/name` → "name"), or the input. */
export function roleName(roleArnOrName: string): string {
  const m = /^arn:[^:]+:iam::[^:]*:role\/(?:.*\/)?([^/]+)$/.exec(roleArnOrName);
  return m ? (m[1] as string) : roleArnOrName;
}

// For every operation berth answers: the IAM action it is authorized as, the resources the
// Service Authorization Reference says it acts on, and the service condition keys its request
// sets. Services are named by their IAM prefix, which is also their SigV4 signing name (ELBv2
// signs as "elasticloadbalancing"). Pure: the request's input in, ARNs and keys out; what the
// input cannot say (a task definition's latest revision, a secret's suffix) comes from the
// scope's lookup, and resource tags (aws:ResourceTag/…) are the caller's to add.
import { BERTH_OPERATIONS, ECS_OPERATIONS } from "./actions-ecs.js";
import { IAM_OPERATIONS, SECRETSMANAGER_OPERATIONS, SSM_OPERATIONS, STS_OPERATIONS } from "./actions-identity.js";
import { EC2_OPERATIONS, ELBV2_OPERATIONS, SERVICEDISCOVERY_OPERATIONS } from "./actions-network.js";
import { LOGS_OPERATIONS } from "./actions-logs.js";
import { EFS_OPERATIONS } from "./actions-efs.js";
import { scoped, type AuthScope, type Input, type RequestResources, type Resolver } from "./request-parts.js";

export type { AuthScope, ContextValues, RequestResources, ResourceLookup } from "./request-parts.js";

export type ServicePrefix = "ecs" | "ec2" | "elasticloadbalancing" | "servicediscovery" | "iam" | "sts" | "secretsmanager" | "ssm" | "logs" | "elasticfilesystem" | "berth";

const TABLES: Record<ServicePrefix, Record<string, Resolver>> = {
  ecs: ECS_OPERATIONS,
  ec2: EC2_OPERATIONS,
  elasticloadbalancing: ELBV2_OPERATIONS,
  servicediscovery: SERVICEDISCOVERY_OPERATIONS,
  iam: IAM_OPERATIONS,
  sts: STS_OPERATIONS,
  secretsmanager: SECRETSMANAGER_OPERATIONS,
  ssm: SSM_OPERATIONS,
  logs: LOGS_OPERATIONS,
  elasticfilesystem: EFS_OPERATIONS,
  berth: BERTH_OPERATIONS,
};

/**
 * Actions AWS answers without any permission check: GetCallerIdentity "works even under an
 * explicit deny" (STS API reference).
 */
export const PERMISSIONLESS: ReadonlySet<string> = new Set(["sts:GetCallerIdentity"]);

const isService = (s: string): s is ServicePrefix => Object.hasOwn(TABLES, s);

/** The operations of a service that have an entry here, sorted. */
export function operationsOf(service: ServicePrefix): string[] {
  return Object.keys(TABLES[service]).sort();
}

/** `service:Operation` (every action here is named after its operation); undefined if unknown. */
export function actionFor(service: string, operation: string): string | undefined {
  return isService(service) && Object.hasOwn(TABLES[service], operation) ? `${service}:${operation}` : undefined;
}

/**
 * The resources and condition keys for one request. Unknown operations answer `"*"` with no
 * keys, so an unlisted operation is still authorized — against policies that allow it on all
 * resources — rather than waved through.
 */
export function requestResources(service: string, operation: string, input: unknown, scope: AuthScope): RequestResources {
  const resolver = isService(service) && Object.hasOwn(TABLES[service], operation) ? TABLES[service][operation] : undefined;
  if (!resolver) return { resources: ["*"], context: {} };
  const safeInput: Input = typeof input === "object" && input !== null && !Array.isArray(input) ? (input as Input) : {};
  return resolver(safeInput, scoped(scope));
}

// What Cloud Map keeps in the store: namespaces, services, instances and the operations that
// created or changed them. Field names are Cloud Map's wire names, so views are the records
// minus berth's bookkeeping. Timestamps are epoch milliseconds, as everywhere in berth.
import { randomBytes } from "node:crypto";
import { EcsError, type EcsErrorType, type Scope } from "../../model/index.js";
import { scopePrefix } from "../keys.js";

export type NamespaceType = "DNS_PRIVATE" | "DNS_PUBLIC" | "HTTP";

export interface NamespaceRecord {
  Id: string;
  Arn: string;
  Name: string;
  Type: NamespaceType;
  Description?: string;
  Properties: {
    DnsProperties?: { HostedZoneId: string; SOA?: { TTL: number } };
    HttpProperties: { HttpName: string };
  };
  CreateDate: number;
  CreatorRequestId: string;
  /** The VPC a private DNS namespace serves (Cloud Map's hosted zone is associated with it). */
  vpc?: string;
  /** The operation that created it: a retry with the same CreatorRequestId gets it again. */
  operationId: string;
}

export interface DnsRecord {
  Type: "A" | "AAAA" | "SRV" | "CNAME";
  TTL: number;
}

export interface ServiceRecord {
  Id: string;
  Arn: string;
  Name: string;
  NamespaceId: string;
  Description?: string;
  DnsConfig?: { RoutingPolicy: "MULTIVALUE" | "WEIGHTED"; DnsRecords: DnsRecord[] };
  HealthCheckCustomConfig?: { FailureThreshold?: number };
  Type: "HTTP" | "DNS_HTTP" | "DNS";
  CreateDate: number;
  CreatorRequestId: string;
  /** Counts (de)registrations: DiscoverInstances' InstancesRevision. */
  instancesRevision: number;
}

export type HealthStatus = "HEALTHY" | "UNHEALTHY";

export interface InstanceRecord {
  Id: string;
  ServiceId: string;
  Attributes: Record<string, string>;
  CreatorRequestId?: string;
  /** Custom health (services with HealthCheckCustomConfig); AWS_INIT_HEALTH_STATUS sets the start. */
  health?: HealthStatus;
  operationId: string;
}

export type OperationType =
  | "CREATE_NAMESPACE"
  | "DELETE_NAMESPACE"
  | "UPDATE_NAMESPACE"
  | "UPDATE_SERVICE"
  | "REGISTER_INSTANCE"
  | "DEREGISTER_INSTANCE";

export interface OperationRecord {
  Id: string;
  Type: OperationType;
  Status: "SUBMITTED" | "PENDING" | "SUCCESS" | "FAIL";
  CreateDate: number;
  UpdateDate: number;
  Targets: Partial<Record<"NAMESPACE" | "SERVICE" | "INSTANCE", string>>;
}

const base = (s: Scope) => `${scopePrefix(s)}servicediscovery/`;

export const sdKeys = {
  namespaces: (s: Scope) => `${base(s)}namespaces/`,
  namespace: (s: Scope, id: string) => `${base(s)}namespaces/${id}`,
  services: (s: Scope) => `${base(s)}services/`,
  service: (s: Scope, id: string) => `${base(s)}services/${id}`,
  // The trailing slash keeps srv-a's instances apart from a service whose id extends it.
  instances: (s: Scope, serviceId: string) => `${base(s)}instances/${serviceId}/`,
  instance: (s: Scope, serviceId: string, id: string) => `${base(s)}instances/${serviceId}/${id}`,
  operations: (s: Scope) => `${base(s)}operations/`,
  operation: (s: Scope, id: string) => `${base(s)}operations/${id}`,
};

const arnPrefix = (s: Scope) => `arn:${s.partition ?? "aws"}:servicediscovery:${s.region}:${s.accountId}:`;

export const sdArns = {
  namespace: (s: Scope, id: string) => `${arnPrefix(s)}namespace/${id}`,
  service: (s: Scope, id: string) => `${arnPrefix(s)}service/${id}`,
};

const ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyz0123456789";
function alphanumeric(n: number): string {
  const bytes = randomBytes(n);
  let out = "";
  for (const b of bytes) out += ALPHANUMERIC[b % ALPHANUMERIC.length];
  return out;
}

/** Ids in Cloud Map's forms: `ns-` / `srv-` and 16 characters; operations 32 + `-` + 8. */
export const sdIds = {
  namespace: () => `ns-${alphanumeric(16)}`,
  service: () => `srv-${alphanumeric(16)}`,
  operation: () => `${alphanumeric(32)}-${alphanumeric(8)}`,
  hostedZone: () => `Z${alphanumeric(20).toUpperCase()}`,
};

/** Cloud Map's exceptions are plain shape names (NamespaceNotFound, InvalidInput, ...). */
export const cloudMapError = (type: EcsErrorType, message: string, extra: Record<string, unknown> = {}) =>
  new EcsError(type, message, 400, extra);

export const invalidInput = (message: string) => cloudMapError("InvalidInput", message);

/** Accepts an id or an ARN, as Cloud Map does for NamespaceId and ServiceId. */
export const idOf = (ref: string) => ref.slice(ref.lastIndexOf("/") + 1);

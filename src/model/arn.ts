// ECS ARNs in the long format (the only one for resources created since 2021).
export interface Scope {
  accountId: string;
  region: string;
  /** "aws" on the public partition. */
  partition?: string;
}

const prefix = (s: Scope) => `arn:${s.partition ?? "aws"}:ecs:${s.region}:${s.accountId}:`;

export const arns = {
  cluster: (s: Scope, name: string) => `${prefix(s)}cluster/${name}`,
  taskDefinition: (s: Scope, family: string, revision: number) => `${prefix(s)}task-definition/${family}:${revision}`,
  containerInstance: (s: Scope, cluster: string, id: string) => `${prefix(s)}container-instance/${cluster}/${id}`,
  capacityProvider: (s: Scope, name: string) => `${prefix(s)}capacity-provider/${name}`,
  service: (s: Scope, cluster: string, name: string) => `${prefix(s)}service/${cluster}/${name}`,
  task: (s: Scope, cluster: string, id: string) => `${prefix(s)}task/${cluster}/${id}`,
  container: (s: Scope, cluster: string, taskId: string, id: string) => `${prefix(s)}container/${cluster}/${taskId}/${id}`,
  /** A task's ENI attachment, as SubmitTaskStateChange's `attachments` name it. */
  attachment: (s: Scope, id: string) => `${prefix(s)}attachment/${id}`,
};

export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  accountId: string;
  /** e.g. "cluster", "task-definition", "task". */
  resourceType: string;
  /** The path after the resource type, e.g. "default" or "web:3" or "default/0123...". */
  resource: string;
}

/** Parses `arn:partition:service:region:account:type/rest`; undefined when it is no ARN. */
export function parseArn(text: string): ParsedArn | undefined {
  const parts = text.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return undefined;
  const [, partition, service, region, accountId] = parts as [string, string, string, string, string];
  const rest = parts.slice(5).join(":");
  const slash = rest.indexOf("/");
  if (slash <= 0) return undefined;
  return { partition, service, region, accountId, resourceType: rest.slice(0, slash), resource: rest.slice(slash + 1) };
}

// What the per-service tables of actions.ts share: the shape of an answer (the resources an
// operation touches and the condition keys its request sets), the scope they are written in,
// and small readers of loosely typed request input. Pure.

export interface ResourceLookup {
  /**
   * The revision a task definition named by family alone stands for: the latest ACTIVE one
   * (RunTask, CreateService …) or the one a registration will create ("next").
   */
  taskDefinitionRevision?(family: string, which: "latest-active" | "next"): number | undefined;
  /** The same for daemon task definitions. */
  daemonTaskDefinitionRevision?(family: string, which: "latest-active" | "next"): number | undefined;
  /** A secret's full ARN (name plus its six-character suffix) from a name or partial ARN. */
  secretArn?(secretId: string): string | undefined;
  /** Cloud Map ids for DiscoverInstances, which names its namespace and service by name. */
  cloudMapIds?(namespaceName: string, serviceName: string): { namespaceId?: string; serviceId?: string } | undefined;
  /** An IAM user's or role's path ("/" when unknown). */
  iamPath?(kind: "user" | "role", name: string): string | undefined;
}

/** Where the request is answered, who asks, and lookups for what the input alone cannot say. */
export interface AuthScope {
  accountId: string;
  region: string;
  /** "aws" unless given. */
  partition?: string;
  /** The caller's ARN: IAM operations on "the calling user" (GetUser without UserName) name it. */
  callerArn?: string;
  lookup?: ResourceLookup;
}

export type ContextValues = Record<string, string | string[]>;

export interface RequestResources {
  /**
   * The resource ARNs AWS's Service Authorization Reference names for the operation; the
   * request is allowed only if every one of them is. `"*"` for actions that take no resource.
   * An identifier the request does not carry yet (the id of what a Create makes) is written
   * `*` inside the ARN, so policies naming the resource type or `*` cover it.
   */
  resources: string[];
  /** Service condition keys the request sets (`ecs:cluster`, `sts:ExternalId`, …), and tag keys. */
  context: ContextValues;
}

export type Input = Readonly<Record<string, unknown>>;

/** One operation's answer from its input. */
export type Resolver = (input: Input, scope: Scoped) => RequestResources;

/** The scope with ARN builders bound. */
export interface Scoped extends AuthScope {
  partition: string;
  /** `arn:<partition>:<service>:<region>:<account>:<resource>`; IAM and S3-style ARNs pass "" for region. */
  arn(service: string, resource: string, region?: string, account?: string): string;
}

export function scoped(scope: AuthScope): Scoped {
  return new BoundScope(scope);
}

// A class, so `arn` is one shared method rather than a closure made for every request.
class BoundScope implements Scoped {
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  readonly callerArn?: string;
  readonly lookup?: ResourceLookup;

  constructor(scope: AuthScope) {
    this.accountId = scope.accountId;
    this.region = scope.region;
    this.partition = scope.partition ?? "aws";
    if (scope.callerArn !== undefined) this.callerArn = scope.callerArn;
    if (scope.lookup !== undefined) this.lookup = scope.lookup;
  }

  arn(service: string, resource: string, region?: string, account?: string): string {
    return `arn:${this.partition}:${service}:${region ?? this.region}:${account ?? this.accountId}:${resource}`;
  }
}

export const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
export const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string" && x !== "") : []);
export const obj = (v: unknown): Input => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Input) : {});
export const objs = (v: unknown): Input[] => (Array.isArray(v) ? v.map(obj) : []);
export const isArn = (v: string): boolean => v.startsWith("arn:");

/** The request's tags as aws:RequestTag/<key> and aws:TagKeys, for either casing of tag lists. */
export function tagContext(tags: unknown, context: ContextValues = {}): ContextValues {
  const list = objs(tags);
  if (list.length === 0) return context;
  const keys: string[] = [];
  for (const t of list) {
    const key = str(t.key ?? t.Key);
    if (!key) continue;
    keys.push(key);
    context[`aws:RequestTag/${key}`] = String(t.value ?? t.Value ?? "");
  }
  context["aws:TagKeys"] = keys;
  return context;
}

/** Sets the entries whose value is present, leaving the others out of the context. */
export function defined(entries: Record<string, string | string[] | undefined | false>): ContextValues {
  const out: ContextValues = {};
  for (const k in entries) {
    const v = entries[k];
    if (v === undefined || v === false || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out;
}

/** A boolean input as the "true"/"false" IAM compares; absent stays absent. */
export const boolText = (v: unknown): string | undefined => (typeof v === "boolean" ? String(v) : undefined);

export const result = (resources: string[], context: ContextValues = {}): RequestResources => ({ resources: resources.length ? resources : ["*"], context });

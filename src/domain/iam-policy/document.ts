// IAM policy documents: their JSON shape, the normalised form berth evaluates, and the checks
// IAM makes before it stores one (CreatePolicy, PutRolePolicy, PutUserPolicy, CreateRole's
// trust policy, resource policies). Pure: text in, data or IAM's refusal out.
//
// The refusal texts are IAM's own, as clients see them in MalformedPolicyDocument (400) and
// LimitExceeded (409). Where each comes from (observed answers quoted in public reports):
//   "Syntax errors in policy."                       boto/boto3#180, aws-cloudformation/cfn-lint#3751
//                                                    (a Condition without an operator)
//   "Policy document should not specify a principal." hashicorp/terraform#13449 (PutRolePolicy)
//   "Has prohibited field Resource"                  trust policy with Resource (oneuptime.com, repost.aws)
//   "Missing required field Principal"               trust / resource policy without Principal
//   "Policy statement must contain actions."         aws/aws-cdk#7615
//   "Policy statement must contain resources."       trussworks/terraform-aws-s3-anti-virus#22
//   "Actions/Condition can contain only one colon."  garnaat/kappa#111, eksctl-io/eksctl#2794
//   `Resource X must be in ARN format or "*".`       localstack/localstack#3863
//   `Invalid principal in policy: "AWS":"arn…"`      aws-actions/configure-aws-credentials#332
//   "The policy failed legacy parsing"               hashicorp/terraform#10057 (Effect "allow")
//   "Statement IDs (SID) in a single policy must be unique."  kubernetes/kops#4951
//   "Statement IDs (SID) must be alpha-numeric. …"   aws-cloudformation/cfn-lint#708
//   "Cannot exceed quota for PolicySize: 6144"       docker/docs#6218
//   "Maximum policy size of 10240 bytes exceeded for role R"  serverless/serverless#7643
//   "Maximum policy size of 2048 bytes exceeded for user U"   ministryofjustice/cloud-platform-environments#5303
//   "Cannot exceed quota for ACLSizePerRole: 2048"   kubeflow/kubeflow#6687
import { CONDITION_OPERATORS, splitOperator } from "./operators.js";

/** The two grammar versions IAM knows; a document without Version is read as 2008-10-17. */
export type PolicyVersion = "2012-10-17" | "2008-10-17";

/**
 * Which document it is, since each allows other elements: an identity policy (inline or
 * managed) names no principal; a role's trust policy names principals and no resources; a
 * resource-based policy (a secret's, a bucket's) names both.
 */
export type PolicyKind = "identity" | "trust" | "resource";

export type Effect = "Allow" | "Deny";

export type PrincipalType = "AWS" | "Service" | "Federated" | "CanonicalUser";

/** `"*"` (everyone), or identifiers by type; each type's list normalised to an array. */
export type Principals = "*" | Partial<Record<PrincipalType, string[]>>;

/**
 * One key test of a Condition block. `operator` is as written (`StringLikeIfExists`,
 * `ForAllValues:StringEquals`); values are strings, as IAM compares them (JSON `true` and 5
 * become "true" and "5").
 */
export interface Condition {
  operator: string;
  key: string;
  values: string[];
}

/** A statement in normalised form: every list an array, conditions flattened (all AND-ed). */
export interface Statement {
  sid?: string;
  effect: Effect;
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  principal?: Principals;
  notPrincipal?: Principals;
  conditions: Condition[];
}

export interface PolicyDocument {
  version: PolicyVersion;
  id?: string;
  statements: Statement[];
}

/** The JSON as people write it: Statement, Action, Resource and values may be one or many. */
type OneOrMany<T> = T | T[];
export type ConditionValueJson = OneOrMany<string | number | boolean>;
export interface StatementJson {
  Sid?: string;
  Effect: Effect;
  Action?: OneOrMany<string>;
  NotAction?: OneOrMany<string>;
  Resource?: OneOrMany<string>;
  NotResource?: OneOrMany<string>;
  Principal?: "*" | Partial<Record<PrincipalType, OneOrMany<string>>>;
  NotPrincipal?: "*" | Partial<Record<PrincipalType, OneOrMany<string>>>;
  Condition?: Record<string, Record<string, ConditionValueJson>>;
}
export interface PolicyDocumentJson {
  Version?: PolicyVersion;
  Id?: string;
  Statement: OneOrMany<StatementJson>;
}

/**
 * The size IAM holds a document to: where it is stored decides the quota. Inline policies
 * share theirs with the entity's other inline policies (`used`: their sizes summed).
 */
export type SizeLimit =
  | { kind: "managed" }
  | { kind: "trust" }
  | { kind: "role-inline"; roleName: string; used?: number }
  | { kind: "user-inline"; userName: string; used?: number };

export const POLICY_SIZE_LIMITS = { managed: 6144, trust: 2048, "role-inline": 10240, "user-inline": 2048 } as const;

export type ParseFailure = { ok: false; code: "MalformedPolicyDocument" | "LimitExceeded"; reason: string };
export type ParseResult = { ok: true; policy: PolicyDocument } | ParseFailure;

export interface ParseOptions {
  /** When given, the document is also held to that quota (after the grammar checks). */
  sizeLimit?: SizeLimit;
}

/** IAM counts a document's characters without its whitespace. */
export function policySize(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) n++;
  }
  return n;
}

/** IAM's LimitExceeded text when `size` (plus what the entity already holds) is past the quota. */
export function sizeLimitReason(limit: SizeLimit, size: number): string | undefined {
  const max = POLICY_SIZE_LIMITS[limit.kind];
  switch (limit.kind) {
    case "managed":
      return size > max ? `Cannot exceed quota for PolicySize: ${max}` : undefined;
    case "trust":
      return size > max ? `Cannot exceed quota for ACLSizePerRole: ${max}` : undefined;
    case "role-inline":
      return size + (limit.used ?? 0) > max ? `Maximum policy size of ${max} bytes exceeded for role ${limit.roleName}` : undefined;
    case "user-inline":
      return size + (limit.used ?? 0) > max ? `Maximum policy size of ${max} bytes exceeded for user ${limit.userName}` : undefined;
  }
}

const SYNTAX = "Syntax errors in policy.";

/** Thrown inside the parser only; parsePolicyDocument turns it into data. */
class Malformed extends Error {}
const malformed = (reason: string): never => {
  throw new Malformed(reason);
};

/** Parses and checks a policy document as IAM does before storing it. Never throws. */
export function parsePolicyDocument(text: string, kind: PolicyKind, options: ParseOptions = {}): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, code: "MalformedPolicyDocument", reason: SYNTAX };
  }
  let policy: PolicyDocument;
  try {
    policy = readDocument(json, kind);
  } catch (e) {
    if (e instanceof Malformed) return { ok: false, code: "MalformedPolicyDocument", reason: e.message };
    throw e;
  }
  if (options.sizeLimit) {
    const reason = sizeLimitReason(options.sizeLimit, policySize(text));
    if (reason) return { ok: false, code: "LimitExceeded", reason };
  }
  return { ok: true, policy };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const DOCUMENT_FIELDS = new Set(["Version", "Id", "Statement"]);
const STATEMENT_FIELDS = new Set(["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition"]);

function readDocument(json: unknown, kind: PolicyKind): PolicyDocument {
  if (!isObject(json)) return malformed(SYNTAX);
  for (const field of Object.keys(json)) if (!DOCUMENT_FIELDS.has(field)) malformed(SYNTAX);
  const version = json.Version ?? "2008-10-17";
  if (version !== "2012-10-17" && version !== "2008-10-17") return malformed(SYNTAX);
  if (json.Id !== undefined && typeof json.Id !== "string") malformed(SYNTAX);
  const raw = json.Statement;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  if (list.length === 0) malformed(SYNTAX);
  const statements = list.map((s) => readStatement(s, kind));
  const sids = new Set<string>();
  for (const s of statements) {
    if (s.sid === undefined || s.sid === "") continue;
    if (sids.has(s.sid)) malformed("Statement IDs (SID) in a single policy must be unique.");
    sids.add(s.sid);
  }
  const policy: PolicyDocument = { version, statements };
  if (typeof json.Id === "string") policy.id = json.Id;
  return policy;
}

function readStatement(json: unknown, kind: PolicyKind): Statement {
  if (!isObject(json)) return malformed(SYNTAX);
  for (const field of Object.keys(json)) if (!STATEMENT_FIELDS.has(field)) malformed(SYNTAX);

  const sid = json.Sid;
  if (sid !== undefined && typeof sid !== "string") malformed(SYNTAX);
  // IAM's own documents take letters and digits only; other services' resource policies
  // (S3, KMS) also take spaces, so the rule is IAM's alone.
  if (typeof sid === "string" && kind !== "resource" && !/^[0-9A-Za-z]*$/.test(sid)) {
    malformed("Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*");
  }

  if (json.Effect === undefined) malformed(SYNTAX);
  if (json.Effect !== "Allow" && json.Effect !== "Deny") malformed("The policy failed legacy parsing");
  const statement: Statement = { effect: json.Effect as Effect, conditions: [] };
  if (typeof sid === "string") statement.sid = sid;

  // Principal first: which elements a document may hold is the first thing IAM objects to.
  const hasPrincipal = json.Principal !== undefined || json.NotPrincipal !== undefined;
  if (kind === "identity" && hasPrincipal) malformed("Policy document should not specify a principal.");
  if (kind !== "identity" && !hasPrincipal) malformed("Missing required field Principal");
  if (json.Principal !== undefined && json.NotPrincipal !== undefined) malformed(SYNTAX);
  if (json.Principal !== undefined) statement.principal = readPrincipals(json.Principal);
  if (json.NotPrincipal !== undefined) statement.notPrincipal = readPrincipals(json.NotPrincipal);

  if (json.Action !== undefined && json.NotAction !== undefined) malformed(SYNTAX);
  const actions = json.Action ?? json.NotAction;
  if (actions === undefined) malformed("Policy statement must contain actions.");
  const actionList = readStrings(actions);
  if (actionList.length === 0) malformed("Policy statement must contain actions.");
  for (const a of actionList) checkAction(a);
  if (json.Action !== undefined) statement.action = actionList;
  else statement.notAction = actionList;

  const hasResource = json.Resource !== undefined || json.NotResource !== undefined;
  if (kind === "trust" && hasResource) malformed(`Has prohibited field ${json.Resource !== undefined ? "Resource" : "NotResource"}`);
  if (kind === "identity" && !hasResource) malformed("Policy statement must contain resources.");
  if (json.Resource !== undefined && json.NotResource !== undefined) malformed(SYNTAX);
  if (hasResource) {
    const resources = readStrings(json.Resource ?? json.NotResource);
    if (resources.length === 0) malformed("Policy statement must contain resources.");
    for (const r of resources) checkResource(r);
    if (json.Resource !== undefined) statement.resource = resources;
    else statement.notResource = resources;
  }

  if (json.Condition !== undefined) statement.conditions = readConditions(json.Condition);
  return statement;
}

function readStrings(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  for (const v of list) if (typeof v !== "string") malformed(SYNTAX);
  return list as string[];
}

/** `service:Action` with wildcards in the action part, or `*` alone. */
function checkAction(action: string): void {
  if (action === "*") return;
  checkPrefixed(action);
  const vendor = action.slice(0, action.indexOf(":"));
  if (/[*?]/.test(vendor)) malformed("Action vendors (e.g., aws, ec2, etc.) must not contain wildcards");
  if (!/^[A-Za-z0-9-]+$/.test(vendor)) malformed(SYNTAX);
}

/** Actions and condition keys both name their service before one colon. */
function checkPrefixed(name: string): void {
  // A tag key after the slash may hold colons of its own (aws:ResourceTag/aws:cloudformation:stack-name).
  const head = name.includes("/") ? name.slice(0, name.indexOf("/")) : name;
  const colons = head.split(":").length - 1;
  if (colons === 0) malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
  if (colons > 1) malformed("Actions/Condition can contain only one colon.");
}

/** `*`, or an ARN: `arn:partition:service:region:account:resource` (six parts at least). */
function checkResource(resource: string): void {
  if (resource === "*") return;
  if (!resource.startsWith("arn:") || resource.split(":").length < 6) malformed(`Resource ${resource} must be in ARN format or "*".`);
}

const PRINCIPAL_TYPES = new Set<string>(["AWS", "Service", "Federated", "CanonicalUser"]);
const ACCOUNT = /^\d{12}$/;
const IAM_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(root|user\/.+|role\/.+)$/;
const STS_PRINCIPAL_ARN = /^arn:aws[a-z-]*:sts::\d{12}:(assumed-role\/[^/]+\/.+|federated-user\/.+)$/;
const SERVICE_PRINCIPAL = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

function readPrincipals(value: unknown): Principals {
  if (value === "*") return "*";
  if (!isObject(value)) return malformed(SYNTAX);
  const out: Partial<Record<PrincipalType, string[]>> = {};
  let count = 0;
  for (const [type, ids] of Object.entries(value)) {
    if (!PRINCIPAL_TYPES.has(type)) malformed(`Invalid principal in policy: "${type}":${JSON.stringify(ids)}`);
    const list = readStrings(ids);
    for (const id of list) checkPrincipal(type as PrincipalType, id);
    out[type as PrincipalType] = list;
    count += list.length;
  }
  // IAM's answer to `"Principal": {}` or `{"AWS": []}` (terraform-aws-modules/terraform-aws-iam#47).
  if (count === 0) {
    malformed("Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!");
  }
  return out;
}

function checkPrincipal(type: PrincipalType, id: string): void {
  const ok =
    type === "AWS"
      ? id === "*" || ACCOUNT.test(id) || IAM_PRINCIPAL_ARN.test(id) || STS_PRINCIPAL_ARN.test(id)
      : type === "Service"
        ? id === "*" || SERVICE_PRINCIPAL.test(id)
        : id.length > 0;
  if (!ok) malformed(`Invalid principal in policy: "${type === "AWS" ? "AWS" : type.toUpperCase()}":"${id}"`);
}

function readConditions(value: unknown): Condition[] {
  if (!isObject(value)) return malformed(SYNTAX);
  const out: Condition[] = [];
  for (const [operator, block] of Object.entries(value)) {
    const parts = splitOperator(operator);
    if (!parts || !CONDITION_OPERATORS.has(parts.base)) malformed(SYNTAX);
    if (!isObject(block)) malformed(SYNTAX);
    for (const [key, raw] of Object.entries(block as Record<string, unknown>)) {
      checkPrefixed(key);
      const list = Array.isArray(raw) ? raw : [raw];
      const values = list.map((v) => {
        if (typeof v === "string") return v;
        if (typeof v === "number" || typeof v === "boolean") return String(v);
        return malformed(SYNTAX);
      });
      out.push({ operator, key, values });
    }
  }
  return out;
}

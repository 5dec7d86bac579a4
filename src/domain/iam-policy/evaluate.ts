// The decision for one request (IAM User Guide, "Policy evaluation logic", single account, no
// SCPs): any applicable Deny statement wins; otherwise an applicable Allow allows; otherwise the
// request is implicitly denied. The account's root user is allowed unless something denies.
// `trustAllows` answers the same question for a resource-based policy such as a role's trust
// policy, where the statement must also name the caller as principal. Pure and synchronous.
import type { CompiledCondition, Context } from "./conditions.js";
import { compilePolicy, statementsFor, type CompiledStatement } from "./compile.js";
import type { PolicyDocument, Principals } from "./document.js";
import type { Variables } from "./glob.js";

export type PrincipalKind = "root" | "user" | "assumed-role";

export interface RequestPrincipal {
  arn: string;
  accountId: string;
  kind: PrincipalKind;
}

export type ContextValue = string | readonly string[] | boolean | number;

/** Condition keys of the request (`aws:username`, `ecs:cluster`, …); keys are case-insensitive. */
export type RequestContext = Readonly<Record<string, ContextValue | undefined>>;

export interface AuthRequest {
  principal: RequestPrincipal;
  /** `service:Action`, e.g. "ecs:RunTask" (compared case-insensitively). */
  action: string;
  /** The resource's ARN, or "*" for actions that name no resource. */
  resource: string;
  context: RequestContext;
}

export type DecisionKind = "Allow" | "ExplicitDeny" | "ImplicitDeny";

export interface Decision {
  decision: DecisionKind;
  /** The statement that decided (the denying one, else the first allowing one). */
  statement?: { policyIndex: number; sid?: string };
}

/** Evaluates the identity policies that apply to the request's principal. */
export function evaluate(request: AuthRequest, policies: readonly PolicyDocument[]): Decision {
  const action = request.action.toLowerCase();
  const ctx = normaliseContext(request.context);
  const vars = variablesOf(ctx);
  let allow: Decision | undefined;
  for (let p = 0; p < policies.length; p++) {
    const compiled = compilePolicy(policies[p]!);
    for (const s of statementsFor(compiled, action)) {
      if (s.deny ? false : allow !== undefined) continue; // an Allow is already found; only Denies matter now
      if (!resourceApplies(s, request.resource, vars) || !conditionsHold(s.conditions, ctx, vars)) continue;
      const decided = { policyIndex: p, ...(s.sid !== undefined ? { sid: s.sid } : {}) };
      if (s.deny) return { decision: "ExplicitDeny", statement: decided };
      allow = { decision: "Allow", statement: decided };
    }
  }
  if (allow) return allow;
  if (request.principal.kind === "root") return { decision: "Allow" };
  return { decision: "ImplicitDeny" };
}

/** Who asks a resource-based policy: an IAM principal, or an AWS service (ecs-tasks.amazonaws.com). */
export type TrustCaller = RequestPrincipal | { service: string };

export interface TrustDecision extends Decision {
  /**
   * How the allowing statement named the caller (IAM User Guide, "Policy evaluation logic",
   * resource-based policies within one account): "account" (the account id or its `:root` ARN)
   * only delegates to the account's identity policies, which must allow the action too;
   * "principal" (the caller's own ARN) and "service" suffice on their own; "role" (the role
   * of the calling assumed-role session) suffices too but stays limited by the session's
   * session policies; "everyone" is `"*"`; "not-principal" an Allow through NotPrincipal.
   */
  matchedBy?: "account" | "principal" | "role" | "service" | "everyone" | "not-principal";
}

/**
 * Evaluates a resource-based policy (a role's trust policy for sts:AssumeRole) for a caller.
 * `resource` is checked against statements that name resources; trust policies name none.
 */
export function trustAllows(policy: PolicyDocument, caller: TrustCaller, action: string, context: RequestContext, resource = "*"): TrustDecision {
  const ctx = normaliseContext(context);
  const vars = variablesOf(ctx);
  let allow: TrustDecision | undefined;
  for (const s of statementsFor(compilePolicy(policy), action.toLowerCase())) {
    const named = s.principal !== undefined ? principalMatch(s.principal, caller) : undefined;
    const applies = s.principal !== undefined ? named !== undefined : s.notPrincipal !== undefined && principalMatch(s.notPrincipal, caller) === undefined;
    if (!applies || !resourceApplies(s, resource, vars) || !conditionsHold(s.conditions, ctx, vars)) continue;
    const statement = { policyIndex: 0, ...(s.sid !== undefined ? { sid: s.sid } : {}) };
    if (s.deny) return { decision: "ExplicitDeny", statement };
    if (!allow) allow = { decision: "Allow", statement, matchedBy: named ?? "not-principal" };
  }
  return allow ?? { decision: "ImplicitDeny" };
}

function resourceApplies(s: CompiledStatement, resource: string, vars: Variables): boolean {
  if (!s.resources) return true;
  let listed = false;
  for (const g of s.resources) {
    if (g.match(resource, vars)) {
      listed = true;
      break;
    }
  }
  return listed !== s.notResource;
}

function conditionsHold(conditions: CompiledCondition[], ctx: Context, vars: Variables): boolean {
  for (const c of conditions) if (!c(ctx, vars)) return false;
  return true;
}

function normaliseContext(context: RequestContext): Context {
  const out = new Map<string, readonly string[]>();
  for (const key in context) {
    const v = context[key];
    if (v === undefined) continue;
    out.set(key.toLowerCase(), typeof v === "string" ? [v] : Array.isArray(v) ? (v as readonly string[]) : [String(v)]);
  }
  return out;
}

/** Policy variables read single-valued keys; a multi-valued or absent key resolves to nothing. */
function variablesOf(ctx: Context): Variables {
  return (key) => {
    const v = ctx.get(key);
    return v !== undefined && v.length === 1 ? v[0] : undefined;
  };
}

type Match = NonNullable<TrustDecision["matchedBy"]>;

function principalMatch(principals: Principals, caller: TrustCaller): Match | undefined {
  if (principals === "*") return "everyone";
  if ("service" in caller) {
    const service = caller.service.toLowerCase();
    for (const s of principals.Service ?? []) if (s === "*" || s.toLowerCase() === service) return "service";
    return undefined;
  }
  // The most direct naming wins: the caller's own ARN, then its role, its account, everyone.
  let found: Match | undefined;
  for (const id of principals.AWS ?? []) {
    const m = awsPrincipalMatch(id, caller);
    if (m !== undefined && (found === undefined || RANK[m] < RANK[found])) found = m;
  }
  return found;
}

const RANK: Record<Match, number> = { principal: 0, role: 1, service: 1, account: 2, everyone: 3, "not-principal": 4 };

function awsPrincipalMatch(id: string, caller: RequestPrincipal): Match | undefined {
  if (id === "*") return "everyone";
  if (id === caller.accountId) return "account";
  const arn = parseIamArn(id);
  if (!arn) return undefined;
  if (arn.resource === "root") return arn.account === caller.accountId ? "account" : undefined;
  if (id === caller.arn) return "principal";
  // A role's ARN names every session of it: arn:aws:iam::A:role/path/name covers
  // arn:aws:sts::A:assumed-role/name/<session> (sessions carry no path).
  if (caller.kind === "assumed-role" && arn.service === "iam" && arn.resource.startsWith("role/")) {
    const session = parseIamArn(caller.arn);
    const roleName = arn.resource.slice(arn.resource.lastIndexOf("/") + 1);
    const sessionRole = session?.resource.split("/")[1];
    if (session && session.account === arn.account && session.resource.startsWith("assumed-role/") && sessionRole === roleName) return "role";
  }
  return undefined;
}

function parseIamArn(arn: string): { service: string; account: string; resource: string } | undefined {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return undefined;
  return { service: parts[2]!, account: parts[4]!, resource: parts.slice(5).join(":") };
}

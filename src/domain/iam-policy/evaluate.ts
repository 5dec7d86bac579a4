// The decision for one request (IAM User Guide, "Policy evaluation logic", single account, no
// SCPs): any applicable Deny statement wins; otherwise an applicable Allow allows; otherwise the
// request is implicitly denied. The account's root user is allowed unless something denies.
// `trustAllows` answers the same question for a resource-based policy such as a role's trust
// policy, where the statement must also name the caller as principal. Pure and synchronous.
import { Context, type CompiledCondition } from "./conditions.js";
import { compilePolicy, PolicySet, statementsFor, type CompiledStatement, type SetForAction } from "./compile.js";
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
  /**
   * The condition keys; or several sets of them (the global keys the server knows and the ones
   * requestResources gave), read in order with later sets winning — no need to merge them.
   */
  context: RequestContext | readonly RequestContext[];
}

export type DecisionKind = "Allow" | "ExplicitDeny" | "ImplicitDeny";

export interface Decision {
  decision: DecisionKind;
  /** The statement that decided (the denying one, else the first allowing one). */
  statement?: { policyIndex: number; sid?: string };
}

/**
 * Evaluates the identity policies that apply to the request's principal: a list of documents,
 * or a PolicySet made from them once (faster when the same principal asks again).
 */
export function evaluate(request: AuthRequest, policies: readonly PolicyDocument[] | PolicySet): Decision {
  const action = request.action.toLowerCase();
  const ctx = contextOf(request.context);
  if (policies instanceof PolicySet) return evaluateSet(request, policies.forAction(action), ctx);
  let allow: Decision | undefined;
  for (let p = 0; p < policies.length; p++) {
    const { deny, allow: allows } = statementsFor(compilePolicy(policies[p]!), action);
    for (const s of deny) {
      if (applies(s, request.resource, ctx)) return { decision: "ExplicitDeny", statement: decidedBy(p, s) };
    }
    if (allow !== undefined) continue; // an Allow is already found; only Denies matter now
    for (const s of allows) {
      if (applies(s, request.resource, ctx)) {
        allow = { decision: "Allow", statement: decidedBy(p, s) };
        break;
      }
    }
  }
  if (allow) return allow;
  if (request.principal.kind === "root") return { decision: "Allow" };
  return { decision: "ImplicitDeny" };
}

function evaluateSet(request: AuthRequest, applicable: SetForAction, ctx: Context): Decision {
  const { deny, denyPolicy, allow, allowPolicy } = applicable;
  for (let i = 0; i < deny.length; i++) {
    if (applies(deny[i]!, request.resource, ctx)) return { decision: "ExplicitDeny", statement: decidedBy(denyPolicy[i]!, deny[i]!) };
  }
  for (let i = 0; i < allow.length; i++) {
    if (applies(allow[i]!, request.resource, ctx)) return { decision: "Allow", statement: decidedBy(allowPolicy[i]!, allow[i]!) };
  }
  if (request.principal.kind === "root") return { decision: "Allow" };
  return { decision: "ImplicitDeny" };
}

const decidedBy = (policyIndex: number, s: CompiledStatement) => (s.sid !== undefined ? { policyIndex, sid: s.sid } : { policyIndex });

function applies(s: CompiledStatement, resource: string, ctx: Context): boolean {
  return resourceApplies(s, resource, ctx) && conditionsHold(s.conditions, ctx);
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
export function trustAllows(
  policy: PolicyDocument,
  caller: TrustCaller,
  action: string,
  context: RequestContext | readonly RequestContext[],
  resource = "*",
): TrustDecision {
  const ctx = contextOf(context);
  const { deny, allow } = statementsFor(compilePolicy(policy), action.toLowerCase());
  for (const s of deny) {
    if (namesCaller(s, caller) !== undefined && applies(s, resource, ctx)) return { decision: "ExplicitDeny", statement: decidedBy(0, s) };
  }
  // Of several allowing statements, the one naming the caller most directly decides, since that
  // tells the caller whether identity policies must allow the action too.
  let best: TrustDecision | undefined;
  for (const s of allow) {
    const matchedBy = namesCaller(s, caller);
    if (matchedBy === undefined || (best && RANK[best.matchedBy!] <= RANK[matchedBy]) || !applies(s, resource, ctx)) continue;
    best = { decision: "Allow", statement: decidedBy(0, s), matchedBy };
  }
  return best ?? { decision: "ImplicitDeny" };
}

/** How a statement's Principal names the caller, or — for NotPrincipal — that it leaves it out. */
function namesCaller(s: CompiledStatement, caller: TrustCaller): Match | undefined {
  if (s.principal !== undefined) return principalMatch(s.principal, caller);
  if (s.notPrincipal !== undefined) return principalMatch(s.notPrincipal, caller) === undefined ? "not-principal" : undefined;
  return undefined;
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

function conditionsHold(conditions: CompiledCondition[], ctx: Context): boolean {
  for (const c of conditions) if (!c.test(ctx)) return false;
  return true;
}

function contextOf(context: RequestContext | readonly RequestContext[]): Context {
  const out = new Map<string, readonly string[]>();
  if (Array.isArray(context)) for (const layer of context as readonly RequestContext[]) addKeys(out, layer);
  else addKeys(out, context as RequestContext);
  return new Context(out);
}

function addKeys(out: Map<string, readonly string[]>, context: RequestContext): void {
  for (const key in context) {
    const v = context[key];
    if (v === undefined) continue;
    out.set(key.toLowerCase(), typeof v === "string" ? [v] : Array.isArray(v) ? (v as readonly string[]) : [String(v)]);
  }
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

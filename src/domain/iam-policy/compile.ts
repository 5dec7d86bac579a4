// A parsed policy compiled for evaluation: every Action, Resource and Condition pattern turned
// into a matcher once, kept beside the document in a WeakMap, so the work per request is only
// matching. Documents are treated as immutable once compiled.
import { compileCondition, type CompiledCondition } from "./conditions.js";
import type { PolicyDocument, Principals, Statement } from "./document.js";
import { compileGlob, type Glob } from "./glob.js";

export interface CompiledStatement {
  index: number;
  sid?: string;
  deny: boolean;
  /** Action or NotAction patterns (lower-cased); `notAction` says which. */
  actions: Glob[];
  notAction: boolean;
  /** Resource or NotResource patterns; undefined when the statement names neither (trust policies). */
  resources?: Glob[];
  notResource: boolean;
  principal?: Principals;
  notPrincipal?: Principals;
  conditions: CompiledCondition[];
}

export interface CompiledPolicy {
  statements: CompiledStatement[];
  /**
   * Which statements apply to an action, by lower-cased action name. Pure memo (the answer
   * depends on the action alone); bounded, since a policy sees a few hundred actions at most.
   */
  byAction: Map<string, CompiledStatement[]>;
}

const cache = new WeakMap<PolicyDocument, CompiledPolicy>();

export function compilePolicy(policy: PolicyDocument): CompiledPolicy {
  let compiled = cache.get(policy);
  if (!compiled) {
    const variables = policy.version === "2012-10-17";
    compiled = { statements: policy.statements.map((s, i) => compileStatement(s, i, variables)), byAction: new Map() };
    cache.set(policy, compiled);
  }
  return compiled;
}

function compileStatement(s: Statement, index: number, variables: boolean): CompiledStatement {
  const resourceList = s.resource ?? s.notResource;
  const out: CompiledStatement = {
    index,
    deny: s.effect === "Deny",
    actions: (s.action ?? s.notAction ?? []).map((a) => compileGlob(a, "action")),
    notAction: s.action === undefined && s.notAction !== undefined,
    notResource: s.resource === undefined && s.notResource !== undefined,
    conditions: s.conditions.map((c) => compileCondition(c, variables)),
  };
  if (resourceList) out.resources = resourceList.map((r) => compileGlob(r, "arn", variables));
  if (s.sid !== undefined) out.sid = s.sid;
  if (s.principal !== undefined) out.principal = s.principal;
  if (s.notPrincipal !== undefined) out.notPrincipal = s.notPrincipal;
  return out;
}

const MAX_MEMO = 1024;

/** The statements whose Action / NotAction covers `action` (lower-cased). */
export function statementsFor(policy: CompiledPolicy, action: string): CompiledStatement[] {
  let list = policy.byAction.get(action);
  if (!list) {
    list = policy.statements.filter((s) => actionApplies(s, action));
    if (policy.byAction.size >= MAX_MEMO) policy.byAction.clear();
    policy.byAction.set(action, list);
  }
  return list;
}

function actionApplies(s: CompiledStatement, action: string): boolean {
  let listed = false;
  for (const g of s.actions) {
    if (g.match(action)) {
      listed = true;
      break;
    }
  }
  return listed !== s.notAction;
}

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

export interface ForAction {
  deny: CompiledStatement[];
  allow: CompiledStatement[];
}

export interface CompiledPolicy {
  statements: CompiledStatement[];
  /**
   * Which statements apply to an action, by lower-cased action name, Denies apart. A pure memo
   * (the answer depends on the action alone); bounded, since a policy sees a few hundred
   * actions at most.
   */
  byAction: Map<string, ForAction>;
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
    conditions: s.conditions.map((c) => compileCondition(c, variables)).sort((a, b) => a.cost - b.cost),
  };
  if (resourceList) out.resources = resourceList.map((r) => compileGlob(r, "arn", variables));
  if (s.sid !== undefined) out.sid = s.sid;
  if (s.principal !== undefined) out.principal = s.principal;
  if (s.notPrincipal !== undefined) out.notPrincipal = s.notPrincipal;
  return out;
}

const MAX_MEMO = 1024;

/** The statements whose Action / NotAction covers `action` (lower-cased). */
export function statementsFor(policy: CompiledPolicy, action: string): ForAction {
  let found = policy.byAction.get(action);
  if (!found) {
    const applies = policy.statements.filter((s) => actionApplies(s, action));
    found = { deny: applies.filter((s) => s.deny), allow: applies.filter((s) => !s.deny) };
    if (policy.byAction.size >= MAX_MEMO) policy.byAction.clear();
    policy.byAction.set(action, found);
  }
  return found;
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

/** The statements of a whole policy set that apply to one action, with the policy each is in. */
export interface SetForAction {
  deny: CompiledStatement[];
  denyPolicy: number[];
  allow: CompiledStatement[];
  allowPolicy: number[];
}

/**
 * Several documents evaluated together — a principal's identity policies — indexed as one:
 * a request then costs one lookup for its action instead of one per document. Build it once
 * per principal and keep it while the principal's policies stay the same; it copies the list,
 * so later changes to the array do not reach it.
 */
export class PolicySet {
  readonly policies: readonly PolicyDocument[];
  private readonly compiled: CompiledPolicy[];
  private readonly byAction = new Map<string, SetForAction>();

  constructor(policies: readonly PolicyDocument[]) {
    this.policies = [...policies];
    this.compiled = this.policies.map(compilePolicy);
  }

  /** The applicable statements for a lower-cased action, Denies apart, in policy order. */
  forAction(action: string): SetForAction {
    let found = this.byAction.get(action);
    if (!found) {
      found = { deny: [], denyPolicy: [], allow: [], allowPolicy: [] };
      for (let p = 0; p < this.compiled.length; p++) {
        const { deny, allow } = statementsFor(this.compiled[p]!, action);
        for (const s of deny) {
          found.deny.push(s);
          found.denyPolicy.push(p);
        }
        for (const s of allow) {
          found.allow.push(s);
          found.allowPolicy.push(p);
        }
      }
      if (this.byAction.size >= MAX_MEMO) this.byAction.clear();
      this.byAction.set(action, found);
    }
    return found;
  }
}

// Authorization of one API request: the caller's identity policies (IAM's records) evaluated
// for the operation's action on each resource it touches (the Service Authorization
// Reference's, from iam-policy/actions.ts), with the request's condition keys. The account's
// root is allowed everything (no SCPs in berth); sts:GetCallerIdentity needs no permission.
// A principal's policies are compiled once into a PolicySet and kept until any IAM user, role
// or policy changes: evaluation is on every request's path, parsing is not.
import type { Disposable } from "../../store/index.js";
import type { Deps } from "../deps.js";
import { identityPolicies, type CallerIdentity } from "../iam/index.js";
import { actionFor, evaluate, passedRoles, PERMISSIONLESS, PolicySet, requestResources } from "../iam-policy/index.js";
import { findTaskDefinition } from "../task-definitions.js";
import { accessDeniedMessage, type Denial } from "./access-denied.js";
import { globalContext } from "./request-context.js";
import { resourceLookup } from "./resource-lookup.js";

export interface AccessRequest {
  principal: CallerIdentity;
  /** The service's IAM prefix (its SigV4 signing name): ecs, ec2, elasticloadbalancing, iam … */
  service: string;
  operation: string;
  /** The operation's input as sent (JSON object, or the query protocol's parsed members). */
  input: unknown;
  region: string;
  sourceIp?: string;
}

export type AccessDecision = { allowed: true } | ({ allowed: false; message: string } & Denial);

export interface Authorizer {
  check(request: AccessRequest): Promise<AccessDecision>;
  close(): void;
}

/** IAM records that change what a principal may do (not keys or sessions, which change who it is). */
const POLICY_BEARING = /\/global\/iam-(users|roles|policies)\//;

/** Cached policy sets, at most this many principals (then the cache starts again). */
const MAX_PRINCIPALS = 10_000;

export function createAuthorizer(deps: Deps): Authorizer {
  const sets = new Map<string, PolicySet>();
  const subscription: Disposable = deps.cache.subscribe((change) => {
    if (POLICY_BEARING.test(change.key)) sets.clear();
  });

  async function policySet(p: CallerIdentity): Promise<PolicySet> {
    // A role's sessions share the role's policies; the role id (before ':') tells a role made
    // again under the same name apart.
    const key = p.kind === "assumed-role" ? `${p.accountId}|role|${p.roleArn}|${p.userId.split(":")[0]}` : `${p.accountId}|${p.kind}|${p.arn}|${p.userId}`;
    let set = sets.get(key);
    if (!set) {
      set = new PolicySet(await identityPolicies(deps, p.accountId, p));
      if (sets.size >= MAX_PRINCIPALS) sets.clear();
      sets.set(key, set);
    }
    return set;
  }

  return {
    async check(r) {
      const p = r.principal;
      if (p.kind === "root") return { allowed: true };
      const action = actionFor(r.service, r.operation) ?? `${r.service}:${r.operation}`;
      if (PERMISSIONLESS.has(action)) return { allowed: true };
      // AssumeRole decides itself: a trust policy that names the caller is enough without any
      // identity policy (aws-neighbors.md §3.1), which only the operation can tell.
      if (action === "sts:AssumeRole") return { allowed: true };
      const scope = { accountId: p.accountId, region: r.region };
      const { resources, context } = requestResources(r.service, r.operation, r.input, { ...scope, callerArn: p.arn, lookup: resourceLookup(deps, scope) });
      const set = await policySet(p);
      // Layers, later ones winning: no merged object per request.
      const ctx = [globalContext({ principal: p, region: r.region, now: deps.clock.now(), ...(r.sourceIp ? { sourceIp: r.sourceIp } : {}) }), context];
      // Every resource the operation touches must be allowed; the first refused one is named.
      for (const resource of resources) {
        const d = evaluate({ principal: { arn: p.arn, accountId: p.accountId, kind: p.kind }, action, resource, context: ctx }, set);
        if (d.decision !== "Allow") {
          const denial: Denial = { principalArn: p.arn, action, resource, explicit: d.decision === "ExplicitDeny" };
          return { allowed: false, message: accessDeniedMessage(denial), ...denial };
        }
      }
      // Handing a role to ECS (a task's, a service's) needs iam:PassRole on it as well.
      if (r.service === "ecs") {
        const definitionRoles = (ref: string) => {
          const td = findTaskDefinition(deps, scope, ref);
          return td ? { ...(td.taskRoleArn ? { taskRoleArn: td.taskRoleArn } : {}), ...(td.executionRoleArn ? { executionRoleArn: td.executionRoleArn } : {}) } : undefined;
        };
        for (const passed of passedRoles(r.operation, r.input, p.accountId, definitionRoles)) {
          const d = evaluate(
            { principal: { arn: p.arn, accountId: p.accountId, kind: p.kind }, action: "iam:PassRole", resource: passed.roleArn, context: [...ctx, { "iam:PassedToService": passed.passedToService }] },
            set,
          );
          if (d.decision !== "Allow") {
            const denial: Denial = { principalArn: p.arn, action: "iam:PassRole", resource: passed.roleArn, explicit: d.decision === "ExplicitDeny" };
            return { allowed: false, message: accessDeniedMessage(denial), ...denial };
          }
        }
      }
      return { allowed: true };
    },
    close() {
      subscription.dispose();
      sets.clear();
    },
  };
}

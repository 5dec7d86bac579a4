// The IAM policy language: documents parsed and checked as IAM does, decisions made purely,
// and the action and resource each operation berth answers is checked against. No I/O.
export {
  parsePolicyDocument,
  policySize,
  sizeLimitReason,
  POLICY_SIZE_LIMITS,
  type PolicyDocument,
  type PolicyDocumentJson,
  type StatementJson,
  type ConditionValueJson,
  type PolicyVersion,
  type PolicyKind,
  type Statement,
  type Condition,
  type Effect,
  type Principals,
  type PrincipalType,
  type SizeLimit,
  type ParseOptions,
  type ParseResult,
  type ParseFailure,
} from "./document.js";
export {
  evaluate,
  trustAllows,
  type AuthRequest,
  type RequestPrincipal,
  type PrincipalKind,
  type RequestContext,
  type ContextValue,
  type Decision,
  type DecisionKind,
  type TrustCaller,
  type TrustDecision,
} from "./evaluate.js";
export { PolicySet } from "./compile.js";
export {
  actionFor,
  requestResources,
  operationsOf,
  PERMISSIONLESS,
  type ServicePrefix,
  type AuthScope,
  type ResourceLookup,
  type RequestResources,
  type ContextValues,
} from "./actions.js";
export { passedRoles, roleArnOf, type PassedRole, type TaskDefinitionRoles } from "./passed-roles.js";

// The load balancer's data plane (ELBv2's listeners, rules, target groups, health checks and
// draining), run by the control plane or `berth up`; it imports nothing but model.
export * from "./spec.js";
export { wildcardRegExp, type RequestView } from "./conditions.js";
export { buildTable, matchAction, chooseGroup, chooseTarget, redirectLocation, type RoutingTable, type HealthView, type CompiledAction } from "./routing.js";
export { registered, afterCheck, deregistered, drainFinished, codeMatches, type TargetHealth, type HealthReason, type CheckResult } from "./health.js";
export type { TargetHealthDescription, Probe } from "./health-checker.js";
export { LoadBalancerNode, planListeners, groupsInUse } from "./data-plane.js";

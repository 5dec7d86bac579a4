// ELBv2: load balancers, target groups, listeners, rules, target registrations and tags over
// the store (records.ts is the contract with the load balancer controller and ECS wiring).
export * from "./records.js";
export { createLoadBalancer, describeLoadBalancers, deleteLoadBalancer, describeLoadBalancerAttributes, modifyLoadBalancerAttributes } from "./load-balancers.js";
export { createTargetGroup, describeTargetGroups, modifyTargetGroup, deleteTargetGroup, describeTargetGroupAttributes, modifyTargetGroupAttributes } from "./target-groups.js";
export { createListener, describeListeners, modifyListener, deleteListener } from "./listeners.js";
export { createRule, describeRules, modifyRule, deleteRule, setRulePriorities, defaultRuleArn } from "./rules.js";
export { registerTargets, deregisterTargets, describeTargetHealth } from "./targets.js";
export { addTags, removeTags, describeTags } from "./tags.js";
export { targetGroupUsage, getTargetGroup, getLoadBalancer, listTargets, listTargetHealth } from "./lookup.js";
export { forwardedGroups } from "./actions.js";
export { bindAddressKeys } from "./bind-address.js";

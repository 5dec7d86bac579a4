// The node's network layer (issue 11): awsvpc task namespaces, subnet bridges, the VPC's
// unreachable route and security-group ingress, as observe → plan (pure) → execute.
export * from "./names.js";
export * from "./cidr.js";
export * from "./observation.js";
export * from "./plan.js";
export * from "./ingress-rules.js";
export { CommandError } from "./command.js";
export { observeHost, observeListeningPorts, observeNamespace, observePortRange } from "./observe.js";
export { executeSteps } from "./execute.js";
export * from "./bridge-mode.js";
export * from "./port-rules.js";
export { NetworkSetupError, type BridgeModeNetwork, type TaskNetwork, TaskNetworks, taskNetworkingUnavailable } from "./task-networks.js";

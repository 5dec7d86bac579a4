// The node agent's public surface: startAgent (used by `berth agent` and `berth up`) and the
// pieces other layers and tests name.
export { type Agent, type AgentOptions, DEFAULT_METADATA_PORT, startAgent } from "./agent.js";
export { type AgentDownResult, type DownContainer, stopAgentContainers } from "./agent-down.js";
export { DOWN_STOP_REASON } from "./down-records.js";
export { RUNTIME_CHOICES, type RuntimeChoice } from "./driver-factory.js";
export { RESERVED_PORTS, AGENT_VERSION } from "./registration.js";
export { AGENT_INSTANCE_LABEL } from "./container-spec.js";
export type { TaskRecord, ContainerRecord } from "./task-record.js";

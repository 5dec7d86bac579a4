// The domain layer's public surface: one function per ECS operation, grouped by resource.
export * as clusters from "./clusters.js";
export * as taskDefinitions from "./task-definitions.js";
export * as containerInstances from "./container-instances.js";
export * as attributes from "./attributes.js";
export * as capacityProviders from "./capacity-providers.js";
export * as accountSettings from "./account-settings.js";
export * as tagging from "./tagging.js";
export { indexes } from "./indexes.js";
export { ROOT as STORE_ROOT } from "./keys.js";
export type { Deps } from "./deps.js";
export * as tasks from "./tasks.js";
export * as taskLaunch from "./task-launch.js";
export * as taskRecords from "./task-records.js";
export * as taskStateChanges from "./task-state-changes.js";
export * as taskRetention from "./task-retention.js";
export * as agentSessions from "./agent-sessions.js";
export * as services from "./services.js";
export * as serviceRecords from "./service-records.js";

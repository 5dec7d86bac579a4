// The controllers layer: pure reconcilers (decide functions) and their types.
export * from "./service-scheduler/index.js";
export * from "./service-discovery/index.js";
export * from "./target-registration/index.js";
export * from "./load-balancer/index.js";

// The load balancer controller's decisions: the data plane's specs from the ELBv2 records, and
// the target health records from the data plane's view (the runner is src/domain/load-balancer-controller.ts).
export * from "./observation.js";
export * from "./desired-specs.js";
export * from "./health-writes.js";

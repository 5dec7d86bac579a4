export * from "./errors.js";
export * from "./clock.js";
export * from "./ids.js";
export * from "./arn.js";
export * from "./agent-protocol.js";
export * from "./rng.js";
export * from "./port-translation.js";

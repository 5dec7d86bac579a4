// The API layer's public surface: starting a control plane, and the pieces other services join.
export { startControlPlane, DEFAULT_PORT, type ControlPlane, type ControlPlaneOptions } from "./control-plane.js";
export type { JsonService, Handler } from "./json-service.js";
export type { RequestContext } from "./context.js";
export { AUTH_MODES, defaultAuthMode, describeAuthMode, isLoopbackHost, type AuthMode, type KeyLookup, type KeyRecord, type StaticKey } from "./sigv4/index.js";
export type { Principal } from "./context.js";

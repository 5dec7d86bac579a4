// The API layer's public surface: starting a control plane, and the pieces other services join.
export { startControlPlane, DEFAULT_PORT, type ControlPlane, type ControlPlaneOptions } from "./control-plane.js";
export type { JsonService, Handler } from "./json-service.js";
export type { RequestContext } from "./context.js";

// A minimal signed client for AWS JSON 1.1 APIs, shared by the node agent and the CLI.
export { amzDate, signRequest, type SigningInput } from "./sigv4.js";
export { jsonCall, JsonCallError, type Credentials, type JsonCallTarget } from "./json-call.js";

/** The X-Amz-Target prefix of the ECS API. */
export const ECS_TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113";
export { restJsonCall } from "./rest-json-call.js";
export { Endpoints, endpointUrl, withFailover, type EndpointTarget } from "./endpoints.js";

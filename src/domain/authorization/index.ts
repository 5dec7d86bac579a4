// Authorization of API requests by the caller's IAM policies (see authorizer.ts).
export { createAuthorizer, type AccessDecision, type AccessRequest, type Authorizer } from "./authorizer.js";
export { accessDeniedMessage, type Denial } from "./access-denied.js";

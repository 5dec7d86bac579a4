// SigV4 authentication of every API request: reading the signature (parse.ts), deciding whether
// it is genuine (verify.ts, pure), the modes (authenticate.ts), and the error each protocol
// answers with (failures.ts).
export {
  AUTH_MODES,
  authenticate,
  defaultAuthMode,
  describeAuthMode,
  isLoopbackHost,
  principalOf,
  rootPrincipal,
  withRootKeys,
  type Authentication,
  type AuthMode,
  type AuthResult,
  type StaticKey,
} from "./authenticate.js";
export { authError, type AuthError, type AuthFailure, type AuthProtocol, type FailureKind } from "./failures.js";
export { parseQuery, readSignature, type AuthParse, type CredentialScope } from "./parse.js";
export type { KeyLookup, KeyPrincipal, KeyRecord, SignedRequest } from "./request.js";
export { verifySignature, type Verdict } from "./verify.js";

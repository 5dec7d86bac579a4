// Why a request was refused, as data, and how each wire protocol names it. AWS words one failure
// differently per protocol family: the JSON services of the coral stack (ECS, Cloud Map, Logs,
// Secrets Manager) say UnrecognizedClientException where the query services (IAM, STS, ELBv2)
// say InvalidClientTokenId and EC2 says AuthFailure. Sources: the AWS "Common Errors" pages,
// EC2's error code list, and answers quoted in public issues (aws-neighbors.md §0.5, §3.5).

/** The five ways SigV4 authentication fails. */
export type FailureKind =
  /** no Authorization header and no presigned query */
  | "missingToken"
  /** the signature's parts are missing or malformed */
  | "incomplete"
  /** the access key (or its session token) is unknown, inactive or deleted */
  | "unknownKey"
  /** the signature, its scope or its time does not match */
  | "badSignature"
  /** the temporary key's session has expired */
  | "expiredToken";

export interface AuthFailure {
  kind: FailureKind;
  /** AWS's text, as the JSON and query protocols send it. */
  message: string;
}

export type AuthProtocol = "json" | "query" | "ec2";

export interface AuthError {
  code: string;
  status: number;
  message: string;
}

export const MESSAGES = {
  missingToken: "Request is missing Authentication Token",
  unknownKey: "The security token included in the request is invalid.",
  badSignature:
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
  expiredToken: "The security token included in the request is expired",
} as const;

// The coral JSON services answer auth failures with 400 (DynamoDB's and ECS's recorded answers);
// the query services with 403 except for a malformed signature.
const JSON_CODES: Record<FailureKind, [string, number]> = {
  missingToken: ["MissingAuthenticationTokenException", 400],
  incomplete: ["IncompleteSignatureException", 400],
  unknownKey: ["UnrecognizedClientException", 400],
  badSignature: ["InvalidSignatureException", 400],
  expiredToken: ["ExpiredTokenException", 400],
};

const QUERY_CODES: Record<FailureKind, [string, number]> = {
  missingToken: ["MissingAuthenticationToken", 403],
  incomplete: ["IncompleteSignature", 400],
  unknownKey: ["InvalidClientTokenId", 403],
  badSignature: ["SignatureDoesNotMatch", 403],
  expiredToken: ["ExpiredToken", 403],
};

// EC2 says less: one AuthFailure (HTTP 401) for an unknown key, a wrong signature and a skewed
// clock alike, and RequestExpired for expired session credentials.
const EC2_ERRORS: Record<FailureKind, (message: string) => AuthError> = {
  missingToken: () => ({
    code: "MissingAuthenticationToken",
    status: 401,
    message: "The request must contain either a valid (registered) AWS access key ID or X.509 certificate.",
  }),
  incomplete: (message) => ({ code: "IncompleteSignature", status: 400, message }),
  unknownKey: () => ({ code: "AuthFailure", status: 401, message: "AWS was not able to validate the provided access credentials" }),
  badSignature: () => ({ code: "AuthFailure", status: 401, message: "AWS was not able to validate the provided access credentials" }),
  expiredToken: () => ({ code: "RequestExpired", status: 400, message: "Request has expired." }),
};

/** The error a protocol's clients expect for this failure. */
export function authError(failure: AuthFailure, protocol: AuthProtocol): AuthError {
  if (protocol === "ec2") return EC2_ERRORS[failure.kind](failure.message);
  const [code, status] = (protocol === "json" ? JSON_CODES : QUERY_CODES)[failure.kind];
  return { code, status, message: failure.message };
}

export const failure = (kind: FailureKind, message: string): AuthFailure => ({ kind, message });

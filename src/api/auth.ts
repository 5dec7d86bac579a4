// Reads the SigV4 Authorization header far enough to route and scope a request: the credential
// scope names the region and the signing service. Signatures are not verified yet (berth accepts
// any well-formed credentials); a malformed header is refused as AWS refuses it.
import { EcsError } from "../model/index.js";

export interface Credential {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

const CREDENTIAL = /Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/;

/** undefined when there is no Authorization header at all (unsigned requests are allowed). */
export function readCredential(authorization: string | undefined): Credential | undefined {
  if (authorization === undefined || authorization === "") return undefined;
  if (!authorization.startsWith("AWS4-HMAC-SHA256 ")) {
    throw new EcsError("IncompleteSignatureException", "Authorization header must use AWS4-HMAC-SHA256.");
  }
  const m = CREDENTIAL.exec(authorization);
  if (!m) {
    throw new EcsError(
      "IncompleteSignatureException",
      "Authorization header requires a 'Credential' parameter of the form KEY/DATE/REGION/SERVICE/aws4_request.",
    );
  }
  return { accessKeyId: m[1]!, date: m[2]!, region: m[3]!, service: m[4]! };
}

import type { Scope } from "../model/index.js";

/** Who is asking: the identity the request's access key belongs to (IAM's principal). */
export interface Principal {
  kind: "root" | "user" | "assumed-role";
  /** `arn:aws:iam::<account>:root`, `…:user/<path><name>`, `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
  arn: string;
  /** The account id for root, `AIDA…` for a user, `AROA…:<session>` for a role session. */
  userId: string;
  accountId: string;
  /** The role's ARN, for an assumed-role session. */
  roleArn?: string;
}

/** What every handler knows about the request it serves. */
export interface RequestContext {
  requestId: string;
  scope: Scope;
  accessKeyId?: string;
  /** The authenticated caller (src/api/sigv4); absent only for berth's own internal calls. */
  principal?: Principal;
  /** The URL the client reached the API at (from the Host header), for endpoints handed out. */
  baseUrl: string;
}

// The global condition keys of a request (aws:PrincipalArn, aws:userid, aws:CurrentTime …), as
// IAM sets them for each kind of caller, merged with the service keys the operation's request
// sets (ecs:cluster …). Pure.
import type { Principal } from "../iam/index.js";

export interface RequestFacts {
  principal: Principal & { accountId: string };
  region: string;
  /** The client's address as the server saw it. */
  sourceIp?: string;
  /** Epoch milliseconds. */
  now: number;
}

const PRINCIPAL_TYPE = { root: "Account", user: "User", "assumed-role": "AssumedRole" } as const;

export function globalContext(f: RequestFacts): Record<string, string | string[] | boolean | number> {
  const p = f.principal;
  const ctx: Record<string, string | string[] | boolean | number> = {
    // For a role session, aws:PrincipalArn is the role's ARN, not the session's (IAM User Guide,
    // global condition context keys).
    "aws:PrincipalArn": p.kind === "assumed-role" && p.roleArn ? p.roleArn : p.arn,
    "aws:PrincipalAccount": p.accountId,
    "aws:PrincipalType": PRINCIPAL_TYPE[p.kind],
    "aws:userid": p.userId,
    "aws:CurrentTime": new Date(f.now).toISOString().replace(/\.\d{3}Z$/, "Z"),
    "aws:EpochTime": Math.floor(f.now / 1000),
    // berth's API is plain HTTP.
    "aws:SecureTransport": false,
    "aws:RequestedRegion": f.region,
  };
  if (p.kind === "user") ctx["aws:username"] = p.arn.slice(p.arn.lastIndexOf("/") + 1);
  if (f.sourceIp) ctx["aws:SourceIp"] = f.sourceIp.startsWith("::ffff:") ? f.sourceIp.slice(7) : f.sourceIp;
  return ctx;
}

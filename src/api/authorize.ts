// The API edge of authorization: the domain's decision (src/domain/authorization) for each
// request, refused in the words of the service asked — AccessDeniedException for the JSON
// services (EFS's with HTTP 403), AccessDenied for the query ones (IAM, STS, ELBv2), UnauthorizedOperation for EC2.
// Query requests arrive as flat form members (`Targets.member.1.Id`); the policy tables read
// structured input, so the members are nested first.
import { authorization, type Deps } from "../domain/index.js";
import { AwsError, EcsError } from "../model/index.js";
import type { Authorizer } from "./http-server.js";

const QUERY_SERVICES = new Set(["ec2", "elasticloadbalancing", "iam", "sts"]);

export function policyAuthorizer(deps: Deps): { authorize: Authorizer; close(): void } {
  const authorizer = authorization.createAuthorizer(deps);
  const authorize: Authorizer = async (principal, service, operation, input, origin) => {
    if (principal.kind === "root") return;
    const structured = input instanceof Map ? nestQueryMembers(input as Map<string, string>) : input;
    const d = await authorizer.check({ principal, service, operation, input: structured, region: origin.region, ...(origin.sourceIp ? { sourceIp: origin.sourceIp } : {}) });
    if (d.allowed) return;
    throw refusal(service, d.message);
  };
  return { authorize, close: () => authorizer.close() };
}

function refusal(service: string, message: string): Error {
  if (service === "ec2") return new AwsError("UnauthorizedOperation", `You are not authorized to perform this operation. ${message}`, 403);
  if (QUERY_SERVICES.has(service)) return new AwsError("AccessDenied", message, 403);
  // The REST-JSON services (EFS) answer with HTTP 403 and their AccessDeniedException.
  if (service === "elasticfilesystem") return new AwsError("AccessDeniedException", message, 403);
  return new EcsError("AccessDeniedException", message, 400);
}

/**
 * `A.member.2.B=x` → `{A: [undefined, {B: "x"}]}`; EC2's `A.2.B` alike; `entry.N.key/value`
 * pairs stay as objects with key and value. Enough for reading names and ARNs, not a parser:
 * the handler still parses the request by its model.
 */
export function nestQueryMembers(params: ReadonlyMap<string, string>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [name, value] of params) {
    const parts = name.split(".").filter((p) => p !== "member" && p !== "entry");
    if (parts.some((p) => p === "__proto__" || p === "constructor" || p === "prototype")) continue;
    let node: Record<string, unknown> | unknown[] = root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const key: string | number = /^\d+$/.test(part) ? Number(part) - 1 : part;
      const last = i === parts.length - 1;
      if (typeof key === "number" && (!Array.isArray(node) || key < 0 || key > 1000)) break;
      const holder = node as Record<string | number, unknown>;
      if (last) {
        holder[key] = value;
        break;
      }
      let next = holder[key];
      if (typeof next !== "object" || next === null) {
        next = /^\d+$/.test(parts[i + 1]!) ? [] : {};
        holder[key] = next;
      }
      node = next as Record<string, unknown> | unknown[];
    }
  }
  return root;
}

// A container definition's `secrets[].valueFrom`, parsed purely, the way ECS reads it:
//   - an ARN of Secrets Manager: `arn:aws:secretsmanager:<region>:<account>:secret:<name-suffix>`,
//     or with all four extra fields `…:secret:<name-suffix>:<json-key>:<version-stage>:<version-id>`
//     (empty fields allowed, e.g. `…:secret:db-AbCdEf:password::`), as CloudFormation's
//     dynamic references spell them; any other count of fields is refused;
//   - an ARN of an SSM parameter (`arn:aws:ssm:<region>:<account>:parameter/<name>`), which may
//     be in another Region;
//   - anything else: a parameter name in the task's own Region and account.
import type { Scope } from "../../model/index.js";

export type SecretSource =
  | {
      provider: "asm";
      /** Where the secret lives (the ARN's partition, Region and account). */
      scope: Scope;
      /** What GetSecretValue's SecretId is: the ARN without the extra fields. */
      secretId: string;
      jsonKey?: string;
      versionStage?: string;
      versionId?: string;
    }
  | {
      provider: "ssm";
      scope: Scope;
      /** What GetParameters' Names carry: the name or ARN as written. */
      name: string;
    };

export type ParsedValueFrom = { ok: true; source: SecretSource } | { ok: false; provider: "asm" | "ssm"; problem: string };

export const INVALID_ASM_ARN = "an invalid ARN format for the AWS Secrets Manager secret was specified. Specify a valid ARN and try again.";

export function parseValueFrom(scope: Scope, valueFrom: string): ParsedValueFrom {
  if (valueFrom === "") return { ok: false, provider: "ssm", problem: "valueFrom is empty: name an SSM parameter or a Secrets Manager secret ARN" };
  const parts = valueFrom.split(":");
  if (parts[0] !== "arn" || parts.length < 6) return { ok: true, source: { provider: "ssm", scope, name: valueFrom } };
  const [, partition, service, region, accountId] = parts as [string, string, string, string, string];
  const where: Scope = { accountId, region, ...(partition !== "aws" ? { partition } : {}) };
  if (service !== "secretsmanager") return { ok: true, source: { provider: "ssm", scope: where, name: valueFrom } };
  // parts[5..] is the resource: `secret`, the name with its suffix, then the optional fields.
  const resource = parts.slice(5);
  if (resource[0] !== "secret" || !resource[1]) return { ok: false, provider: "asm", problem: INVALID_ASM_ARN };
  if (resource.length === 2) return { ok: true, source: { provider: "asm", scope: where, secretId: valueFrom } };
  if (resource.length !== 5) return { ok: false, provider: "asm", problem: INVALID_ASM_ARN };
  const [, name, jsonKey, versionStage, versionId] = resource as [string, string, string, string, string];
  return {
    ok: true,
    source: {
      provider: "asm",
      scope: where,
      secretId: parts.slice(0, 5).concat("secret", name).join(":"),
      ...(jsonKey ? { jsonKey } : {}),
      ...(versionStage ? { versionStage } : {}),
      ...(versionId ? { versionId } : {}),
    },
  };
}

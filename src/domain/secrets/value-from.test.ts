// Table tests of how a container's secrets[].valueFrom is read (ECS's forms) and of the
// stoppedReason wording.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { secretRetrievalFailure } from "./reasons.js";
import { INVALID_ASM_ARN, parseValueFrom, type ParsedValueFrom } from "./value-from.js";

const scope = { accountId: "123456789012", region: "us-east-1" };
const here = { accountId: "123456789012", region: "us-east-1" };
const ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf";

describe("parseValueFrom", () => {
  const cases: { name: string; valueFrom: string; want: ParsedValueFrom }[] = [
    { name: "a secret's full ARN", valueFrom: ARN, want: { ok: true, source: { provider: "asm", scope: here, secretId: ARN } } },
    {
      name: "a partial ARN (no suffix) is still the secret id",
      valueFrom: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db",
      want: { ok: true, source: { provider: "asm", scope: here, secretId: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db" } },
    },
    {
      name: "json key with empty stage and version (the common `:key::` form)",
      valueFrom: `${ARN}:password::`,
      want: { ok: true, source: { provider: "asm", scope: here, secretId: ARN, jsonKey: "password" } },
    },
    {
      name: "every extra field",
      valueFrom: `${ARN}:password:AWSPREVIOUS:0123456789abcdef0123456789abcdef`,
      want: {
        ok: true,
        source: { provider: "asm", scope: here, secretId: ARN, jsonKey: "password", versionStage: "AWSPREVIOUS", versionId: "0123456789abcdef0123456789abcdef" },
      },
    },
    {
      name: "a version stage without a json key",
      valueFrom: `${ARN}::AWSPREVIOUS:`,
      want: { ok: true, source: { provider: "asm", scope: here, secretId: ARN, versionStage: "AWSPREVIOUS" } },
    },
    {
      name: "a secret in another Region and partition",
      valueFrom: "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:db-AbCdEf",
      want: {
        ok: true,
        source: {
          provider: "asm",
          scope: { accountId: "123456789012", region: "cn-north-1", partition: "aws-cn" },
          secretId: "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:db-AbCdEf",
        },
      },
    },
    { name: "only a json key (three fields) is refused, as ECS does", valueFrom: `${ARN}:password`, want: { ok: false, provider: "asm", problem: INVALID_ASM_ARN } },
    { name: "four fields are refused", valueFrom: `${ARN}:password:AWSCURRENT`, want: { ok: false, provider: "asm", problem: INVALID_ASM_ARN } },
    { name: "six fields are refused", valueFrom: `${ARN}:a:b:c:d`, want: { ok: false, provider: "asm", problem: INVALID_ASM_ARN } },
    {
      name: "a Secrets Manager ARN that is not a secret",
      valueFrom: "arn:aws:secretsmanager:us-east-1:123456789012:other:db",
      want: { ok: false, provider: "asm", problem: INVALID_ASM_ARN },
    },
    { name: "a parameter name with a hierarchy", valueFrom: "/app/db/password", want: { ok: true, source: { provider: "ssm", scope, name: "/app/db/password" } } },
    { name: "a bare parameter name", valueFrom: "DB_PASSWORD", want: { ok: true, source: { provider: "ssm", scope, name: "DB_PASSWORD" } } },
    { name: "a parameter name with a version selector", valueFrom: "/app/db:3", want: { ok: true, source: { provider: "ssm", scope, name: "/app/db:3" } } },
    {
      name: "a parameter ARN in another Region",
      valueFrom: "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db",
      want: { ok: true, source: { provider: "ssm", scope: { accountId: "123456789012", region: "eu-west-1" }, name: "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db" } },
    },
    { name: "an empty valueFrom", valueFrom: "", want: { ok: false, provider: "ssm", problem: "valueFrom is empty: name an SSM parameter or a Secrets Manager secret ARN" } },
  ];
  for (const t of cases) it(t.name, () => assert.deepEqual(parseValueFrom(scope, t.valueFrom), t.want));
});

describe("secretRetrievalFailure", () => {
  it("words a Secrets Manager failure as ECS does", () => {
    assert.equal(
      secretRetrievalFailure("asm", "retrieved secret from Secrets Manager did not contain json key password"),
      "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): retrieved secret from Secrets Manager did not contain json key password",
    );
  });
  it("words a Parameter Store failure as ECS does", () => {
    assert.equal(
      secretRetrievalFailure("ssm", "invalid ssm parameters: /app/db"),
      "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: /app/db",
    );
  });
});

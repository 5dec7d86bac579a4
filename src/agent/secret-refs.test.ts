import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { jsonKeyValue, parseValueFrom, readsOf, secretFailures, secretRefsOf, type SecretRef } from "./secret-refs.js";

const ASM = "arn:aws:secretsmanager:eu-west-1:000000000000:secret:db-AbCdEf";

describe("parseValueFrom", () => {
  const cases: [string, string, SecretRef | RegExp][] = [
    ["a Secrets Manager ARN", ASM, { kind: "asm", name: "X", secretId: ASM, region: "eu-west-1" }],
    ["with a json-key (ECS's :json-key:: form)", `${ASM}:password::`, { kind: "asm", name: "X", secretId: ASM, region: "eu-west-1", jsonKey: "password" }],
    [
      "with a key, a stage and a version id",
      `${ASM}:user:AWSPREVIOUS:11111111-2222-3333-4444-555555555555`,
      { kind: "asm", name: "X", secretId: ASM, region: "eu-west-1", jsonKey: "user", versionStage: "AWSPREVIOUS", versionId: "11111111-2222-3333-4444-555555555555" },
    ],
    ["a version stage without a key", `${ASM}::AWSCURRENT:`, { kind: "asm", name: "X", secretId: ASM, region: "eu-west-1", versionStage: "AWSCURRENT" }],
    ["an SSM name, read in the task's region", "/app/db/password", { kind: "ssm", name: "X", parameter: "/app/db/password", region: "us-east-1" }],
    ["an SSM name with a version selector", "token:3", { kind: "ssm", name: "X", parameter: "token:3", region: "us-east-1" }],
    ["a hierarchical SSM ARN: the name gets its slash back", "arn:aws:ssm:ap-south-1:000000000000:parameter/app/key", { kind: "ssm", name: "X", parameter: "/app/key", region: "ap-south-1" }],
    ["a flat SSM ARN", "arn:aws:ssm:us-east-1:000000000000:parameter/key", { kind: "ssm", name: "X", parameter: "key", region: "us-east-1" }],
    ["too many parts", `${ASM}:a:b:c:d`, /invalid secret ARN/],
    ["not a secret", "arn:aws:secretsmanager:us-east-1:000000000000:other:x", /invalid secret ARN/],
    ["an ARN of another service", "arn:aws:s3:::bucket/key", /neither a Secrets Manager secret nor an SSM parameter/],
    ["an SSM ARN without a name", "arn:aws:ssm:us-east-1:000000000000:parameter/", /invalid parameter ARN/],
  ];
  for (const [what, valueFrom, want] of cases) {
    it(what, () => {
      const got = parseValueFrom("X", valueFrom, "us-east-1");
      if (want instanceof RegExp) assert.match(String(got), want);
      else assert.deepEqual(got, want);
    });
  }
  it("needs a name and a valueFrom", () => assert.match(String(parseValueFrom("", "x", "us-east-1")), /needs both a name and a valueFrom/));
});

describe("secretRefsOf", () => {
  it("groups by container and says ECS's prefix for a bad reference", () => {
    const task = {
      containers: [
        { name: "app", containerArn: "c1", definition: { secrets: [{ name: "A", valueFrom: "/a" }] } },
        { name: "side", containerArn: "c2", definition: {} },
      ],
    };
    const ok = secretRefsOf(task, "us-east-1");
    assert.ok(ok.ok);
    assert.deepEqual([...ok.refs.keys()], ["app"]);
    const bad = secretRefsOf({ containers: [{ name: "app", containerArn: "c1", definition: { secrets: [{ name: "A", valueFrom: "arn:aws:sqs:::q" }] } }] }, "us-east-1");
    assert.ok(!bad.ok);
    assert.match(bad.reason, /^ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: /);
  });
});

describe("readsOf", () => {
  it("reads each secret version once and batches SSM names by region in tens", () => {
    const refs: SecretRef[] = [
      { kind: "asm", name: "U", secretId: ASM, region: "eu-west-1", jsonKey: "user" },
      { kind: "asm", name: "P", secretId: ASM, region: "eu-west-1", jsonKey: "password" },
      { kind: "asm", name: "OLD", secretId: ASM, region: "eu-west-1", versionStage: "AWSPREVIOUS" },
      ...Array.from({ length: 12 }, (_, i): SecretRef => ({ kind: "ssm", name: `S${i}`, parameter: `/p/${i}`, region: "us-east-1" })),
      { kind: "ssm", name: "AGAIN", parameter: "/p/0", region: "us-east-1" },
      { kind: "ssm", name: "FAR", parameter: "/p/0", region: "ap-south-1" },
    ];
    const reads = readsOf(refs);
    assert.equal(reads.asm.length, 2);
    assert.deepEqual(
      reads.ssm.map((r) => [r.region, r.names.length]),
      [
        ["us-east-1", 10],
        ["us-east-1", 2],
        ["ap-south-1", 1],
      ],
    );
  });
});

describe("jsonKeyValue", () => {
  it("selects a key: strings as they are, other values as JSON", () => {
    const s = JSON.stringify({ user: "admin", port: 5432, tls: { on: true } });
    assert.equal(jsonKeyValue(s, "user"), "admin");
    assert.equal(jsonKeyValue(s, "port"), "5432");
    assert.equal(jsonKeyValue(s, "tls"), '{"on":true}');
  });
  it("is undefined for a missing key, a string that is no JSON object, or an inherited name", () => {
    assert.equal(jsonKeyValue('{"a":"1"}', "b"), undefined);
    assert.equal(jsonKeyValue("plain text", "a"), undefined);
    assert.equal(jsonKeyValue('["a"]', "0"), undefined);
    assert.equal(jsonKeyValue("{}", "toString"), undefined);
  });
});

describe("secretFailures", () => {
  it("are ECS's texts", () => {
    assert.equal(
      secretFailures.asmJsonKey(1, "MY_SECRET"),
      "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): retrieved secret from Secrets Manager did not contain json key MY_SECRET",
    );
    assert.equal(
      secretFailures.ssmInvalid(1, ["/wishkit/key"]),
      "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: /wishkit/key",
    );
    assert.match(secretFailures.asmCall(ASM, 1, "AccessDeniedException", "User: x is not authorized"), /failed to fetch secret arn:aws:secretsmanager:.* from secrets manager: AccessDeniedException: User: x/);
  });
});

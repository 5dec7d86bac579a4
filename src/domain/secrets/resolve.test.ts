// resolveSecretValueFrom and secretResources over a real store: secrets and parameters made by
// the domain operations the APIs call, then read as a task's secrets[].valueFrom would be.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { ManualClock } from "../../model/index.js";
import { createCache, openSqliteStore } from "../../store/index.js";
import { indexes } from "../indexes.js";
import { ROOT } from "../keys.js";
import { createSecret, deleteSecret, putSecretValue } from "../secretsmanager/index.js";
import { putParameter } from "../ssm/index.js";
import type { SecretDeps } from "./deps.js";
import { resolveSecretValueFrom, secretResources } from "./resolve.js";
import { createVault } from "./vault.js";

const PREFIX = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ";
const ASM = `${PREFIX}unable to retrieve secret from asm: service call has been retried 1 time(s): `;
const SSM = `${PREFIX}unable to retrieve secrets from ssm: service call has been retried 1 time(s): `;

describe("resolveSecretValueFrom", () => {
  const store = openSqliteStore({ path: ":memory:" });
  const cache = createCache(store, { prefix: ROOT, indexes });
  const deps: SecretDeps = { store, cache, clock: new ManualClock(1_700_000_000_000), vault: createVault(randomBytes(32)) };
  const scope = { accountId: "123456789012", region: "us-east-1" };
  const west = { accountId: "123456789012", region: "eu-west-1" };
  let db: { ARN: string; VersionId?: string };
  let firstVersion: string;
  let plain: { ARN: string };
  let gone: { ARN: string };
  const resolve = (valueFrom: string) => resolveSecretValueFrom(deps, scope, valueFrom);

  before(async () => {
    await cache.start();
    db = await createSecret(deps, scope, { Name: "prod/db", SecretString: JSON.stringify({ username: "app", password: "s3cret", port: 5432, opts: { ssl: true } }) });
    firstVersion = db.VersionId!;
    await putSecretValue(deps, scope, { SecretId: "prod/db", SecretString: JSON.stringify({ username: "app", password: "rotated" }) });
    plain = await createSecret(deps, scope, { Name: "token", SecretString: "plain-token-value" });
    gone = await createSecret(deps, scope, { Name: "gone", SecretString: "x" });
    await deleteSecret(deps, scope, { SecretId: "gone" });
    await putParameter(deps, scope, { Name: "/app/db/password", Value: "p@ss", Type: "SecureString" });
    await putParameter(deps, scope, { Name: "/app/db/password", Value: "p@ss-2", Overwrite: true });
    await putParameter(deps, scope, { Name: "LOG_LEVEL", Value: "debug", Type: "String" });
    await putParameter(deps, west, { Name: "/west/only", Value: "from-west", Type: "String" });
  });
  after(async () => {
    cache.stop();
    await store.close();
  });

  const cases: { name: string; valueFrom: () => string; want: { ok: true; value: string } | { ok: false; reason: () => string } }[] = [
    { name: "a secret by full ARN: its current value", valueFrom: () => plain.ARN, want: { ok: true, value: "plain-token-value" } },
    { name: "a secret by partial ARN", valueFrom: () => plain.ARN.slice(0, -7), want: { ok: true, value: "plain-token-value" } },
    { name: "a json key of the current version", valueFrom: () => `${db.ARN}:password::`, want: { ok: true, value: "rotated" } },
    { name: "a json key of AWSPREVIOUS", valueFrom: () => `${db.ARN}:password:AWSPREVIOUS:`, want: { ok: true, value: "s3cret" } },
    { name: "a json key of a version id", valueFrom: () => `${db.ARN}:password::${firstVersion}`, want: { ok: true, value: "s3cret" } },
    { name: "a number under a json key", valueFrom: () => `${db.ARN}:port:AWSPREVIOUS:`, want: { ok: true, value: "5432" } },
    { name: "an object under a json key comes as JSON", valueFrom: () => `${db.ARN}:opts:AWSPREVIOUS:`, want: { ok: true, value: '{"ssl":true}' } },
    {
      name: "a json key the secret lacks",
      valueFrom: () => `${db.ARN}:port::`,
      want: { ok: false, reason: () => `${ASM}retrieved secret from Secrets Manager did not contain json key port` },
    },
    {
      name: "a json key of a secret that is not JSON (the reason quotes nothing of it)",
      valueFrom: () => `${plain.ARN}:key::`,
      want: { ok: false, reason: () => `${ASM}retrieved secret from Secrets Manager is not a JSON object, so json key key cannot be read` },
    },
    {
      name: "a secret that does not exist",
      valueFrom: () => "arn:aws:secretsmanager:us-east-1:123456789012:secret:nope-AbCdEf",
      want: {
        ok: false,
        reason: () =>
          `${ASM}failed to fetch secret arn:aws:secretsmanager:us-east-1:123456789012:secret:nope-AbCdEf from secrets manager: ResourceNotFoundException: Secrets Manager can't find the specified secret.`,
      },
    },
    {
      name: "a secret marked for deletion",
      valueFrom: () => gone.ARN,
      want: {
        ok: false,
        reason: () =>
          `${ASM}failed to fetch secret ${gone.ARN} from secrets manager: InvalidRequestException: You can't perform this operation on the secret because it was marked for deletion.`,
      },
    },
    {
      name: "a version stage nobody carries",
      valueFrom: () => `${db.ARN}::AWSPENDING:`,
      want: { ok: false, reason: () => `${ASM}failed to fetch secret ${db.ARN} from secrets manager: ResourceNotFoundException: Secrets Manager can't find the specified secret value for staging label: AWSPENDING` },
    },
    {
      name: "another account's secret",
      valueFrom: () => "arn:aws:secretsmanager:us-east-1:999999999999:secret:token-AbCdEf",
      want: {
        ok: false,
        reason: () =>
          `${ASM}failed to fetch secret arn:aws:secretsmanager:us-east-1:999999999999:secret:token-AbCdEf from secrets manager: ResourceNotFoundException: Secrets Manager can't find the specified secret.`,
      },
    },
    {
      name: "a malformed secret ARN",
      valueFrom: () => `${db.ARN}:password`,
      want: { ok: false, reason: () => `${ASM}an invalid ARN format for the AWS Secrets Manager secret was specified. Specify a valid ARN and try again.` },
    },
    { name: "a SecureString parameter by name, decrypted, latest version", valueFrom: () => "/app/db/password", want: { ok: true, value: "p@ss-2" } },
    { name: "a parameter by ARN", valueFrom: () => "arn:aws:ssm:us-east-1:123456789012:parameter/app/db/password", want: { ok: true, value: "p@ss-2" } },
    { name: "a parameter's older version", valueFrom: () => "/app/db/password:1", want: { ok: true, value: "p@ss" } },
    { name: "a String parameter without a leading slash", valueFrom: () => "LOG_LEVEL", want: { ok: true, value: "debug" } },
    { name: "a parameter in another Region by ARN", valueFrom: () => "arn:aws:ssm:eu-west-1:123456789012:parameter/west/only", want: { ok: true, value: "from-west" } },
    { name: "a parameter that does not exist", valueFrom: () => "/app/nope", want: { ok: false, reason: () => `${SSM}invalid ssm parameters: /app/nope` } },
    { name: "a version that does not exist", valueFrom: () => "/app/db/password:9", want: { ok: false, reason: () => `${SSM}invalid ssm parameters: /app/db/password:9` } },
    {
      name: "another account's parameter",
      valueFrom: () => "arn:aws:ssm:us-east-1:999999999999:parameter/app/db/password",
      want: { ok: false, reason: () => `${SSM}invalid ssm parameters: arn:aws:ssm:us-east-1:999999999999:parameter/app/db/password` },
    },
    {
      name: "a parameter name of the wrong characters",
      valueFrom: () => "bad name",
      want: { ok: false, reason: () => `${SSM}ValidationException: Parameter name: can't be prefixed with "ssm" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_` },
    },
  ];
  for (const t of cases) {
    it(t.name, async () => {
      const got = await resolve(t.valueFrom());
      if (t.want.ok) assert.deepEqual(got, t.want);
      else assert.deepEqual(got, { ok: false, reason: t.want.reason() });
    });
  }

  it("secretResources names the action and the secret's full ARN, also for a partial ARN", () => {
    assert.deepEqual(secretResources(deps, scope, `${db.ARN.slice(0, -7)}:password::`), {
      ok: true,
      provider: "asm",
      action: "secretsmanager:GetSecretValue",
      resource: db.ARN,
    });
    const missing = "arn:aws:secretsmanager:us-east-1:123456789012:secret:nope";
    assert.deepEqual(secretResources(deps, scope, missing), { ok: true, provider: "asm", action: "secretsmanager:GetSecretValue", resource: missing });
  });
  it("secretResources names ssm:GetParameters and the parameter's ARN", () => {
    const want = { ok: true, provider: "ssm", action: "ssm:GetParameters", resource: "arn:aws:ssm:us-east-1:123456789012:parameter/app/db/password" };
    assert.deepEqual(secretResources(deps, scope, "/app/db/password"), want);
    assert.deepEqual(secretResources(deps, scope, "/app/db/password:1"), want);
    assert.deepEqual(secretResources(deps, scope, "arn:aws:ssm:us-east-1:123456789012:parameter/app/db/password"), want);
    assert.deepEqual(secretResources(deps, scope, "LOG_LEVEL"), { ...want, resource: "arn:aws:ssm:us-east-1:123456789012:parameter/LOG_LEVEL" });
    assert.deepEqual(secretResources(deps, scope, "arn:aws:ssm:eu-west-1:123456789012:parameter/west/only"), {
      ...want,
      resource: "arn:aws:ssm:eu-west-1:123456789012:parameter/west/only",
    });
  });
  it("secretResources refuses what resolve would refuse, with the same reason", async () => {
    const bad = `${db.ARN}:a:b`;
    const resources = secretResources(deps, scope, bad);
    assert.equal(resources.ok, false);
    assert.deepEqual(resources, await resolve(bad));
  });
});

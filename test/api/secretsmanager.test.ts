// AWS Secrets Manager on berth's port, driven by the unmodified AWS CLI and by boto3: every
// operation berth answers, each of Secrets Manager's errors (code and message, the store left
// unchanged), pagination and filters, staging labels across versions, ClientRequestToken
// idempotency, the recovery window, values sealed in the SQLite file, and no value in the log.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { startControlPlane } from "../../src/api/control-plane.js";
import { AWS_ENV, missingTool, run } from "../helpers/aws-cli.js";
import { awsCli, awsRefusal, botoRefusals } from "../helpers/aws-json-cli.js";
import { rawCall } from "../helpers/raw.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const ARN = /^arn:aws:secretsmanager:us-east-1:000000000000:secret:app\/db-[A-Za-z0-9]{6}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FIRST = '{"username":"app","password":"first-Pa55-value"}';
const SECOND = "second-Pa55-value";
const BINARY = Buffer.from([0, 1, 2, 250, 251, 252, 0x73, 0x65, 0x63]);

/** Every byte of the data directory's database files, to look for plaintext in. */
function databaseBytes(dataDir: string): Buffer {
  const parts: Buffer[] = [];
  for (const f of ["berth.db", "berth.db-wal"]) {
    try {
      parts.push(readFileSync(join(dataDir, f)));
    } catch {
      // no WAL right now
    }
  }
  return Buffer.concat(parts);
}

describe("Secrets Manager against berth", async () => {
  const noCli = await missingTool("aws", ["--version"]);
  const noBoto = await missingTool("python3", ["-c", "import boto3"]);
  let s: TestServer;
  const sm = awsCli("secretsmanager", () => s);
  const refused = awsRefusal(sm, () => s);
  before(async () => {
    s = await startTestServer({ scheduler: false, loadBalancers: false });
  });
  after(async () => {
    if (s) await s.close();
  });

  it("creates a secret, reads it by name, full ARN and partial ARN, and adds versions that move the staging labels", { skip: noCli }, async () => {
    const created = await sm("create-secret", "--name", "app/db", "--description", "The app's database", "--secret-string", FIRST, "--tags", "Key=team,Value=payments");
    assert.match(created.ARN, ARN);
    assert.equal(created.Name, "app/db");
    assert.match(created.VersionId, UUID);
    const [byName, byArn, byPartial, mismatch] = await Promise.all([
      sm("get-secret-value", "--secret-id", "app/db"),
      sm("get-secret-value", "--secret-id", created.ARN),
      sm("get-secret-value", "--secret-id", created.ARN.slice(0, -7)),
      refused("get-secret-value", "--secret-id", "app/db", "--version-id", created.VersionId, "--version-stage", "AWSPREVIOUS"),
    ]);
    assert.equal(mismatch, "InvalidRequestException: You provided a VersionStage that is not associated to the provided VersionId.");
    for (const got of [byName, byArn, byPartial]) {
      assert.equal(got.SecretString, FIRST);
      assert.equal(got.ARN, created.ARN);
      assert.equal(got.VersionId, created.VersionId);
      assert.deepEqual(got.VersionStages, ["AWSCURRENT"]);
      assert.equal(typeof got.CreatedDate, "number");
    }

    const second = await sm("put-secret-value", "--secret-id", "app/db", "--secret-string", SECOND);
    assert.deepEqual(second.VersionStages, ["AWSCURRENT"]);
    assert.notEqual(second.VersionId, created.VersionId);
    const [current, previous, byVersion] = await Promise.all([
      sm("get-secret-value", "--secret-id", "app/db"),
      sm("get-secret-value", "--secret-id", "app/db", "--version-stage", "AWSPREVIOUS"),
      sm("get-secret-value", "--secret-id", created.ARN, "--version-id", created.VersionId),
    ]);
    assert.equal(current.SecretString, SECOND);
    assert.equal(previous.SecretString, FIRST);
    assert.deepEqual(previous.VersionStages, ["AWSPREVIOUS"]);
    assert.equal(byVersion.SecretString, FIRST);

    const described = await sm("describe-secret", "--secret-id", "app/db");
    assert.equal(described.Description, "The app's database");
    assert.deepEqual(described.Tags, [{ Key: "team", Value: "payments" }]);
    assert.deepEqual(described.VersionIdsToStages, { [created.VersionId]: ["AWSPREVIOUS"], [second.VersionId]: ["AWSCURRENT"] });
    assert.equal(described.SecretString, undefined, "DescribeSecret never carries a value");
    assert.equal(described.DeletedDate, undefined);
    assert.ok(described.LastChangedDate >= described.CreatedDate);

    // A third version leaves the first without labels: deprecated, listed only when asked.
    const third = await sm("put-secret-value", "--secret-id", "app/db", "--secret-string", "third", "--version-stages", "AWSCURRENT", "blue");
    assert.deepEqual(third.VersionStages, ["AWSCURRENT", "blue"]);
    const [versions, all] = await Promise.all([
      sm("list-secret-version-ids", "--secret-id", "app/db"),
      sm("list-secret-version-ids", "--secret-id", "app/db", "--include-deprecated"),
    ]);
    assert.deepEqual(
      versions.Versions.map((v: { VersionId: string; VersionStages: string[] }) => [v.VersionId, v.VersionStages]),
      [
        [third.VersionId, ["AWSCURRENT", "blue"]],
        [second.VersionId, ["AWSPREVIOUS"]],
      ],
    );
    assert.equal(all.Versions.length, 3);
    assert.equal(all.Versions[2].VersionId, created.VersionId);
    assert.equal(all.Versions[2].VersionStages, undefined);
  });

  it("stores binary secrets and answers them as binary", { skip: noCli }, async () => {
    const file = join(s.dataDir, "blob.bin");
    writeFileSync(file, BINARY);
    await sm("create-secret", "--name", "app/cert", "--secret-binary", `fileb://${file}`);
    const got = await sm("get-secret-value", "--secret-id", "app/cert");
    assert.equal(got.SecretString, undefined);
    assert.deepEqual(Buffer.from(got.SecretBinary, "base64"), BINARY);
  });

  it("answers Secrets Manager's errors with its codes and messages (boto3), changing nothing", { skip: noBoto }, async () => {
    const calls: [string, Record<string, unknown>][] = [
      ["get_secret_value", { SecretId: "nope" }],
      ["get_secret_value", { SecretId: "arn:aws:secretsmanager:us-east-1:000000000000:secret:app/db-zzzzzz" }],
      ["describe_secret", { SecretId: "arn:aws:secretsmanager:eu-west-1:000000000000:secret:app/db" }],
      ["create_secret", { Name: "app/db", SecretString: "again" }],
      ["create_secret", { Name: "bad name", SecretString: "x" }],
      ["create_secret", { Name: "both", SecretString: "x", SecretBinary: "x" }],
      ["put_secret_value", { SecretId: "app/db" }],
      ["get_secret_value", { SecretId: "app/db", VersionStage: "AWSPENDING" }],
      ["get_secret_value", { SecretId: "app/db", VersionId: "00000000-0000-0000-0000-000000000000" }],
      ["get_secret_value", { SecretId: "app/db", VersionId: "00000000-0000-0000-0000-000000000000", VersionStage: "AWSCURRENT" }],
      ["delete_secret", { SecretId: "app/db", RecoveryWindowInDays: 6 }],
      ["delete_secret", { SecretId: "app/db", RecoveryWindowInDays: 31 }],
      ["delete_secret", { SecretId: "app/db", RecoveryWindowInDays: 7, ForceDeleteWithoutRecovery: true }],
      ["list_secrets", { Filters: [{ Key: "colour", Values: ["red"] }] }],
      ["list_secrets", { NextToken: "not-a-token" }],
      ["tag_resource", { SecretId: "nope", Tags: [{ Key: "a", Value: "1" }] }],
      ["restore_secret", { SecretId: "nope" }],
    ];
    assert.deepEqual(await botoRefusals(s, "secretsmanager", calls), [
      "ResourceNotFoundException: Secrets Manager can't find the specified secret.",
      "ResourceNotFoundException: Secrets Manager can't find the specified secret.",
      "ResourceNotFoundException: Secrets Manager can't find the specified secret.",
      "ResourceExistsException: The operation failed because the secret app/db already exists.",
      "InvalidParameterException: Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!",
      "InvalidParameterException: You can't specify both a binary secret value and a string secret value in the same secret.",
      "InvalidParameterException: You must provide either SecretString or SecretBinary.",
      "ResourceNotFoundException: Secrets Manager can't find the specified secret value for staging label: AWSPENDING",
      "ResourceNotFoundException: Secrets Manager can't find the specified secret value for VersionId: 00000000-0000-0000-0000-000000000000",
      "ResourceNotFoundException: Secrets Manager can't find the specified secret value for VersionId: 00000000-0000-0000-0000-000000000000",
      "InvalidParameterException: The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).",
      "InvalidParameterException: The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).",
      "InvalidParameterException: You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
      "InvalidParameterException: Invalid parameter 'Filters[0].Key': 'colour' is not one of description, name, tag-key, tag-value, primary-region, owning-service, all.",
      "InvalidNextTokenException: The NextToken value isn't valid.",
      "ResourceNotFoundException: Secrets Manager can't find the specified secret.",
      "ResourceNotFoundException: Secrets Manager can't find the specified secret.",
    ]);
  });

  it("answers the CLI's failures in its words", { skip: noCli }, async () => {
    const [missing, exists] = await Promise.all([refused("get-secret-value", "--secret-id", "nope"), refused("create-secret", "--name", "app/db", "--secret-string", "again")]);
    assert.equal(missing, "ResourceNotFoundException: Secrets Manager can't find the specified secret.");
    assert.equal(exists, "ResourceExistsException: The operation failed because the secret app/db already exists.");
  });

  it("refuses what the CLI would not send: the model's limits, wrong JSON types", async () => {
    const target = (op: string) => `secretsmanager.${op}`;
    const long = await rawCall(s.url, target("CreateSecret"), JSON.stringify({ Name: "x".repeat(513), SecretString: "v" }));
    assert.equal(long.status, 400);
    assert.deepEqual(long.body, { __type: "InvalidParameterException", message: "Invalid parameter 'Name': must be at most 512 characters long." });
    const wrongType = await rawCall(s.url, target("CreateSecret"), JSON.stringify({ Name: "n", SecretString: 5 }));
    assert.deepEqual(wrongType.body, { __type: "SerializationException", message: "Expected a string for 'SecretString', found number." });
    const notBase64 = await rawCall(s.url, target("CreateSecret"), JSON.stringify({ Name: "n", SecretBinary: "not base64!" }));
    assert.deepEqual(notBase64.body, { __type: "InvalidParameterException", message: "SecretBinary must be base64-encoded." });
    const unknown = await rawCall(s.url, target("RotateSecret"), "{}");
    assert.equal(unknown.body.__type, "UnknownOperationException");
    assert.equal(s.cp.deps.cache.list("/berth/000000000000/us-east-1/secretsmanager/secrets/").filter((r) => (r as { Name: string }).Name === "n").length, 0);
  });

  it("schedules a deletion, refuses values meanwhile, restores, and forces a deletion", { skip: noCli }, async () => {
    await sm("create-secret", "--name", "doomed", "--secret-string", "bye");
    const t0 = Date.now();
    const deleted = await sm("delete-secret", "--secret-id", "doomed", "--recovery-window-in-days", "7");
    assert.ok(Math.abs(deleted.DeletionDate * 1000 - (t0 + 7 * 86_400_000)) < 60_000, "DeletionDate is 7 days out");
    const marked = "InvalidRequestException: You can't perform this operation on the secret because it was marked for deletion.";
    const names = async (...args: string[]) => (await sm("list-secrets", ...args)).SecretList.map((x: { Name: string }) => x.Name);
    const [get, put, deleteAgain, create, described, listed, listedAll] = await Promise.all([
      refused("get-secret-value", "--secret-id", "doomed"),
      refused("put-secret-value", "--secret-id", "doomed", "--secret-string", "x"),
      refused("delete-secret", "--secret-id", "doomed"),
      refused("create-secret", "--name", "doomed", "--secret-string", "x"),
      sm("describe-secret", "--secret-id", "doomed"),
      names(),
      names("--include-planned-deletion"),
    ]);
    assert.deepEqual([get, put, deleteAgain], [marked, marked, marked]);
    assert.equal(create, "InvalidRequestException: You can't create this secret because a secret with this name is already scheduled for deletion.");
    assert.equal(described.DeletedDate, deleted.DeletionDate);
    assert.ok(!listed.includes("doomed"));
    assert.ok(listedAll.includes("doomed"));

    const restored = await sm("restore-secret", "--secret-id", "doomed");
    assert.equal(restored.Name, "doomed");
    assert.equal((await sm("get-secret-value", "--secret-id", "doomed")).SecretString, "bye");

    const forced = await sm("delete-secret", "--secret-id", "doomed", "--force-delete-without-recovery");
    assert.equal(forced.Name, "doomed");
    assert.equal(await refused("describe-secret", "--secret-id", "doomed"), "ResourceNotFoundException: Secrets Manager can't find the specified secret.");
    // Forcing the deletion of a secret that does not exist is no error.
    assert.equal((await sm("delete-secret", "--secret-id", "never-was", "--force-delete-without-recovery")).Name, "never-was");
    // The name is free again, with a new ARN and no trace of the old versions.
    const again = await sm("create-secret", "--name", "doomed", "--secret-string", "new");
    assert.notEqual(again.ARN, described.ARN);
    assert.deepEqual(Object.keys((await sm("describe-secret", "--secret-id", "doomed")).VersionIdsToStages), [again.VersionId]);
  });

  it("tags and untags a secret", { skip: noCli }, async () => {
    await sm("create-secret", "--name", "tagged", "--secret-string", "t");
    await sm("tag-resource", "--secret-id", "tagged", "--tags", "Key=a,Value=1", "Key=b,Value=2");
    await sm("tag-resource", "--secret-id", "tagged", "--tags", "Key=a,Value=3");
    await sm("untag-resource", "--secret-id", "tagged", "--tag-keys", "b");
    assert.deepEqual((await sm("describe-secret", "--secret-id", "tagged")).Tags, [{ Key: "a", Value: "3" }]);
    assert.equal(await refused("tag-resource", "--secret-id", "nope", "--tags", "Key=a,Value=1"), "ResourceNotFoundException: Secrets Manager can't find the specified secret.");
  });

  it("answers boto3: idempotent tokens, paginators, filters, sort order and modeled exceptions", { skip: noBoto }, async () => {
    const script = `
import json, sys, uuid, boto3
sm = boto3.client("secretsmanager", endpoint_url=sys.argv[1], region_name="eu-central-1", aws_access_key_id="AKIDTEST", aws_secret_access_key="secret")
out = {}
token = str(uuid.uuid4())
a = sm.create_secret(Name="idem", SecretString="v1", ClientRequestToken=token)
b = sm.create_secret(Name="idem", SecretString="v1", ClientRequestToken=token)
out["createRetry"] = [a["VersionId"] == token, b["VersionId"] == token, a["ARN"] == b["ARN"]]
try:
    sm.create_secret(Name="idem", SecretString="other", ClientRequestToken=token)
except sm.exceptions.ResourceExistsException as e:
    out["createConflict"] = e.response["Error"]["Message"] == "You can't use ClientRequestToken %s because that value is already in use for a version of secret %s." % (token, a["ARN"])
put_token = str(uuid.uuid4())
p1 = sm.put_secret_value(SecretId="idem", SecretString="v2", ClientRequestToken=put_token)
p2 = sm.put_secret_value(SecretId="idem", SecretString="v2", ClientRequestToken=put_token)
out["putRetry"] = [p1["VersionId"], p2["VersionId"], p2["VersionStages"]] == [put_token, put_token, ["AWSCURRENT"]]
out["versionsAfterRetry"] = len(sm.list_secret_version_ids(SecretId="idem", IncludeDeprecated=True)["Versions"])
try:
    sm.put_secret_value(SecretId="idem", SecretString="v3", ClientRequestToken=put_token)
except sm.exceptions.ResourceExistsException:
    out["putConflict"] = True
for i in range(7):
    sm.create_secret(Name="page/s%d" % i, SecretString="x", Tags=[{"Key": "even" if i % 2 == 0 else "odd", "Value": "y"}])
first = sm.list_secrets(MaxResults=3, Filters=[{"Key": "name", "Values": ["page/"]}])
out["firstPage"] = [len(first["SecretList"]), "NextToken" in first]
pages = sm.get_paginator("list_secrets").paginate(Filters=[{"Key": "name", "Values": ["page/"]}], PaginationConfig={"PageSize": 2})
names = [s["Name"] for page in pages for s in page["SecretList"]]
out["paginated"] = names
out["desc"] = [s["Name"] for s in sm.list_secrets(SortOrder="desc", SortBy="name", Filters=[{"Key": "name", "Values": ["page/"]}])["SecretList"]]
out["tagKey"] = [s["Name"] for s in sm.list_secrets(Filters=[{"Key": "tag-key", "Values": ["odd"]}])["SecretList"]]
out["negated"] = [s["Name"] for s in sm.list_secrets(Filters=[{"Key": "name", "Values": ["!page/"]}])["SecretList"]]
try:
    sm.get_secret_value(SecretId="missing")
except sm.exceptions.ResourceNotFoundException as e:
    out["notFound"] = [e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
print(json.dumps(out))
`;
    const { stdout } = await run("python3", ["-c", script, s.url]);
    const out = JSON.parse(stdout);
    assert.deepEqual(out.createRetry, [true, true, true]);
    assert.equal(out.createConflict, true);
    assert.equal(out.putRetry, true);
    assert.equal(out.versionsAfterRetry, 2, "a retried PutSecretValue adds no version");
    assert.equal(out.putConflict, true);
    assert.deepEqual(out.firstPage, [3, true]);
    assert.deepEqual(out.paginated, ["page/s0", "page/s1", "page/s2", "page/s3", "page/s4", "page/s5", "page/s6"]);
    assert.deepEqual(out.desc, ["page/s6", "page/s5", "page/s4", "page/s3", "page/s2", "page/s1", "page/s0"]);
    assert.deepEqual(out.tagKey, ["page/s1", "page/s3", "page/s5"]);
    assert.deepEqual(out.negated, ["idem"]);
    assert.deepEqual(out.notFound, ["Secrets Manager can't find the specified secret.", 400]);
  });

  it("keeps values sealed in the SQLite file: names are there, values are not", { skip: noCli }, async () => {
    await sm("create-secret", "--name", "at-rest/probe", "--secret-string", "plaintext-canary-4711");
    await sm("put-secret-value", "--secret-id", "at-rest/probe", "--secret-binary", Buffer.from("binary-canary-0815").toString("base64"));
    const bytes = databaseBytes(s.dataDir);
    assert.ok(bytes.includes("at-rest/probe"), "the secret's record is in the database files (the search means something)");
    for (const plain of ["plaintext-canary-4711", "binary-canary-0815", "first-Pa55-value", SECOND]) {
      assert.ok(!bytes.includes(plain), `${plain} is stored in plaintext`);
    }
    assert.ok(!bytes.includes(BINARY), "the binary secret is stored in plaintext");
  });
});

describe("Secrets Manager values in berth's log", async () => {
  const noCli = await missingTool("aws", ["--version"]);
  it("never appear, even at trace level and in failures", { skip: noCli }, async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const dataDir = mkdtempSync(join(tmpdir(), "berth-test-"));
    const cp = await startControlPlane({ dataDir, port: 0, logger: pino({ level: "trace" }, sink), scheduler: false, loadBalancers: false });
    try {
      const sm = (...args: string[]) =>
        run("aws", ["secretsmanager", ...args, "--endpoint-url", cp.url, "--output", "json"], { env: { ...process.env, ...AWS_ENV } }).catch((err: { stderr: string }) => err);
      await sm("create-secret", "--name", "logged", "--secret-string", "log-canary-1234");
      await sm("put-secret-value", "--secret-id", "logged", "--secret-string", "log-canary-5678");
      await sm("get-secret-value", "--secret-id", "logged");
      await sm("create-secret", "--name", "logged", "--secret-string", "log-canary-9999");
      await sm("put-secret-value", "--secret-id", "missing", "--secret-string", "log-canary-0000");
      // A body that is not JSON around a value: the parser's message must not quote it.
      await rawCall(cp.url, "secretsmanager.CreateSecret", '{"Name":"x","SecretString":"log-canary-bad-json" oops}');
      await rawCall(cp.url, "secretsmanager.CreateSecret", "log-canary-not-json");
      assert.ok(lines.length >= 6, "the log has a line per request at trace level");
      for (const canary of ["log-canary-1234", "log-canary-5678", "log-canary-9999", "log-canary-0000", "log-canary-bad-json", "log-canary-not-json"]) {
        assert.ok(!lines.some((l) => l.includes(canary)), `${canary} appears in the log`);
      }
    } finally {
      await cp.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

// AWS Systems Manager Parameter Store on berth's port, driven by the unmodified AWS CLI and by
// boto3: every operation berth answers, SSM's own errors (code and message, the store left
// unchanged), hierarchies and paths, versions and selectors, tiers, pagination, SecureString
// values encrypted in the SQLite file and handed out as ciphertext unless decrypted.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { missingTool, run } from "../helpers/aws-cli.js";
import { awsCli, awsRefusal, botoRefusals } from "../helpers/aws-json-cli.js";
import { rawCall } from "../helpers/raw.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const SECRET = "ssm-canary-Pa55w0rd";

describe("SSM Parameter Store against berth", async () => {
  const noCli = await missingTool("aws", ["--version"]);
  const noBoto = await missingTool("python3", ["-c", "import boto3"]);
  let s: TestServer;
  const ssm = awsCli("ssm", () => s);
  const refused = awsRefusal(ssm, () => s);
  before(async () => {
    s = await startTestServer({ scheduler: false, loadBalancers: false });
  });
  after(async () => {
    if (s) await s.close();
  });

  it("puts String, StringList and SecureString parameters and reads them back, decrypted only when asked", { skip: noCli }, async () => {
    const put = await Promise.all([
      ssm("put-parameter", "--name", "/app/prod/db/password", "--type", "SecureString", "--value", SECRET, "--description", "DB password"),
      ssm("put-parameter", "--name", "/app/prod/hosts", "--type", "StringList", "--value", "a.example,b.example"),
      ssm("put-parameter", "--name", "LOG_LEVEL", "--type", "String", "--value", "debug"),
      ssm("put-parameter", "--name", "/app/prod/api/key", "--type", "SecureString", "--value", "second-canary", "--key-id", "alias/app-key"),
    ]);
    for (const p of put) assert.deepEqual(p, { Version: 1, Tier: "Standard" });

    const [encrypted, decrypted, list, plain] = await Promise.all([
      ssm("get-parameter", "--name", "/app/prod/db/password"),
      ssm("get-parameter", "--name", "/app/prod/db/password", "--with-decryption"),
      ssm("get-parameter", "--name", "/app/prod/hosts"),
      ssm("get-parameter", "--name", "/LOG_LEVEL"),
    ]);
    assert.equal(decrypted.Parameter.Value, SECRET);
    assert.equal(decrypted.Parameter.Type, "SecureString");
    assert.equal(decrypted.Parameter.ARN, "arn:aws:ssm:us-east-1:000000000000:parameter/app/prod/db/password");
    assert.equal(decrypted.Parameter.Version, 1);
    assert.equal(decrypted.Parameter.DataType, "text");
    assert.notEqual(encrypted.Parameter.Value, SECRET, "without decryption a SecureString is ciphertext");
    assert.match(encrypted.Parameter.Value, /^[A-Za-z0-9+/]+=*$/);
    assert.ok(Buffer.from(encrypted.Parameter.Value, "base64").length > SECRET.length);
    assert.equal(list.Parameter.Value, "a.example,b.example");
    assert.equal(list.Parameter.Type, "StringList");
    // `LOG_LEVEL` and `/LOG_LEVEL` are one parameter; it keeps the name it was made with.
    assert.equal(plain.Parameter.Name, "LOG_LEVEL");
    assert.equal(plain.Parameter.ARN, "arn:aws:ssm:us-east-1:000000000000:parameter/LOG_LEVEL");

    const byArn = await ssm("get-parameter", "--name", "arn:aws:ssm:us-east-1:000000000000:parameter/app/prod/db/password", "--with-decryption");
    assert.equal(byArn.Parameter.Value, SECRET);
    assert.equal(byArn.Parameter.Name, "/app/prod/db/password");
  });

  it("versions a parameter on overwrite and reads older versions by selector", { skip: noCli }, async () => {
    await ssm("put-parameter", "--name", "/app/prod/feature", "--type", "String", "--value", "off");
    assert.equal(
      await refused("put-parameter", "--name", "/app/prod/feature", "--type", "String", "--value", "on"),
      "ParameterAlreadyExists: The parameter already exists. To overwrite this value, set the overwrite option in the request to true.",
    );
    // The type may be left out of an overwrite: it stays String.
    assert.deepEqual(await ssm("put-parameter", "--name", "/app/prod/feature", "--value", "on", "--overwrite"), { Version: 2, Tier: "Standard" });
    const [latest, first, missing, changeType] = await Promise.all([
      ssm("get-parameter", "--name", "/app/prod/feature"),
      ssm("get-parameter", "--name", "/app/prod/feature:1"),
      refused("get-parameter", "--name", "/app/prod/feature:7"),
      refused("put-parameter", "--name", "/app/prod/feature", "--type", "SecureString", "--value", "x", "--overwrite"),
    ]);
    assert.deepEqual([latest.Parameter.Value, latest.Parameter.Version, latest.Parameter.Selector], ["on", 2, undefined]);
    assert.deepEqual([first.Parameter.Value, first.Parameter.Version, first.Parameter.Selector], ["off", 1, ":1"]);
    assert.equal(missing, "ParameterVersionNotFound: Systems Manager could not find version 7 of /app/prod/feature. Verify the version and try again.");
    assert.match(changeType, /^HierarchyTypeMismatchException: Parameter Store doesn't support changing a parameter type in a hierarchy \(from String to SecureString\)/);
  });

  it("gets several parameters at once, listing the missing ones", { skip: noCli }, async () => {
    const got = await ssm("get-parameters", "--names", "/app/prod/db/password", "/app/prod/nope", "LOG_LEVEL", "/app/prod/feature:9", "--with-decryption");
    assert.deepEqual(
      got.Parameters.map((p: { Name: string; Value: string }) => [p.Name, p.Value]),
      [
        ["/app/prod/db/password", SECRET],
        ["LOG_LEVEL", "debug"],
      ],
    );
    assert.deepEqual(got.InvalidParameters, ["/app/prod/nope", "/app/prod/feature:9"]);
  });

  it("walks a hierarchy one level or recursively, a page at a time, with filters", { skip: noCli }, async () => {
    const names = (r: { Parameters: { Name: string }[] }) => r.Parameters.map((p) => p.Name);
    const [oneLevel, recursive, secure, page] = await Promise.all([
      ssm("get-parameters-by-path", "--path", "/app/prod"),
      ssm("get-parameters-by-path", "--path", "/app/prod/", "--recursive", "--with-decryption"),
      ssm("get-parameters-by-path", "--path", "/app", "--recursive", "--parameter-filters", "Key=Type,Values=SecureString"),
      ssm("get-parameters-by-path", "--path", "/app", "--recursive", "--max-results", "2", "--no-paginate"),
    ]);
    assert.deepEqual(names(oneLevel), ["/app/prod/feature", "/app/prod/hosts"]);
    assert.deepEqual(names(recursive), ["/app/prod/api/key", "/app/prod/db/password", "/app/prod/feature", "/app/prod/hosts"]);
    assert.equal(recursive.Parameters[1].Value, SECRET);
    assert.deepEqual(names(secure), ["/app/prod/api/key", "/app/prod/db/password"]);
    assert.deepEqual(names(page), ["/app/prod/api/key", "/app/prod/db/password"]);
    const next = await ssm("get-parameters-by-path", "--path", "/app", "--recursive", "--max-results", "2", "--no-paginate", "--next-token", page.NextToken);
    assert.deepEqual(names(next), ["/app/prod/feature", "/app/prod/hosts"]);
    assert.equal(next.NextToken, undefined);
  });

  it("describes parameters: metadata only, filtered", { skip: noCli }, async () => {
    const [all, byName, byPath, legacy, tagged] = await Promise.all([
      ssm("describe-parameters"),
      ssm("describe-parameters", "--parameter-filters", "Key=Name,Option=BeginsWith,Values=/app/prod/db"),
      ssm("describe-parameters", "--parameter-filters", "Key=Path,Option=OneLevel,Values=/app/prod"),
      ssm("describe-parameters", "--filters", "Key=Type,Values=SecureString"),
      ssm("describe-parameters", "--parameter-filters", "Key=tag:team"),
    ]);
    const secure = all.Parameters.find((p: { Name: string }) => p.Name === "/app/prod/db/password");
    assert.deepEqual(
      { ...secure, LastModifiedDate: typeof secure.LastModifiedDate },
      {
        Name: "/app/prod/db/password",
        ARN: "arn:aws:ssm:us-east-1:000000000000:parameter/app/prod/db/password",
        Type: "SecureString",
        KeyId: "alias/aws/ssm",
        LastModifiedDate: "number",
        Description: "DB password",
        Version: 1,
        Tier: "Standard",
        Policies: [],
        DataType: "text",
      },
    );
    assert.equal(all.Parameters.find((p: { Name: string }) => p.Name === "/app/prod/api/key").KeyId, "alias/app-key");
    assert.deepEqual(byName.Parameters.map((p: { Name: string }) => p.Name), ["/app/prod/db/password"]);
    assert.deepEqual(byPath.Parameters.map((p: { Name: string }) => p.Name), ["/app/prod/feature", "/app/prod/hosts"]);
    assert.deepEqual(legacy.Parameters.map((p: { Name: string }) => p.Name), ["/app/prod/api/key", "/app/prod/db/password"]);
    assert.deepEqual(tagged.Parameters, []);
  });

  it("tags parameters at creation and afterwards", { skip: noCli }, async () => {
    await ssm("put-parameter", "--name", "/tagged/p", "--type", "String", "--value", "v", "--tags", "Key=team,Value=payments");
    await ssm("add-tags-to-resource", "--resource-type", "Parameter", "--resource-id", "/tagged/p", "--tags", "Key=env,Value=prod");
    await ssm("remove-tags-from-resource", "--resource-type", "Parameter", "--resource-id", "/tagged/p", "--tag-keys", "team");
    const [tags, byTag, wrongType, wrongId] = await Promise.all([
      ssm("list-tags-for-resource", "--resource-type", "Parameter", "--resource-id", "/tagged/p"),
      ssm("describe-parameters", "--parameter-filters", "Key=tag:env,Values=prod"),
      refused("list-tags-for-resource", "--resource-type", "Document", "--resource-id", "/tagged/p"),
      refused("add-tags-to-resource", "--resource-type", "Parameter", "--resource-id", "/tagged/none", "--tags", "Key=a,Value=b"),
    ]);
    assert.deepEqual(tags.TagList, [{ Key: "env", Value: "prod" }]);
    assert.deepEqual(byTag.Parameters.map((p: { Name: string }) => p.Name), ["/tagged/p"]);
    assert.match(wrongType, /^InvalidResourceType: /);
    assert.match(wrongId, /^InvalidResourceId: /);
  });

  it("deletes one parameter or several, reporting the ones that were not there", { skip: noCli }, async () => {
    await Promise.all([
      ssm("put-parameter", "--name", "/del/a", "--type", "String", "--value", "1"),
      ssm("put-parameter", "--name", "/del/b", "--type", "String", "--value", "2"),
      ssm("put-parameter", "--name", "/del/c", "--type", "SecureString", "--value", "3"),
    ]);
    await ssm("put-parameter", "--name", "/del/c", "--value", "4", "--overwrite");
    assert.deepEqual(await ssm("delete-parameter", "--name", "/del/a"), {});
    assert.equal(await refused("delete-parameter", "--name", "/del/a"), "ParameterNotFound: Parameter /del/a not found.");
    const deleted = await ssm("delete-parameters", "--names", "/del/b", "/del/c", "/del/nope");
    assert.deepEqual(deleted, { DeletedParameters: ["/del/b", "/del/c"], InvalidParameters: ["/del/nope"] });
    assert.equal(await refused("get-parameter", "--name", "/del/c"), "ParameterNotFound: Parameter /del/c not found.");
    assert.deepEqual(
      s.cp.deps.cache.listEntries("/berth/000000000000/us-east-1/ssm/").filter((e) => e.key.includes("del")),
      [],
      "a deleted parameter leaves no version behind",
    );
    // The name can be used again, from version 1.
    assert.deepEqual(await ssm("put-parameter", "--name", "/del/c", "--type", "String", "--value", "again"), { Version: 1, Tier: "Standard" });
  });

  it("answers SSM's errors for names, hierarchies, tiers and values, changing nothing (boto3)", { skip: noBoto }, async () => {
    const deep = `/${Array.from({ length: 15 }, (_, i) => `L${i + 1}`).join("/")}/p`;
    const calls: [string, Record<string, unknown>][] = [
      ["put_parameter", { Name: "a/b", Type: "String", Value: "v" }],
      ["put_parameter", { Name: deep, Type: "String", Value: "v" }],
      ["put_parameter", { Name: "/aws/reserved", Type: "String", Value: "v" }],
      ["put_parameter", { Name: "awsTestParameter", Type: "String", Value: "v" }],
      ["put_parameter", { Name: "/has space/x", Type: "String", Value: "v" }],
      ["put_parameter", { Name: "/new/untyped", Value: "v" }],
      ["put_parameter", { Name: "/new/empty", Type: "String", Value: "" }],
      ["put_parameter", { Name: "/new/big", Type: "String", Value: "x".repeat(4097) }],
      ["put_parameter", { Name: "/new/huge", Type: "String", Value: "x".repeat(8193), Tier: "Advanced" }],
      ["put_parameter", { Name: "/new/tier", Type: "String", Value: "v", Tier: "Basic" }],
      ["put_parameter", { Name: "/app/prod/feature", Value: "v", Overwrite: true, Tags: [{ Key: "a", Value: "b" }] }],
      ["put_parameter", { Name: "/new/pattern", Type: "String", Value: "abc", AllowedPattern: "^\\d+$" }],
      ["put_parameter", { Name: "/new/datatype", Type: "String", Value: "v", DataType: "Text" }],
      ["get_parameter", { Name: "/app/prod/none" }],
      ["get_parameter", { Name: "bad name" }],
      ["get_parameters_by_path", { Path: "app" }],
      ["get_parameters_by_path", { Path: "/app", ParameterFilters: [{ Key: "Name", Values: ["x"] }] }],
      ["get_parameters_by_path", { Path: "/app", ParameterFilters: [{ Key: "Type", Option: "Contains", Values: ["String"] }] }],
      ["get_parameters_by_path", { Path: "/app", NextToken: "garbage" }],
      ["describe_parameters", { Filters: [{ Key: "Type", Values: ["String"] }], ParameterFilters: [{ Key: "Type", Values: ["String"] }] }],
      ["describe_parameters", { ParameterFilters: [{ Key: "Type", Values: ["Text"] }] }],
      ["delete_parameter", { Name: "/app/prod/none" }],
    ];
    const BAD =
      'ValidationException: Parameter name: can\'t be prefixed with "ssm" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_';
    assert.deepEqual(await botoRefusals(s, "ssm", calls), [
      "ValidationException: Parameter name must be a fully qualified name.",
      `HierarchyLevelLimitExceededException: A hierarchy can have a maximum of 15 levels; '${deep}' has 16.`,
      "AccessDeniedException: No access to reserved parameter name: /aws/reserved.",
      'ValidationException: Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive).',
      BAD,
      "ValidationException: A parameter type is required when you create a parameter.",
      "ValidationException: 1 validation error detected: Value '' at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1.",
      "ValidationException: Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html",
      "ValidationException: Advanced tier parameters support a maximum parameter value of 8192 characters.",
      "ValidationException: Invalid parameter 'Tier': 'Basic' is not one of Standard, Advanced, Intelligent-Tiering.",
      "ValidationException: Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.",
      "ParameterPatternMismatchException: Parameter value, cannot be validated against allowedPattern: ^\\d+$",
      "ValidationException: The following data type is not supported: Text (Data type names are all lowercase.)",
      "ParameterNotFound: Parameter /app/prod/none not found.",
      BAD,
      'ValidationException: The parameter doesn\'t meet the parameter name requirements. The parameter name must begin with a forward slash "/". It can\'t be prefixed with "aws" or "ssm" (case-insensitive). It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol "/". Valid example: /get/parameters2-/by1./path0_.',
      "InvalidFilterKey: The filter key Name isn't valid for GetParametersByPath.",
      "InvalidFilterOption: The filter option Contains isn't valid for Type. Valid options are Equals and BeginsWith.",
      "InvalidNextToken: The specified token isn't valid.",
      "ValidationException: You can use either Filters or ParameterFilters in a single request.",
      "InvalidFilterValue: The Type filter value Text isn't valid: use String, StringList, SecureString.",
      "ParameterNotFound: Parameter /app/prod/none not found.",
    ]);
  });

  it("answers boto3: tiers, paginators over paths and descriptions, modeled exceptions", { skip: noBoto }, async () => {
    const script = `
import json, sys, boto3
ssm = boto3.client("ssm", endpoint_url=sys.argv[1], region_name="ap-northeast-1", aws_access_key_id="AKIDTEST", aws_secret_access_key="secret")
out = {}
out["advanced"] = ssm.put_parameter(Name="/big/advanced", Type="String", Value="x" * 5000, Tier="Advanced")["Tier"]
out["intelligent"] = ssm.put_parameter(Name="/big/auto", Type="String", Value="x" * 5000, Tier="Intelligent-Tiering")["Tier"]
out["small"] = ssm.put_parameter(Name="/big/small", Type="String", Value="x", Tier="Intelligent-Tiering")["Tier"]
try:
    ssm.put_parameter(Name="/big/advanced", Value="y", Overwrite=True, Tier="Standard")
except ssm.exceptions.ClientError as e:
    out["downgrade"] = e.response["Error"]["Code"]
for i in range(23):
    ssm.put_parameter(Name="/many/p%02d" % i, Type="SecureString" if i % 2 else "String", Value="v%d" % i)
pages = list(ssm.get_paginator("get_parameters_by_path").paginate(Path="/many", WithDecryption=True))
out["pageSizes"] = [len(p["Parameters"]) for p in pages]
out["values"] = [p["Value"] for page in pages for p in page["Parameters"]][:4]
described = [p["Name"] for page in ssm.get_paginator("describe_parameters").paginate(PaginationConfig={"PageSize": 5}) for p in page["Parameters"]]
out["described"] = len(described)
try:
    ssm.get_parameter(Name="/many/none")
except ssm.exceptions.ParameterNotFound as e:
    out["notFound"] = e.response["Error"]["Message"]
try:
    ssm.put_parameter(Name="/many/p00", Type="String", Value="x")
except ssm.exceptions.ParameterAlreadyExists:
    out["exists"] = True
print(json.dumps(out))
`;
    const { stdout } = await run("python3", ["-c", script, s.url]);
    const out = JSON.parse(stdout);
    assert.deepEqual([out.advanced, out.intelligent, out.small, out.downgrade], ["Advanced", "Advanced", "Standard", "ValidationException"]);
    assert.deepEqual(out.pageSizes, [10, 10, 3]);
    assert.deepEqual(out.values, ["v0", "v1", "v2", "v3"]);
    assert.equal(out.described, 26);
    assert.equal(out.notFound, "Parameter /many/none not found.");
    assert.equal(out.exists, true);
  });

  it("refuses what the CLI would not send, with SSM's ValidationException", async () => {
    const res = await rawCall(s.url, "AmazonSSM.GetParameters", JSON.stringify({ Names: Array.from({ length: 11 }, (_, i) => `p${i}`) }));
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { __type: "ValidationException", message: "Invalid parameter 'Names': must have at most 10 items, found 11." });
    const unknown = await rawCall(s.url, "AmazonSSM.SendCommand", "{}");
    assert.equal(unknown.body.__type, "UnknownOperationException");
  });

  it("keeps SecureString values encrypted in the SQLite file", { skip: noCli }, async () => {
    await ssm("put-parameter", "--name", "/at-rest/probe", "--type", "SecureString", "--value", "ssm-at-rest-canary-42");
    await ssm("put-parameter", "--name", "/at-rest/plain", "--type", "String", "--value", "ssm-plain-visible-43");
    const bytes = Buffer.concat(
      ["berth.db", "berth.db-wal"].flatMap((f) => {
        try {
          return [readFileSync(join(s.dataDir, f))];
        } catch {
          return [];
        }
      }),
    );
    assert.ok(bytes.includes("ssm-plain-visible-43"), "a String parameter's value is in the file (the search means something)");
    for (const secret of ["ssm-at-rest-canary-42", SECRET, "second-canary"]) assert.ok(!bytes.includes(secret), `${secret} is stored in plaintext`);
  });
});

// The authentication modes as users meet them, through the real AWS CLI and boto3: strict mode
// refuses unsigned requests, --no-sign-request, wrong secrets, unknown keys, expired sessions and
// skewed clocks with AWS's codes in both protocols (JSON: ECS; query: ELBv2, EC2), and accepts
// a known key; local mode takes any key and unsigned requests as the root, but still verifies
// a key IAM knows. A key made with IAM's CreateAccessKey works until DeleteAccessKey.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { startControlPlane, type ControlPlane, type ControlPlaneOptions } from "../../src/api/control-plane.js";
import type { KeyRecord } from "../../src/api/sigv4/index.js";
import { missingTool, run } from "../helpers/aws-cli.js";
import { aKey } from "../helpers/sigv4.js";

const ROOT = { accessKeyId: "AKIAROOTBOOTSTRAP001", secretAccessKey: "root-bootstrap-secret" };
const ACCOUNT = "000000000000";

/** A role session's temporary key of another account, held by the injected lookup. */
const SESSION: KeyRecord = aKey({
  accessKeyId: "ASIASESSIONKEY000001",
  secretAccessKey: "session-secret",
  accountId: "111122223333",
  principal: { kind: "assumed-role", arn: "arn:aws:sts::111122223333:assumed-role/app/s1", userId: "AROAAPP:s1", roleArn: "arn:aws:iam::111122223333:role/app" },
  sessionToken: "session-token-1",
  expiration: "2999-01-01T00:00:00.000Z",
});
const EXPIRED: KeyRecord = { ...SESSION, accessKeyId: "ASIASESSIONKEY000002", expiration: "2020-01-01T00:00:00.000Z" };

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

interface Keys {
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
}

async function aws(url: string, keys: Keys, args: string[]): Promise<Outcome> {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_DEFAULT_REGION: "us-east-1", AWS_PAGER: "", AWS_MAX_ATTEMPTS: "1", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" };
  delete env.AWS_ACCESS_KEY_ID;
  delete env.AWS_SECRET_ACCESS_KEY;
  delete env.AWS_SESSION_TOKEN;
  delete env.AWS_PROFILE;
  if (keys.accessKeyId) env.AWS_ACCESS_KEY_ID = keys.accessKeyId;
  if (keys.secretAccessKey) env.AWS_SECRET_ACCESS_KEY = keys.secretAccessKey;
  if (keys.sessionToken) env.AWS_SESSION_TOKEN = keys.sessionToken;
  try {
    const { stdout, stderr } = await run("aws", [...args, "--endpoint-url", url, "--output", "json"], { env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/** The CLI failed with this AWS error code (and, when given, a message matching). */
function failedWith(o: Outcome, code: string, message?: RegExp): void {
  assert.notEqual(o.code, 0, `expected ${code}, the command succeeded: ${o.stdout}`);
  assert.match(o.stderr, new RegExp(`An error occurred \\(${code}\\)`), o.stderr);
  if (message) assert.match(o.stderr, message);
}

function succeeded(o: Outcome): Record<string, unknown> {
  assert.equal(o.code, 0, o.stderr);
  return o.stdout.trim() ? (JSON.parse(o.stdout) as Record<string, unknown>) : {};
}

/** Runs a boto3 script with the server's URL in $URL; it prints one JSON document. */
async function boto3(url: string, script: string): Promise<Record<string, unknown>> {
  const { stdout } = await run("python3", ["-c", script], { env: { ...process.env, URL: url, AWS_DEFAULT_REGION: "us-east-1", AWS_CONFIG_FILE: "/dev/null" } });
  return JSON.parse(stdout) as Record<string, unknown>;
}

const BOTO_PRELUDE = `
import json, os, boto3, botocore, urllib.request, urllib.error
from botocore import UNSIGNED
from botocore.config import Config
URL = os.environ["URL"]
def client(service, key=None, secret=None, token=None, unsigned=False):
    cfg = Config(retries={"max_attempts": 1}, signature_version=UNSIGNED) if unsigned else Config(retries={"max_attempts": 1})
    return boto3.client(service, endpoint_url=URL, region_name="us-east-1", aws_access_key_id=key or "x", aws_secret_access_key=secret or "x", aws_session_token=token, config=cfg)
def code(fn):
    try:
        fn()
        return "ok"
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"] + " " + str(e.response["ResponseMetadata"]["HTTPStatusCode"])
def fetch(url, method="GET"):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
`;

async function start(options: Partial<ControlPlaneOptions>): Promise<{ cp: ControlPlane; close(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), "berth-auth-modes-"));
  const cp = await startControlPlane({ dataDir, port: 0, scheduler: false, loadBalancers: false, logger: pino({ level: "silent" }), ...options });
  return {
    cp,
    async close() {
      await cp.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe("authentication modes through the AWS CLI and boto3", async () => {
  const missing = (await missingTool("aws", ["--version"])) ?? (await missingTool("python3", ["-c", "import boto3"]));

  describe("strict", () => {
    let s: Awaited<ReturnType<typeof start>>;
    let url: string;
    before(async () => {
      if (missing) return;
      s = await start({ auth: "strict", rootKeys: [ROOT] });
      url = s.cp.url;
    });
    after(async () => s?.close());

    it("accepts the root key, in JSON (ECS) and query (ELBv2, EC2)", { skip: missing }, async () => {
      assert.equal(s.cp.auth, "strict");
      succeeded(await aws(url, ROOT, ["ecs", "create-cluster", "--cluster-name", "strict"]));
      assert.deepEqual(succeeded(await aws(url, ROOT, ["ecs", "list-clusters"])).clusterArns, [`arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/strict`]);
      assert.deepEqual(succeeded(await aws(url, ROOT, ["elbv2", "describe-load-balancers"])).LoadBalancers, []);
      assert.ok(Array.isArray(succeeded(await aws(url, ROOT, ["ec2", "describe-vpcs"])).Vpcs));
    });

    it("refuses --no-sign-request: MissingAuthenticationToken(Exception)", { skip: missing }, async () => {
      failedWith(await aws(url, ROOT, ["ecs", "list-clusters", "--no-sign-request"]), "MissingAuthenticationTokenException", /Request is missing Authentication Token/);
      failedWith(await aws(url, ROOT, ["elbv2", "describe-load-balancers", "--no-sign-request"]), "MissingAuthenticationToken", /Request is missing Authentication Token/);
      failedWith(await aws(url, ROOT, ["ec2", "describe-vpcs", "--no-sign-request"]), "MissingAuthenticationToken");
    });

    it("refuses an unsigned HTTP request (curl)", { skip: missing }, async () => {
      const res = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AmazonEC2ContainerServiceV20141113.ListClusters" },
        body: "{}",
      });
      assert.equal(res.status, 400);
      assert.deepEqual(await res.json(), { __type: "MissingAuthenticationTokenException", message: "Request is missing Authentication Token" });
    });

    it("refuses a wrong secret: InvalidSignatureException / SignatureDoesNotMatch / AuthFailure", { skip: missing }, async () => {
      const wrong = { ...ROOT, secretAccessKey: "not-the-secret" };
      const mismatch = /The request signature we calculated does not match the signature you provided/;
      failedWith(await aws(url, wrong, ["ecs", "list-clusters"]), "InvalidSignatureException", mismatch);
      failedWith(await aws(url, wrong, ["elbv2", "describe-load-balancers"]), "SignatureDoesNotMatch", mismatch);
      failedWith(await aws(url, wrong, ["ec2", "describe-vpcs"]), "AuthFailure", /AWS was not able to validate the provided access credentials/);
    });

    it("refuses a key IAM does not know (test/test): UnrecognizedClientException / InvalidClientTokenId", { skip: missing }, async () => {
      const test = { accessKeyId: "test", secretAccessKey: "test" };
      failedWith(await aws(url, test, ["ecs", "list-clusters"]), "UnrecognizedClientException", /The security token included in the request is invalid\./);
      failedWith(await aws(url, test, ["elbv2", "describe-load-balancers"]), "InvalidClientTokenId", /The security token included in the request is invalid\./);
    });

    it("boto3: the same answers, and a presigned URL that works until tampered with", { skip: missing }, async () => {
      const out = await boto3(
        url,
        `${BOTO_PRELUDE}
root = ("${ROOT.accessKeyId}", "${ROOT.secretAccessKey}")
elb = client("elbv2", *root)
# For GET, as aws eks get-token presigns STS; botocore's default presigns the operation's POST.
signed_url = elb.generate_presigned_url("describe_load_balancers", Params={}, ExpiresIn=300, HttpMethod="GET")
signed_post = elb.generate_presigned_url("describe_load_balancers", Params={}, ExpiresIn=300)
print(json.dumps({
  "ecs": code(lambda: client("ecs", *root).list_clusters()),
  "ecs_wrong": code(lambda: client("ecs", root[0], "wrong").list_clusters()),
  "ecs_unsigned": code(lambda: client("ecs", unsigned=True).list_clusters()),
  "ecs_unknown": code(lambda: client("ecs", "test", "test").list_clusters()),
  "elbv2": code(lambda: elb.describe_target_groups()),
  "elbv2_wrong": code(lambda: client("elbv2", root[0], "wrong").describe_target_groups()),
  "elbv2_unsigned": code(lambda: client("elbv2", unsigned=True).describe_target_groups()),
  "presigned": fetch(signed_url),
  "presigned_post": fetch(signed_post, "POST"),
  "presigned_as_get": fetch(signed_post),
  "presigned_tampered": fetch(signed_url.replace("Action=DescribeLoadBalancers", "Action=DescribeTargetGroups")),
}))`,
      );
      assert.deepEqual(out, {
        ecs: "ok",
        ecs_wrong: "InvalidSignatureException 400",
        ecs_unsigned: "MissingAuthenticationTokenException 400",
        ecs_unknown: "UnrecognizedClientException 400",
        elbv2: "ok",
        elbv2_wrong: "SignatureDoesNotMatch 403",
        elbv2_unsigned: "MissingAuthenticationToken 403",
        presigned: 200,
        presigned_post: 200,
        presigned_as_get: 403,
        presigned_tampered: 403,
      });
    });

    it("a key made with IAM (CreateAccessKey) works, and is refused after DeleteAccessKey", { skip: missing }, async () => {
      succeeded(await aws(url, ROOT, ["iam", "create-user", "--user-name", "ops"]));
      // Policies are enforced too: the user may list clusters.
      const listOnly = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ecs:ListClusters", Resource: "*" }] });
      succeeded(await aws(url, ROOT, ["iam", "put-user-policy", "--user-name", "ops", "--policy-name", "list", "--policy-document", listOnly]));
      const made = succeeded(await aws(url, ROOT, ["iam", "create-access-key", "--user-name", "ops"])).AccessKey as Record<string, string>;
      const key = { accessKeyId: made.AccessKeyId!, secretAccessKey: made.SecretAccessKey! };
      assert.match(key.accessKeyId, /^AKIA/);
      const who = succeeded(await aws(url, key, ["sts", "get-caller-identity"]));
      assert.equal(who.Arn, `arn:aws:iam::${ACCOUNT}:user/ops`);
      succeeded(await aws(url, key, ["ecs", "list-clusters"]));
      succeeded(await aws(url, ROOT, ["iam", "delete-access-key", "--user-name", "ops", "--access-key-id", key.accessKeyId]));
      failedWith(await aws(url, key, ["ecs", "list-clusters"]), "UnrecognizedClientException");
      failedWith(await aws(url, key, ["sts", "get-caller-identity"]), "InvalidClientTokenId");
    });
  });

  describe("strict, with a role session's temporary keys and a skewed clock", () => {
    let s: Awaited<ReturnType<typeof start>>;
    let skewed: Awaited<ReturnType<typeof start>>;
    before(async () => {
      if (missing) return;
      const lookup = (id: string) => [SESSION, EXPIRED].find((k) => k.accessKeyId === id);
      s = await start({ auth: "strict", keyLookup: lookup });
      // A server whose clock is 6 minutes ahead of the client's.
      skewed = await start({ auth: "strict", keyLookup: lookup, clock: { now: () => Date.now() + 6 * 60_000 } });
    });
    after(async () => {
      await s?.close();
      await skewed?.close();
    });

    it("accepts the session's key with its token, as the session, in the session's account", { skip: missing }, async () => {
      const keys = { ...SESSION, sessionToken: SESSION.sessionToken! };
      // Authenticated: the refusal comes from authorization (the injected session's role exists
      // in no IAM, so it has no policy), and names the session and a cluster of its account.
      failedWith(
        await aws(s.cp.url, keys, ["ecs", "create-cluster", "--cluster-name", "role"]),
        "AccessDeniedException",
        /User: arn:aws:sts::111122223333:assumed-role\/app\/s1 is not authorized to perform: ecs:CreateCluster on resource: arn:aws:ecs:us-east-1:111122223333:cluster\/role/,
      );
    });

    it("refuses it without its token, with another token, and once expired", { skip: missing }, async () => {
      const withoutToken = { accessKeyId: SESSION.accessKeyId, secretAccessKey: SESSION.secretAccessKey };
      failedWith(await aws(s.cp.url, withoutToken, ["ecs", "list-clusters"]), "UnrecognizedClientException");
      failedWith(await aws(s.cp.url, { ...SESSION, sessionToken: "forged" }, ["elbv2", "describe-load-balancers"]), "InvalidClientTokenId");
      const expired = { ...EXPIRED, sessionToken: EXPIRED.sessionToken! };
      failedWith(await aws(s.cp.url, expired, ["ecs", "list-clusters"]), "ExpiredTokenException", /The security token included in the request is expired/);
      failedWith(await aws(s.cp.url, expired, ["elbv2", "describe-load-balancers"]), "ExpiredToken");
      failedWith(await aws(s.cp.url, expired, ["ec2", "describe-vpcs"]), "RequestExpired");
    });

    it("refuses a request signed more than 5 minutes before the server's time, saying both times", { skip: missing }, async () => {
      const keys = { ...SESSION, sessionToken: SESSION.sessionToken! };
      failedWith(await aws(skewed.cp.url, keys, ["ecs", "list-clusters"]), "InvalidSignatureException", /Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)/);
      failedWith(await aws(skewed.cp.url, keys, ["elbv2", "describe-load-balancers"]), "SignatureDoesNotMatch", /Signature expired: .* - 5 min\.\)/);
    });
  });

  describe("local", () => {
    let s: Awaited<ReturnType<typeof start>>;
    let url: string;
    before(async () => {
      if (missing) return;
      s = await start({ rootKeys: [ROOT] });
      url = s.cp.url;
    });
    after(async () => s?.close());

    it("is the default on loopback, and takes test/test and unsigned requests as the root", { skip: missing }, async () => {
      assert.equal(s.cp.auth, "local");
      const test = { accessKeyId: "test", secretAccessKey: "test" };
      succeeded(await aws(url, test, ["ecs", "create-cluster", "--cluster-name", "local"]));
      assert.deepEqual(succeeded(await aws(url, test, ["ecs", "list-clusters", "--no-sign-request"])).clusterArns, [`arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/local`]);
      assert.deepEqual(succeeded(await aws(url, test, ["elbv2", "describe-load-balancers"])).LoadBalancers, []);
      assert.deepEqual(succeeded(await aws(url, test, ["elbv2", "describe-load-balancers", "--no-sign-request"])).LoadBalancers, []);
      assert.equal(succeeded(await aws(url, test, ["sts", "get-caller-identity"])).Arn, `arn:aws:iam::${ACCOUNT}:root`);
    });

    it("still verifies a key IAM knows", { skip: missing }, async () => {
      succeeded(await aws(url, ROOT, ["ecs", "list-clusters"]));
      failedWith(await aws(url, { ...ROOT, secretAccessKey: "wrong" }, ["ecs", "list-clusters"]), "InvalidSignatureException");
      failedWith(await aws(url, { ...ROOT, secretAccessKey: "wrong" }, ["elbv2", "describe-load-balancers"]), "SignatureDoesNotMatch");
    });

    it("refuses a key IAM made once it is deleted, rather than taking it as the root", { skip: missing }, async () => {
      succeeded(await aws(url, ROOT, ["iam", "create-user", "--user-name", "gone"]));
      const made = succeeded(await aws(url, ROOT, ["iam", "create-access-key", "--user-name", "gone"])).AccessKey as Record<string, string>;
      const key = { accessKeyId: made.AccessKeyId!, secretAccessKey: made.SecretAccessKey! };
      // Without a policy the user may do nothing: the key is verified as the user, not the root.
      failedWith(await aws(url, key, ["ecs", "create-cluster", "--cluster-name", "x"]), "AccessDeniedException");
      succeeded(await aws(url, ROOT, ["iam", "delete-access-key", "--user-name", "gone", "--access-key-id", key.accessKeyId]));
      failedWith(await aws(url, key, ["ecs", "create-cluster", "--cluster-name", "x"]), "UnrecognizedClientException");
      failedWith(await aws(url, key, ["sts", "get-caller-identity"]), "InvalidClientTokenId");
      // Any other unknown key is still the root here.
      succeeded(await aws(url, { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "whatever" }, ["ecs", "list-clusters"]));
    });

    it("boto3 with any key and unsigned", { skip: missing }, async () => {
      const out = await boto3(
        url,
        `${BOTO_PRELUDE}
print(json.dumps({
  "ecs": code(lambda: client("ecs", "test", "test").list_clusters()),
  "ecs_unsigned": code(lambda: client("ecs", unsigned=True).list_clusters()),
  "elbv2": code(lambda: client("elbv2", "anything", "goes").describe_target_groups()),
  "ec2_unsigned": code(lambda: client("ec2", unsigned=True).describe_vpcs()),
}))`,
      );
      assert.deepEqual(out, { ecs: "ok", ecs_unsigned: "ok", elbv2: "ok", ec2_unsigned: "ok" });
    });
  });
});

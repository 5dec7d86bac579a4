// STS on berth's port with the unmodified AWS CLI and boto3: GetCallerIdentity for the root, an
// IAM user and a role session; AssumeRole's trust policy and identity policy rules, its session
// length rules, its refusals; temporary credentials that authenticate until they expire; and, in
// strict mode, keys that stop working when IAM deletes or deactivates them.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { startControlPlane, type ControlPlane } from "../../src/api/control-plane.js";
import { AWS_ENV, missingTool, run } from "../helpers/aws-cli.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const ACCOUNT = "000000000000";
const doc = (statement: object | object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statement });

interface Keys {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken?: string;
}

/** The AWS CLI against `url` as the holder of `keys` (default: the test pair, root in local mode). */
// biome-ignore lint: JSON from the CLI
async function aws(url: string, keys: Keys | undefined, ...args: string[]): Promise<any> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...AWS_ENV };
  delete env.AWS_SESSION_TOKEN;
  delete env.AWS_PROFILE;
  if (keys) {
    env.AWS_ACCESS_KEY_ID = keys.AccessKeyId;
    env.AWS_SECRET_ACCESS_KEY = keys.SecretAccessKey;
    if (keys.SessionToken) env.AWS_SESSION_TOKEN = keys.SessionToken;
  }
  const { stdout } = await run("aws", [...args, "--endpoint-url", url, "--output", "json"], { env });
  return stdout.trim() ? JSON.parse(stdout) : {};
}

/** The CLI's failure as `Code: message`. */
async function failureOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    const stderr = (err as { stderr: string }).stderr;
    const m = /An error occurred \((\w+)\) when calling the \w+ operation: (.*)/.exec(stderr);
    assert.ok(m, stderr);
    return `${m[1]}: ${m[2]!.trim()}`;
  }
  throw new Error("the call succeeded; it should have failed");
}

describe("STS against berth with the AWS CLI and boto3", async () => {
  const noCli = await missingTool("aws", ["--version"]);
  const noBoto = await missingTool("python3", ["-c", "import boto3"]);
  let s: TestServer;
  let dev: Keys;
  let devArn: string;
  const cli = (keys: Keys | undefined, ...args: string[]) => aws(s.url, keys, ...args);
  before(async () => {
    if (noCli) return;
    s = await startTestServer({ scheduler: false, loadBalancers: false });
    devArn = (await cli(undefined, "iam", "create-user", "--user-name", "dev", "--path", "/people/")).User.Arn;
    dev = (await cli(undefined, "iam", "create-access-key", "--user-name", "dev")).AccessKey;
    // Every request is authorized against the caller's identity policies (except
    // GetCallerIdentity): dev may read itself and assume roles.
    const basics = doc([
      { Effect: "Allow", Action: "iam:GetUser", Resource: "arn:aws:iam::*:user/people/${aws:username}" },
      { Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" },
    ]);
    await cli(undefined, "iam", "put-user-policy", "--user-name", "dev", "--policy-name", "basics", "--policy-document", basics);
  });
  after(async () => {
    if (s) await s.close();
  });

  it("tells each caller who it is: the root, an IAM user, a role session", { skip: noCli }, async () => {
    assert.deepEqual(await cli(undefined, "sts", "get-caller-identity"), { UserId: ACCOUNT, Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:root` });
    const me = await cli(dev, "sts", "get-caller-identity");
    assert.equal(me.Arn, `arn:aws:iam::${ACCOUNT}:user/people/dev`);
    assert.match(me.UserId, /^AIDA[A-Z2-7]{17}$/);
    assert.equal((await cli(dev, "iam", "get-user")).User.UserName, "dev", "GetUser without a name is the caller");

    await cli(undefined, "iam", "create-role", "--role-name", "named", "--assume-role-policy-document", doc({ Effect: "Allow", Principal: { AWS: devArn }, Action: "sts:AssumeRole" }));
    const sessionPolicy = doc({ Effect: "Allow", Action: ["iam:CreateAccessKey", "sts:AssumeRole"], Resource: "*" });
    await cli(undefined, "iam", "put-role-policy", "--role-name", "named", "--policy-name", "keys-and-chaining", "--policy-document", sessionPolicy);
    const before = Date.now();
    const out = await cli(dev, "sts", "assume-role", "--role-arn", `arn:aws:iam::${ACCOUNT}:role/named`, "--role-session-name", "dev-session");
    const c = out.Credentials;
    assert.match(c.AccessKeyId, /^ASIA[A-Z2-7]{16}$/);
    assert.equal(c.SecretAccessKey.length, 40);
    assert.ok(c.SessionToken.length >= 200);
    const expires = Date.parse(c.Expiration);
    assert.ok(expires >= before + 3599_000 && expires <= Date.now() + 3600_000, `expires an hour from now: ${c.Expiration}`);
    assert.match(out.AssumedRoleUser.AssumedRoleId, /^AROA[A-Z2-7]{17}:dev-session$/);
    assert.equal(out.AssumedRoleUser.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/named/dev-session`);

    const session = { AccessKeyId: c.AccessKeyId, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken };
    assert.deepEqual(await cli(session, "sts", "get-caller-identity"), { UserId: out.AssumedRoleUser.AssumedRoleId, Account: ACCOUNT, Arn: out.AssumedRoleUser.Arn });
    assert.equal(
      await failureOf(cli(session, "iam", "create-access-key")),
      "ValidationError: Must specify userName when calling with non-User credentials",
      "a role session has no keys of its own",
    );
  });

  it("checks the trust policy, and the caller's identity policies unless the trust names the caller", { skip: noCli }, async () => {
    await cli(undefined, "iam", "create-role", "--role-name", "delegated", "--assume-role-policy-document", doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" }));
    await cli(undefined, "iam", "create-role", "--role-name", "task-only", "--assume-role-policy-document", doc({ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }));
    const delegated = `arn:aws:iam::${ACCOUNT}:role/delegated`;
    const denied = (arn: string, who = devArn) => `AccessDenied: User: ${who} is not authorized to perform: sts:AssumeRole on resource: ${arn}`;
    const assume = (keys: Keys, arn: string, ...more: string[]) => cli(keys, "sts", "assume-role", "--role-arn", arn, "--role-session-name", "s1", ...more);

    // eve has no identity policy: a trust naming only the account does not let her in.
    const eveArn = (await cli(undefined, "iam", "create-user", "--user-name", "eve")).User.Arn;
    const eve: Keys = (await cli(undefined, "iam", "create-access-key", "--user-name", "eve")).AccessKey;
    assert.ok((await failureOf(assume(eve, delegated))).startsWith(denied(delegated, eveArn)), "the account is trusted, but no identity policy of eve allows it");
    await cli(undefined, "iam", "put-user-policy", "--user-name", "eve", "--policy-name", "assume", "--policy-document", doc({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::*:role/delegated" }));
    assert.equal((await assume(eve, delegated)).AssumedRoleUser.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/delegated/s1`);

    // dev's identity policies allow every AssumeRole: the trust policies decide.
    assert.equal(await failureOf(assume(dev, `arn:aws:iam::${ACCOUNT}:role/task-only`)), denied(`arn:aws:iam::${ACCOUNT}:role/task-only`), "only ECS tasks are trusted");
    assert.equal(await failureOf(assume(dev, `arn:aws:iam::${ACCOUNT}:role/nonexistent`)), denied(`arn:aws:iam::${ACCOUNT}:role/nonexistent`), "a missing role is denied the same way");
    assert.equal(await failureOf(assume(dev, `arn:aws:iam::${ACCOUNT}:role/named`, "--duration-seconds", "7200")), "ValidationError: The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
    await cli(undefined, "iam", "put-user-policy", "--user-name", "dev", "--policy-name", "deny", "--policy-document", doc({ Effect: "Deny", Action: "sts:*", Resource: "*" }));
    assert.ok((await failureOf(assume(dev, `arn:aws:iam::${ACCOUNT}:role/named`))).startsWith(denied(`arn:aws:iam::${ACCOUNT}:role/named`)), "an explicit deny wins over a trust that names dev");
    assert.equal((await cli(dev, "sts", "get-caller-identity")).Arn, devArn, "GetCallerIdentity answers under an explicit deny");
    await cli(undefined, "iam", "delete-user-policy", "--user-name", "dev", "--policy-name", "deny");
  });

  it(
    "a trust policy that names the caller suffices without any identity policy",
    {
      skip: noCli,
      // AWS: "the trust policy names the caller's own ARN in the same account → the trust policy
      // alone suffices" (aws-neighbors.md §3.1); sts.assumeRole decides so, and the request
      // authorizer leaves sts:AssumeRole to it.
    },
    async () => {
      const annArn = (await cli(undefined, "iam", "create-user", "--user-name", "ann")).User.Arn;
      const ann: Keys = (await cli(undefined, "iam", "create-access-key", "--user-name", "ann")).AccessKey;
      await cli(undefined, "iam", "create-role", "--role-name", "ann-only", "--assume-role-policy-document", doc({ Effect: "Allow", Principal: { AWS: annArn }, Action: "sts:AssumeRole" }));
      const out = await cli(ann, "sts", "assume-role", "--role-arn", `arn:aws:iam::${ACCOUNT}:role/ann-only`, "--role-session-name", "ann");
      assert.equal(out.AssumedRoleUser.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/ann-only/ann`);
    },
  );

  it("chains roles for at most an hour and refuses what STS refuses (boto3, the server's own checks)", { skip: noCli || noBoto }, async () => {
    const chainTrust = doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/named` }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": "ext-1" } } });
    await cli(undefined, "iam", "create-role", "--role-name", "chained", "--max-session-duration", "43200", "--assume-role-policy-document", chainTrust);
    const script = `
import json, sys, boto3
from botocore.config import Config
url, key, secret = sys.argv[1], sys.argv[2], sys.argv[3]
cfg = Config(parameter_validation=False, retries={"max_attempts": 1})
def sts(k, s, t=None):
    return boto3.client("sts", endpoint_url=url, region_name="eu-west-1", aws_access_key_id=k, aws_secret_access_key=s, aws_session_token=t, config=cfg)
def outcome(f):
    try:
        r = f()
        return "ok " + r["AssumedRoleUser"]["Arn"]
    except Exception as e:
        r = e.response
        return f'{r["Error"]["Code"]} ({r["ResponseMetadata"]["HTTPStatusCode"]}): {r["Error"]["Message"]}'
dev = sts(key, secret)
c = dev.assume_role(RoleArn="arn:aws:iam::${ACCOUNT}:role/named", RoleSessionName="first")["Credentials"]
session = sts(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
chained = "arn:aws:iam::${ACCOUNT}:role/chained"
out = [
    outcome(lambda: session.assume_role(RoleArn=chained, RoleSessionName="second")),
    outcome(lambda: session.assume_role(RoleArn=chained, RoleSessionName="second", ExternalId="ext-1")),
    outcome(lambda: session.assume_role(RoleArn=chained, RoleSessionName="second", ExternalId="ext-1", DurationSeconds=7200)),
    outcome(lambda: dev.assume_role(RoleArn="arn:aws:iam::${ACCOUNT}:role/named", RoleSessionName="s1", DurationSeconds=899)),
    outcome(lambda: dev.assume_role(RoleArn="arn:aws:iam::${ACCOUNT}:role/named", RoleSessionName="has space")),
    outcome(lambda: dev.assume_role(RoleArn="arn:aws:iam::${ACCOUNT}:role/named", RoleSessionName="x")),
    outcome(lambda: dev.assume_role(RoleArn="not-an-arn-but-long-enough", RoleSessionName="s1")),
    outcome(lambda: dev.assume_role(RoleArn="arn:aws:iam::${ACCOUNT}:role/named", RoleSessionName="s1", Policy='{"Version":"2012-10-17","Statement":[]}')),
    outcome(lambda: dev.assume_role(RoleArn="arn:aws:iam::${ACCOUNT}:role/named")),
]
print(json.dumps(out))
`;
    const { stdout } = await run("python3", ["-c", script, s.url, dev.AccessKeyId, dev.SecretAccessKey]);
    assert.deepEqual(JSON.parse(stdout), [
      `AccessDenied (403): User: arn:aws:sts::${ACCOUNT}:assumed-role/named/first is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${ACCOUNT}:role/chained`,
      `ok arn:aws:sts::${ACCOUNT}:assumed-role/chained/second`,
      "ValidationError (400): The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
      "ValidationError (400): 1 validation error detected: Value '899' at 'DurationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
      "ValidationError (400): 1 validation error detected: Value 'has space' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
      "ValidationError (400): 1 validation error detected: Value 'x' at 'RoleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2",
      "ValidationError (400): Request ARN is invalid",
      "ValidationError (400): berth does not support Policy on AssumeRole yet (session policies and session tags).",
      "ValidationError (400): The request must contain the parameter RoleSessionName",
    ]);
  });
});

describe("STS and IAM keys in strict mode", async () => {
  const noCli = await missingTool("aws", ["--version"]);
  let cp: ControlPlane;
  let dataDir: string;
  /** The server's clock runs this far from the real one (the CLI signs with the real clock). */
  let offsetMs = 0;
  let root: Keys;
  before(async () => {
    if (noCli) return;
    dataDir = mkdtempSync(join(tmpdir(), "berth-sts-"));
    cp = await startControlPlane({
      dataDir,
      port: 0,
      auth: "strict",
      logger: pino({ level: "silent" }),
      scheduler: false,
      loadBalancers: false,
      clock: { now: () => Date.now() + offsetMs },
    });
    root = { AccessKeyId: cp.localCredentials.accessKeyId, SecretAccessKey: cp.localCredentials.secretAccessKey };
  });
  after(async () => {
    if (cp) await cp.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("a key works while IAM has it active, and not once it is deactivated or deleted", { skip: noCli }, async () => {
    await aws(cp.url, root, "iam", "create-user", "--user-name", "ops");
    const key: Keys = (await aws(cp.url, root, "iam", "create-access-key", "--user-name", "ops")).AccessKey;
    assert.equal((await aws(cp.url, key, "sts", "get-caller-identity")).Arn, `arn:aws:iam::${ACCOUNT}:user/ops`);
    assert.equal(await failureOf(aws(cp.url, undefined, "sts", "get-caller-identity")), "InvalidClientTokenId: The security token included in the request is invalid.", "the test pair is no key of IAM's");
    await aws(cp.url, root, "iam", "update-access-key", "--user-name", "ops", "--access-key-id", key.AccessKeyId, "--status", "Inactive");
    assert.equal(await failureOf(aws(cp.url, key, "sts", "get-caller-identity")), "InvalidClientTokenId: The security token included in the request is invalid.");
    await aws(cp.url, root, "iam", "update-access-key", "--user-name", "ops", "--access-key-id", key.AccessKeyId, "--status", "Active");
    assert.equal((await aws(cp.url, key, "sts", "get-caller-identity")).Arn, `arn:aws:iam::${ACCOUNT}:user/ops`);
    await aws(cp.url, root, "iam", "delete-access-key", "--user-name", "ops", "--access-key-id", key.AccessKeyId);
    assert.equal(await failureOf(aws(cp.url, key, "sts", "get-caller-identity")), "InvalidClientTokenId: The security token included in the request is invalid.");
  });

  it("temporary credentials need their session token and stop at their expiration", { skip: noCli }, async () => {
    await aws(cp.url, root, "iam", "create-role", "--role-name", "short", "--assume-role-policy-document", doc({ Effect: "Allow", Principal: { AWS: ACCOUNT }, Action: "sts:AssumeRole" }));
    // Issued ten minutes "ago" for fifteen minutes: it has five minutes left by the real clock.
    // (STS allows 15 minutes of clock skew, so the CLI's requests still pass the clock check.)
    offsetMs = -600_000;
    const c = (await aws(cp.url, root, "sts", "assume-role", "--role-arn", `arn:aws:iam::${ACCOUNT}:role/short`, "--role-session-name", "brief", "--duration-seconds", "900")).Credentials;
    offsetMs = 0;
    const session: Keys = { AccessKeyId: c.AccessKeyId, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken };
    assert.equal((await aws(cp.url, session, "sts", "get-caller-identity")).Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/short/brief`);
    assert.equal(
      await failureOf(aws(cp.url, { AccessKeyId: c.AccessKeyId, SecretAccessKey: c.SecretAccessKey }, "sts", "get-caller-identity")),
      "InvalidClientTokenId: The security token included in the request is invalid.",
      "without its token a temporary key is nobody",
    );
    offsetMs = 310_000;
    assert.equal(await failureOf(aws(cp.url, session, "sts", "get-caller-identity")), "ExpiredToken: The security token included in the request is expired");
    offsetMs = 0;
  });
});

// The contract other modules build on, over a real SQLite store and a manual clock:
// lookupAccessKey (long-term, root and temporary keys), identityPolicies (a user's, a session's
// role's), AssumeRole's decision for each kind of caller, assumeRoleForService for ECS task
// roles, and sessions' expiry and sweeping.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AwsError, ManualClock } from "../../model/index.js";
import { createCache, openSqliteStore } from "../../store/index.js";
import type { Deps } from "../deps.js";
import { indexes } from "../indexes.js";
import { ROOT } from "../keys.js";
import * as iam from "./index.js";
import { EXPIRED_SESSION_KEPT_MS } from "./sessions.js";

const ACCOUNT = "123456789012";
const OTHER = "210987654321";
const root = iam.rootPrincipal(ACCOUNT);
const doc = (statement: object | object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statement });
const trustService = doc([{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }]);

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AwsError) return `${err.code}(${err.status}): ${err.message}`;
    throw err;
  }
  return "ok";
}

describe("IAM's contract over the store", () => {
  const store = openSqliteStore({ path: ":memory:" });
  const cache = createCache(store, { prefix: ROOT, indexes });
  const clock = new ManualClock(Date.parse("2026-12-04T10:00:00Z"));
  const deps: Deps = { store, cache, clock };
  let alice: iam.CallerIdentity;
  let bob: iam.CallerIdentity;
  before(async () => {
    await cache.start();
    for (const name of ["alice", "bob"]) await iam.createUser(deps, ACCOUNT, { UserName: name });
    const user = (name: string) => {
      const u = iam.getUser(deps, root, { UserName: name }).User as { Arn: string; UserId: string };
      return { kind: "user" as const, arn: u.Arn, userId: u.UserId, accountId: ACCOUNT };
    };
    alice = user("alice");
    bob = user("bob");
  });
  after(async () => {
    cache.stop();
    await store.close();
  });

  it("lookupAccessKey finds a user's key with its principal, a root key, and nothing after deletion", async () => {
    const { AccessKey } = await iam.createAccessKey(deps, alice, {});
    assert.equal(AccessKey.UserName, "alice", "without UserName the caller's own key");
    const found = await iam.lookupAccessKey(deps, AccessKey.AccessKeyId);
    assert.deepEqual(found, {
      accessKeyId: AccessKey.AccessKeyId,
      secretAccessKey: AccessKey.SecretAccessKey,
      accountId: ACCOUNT,
      status: "Active",
      principal: { kind: "user", arn: alice.arn, userId: alice.userId },
    });
    await iam.updateAccessKey(deps, alice, { AccessKeyId: AccessKey.AccessKeyId, Status: "Inactive" });
    assert.equal((await iam.lookupAccessKey(deps, AccessKey.AccessKeyId))?.status, "Inactive");
    await iam.deleteAccessKey(deps, alice, { AccessKeyId: AccessKey.AccessKeyId });
    assert.equal(await iam.lookupAccessKey(deps, AccessKey.AccessKeyId), undefined);

    const rootKey = (await iam.createAccessKey(deps, root, {})).AccessKey;
    assert.equal(rootKey.UserName, undefined);
    assert.deepEqual((await iam.lookupAccessKey(deps, rootKey.AccessKeyId))?.principal, { kind: "root", arn: `arn:aws:iam::${ACCOUNT}:root`, userId: ACCOUNT });
    assert.equal(await iam.lookupAccessKey(deps, "AKIAAAAAAAAAAAAAAAAA"), undefined);
    assert.equal(
      await failure(iam.deleteAccessKey(deps, bob, { AccessKeyId: rootKey.AccessKeyId })),
      `NoSuchEntity(404): The Access Key with id ${rootKey.AccessKeyId} cannot be found.`,
      "bob cannot delete the root's key as his own",
    );
  });

  it("identityPolicies: a user's inline and attached policies; none for root; none for a user made again", async () => {
    await iam.putInlinePolicy(deps, "user", ACCOUNT, "bob", { PolicyName: "describe", PolicyDocument: doc({ Effect: "Allow", Action: "ecs:Describe*", Resource: "*" }) });
    await iam.attachPolicy(deps, "user", ACCOUNT, "bob", { PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" });
    const docs = await iam.identityPolicies(deps, ACCOUNT, bob);
    assert.equal(docs.length, 2);
    assert.deepEqual(docs[0]!.statements[0]!.action, ["ecs:Describe*"]);
    assert.ok(docs[1]!.statements[0]!.action!.includes("ecs:List*"));
    assert.deepEqual(await iam.identityPolicies(deps, ACCOUNT, root), []);

    await iam.deleteInlinePolicy(deps, "user", ACCOUNT, "bob", { PolicyName: "describe" });
    await iam.detachPolicy(deps, "user", ACCOUNT, "bob", { PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" });
    await iam.deleteUser(deps, ACCOUNT, { UserName: "bob" });
    await iam.createUser(deps, ACCOUNT, { UserName: "bob" });
    await iam.putInlinePolicy(deps, "user", ACCOUNT, "bob", { PolicyName: "all", PolicyDocument: doc({ Effect: "Allow", Action: "*", Resource: "*" }) });
    assert.deepEqual(await iam.identityPolicies(deps, ACCOUNT, bob), [], "the old bob's principal gets nothing of the new bob's");
  });

  it("assumeRole: trust naming the user suffices; naming the account needs an identity policy; others are denied", async () => {
    await iam.createRole(deps, ACCOUNT, { RoleName: "named", AssumeRolePolicyDocument: doc({ Effect: "Allow", Principal: { AWS: alice.arn }, Action: "sts:AssumeRole" }) });
    await iam.createRole(deps, ACCOUNT, { RoleName: "account", AssumeRolePolicyDocument: doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" }) });
    const named = `arn:aws:iam::${ACCOUNT}:role/named`;
    const account = `arn:aws:iam::${ACCOUNT}:role/account`;
    const assume = (caller: iam.CallerIdentity, RoleArn: string, extra: object = {}) => iam.assumeRole(deps, caller, "us-east-1", { RoleArn, RoleSessionName: "s1", ...extra });

    const out = await assume(alice, named);
    assert.match(out.Credentials.AccessKeyId, /^ASIA[A-Z2-7]{16}$/);
    assert.match(out.AssumedRoleUser.AssumedRoleId, /^AROA[A-Z2-7]{17}:s1$/);
    assert.equal(out.AssumedRoleUser.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/named/s1`);
    assert.equal(out.Credentials.Expiration, clock.now() + 3600_000);

    const deniedAccount = await failure(assume(alice, account));
    assert.equal(deniedAccount, `AccessDenied(403): User: ${alice.arn} is not authorized to perform: sts:AssumeRole on resource: ${account}`);
    await iam.putInlinePolicy(deps, "user", ACCOUNT, "alice", { PolicyName: "assume", PolicyDocument: doc({ Effect: "Allow", Action: "sts:AssumeRole", Resource: account }) });
    assert.equal(await failure(assume(alice, account)), "ok", "the identity policy completes the account's delegation");
    assert.equal(await failure(assume(root, account)), "ok", "the root needs no identity policy");
    assert.match(await failure(assume(bob, named)), /^AccessDenied\(403\): User: arn:aws:iam::123456789012:user\/bob is not authorized/);
    assert.equal(
      await failure(assume(alice, `arn:aws:iam::${ACCOUNT}:role/missing`)),
      `AccessDenied(403): User: ${alice.arn} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${ACCOUNT}:role/missing`,
      "a missing role is denied like one that does not trust the caller",
    );

    await iam.putInlinePolicy(deps, "user", ACCOUNT, "alice", { PolicyName: "deny", PolicyDocument: doc({ Effect: "Deny", Action: "sts:AssumeRole", Resource: named }) });
    assert.match(await failure(assume(alice, named)), /^AccessDenied/, "an explicit deny wins over a trust naming the user");
    await iam.deleteInlinePolicy(deps, "user", ACCOUNT, "alice", { PolicyName: "deny" });

    assert.equal(await failure(assume(alice, named, { DurationSeconds: 7200 })), "ValidationError(400): The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
    assert.equal(await failure(assume(alice, "arn:aws:s3:::bucket")), "ValidationError(400): Request ARN is invalid");
    assert.match(await failure(assume(alice, named, { Policy: doc({ Effect: "Allow", Action: "*", Resource: "*" }) })), /^ValidationError\(400\): berth does not support Policy/);
  });

  it("assumeRole by a role session: the role's ARN in the trust names its sessions; chaining is capped at an hour", async () => {
    await iam.createRole(deps, ACCOUNT, { RoleName: "first", AssumeRolePolicyDocument: doc({ Effect: "Allow", Principal: { AWS: ACCOUNT }, Action: "sts:AssumeRole" }), MaxSessionDuration: 43200 });
    const first = `arn:aws:iam::${ACCOUNT}:role/first`;
    await iam.createRole(deps, ACCOUNT, {
      RoleName: "second",
      AssumeRolePolicyDocument: doc({ Effect: "Allow", Principal: { AWS: first }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": "abc" } } }),
      MaxSessionDuration: 43200,
    });
    const second = `arn:aws:iam::${ACCOUNT}:role/second`;
    const s1 = await iam.assumeRole(deps, root, "us-east-1", { RoleArn: first, RoleSessionName: "one", DurationSeconds: 7200 });
    const key = (await iam.lookupAccessKey(deps, s1.Credentials.AccessKeyId))!;
    const session: iam.CallerIdentity = { ...key.principal, accountId: key.accountId };
    assert.deepEqual(session, { kind: "assumed-role", arn: `arn:aws:sts::${ACCOUNT}:assumed-role/first/one`, userId: s1.AssumedRoleUser.AssumedRoleId, roleArn: first, accountId: ACCOUNT });
    assert.equal(key.sessionToken, s1.Credentials.SessionToken);
    assert.equal(key.expiration, new Date(clock.now() + 7200_000).toISOString());

    assert.match(await failure(iam.assumeRole(deps, session, "us-east-1", { RoleArn: second, RoleSessionName: "two" })), /^AccessDenied/, "the trust's condition wants the external id");
    const chained = await iam.assumeRole(deps, session, "us-east-1", { RoleArn: second, RoleSessionName: "two", ExternalId: "abc" });
    assert.equal(chained.AssumedRoleUser.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/second/two`);
    assert.equal(
      await failure(iam.assumeRole(deps, session, "us-east-1", { RoleArn: second, RoleSessionName: "two", ExternalId: "abc", DurationSeconds: 7200 })),
      "ValidationError(400): The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
    );
    const other = iam.rootPrincipal(OTHER);
    assert.match(await failure(iam.assumeRole(deps, other, "us-east-1", { RoleArn: first, RoleSessionName: "xx" })), /^AccessDenied/, "another account's root is not this account");
  });

  it("identityPolicies of a session are its role's; a role made again under the same name is another role", async () => {
    await iam.createRole(deps, ACCOUNT, { RoleName: "task", AssumeRolePolicyDocument: trustService });
    await iam.putInlinePolicy(deps, "role", ACCOUNT, "task", { PolicyName: "list", PolicyDocument: doc({ Effect: "Allow", Action: "ecs:ListClusters", Resource: "*" }) });
    await iam.attachPolicy(deps, "role", ACCOUNT, "task", { PolicyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy" });
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/task`;
    const creds = await iam.assumeRoleForService(deps, { accountId: ACCOUNT, roleArn, sessionName: "0123456789abcdef0123456789abcdef", durationSeconds: 6 * 3600, servicePrincipal: "ecs-tasks.amazonaws.com" });
    assert.match(creds.accessKeyId, /^ASIA/);
    assert.equal(creds.expiration, "2026-12-04T16:00:00Z");
    assert.equal(creds.assumedRoleArn, `arn:aws:sts::${ACCOUNT}:assumed-role/task/0123456789abcdef0123456789abcdef`);
    const key = (await iam.lookupAccessKey(deps, creds.accessKeyId))!;
    const docs = await iam.identityPolicies(deps, ACCOUNT, key.principal);
    assert.deepEqual(docs.map((d) => d.statements[0]!.action![0]), ["ecs:ListClusters", "ecr:GetAuthorizationToken"]);

    await iam.deleteInlinePolicy(deps, "role", ACCOUNT, "task", { PolicyName: "list" });
    await iam.detachPolicy(deps, "role", ACCOUNT, "task", { PolicyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy" });
    await iam.deleteRole(deps, ACCOUNT, { RoleName: "task" });
    await iam.createRole(deps, ACCOUNT, { RoleName: "task", AssumeRolePolicyDocument: trustService });
    await iam.putInlinePolicy(deps, "role", ACCOUNT, "task", { PolicyName: "all", PolicyDocument: doc({ Effect: "Allow", Action: "*", Resource: "*" }) });
    assert.deepEqual(await iam.identityPolicies(deps, ACCOUNT, key.principal), [], "the old role's session gets nothing of the new role's");
  });

  it("assumeRoleForService: the role must exist and trust the service, conditions included", async () => {
    const base = { accountId: ACCOUNT, sessionName: "task-1", durationSeconds: 3600, servicePrincipal: "ecs-tasks.amazonaws.com" as const };
    assert.equal(await failure(iam.assumeRoleForService(deps, { ...base, roleArn: `arn:aws:iam::${ACCOUNT}:role/nope` })), "NoSuchEntity(404): The role with name nope cannot be found.");
    assert.equal(
      await failure(iam.assumeRoleForService(deps, { ...base, roleArn: `arn:aws:iam::${ACCOUNT}:role/named` })),
      `AccessDenied(403): Service: ecs-tasks.amazonaws.com is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${ACCOUNT}:role/named`,
    );
    await iam.createRole(deps, ACCOUNT, {
      RoleName: "guarded",
      AssumeRolePolicyDocument: doc({
        Effect: "Allow",
        Principal: { Service: "ecs-tasks.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { ArnLike: { "aws:SourceArn": `arn:aws:ecs:us-east-1:${ACCOUNT}:*` }, StringEquals: { "aws:SourceAccount": ACCOUNT } },
      }),
    });
    const guarded = `arn:aws:iam::${ACCOUNT}:role/guarded`;
    assert.match(await failure(iam.assumeRoleForService(deps, { ...base, roleArn: guarded })), /^AccessDenied/, "no source ARN, the condition fails");
    assert.equal(await failure(iam.assumeRoleForService(deps, { ...base, roleArn: guarded, sourceArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/default` })), "ok");
    assert.match(await failure(iam.assumeRoleForService(deps, { ...base, roleArn: guarded, accountId: OTHER })), /^NoSuchEntity/, "a role of another account is not this account's");
    assert.match(await failure(iam.assumeRoleForService(deps, { ...base, roleArn: guarded, durationSeconds: 60 })), /^ValidationError/);
    assert.match(await failure(iam.assumeRoleForService(deps, { ...base, roleArn: guarded, sessionName: "a b" })), /^ValidationError/);
  });

  it("sessions expire: found with their expiration until swept an hour later; revokeSession ends one at once", async () => {
    await iam.createRole(deps, ACCOUNT, { RoleName: "short", AssumeRolePolicyDocument: trustService });
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/short`;
    const creds = await iam.assumeRoleForService(deps, { accountId: ACCOUNT, roleArn, sessionName: "t1", durationSeconds: 900, servicePrincipal: "ecs-tasks.amazonaws.com" });
    const other = await iam.assumeRoleForService(deps, { accountId: ACCOUNT, roleArn, sessionName: "t2", durationSeconds: 900, servicePrincipal: "ecs-tasks.amazonaws.com" });
    clock.advance(901_000);
    const expired = await iam.lookupAccessKey(deps, creds.accessKeyId);
    assert.ok(expired && Date.parse(expired.expiration!) < clock.now(), "expired, and still found");
    await iam.revokeSession(deps, ACCOUNT, other.accessKeyId);
    assert.equal(await iam.lookupAccessKey(deps, other.accessKeyId), undefined);
    clock.advance(EXPIRED_SESSION_KEPT_MS);
    assert.ok((await iam.sweepExpiredSessions(deps)) >= 1);
    assert.equal(await iam.lookupAccessKey(deps, creds.accessKeyId), undefined);
  });
});

// The authorizer over a real SQLite store with IAM's own records: who may do what, the words of
// a refusal, condition keys from the request and from the caller, the policy cache following
// IAM changes, and role sessions taking their role's policies.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ManualClock } from "../../model/index.js";
import { createCache, openSqliteStore } from "../../store/index.js";
import type { Deps } from "../deps.js";
import * as iam from "../iam/index.js";
import { indexes } from "../indexes.js";
import { ROOT } from "../keys.js";
import { createAuthorizer, type AccessRequest } from "./index.js";

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const doc = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const arn = (resource: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:${resource}`;

describe("authorizing requests by the caller's IAM policies", () => {
  const store = openSqliteStore({ path: ":memory:" });
  const cache = createCache(store, { prefix: ROOT, indexes });
  const clock = new ManualClock(Date.parse("2026-12-05T10:00:00Z"));
  const deps: Deps = { store, cache, clock };
  const authorizer = createAuthorizer(deps);
  const root = iam.rootPrincipal(ACCOUNT);
  const users: Record<string, iam.CallerIdentity> = {};

  async function aUser(name: string, ...statements: object[]): Promise<iam.CallerIdentity> {
    await iam.createUser(deps, ACCOUNT, { UserName: name });
    if (statements.length) await iam.putInlinePolicy(deps, "user", ACCOUNT, name, { PolicyName: "p", PolicyDocument: doc(...statements) });
    const u = iam.getUser(deps, root, { UserName: name }).User as { Arn: string; UserId: string };
    return { kind: "user", arn: u.Arn, userId: u.UserId, accountId: ACCOUNT };
  }
  const ask = (principal: iam.CallerIdentity, service: string, operation: string, input: object = {}, extra: Partial<AccessRequest> = {}) =>
    authorizer.check({ principal, service, operation, input, region: REGION, ...extra });

  before(async () => {
    await cache.start();
    users.reader = await aUser("reader", { Effect: "Allow", Action: "ecs:Describe*", Resource: "*" });
    users.prodOnly = await aUser("prod-only", { Effect: "Allow", Action: "ecs:RunTask", Resource: "*", Condition: { ArnEquals: { "ecs:cluster": arn("cluster/prod") } } });
    users.denied = await aUser("denied", { Effect: "Allow", Action: "ecs:*", Resource: "*" }, { Effect: "Deny", Action: "ecs:DeleteCluster", Resource: "*" });
    users.office = await aUser("office", { Effect: "Allow", Action: "ecs:ListClusters", Resource: "*", Condition: { IpAddress: { "aws:SourceIp": "10.1.0.0/16" } } });
    users.nobody = await aUser("nobody");
    users.deployer = await aUser(
      "deployer",
      { Effect: "Allow", Action: ["ecs:RegisterTaskDefinition", "ecs:RunTask", "ecs:CreateService"], Resource: "*" },
      { Effect: "Allow", Action: "iam:PassRole", Resource: `arn:aws:iam::${ACCOUNT}:role/app-*`, Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } } },
    );
  });
  after(async () => {
    authorizer.close();
    cache.stop();
    await store.close();
  });

  const cases: { name: string; who: () => iam.CallerIdentity; service: string; operation: string; input?: object; extra?: Partial<AccessRequest>; allowed: boolean; message?: string }[] = [
    { name: "the root may do anything", who: () => root, service: "ecs", operation: "DeleteCluster", input: { cluster: "prod" }, allowed: true },
    { name: "ecs:Describe* allows DescribeClusters", who: () => users.reader!, service: "ecs", operation: "DescribeClusters", allowed: true },
    {
      name: "ecs:Describe* does not allow RunTask: refused on the task definition, nothing allowed it",
      who: () => users.reader!,
      service: "ecs",
      operation: "RunTask",
      input: { cluster: "prod", taskDefinition: "web:3" },
      allowed: false,
      message: `User: arn:aws:iam::${ACCOUNT}:user/reader is not authorized to perform: ecs:RunTask on resource: ${arn("task-definition/web:3")} because no identity-based policy allows the ecs:RunTask action`,
    },
    { name: "ecs:cluster condition: RunTask in prod", who: () => users.prodOnly!, service: "ecs", operation: "RunTask", input: { cluster: "prod", taskDefinition: "web:3" }, allowed: true },
    { name: "ecs:cluster condition: not in dev", who: () => users.prodOnly!, service: "ecs", operation: "RunTask", input: { cluster: "dev", taskDefinition: "web:3" }, allowed: false },
    { name: "ecs:cluster condition: the default cluster when none is named", who: () => users.prodOnly!, service: "ecs", operation: "RunTask", input: { taskDefinition: "web:3" }, allowed: false },
    {
      name: "an explicit deny beats ecs:*",
      who: () => users.denied!,
      service: "ecs",
      operation: "DeleteCluster",
      input: { cluster: "prod" },
      allowed: false,
      message: `User: arn:aws:iam::${ACCOUNT}:user/denied is not authorized to perform: ecs:DeleteCluster on resource: ${arn("cluster/prod")} with an explicit deny in an identity-based policy`,
    },
    { name: "ecs:* still allows what is not denied", who: () => users.denied!, service: "ecs", operation: "DeleteService", input: { cluster: "prod", service: "web" }, allowed: true },
    { name: "aws:SourceIp inside the range", who: () => users.office!, service: "ecs", operation: "ListClusters", extra: { sourceIp: "::ffff:10.1.2.3" }, allowed: true },
    { name: "aws:SourceIp outside the range", who: () => users.office!, service: "ecs", operation: "ListClusters", extra: { sourceIp: "127.0.0.1" }, allowed: false },
    { name: "no policy at all: implicit deny", who: () => users.nobody!, service: "elasticloadbalancing", operation: "DescribeLoadBalancers", allowed: false },
    {
      name: "iam:PassRole: registering with a role the caller may pass",
      who: () => users.deployer!,
      service: "ecs",
      operation: "RegisterTaskDefinition",
      input: { family: "web", taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/app-web`, executionRoleArn: "app-exec" },
      allowed: true,
    },
    {
      name: "iam:PassRole: a role outside what the caller may pass is refused, named as ECS names it",
      who: () => users.deployer!,
      service: "ecs",
      operation: "RegisterTaskDefinition",
      input: { family: "web", taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/app-web`, executionRoleArn: "ecsTaskExecutionRole" },
      allowed: false,
      message: `User: arn:aws:iam::${ACCOUNT}:user/deployer is not authorized to perform: iam:PassRole on resource: arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole because no identity-based policy allows the iam:PassRole action`,
    },
    {
      name: "iam:PassRole: a RunTask override's role is passed too",
      who: () => users.deployer!,
      service: "ecs",
      operation: "RunTask",
      input: { taskDefinition: "web:3", overrides: { taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/admin` } },
      allowed: false,
    },
    {
      name: "iam:PassRole: CreateService's service role goes to ecs.amazonaws.com, which the condition does not allow",
      who: () => users.deployer!,
      service: "ecs",
      operation: "CreateService",
      input: { serviceName: "web", taskDefinition: "web:3", role: "app-lb" },
      allowed: false,
    },
    { name: "iam:PassRole: nothing to pass, nothing to check", who: () => users.deployer!, service: "ecs", operation: "RunTask", input: { taskDefinition: "web:3" }, allowed: true },
    { name: "sts:GetCallerIdentity needs no permission", who: () => users.nobody!, service: "sts", operation: "GetCallerIdentity", allowed: true },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const d = await ask(c.who(), c.service, c.operation, c.input, c.extra);
      assert.equal(d.allowed, c.allowed, JSON.stringify(d));
      if (c.message) assert.equal((d as { message: string }).message, c.message);
    });
  }

  it("follows IAM: a policy put after a refusal allows the next request, its deletion refuses again", async () => {
    const nobody = users.nobody!;
    assert.equal((await ask(nobody, "ecs", "ListClusters")).allowed, false);
    await iam.putInlinePolicy(deps, "user", ACCOUNT, "nobody", { PolicyName: "list", PolicyDocument: doc({ Effect: "Allow", Action: "ecs:ListClusters", Resource: "*" }) });
    assert.equal((await ask(nobody, "ecs", "ListClusters")).allowed, true);
    await iam.deleteInlinePolicy(deps, "user", ACCOUNT, "nobody", { PolicyName: "list" });
    assert.equal((await ask(nobody, "ecs", "ListClusters")).allowed, false);
  });

  it("a role session acts with its role's policies (an attached AWS managed one here)", async () => {
    const trust = doc({ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" });
    await iam.createRole(deps, ACCOUNT, { RoleName: "app", AssumeRolePolicyDocument: trust });
    await iam.attachPolicy(deps, "role", ACCOUNT, "app", { PolicyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy" });
    const creds = await iam.assumeRoleForService(deps, { accountId: ACCOUNT, roleArn: `arn:aws:iam::${ACCOUNT}:role/app`, sessionName: "task1", durationSeconds: 3600, servicePrincipal: "ecs-tasks.amazonaws.com" });
    const key = await iam.lookupAccessKey(deps, creds.accessKeyId);
    assert.ok(key);
    const session = { ...key.principal, accountId: ACCOUNT };
    assert.equal((await ask(session, "logs", "PutLogEvents")).allowed, true);
    const refused = await ask(session, "ecs", "ListClusters");
    assert.equal(refused.allowed, false);
    assert.match((refused as { message: string }).message, new RegExp(`^User: arn:aws:sts::${ACCOUNT}:assumed-role/app/task1 is not authorized to perform: ecs:ListClusters on resource: \\*`));
  });
});

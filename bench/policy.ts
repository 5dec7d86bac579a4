// Policy evaluation: decisions per second for a principal with 100 policies attached, the cost
// evaluation adds to every API request. Run: node --import tsx bench/policy.ts [--quick]
//
// The policies are generated from a seed as a realistic mix, 2–6 statements each: Allow on
// wildcard and exact actions of ecs, ec2, elasticloadbalancing, servicediscovery, logs, s3,
// secretsmanager and ssm; ARN resources with wildcards and ${aws:username}; conditions on
// ecs:cluster (ArnEquals / ArnLike), aws:PrincipalTag (StringEquals), aws:SourceIp (IpAddress),
// aws:CurrentTime (DateLessThan) and ...IfExists; Deny statements on aws:SecureTransport,
// NotIpAddress, and a NotAction Deny without MFA. Each document goes through
// parsePolicyDocument as IAM's handlers would store it.
//
// Rows:
// - warm, 100 documents: the same 100 parsed documents evaluated again and again over 64
//   distinct requests (patterns compiled on first use, each document's per-action statement
//   index filled) — a server that keeps parsed documents;
// - warm, one PolicySet: the same documents indexed as one set (one lookup per request for the
//   action's statements) — a server that keeps a PolicySet per principal;
// - first decision: one decision against freshly parsed documents, which compiles all 100
//   (the parse itself is not timed) — what a principal's first request after a policy change pays;
// - with requestResources: the PolicySet's evaluation plus working out the request's resources
//   and condition keys from its input, i.e. the whole authorization work for one API call.
// Also shown: how the decisions split, and the time to parse 100 documents.
import { buildSync } from "esbuild";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { AuthRequest, PolicyDocument, RequestContext, ServicePrefix } from "../src/domain/iam-policy/index.js";
import { seededRng } from "../src/model/index.js";

// Measured on the module as `berth` runs it: bundled by esbuild (scripts/build.mjs), not through
// tsx, whose keepNames wraps every named closure made at run time and costs several times over.
const dir = mkdtempSync(join(tmpdir(), "berth-bench-policy-"));
const bundle = join(dir, "iam-policy.mjs");
buildSync({
  entryPoints: [fileURLToPath(new URL("../src/domain/iam-policy/index.ts", import.meta.url))],
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  outfile: bundle,
  logLevel: "warning",
});
const { parsePolicyDocument, evaluate, requestResources, PolicySet } = (await import(pathToFileURL(bundle).href)) as typeof import("../src/domain/iam-policy/index.js");
rmSync(dir, { recursive: true, force: true });

const quick = process.argv.includes("--quick");
const SECONDS = quick ? 0.5 : 2;
const ACCOUNT = "123456789012";
const REGION = "us-east-1";
const rng = seededRng(13);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

const ACTIONS = [
  "ecs:Describe*", "ecs:List*", "ecs:RunTask", "ecs:StopTask", "ecs:UpdateService", "ecs:CreateService",
  "ec2:Describe*", "ec2:CreateSecurityGroup", "ec2:AuthorizeSecurityGroupIngress",
  "elasticloadbalancing:Describe*", "elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets",
  "servicediscovery:DiscoverInstances", "servicediscovery:Get*",
  "logs:CreateLogStream", "logs:PutLogEvents", "s3:GetObject", "s3:PutObject", "s3:ListBucket",
  "secretsmanager:GetSecretValue", "ssm:GetParameter*", "iam:Get*", "iam:List*",
];
const CLUSTERS = ["prod", "staging", "dev", "batch"];
const ecsArn = (r: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:${r}`;

function resourceFor(action: string): string {
  const service = action.slice(0, action.indexOf(":"));
  switch (service) {
    case "ecs":
      return pick([ecsArn(`task-definition/${pick(["web", "api", "worker"])}:*`), ecsArn(`service/${pick(CLUSTERS)}/*`), ecsArn("cluster/*"), "*"]);
    case "s3":
      return pick(["arn:aws:s3:::artifacts/*", "arn:aws:s3:::home/${aws:username}/*", "arn:aws:s3:::logs-*"]);
    case "secretsmanager":
      return `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${pick(["db", "api-key", "app/*"])}-??????`;
    case "ssm":
      return `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/${pick(["app/*", "shared/*", "${aws:username}/*"])}`;
    case "logs":
      return `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/ecs/*`;
    default:
      return "*";
  }
}

function condition(): Record<string, unknown> | undefined {
  switch (Math.floor(rng() * 6)) {
    case 0:
      return { ArnEquals: { "ecs:cluster": ecsArn(`cluster/${pick(CLUSTERS)}`) } };
    case 1:
      return { ArnLike: { "ecs:cluster": ecsArn("cluster/prod*") } };
    case 2:
      return { StringEquals: { "aws:PrincipalTag/team": pick(["core", "data", "web"]) } };
    case 3:
      return { IpAddress: { "aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16", "2001:db8::/32"] } };
    case 4:
      return { DateLessThan: { "aws:CurrentTime": "2030-01-01T00:00:00Z" }, StringLikeIfExists: { "ecs:task-definition": ecsArn("task-definition/*") } };
    default:
      return undefined;
  }
}

function statement(i: number): Record<string, unknown> {
  const r = rng();
  if (r < 0.07) return { Sid: `DenyPlain${i}`, Effect: "Deny", Action: "*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } };
  if (r < 0.12) return { Sid: `DenyOutside${i}`, Effect: "Deny", Action: pick(["s3:*", "secretsmanager:*", "ecs:Delete*"]), Resource: "*", Condition: { NotIpAddress: { "aws:SourceIp": ["10.0.0.0/8", "127.0.0.0/8"] } } };
  if (r < 0.15) return { Sid: `DenyNoMfa${i}`, Effect: "Deny", NotAction: ["iam:*", "sts:*"], Resource: "*", Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } } };
  const actions = Array.from({ length: 1 + Math.floor(rng() * 4) }, () => pick(ACTIONS));
  const s: Record<string, unknown> = { Sid: `Allow${i}`, Effect: "Allow", Action: [...new Set(actions)], Resource: [...new Set(actions.map(resourceFor))] };
  const c = condition();
  if (c) s.Condition = c;
  return s;
}

function policyTexts(): string[] {
  let n = 0;
  return Array.from({ length: 100 }, () =>
    JSON.stringify({ Version: "2012-10-17", Statement: Array.from({ length: 2 + Math.floor(rng() * 5) }, () => statement(n++)) }),
  );
}

function parseAll(texts: string[]): PolicyDocument[] {
  return texts.map((t) => {
    const r = parsePolicyDocument(t, "identity");
    if (!r.ok) throw new Error(`bench policy refused: ${r.reason}`);
    return r.policy;
  });
}

interface Call {
  service: ServicePrefix;
  operation: string;
  input: Record<string, unknown>;
}

const CALLS: Call[] = [
  { service: "ecs", operation: "DescribeServices", input: { cluster: "prod", services: ["web"] } },
  { service: "ecs", operation: "ListTasks", input: { cluster: "prod" } },
  { service: "ecs", operation: "RunTask", input: { cluster: "prod", taskDefinition: "web:3" } },
  { service: "ecs", operation: "RunTask", input: { cluster: "staging", taskDefinition: "worker:9" } },
  { service: "ecs", operation: "StopTask", input: { cluster: "batch", task: "0f1e2d" } },
  { service: "ecs", operation: "UpdateService", input: { cluster: "prod", service: "api", desiredCount: 3 } },
  { service: "ecs", operation: "DeleteCluster", input: { cluster: "dev" } },
  { service: "ecs", operation: "ListClusters", input: {} },
  { service: "ec2", operation: "DescribeVpcs", input: {} },
  { service: "ec2", operation: "AuthorizeSecurityGroupIngress", input: { GroupId: "sg-0abc" } },
  { service: "elasticloadbalancing", operation: "RegisterTargets", input: { TargetGroupArn: `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/web/0abc` } },
  { service: "elasticloadbalancing", operation: "DescribeTargetHealth", input: {} },
  { service: "servicediscovery", operation: "DiscoverInstances", input: { NamespaceName: "local", ServiceName: "api" } },
  { service: "secretsmanager", operation: "GetSecretValue", input: { SecretId: "db" } },
  { service: "ssm", operation: "GetParameter", input: { Name: "/app/db-url" } },
  { service: "iam", operation: "GetRole", input: { RoleName: "app" } },
  { service: "iam", operation: "CreateUser", input: { UserName: "mallory" } },
];

const PRINCIPALS = ["alice", "bob", "carol", "dave"];

function requests(): { call: Call; request: AuthRequest }[] {
  const out: { call: Call; request: AuthRequest }[] = [];
  for (let k = 0; k < 64; k++) {
    const call = CALLS[k % CALLS.length]!;
    const user = PRINCIPALS[Math.floor(k / CALLS.length) % PRINCIPALS.length]!;
    const { resources, context } = requestResources(call.service, call.operation, call.input, { accountId: ACCOUNT, region: REGION });
    out.push({
      call,
      request: {
        principal: { arn: `arn:aws:iam::${ACCOUNT}:user/${user}`, accountId: ACCOUNT, kind: "user" },
        action: `${call.service}:${call.operation}`,
        resource: resources[0]!,
        context: {
          ...context,
          "aws:username": user,
          "aws:PrincipalTag/team": pick(["core", "data", "web"]),
          "aws:SourceIp": k % 5 === 0 ? "203.0.113.9" : "10.1.2.3",
          "aws:SecureTransport": k % 11 !== 0,
          "aws:CurrentTime": "2026-11-30T12:00:00Z",
          "aws:MultiFactorAuthPresent": k % 7 !== 0,
        },
      },
    });
  }
  return out;
}

/** Runs `pass` (one pass decides `perPass` requests) for SECONDS; decisions per second. */
function rate(perPass: number, pass: () => void): number {
  for (let i = 0; i < 20; i++) pass();
  let n = 0;
  const start = process.hrtime.bigint();
  const until = start + BigInt(Math.round(SECONDS * 1e9));
  let now = start;
  while (now < until) {
    pass();
    n += perPass;
    now = process.hrtime.bigint();
  }
  return n / (Number(now - start) / 1e9);
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

const texts = policyTexts();
const t0 = process.hrtime.bigint();
const policies = parseAll(texts);
const parseMs = Number(process.hrtime.bigint() - t0) / 1e6;
const statements = policies.reduce((n, p) => n + p.statements.length, 0);
const reqs = requests();

const split = { Allow: 0, ExplicitDeny: 0, ImplicitDeny: 0 };
for (const { request } of reqs) split[evaluate(request, policies).decision]++;

let sink = 0;
const warm = rate(reqs.length, () => {
  for (const { request } of reqs) if (evaluate(request, policies).decision === "Allow") sink++;
});
const set = new PolicySet(policies);
const warmSet = rate(reqs.length, () => {
  for (const { request } of reqs) if (evaluate(request, set).decision === "Allow") sink++;
});
// Cold: the first decision against freshly parsed documents compiles all 100 of them.
const coldSets = Array.from({ length: quick ? 20 : 100 }, () => parseAll(texts));
const c0 = process.hrtime.bigint();
for (const set of coldSets) if (evaluate(reqs[0]!.request, set).decision === "Allow") sink++;
const firstMs = Number(process.hrtime.bigint() - c0) / 1e6 / coldSets.length;
const full = rate(reqs.length, () => {
  for (const { call, request } of reqs) {
    const { resources, context } = requestResources(call.service, call.operation, call.input, { accountId: ACCOUNT, region: REGION });
    // The server's own keys and the operation's, as layers (no merged object per request).
    const decided = evaluate({ principal: request.principal, action: request.action, resource: resources[0]!, context: [request.context as RequestContext, context] }, set);
    if (decided.decision === "Allow") sink++;
  }
});

process.stdout.write(
  [
    `100 policies, ${statements} statements, ${texts.reduce((n, t) => n + t.length, 0).toLocaleString("en-US")} characters of JSON; ${reqs.length} distinct requests over ${CALLS.length} operations of 8 services.`,
    `Decisions: ${split.Allow} Allow, ${split.ExplicitDeny} explicit Deny, ${split.ImplicitDeny} implicit Deny. Parsing and checking the 100 documents: ${parseMs.toFixed(1)} ms.`,
    "",
    "| evaluation | decisions/s | µs per decision |",
    "|---|---:|---:|",
    `| warm, 100 documents | ${fmt(warm)} | ${(1e6 / warm).toFixed(2)} |`,
    `| warm, one PolicySet of the 100 | ${fmt(warmSet)} | ${(1e6 / warmSet).toFixed(2)} |`,
    `| PolicySet, with requestResources (the whole check per API call) | ${fmt(full)} | ${(1e6 / full).toFixed(2)} |`,
    "",
    `The first decision against 100 freshly parsed documents (compiling them all): ${firstMs.toFixed(2)} ms.`,
    `Load average when the run ended (2 cores shared with other work): ${loadavg()[0]!.toFixed(1)}.`,
    sink < 0 ? "" : "",
  ].join("\n"),
);

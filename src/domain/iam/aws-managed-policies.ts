// The AWS managed policies berth has built in: the ones task definitions and setup guides name
// most (`arn:aws:iam::aws:policy/…`). They belong to no account, cannot be changed or deleted,
// and every account may attach them. Pure data.
import { createHash } from "node:crypto";
import { formatId } from "./names.js";
import type { ManagedPolicyRecord } from "./records.js";

interface Builtin {
  name: string;
  path: string;
  description: string;
  /** When AWS published the policy (its CreateDate). */
  created: string;
  statements: Record<string, unknown>[];
}

const BUILTINS: Builtin[] = [
  {
    name: "AdministratorAccess",
    path: "/",
    description: "Provides full access to AWS services and resources.",
    created: "2015-02-06T18:39:46Z",
    statements: [{ Effect: "Allow", Action: "*", Resource: "*" }],
  },
  {
    // AWS's ReadOnlyAccess covers every service; this is its part for the services berth
    // answers. Secret values stay out of it, as in AWS's (no secretsmanager:GetSecretValue).
    name: "ReadOnlyAccess",
    path: "/",
    description: "Provides read-only access to AWS services and resources.",
    created: "2015-02-06T18:39:48Z",
    statements: [
      {
        Effect: "Allow",
        Action: [
          "application-autoscaling:Describe*",
          "cloudwatch:Describe*",
          "cloudwatch:Get*",
          "cloudwatch:List*",
          "ec2:Describe*",
          "ecs:Describe*",
          "ecs:List*",
          "elasticloadbalancing:Describe*",
          "iam:Get*",
          "iam:List*",
          "logs:Describe*",
          "logs:FilterLogEvents",
          "logs:Get*",
          "logs:ListTagsForResource",
          "secretsmanager:DescribeSecret",
          "secretsmanager:GetResourcePolicy",
          "secretsmanager:ListSecrets",
          "secretsmanager:ListSecretVersionIds",
          "servicediscovery:DiscoverInstances",
          "servicediscovery:Get*",
          "servicediscovery:List*",
          "ssm:Describe*",
          "ssm:Get*",
          "ssm:List*",
          "sts:GetCallerIdentity",
        ],
        Resource: "*",
      },
    ],
  },
  {
    // AWS's own statements (ECS developer guide, "Amazon ECS task execution IAM role").
    name: "AmazonECSTaskExecutionRolePolicy",
    path: "/service-role/",
    description: "Provides access to other AWS service resources that are required to run Amazon ECS tasks",
    created: "2017-11-16T18:48:22Z",
    statements: [
      {
        Effect: "Allow",
        Action: [
          "ecr:GetAuthorizationToken",
          "ecr:BatchCheckLayerAvailability",
          "ecr:GetDownloadUrlForLayer",
          "ecr:BatchGetImage",
          "logs:CreateLogStream",
          "logs:PutLogEvents",
        ],
        Resource: "*",
      },
    ],
  },
];

function toRecord(b: Builtin): ManagedPolicyRecord {
  const created = Date.parse(b.created);
  // A fixed id per policy, the same on every berth, as AWS's are.
  const digest = createHash("sha256").update(`aws-managed-policy:${b.name}`).digest();
  return {
    PolicyName: b.name,
    PolicyId: formatId("ANPA", digest),
    Arn: `arn:aws:iam::aws:policy${b.path}${b.name}`,
    Path: b.path,
    DefaultVersionId: "v1",
    Description: b.description,
    CreateDate: created,
    UpdateDate: created,
    Tags: [],
    versions: [{ VersionId: "v1", Document: JSON.stringify({ Version: "2012-10-17", Statement: b.statements }, null, 4), CreateDate: created }],
  };
}

const BY_ARN = new Map(BUILTINS.map((b) => toRecord(b)).map((p) => [p.Arn, p]));

export function awsManagedPolicy(arn: string): ManagedPolicyRecord | undefined {
  return BY_ARN.get(arn);
}

export function awsManagedPolicies(): ManagedPolicyRecord[] {
  return [...BY_ARN.values()];
}

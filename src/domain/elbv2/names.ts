// ELBv2's names and ARNs (aws-neighbors.md §1.1): pure.
import { randomBytes, randomInt } from "node:crypto";
import type { Scope } from "../../model/index.js";
import { elbErrors } from "./errors.js";

const base = (s: Scope) => `arn:${s.partition ?? "aws"}:elasticloadbalancing:${s.region}:${s.accountId}:`;
const typeCode = (type: "application" | "network") => (type === "application" ? "app" : "net");

export const elbArns = {
  loadBalancer: (s: Scope, type: "application" | "network", name: string, id: string) => `${base(s)}loadbalancer/${typeCode(type)}/${name}/${id}`,
  targetGroup: (s: Scope, name: string, id: string) => `${base(s)}targetgroup/${name}/${id}`,
  /** listener/app/<lb-name>/<lb-id>/<id>: the load balancer's path after `loadbalancer/`. */
  listener: (lbArn: string, id: string) => `${lbArn.replace(":loadbalancer/", ":listener/")}/${id}`,
  rule: (listenerArn: string, id: string) => `${listenerArn.replace(":listener/", ":listener-rule/")}/${id}`,
};

export type ElbResourceKind = "loadbalancer" | "targetgroup" | "listener" | "listener-rule";

/** How many `/`-separated parts follow the resource type in each kind of ARN. */
const PARTS: Record<ElbResourceKind, number> = { loadbalancer: 3, targetgroup: 2, listener: 4, "listener-rule": 5 };

/**
 * The kind of an ELBv2 ARN of this account and region, or undefined when the text is not one
 * (ARNs of other accounts or regions name nothing berth holds here).
 */
export function kindOfArn(s: Scope, arn: string): ElbResourceKind | undefined {
  if (!arn.startsWith(base(s))) return undefined;
  const rest = arn.slice(base(s).length).split("/");
  const kind = rest[0] as ElbResourceKind;
  if (!(kind in PARTS) || rest.length !== PARTS[kind] + 1) return undefined;
  if (!/^[0-9a-f]{16}$/.test(rest[rest.length - 1]!)) return undefined;
  if (kind !== "targetgroup" && rest[1] !== "app" && rest[1] !== "net") return undefined;
  return kind;
}

/** Refuses text that is not an ARN of the kind asked for, as ELBv2 does (ValidationError). */
export function checkArn(s: Scope, arn: string, kind: ElbResourceKind, member: string): void {
  if (kindOfArn(s, arn) !== kind) throw elbErrors.validation(`'${arn.slice(0, 200)}' is not a valid ${describeKind[kind]} ARN (${member})`);
}

const describeKind: Record<ElbResourceKind, string> = {
  loadbalancer: "load balancer",
  targetgroup: "target group",
  listener: "listener",
  "listener-rule": "listener rule",
};

/** The load balancer ARN a listener or rule ARN lives under. */
export function loadBalancerArnOf(childArn: string): string {
  const [head, path] = [childArn.slice(0, childArn.indexOf("/")), childArn.slice(childArn.indexOf("/") + 1)];
  const [type, name, id] = path.split("/");
  return `${head.replace(/:(listener|listener-rule)$/, ":loadbalancer")}/${type}/${name}/${id}`;
}

/** The listener ARN a rule ARN lives under. */
export const listenerArnOf = (ruleArn: string): string => ruleArn.slice(0, ruleArn.lastIndexOf("/")).replace(":listener-rule/", ":listener/");

/**
 * Load balancer and target group names: 1–32 alphanumerics and hyphens, no hyphen at either end;
 * a load balancer's may not start with `internal-` (its DNS name would be ambiguous).
 */
export function checkName(kind: "Load balancer" | "Target group", name: string): void {
  if (name.length > 32) throw elbErrors.validation(`${kind} name '${name.slice(0, 64)}' cannot be longer than '32' characters`);
  if (!/^[A-Za-z0-9-]+$/.test(name)) throw elbErrors.validation(`${kind} name '${name}' can only contain characters that are alphanumeric characters or hyphens(-)`);
  if (name.startsWith("-") || name.endsWith("-")) throw elbErrors.validation(`${kind} name '${name}' cannot begin or end with a hyphen(-)`);
  if (kind === "Load balancer" && name.toLowerCase().startsWith("internal-")) {
    throw elbErrors.validation(`Load balancer name '${name}' cannot begin with 'internal-'`);
  }
}

/**
 * The name berth's DNS answers with the load balancer's bind address: AWS's shape under
 * `.localhost` (records.ts). Internal application load balancers are prefixed `internal-`, as
 * AWS names them.
 */
export function dnsNameFor(region: string, type: "application" | "network", scheme: "internet-facing" | "internal", name: string, suffix: string): string {
  if (type === "network") return `${name}-${suffix}.elb.${region}.localhost`.toLowerCase();
  return `${scheme === "internal" ? "internal-" : ""}${name}-${suffix}.${region}.elb.localhost`.toLowerCase();
}

/** The random part of a DNS name: 10 digits for an ALB, 16 hex characters for an NLB. */
export const dnsSuffix = (type: "application" | "network"): string =>
  type === "application" ? String(randomInt(1_000_000_000, 9_999_999_999)) : randomBytes(8).toString("hex");

/** us-east-1's hosted zone ids for ALBs and NLBs; berth shows them in every region (docs/design.md). */
export const hostedZoneId = (type: "application" | "network") => (type === "application" ? "Z35SXDOTRQ7X7K" : "Z26RNL4JYFTOTI");

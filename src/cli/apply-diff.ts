// How `apply` decides whether anything changed, so a second apply of the same files changes
// nothing. Pure.
//
// Task definitions are immutable revisions: apply registers a new one only when the document
// differs from the one it registered last, which it recognises by a digest kept in a tag on the
// revision (kubectl keeps its last-applied configuration in an annotation for the same reason:
// ECS fills in defaults, so a described revision never equals the document it came from).
//
// Services are compared field by field on what the document says: a field it leaves out is not
// managed by the document, and ECS's defaults do not count as differences.
import type { CreateServiceCommandInput, RegisterTaskDefinitionCommandInput, Service, UpdateServiceCommandInput } from "@aws-sdk/client-ecs";
import { createHash } from "node:crypto";
import { taskDefName } from "./format.js";
import { APPLIED_TAG } from "./taskdef-input.js";

/** JSON with object keys sorted, so equal documents give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The digest apply tags a revision with: of the document, without that tag. */
export function taskDefinitionDigest(input: RegisterTaskDefinitionCommandInput): string {
  const tags = (input.tags ?? []).filter((t) => t.key !== APPLIED_TAG);
  const doc = { ...input, tags: tags.length ? tags : undefined };
  return createHash("sha256").update(canonicalJson(doc)).digest("hex");
}

/** `want` holds nothing that `have` does not: every field of `want` equals `have`'s. */
export function subsetEqual(want: unknown, have: unknown): boolean {
  if (want === undefined) return true;
  if (Array.isArray(want)) {
    return Array.isArray(have) && have.length === want.length && want.every((w, i) => subsetEqual(w, have[i]));
  }
  if (want !== null && typeof want === "object") {
    if (have === null || typeof have !== "object" || Array.isArray(have)) return false;
    return Object.entries(want as Record<string, unknown>).every(([k, v]) => subsetEqual(v, (have as Record<string, unknown>)[k]));
  }
  if (have instanceof Date && (typeof want === "string" || typeof want === "number")) return new Date(want).getTime() === have.getTime();
  return want === have;
}

/** Fields UpdateService changes in place. */
const UPDATABLE = [
  "desiredCount",
  "deploymentConfiguration",
  "placementConstraints",
  "placementStrategy",
  "networkConfiguration",
  "healthCheckGracePeriodSeconds",
  "enableExecuteCommand",
  "enableECSManagedTags",
  "propagateTags",
  "loadBalancers",
  "serviceRegistries",
  "capacityProviderStrategy",
  "platformVersion",
  "availabilityZoneRebalancing",
  "serviceConnectConfiguration",
  "volumeConfigurations",
  "vpcLatticeConfigurations",
] as const;

/** Fields fixed at creation: a difference needs the service deleted and created again. */
const FIXED = ["launchType", "schedulingStrategy", "deploymentController"] as const;

export interface ServicePlan {
  /** The UpdateService input, or undefined when nothing changed. */
  update?: UpdateServiceCommandInput;
  /** What changed, for people: "desiredCount 2 → 3". */
  changes: string[];
  /** Fields that differ but cannot be updated. */
  fixed: string[];
}

const show = (v: unknown) => (typeof v === "object" ? JSON.stringify(v) : String(v));

/**
 * What UpdateService must change so `current` matches `want`. `wantTaskDefinitionArn` is the
 * document's taskDefinition resolved to an ARN (a family means its latest ACTIVE revision).
 */
export function planServiceUpdate(want: CreateServiceCommandInput, current: Service, cluster: string, wantTaskDefinitionArn?: string): ServicePlan {
  const update: Record<string, unknown> = {};
  const changes: string[] = [];
  if (wantTaskDefinitionArn && wantTaskDefinitionArn !== current.taskDefinition) {
    update.taskDefinition = wantTaskDefinitionArn;
    changes.push(`taskDefinition ${taskDefName(current.taskDefinition)} → ${taskDefName(wantTaskDefinitionArn)}`);
  }
  const w = want as unknown as Record<string, unknown>;
  const c = current as Record<string, unknown>;
  for (const field of UPDATABLE) {
    if (field === "desiredCount" && current.schedulingStrategy === "DAEMON") continue;
    if (subsetEqual(w[field], c[field])) continue;
    update[field] = w[field];
    changes.push(typeof w[field] === "object" ? `${field} changed` : `${field} ${show(c[field] ?? "unset")} → ${show(w[field])}`);
  }
  const fixed = FIXED.filter((f) => !subsetEqual(w[f], c[f])).map((f) => `${f} ${show(c[f] ?? "unset")} → ${show(w[f])}`);
  if (changes.length === 0) return { changes, fixed };
  return { update: { cluster, service: current.serviceName!, ...update } as UpdateServiceCommandInput, changes, fixed };
}

// A described task definition back to a RegisterTaskDefinition input: what `deploy` registers
// as the next revision and what `apply` accepts from describe-task-definition's output.
import type { RegisterTaskDefinitionCommandInput, Tag, TaskDefinition } from "@aws-sdk/client-ecs";

/** Fields DescribeTaskDefinition adds that RegisterTaskDefinition does not take. */
const OUTPUT_ONLY = [
  "taskDefinitionArn",
  "revision",
  "status",
  "requiresAttributes",
  "compatibilities",
  "registeredAt",
  "registeredBy",
  "deregisteredAt",
  "deleteRequestedAt",
] as const;

/** The tag `apply` leaves on a revision: a digest of the document it registered from. */
export const APPLIED_TAG = "berth:applied-sha256";

export function registerInputFrom(td: TaskDefinition | Record<string, unknown>, tags: readonly Tag[] = []): RegisterTaskDefinitionCommandInput {
  const input: Record<string, unknown> = { ...(td as Record<string, unknown>) };
  for (const k of OUTPUT_ONLY) delete input[k];
  const kept = tags.filter((t) => t.key !== APPLIED_TAG);
  if (kept.length) input.tags = kept.map((t) => ({ ...t }));
  else delete input.tags;
  return input as unknown as RegisterTaskDefinitionCommandInput;
}

/** The input with `image` set on one container: the named one, or the only one. */
export function withImage(input: RegisterTaskDefinitionCommandInput, image: string, container?: string): { input: RegisterTaskDefinitionCommandInput; changed: string; from: string } {
  const defs = input.containerDefinitions ?? [];
  const names = defs.map((c) => c.name ?? "");
  const target = container ?? (defs.length === 1 ? names[0] : undefined);
  if (target === undefined) {
    throw new Error(`task definition ${input.family} has ${defs.length} containers (${names.join(", ")}); name one with --container`);
  }
  const i = names.indexOf(target);
  if (i < 0) throw new Error(`task definition ${input.family} has no container '${target}'; its containers are ${names.join(", ")}`);
  const from = defs[i]!.image ?? "";
  const containerDefinitions = defs.map((c, j) => (j === i ? { ...c, image } : c));
  return { input: { ...input, containerDefinitions }, changed: target, from };
}

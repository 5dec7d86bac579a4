// Identifier formats as ECS emits them (see ecs-behavior.md §1.1).
import { randomBytes, randomUUID } from "node:crypto";

/** Task and container instance ids: 32 lowercase hex characters, no hyphens. */
export const hexId = (): string => randomBytes(16).toString("hex");

export const uuid = (): string => randomUUID();

/** Legacy deployment ids: `ecs-svc/` and a positive 19-digit decimal. */
export function deploymentId(): string {
  const n = randomBytes(8).readBigUInt64BE() % 9_000_000_000_000_000_000n;
  return `ecs-svc/${(n + 1_000_000_000_000_000_000n).toString()}`;
}

/** Names of clusters, families, services, capacity providers: 1-255 of [A-Za-z0-9_-]. */
export const NAME_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;

// A container definition's `secrets` as the agent resolves them, pure: what each valueFrom
// names (a Secrets Manager secret, with ECS's `:json-key:version-stage:version-id` suffix, or an
// SSM parameter by name or ARN), which calls fetch them (one GetSecretValue per secret version,
// GetParameters by region in tens, as the ECS agent batches them), what a json-key selects, and
// the reason a task stops with when one cannot be read — ECS's ResourceInitializationError.
import type { AssignedTask } from "../model/index.js";

export type SecretRef =
  | {
      kind: "asm";
      /** The environment variable it becomes. */
      name: string;
      /** The secret's ARN without ECS's suffix: GetSecretValue's SecretId. */
      secretId: string;
      region: string;
      jsonKey?: string;
      versionStage?: string;
      versionId?: string;
    }
  | {
      kind: "ssm";
      name: string;
      /** The parameter's name (an ARN is turned into the name it stands for), as GetParameters takes it. */
      parameter: string;
      region: string;
    };

export type ParsedRefs = { ok: true; refs: Map<string, SecretRef[]> } | { ok: false; reason: string };

/** The prefix of every reason a task stops with for its secrets (ECS's, Fargate and EC2 alike). */
export const SECRETS_FAILURE_PREFIX = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ";

/**
 * Every container's secrets, by container name. `region` is the task's: an SSM name or a secret
 * ARN of another region is read in its own region.
 */
export function secretRefsOf(task: Pick<AssignedTask, "containers">, region: string): ParsedRefs {
  const refs = new Map<string, SecretRef[]>();
  for (const c of task.containers) {
    const list = Array.isArray(c.definition.secrets) ? (c.definition.secrets as Record<string, unknown>[]) : [];
    const out: SecretRef[] = [];
    for (const s of list) {
      const name = typeof s.name === "string" ? s.name : "";
      const valueFrom = typeof s.valueFrom === "string" ? s.valueFrom : "";
      const ref = parseValueFrom(name, valueFrom, region);
      if (typeof ref === "string") return { ok: false, reason: `${SECRETS_FAILURE_PREFIX}${ref}` };
      out.push(ref);
    }
    if (out.length) refs.set(c.name, out);
  }
  return { ok: true, refs };
}

/** One valueFrom; a string is why it names nothing the agent can read. */
export function parseValueFrom(name: string, valueFrom: string, region: string): SecretRef | string {
  if (!name || !valueFrom) return `secret ${JSON.stringify(name)} needs both a name and a valueFrom`;
  if (!valueFrom.startsWith("arn:")) return { kind: "ssm", name, parameter: valueFrom, region };
  const parts = valueFrom.split(":");
  const service = parts[2];
  const arnRegion = parts[3] || region;
  if (service === "secretsmanager") {
    // arn:aws:secretsmanager:region:account:secret:name[:json-key:version-stage:version-id]
    if (parts.length < 7 || parts.length > 10 || parts[5] !== "secret" || !parts[6]) {
      return `invalid secret ARN ${valueFrom} for ${name}: expected arn:aws:secretsmanager:<region>:<account>:secret:<name>[:<json-key>:<version-stage>:<version-id>]`;
    }
    const [jsonKey, versionStage, versionId] = parts.slice(7);
    return {
      kind: "asm",
      name,
      secretId: parts.slice(0, 7).join(":"),
      region: arnRegion,
      ...(jsonKey ? { jsonKey } : {}),
      ...(versionStage ? { versionStage } : {}),
      ...(versionId ? { versionId } : {}),
    };
  }
  if (service === "ssm") {
    // arn:aws:ssm:region:account:parameter/name — a hierarchical name (/a/b) loses its first slash in the ARN.
    const resource = parts.slice(5).join(":");
    if (!resource.startsWith("parameter/") || resource.length === "parameter/".length) {
      return `invalid parameter ARN ${valueFrom} for ${name}: expected arn:aws:ssm:<region>:<account>:parameter/<name>`;
    }
    const rest = resource.slice("parameter/".length);
    return { kind: "ssm", name, parameter: rest.includes("/") ? `/${rest}` : rest, region: arnRegion };
  }
  return `valueFrom ${valueFrom} of ${name} is neither a Secrets Manager secret nor an SSM parameter`;
}

/** One GetSecretValue: a secret at a version (ECS reads each once, whatever keys it selects). */
export interface AsmRead {
  key: string;
  secretId: string;
  region: string;
  versionStage?: string;
  versionId?: string;
}

/** One GetParameters call: up to ten names of one region. */
export interface SsmRead {
  region: string;
  names: string[];
}

export const SSM_BATCH = 10;

export function readsOf(refs: Iterable<SecretRef>): { asm: AsmRead[]; ssm: SsmRead[] } {
  const asm = new Map<string, AsmRead>();
  const ssmByRegion = new Map<string, Set<string>>();
  for (const r of refs) {
    if (r.kind === "asm") {
      const key = asmKey(r);
      if (!asm.has(key)) {
        asm.set(key, { key, secretId: r.secretId, region: r.region, ...(r.versionStage ? { versionStage: r.versionStage } : {}), ...(r.versionId ? { versionId: r.versionId } : {}) });
      }
    } else {
      const names = ssmByRegion.get(r.region) ?? new Set<string>();
      names.add(r.parameter);
      ssmByRegion.set(r.region, names);
    }
  }
  const ssm: SsmRead[] = [];
  for (const [region, names] of ssmByRegion) {
    const all = [...names];
    for (let i = 0; i < all.length; i += SSM_BATCH) ssm.push({ region, names: all.slice(i, i + SSM_BATCH) });
  }
  return { asm: [...asm.values()], ssm };
}

export function asmKey(r: { secretId: string; region: string; versionStage?: string; versionId?: string }): string {
  return [r.region, r.secretId, r.versionStage ?? "", r.versionId ?? ""].join("\n");
}

/**
 * The value a json-key selects in a secret's string: a string as it is, anything else as its
 * JSON text. undefined when the string is no JSON object or has no such key.
 */
export function jsonKeyValue(secretString: string, key: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed) || !Object.hasOwn(parsed, key)) return undefined;
  const v = (parsed as Record<string, unknown>)[key];
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** ECS's reasons (as AWS's stopped tasks show them); `attempts` is how many calls were made. */
export const secretFailures = {
  asmCall: (secretId: string, attempts: number, errorType: string, message: string) =>
    `${SECRETS_FAILURE_PREFIX}unable to retrieve secret from asm: service call has been retried ${attempts} time(s): failed to fetch secret ${secretId} from secrets manager: ${errorType}: ${message}`,
  asmJsonKey: (attempts: number, key: string) =>
    `${SECRETS_FAILURE_PREFIX}unable to retrieve secret from asm: service call has been retried ${attempts} time(s): retrieved secret from Secrets Manager did not contain json key ${key}`,
  asmNoString: (secretId: string, attempts: number) =>
    `${SECRETS_FAILURE_PREFIX}unable to retrieve secret from asm: service call has been retried ${attempts} time(s): secret ${secretId} holds a binary value (SecretBinary), which cannot become an environment variable`,
  ssmCall: (attempts: number, errorType: string, message: string) =>
    `${SECRETS_FAILURE_PREFIX}unable to retrieve secrets from ssm: service call has been retried ${attempts} time(s): ${errorType}: ${message}`,
  ssmInvalid: (attempts: number, names: readonly string[]) =>
    `${SECRETS_FAILURE_PREFIX}unable to retrieve secrets from ssm: service call has been retried ${attempts} time(s): invalid ssm parameters: ${names.join(", ")}`,
  noCredentials: () => `${SECRETS_FAILURE_PREFIX}the task has secrets and no execution role credentials (executionRoleArn is not set)`,
};

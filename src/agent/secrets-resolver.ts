// Reads a task's secrets from berth's own Secrets Manager and SSM APIs, signed with the task's
// execution role credentials — the calls the ECS agent makes — so the role's policies decide:
// a denial, a missing secret or a json-key the secret lacks comes back as the reason the task
// stops with (secret-refs.ts). Values are returned to the caller only; nothing here logs or
// keeps them.
import { jsonCall, JsonCallError, type Credentials, type EndpointTarget } from "../client/index.js";
import { readsOf, secretFailures, asmKey, jsonKeyValue, type SecretRef } from "./secret-refs.js";

export interface SecretsTarget {
  /** The control plane's API (the agent's endpoint). */
  endpoint: EndpointTarget;
  /** The execution role's session. */
  credentials: Credentials;
}

/** By container name: the environment variables its secrets become. */
export type SecretsOutcome = { ok: true; env: Map<string, Record<string, string>> } | { ok: false; reason: string };

export interface ResolveOptions {
  call?: typeof jsonCall;
  /** Calls per read when the API fails transiently (5xx, throttling, the network); default 3. */
  attempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

const SECRETS_MANAGER = { prefix: "secretsmanager", service: "secretsmanager" };
const SSM = { prefix: "AmazonSSM", service: "ssm" };

export async function resolveSecrets(refs: ReadonlyMap<string, readonly SecretRef[]>, target: SecretsTarget, options: ResolveOptions = {}): Promise<SecretsOutcome> {
  const all = [...refs.values()].flat();
  const reads = readsOf(all);
  const asmValues = new Map<string, { value?: string; attempts: number; secretId: string }>();
  const ssmValues = new Map<string, string>();
  const retrying = withRetries(options);
  try {
    await Promise.all([
      ...reads.asm.map(async (r) => {
        const { result, attempts } = await retrying(() =>
          (options.call ?? jsonCall)<{ SecretString?: string }>(
            { endpoint: target.endpoint, region: r.region, credentials: target.credentials, service: SECRETS_MANAGER.service },
            SECRETS_MANAGER.prefix,
            "GetSecretValue",
            { SecretId: r.secretId, ...(r.versionStage ? { VersionStage: r.versionStage } : {}), ...(r.versionId ? { VersionId: r.versionId } : {}) },
          ),
        ).catch((err: unknown) => {
          throw new ReadFailure(secretFailures.asmCall(r.secretId, attemptsOf(err), errorType(err), errorMessage(err)));
        });
        asmValues.set(r.key, { ...(typeof result.SecretString === "string" ? { value: result.SecretString } : {}), attempts, secretId: r.secretId });
      }),
      ...reads.ssm.map(async (r) => {
        const { result, attempts } = await retrying(() =>
          (options.call ?? jsonCall)<{ Parameters?: { Name?: string; Selector?: string; Value?: string }[]; InvalidParameters?: string[] }>(
            { endpoint: target.endpoint, region: r.region, credentials: target.credentials, service: SSM.service },
            SSM.prefix,
            "GetParameters",
            { Names: r.names, WithDecryption: true },
          ),
        ).catch((err: unknown) => {
          throw new ReadFailure(secretFailures.ssmCall(attemptsOf(err), errorType(err), errorMessage(err)));
        });
        if (result.InvalidParameters?.length) throw new ReadFailure(secretFailures.ssmInvalid(attempts, result.InvalidParameters));
        for (const p of result.Parameters ?? []) {
          if (p.Name === undefined || p.Value === undefined) continue;
          ssmValues.set(`${r.region}\n${p.Name}${p.Selector ?? ""}`, p.Value);
        }
        const missing = r.names.filter((n) => !ssmValues.has(`${r.region}\n${n}`));
        if (missing.length) throw new ReadFailure(secretFailures.ssmInvalid(attempts, missing));
      }),
    ]);
  } catch (err) {
    if (err instanceof ReadFailure) return { ok: false, reason: err.message };
    throw err;
  }
  const env = new Map<string, Record<string, string>>();
  for (const [container, list] of refs) {
    const vars: Record<string, string> = {};
    for (const r of list) {
      if (r.kind === "ssm") {
        vars[r.name] = ssmValues.get(`${r.region}\n${r.parameter}`)!;
        continue;
      }
      const read = asmValues.get(asmKey(r))!;
      if (read.value === undefined) return { ok: false, reason: secretFailures.asmNoString(read.secretId, read.attempts) };
      if (r.jsonKey === undefined) {
        vars[r.name] = read.value;
        continue;
      }
      const selected = jsonKeyValue(read.value, r.jsonKey);
      if (selected === undefined) return { ok: false, reason: secretFailures.asmJsonKey(read.attempts, r.jsonKey) };
      vars[r.name] = selected;
    }
    env.set(container, vars);
  }
  return { ok: true, env };
}

class ReadFailure extends Error {}

/** A failed call, with how many calls were made. */
class CallFailure extends Error {
  constructor(
    readonly failure: unknown,
    readonly attempts: number,
  ) {
    super((failure as Error)?.message ?? String(failure));
  }
}

function withRetries(options: ResolveOptions) {
  const max = options.attempts ?? 3;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  return async <T>(fn: () => Promise<T>): Promise<{ result: T; attempts: number }> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return { result: await fn(), attempts: attempt };
      } catch (err) {
        const permanent = err instanceof JsonCallError && err.permanent;
        if (permanent || attempt >= max) throw new CallFailure(err, attempt);
        await sleep(250 * 2 ** (attempt - 1));
      }
    }
  };
}

const attemptsOf = (err: unknown) => (err instanceof CallFailure ? err.attempts : 1);
const causeOf = (err: unknown) => (err instanceof CallFailure ? err.failure : err);
function errorType(err: unknown): string {
  const cause = causeOf(err);
  return cause instanceof JsonCallError ? cause.errorType : "RequestError";
}
function errorMessage(err: unknown): string {
  const cause = causeOf(err);
  return cause instanceof Error ? cause.message : String(cause);
}

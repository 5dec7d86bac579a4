// How the CLI fails: one line on stderr that names the thing and what to do, and an exit code a
// script can branch on. The codes are documented in docs/cli.md; keep the two in step.
import { TASK_DEFINITION_OF_REQUEST } from "./request-subject.js";

export const ExitCode = {
  ok: 0,
  /** The API refused the request, or what the command names does not exist. */
  failed: 1,
  /** Unknown command or flag, a bad argument, a file that cannot be read or parsed. */
  usage: 2,
  /** Nothing answered at the endpoint. */
  unreachable: 3,
  /** `rollout status`: the deployment failed (circuit breaker, rollback). */
  rolloutFailed: 4,
  /** A wait ran past its --timeout. */
  timeout: 5,
  /** Interrupted with Ctrl-C while waiting for an outcome. */
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An expected failure: its message is shown as is, and the process exits with `exitCode`. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = ExitCode.failed) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

export const usageError = (message: string) => new CliError(message, ExitCode.usage);

const NETWORK_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "ECONNRESET", "ETIMEDOUT", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"]);

/** The network error code somewhere in an error's causes (fetch and AggregateError nest them). */
export function networkCode(err: unknown, depth = 0): string | undefined {
  if (!err || typeof err !== "object" || depth > 4) return undefined;
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown; name?: unknown };
  if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return e.code;
  if (e.name === "TimeoutError") return "ETIMEDOUT";
  for (const inner of [e.cause, ...(Array.isArray(e.errors) ? e.errors : [])]) {
    const found = networkCode(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}

const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "no such host",
  EAI_AGAIN: "no such host",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ECONNRESET: "connection reset",
  ETIMEDOUT: "timed out",
  UND_ERR_CONNECT_TIMEOUT: "timed out",
};

export interface ErrorContext {
  endpoint?: string;
  cluster?: string;
  /** The task definition the failed request named (request-subject.ts), for ECS's errors that do not. */
  taskDefinition?: string;
}

/** Any error as the one line and exit code the CLI shows for it. */
export function describeError(err: unknown, ctx: ErrorContext = {}): { message: string; exitCode: number } {
  if (err instanceof CliError) return { message: err.message, exitCode: err.exitCode };
  const code = networkCode(err);
  if (code) {
    return {
      message:
        `cannot reach berth at ${ctx.endpoint ?? "the endpoint"} (${NETWORK_WORDS[code] ?? code}); ` +
        "start it with 'berth up', or point --endpoint (or BERTH_ENDPOINT) at a running server",
      exitCode: ExitCode.unreachable,
    };
  }
  const e = err as { name?: string; message?: string; $metadata?: unknown; $fault?: unknown; [TASK_DEFINITION_OF_REQUEST]?: string };
  if (e && typeof e === "object" && e.$metadata !== undefined && e.name) {
    const taskDefinition = e[TASK_DEFINITION_OF_REQUEST];
    return { message: apiErrorLine(e.name, e.message ?? "", taskDefinition ? { ...ctx, taskDefinition } : ctx), exitCode: ExitCode.failed };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { message: message.split("\n")[0] ?? message, exitCode: ExitCode.failed };
}

function apiErrorLine(name: string, message: string, ctx: ErrorContext): string {
  const text = message.trim() || "(no message)";
  if (name === "ClusterNotFoundException") {
    return `cluster '${ctx.cluster ?? "default"}' not found (${name}); list clusters with 'berth get clusters', or pass --cluster`;
  }
  if (name === "ServiceNotActiveException") return `${text} (${name}); the service is being deleted or was deleted`;
  // ECS's words, with the name they leave out.
  const td = ctx.taskDefinition;
  if (td && text === "Unable to describe task definition.") {
    return `Unable to describe task definition '${td}' (${name}): it is not registered; list them with 'berth get taskdefs'`;
  }
  if (td && text === "TaskDefinition is inactive") {
    return `TaskDefinition '${td}' is inactive (${name}): it was deregistered; name an ACTIVE revision ('berth get taskdefs' lists them)`;
  }
  // The SDK names an answer it could not parse "Deserialization error"/SyntaxError: something
  // other than berth is listening there.
  if (/deserializ/i.test(text) || name === "SyntaxError") {
    return `the server at ${ctx.endpoint ?? "the endpoint"} did not answer like berth (${text.split("\n")[0]}); check --endpoint`;
  }
  return `${text.split("\n")[0]} (${name})`;
}

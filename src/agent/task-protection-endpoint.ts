// The task scale-in protection endpoint: `$ECS_AGENT_URI/task-protection/v1/state`, served by
// the agent beside the metadata endpoint (ECS_AGENT_URI = <metadata base>/api/<token>; the token
// names the container, so a task reaches only its own protection).
//
// As the ECS agent does (its tmds taskprotection handlers), a GET calls GetTaskProtection and a
// PUT {"ProtectionEnabled": bool, "ExpiresInMinutes"?: n} calls UpdateTaskProtection on the
// control plane for this one task, signed with the task role's credentials — so the role needs
// ecs:GetTaskProtection / ecs:UpdateTaskProtection, and a task without a role gets 403. The
// answers keep the agent's shapes: {"protection": {ExpirationDate, ProtectionEnabled, TaskArn}},
// {"failure": {Arn, Detail, Reason}} (both 200), or {"requestID"?, "error": {Arn?, Code, Message}}
// with the API's status. Request fields are matched case-insensitively and unknown ones refused,
// as Go's JSON decoder with DisallowUnknownFields does.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RoleCredentials } from "../model/index.js";

export const PROTECTION_PATH = /^\/api\/([A-Za-z0-9_-]+)\/task-protection\/v1\/state\/?$/;

type Operation = "GetTaskProtection" | "UpdateTaskProtection";

export interface ProtectionAnswer {
  protectedTasks?: { taskArn?: string; protectionEnabled?: boolean; expirationDate?: number }[];
  failures?: { arn?: string; reason?: string; detail?: string }[];
}

/** What the endpoint needs from the agent. */
export interface ProtectionBackend {
  /** Calls the control plane as the task role; rejects with `{ name, message, status, requestId? }` on an API error. */
  call(operation: Operation, input: Record<string, unknown>, credentials: RoleCredentials): Promise<ProtectionAnswer>;
  /** The task role's current credentials (absent: the task has no role, or they have not arrived). */
  credentialsOf(taskArn: string): RoleCredentials | undefined;
}

export interface ProtectionTask {
  taskArn: string;
  clusterArn: string;
}

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

const error = (status: number, code: string, message: string, arn?: string, requestId?: string): Answer => ({
  status,
  body: { ...(requestId ? { requestID: requestId } : {}), error: { ...(arn ? { Arn: arn } : {}), Code: code, Message: message } },
});

/** Reads a PUT body; pure. */
export function parseProtectionRequest(text: string): { enabled: boolean; minutes?: number } | { problem: "decode" | "missing" } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { problem: "decode" };
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return { problem: "decode" };
  let enabled: boolean | undefined;
  let minutes: number | undefined;
  for (const [k, v] of Object.entries(raw)) {
    const key = k.toLowerCase();
    if (key === "protectionenabled") {
      if (v !== null && typeof v !== "boolean") return { problem: "decode" };
      if (v !== null) enabled = v;
    } else if (key === "expiresinminutes") {
      if (v !== null && (typeof v !== "number" || !Number.isInteger(v))) return { problem: "decode" };
      if (v !== null) minutes = v;
    } else return { problem: "decode" };
  }
  if (enabled === undefined) return { problem: "missing" };
  return { enabled, ...(minutes !== undefined ? { minutes } : {}) };
}

/** The endpoint's answer to ECS's answer for one task; pure. */
export function answerOf(res: ProtectionAnswer, taskArn: string): Answer {
  const failures = res.failures ?? [];
  const tasks = res.protectedTasks ?? [];
  if (failures.length > 1 || (failures.length === 0 && tasks.length !== 1)) return error(500, "ServerException", "Unexpected error occurred", taskArn);
  if (failures.length === 1) {
    const f = failures[0]!;
    return { status: 200, body: { failure: { Arn: f.arn ?? taskArn, Detail: f.detail ?? null, Reason: f.reason ?? null } } };
  }
  const p = tasks[0]!;
  return {
    status: 200,
    body: {
      protection: {
        // The agent's Go SDK writes RFC 3339 in whole seconds, null when unprotected.
        ExpirationDate: p.expirationDate === undefined ? null : new Date(Math.floor(p.expirationDate) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
        ProtectionEnabled: p.protectionEnabled ?? false,
        TaskArn: p.taskArn ?? taskArn,
      },
    },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 64 * 1024) break;
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Answers one request for `task` (undefined: the token names no task of this agent). */
export async function protectionAnswer(req: IncomingMessage, task: ProtectionTask | undefined, backend: ProtectionBackend): Promise<Answer> {
  if (req.method !== "GET" && req.method !== "PUT") return error(405, "InvalidParameterException", `method ${req.method} is not allowed; the endpoint answers GET and PUT`);
  let request: { enabled: boolean; minutes?: number } | undefined;
  if (req.method === "PUT") {
    const parsed = parseProtectionRequest(await readBody(req));
    if ("problem" in parsed && parsed.problem === "decode") return error(400, "InvalidParameterException", "UpdateTaskProtection: failed to decode request");
    if (!task) return error(404, "ResourceNotFoundException", "Failed to find a task for the request");
    if ("problem" in parsed) return error(400, "InvalidParameterException", "Invalid request: does not contain 'ProtectionEnabled' field", task.taskArn);
    request = parsed;
  }
  if (!task) return error(404, "ResourceNotFoundException", "Failed to find a task for the request");
  const credentials = backend.credentialsOf(task.taskArn);
  if (!credentials) return error(403, "AccessDeniedException", "Invalid Request: no task IAM role credentials available for task", task.taskArn);
  try {
    const res = request
      ? await backend.call(
          "UpdateTaskProtection",
          { cluster: task.clusterArn, tasks: [task.taskArn], protectionEnabled: request.enabled, ...(request.minutes !== undefined ? { expiresInMinutes: request.minutes } : {}) },
          credentials,
        )
      : await backend.call("GetTaskProtection", { cluster: task.clusterArn, tasks: [task.taskArn] }, credentials);
    return answerOf(res, task.taskArn);
  } catch (err) {
    const e = err as { name?: string; message?: string; status?: number; requestId?: string };
    if (typeof e.status === "number" && e.status > 0) return error(e.status, e.name ?? "ServerException", e.message ?? "", task.taskArn, e.requestId);
    // Never reached the control plane (refused, reset, timed out).
    return error(500, "RequestError", `Failed to call the ECS Task Protection API: ${e.message ?? String(err)}`, task.taskArn);
  }
}

export async function serveTaskProtection(req: IncomingMessage, res: ServerResponse, task: ProtectionTask | undefined, backend: ProtectionBackend): Promise<void> {
  const { status, body } = await protectionAnswer(req, task, backend);
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

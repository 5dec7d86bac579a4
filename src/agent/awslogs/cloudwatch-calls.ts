// The CloudWatch Logs calls the awslogs driver makes — CreateLogGroup, CreateLogStream,
// PutLogEvents — against berth's own API (the agent's endpoint), signed for service `logs` in
// awslogs-region with the credentials the caller hands in (the task's execution role, see
// shipper.ts). The reasons a task stops with are ECS's words for a log driver that could not
// start: Docker's driver creates its stream when the container starts, and a failure there is
// the container's CannotStartContainerError.
import { jsonCall, JsonCallError, type Credentials, type EndpointTarget } from "../../client/index.js";
import type { LogEvent } from "./batching.js";

const TARGET_PREFIX = "Logs_20140328";

export interface LogsTarget {
  endpoint: EndpointTarget;
  region: string;
  credentials: Credentials;
}

export type LogsCall = typeof jsonCall;

/** Creates the group (when asked) and the stream; what already exists is fine. Throws JsonCallError. */
export async function createStream(target: LogsTarget, group: string, stream: string, createGroup: boolean, call: LogsCall = jsonCall): Promise<void> {
  const t = { ...target, service: "logs", timeoutMs: 10_000 };
  if (createGroup) await tolerateExisting(call(t, TARGET_PREFIX, "CreateLogGroup", { logGroupName: group }), "group");
  await tolerateExisting(call(t, TARGET_PREFIX, "CreateLogStream", { logGroupName: group, logStreamName: stream }), "stream");
}

export interface PutAnswer {
  rejectedLogEventsInfo?: { tooNewLogEventStartIndex?: number; tooOldLogEventEndIndex?: number; expiredLogEventEndIndex?: number };
}

export async function putEvents(target: LogsTarget, group: string, stream: string, events: readonly LogEvent[], call: LogsCall = jsonCall): Promise<PutAnswer> {
  return call<PutAnswer>({ ...target, service: "logs", timeoutMs: 15_000 }, TARGET_PREFIX, "PutLogEvents", {
    logGroupName: group,
    logStreamName: stream,
    logEvents: events.map((e) => ({ timestamp: e.timestamp, message: e.message })),
  });
}

async function tolerateExisting(p: Promise<unknown>, what: "group" | "stream"): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (err instanceof JsonCallError && err.errorType === "ResourceAlreadyExistsException") return;
    throw Object.assign(err as Error, { stage: what });
  }
}

/** ECS's stop reason for a container whose awslogs driver could not start (the task then stops). */
export function driverFailureReason(err: unknown): string {
  const stage = (err as { stage?: string }).stage === "group" ? "group" : "stream";
  const detail = err instanceof JsonCallError ? `${err.errorType}: ${err.message}` : `RequestError: send request failed: ${(err as Error).message}`;
  return `CannotStartContainerError: Error response from daemon: failed to initialize logging driver: failed to create Cloudwatch log ${stage}: ${detail}`;
}

/** Worth trying again later: the control plane is away, or it throttled or failed (5xx). */
export function isTransient(err: unknown): boolean {
  return !(err instanceof JsonCallError) || !err.permanent;
}

// The container credentials endpoint (ECS agent's /v2/credentials/<id>, and the legacy
// /v1/credentials?id=<id>), mounted on the metadata server. The answer is the task role's
// credentials exactly as the ECS agent serializes them; errors are its JSON
// ({"code","message","HTTPErrorCode"}) with its codes and texts.
//
// Unlike the ECS agent, which treats the id as a bearer secret, berth also checks who asks
// (authorize, pure): a request from a task's own address (an awsvpc ENI or a bridge-mode
// address, reaching 169.254.170.2 through the host's redirect) may read only that task's id; a
// request over loopback (AWS_CONTAINER_CREDENTIALS_FULL_URI, for tasks on the host's network)
// must carry the task's AWS_CONTAINER_AUTHORIZATION_TOKEN; from anywhere else an Authorization
// header must match when sent, and without one only Docker's bridge (whose container addresses
// the agent does not know) is answered.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RoleCredentials } from "../model/index.js";

export interface CredentialsOwner {
  taskArn: string;
  /** The task's AWS_CONTAINER_AUTHORIZATION_TOKEN. */
  token: string;
  /** The task role's current credentials; undefined until the control plane sent them (agent restart). */
  credentials?: RoleCredentials;
}

export interface CredentialsLookup {
  /** The task whose containers were given this credentials id. */
  byId(id: string): CredentialsOwner | undefined;
  /** The task holding this address in its own network namespace (awsvpc ENI, bridge-mode address). */
  taskAt(address: string): string | undefined;
}

export interface CredentialsRequest {
  /** "" when the path names none. */
  id: string;
  owner?: CredentialsOwner;
  /** The task whose address the request came from. */
  fromTask?: string;
  /** The request came over loopback (127.0.0.0/8, ::1). */
  loopback: boolean;
  authorization?: string;
  /** Sources the agent cannot tell apart (Docker's bridge) may read with the id alone. */
  acceptUnknownSources: boolean;
}

export type CredentialsVerdict = { ok: true; credentials: RoleCredentials } | { ok: false; status: number; code: string; message: string };

/** Decides one request, pure. `prefix` is "CredentialsV2Request: " (or V1). */
export function authorize(r: CredentialsRequest, prefix: string): CredentialsVerdict {
  const refuse = (status: number, code: string, text: string): CredentialsVerdict => ({ ok: false, status, code, message: prefix + text });
  if (!r.id) return refuse(400, "NoIdInRequest", "No Credential ID in the request");
  const owner = r.owner;
  if (!owner) return refuse(400, "InvalidIdInRequest", "Credentials not found");
  if (r.fromTask !== undefined) {
    if (r.fromTask !== owner.taskArn) return refuse(403, "AccessDenied", "the credentials ID belongs to another task; a task can read only its own");
  } else if (r.authorization !== undefined) {
    if (r.authorization !== owner.token) return refuse(403, "AccessDenied", "the Authorization header is not the task's AWS_CONTAINER_AUTHORIZATION_TOKEN");
  } else if (r.loopback) {
    return refuse(401, "Unauthorized", "the request needs the task's AWS_CONTAINER_AUTHORIZATION_TOKEN in its Authorization header");
  } else if (!r.acceptUnknownSources) {
    return refuse(403, "AccessDenied", "the request comes from an address of no task of this agent and carries no Authorization header");
  }
  if (!owner.credentials) return refuse(503, "CredentialsUninitialized", "Credentials uninitialized for ID");
  return { ok: true, credentials: owner.credentials };
}

/** The JSON the ECS agent answers with: these five fields, in this order. */
export function credentialsBody(c: RoleCredentials): string {
  return JSON.stringify({ RoleArn: c.roleArn, AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey, Token: c.sessionToken, Expiration: c.expiration });
}

const V2 = "/v2/credentials";
const V1 = "/v1/credentials";

/** Whether a path is the credentials endpoint's. */
export function isCredentialsPath(pathname: string): boolean {
  return pathname === V1 || pathname === V2 || pathname.startsWith(`${V2}/`);
}

export interface CredentialsEndpointOptions {
  lookup: CredentialsLookup;
  acceptUnknownSources: boolean;
  /** The metadata server's per-task rate limit. */
  allow(taskArn: string): boolean;
}

/** Serves one request of isCredentialsPath. */
export function serveCredentials(req: IncomingMessage, res: ServerResponse, url: URL, options: CredentialsEndpointOptions): void {
  const v1 = url.pathname === V1;
  const prefix = v1 ? "CredentialsV1Request: " : "CredentialsV2Request: ";
  const id = v1 ? (url.searchParams.get("id") ?? "") : decodedId(url.pathname.slice(V2.length + 1));
  const address = plainAddress(req.socket.remoteAddress ?? "");
  const owner = id ? options.lookup.byId(id) : undefined;
  const fromTask = options.lookup.taskAt(address);
  const header = req.headers.authorization;
  const verdict = authorize(
    {
      id,
      ...(owner ? { owner } : {}),
      ...(fromTask !== undefined ? { fromTask } : {}),
      loopback: isLoopback(address),
      ...(header !== undefined ? { authorization: header } : {}),
      acceptUnknownSources: options.acceptUnknownSources,
    },
    prefix,
  );
  if (!verdict.ok) return send(res, verdict.status, JSON.stringify({ code: verdict.code, message: verdict.message, HTTPErrorCode: verdict.status }));
  if (!options.allow(owner!.taskArn)) return send(res, 429, JSON.stringify({ code: "TooManyRequests", message: `${prefix}Too Many Requests`, HTTPErrorCode: 429 }));
  send(res, 200, credentialsBody(verdict.credentials));
}

/** A path segment as an id; a malformed escape is an id no task has (400), not a server fault. */
function decodedId(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** `::ffff:10.0.0.5` → `10.0.0.5`. */
export function plainAddress(address: string): string {
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}

export function isLoopback(address: string): boolean {
  return address === "::1" || /^127\./.test(address);
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

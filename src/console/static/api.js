// The console's client of berth's JSON API: the same POST / with X-Amz-Target that the AWS CLI
// sends, same-origin. In local mode unsigned requests act as the account's root; in strict mode
// every request is signed with the key the person entered (sigv4.js), kept in sessionStorage.
import { presignedQuery, signedHeaders } from "./sigv4.js";

const ECS = "AmazonEC2ContainerServiceV20141113";
const BERTH = "Berth_20261128";
const BERTH_OPS = new Set(["DescribeServiceDecisions", "GetTaskLogs"]);
const KEY = "berth.credentials";

export const config = { authMode: "local", region: "us-east-1" };

export async function loadConfig() {
  const r = await fetch("/console/config.json");
  Object.assign(config, await r.json());
}

export function credentials() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) ?? "null");
  } catch {
    return null;
  }
}
export function setCredentials(c) {
  if (c) sessionStorage.setItem(KEY, JSON.stringify(c));
  else sessionStorage.removeItem(KEY);
}

export class ApiError extends Error {
  constructor(code, message, status) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

/** One API operation of ECS or berth; rejects with ApiError carrying the service's error code. */
export function call(operation, input = {}, { signal } = {}) {
  const berth = BERTH_OPS.has(operation);
  return callJson({ target: `${berth ? BERTH : ECS}.${operation}`, service: berth ? "berth" : "ecs", input, signal });
}

/** A JSON-protocol request to any service on this port: `target` is its X-Amz-Target, `service` its signing name. */
export async function callJson({ target, service, input, signal, version = "1.1" }) {
  const body = JSON.stringify(input);
  const headers = { "content-type": `application/x-amz-json-${version}`, "x-amz-target": target };
  const creds = credentials();
  if (config.authMode === "strict" && creds) {
    Object.assign(headers, await signedHeaders({ credentials: creds, region: config.region, service, host: location.host, path: "/", target, body }));
  }
  const r = await fetch("/", { method: "POST", headers, body, signal });
  const text = await r.text();
  const json = text ? JSON.parse(text) : {};
  if (!r.ok) throw new ApiError(String(json.__type ?? r.status).split("#").pop(), json.message ?? json.Message ?? r.statusText, r.status);
  return json;
}

/** Every page of a List* operation (ECS's nextToken pagination). */
export async function listAll(operation, input, field) {
  const out = [];
  let nextToken;
  do {
    const page = await call(operation, { ...input, ...(nextToken ? { nextToken } : {}) });
    out.push(...(page[field] ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}

/** Describe* in chunks of `size` (DescribeServices takes 10, DescribeTasks 100, DescribeClusters 100). */
export async function describeAll(operation, input, key, names, size, field) {
  const chunks = [];
  for (let i = 0; i < names.length; i += size) chunks.push(names.slice(i, i + size));
  const pages = await Promise.all(chunks.map((c) => call(operation, { ...input, [key]: c })));
  return pages.flatMap((p) => p[field] ?? []);
}

/** The event stream's URL: presigned in strict mode, since an EventSource cannot sign headers. */
export async function eventsUrl(cluster) {
  const params = cluster ? [["cluster", cluster]] : [];
  const creds = credentials();
  if (config.authMode === "strict" && creds) {
    return `/console/events?${await presignedQuery({ credentials: creds, region: config.region, service: "ecs", host: location.host, path: "/console/events", params })}`;
  }
  return `/console/events${cluster ? `?cluster=${encodeURIComponent(cluster)}` : ""}`;
}

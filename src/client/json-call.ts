// One AWS JSON 1.1 call, signed, over fetch: what berth's agent and CLI use where the AWS SDK is
// more than they need (the agent makes a handful of calls at start-up, and its resident memory
// is a target; the CLI's own berth operations are unknown to the SDK). Errors come back as
// JsonCallError with the exception's name and HTTP status, as the SDK raises them. node:http
// rather than fetch: fetch loads undici and its WebAssembly parser, about 8 MB more of an
// agent's resident memory.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { withFailover, type EndpointTarget } from "./endpoints.js";
import { signRequest } from "./sigv4.js";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface JsonCallTarget {
  /** The API's URL, e.g. http://127.0.0.1:4666, or several servers' URLs that fail over (endpoints.ts). */
  endpoint: EndpointTarget;
  region: string;
  credentials: Credentials;
  /** The SigV4 service name (default ecs). */
  service?: string;
  timeoutMs?: number;
}

/** An error answer: name is the exception type (`ClusterNotFoundException`), status the HTTP status. */
export class JsonCallError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = errorType;
  }

  /** 4xx other than throttling: the same request will be refused again. */
  get permanent(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 429 && !/Throttl/.test(this.errorType);
  }
}

/** POSTs `body` to `<targetPrefix>.<operation>` and returns the parsed answer. */
export async function jsonCall<T>(target: JsonCallTarget, targetPrefix: string, operation: string, body: object): Promise<T> {
  return withFailover(target.endpoint, (url) => jsonCallTo<T>(url, target, targetPrefix, operation, body), (err) => err instanceof JsonCallError);
}

async function jsonCallTo<T>(endpoint: string, target: JsonCallTarget, targetPrefix: string, operation: string, body: object): Promise<T> {
  const text = JSON.stringify(body);
  const headers = await signRequest({
    method: "POST",
    url: endpoint,
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `${targetPrefix}.${operation}` },
    body: text,
    region: target.region,
    service: target.service ?? "ecs",
    credentials: target.credentials,
    now: new Date(),
  });
  const res = await post(endpoint, headers, text, target.timeoutMs ?? 30_000);
  const answer = res.body;
  let parsed: Record<string, unknown> | undefined;
  try {
    parsed = JSON.parse(answer) as Record<string, unknown>;
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== "object") {
    throw new JsonCallError("NotJsonAnswer", `${endpoint} answered ${operation} with HTTP ${res.status} and a body that is not JSON`, res.status);
  }
  if (res.status < 200 || res.status >= 300) {
    const type = String(parsed.__type ?? "UnknownError").split("#").pop() || "UnknownError";
    throw new JsonCallError(type, String(parsed.message ?? parsed.Message ?? ""), res.status);
  }
  return parsed as T;
}

/** One POST; resolves with the status and the whole body. */
function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith("https:") ? httpsRequest : httpRequest;
    const req = send(url, { method: "POST", headers: { ...headers, "content-length": String(Buffer.byteLength(body)) }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

// One signed REST-JSON call (EFS's protocol) for the CLI, which has no AWS SDK client of EFS:
// `berth apply` makes the file systems Kubernetes claims need. Errors come back as
// JsonCallError with the code of the x-amzn-ErrorType header (or the body's ErrorCode) and the
// HTTP status, as the SDK raises them.
import { JsonCallError, type JsonCallTarget } from "./json-call.js";
import { endpointUrl } from "./endpoints.js";
import { signRequest } from "./sigv4.js";

export async function restJsonCall<T>(
  target: JsonCallTarget & { service: string },
  method: string,
  path: string,
  query: Record<string, string> = {},
  body?: object,
): Promise<T> {
  const url = new URL(path, endpointUrl(target.endpoint));
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const text = body === undefined ? "" : JSON.stringify(body);
  const headers = await signRequest({
    method,
    url: url.toString(),
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: text,
    region: target.region,
    service: target.service,
    credentials: target.credentials,
    now: new Date(),
  });
  const res = await fetch(url, { method, headers, ...(body === undefined ? {} : { body: text }), signal: AbortSignal.timeout(target.timeoutMs ?? 30_000) });
  const answer = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = answer ? (JSON.parse(answer) as Record<string, unknown>) : {};
  } catch {
    throw new JsonCallError("NotJsonAnswer", `${url.origin} answered ${method} ${path} with HTTP ${res.status} and a body that is not JSON`, res.status);
  }
  if (!res.ok) {
    const code = (res.headers.get("x-amzn-errortype") ?? String(parsed.ErrorCode ?? "UnknownError")).split(":")[0]!;
    throw new JsonCallError(code, String(parsed.Message ?? parsed.message ?? ""), res.status);
  }
  return parsed as T;
}

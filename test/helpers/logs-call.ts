// One CloudWatch Logs call (awsJson 1.1) signed as an SDK signs it (SigV4, service logs), for
// the Logs tests and bench: the parsed answer and its HTTP status.
import { send, signedRequest } from "./sigv4.js";

export async function logsCall(url: string, op: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const u = new URL(url);
  const req = await signedRequest({
    credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" },
    at: new Date(),
    service: "logs",
    host: u.host,
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `Logs_20140328.${op}` },
    body: JSON.stringify(body),
  });
  const res = await send(url, req);
  return { status: res.status, body: res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {} };
}

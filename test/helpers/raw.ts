// Raw HTTP requests to the API, for what SDKs never send: malformed bodies, odd headers.
export interface RawResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export async function rawCall(
  url: string,
  target: string | undefined,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      ...(target ? { "X-Amz-Target": target } : {}),
      ...headers,
    },
    body,
  });
  const text = await res.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { unparsable: text };
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

export const ecsTarget = (op: string) => `AmazonEC2ContainerServiceV20141113.${op}`;

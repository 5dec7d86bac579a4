// SigV4 for the requests berth makes outside the AWS SDK (the agent's calls, the CLI's berth
// operations), with the SDK's own signer (@smithy/signature-v4), so the server sees the region
// and credentials exactly as from any AWS client.
import { SignatureV4 } from "@smithy/signature-v4";
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";

export interface SigningInput {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  region: string;
  service: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  now: Date;
}

/** The signer's hash interface over node:crypto (SHA-256, keyed for HMAC). */
class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** `20150830T123600Z`. */
export function amzDate(now: Date): string {
  return now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** The request's headers with x-amz-date, the session token and authorization added. */
export async function signRequest(input: SigningInput): Promise<Record<string, string>> {
  const url = new URL(input.url);
  const signer = new SignatureV4({ service: input.service, region: input.region, credentials: input.credentials, sha256: Sha256, applyChecksum: false });
  const signed = await signer.sign(
    {
      method: input.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname || "/",
      query: Object.fromEntries(url.searchParams),
      headers: { ...input.headers, host: url.host },
      body: input.body,
    },
    { signingDate: input.now },
  );
  return Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
}

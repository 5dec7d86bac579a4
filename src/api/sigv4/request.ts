// What the verifier reads of an HTTP request, and the key record it checks it against.

/** An HTTP request as received, before anything is trusted. */
export interface SignedRequest {
  method: string;
  /** The path as sent, still percent-encoded, without the query. */
  path: string;
  /** The query string as sent, without the "?"; "" when there is none. */
  rawQuery: string;
  /** Lower-case names; a header sent several times has each of its values. */
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The body's bytes as received. */
  body: Uint8Array;
}

/** Who a key acts as. */
export interface KeyPrincipal {
  kind: "root" | "user" | "assumed-role";
  arn: string;
  userId: string;
  roleArn?: string;
}

/** What IAM knows of an access key (src/domain/iam's lookupAccessKey returns this shape). */
export interface KeyRecord {
  accessKeyId: string;
  secretAccessKey: string;
  accountId: string;
  status: "Active" | "Inactive";
  principal: KeyPrincipal;
  /** Temporary (ASIA…) keys: the session token requests must carry. */
  sessionToken?: string;
  /** Temporary keys: when the session ends (epoch ms, a Date, or ISO 8601). */
  expiration?: number | Date | string;
}

/** Finds an access key; undefined when no such key exists (never made, or deleted). */
export type KeyLookup = (accessKeyId: string) => KeyRecord | undefined | Promise<KeyRecord | undefined>;

/** The first value of a header, or undefined. */
export function firstHeader(request: SignedRequest, name: string): string | undefined {
  const v = request.headers[name];
  return typeof v === "string" ? v : v?.[0];
}

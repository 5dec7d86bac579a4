// Encryption at rest for secret values (Secrets Manager versions, SSM SecureString parameters).
// AES-256-GCM with a random 96-bit IV per value; the record a value belongs to is bound in as
// additional authenticated data, so a sealed value copied into another record (or another
// version) does not open. berth has no KMS: one key per data directory plays the part of the
// account's default key (aws/secretsmanager, alias/aws/ssm).
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/** What a sealed value starts with: the format's version, so the format can change later. */
const PREFIX = "v1.";
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const VAULT_KEY_BYTES = 32;

export interface Vault {
  /** `plaintext` encrypted and bound to `context` (authenticated, not secret), as text for a JSON record. */
  seal(plaintext: Buffer, context: string): string;
  /** The plaintext; throws VaultError when the value was sealed under another key or context, or altered. */
  open(sealed: string, context: string): Buffer;
  /** The sealed value as base64 ciphertext: what SSM answers for a SecureString read without decryption. */
  ciphertext(sealed: string): string;
}

/** A sealed value that does not open: a different data directory's key, another record's value, or damage. */
export class VaultError extends Error {}

export function createVault(key: Buffer): Vault {
  if (key.length !== VAULT_KEY_BYTES) throw new RangeError(`a vault key is ${VAULT_KEY_BYTES} bytes, found ${key.length}`);
  return {
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      cipher.setAAD(Buffer.from(context, "utf8"));
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
    },
    open(sealed, context) {
      if (!sealed.startsWith(PREFIX)) throw new VaultError("not a sealed value");
      const raw = Buffer.from(sealed.slice(PREFIX.length), "base64");
      if (raw.length < IV_BYTES + TAG_BYTES) throw new VaultError("sealed value is truncated");
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES));
        decipher.setAAD(Buffer.from(context, "utf8"));
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
      } catch {
        throw new VaultError("sealed value does not open with this key");
      }
    },
    ciphertext(sealed) {
      return sealed.startsWith(PREFIX) ? sealed.slice(PREFIX.length) : sealed;
    },
  };
}

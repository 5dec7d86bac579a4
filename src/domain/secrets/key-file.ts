// The vault's key: 32 random bytes in `secrets.key` beside the SQLite database, created on the
// first start with mode 0600 (owner only) and read on every later one. Whoever can read the
// data directory's database but not this file sees only ciphertext; backing up the database
// without the key makes the secret values unreadable, which is the point.
import { randomBytes } from "node:crypto";
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { VAULT_KEY_BYTES } from "./vault.js";

export const KEY_FILE = "secrets.key";

/** Reads the data directory's key, creating it (0600) when there is none. */
export function loadOrCreateKey(dataDir: string): Buffer {
  const path = join(dataDir, KEY_FILE);
  let fd: number;
  try {
    // "wx": only if absent, so two processes starting at once cannot both write a key.
    fd = openSync(path, "wx", 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    return readKey(path);
  }
  try {
    const key = randomBytes(VAULT_KEY_BYTES);
    writeSync(fd, `${key.toString("hex")}\n`);
    // The key must be on disk before any value sealed with it is committed to the database.
    fsyncSync(fd);
    return key;
  } finally {
    closeSync(fd);
    syncDir(dataDir);
  }
}

function readKey(path: string): Buffer {
  // A key file others can read is tightened rather than refused: the values are still only as
  // safe as the file, and refusing would keep berth from starting on a copied directory.
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  const text = readFileSync(path, "utf8").trim();
  if (!/^[0-9a-f]{64}$/.test(text)) {
    throw new Error(`${path} is not a berth secrets key (64 hex digits); restore it from a backup, or move it away to start over without the stored secret values`);
  }
  return Buffer.from(text, "hex");
}

function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Some filesystems cannot fsync a directory; the file itself was synced.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The vault of a data directory; ":memory:" (tests only) gets a key that dies with the process. */
export function vaultKeyFor(dataDir: string): Buffer {
  if (dataDir === ":memory:") return randomBytes(VAULT_KEY_BYTES);
  mkdirSync(dataDir, { recursive: true });
  return loadOrCreateKey(dataDir);
}

/**
 * A key file named explicitly (`berth server --secrets-key-file`): several servers on one store
 * must seal and open secret values with the same key, so each is given a copy of one file.
 * It must exist: a server must never start sealing with a key of its own beside the others'.
 */
export function vaultKeyFromFile(path: string): Buffer {
  return readKey(path);
}

// The vault seals values so that only this key and this record's context open them, and the
// key file is made once, owner-only, and refused when it is not a key.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { KEY_FILE, loadOrCreateKey, vaultKeyFor } from "./key-file.js";
import { createVault, VaultError } from "./vault.js";

describe("vault", () => {
  const vault = createVault(randomBytes(32));
  const plaintext = Buffer.from("correct horse battery staple", "utf8");

  it("opens what it sealed, with the same context", () => {
    const sealed = vault.seal(plaintext, "ctx-a");
    assert.ok(sealed.startsWith("v1."));
    assert.ok(!sealed.includes("horse"));
    assert.deepEqual(vault.open(sealed, "ctx-a"), plaintext);
  });
  it("seals the same value differently each time (random IV)", () => {
    assert.notEqual(vault.seal(plaintext, "c"), vault.seal(plaintext, "c"));
  });
  it("refuses another context: a value moved to another record does not open", () => {
    assert.throws(() => vault.open(vault.seal(plaintext, "ctx-a"), "ctx-b"), VaultError);
  });
  it("refuses another key", () => {
    assert.throws(() => createVault(randomBytes(32)).open(vault.seal(plaintext, "c"), "c"), VaultError);
  });
  it("refuses an altered value", () => {
    const sealed = vault.seal(plaintext, "c");
    const raw = Buffer.from(sealed.slice(3), "base64");
    raw[raw.length - 1]! ^= 1;
    assert.throws(() => vault.open(`v1.${raw.toString("base64")}`, "c"), VaultError);
    assert.throws(() => vault.open("v1.AAAA", "c"), VaultError);
    assert.throws(() => vault.open("plain", "c"), VaultError);
  });
  it("hands out the ciphertext as base64 without the format prefix", () => {
    const sealed = vault.seal(plaintext, "c");
    assert.equal(vault.ciphertext(sealed), sealed.slice(3));
    assert.match(vault.ciphertext(sealed), /^[A-Za-z0-9+/]+=*$/);
  });
  it("takes 32-byte keys only", () => {
    assert.throws(() => createVault(randomBytes(16)), RangeError);
  });
});

describe("loadOrCreateKey", () => {
  const dir = mkdtempSync(join(tmpdir(), "berth-key-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("creates the key owner-only on first use and reads the same key later", () => {
    const key = loadOrCreateKey(dir);
    assert.equal(key.length, 32);
    assert.equal(statSync(join(dir, KEY_FILE)).mode & 0o777, 0o600);
    assert.deepEqual(loadOrCreateKey(dir), key);
    assert.equal(readFileSync(join(dir, KEY_FILE), "utf8"), `${key.toString("hex")}\n`);
  });
  it("tightens a key file others could read", () => {
    chmodSync(join(dir, KEY_FILE), 0o644);
    loadOrCreateKey(dir);
    assert.equal(statSync(join(dir, KEY_FILE)).mode & 0o777, 0o600);
  });
  it("refuses a file that is not a key, saying what to do", () => {
    const other = mkdtempSync(join(tmpdir(), "berth-key-"));
    writeFileSync(join(other, KEY_FILE), "not a key\n", { mode: 0o600 });
    assert.throws(() => loadOrCreateKey(other), /is not a berth secrets key/);
    rmSync(other, { recursive: true, force: true });
  });
  it("makes the data directory if needed, and keeps :memory: keys in memory", () => {
    const nested = join(dir, "a", "b");
    assert.equal(vaultKeyFor(nested).length, 32);
    assert.equal(statSync(join(nested, KEY_FILE)).mode & 0o777, 0o600);
    assert.notDeepEqual(vaultKeyFor(":memory:"), vaultKeyFor(":memory:"));
  });
});

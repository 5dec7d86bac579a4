// What the secret-holding services stand on: the domain's store, cache and clock, plus the
// vault that seals values at rest (vault.ts, keyed per data directory by key-file.ts).
import type { Deps } from "../deps.js";
import type { Vault } from "./vault.js";

export interface SecretDeps extends Deps {
  vault: Vault;
}

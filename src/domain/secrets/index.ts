// Secrets for tasks: the vault that seals Secrets Manager and SSM SecureString values at rest,
// its per-data-directory key, and the task-start contract — resolveSecretValueFrom reads a
// container's `secrets[].valueFrom`, secretResources names the IAM action and resource the
// execution role needs for it, secretRetrievalFailure words a stoppedReason as ECS does.
export { createVault, VaultError, type Vault } from "./vault.js";
export { loadOrCreateKey, vaultKeyFor, vaultKeyFromFile, KEY_FILE } from "./key-file.js";
export type { SecretDeps } from "./deps.js";
export { parseValueFrom, type SecretSource, type ParsedValueFrom } from "./value-from.js";
export { resolveSecretValueFrom, secretResources, type ResolvedSecret, type SecretResources } from "./resolve.js";
export { secretRetrievalFailure } from "./reasons.js";

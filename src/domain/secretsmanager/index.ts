// AWS Secrets Manager: secrets with versions and staging labels, values sealed at rest by the
// vault (../secrets), over the same store and cache as ECS.
export { createSecret, putSecretValue, describeSecret, listSecrets, listSecretVersionIds, deleteSecret, restoreSecret, tagResource, untagResource } from "./secrets.js";
export { getSecretValue, readSecretValue, type ReadSecret } from "./values.js";
export { findSecret } from "./lookup.js";
export { purgeExpiredSecrets, secretsManagerIndexes } from "./purge.js";
export { smKeys, type SecretRecord, type SecretVersionRecord } from "./records.js";

// What translating one workload to ECS may look up in the rest of the input.

import type { PersistentVolumeClaimSpec } from "./k8s-types.js";
import type { ResolvedOptions } from "./options.js";

export interface EcsContext {
  options: ResolvedOptions;
  /** ConfigMaps given in the input: name → data. Their values may be copied into a task definition. */
  configMaps: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** Secrets given in the input: name → key names. Values are never copied. */
  secrets: ReadonlyMap<string, readonly string[]>;
  /** ServiceAccounts given in the input: name → the IAM role ARN of its IRSA annotation, if any. */
  serviceAccounts: ReadonlyMap<string, string | undefined>;
  /** PersistentVolumeClaims given in the input: name → spec. */
  claims: ReadonlyMap<string, PersistentVolumeClaimSpec>;
}

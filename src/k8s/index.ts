// Kubernetes ↔ ECS: a pure translator between Kubernetes manifests and ECS documents, the
// rollout arithmetic between the two, and the dictionary behind `berth explain`.

export { toEcs, type EcsTranslation } from "./to-ecs.js";
export { toK8s, type K8sTranslation, type ToK8sInput, type ToK8sOptions } from "./to-k8s.js";
export { readManifests, toYaml } from "./yaml.js";
export { formatReport, type ReportEntry, type ReportKind } from "./report.js";
export type { LoadBalancerWiring } from "./service-to-ecs.js";
export type { TargetHealthCheck } from "./probe.js";
export type { TranslateOptions } from "./options.js";
export {
  FAMILY_LABEL,
  MAXIMUM_PERCENT_ANNOTATION,
  MINIMUM_HEALTHY_PERCENT_ANNOTATION,
  ROLE_ARN_ANNOTATION,
  TARGET_GROUP_ANNOTATION,
} from "./options.js";
export { explainTerm, dictionaryEntries, formatEntry, type DictionaryEntry } from "./dictionary.js";
export { cpuToUnits, memoryToMiB, mibToMemory, parseQuantity, unitsToCpu, type Quantity } from "./quantity.js";
export {
  daemonPercents,
  deploymentPercents,
  ecsBounds,
  k8sDeploymentBounds,
  maximumPercentFor,
  minimumHealthyPercentFor,
  parseFencepost,
  rollingUpdateFor,
  type Fencepost,
} from "./rollout-math.js";
export type { Manifest } from "./k8s-types.js";

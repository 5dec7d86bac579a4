// The subset of Kubernetes' object shapes the translator reads and writes. Fields are
// optional because manifests come from people; the translator checks what it uses.

export type IntOrString = number | string;
export type Labels = Record<string, string>;

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  labels?: Labels;
  annotations?: Record<string, string>;
}

export interface Manifest {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

export interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface ResourceList {
  cpu?: string | number;
  memory?: string | number;
  [name: string]: string | number | undefined;
}

export interface ResourceRequirements {
  requests?: ResourceList;
  limits?: ResourceList;
}

export interface KeySelector {
  name?: string;
  key?: string;
  optional?: boolean;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: KeySelector;
    configMapKeyRef?: KeySelector;
    fieldRef?: { fieldPath?: string };
    resourceFieldRef?: { resource?: string };
  };
}

export interface EnvFromSource {
  prefix?: string;
  configMapRef?: { name?: string; optional?: boolean };
  secretRef?: { name?: string; optional?: boolean };
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  hostPort?: number;
  protocol?: string;
  hostIP?: string;
}

export interface Probe {
  exec?: { command?: string[] };
  httpGet?: { path?: string; port?: IntOrString; scheme?: string; host?: string; httpHeaders?: unknown[] };
  tcpSocket?: { port?: IntOrString };
  grpc?: { port?: number; service?: string };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
  terminationGracePeriodSeconds?: number;
}

export interface SecurityContext {
  privileged?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  readOnlyRootFilesystem?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
  [field: string]: unknown;
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  [field: string]: unknown;
}

export interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  ports?: ContainerPort[];
  resources?: ResourceRequirements;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  securityContext?: SecurityContext;
  volumeMounts?: VolumeMount[];
  stdin?: boolean;
  tty?: boolean;
  /** Only on init containers: "Always" makes it a sidecar. */
  restartPolicy?: string;
  [field: string]: unknown;
}

export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

export interface PodAffinityTerm {
  labelSelector?: LabelSelector;
  topologyKey?: string;
  [field: string]: unknown;
}

export interface Affinity {
  nodeAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] };
    preferredDuringSchedulingIgnoredDuringExecution?: unknown[];
  };
  podAffinity?: Record<string, unknown>;
  podAntiAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
    preferredDuringSchedulingIgnoredDuringExecution?: unknown[];
  };
}

export interface TopologySpreadConstraint {
  maxSkew?: number;
  topologyKey: string;
  whenUnsatisfiable?: string;
  labelSelector?: LabelSelector;
  [field: string]: unknown;
}

export interface Volume {
  name: string;
  emptyDir?: Record<string, unknown>;
  hostPath?: { path?: string; type?: string };
  persistentVolumeClaim?: { claimName?: string; readOnly?: boolean };
  [field: string]: unknown;
}

/** A PersistentVolumeClaim's spec: what storage a pod's volume asks for. */
export interface PersistentVolumeClaimSpec {
  accessModes?: string[];
  resources?: { requests?: { storage?: string | number } };
  storageClassName?: string;
  volumeMode?: string;
  [field: string]: unknown;
}

export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
  nodeSelector?: Labels;
  affinity?: Affinity;
  topologySpreadConstraints?: TopologySpreadConstraint[];
  tolerations?: unknown[];
  serviceAccountName?: string;
  serviceAccount?: string;
  terminationGracePeriodSeconds?: number;
  hostNetwork?: boolean;
  restartPolicy?: string;
  securityContext?: SecurityContext;
  /** Pod-level resources (the PodLevelResources feature): the whole pod's budget. */
  resources?: ResourceRequirements;
  [field: string]: unknown;
}

export interface PodTemplateSpec {
  metadata?: ObjectMeta;
  spec?: PodSpec;
}

export interface RollingUpdate {
  maxSurge?: IntOrString;
  maxUnavailable?: IntOrString;
}

export interface DeploymentSpec {
  replicas?: number;
  selector?: LabelSelector;
  template?: PodTemplateSpec;
  strategy?: { type?: string; rollingUpdate?: RollingUpdate };
  [field: string]: unknown;
}

export interface DaemonSetSpec {
  selector?: LabelSelector;
  template?: PodTemplateSpec;
  updateStrategy?: { type?: string; rollingUpdate?: RollingUpdate };
  [field: string]: unknown;
}

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: IntOrString;
  protocol?: string;
  nodePort?: number;
  appProtocol?: string;
}

export interface ServiceSpec {
  type?: string;
  selector?: Labels;
  ports?: ServicePort[];
  clusterIP?: string;
  [field: string]: unknown;
}

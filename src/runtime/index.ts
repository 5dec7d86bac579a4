// berth's container runtimes: one RuntimeDriver contract (types.ts), three drivers (docker,
// process, simulated) passing one conformance suite (driver-conformance.ts, used by the
// drivers' tests), and detectRuntime() to pick one.
export type {
  Attribute,
  ContainerHealth,
  ContainerMount,
  ContainerSpec,
  ContainerState,
  ContainerStatus,
  ExitInfo,
  HealthCheckDefinition,
  HealthStatus,
  LogLine,
  LogOptions,
  NamespaceHolder,
  NamespaceHolderSpec,
  NetworkBinding,
  NetworkMode,
  PortMapping,
  RegistryAuth,
  RuntimeCapabilities,
  RuntimeDriver,
  RuntimeEvent,
  RuntimeName,
  StopOptions,
  StartOptions,
  TaskNetworkNamespace,
  TransportProtocol,
  Ulimit,
  UlimitName,
  VolumeSpec,
  Unsubscribe,
} from "./types.js";
export type { ContainerStats, CpuStats, MemoryStats, NetworkStats } from "./stats-types.js";
export { ZERO_TIME } from "./stats-types.js";
export { ContainerError, type ContainerErrorName, ContainerNotFoundError, OUT_OF_MEMORY_REASON, truncateReason } from "./errors.js";
export { containerLabels, LABELS } from "./labels.js";
export { ManualTimers, SkippingTimers, systemTimers, type TimerHandle, type Timers } from "./timers.js";
export {
  applyProbeResult,
  HEALTH_CHECK_LIMITS,
  type HealthCheckConfig,
  type HealthProbe,
  initialHealth,
  normalizeHealthCheck,
  parseHealthCommand,
  validateHealthCheck,
} from "./health-check.js";
// The docker driver (and dockerode) is loaded by createRuntimeDriver only when asked for.
export type { DockerDriver, DockerDriverOptions, PullBehavior } from "./docker-driver.js";
export {
  DEFAULT_DOCKER_SOCKET,
  detectDocker,
  detectRuntime,
  dockerConnection,
  type DockerDetection,
  type RuntimeDetection,
} from "./detect-runtime.js";
export { createProcessDriver, detectProcessHost, ProcessDriver, type ProcessDriverOptions, type ProcessHost } from "./process-driver.js";
export { createRuntimeDriver, type RuntimeDriverOptions } from "./create-driver.js";
export { SimulatedDriver, type SimulatedDriverOptions } from "./simulated-driver.js";
export { type SimulatedContainer, SimulatedHost } from "./simulated-host.js";
export { SIMULATE, type SimulatedBehavior, simulatedBehavior } from "./simulate-schedule.js";
export type { Isolation } from "./process-launch.js";
export { isSameProcessAlive, processInfo, signalProcess } from "./process-table.js";

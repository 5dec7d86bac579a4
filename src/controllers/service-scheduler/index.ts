// The service scheduler's pure core (issue #5): decide() turns a snapshot of a service, its
// deployments, tasks and (for DAEMON) instances into actions, waits and bounds. The executor
// (I/O: placement, store writes with compare-and-swap, event ids) lives beside it and applies them.
export { decide, decideReplica } from "./decide.js";
export { decideDaemon } from "./decide-daemon.js";
export {
  NO_HEALTH_CHECK_WAIT_MS,
  classifyTasks,
  isDrainingInstanceStatus,
  isFailedTask,
  isStartFailure,
  runningHealth,
  wasHealthyBeforeStopping,
  type LivePhase,
  type LiveTask,
  type TaskBuckets,
} from "./classify.js";
export { findRollbackTarget } from "./circuit-breaker.js";
export {
  CRASH_BACKOFF_BASE_MS,
  CRASH_BACKOFF_MAX_MS,
  HEALTHY_RUN_MS,
  crashBackoffDelayMs,
  isCrash,
} from "./crash-loop.js";
export {
  applyDeploymentActions,
  type DeploymentState,
  type DeploymentUpdateOptions,
  type UpdatableDeployment,
} from "./deployment-updates.js";
export {
  EVENT_REPEAT_INTERVAL_MS,
  MAX_SERVICE_EVENTS,
  isHealthCheckStopReason,
  isRepeatSuppressed,
  mergeEvents,
  rolloutReasons,
  serviceEvents,
  stopReasons,
  taskIdOf,
} from "./events.js";
export {
  CIRCUIT_BREAKER_MAX_THRESHOLD,
  CIRCUIT_BREAKER_MIN_THRESHOLD,
  LAUNCH_BACKOFF_BASE_MS,
  LAUNCH_BACKOFF_MAX_MS,
  THROTTLE_EVENT_FAILURES,
  circuitBreakerThreshold,
  isStuckConfiguration,
  launchBackoffDelayMs,
  launchHeadroom,
  maximumTotalTasks,
  minimumHealthyTasks,
  stopBudget,
} from "./rollout-math.js";
export * from "./types.js";

// What the service scheduler's decide() reads and what it returns (ecs-behavior.md §4, §5).
//
// The observation is a snapshot the executor assembles from the store: the service record, its
// deployments, its tasks (STOPPED ones too, for failure accounting) and, for DAEMON services, the
// cluster's container instances. Field names and wire values are ECS's, so a Service / Task record
// fills them almost field by field; the few berth-only fields (failure tracking, health summaries)
// say where they come from.
//
// The decision is data: actions for the executor to apply with compare-and-swap, the reasons the
// pass held back (`waits`), the bounds it computed and the inputs it counted — the decision log.

// ---------------------------------------------------------------------------------------------
// Statuses (ECS wire values), with their order declared once.

/** Task lastStatus values in lifecycle order (ecs-behavior.md §2.1); a task only moves forward. */
export const TASK_STATUS_ORDER = [
  "PROVISIONING",
  "PENDING",
  "ACTIVATING",
  "RUNNING",
  "DEACTIVATING",
  "STOPPING",
  "DEPROVISIONING",
  "STOPPED",
  "DELETED",
] as const;
export type TaskStatus = (typeof TASK_STATUS_ORDER)[number];

/**
 * The statuses maximumPercent counts: "tasks in the RUNNING or PENDING state", where PENDING is
 * read as everything before RUNNING. A task whose stop was ordered still counts while its
 * lastStatus is RUNNING; it stops counting once the agent moves it to DEACTIVATING/STOPPING.
 */
export const OCCUPYING_STATUSES: ReadonlySet<string> = new Set(["PROVISIONING", "PENDING", "ACTIVATING", "RUNNING"]);

/** Statuses before RUNNING: reported as the deployment's pendingCount. */
export const PENDING_STATUSES: ReadonlySet<string> = new Set(["PROVISIONING", "PENDING", "ACTIVATING"]);

export type DesiredStatus = "RUNNING" | "STOPPED";
export type HealthStatus = "HEALTHY" | "UNHEALTHY" | "UNKNOWN";
export type DeploymentStatus = "PRIMARY" | "ACTIVE" | "INACTIVE";
export type RolloutState = "IN_PROGRESS" | "COMPLETED" | "FAILED";
export type SchedulingStrategy = "REPLICA" | "DAEMON";
export type ServiceStatus = "ACTIVE" | "DRAINING" | "INACTIVE";
export type StopCode =
  | "TaskFailedToStart"
  | "EssentialContainerExited"
  | "UserInitiated"
  | "ServiceSchedulerInitiated"
  | "SpotInterruption"
  | "TerminationNotice";

// ---------------------------------------------------------------------------------------------
// The observation.

export interface DeploymentCircuitBreaker {
  readonly enable: boolean;
  readonly rollback: boolean;
}

export interface DeploymentConfiguration {
  /** 0..100; REPLICA default 100, DAEMON default 0 (defaults are applied before decide). */
  readonly minimumHealthyPercent: number;
  /** REPLICA default 200; DAEMON must be 100. */
  readonly maximumPercent: number;
  readonly deploymentCircuitBreaker?: DeploymentCircuitBreaker;
}

/**
 * Launch throttling and failure accounting that must survive between passes (berth keeps it on
 * the service record; ECS keeps the equivalent internally). decide() returns a
 * `setFailureTracking` action whenever it changes; start from `INITIAL_FAILURE_TRACKING`.
 */
export interface FailureTracking {
  /**
   * Watermark of the stopped tasks already counted: every task with stoppedAt below it, and
   * those at exactly it whose ARN is in `countedAtWatermark`. A task is counted once, however
   * often it is observed.
   */
  readonly countedThrough: number;
  readonly countedAtWatermark: readonly string[];
  /** Consecutive launch rounds of the PRIMARY deployment whose tasks stopped before RUNNING. */
  readonly consecutiveStartFailures: number;
  /** stoppedAt of the latest start failure counted (epoch ms). */
  readonly lastStartFailureAt?: number;
  /** The PRIMARY deployment the counter belongs to: a new deployment resets throttling. */
  readonly deploymentId?: string;
  /** The PRIMARY deployment's crash loop (crash-loop.ts); absent when none is under way. */
  readonly crashLoop?: CrashLoopTracking;
}

/**
 * berth's crash-loop back-off (crash-loop.ts): tasks of the PRIMARY deployment that stopped by
 * themselves soon after RUNNING, since the last healthy run.
 */
export interface CrashLoopTracking {
  /** Consecutive crash rounds; a batch of tasks crashing together is one round. */
  readonly rounds: number;
  /** Tasks counted in those rounds. */
  readonly crashes: number;
  /** stoppedAt of the crash that opened the current round: the back-off runs from here (epoch ms). */
  readonly roundOpenedAt: number;
  /** stoppedAt of the newest counted crash: a healthy run must start after it (epoch ms). */
  readonly lastCrashAt: number;
  /** The newest crash's stoppedReason and exit code, for the decision log. */
  readonly lastReason: string;
  /** The longest time from RUNNING to stopping among the counted crashes (ms). */
  readonly longestRunMs: number;
}

export const INITIAL_FAILURE_TRACKING: FailureTracking = {
  countedThrough: 0,
  countedAtWatermark: [],
  consecutiveStartFailures: 0,
};

/** A service event as stored on the service (newest first). */
export interface ServiceEventRecord {
  readonly id?: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly message: string;
}

export interface ObservedService {
  readonly serviceName: string;
  readonly serviceArn?: string;
  /** DRAINING/INACTIVE (being deleted) drive the service to zero tasks. Defaults to ACTIVE. */
  readonly status?: ServiceStatus;
  /** Ignored for DAEMON services, whose desired count is computed from the instances. */
  readonly desiredCount: number;
  readonly schedulingStrategy: SchedulingStrategy;
  readonly deploymentConfiguration: DeploymentConfiguration;
  /** Default 0. */
  readonly healthCheckGracePeriodSeconds?: number;
  /** True when the service has loadBalancers: tasks must also be healthy in their target groups. */
  readonly loadBalanced?: boolean;
  /** The target groups of the service's loadBalancers: the decision log shows each, targets or not. */
  readonly targetGroupArns?: readonly string[];
  readonly failureTracking?: FailureTracking;
  /** The service's events, newest first (only the recent ones matter: for repeat suppression). */
  readonly events?: readonly ServiceEventRecord[];
}

export interface ObservedDeployment {
  /** `ecs-svc/<digits>`. */
  readonly id: string;
  readonly status: DeploymentStatus;
  readonly taskDefinitionArn: string;
  readonly desiredCount: number;
  readonly pendingCount?: number;
  readonly runningCount?: number;
  readonly failedTasks: number;
  readonly rolloutState?: RolloutState;
  readonly rolloutStateReason?: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  /**
   * Whether the task definition has essential containers with health checks (then a task is
   * healthy only when its healthStatus is HEALTHY). Without them ECS waits 40 s after RUNNING.
   */
  readonly containerHealthChecks?: boolean;
  /**
   * berth-only: set (through setDeploymentCounts) once a task of this deployment was healthy;
   * the circuit breaker then leaves its "failed to start" stage and restarts its count.
   */
  readonly hadHealthyTask?: boolean;
  /** berth-only: for a rollback deployment, the COMPLETED deployment it rolls back to. */
  readonly rollbackTargetId?: string;
}

export interface LoadBalancerHealth {
  /** Aggregate over the task's targets: UNHEALTHY if any target group says unhealthy. */
  readonly status: HealthStatus;
  /** The target group that failed, for the stoppedReason "Task failed ELB health checks in ...". */
  readonly unhealthyTargetGroupArn?: string;
  /** That target's port, ELB's description and (instance targets) its instance id: ECS's event. */
  readonly unhealthyTarget?: { readonly port: number; readonly description: string; readonly instanceId?: string };
  /**
   * Each target of the task as the load balancer sees it now: ELB's state, or "unregistered"
   * before the task is registered. For the decision log.
   */
  readonly targets?: readonly { readonly targetGroupArn: string; readonly state: string }[];
}

export interface ObservedTask {
  readonly taskArn: string;
  /** The task's startedBy: the id of the deployment that launched it. */
  readonly deploymentId: string;
  readonly taskDefinitionArn?: string;
  readonly lastStatus: TaskStatus;
  readonly desiredStatus: DesiredStatus;
  /** Aggregate of the essential containers' health (ecs-behavior.md §3). */
  readonly healthStatus?: HealthStatus;
  /** From the load balancer controller; absent when the service has no load balancer. */
  readonly loadBalancerHealth?: LoadBalancerHealth;
  /** Epoch milliseconds, as on the Task record. */
  readonly createdAt: number;
  readonly startedAt?: number;
  readonly stoppingAt?: number;
  readonly stoppedAt?: number;
  readonly stopCode?: StopCode | string;
  readonly stoppedReason?: string;
  /** Of the essential container that exited, when known (informational). */
  readonly exitCode?: number | null;
  readonly containerInstanceArn?: string;
  /**
   * Status of the task's container instance; absent for Fargate. When the instance record is
   * gone (deregistered), say "INACTIVE" so the task is replaced like one on a draining instance.
   */
  readonly instanceStatus?: string;
  /** For spreading scale-in victims across zones as ECS does. */
  readonly availabilityZone?: string;
  /**
   * Task scale-in protection (UpdateTaskProtection): the epoch ms it expires at, present only
   * while it holds. Scale-in and deployments never choose the task before then (protection.ts).
   */
  readonly protectedUntil?: number;
}

/** A container instance, for DAEMON services. */
export interface ObservedInstance {
  readonly containerInstanceArn: string;
  readonly status: string;
  /** Defaults to true. A disconnected agent gets no new tasks. */
  readonly agentConnected?: boolean;
  /** Whether the instance meets the service's placement constraints (evaluated by the executor). */
  readonly satisfiesConstraints: boolean;
  /**
   * Tasks of other services/standalone still on the instance. Daemon tasks stop last: on a
   * DRAINING instance they are stopped only once this reaches 0. Defaults to 0.
   */
  readonly otherTaskCount?: number;
}

export interface SchedulerObservation {
  readonly service: ObservedService;
  /** PRIMARY and ACTIVE deployments; INACTIVE ones may be included (rollback looks for them). */
  readonly deployments: readonly ObservedDeployment[];
  /** Every task of the service the store still holds, STOPPED ones included. */
  readonly tasks: readonly ObservedTask[];
  /** DAEMON only: the cluster's container instances. */
  readonly instances?: readonly ObservedInstance[];
}

// ---------------------------------------------------------------------------------------------
// The decision.

/** Why a launch or stop happens: for the decision log and the executor's event texts. */
export type LaunchCause = "scale" | "deployment" | "replace" | "daemon";
export type StopCause = "scale-in" | "deployment" | "unhealthy" | "draining" | "daemon" | "service-deleted";

export interface LaunchAction {
  readonly kind: "launch";
  readonly deploymentId: string;
  readonly taskDefinitionArn: string;
  readonly count: number;
  /** DAEMON: the instance the task must run on. */
  readonly instanceArn?: string;
  readonly cause: LaunchCause;
  /**
   * How many of these tasks replace unhealthy ones: the executor appends
   * " Amazon ECS replaced N tasks due to an unhealthy status." to its "has started" event.
   */
  readonly replacesUnhealthy?: number;
}

export interface StopAction {
  readonly kind: "stop";
  readonly taskArn: string;
  readonly deploymentId: string;
  readonly stopCode: "ServiceSchedulerInitiated";
  /** The task's stoppedReason, ECS's text. */
  readonly reason: string;
  readonly cause: StopCause;
}

export interface SetRolloutStateAction {
  readonly kind: "setRolloutState";
  readonly deploymentId: string;
  readonly rolloutState: RolloutState;
  readonly rolloutStateReason: string;
}

export interface SetDeploymentStatusAction {
  readonly kind: "setDeploymentStatus";
  readonly deploymentId: string;
  readonly status: DeploymentStatus;
}

/** Emitted only when a value differs from the observed deployment. */
export interface SetDeploymentCountsAction {
  readonly kind: "setDeploymentCounts";
  readonly deploymentId: string;
  readonly desiredCount: number;
  readonly pendingCount: number;
  readonly runningCount: number;
  readonly failedTasks: number;
  readonly hadHealthyTask: boolean;
}

/**
 * The circuit breaker's rollback: the executor creates a new PRIMARY deployment (new id) exactly
 * as UpdateService would, with this task definition, rolloutState IN_PROGRESS and this reason;
 * the failed PRIMARY becomes ACTIVE.
 */
export interface CreateRollbackDeploymentAction {
  readonly kind: "createRollbackDeployment";
  readonly failedDeploymentId: string;
  readonly targetDeploymentId: string;
  readonly taskDefinitionArn: string;
  readonly desiredCount: number;
  readonly rolloutStateReason: string;
}

export interface SetFailureTrackingAction {
  readonly kind: "setFailureTracking";
  readonly tracking: FailureTracking;
}

/**
 * A service event; the executor gives it an id and createdAt = now, newest first, capped.
 * decide() says everything except "has started N tasks" and "has stopped N running tasks", which
 * the executor builds (serviceEvents.startedTasks / stoppedTasks) from the launches and stops that
 * actually landed.
 */
export interface EventAction {
  readonly kind: "event";
  readonly message: string;
}

export type ServiceAction =
  | LaunchAction
  | StopAction
  | SetRolloutStateAction
  | SetDeploymentStatusAction
  | SetDeploymentCountsAction
  | CreateRollbackDeploymentAction
  | SetFailureTrackingAction
  | EventAction;

export type ServiceActionKind = ServiceAction["kind"];

/** The walls this pass computed (ecs-behavior.md §4.2), for the decision log. */
export interface Bounds {
  readonly desired: number;
  readonly minimumHealthyPercent: number;
  readonly maximumPercent: number;
  /** ceil(desired × minimumHealthyPercent / 100). */
  readonly minimumHealthy: number;
  /** floor(desired × maximumPercent / 100). */
  readonly maximumTotal: number;
  /** Healthy tasks of all deployments at the start of the pass. */
  readonly healthy: number;
  /** Tasks counted by maximumPercent (running + pending) at the start of the pass. */
  readonly total: number;
  /** max(0, maximumTotal − total): how many launches the bound allowed. */
  readonly launchHeadroom: number;
  /** max(0, healthy − minimumHealthy): how many healthy tasks the bound allowed to stop. */
  readonly stopBudget: number;
  /** Failed tasks that trip the circuit breaker, when it is enabled. */
  readonly circuitBreakerThreshold?: number;
}

/** What one deployment looked like to this pass. */
export interface DeploymentInputs {
  readonly id: string;
  readonly status: DeploymentStatus;
  readonly rolloutState?: RolloutState;
  readonly desired: number;
  readonly pending: number;
  readonly running: number;
  readonly healthy: number;
  /** RUNNING but not yet healthy (40 s wait, health check not passed yet, grace period). */
  readonly starting: number;
  readonly unhealthy: number;
  /** Ordered to stop or on their way down. */
  readonly stopping: number;
  readonly onDrainingInstance: number;
  readonly failedTasks: number;
}

export interface DecisionInputs {
  readonly strategy: SchedulingStrategy;
  readonly deployments: readonly DeploymentInputs[];
  /** Tasks whose deployment is not in the observation (treated as old). */
  readonly orphanTasks: number;
  /** DAEMON: instances that should run the daemon. */
  readonly eligibleInstances?: number;
  readonly launchBackoffUntil?: number;
  /** A load-balanced service: each target group's targets of this service by ELB state (the load balancer's view). */
  readonly targetGroups?: readonly TargetGroupInputs[];
}

export interface TargetGroupInputs {
  readonly targetGroupArn: string;
  /** ELB state (healthy, unhealthy, initial, draining, unused, unavailable) → how many targets. */
  readonly targets: Readonly<Record<string, number>>;
}

export interface Decision {
  readonly actions: readonly ServiceAction[];
  /** Why the pass did less than it would like: human sentences for the decision log. */
  readonly waits: readonly string[];
  readonly bounds: Bounds;
  readonly inputs: DecisionInputs;
  /** Look again after this long even if nothing changes (grace periods, back-off, steady-state repeat). */
  readonly requeueAfterMs?: number;
  /**
   * The service is at steady state after this pass (ecs-behavior.md §4.8): exactly the desired
   * healthy tasks, all of the PRIMARY deployment, nothing pending or stopping, no other
   * deployment left. For a service being deleted: its last task is gone.
   */
  readonly steady: boolean;
}

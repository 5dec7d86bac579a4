// Builders for the scheduler's tests (not part of the public surface). Defaults describe a
// healthy, boring service so each test states only what matters to it.

import type {
  Decision,
  FailureTracking,
  ObservedDeployment,
  ObservedInstance,
  ObservedService,
  ObservedTask,
  RolloutState,
  SchedulerObservation,
  ServiceAction,
  ServiceEventRecord,
  TaskStatus,
} from "./types.js";

/** The "now" of every table test. */
export const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;

export const taskArn = (id: string): string => `arn:aws:ecs:us-east-1:123456789012:task/default/${id}`;
export const instanceArn = (id: string): string => `arn:aws:ecs:us-east-1:123456789012:container-instance/default/${id}`;
export const tdArn = (rev: number): string => `arn:aws:ecs:us-east-1:123456789012:task-definition/web:${rev}`;

export interface ServiceOptions {
  name?: string;
  desired?: number;
  min?: number;
  max?: number;
  breaker?: boolean | { enable: boolean; rollback: boolean };
  grace?: number;
  loadBalanced?: boolean;
  strategy?: "REPLICA" | "DAEMON";
  status?: "ACTIVE" | "DRAINING" | "INACTIVE";
  events?: ServiceEventRecord[];
  tracking?: FailureTracking;
}

export function aService(o: ServiceOptions = {}): ObservedService {
  const daemon = o.strategy === "DAEMON";
  const breaker = o.breaker === true ? { enable: true, rollback: true } : o.breaker === false || o.breaker === undefined ? undefined : o.breaker;
  return {
    serviceName: o.name ?? "web",
    serviceArn: `arn:aws:ecs:us-east-1:123456789012:service/default/${o.name ?? "web"}`,
    status: o.status ?? "ACTIVE",
    desiredCount: o.desired ?? 0,
    schedulingStrategy: o.strategy ?? "REPLICA",
    deploymentConfiguration: {
      minimumHealthyPercent: o.min ?? (daemon ? 0 : 100),
      maximumPercent: o.max ?? (daemon ? 100 : 200),
      ...(breaker ? { deploymentCircuitBreaker: breaker } : {}),
    },
    healthCheckGracePeriodSeconds: o.grace ?? 0,
    loadBalanced: o.loadBalanced ?? false,
    ...(o.tracking ? { failureTracking: o.tracking } : {}),
    events: o.events ?? [],
  };
}

export interface DeploymentOptions {
  id: string;
  status?: "PRIMARY" | "ACTIVE" | "INACTIVE";
  td?: number;
  desired?: number;
  rolloutState?: RolloutState;
  /** Minutes before NOW. */
  age?: number;
  failedTasks?: number;
  checks?: boolean;
  hadHealthyTask?: boolean;
  rollbackTargetId?: string;
  pending?: number;
  running?: number;
}

export function aDeployment(o: DeploymentOptions): ObservedDeployment {
  return {
    id: o.id,
    status: o.status ?? "PRIMARY",
    taskDefinitionArn: tdArn(o.td ?? 1),
    desiredCount: o.desired ?? 0,
    ...(o.pending !== undefined ? { pendingCount: o.pending } : {}),
    ...(o.running !== undefined ? { runningCount: o.running } : {}),
    failedTasks: o.failedTasks ?? 0,
    rolloutState: o.rolloutState ?? "IN_PROGRESS",
    createdAt: NOW - (o.age ?? 10) * MINUTE,
    containerHealthChecks: o.checks ?? false,
    ...(o.hadHealthyTask !== undefined ? { hadHealthyTask: o.hadHealthyTask } : {}),
    ...(o.rollbackTargetId ? { rollbackTargetId: o.rollbackTargetId } : {}),
  };
}

export type TaskState = "healthy" | "starting" | "pending" | "unhealthy" | "stopping" | "stopped";

export interface TaskOptions {
  id: string;
  deployment: string;
  state?: TaskState;
  lastStatus?: TaskStatus;
  /** Seconds before NOW the task reached RUNNING (default 120). */
  startedAgo?: number;
  health?: "HEALTHY" | "UNHEALTHY" | "UNKNOWN";
  lb?: "HEALTHY" | "UNHEALTHY" | "UNKNOWN";
  instance?: string;
  instanceStatus?: string;
  az?: string;
  stopCode?: string;
  stoppedReason?: string;
  /** Seconds before NOW the task stopped. */
  stoppedAgo?: number;
  /** Seconds before NOW the task was created (default startedAgo + 30). */
  createdAgo?: number;
  neverStarted?: boolean;
  /** The essential container's exit code. */
  exitCode?: number;
}

export function aTask(o: TaskOptions): ObservedTask {
  const state = o.state ?? "healthy";
  const startedAgo = o.startedAgo ?? (state === "starting" ? 10 : 120);
  const startedAt = NOW - startedAgo * SECOND;
  const createdAt = NOW - (o.createdAgo ?? startedAgo + 30) * SECOND;
  const running = state === "healthy" || state === "starting" || state === "unhealthy" || state === "stopping";
  const started = !(o.neverStarted ?? o.stopCode === "TaskFailedToStart") && state !== "pending";
  const lastStatus: TaskStatus = o.lastStatus ?? (state === "pending" ? "PENDING" : state === "stopped" ? "STOPPED" : "RUNNING");
  return {
    taskArn: taskArn(o.id),
    deploymentId: o.deployment,
    lastStatus,
    desiredStatus: state === "stopping" || state === "stopped" ? "STOPPED" : "RUNNING",
    ...(o.health ? { healthStatus: o.health } : state === "unhealthy" ? { healthStatus: "UNHEALTHY" as const } : {}),
    ...(o.lb ? { loadBalancerHealth: lbHealth(o.lb) } : {}),
    createdAt,
    ...(started && (running || state === "stopped") ? { startedAt } : {}),
    ...(state === "stopped" ? { stoppedAt: NOW - (o.stoppedAgo ?? 5) * SECOND } : {}),
    ...(o.stopCode ? { stopCode: o.stopCode } : {}),
    ...(o.stoppedReason ? { stoppedReason: o.stoppedReason } : {}),
    ...(o.exitCode !== undefined ? { exitCode: o.exitCode } : {}),
    ...(o.instance ? { containerInstanceArn: instanceArn(o.instance) } : {}),
    ...(o.instanceStatus ? { instanceStatus: o.instanceStatus } : o.instance ? { instanceStatus: "ACTIVE" } : {}),
    ...(o.az ? { availabilityZone: o.az } : {}),
  };
}

/** `count` tasks named `<prefix>1..n`. */
export function someTasks(count: number, prefix: string, o: Omit<TaskOptions, "id">): ObservedTask[] {
  return Array.from({ length: count }, (_, i) => aTask({ ...o, id: `${prefix}${i + 1}` }));
}

export function anInstance(id: string, o: Partial<Omit<ObservedInstance, "containerInstanceArn">> = {}): ObservedInstance {
  return { containerInstanceArn: instanceArn(id), status: "ACTIVE", agentConnected: true, satisfiesConstraints: true, ...o };
}

export function observe(
  service: ObservedService,
  deployments: ObservedDeployment[],
  tasks: ObservedTask[],
  instances?: ObservedInstance[],
): SchedulerObservation {
  return { service, deployments, tasks, ...(instances ? { instances } : {}) };
}

// ---- reading a Decision -------------------------------------------------------------------

type Of<K extends ServiceAction["kind"]> = Extract<ServiceAction, { kind: K }>;

/** The decision's actions of one kind. */
export const actionsOf = <K extends ServiceAction["kind"]>(d: Decision, kind: K): Of<K>[] =>
  d.actions.filter((a): a is Of<K> => a.kind === kind);

/** How many tasks the decision launches. */
export const launchedCount = (d: Decision): number => actionsOf(d, "launch").reduce((n, a) => n + a.count, 0);

/** Ids of the tasks the decision stops, sorted. */
export const stoppedIds = (d: Decision): string[] =>
  actionsOf(d, "stop")
    .map((a) => a.taskArn.slice(a.taskArn.lastIndexOf("/") + 1))
    .sort();

/** The event messages the decision emits, in order. */
export const eventMessages = (d: Decision): string[] => actionsOf(d, "event").map((a) => a.message);

const TEST_TG = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/abc";

/** A task's view from its one target group, as the observation builds it from ELB's records. */
function lbHealth(status: "HEALTHY" | "UNHEALTHY" | "UNKNOWN"): NonNullable<ObservedTask["loadBalancerHealth"]> {
  const state = status === "HEALTHY" ? "healthy" : status === "UNHEALTHY" ? "unhealthy" : "initial";
  return {
    status,
    unhealthyTargetGroupArn: TEST_TG,
    ...(status === "UNHEALTHY" ? { unhealthyTarget: { port: 8080, description: "Health checks failed with these codes: [500]" } } : {}),
    targets: [{ targetGroupArn: TEST_TG, state }],
  };
}

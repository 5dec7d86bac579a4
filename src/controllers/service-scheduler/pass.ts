// One reconcile pass, the parts REPLICA and DAEMON share: reading the snapshot into buckets and
// counters (open), the circuit breaker's verdict, and turning a strategy's plan into the Decision
// (finish) — stop/launch actions, events, deployment bookkeeping, completion and steady state.

import { evaluateBreaker, type BreakerState } from "./circuit-breaker.js";
import { classifyTasks, type LiveTask, type TaskBuckets } from "./classify.js";
import { isRepeatSuppressed, EVENT_REPEAT_INTERVAL_MS, rolloutReasons, serviceEvents, stopReasons, taskIdOf } from "./events.js";
import { accountFailures, type FailureAccounting } from "./failures.js";
import { loadBalancerView } from "./load-balancer-view.js";
import { nextProtectionExpiry } from "./protection.js";
import { launchHeadroom, maximumTotalTasks, minimumHealthyTasks, stopBudget } from "./rollout-math.js";
import { tallyByDeployment, tallyOf, type DeploymentTally } from "./tally.js";
import {
  type Bounds,
  type Decision,
  type DecisionInputs,
  type DeploymentInputs,
  type LaunchAction,
  type ObservedDeployment,
  type ObservedService,
  type SchedulerObservation,
  type ServiceAction,
  type StopCause,
} from "./types.js";

export interface PassContext {
  readonly obs: SchedulerObservation;
  readonly now: number;
  readonly service: ObservedService;
  readonly primary: ObservedDeployment;
  /** PRIMARY and ACTIVE deployments, oldest first. */
  readonly deployments: readonly ObservedDeployment[];
  readonly buckets: TaskBuckets;
  readonly tallies: ReadonlyMap<string, DeploymentTally>;
  readonly accounting: FailureAccounting;
  readonly desired: number;
  readonly minimumHealthy: number;
  readonly maximumTotal: number;
  /** Healthy tasks of every deployment, at the start of the pass. */
  readonly healthy: number;
  readonly breaker: BreakerState;
}

export interface PlannedStop {
  readonly live: LiveTask;
  readonly reason: string;
  readonly cause: StopCause;
}

/** What a strategy decided, before the shared bookkeeping. */
export interface Plan {
  readonly stops: readonly PlannedStop[];
  readonly launches: readonly LaunchAction[];
  readonly waits: readonly string[];
  /** The rollout can neither start nor stop anything because of the bounds: say so. */
  readonly configurationStuck: boolean;
  /** After this pass the tasks are exactly what the strategy wants (only PRIMARY, all healthy). */
  readonly atDesired: boolean;
  readonly boundsOverride?: Partial<Bounds>;
  readonly inputsExtra?: Partial<DecisionInputs>;
}

export function isServiceActive(service: ObservedService): boolean {
  return (service.status ?? "ACTIVE") === "ACTIVE";
}

/** Reads the snapshot; undefined desired means "the service's desiredCount". */
export function openPass(obs: SchedulerObservation, now: number, desiredCount: number): PassContext | Decision {
  const service = obs.service;
  const active = obs.deployments.filter((d) => d.status !== "INACTIVE").sort((a, b) => a.createdAt - b.createdAt);
  const primary = active.find((d) => d.status === "PRIMARY");
  const desired = isServiceActive(service) ? desiredCount : 0;
  const { minimumHealthyPercent: minPct, maximumPercent: maxPct } = service.deploymentConfiguration;
  const minimumHealthy = minimumHealthyTasks(desired, minPct);
  const maximumTotal = maximumTotalTasks(desired, maxPct);
  const buckets = classifyTasks(obs.tasks, active, primary?.id, service, now);
  const healthy = buckets.live.filter((l) => l.phase === "healthy").length;

  if (primary === undefined) {
    return {
      actions: [],
      waits: [`service ${service.serviceName} has no PRIMARY deployment: nothing to reconcile`],
      bounds: bounds(desired, minPct, maxPct, minimumHealthy, maximumTotal, healthy, buckets.occupying),
      inputs: { strategy: service.schedulingStrategy, deployments: [], orphanTasks: buckets.orphans },
      steady: false,
    };
  }

  const accounting = accountFailures(service, obs.deployments, primary, buckets, now);
  // A service being deleted has no rollout left to judge: it only drives its tasks to zero.
  const breaker = isServiceActive(service)
    ? evaluateBreaker(service, obs.deployments, primary, accounting.failedTasks.get(primary.id) ?? 0, desired)
    : { enabled: false, trips: false, failed: false };
  return {
    obs,
    now,
    service,
    primary,
    deployments: active,
    buckets,
    tallies: tallyByDeployment(obs.tasks, buckets),
    accounting,
    desired,
    minimumHealthy,
    maximumTotal,
    healthy,
    breaker,
  };
}

function bounds(
  desired: number,
  minPct: number,
  maxPct: number,
  minimumHealthy: number,
  maximumTotal: number,
  healthy: number,
  total: number,
  threshold?: number,
): Bounds {
  return {
    desired,
    minimumHealthyPercent: minPct,
    maximumPercent: maxPct,
    minimumHealthy,
    maximumTotal,
    healthy,
    total,
    launchHeadroom: launchHeadroom(maximumTotal, total),
    stopBudget: stopBudget(healthy, minimumHealthy),
    ...(threshold !== undefined ? { circuitBreakerThreshold: threshold } : {}),
  };
}

export function isPassContext(x: PassContext | Decision): x is PassContext {
  return "primary" in x;
}

/** Emits events, skipping a message identical to the newest one of the last 6 hours. */
class EventLog {
  private newest: { message: string; createdAt: number } | undefined;
  constructor(
    private readonly ctx: PassContext,
    private readonly actions: ServiceAction[],
  ) {
    this.newest = ctx.service.events?.[0];
  }
  emit(message: string): boolean {
    if (this.newest && isRepeatSuppressed(message, [this.newest], this.ctx.now)) return false;
    this.actions.push({ kind: "event", message });
    this.newest = { message, createdAt: this.ctx.now };
    return true;
  }
}

/** The breaker's decision when the PRIMARY's rollout is FAILED (now or before); else undefined. */
export function breakerDecision(ctx: PassContext): Decision | undefined {
  const { breaker, primary, service } = ctx;
  if (!breaker.failed) return undefined;
  const actions: ServiceAction[] = [];
  const events = new EventLog(ctx, actions);
  const waits: string[] = [];
  const name = service.serviceName;
  if (breaker.trips) {
    actions.push({
      kind: "setRolloutState",
      deploymentId: primary.id,
      rolloutState: "FAILED",
      rolloutStateReason: rolloutReasons.circuitBreakerFailed,
    });
    events.emit(serviceEvents.deploymentFailed(name, primary.id));
  }
  const rollbackWanted = breaker.enabled && service.deploymentConfiguration.deploymentCircuitBreaker?.rollback === true;
  const target = breaker.rollbackTarget;
  if (rollbackWanted && target !== undefined) {
    actions.push({
      kind: "createRollbackDeployment",
      failedDeploymentId: primary.id,
      targetDeploymentId: target.id,
      taskDefinitionArn: target.taskDefinitionArn,
      desiredCount: ctx.desired,
      rolloutStateReason: rolloutReasons.rollingBack(target.id),
    });
    events.emit(serviceEvents.rollingBack(name, target.id));
    waits.push(`deployment ${primary.id} failed (circuit breaker): rolling back to deployment ${target.id}`);
  } else if (rollbackWanted) {
    waits.push(
      `deployment ${primary.id} failed (circuit breaker) and no COMPLETED deployment is left to roll back to: ` +
        "the rollout is stalled until the service is updated",
    );
  } else {
    waits.push(`deployment ${primary.id} failed (circuit breaker): launching nothing more until the service is updated`);
  }
  appendBookkeeping(ctx, actions, [], []);
  return {
    actions,
    waits,
    bounds: boundsOf(ctx),
    inputs: inputsOf(ctx),
    ...(rollbackWanted && target !== undefined ? { requeueAfterMs: 0 } : {}),
    steady: false,
  };
}

function boundsOf(ctx: PassContext, override?: Partial<Bounds>): Bounds {
  const cfg = ctx.service.deploymentConfiguration;
  return {
    ...bounds(
      ctx.desired,
      cfg.minimumHealthyPercent,
      cfg.maximumPercent,
      ctx.minimumHealthy,
      ctx.maximumTotal,
      ctx.healthy,
      ctx.buckets.occupying,
      ctx.breaker.threshold,
    ),
    ...override,
  };
}

export function inputsOf(ctx: PassContext, extra?: Partial<DecisionInputs>): DecisionInputs {
  const deployments: DeploymentInputs[] = ctx.deployments.map((d) => {
    const t = tallyOf(ctx.tallies, d.id);
    return {
      id: d.id,
      status: d.status,
      ...(d.rolloutState ? { rolloutState: d.rolloutState } : {}),
      desired: d.id === ctx.primary.id ? ctx.desired : d.desiredCount,
      pending: t.livePending,
      running: t.live - t.livePending,
      healthy: t.healthy,
      starting: t.starting,
      unhealthy: t.unhealthy,
      stopping: t.stopping,
      onDrainingInstance: t.onDrainingInstance,
      failedTasks: ctx.accounting.failedTasks.get(d.id) ?? d.failedTasks,
    };
  });
  return {
    strategy: ctx.service.schedulingStrategy,
    deployments,
    orphanTasks: ctx.buckets.orphans,
    ...(ctx.service.loadBalanced === true ? { targetGroups: loadBalancerView(ctx.service, ctx.obs.tasks) } : {}),
    ...(ctx.accounting.launchBackoffUntil !== undefined && ctx.accounting.launchBackoffUntil > ctx.now
      ? { launchBackoffUntil: ctx.accounting.launchBackoffUntil }
      : {}),
    ...extra,
  };
}

/**
 * Failure tracking, per-deployment counts (emitted only when they change) and old deployments
 * whose last task is gone (→ INACTIVE). Returns the ids that become INACTIVE.
 */
function appendBookkeeping(
  ctx: PassContext,
  actions: ServiceAction[],
  stops: readonly PlannedStop[],
  launches: readonly LaunchAction[],
): Set<string> {
  const { accounting, primary } = ctx;
  if (accounting.trackingChanged) actions.push({ kind: "setFailureTracking", tracking: accounting.tracking });

  const stopsOf = new Map<string, number>();
  for (const s of stops) stopsOf.set(s.live.task.deploymentId, (stopsOf.get(s.live.task.deploymentId) ?? 0) + 1);
  const launching = new Set(launches.map((l) => l.deploymentId));
  const drained = new Set<string>();
  for (const d of ctx.deployments) {
    const { present, pendingCount, runningCount, live } = tallyOf(ctx.tallies, d.id);
    const staying = live - (stopsOf.get(d.id) ?? 0);
    const desiredCount = d.id === primary.id ? ctx.desired : Math.min(d.desiredCount, staying);
    const failedTasks = accounting.failedTasks.get(d.id) ?? d.failedTasks;
    const hadHealthyTask = accounting.hadHealthyTask.get(d.id) ?? d.hadHealthyTask === true;
    if (
      desiredCount !== d.desiredCount ||
      pendingCount !== (d.pendingCount ?? 0) ||
      runningCount !== (d.runningCount ?? 0) ||
      failedTasks !== d.failedTasks ||
      hadHealthyTask !== (d.hadHealthyTask === true)
    ) {
      actions.push({ kind: "setDeploymentCounts", deploymentId: d.id, desiredCount, pendingCount, runningCount, failedTasks, hadHealthyTask });
    }
    if (d.id !== primary.id && present === 0 && !launching.has(d.id)) {
      actions.push({ kind: "setDeploymentStatus", deploymentId: d.id, status: "INACTIVE" });
      drained.add(d.id);
    }
  }
  return drained;
}

function earliestRecheck(ctx: PassContext): number | undefined {
  let best: number | undefined;
  for (const l of ctx.buckets.live) {
    if (l.recheckAt !== undefined && l.recheckAt > ctx.now && (best === undefined || l.recheckAt < best)) best = l.recheckAt;
  }
  const until = ctx.accounting.launchBackoffUntil;
  if (until !== undefined && until > ctx.now && (best === undefined || until < best)) best = until;
  // A protected task becomes a possible victim when its protection ends: look again then.
  const expiry = nextProtectionExpiry(ctx.buckets.live, ctx.now);
  if (expiry !== undefined && (best === undefined || expiry < best)) best = expiry;
  return best;
}

export function finishPass(ctx: PassContext, plan: Plan): Decision {
  const { service, primary, buckets, now } = ctx;
  const name = service.serviceName;
  const actions: ServiceAction[] = [];
  const events = new EventLog(ctx, actions);

  // Health failures are announced before the tasks are stopped, as ECS does.
  for (const s of plan.stops) {
    if (s.cause !== "unhealthy") continue;
    const taskId = taskIdOf(s.live.task.taskArn);
    const lb = s.live.task.loadBalancerHealth;
    if (s.reason === stopReasons.failedContainerHealthChecks) events.emit(serviceEvents.failedContainerHealthChecks(name, taskId));
    else if (lb?.unhealthyTarget && lb.unhealthyTargetGroupArn) {
      const { port, description, instanceId } = lb.unhealthyTarget;
      events.emit(serviceEvents.unhealthyInTargetGroup(name, taskId, port, lb.unhealthyTargetGroupArn, description, instanceId));
    }
  }
  // Launches go first: where there is room, replacements start before the tasks they replace stop.
  actions.push(...plan.launches);
  for (const s of plan.stops) {
    actions.push({
      kind: "stop",
      taskArn: s.live.task.taskArn,
      deploymentId: s.live.task.deploymentId,
      stopCode: "ServiceSchedulerInitiated",
      reason: s.reason,
      cause: s.cause,
    });
  }
  // "has started N tasks" and "has stopped N running tasks" are the executor's to say: only it
  // knows the new tasks' ids and which stops actually landed. "has begun draining connections"
  // is the target registration controller's, when it deregisters (for any stop, StopTask's too).
  if (ctx.accounting.throttleStarted) events.emit(serviceEvents.unableToConsistentlyStart(name));
  // Said once per round that delays launches, and only while the delay is still to come (a pass
  // counting crashes late, after a restart, has nothing to announce).
  const { crashLoop: loop } = ctx.accounting.tracking;
  const crashUntil = ctx.accounting.crashBackoffUntil;
  if (ctx.accounting.crashLoopLengthened && loop !== undefined && crashUntil !== undefined && crashUntil > now) {
    events.emit(serviceEvents.crashLooping(name, loop.crashes, Math.max(1, Math.ceil(loop.longestRunMs / 1000)), crashUntil));
  }
  if (plan.configurationStuck) events.emit(serviceEvents.deploymentConfigurationStuck(name));

  const drained = appendBookkeeping(ctx, actions, plan.stops, plan.launches);

  const oldLeft = ctx.deployments.some((d) => d.id !== primary.id && !drained.has(d.id));
  const steady =
    plan.atDesired &&
    plan.stops.length === 0 &&
    plan.launches.length === 0 &&
    buckets.stopping.length === 0 &&
    buckets.orphans === 0 &&
    !oldLeft &&
    !ctx.breaker.failed;

  let requeueAt = earliestRecheck(ctx);
  if (steady && isServiceActive(service)) {
    if (primary.rolloutState !== "COMPLETED") {
      actions.push({
        kind: "setRolloutState",
        deploymentId: primary.id,
        rolloutState: "COMPLETED",
        rolloutStateReason: rolloutReasons.completed(primary.id),
      });
      events.emit(serviceEvents.deploymentCompleted(name, primary.id));
    }
    const message = serviceEvents.steadyState(name);
    const repeatAt = events.emit(message) ? now + EVENT_REPEAT_INTERVAL_MS : (service.events?.[0]?.createdAt ?? now) + EVENT_REPEAT_INTERVAL_MS;
    requeueAt = requeueAt === undefined ? repeatAt : Math.min(requeueAt, repeatAt);
  }

  return {
    actions,
    waits: plan.waits,
    bounds: boundsOf(ctx, plan.boundsOverride),
    inputs: inputsOf(ctx, plan.inputsExtra),
    ...(requeueAt !== undefined ? { requeueAfterMs: Math.max(0, requeueAt - now) } : {}),
    steady,
  };
}

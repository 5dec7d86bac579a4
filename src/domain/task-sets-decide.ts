// The scheduler's pass over a service of task sets (EXTERNAL / CODE_DEPLOY), pure: each task set
// is kept at its computedDesiredCount as a one-deployment service would be, so that everything
// the REPLICA pass knows — launching the missing tasks, stopping the surplus (pending first,
// zone-balanced), replacing unhealthy tasks and those on draining instances within the
// deployment configuration, launch back-off and crash loops — applies to every set alike.
//
//   desired(set) = ceil(service.desiredCount × scale% / 100), 0 for a DRAINING set or a service
//                  being deleted (task-sets-records.ts computedDesiredCount);
//   tasks(set)   = the service's tasks whose startedBy is the set's id;
//   a DRAINING set whose tasks have all stopped is removed; live tasks of no set are stopped.
//
// Worked example, desiredCount 4, blue PRIMARY at 100% with 4 healthy tasks, green ACTIVE at 50%:
//   pass 1: blue keeps 4; green's desired is ceil(4 × 0.5) = 2 → launch 2 green tasks.
//   UpdateTaskSet blue → 0%: blue's desired 0; minimumHealthy is ceil(0 × 100%) = 0, so the
//   4 blue tasks stop at once, while green runs its 2 (traffic is the controller's to move first).
//
// The REPLICA pass's rollout bookkeeping (rollout state, circuit breaker, deployment completed)
// has no meaning for a task set and is dropped; its counts become the set's runningCount,
// pendingCount and stabilityStatus, its failure tracking the set's own.

import {
  EVENT_REPEAT_INTERVAL_MS,
  decideReplica,
  isRepeatSuppressed,
  serviceEvents,
  stopReasons,
  type Bounds,
  type Decision,
  type DecisionInputs,
  type DeploymentInputs,
  type FailureTracking,
  type ObservedService,
  type ObservedTask,
  type ServiceAction,
  type StopAction,
} from "../controllers/index.js";
import { computedDesiredCount, taskSetSubject, type StabilityStatus, type TaskSetStatus } from "./task-sets-records.js";

export interface ObservedTaskSet {
  readonly id: string;
  readonly status: TaskSetStatus;
  readonly taskDefinitionArn: string;
  readonly scalePercent: number;
  readonly computedDesiredCount: number;
  readonly runningCount: number;
  readonly pendingCount: number;
  readonly stabilityStatus: StabilityStatus;
  readonly createdAt: number;
  /** The set's loadBalancers' target groups (its tasks must be healthy in each). */
  readonly targetGroupArns: readonly string[];
  readonly containerHealthChecks: boolean;
  readonly failureTracking?: FailureTracking;
}

export interface TaskSetObservation {
  /** The service: its desiredCount, deployment configuration, grace period, events, status. */
  readonly service: ObservedService;
  readonly taskSets: readonly ObservedTaskSet[];
  /** Every task of the service the store still holds (deploymentId = the task's startedBy). */
  readonly tasks: readonly ObservedTask[];
}

/** What one pass writes back to a task set; emitted only when something differs. */
export interface TaskSetUpdate {
  readonly taskSetId: string;
  readonly computedDesiredCount: number;
  readonly runningCount: number;
  readonly pendingCount: number;
  readonly stabilityStatus: StabilityStatus;
  readonly failureTracking?: FailureTracking;
}

export interface TaskSetRow {
  readonly id: string;
  readonly status: TaskSetStatus;
  readonly scalePercent: number;
  readonly computedDesiredCount: number;
  readonly bounds: Bounds;
  readonly waits: readonly string[];
}

/** The decision log's inputs for a service of task sets: one row per set besides the usual. */
export type TaskSetInputs = DecisionInputs & { readonly controller: "TASK_SETS"; readonly taskSets: readonly TaskSetRow[] };

export interface TaskSetDecision extends Decision {
  readonly inputs: TaskSetInputs;
  readonly updates: readonly TaskSetUpdate[];
  /** DRAINING sets with no task left: they leave the service. */
  readonly removals: readonly string[];
}

const sumBounds = (all: readonly Bounds[], cfg: { minimumHealthyPercent: number; maximumPercent: number }): Bounds => {
  const sum = (pick: (b: Bounds) => number) => all.reduce((n, b) => n + pick(b), 0);
  return {
    desired: sum((b) => b.desired),
    minimumHealthyPercent: cfg.minimumHealthyPercent,
    maximumPercent: cfg.maximumPercent,
    minimumHealthy: sum((b) => b.minimumHealthy),
    maximumTotal: sum((b) => b.maximumTotal),
    healthy: sum((b) => b.healthy),
    total: sum((b) => b.total),
    launchHeadroom: sum((b) => b.launchHeadroom),
    stopBudget: sum((b) => b.stopBudget),
  };
};

/** One set's pass: the REPLICA pass over a service of this set alone. */
function decideOne(obs: TaskSetObservation, set: ObservedTaskSet, now: number): { decision: Decision; desired: number } {
  const active = (obs.service.status ?? "ACTIVE") === "ACTIVE";
  const desired = computedDesiredCount(obs.service.desiredCount, set.scalePercent, set.status, active);
  const decision = decideReplica(
    {
      service: {
        ...obs.service,
        // Its events are the set's: "(service NAME, taskSet ID) …", as ECS words them.
        serviceName: taskSetSubject(obs.service.serviceName, set.id),
        status: "ACTIVE",
        desiredCount: desired,
        schedulingStrategy: "REPLICA",
        // No circuit breaker: the external controller judges a set's health and rolls back.
        deploymentConfiguration: {
          minimumHealthyPercent: obs.service.deploymentConfiguration.minimumHealthyPercent,
          maximumPercent: obs.service.deploymentConfiguration.maximumPercent,
        },
        loadBalanced: set.targetGroupArns.length > 0,
        targetGroupArns: set.targetGroupArns,
        ...(set.failureTracking ? { failureTracking: set.failureTracking } : { failureTracking: undefined }),
      },
      deployments: [
        {
          id: set.id,
          status: "PRIMARY",
          taskDefinitionArn: set.taskDefinitionArn,
          desiredCount: desired,
          pendingCount: set.pendingCount,
          runningCount: set.runningCount,
          failedTasks: 0,
          // Never "in progress": a set has no rollout of its own to complete.
          rolloutState: "COMPLETED",
          createdAt: set.createdAt,
          containerHealthChecks: set.containerHealthChecks,
        },
      ],
      tasks: obs.tasks.filter((t) => t.deploymentId === set.id),
    },
    now,
  );
  return { decision, desired };
}

export function decideTaskSets(obs: TaskSetObservation, now: number): TaskSetDecision {
  const name = obs.service.serviceName;
  const actions: ServiceAction[] = [];
  const waits: string[] = [];
  const updates: TaskSetUpdate[] = [];
  const removals: string[] = [];
  const rows: TaskSetRow[] = [];
  const deployments: DeploymentInputs[] = [];
  const allBounds: Bounds[] = [];
  const said = new Set<string>();
  const steadyMessage = serviceEvents.steadyState(name);
  let requeueAt: number | undefined;
  let allSteady = true;

  for (const set of obs.taskSets) {
    const { decision, desired } = decideOne(obs, set, now);
    const mine = obs.tasks.filter((t) => t.deploymentId === set.id);
    if (set.status === "DRAINING" && mine.every((t) => t.lastStatus === "STOPPED")) {
      removals.push(set.id);
      continue;
    }
    let tracking: FailureTracking | undefined;
    let counts = { running: set.runningCount, pending: set.pendingCount };
    for (const a of decision.actions) {
      if (a.kind === "launch" || a.kind === "stop") actions.push(a);
      else if (a.kind === "setFailureTracking") tracking = a.tracking;
      else if (a.kind === "setDeploymentCounts") {
        counts = { running: a.runningCount, pending: a.pendingCount };
        actions.push(a);
      } else if (a.kind === "event" && a.message !== serviceEvents.steadyState(taskSetSubject(name, set.id)) && !said.has(a.message)) {
        // Health and start-failure events are the service's, said once per pass.
        said.add(a.message);
        actions.push(a);
      }
    }
    const stability: StabilityStatus = decision.steady ? "STEADY_STATE" : "STABILIZING";
    if (!decision.steady) allSteady = false;
    if (
      tracking !== undefined ||
      desired !== set.computedDesiredCount ||
      counts.running !== set.runningCount ||
      counts.pending !== set.pendingCount ||
      stability !== set.stabilityStatus
    ) {
      updates.push({
        taskSetId: set.id,
        computedDesiredCount: desired,
        runningCount: counts.running,
        pendingCount: counts.pending,
        stabilityStatus: stability,
        ...(tracking !== undefined ? { failureTracking: tracking } : {}),
      });
    }
    waits.push(...decision.waits.map((w) => `task set ${set.id}: ${w}`));
    rows.push({ id: set.id, status: set.status, scalePercent: set.scalePercent, computedDesiredCount: desired, bounds: decision.bounds, waits: decision.waits });
    // The deployment rows of the log carry the set's own status (PRIMARY, ACTIVE or DRAINING).
    deployments.push(...decision.inputs.deployments.map((d) => ({ ...d, status: set.status as DeploymentInputs["status"] })));
    allBounds.push(decision.bounds);
    // A steady set's only follow-up is the steady-state repeat, which is the service's (below).
    const own = decision.requeueAfterMs;
    if (own !== undefined && !decision.steady && (requeueAt === undefined || now + own < requeueAt)) requeueAt = now + own;
  }

  // Live tasks of no task set (their set is gone): nothing keeps them.
  const known = new Set(obs.taskSets.map((s) => s.id));
  const orphans = obs.tasks.filter((t) => !known.has(t.deploymentId) && t.desiredStatus === "RUNNING" && t.lastStatus !== "STOPPED");
  for (const t of orphans) {
    const stop: StopAction = {
      kind: "stop",
      taskArn: t.taskArn,
      deploymentId: t.deploymentId,
      stopCode: "ServiceSchedulerInitiated",
      reason: stopReasons.scalingActivity(t.deploymentId),
      cause: "deployment",
    };
    actions.push(stop);
  }

  // The service is steady when every set is (and a set exists, or nothing runs at all).
  const serviceActive = (obs.service.status ?? "ACTIVE") === "ACTIVE";
  const steady = allSteady && orphans.length === 0 && serviceActive && obs.taskSets.some((s) => s.status !== "DRAINING");
  if (steady && !isRepeatSuppressed(steadyMessage, obs.service.events, now)) {
    actions.push({ kind: "event", message: steadyMessage });
    requeueAt = Math.min(requeueAt ?? Infinity, now + EVENT_REPEAT_INTERVAL_MS);
  } else if (steady) {
    const repeatAt = (obs.service.events?.[0]?.createdAt ?? now) + EVENT_REPEAT_INTERVAL_MS;
    requeueAt = Math.min(requeueAt ?? Infinity, repeatAt);
  }
  if (obs.taskSets.length === 0) waits.push(`service ${name} has no task set: nothing to run until CreateTaskSet`);

  const cfg = obs.service.deploymentConfiguration;
  return {
    actions,
    waits,
    bounds: sumBounds(allBounds, cfg),
    inputs: { strategy: "REPLICA", deployments, orphanTasks: orphans.length, controller: "TASK_SETS", taskSets: rows },
    ...(requeueAt !== undefined ? { requeueAfterMs: Math.max(0, requeueAt - now) } : {}),
    steady,
    updates,
    removals,
  };
}

// One scheduler pass over a service of task sets (EXTERNAL / CODE_DEPLOY): observe the service,
// its sets and tasks from the cache → decide (task-sets-decide.ts, pure) → launch and stop
// through the service executor's paths with each set's own launch settings → write the sets'
// counts, stability and removals and the pass's events in one guarded commit. The service
// reconciler (service-reconciler.ts) calls it for such services and records the decision log.
import { isRepeatSuppressed, type ObservedService } from "../controllers/index.js";
import type { Scope } from "../model/index.js";
import { commit, guardOf, put, type Deps } from "./deps.js";
import { keys } from "./keys.js";
import { applyTaskActions, type ExecutionSummary } from "./service-executor.js";
import { appendEvents, readServiceEvents } from "./service-logs.js";
import { hasContainerHealthChecks, observeServiceTasks } from "./service-observation.js";
import type { ServiceRecord } from "./service-records.js";
import { findTaskDefinition } from "./task-definitions.js";
import type { LaunchInput } from "./task-launch.js";
import { decideTaskSets, type TaskSetDecision, type TaskSetObservation } from "./task-sets-decide.js";
import { taskSetsOf, taskSetSubject, type TaskSetRecord, type TaskSetServiceRecord } from "./task-sets-records.js";

const targetGroupsOf = (ts: TaskSetRecord) =>
  (ts.loadBalancers as { targetGroupArn?: string }[]).flatMap((lb) => (lb.targetGroupArn ? [lb.targetGroupArn] : []));

export function observeTaskSets(deps: Deps, scope: Scope, service: ServiceRecord): TaskSetObservation {
  const sets = taskSetsOf(service);
  const balanced = new Set(sets.filter((s) => targetGroupsOf(s).length > 0).map((s) => s.id));
  const observed: ObservedService = {
    serviceName: service.serviceName,
    serviceArn: service.serviceArn,
    status: service.status,
    desiredCount: service.desiredCount,
    schedulingStrategy: "REPLICA",
    deploymentConfiguration: {
      minimumHealthyPercent: service.deploymentConfiguration.minimumHealthyPercent,
      maximumPercent: service.deploymentConfiguration.maximumPercent,
    },
    healthCheckGracePeriodSeconds: service.healthCheckGracePeriodSeconds ?? 0,
    events: readServiceEvents(deps, scope, service),
  };
  return {
    service: observed,
    taskSets: sets.map((s) => ({
      id: s.id,
      status: s.status,
      taskDefinitionArn: s.taskDefinition,
      scalePercent: s.scale.value,
      computedDesiredCount: s.computedDesiredCount,
      runningCount: s.runningCount,
      pendingCount: s.pendingCount,
      stabilityStatus: s.stabilityStatus,
      createdAt: s.createdAt,
      targetGroupArns: targetGroupsOf(s),
      containerHealthChecks: hasContainerHealthChecks(findTaskDefinition(deps, scope, s.taskDefinition)),
      ...(s.failureTracking ? { failureTracking: s.failureTracking } : {}),
    })),
    tasks: observeServiceTasks(deps, scope, service, (t) => balanced.has(t.startedBy ?? "")),
  };
}

/**
 * A task set's own launch settings, in place of the service's (which has none of them), and
 * the name its events carry.
 */
function taskSetUnits(service: ServiceRecord) {
  const byId = new Map(taskSetsOf(service).map((s) => [s.id, s]));
  return {
    settingsFor(id: string): Partial<LaunchInput> | undefined {
      const s = byId.get(id);
      if (!s) return undefined;
      return {
        launchType: s.capacityProviderStrategy?.length ? undefined : (s.launchType ?? "EC2"),
        capacityProviderStrategy: s.capacityProviderStrategy?.length ? s.capacityProviderStrategy : undefined,
        platformVersion: s.platformVersion,
        networkConfiguration: s.networkConfiguration,
      };
    },
    subjectFor: (id: string) => taskSetSubject(service.serviceName, id),
  };
}

/** Writes the pass's task set updates and removals and its events, against the current record. */
async function updateTaskSets(deps: Deps, scope: Scope, observed: ServiceRecord, decision: TaskSetDecision, messages: string[], summary: ExecutionSummary): Promise<void> {
  const key = keys.service(scope, observed.clusterName, observed.serviceName);
  await commit(deps, () => {
    const current = deps.cache.get<TaskSetServiceRecord>(key);
    if (!current) return { guards: [], ops: [], result: undefined };
    const now = deps.clock.now();
    const updates = new Map(decision.updates.map((u) => [u.taskSetId, u]));
    const removed = new Set(decision.removals);
    const sets = taskSetsOf(current)
      // A set deleted and drained is forgotten; one an API call moved since is decided again.
      .filter((s) => !(removed.has(s.id) && s.status === "DRAINING"))
      .map((s): TaskSetRecord => {
        const u = updates.get(s.id);
        if (!u) return s;
        const { taskSetId: _id, failureTracking, ...counts } = u;
        return {
          ...s,
          // computedDesiredCount is the API's to write; the pass only reports running and pending.
          runningCount: counts.runningCount,
          pendingCount: counts.pendingCount,
          ...(counts.stabilityStatus !== s.stabilityStatus ? { stabilityStatus: counts.stabilityStatus, stabilityStatusAt: now } : {}),
          ...(failureTracking ? { failureTracking } : {}),
        };
      });
    let newest = readServiceEvents(deps, scope, current)[0];
    const added: string[] = [];
    for (const message of messages) {
      if (isRepeatSuppressed(message, newest ? [newest] : [], now)) continue;
      newest = { id: "", createdAt: now, message };
      added.push(message);
    }
    summary.events = added;
    const appended = appendEvents(deps, scope, current, added, now);
    const next: TaskSetServiceRecord = { ...current, taskSets: sets };
    const changed = JSON.stringify(next) !== JSON.stringify(current);
    if (!changed && appended.ops.length === 0) return { guards: [], ops: [], result: undefined };
    return { guards: [guardOf(deps, key), ...appended.guards], ops: [...(changed ? [put(key, next)] : []), ...appended.ops], result: undefined };
  });
}

/**
 * One pass; `record` appends it to the service's decision log (the reconciler's, passed in so
 * that this module does not import the reconciler).
 */
export async function reconcileTaskSets(
  deps: Deps,
  scope: Scope,
  service: ServiceRecord,
  now: number,
  record: (decision: TaskSetDecision, summary: ExecutionSummary) => Promise<void>,
): Promise<{ requeueAfterMs?: number; placementFailures: number }> {
  const decision = decideTaskSets(observeTaskSets(deps, scope, service), now);
  let summary: ExecutionSummary = { launched: [], stopped: [], placementFailures: 0, events: [] };
  if (decision.actions.length > 0 || decision.updates.length > 0 || decision.removals.length > 0) {
    const applied = await applyTaskActions(deps, scope, service, decision.actions, taskSetUnits(service));
    summary = applied.summary;
    const events = decision.actions.flatMap((a) => (a.kind === "event" ? [a.message] : []));
    await updateTaskSets(deps, scope, service, decision, [...applied.messages, ...events], summary);
  }
  if (decision.actions.length > 0 || decision.waits.length > 0) await record(decision, summary);
  return { ...(decision.requeueAfterMs !== undefined ? { requeueAfterMs: decision.requeueAfterMs } : {}), placementFailures: summary.placementFailures };
}

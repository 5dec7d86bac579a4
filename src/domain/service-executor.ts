// Execute: applies one decision of the pure scheduler. Task launches and stops go through the
// same paths as RunTask/StartTask and StopTask; everything the decision says about the service
// itself (deployments, rollout state, failure tracking, and its events, appended under their own
// keys) is one guarded write.
import type { Decision, ServiceAction } from "../controllers/index.js";
import { applyDeploymentActions, isRepeatSuppressed, serviceEvents, taskIdOf } from "../controllers/index.js";
import type { Scope } from "../model/index.js";
import { commit, guardOf, put, type Deps } from "./deps.js";
import { keys } from "./keys.js";
import { appendEvents, readServiceEvents } from "./service-logs.js";
import { newDeployment, MAX_PAST_DEPLOYMENTS, type ServiceRecord } from "./service-records.js";
import { launchTasks, startTask, type LaunchInput } from "./task-launch.js";
import { findTask, requestStop } from "./tasks.js";

/** ECS's words for what placement reported about the closest instance (ecs-behavior.md §5.2). */
const CLOSEST_DETAIL: Record<string, string> = {
  "RESOURCE:CPU": "has insufficient CPU units available",
  "RESOURCE:MEMORY": "has insufficient memory available",
  "RESOURCE:PORTS": "is already using a port required by your task",
  "RESOURCE:PORTS_UDP": "is already using a port required by your task",
  AGENT: "doesn't have the agent connected",
};

export interface ExecutionSummary {
  launched: string[];
  stopped: string[];
  placementFailures: number;
  events: string[];
}

export async function executeDecision(deps: Deps, scope: Scope, service: ServiceRecord, decision: Decision): Promise<ExecutionSummary> {
  const { summary, messages } = await applyTaskActions(deps, scope, service, decision.actions);
  const recordActions = decision.actions.filter((a) => a.kind !== "launch" && a.kind !== "stop");
  const decisionEvents = recordActions.filter((a): a is Extract<ServiceAction, { kind: "event" }> => a.kind === "event").map((a) => a.message);
  await updateServiceRecord(deps, scope, service, recordActions, [...messages, ...decisionEvents], summary);
  return summary;
}

/**
 * The launches and stops of a decision, through the same paths as RunTask/StartTask and
 * StopTask; returns what landed and the events that say so. `unit` gives a deployment unit's
 * own launch settings in place of the service's, and the name its events carry (a task set's:
 * task-sets-reconcile.ts).
 */
export async function applyTaskActions(
  deps: Deps,
  scope: Scope,
  service: ServiceRecord,
  actions: readonly ServiceAction[],
  unit?: { settingsFor(deploymentId: string): Partial<LaunchInput> | undefined; subjectFor(deploymentId: string): string },
): Promise<{ summary: ExecutionSummary; messages: string[] }> {
  const summary: ExecutionSummary = { launched: [], stopped: [], placementFailures: 0, events: [] };
  const messages: string[] = [];
  const byDeployment = new Map(service.deployments.map((d) => [d.id, d]));
  const subjectOf = (deploymentId: string) => unit?.subjectFor(deploymentId) ?? service.serviceName;
  /** Stopped task ids by the name their event carries, in order. */
  const stoppedBy = new Map<string, string[]>();

  for (const action of actions) {
    if (action.kind === "launch") {
      const deployment = byDeployment.get(action.deploymentId);
      const input = {
        cluster: service.clusterName,
        taskDefinition: action.taskDefinitionArn ?? deployment?.taskDefinition ?? service.taskDefinition,
        count: action.count,
        group: `service:${service.serviceName}`,
        startedBy: action.deploymentId,
        placementConstraints: service.placementConstraints as never,
        placementStrategy: (service.placementStrategy.length ? service.placementStrategy : DEFAULT_SERVICE_STRATEGY) as never,
        // The service's launch settings: its launch type or capacity provider strategy, and platform.
        ...(service.capacityProviderStrategy?.length
          ? { capacityProviderStrategy: service.capacityProviderStrategy }
          : { launchType: service.launchType ?? "EC2" }),
        ...(service.platformVersion !== undefined ? { platformVersion: service.platformVersion } : {}),
        propagateTags: service.propagateTags === "SERVICE" ? "NONE" : service.propagateTags,
        tags: service.propagateTags === "SERVICE" ? service.tags : [],
        enableExecuteCommand: service.enableExecuteCommand,
        // awsvpc: the service's subnets and groups, checked again at each launch (a subnet may be gone).
        ...(service.networkConfiguration ? { networkConfiguration: service.networkConfiguration } : {}),
        // Each task gets its own EBS-style volume, as its deployment configures it.
        ...(deployment?.volumeConfigurations ? { volumeConfigurations: deployment.volumeConfigurations as never } : {}),
        ...unit?.settingsFor(action.deploymentId),
      };
      try {
        const result = action.instanceArn
          ? await startTask(deps, scope, { ...input, containerInstances: [action.instanceArn] }, { serviceName: service.serviceName })
          : await launchTasks(deps, scope, input, { serviceName: service.serviceName });
        const ids = result.tasks.map((t) => taskIdOf(String(t.taskArn)));
        summary.launched.push(...ids);
        if (ids.length) messages.push(serviceEvents.startedTasks(subjectOf(action.deploymentId), ids, Math.min(action.replacesUnhealthy ?? 0, ids.length)));
        if (ids.length < action.count) {
          summary.placementFailures += action.count - ids.length;
          messages.push(unableToPlace(subjectOf(action.deploymentId), result.failures));
        }
      } catch (err) {
        // "No Container Instances were found" and the like: the placement never started.
        summary.placementFailures += action.count;
        messages.push(
          (err as Error).message === "No Container Instances were found in your cluster."
            ? serviceEvents.unableToPlace(subjectOf(action.deploymentId))
            : serviceEvents.failedToLaunch(subjectOf(action.deploymentId), (err as Error).message),
        );
      }
    } else if (action.kind === "stop") {
      const task = findTask(deps, scope, service.clusterName, action.taskArn);
      if (!task || task.desiredStatus === "STOPPED") continue;
      await requestStop(deps, scope, task, action.stopCode, action.reason);
      summary.stopped.push(task.id);
      const subject = subjectOf(action.deploymentId);
      stoppedBy.set(subject, [...(stoppedBy.get(subject) ?? []), task.id]);
    }
  }
  for (const [subject, ids] of stoppedBy) messages.push(serviceEvents.stoppedTasks(subject, ids));
  return { summary, messages };
}

const DEFAULT_SERVICE_STRATEGY = [
  { type: "spread", field: "attribute:ecs.availability-zone" },
  { type: "spread", field: "instanceId" },
];

function unableToPlace(serviceName: string, failures: { arn?: string; reason: string; detail?: string }[]): string {
  // The instance that passed the most checks is reported first by placement's closest ordering.
  const order = ["INACTIVE", "AGENT", "ATTRIBUTE", "MemberOf placement constraint unsatisfied.", "DistinctInstance placement constraint unsatisfied.", "RESOURCE:CPU", "RESOURCE:MEMORY", "RESOURCE:PORTS", "RESOURCE:PORTS_UDP"];
  const closest = [...failures].filter((f) => f.arn).sort((a, b) => order.indexOf(b.reason) - order.indexOf(a.reason))[0];
  if (!closest) return serviceEvents.unableToPlace(serviceName);
  const detail = CLOSEST_DETAIL[closest.reason] ?? `encountered error "${closest.reason}"`;
  return serviceEvents.unableToPlace(serviceName, { containerInstanceId: closest.arn!.slice(closest.arn!.lastIndexOf("/") + 1), detail });
}

async function updateServiceRecord(
  deps: Deps,
  scope: Scope,
  observed: ServiceRecord,
  actions: ServiceAction[],
  messages: string[],
  summary: ExecutionSummary,
): Promise<void> {
  const key = keys.service(scope, observed.clusterName, observed.serviceName);
  await commit(deps, () => {
    const current = deps.cache.get<ServiceRecord>(key);
    if (!current) return { guards: [], ops: [], result: undefined };
    const now = deps.clock.now();
    const { deployments, past, failureTracking } = applyDeploymentActions(
      { deployments: current.deployments, past: current.pastDeployments ?? [], failureTracking: current.failureTracking },
      actions,
      now,
      {
        maxPast: MAX_PAST_DEPLOYMENTS,
        rollback: (a) => {
          // A rollback launches as the deployment it returns to, its volumes included.
          const target = [...current.deployments, ...(current.pastDeployments ?? [])].find((d) => d.id === a.targetDeploymentId);
          return newDeployment(a.taskDefinitionArn, a.desiredCount, now, {
            rolloutStateReason: a.rolloutStateReason,
            rollbackTargetId: a.targetDeploymentId,
            ...(target?.volumeConfigurations ? { volumeConfigurations: target.volumeConfigurations } : {}),
            // ... and deploys its revision again (ECS rolls back to the previous service revision).
            ...(target?.revision ? { revision: target.revision } : {}),
          });
        },
      },
    );
    // Repeats are judged against the stored events and those this pass already added.
    let newest = readServiceEvents(deps, scope, current)[0];
    const added: string[] = [];
    summary.events = added;
    for (const message of messages) {
      if (isRepeatSuppressed(message, newest ? [newest] : [], now)) continue;
      newest = { id: "", createdAt: now, message };
      added.push(message);
    }
    const appended = appendEvents(deps, scope, current, added, now);
    const rollbackTd = deployments.find((d) => d.status === "PRIMARY")?.taskDefinition ?? current.taskDefinition;
    // `events` inside the record is a leftover of the layout before service-logs.ts: dropped.
    const { events: _legacy, ...rest } = current as ServiceRecord & { events?: unknown };
    const next: ServiceRecord = { ...rest, deployments, pastDeployments: past, failureTracking, taskDefinition: rollbackTd };
    const changed = JSON.stringify(next) !== JSON.stringify(current);
    if (!changed && appended.ops.length === 0) return { guards: [], ops: [], result: undefined };
    return {
      guards: [guardOf(deps, key), ...appended.guards],
      ops: [...(changed ? [put(key, next)] : []), ...appended.ops],
      result: undefined,
    };
  });
}

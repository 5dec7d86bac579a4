// The DAEMON reconcile pass (ecs-behavior.md §4.9, §4.14): one task per ACTIVE container
// instance that meets the placement constraints, following instances as they join, drain and
// leave. The desired count is computed: the number of such instances.
//
// maximumPercent is 100 for daemons, which ECS applies per instance: a new task starts on an
// instance only when no task of the service is running or pending there, so a rolling update
// stops the old daemon first (within minimumHealthyPercent, default 0) and starts the new one in
// the freed slot. Daemon tasks stop last on a draining instance: only once the instance's other
// tasks are gone. Tasks on instances that no longer meet the constraints, or have left, stop.
//
// Worked example, 4 instances, min 50, an update: minimumHealthy = ceil(4 × 0.5) = 2, so two
// old daemons stop; their instances get new daemons once the old ones left RUNNING; when those
// are healthy (healthy = 4 again) the other two old daemons stop, and so on.

import type { LiveTask } from "./classify.js";
import { stopReasons } from "./events.js";
import { backoffWaits } from "./failures.js";
import { breakerDecision, finishPass, isPassContext, isServiceActive, openPass, type PassContext, type Plan, type PlannedStop } from "./pass.js";
import { stopBudget } from "./rollout-math.js";
import { OCCUPYING_STATUSES, type Decision, type LaunchAction, type ObservedInstance, type SchedulerObservation, type StopCause } from "./types.js";
import { orderVictims } from "./victims.js";

function isEligible(i: ObservedInstance): boolean {
  return i.status === "ACTIVE" && i.satisfiesConstraints;
}

export function decideDaemon(obs: SchedulerObservation, now: number): Decision {
  const instances = obs.instances ?? [];
  const eligible = instances.filter(isEligible);
  const ctx = openPass(obs, now, eligible.length);
  if (!isPassContext(ctx)) return ctx;
  return breakerDecision(ctx) ?? finishPass(ctx, planDaemon(ctx, instances));
}

const KEEP_PREFERENCE = { healthy: 0, starting: 1, pending: 2, unhealthy: 3 } as const;

function planDaemon(ctx: PassContext, instances: readonly ObservedInstance[]): Plan {
  const { primary, buckets, now } = ctx;
  const scaling = stopReasons.scalingActivity(primary.id);
  const active = isServiceActive(ctx.service);
  const byArn = new Map(instances.map((i) => [i.containerInstanceArn, i]));
  const waits: string[] = [];

  const liveOn = new Map<string, LiveTask[]>();
  for (const l of buckets.live) {
    const arn = l.task.containerInstanceArn ?? "";
    let list = liveOn.get(arn);
    if (!list) liveOn.set(arn, (list = []));
    list.push(l);
  }

  // keep at most one PRIMARY task per eligible instance; everything else leaves.
  const kept = new Set<LiveTask>();
  const leaving: { live: LiveTask; cause: StopCause; waitForOthers: boolean }[] = [];
  for (const [arn, list] of liveOn) {
    const instance = byArn.get(arn);
    const eligible = active && instance !== undefined && isEligible(instance);
    if (eligible) {
      const keep = list
        .filter((l) => l.isPrimary && l.phase !== "unhealthy")
        .sort((a, b) => KEEP_PREFERENCE[a.phase] - KEEP_PREFERENCE[b.phase])[0];
      if (keep) kept.add(keep);
    }
    for (const l of list) {
      if (kept.has(l)) continue;
      const cause: StopCause = !active
        ? "service-deleted"
        : l.phase === "unhealthy"
          ? "unhealthy"
          : instance?.status === "DRAINING"
            ? "draining"
            : eligible && !l.isPrimary
              ? "deployment"
              : "daemon";
      // Daemons stop last on a draining instance; pending ones go at once (ecs-behavior §4.14).
      const waitForOthers = instance?.status === "DRAINING" && l.phase !== "pending" && (instance.otherTaskCount ?? 0) > 0;
      leaving.push({ live: l, cause, waitForOthers });
    }
  }

  const stops: PlannedStop[] = [];
  const reasonOf = (l: LiveTask) => (l.phase === "unhealthy" ? l.unhealthyReason! : scaling);
  const waitingForOthers = leaving.filter((x) => x.waitForOthers).length;
  if (waitingForOthers > 0) waits.push(`${waitingForOthers} daemon task(s) on draining instances wait for the instances' other tasks to stop`);
  const movable = leaving.filter((x) => !x.waitForOthers);
  for (const x of movable) if (x.live.phase !== "healthy") stops.push({ live: x.live, reason: reasonOf(x.live), cause: x.cause });

  const healthyLeaving = movable.filter((x) => x.live.phase === "healthy");
  const population = buckets.live.filter((l) => l.phase === "healthy");
  const first = orderVictims(healthyLeaving.filter((x) => x.cause !== "deployment").map((x) => x.live), population);
  const second = orderVictims(healthyLeaving.filter((x) => x.cause === "deployment").map((x) => x.live), population);
  const causes = new Map(healthyLeaving.map((x) => [x.live, x.cause]));
  const budget = stopBudget(ctx.healthy, ctx.minimumHealthy);
  const ordered = [...first, ...second];
  for (const l of ordered.slice(0, budget)) stops.push({ live: l, reason: scaling, cause: causes.get(l)! });
  if (ordered.length > budget) {
    waits.push(
      `${ordered.length - budget} healthy daemon task(s) to stop are held by minimumHealthyPercent ` +
        `${ctx.service.deploymentConfiguration.minimumHealthyPercent}: ${ctx.healthy} healthy, minimum ${ctx.minimumHealthy}`,
    );
  }

  // launch one PRIMARY task on each eligible instance with no task of the service running or pending.
  const occupied = new Set(
    ctx.obs.tasks.filter((t) => OCCUPYING_STATUSES.has(t.lastStatus)).map((t) => t.containerInstanceArn ?? ""),
  );
  const launches: LaunchAction[] = [];
  let wanted = 0;
  let heldBySlot = 0;
  let disconnected = 0;
  const backoffUntil = ctx.accounting.launchBackoffUntil;
  const backedOff = backoffUntil !== undefined && backoffUntil > now;
  for (const instance of active ? instances.filter(isEligible) : []) {
    const arn = instance.containerInstanceArn;
    if ((liveOn.get(arn) ?? []).some((l) => kept.has(l))) continue;
    wanted++;
    if (occupied.has(arn)) {
      heldBySlot++;
      continue;
    }
    if (instance.agentConnected === false) {
      disconnected++;
      continue;
    }
    if (backedOff) continue;
    launches.push({
      kind: "launch",
      deploymentId: primary.id,
      taskDefinitionArn: primary.taskDefinitionArn,
      count: 1,
      instanceArn: arn,
      cause: "daemon",
    });
  }
  if (heldBySlot > 0) waits.push(`${heldBySlot} instance(s) wait for their current task to leave before the new daemon starts (maximumPercent 100)`);
  if (disconnected > 0) waits.push(`${disconnected} instance(s) without a connected agent get no daemon task`);
  if (backedOff && wanted > heldBySlot + disconnected) waits.push(...backoffWaits(ctx.accounting, now));

  const inFlight = buckets.stopping.length > 0 || buckets.live.some((l) => l.phase === "pending" || l.phase === "starting");
  const workLeft = leaving.length > 0 || wanted > 0;
  const blocked = workLeft && stops.length === 0 && launches.length === 0 && !inFlight && !backedOff && waitingForOthers === 0 && disconnected === 0;
  const oldTasks = buckets.live.some((l) => !l.isPrimary);
  if (blocked) waits.push("the daemon rollout can neither start nor stop a task within minimumHealthyPercent and maximumPercent");

  const atDesired = wanted === 0 && leaving.length === 0 && [...kept].every((l) => l.phase === "healthy");
  return {
    stops,
    launches,
    waits,
    configurationStuck: blocked && oldTasks,
    atDesired,
    boundsOverride: {
      launchHeadroom: Math.max(0, ctx.desired - instances.filter((i) => isEligible(i) && occupied.has(i.containerInstanceArn)).length),
    },
    inputsExtra: { eligibleInstances: ctx.desired },
  };
}

// The REPLICA reconcile pass (ecs-behavior.md §4.2): one pure function from a snapshot and `now`
// to actions. Everything ECS does to a service — scaling, the rolling update, replacing failed,
// unhealthy and drained tasks — is the same three questions asked of the buckets:
//
//   keep:   which PRIMARY tasks make up the desired count (healthy first, then starting, then
//           pending; never unhealthy ones, never ones on a draining instance);
//   stop:   every other live task. Those that are not healthy go at once (they hold no one up:
//           minimumHealthy counts healthy tasks only) — except unhealthy PRIMARY tasks, which go
//           as their replacements start, or one at a time when there is no room for those;
//           healthy ones go only while healthy − minimumHealthy leaves room, draining instances
//           first, then the oldest deployments, then surplus PRIMARY tasks;
//   launch: desired − kept new PRIMARY tasks, as far as maximumTotal − (running + pending)
//           leaves room, unless launches are backed off or the rollout has FAILED.
//
// Worked example, desired 4, (min 50, max 150), 4 healthy old tasks:
//   pass 1: minimumHealthy 2, maximumTotal 6; keep 0 → launch min(4, 6 − 4) = 2; budget 4 − 2 = 2
//           → stop 2 old. (running + pending is 6 until the two old tasks leave RUNNING.)
//   pass 2: the 2 old have stopped: total 4 (2 old healthy, 2 new pending) → launch 2; budget 0.
//   pass 3: the 4 new are healthy: healthy 6, budget 4 → stop the last 2 old; then COMPLETED.

import type { LiveTask } from "./classify.js";
import { isHealthCheckStopReason, stopReasons } from "./events.js";
import { backoffWaits } from "./failures.js";
import { breakerDecision, finishPass, isPassContext, isServiceActive, openPass, type PassContext, type Plan, type PlannedStop } from "./pass.js";
import { launchHeadroom, stopBudget } from "./rollout-math.js";
import type { Decision, LaunchAction, SchedulerObservation, StopCause } from "./types.js";
import { orderVictims } from "./victims.js";
import { isProtected, protectionWait, setAsideProtected } from "./protection.js";
import { decideDaemon } from "./decide-daemon.js";

/** One reconcile pass for a service of either scheduling strategy. */
export function decide(obs: SchedulerObservation, now: number): Decision {
  return obs.service.schedulingStrategy === "DAEMON" ? decideDaemon(obs, now) : decideReplica(obs, now);
}

export function decideReplica(obs: SchedulerObservation, now: number): Decision {
  const ctx = openPass(obs, now, obs.service.desiredCount);
  if (!isPassContext(ctx)) return ctx;
  return breakerDecision(ctx) ?? finishPass(ctx, planReplica(ctx));
}

/**
 * The `count` PRIMARY tasks to give up when there are more than desired: those furthest from
 * serving first (pending, then starting, then healthy), zone-balanced within each.
 */
function chooseSurplus(candidates: readonly LiveTask[], count: number): LiveTask[] {
  const out: LiveTask[] = [];
  for (const phase of ["pending", "starting", "healthy"] as const) {
    if (out.length >= count) break;
    const ordered = orderVictims(candidates.filter((l) => l.phase === phase), candidates);
    out.push(...ordered.slice(0, count - out.length));
  }
  return out;
}

function planReplica(ctx: PassContext): Plan {
  const { primary, buckets, desired, now } = ctx;
  const scaling = stopReasons.scalingActivity(primary.id);
  const waits: string[] = [];

  // keep: the PRIMARY tasks that will make up the desired count. Protected tasks are never
  // scale-in victims: the surplus comes from the others, and what they cannot cover waits.
  const candidates = buckets.live.filter((l) => l.isPrimary && !l.onDrainingInstance && l.phase !== "unhealthy");
  const excess = Math.max(0, candidates.length - desired);
  const { free: unprotected, held: protectedCandidates } = setAsideProtected(candidates, now);
  const surplus = new Set(chooseSurplus(unprotected, Math.min(excess, unprotected.length)));
  const heldScaleIn = excess > unprotected.length ? chooseSurplus(protectedCandidates, excess - unprotected.length) : [];
  const kept = candidates.filter((l) => !surplus.has(l));
  const keptSet = new Set(kept);
  const leaving = buckets.live.filter((l) => !keptSet.has(l));

  // stop: free (not healthy) at once; healthy within the budget.
  const stops: PlannedStop[] = [];
  const causeOf = (l: LiveTask): StopCause =>
    !isServiceActive(ctx.service)
      ? "service-deleted"
      : l.phase === "unhealthy"
        ? "unhealthy"
        : l.onDrainingInstance
          ? "draining"
          : l.isPrimary
            ? "scale-in"
            : "deployment";
  const unhealthyPrimary = leaving.filter((l) => l.isPrimary && l.phase === "unhealthy");
  // A deployment does not replace a protected task either: it stays until its protection ends.
  const heldByProtection = (l: LiveTask) => isProtected(l, now) && (causeOf(l) === "deployment" || causeOf(l) === "scale-in");
  const heldDeployment = leaving.filter(heldByProtection);
  const movable = leaving.filter((l) => !heldByProtection(l));
  for (const w of [protectionWait(heldScaleIn, "scale-in"), protectionWait(heldDeployment, "the deployment")]) if (w) waits.push(w);
  for (const l of movable) {
    if (l.phase === "healthy" || (l.isPrimary && l.phase === "unhealthy")) continue;
    stops.push({ live: l, reason: l.phase === "unhealthy" ? l.unhealthyReason! : scaling, cause: causeOf(l) });
  }

  const healthyLeaving = movable.filter((l) => l.phase === "healthy");
  const remaining = buckets.live.filter((l) => l.phase === "healthy");
  const deploymentAge = new Map(ctx.deployments.map((d, i) => [d.id, i]));
  const group = (l: LiveTask) => (l.onDrainingInstance ? 0 : l.isPrimary ? 2 : 1);
  const ordered = [0, 1, 2].flatMap((g) => {
    const inGroup = healthyLeaving.filter((l) => group(l) === g);
    if (g !== 1) return orderVictims(inGroup, remaining);
    // Old deployments: the oldest drains first.
    const ids = [...new Set(inGroup.map((l) => l.task.deploymentId))].sort(
      (a, b) => (deploymentAge.get(a) ?? -1) - (deploymentAge.get(b) ?? -1),
    );
    return ids.flatMap((id) => orderVictims(inGroup.filter((l) => l.task.deploymentId === id), remaining));
  });
  const budget = stopBudget(ctx.healthy, ctx.minimumHealthy);
  const healthyStops = ordered.slice(0, budget);
  for (const l of healthyStops) stops.push({ live: l, reason: scaling, cause: causeOf(l) });
  const heldHealthy = ordered.length - healthyStops.length;
  if (heldHealthy > 0) {
    waits.push(
      `${heldHealthy} healthy task(s) to stop are held by minimumHealthyPercent ${ctx.service.deploymentConfiguration.minimumHealthyPercent}: ` +
        `${ctx.healthy} healthy, minimum ${ctx.minimumHealthy}`,
    );
  }

  // launch: new PRIMARY tasks for what the kept tasks do not cover.
  const want = Math.max(0, desired - kept.length);
  const headroom = launchHeadroom(ctx.maximumTotal, buckets.occupying);
  let count = Math.min(want, headroom);
  if (want > headroom) {
    waits.push(
      `${want - headroom} task(s) to launch are held by maximumPercent ${ctx.service.deploymentConfiguration.maximumPercent}: ` +
        `${buckets.occupying} running or pending, maximum ${ctx.maximumTotal}`,
    );
  }
  const backoffUntil = ctx.accounting.launchBackoffUntil;
  if (count > 0 && backoffUntil !== undefined && backoffUntil > now) {
    waits.push(...backoffWaits(ctx.accounting, now));
    count = 0;
  }
  const launches: LaunchAction[] = [];
  if (count > 0) {
    launches.push({
      kind: "launch",
      deploymentId: primary.id,
      taskDefinitionArn: primary.taskDefinitionArn,
      count,
      cause: unhealthyPrimary.length > 0 ? "replace" : ctx.deployments.length > 1 ? "deployment" : "scale",
      ...(unhealthyPrimary.length > 0 ? { replacesUnhealthy: Math.min(count, unhealthyPrimary.length) } : {}),
    });
  }

  // Unhealthy PRIMARY tasks: replacements start first where maximumPercent leaves room, then the
  // unhealthy tasks stop; without room they stop one at a time (ecs-behavior.md §4.2), so a load
  // balancer failing open on all-unhealthy targets still has something to send traffic to.
  const unhealthyStopping = buckets.stopping.some(
    (t) => t.deploymentId === primary.id && t.lastStatus !== "STOPPED" && isHealthCheckStopReason(t.stoppedReason),
  );
  const unhealthyAllowed = count + (unhealthyStopping ? 0 : 1);
  const unhealthyOrdered = orderVictims(unhealthyPrimary, buckets.live);
  for (const l of unhealthyOrdered.slice(0, unhealthyAllowed)) stops.push({ live: l, reason: l.unhealthyReason!, cause: causeOf(l) });
  if (unhealthyOrdered.length > unhealthyAllowed) {
    waits.push(`${unhealthyOrdered.length - unhealthyAllowed} unhealthy task(s) wait to be replaced one at a time`);
  }

  // Nothing can move and nothing in flight will change that: the configuration holds the rollout.
  const inFlight =
    buckets.stopping.length > 0 || buckets.live.some((l) => l.phase === "pending" || l.phase === "starting");
  // Tasks held by their protection are not stuck work: their expiry requeues the pass.
  const workLeft = movable.length > 0 || want > 0;
  const blocked = workLeft && stops.length === 0 && launches.length === 0 && !inFlight && !(backoffUntil !== undefined && backoffUntil > now);
  const oldTasks = buckets.live.some((l) => !l.isPrimary);
  if (blocked) {
    waits.push(
      oldTasks
        ? "the deployment can neither start nor stop a task within minimumHealthyPercent and maximumPercent"
        : "tasks to replace can neither start nor stop within minimumHealthyPercent and maximumPercent",
    );
  }
  const inFlightWaits = buckets.live.filter((l) => l.phase === "pending" || l.phase === "starting").length;
  if (inFlightWaits > 0 && (heldHealthy > 0 || want > headroom)) {
    waits.push(`waiting for ${inFlightWaits} pending or starting task(s) to become healthy`);
  }

  const atDesired =
    kept.length === desired &&
    leaving.length === 0 &&
    kept.every((l) => l.phase === "healthy");
  return { stops, launches, waits, configurationStuck: blocked && oldTasks, atDesired };
}

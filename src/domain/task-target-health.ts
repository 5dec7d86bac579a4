// A task's health as its target groups see it, for the service scheduler (ecs-behavior.md §4.1,
// aws-neighbors.md §1.11): read from the data plane's health records (one per target, written by
// the load balancer controller) for the targets the registration controller keeps on the task.
import type { LoadBalancerHealth } from "../controllers/index.js";
import type { Scope } from "../model/index.js";
import type { Deps } from "./deps.js";
import { elbKeys, type TargetHealthRecord } from "./elbv2/records.js";
import type { TaskRecord } from "./task-records.js";

/**
 * HEALTHY when every target is healthy, UNHEALTHY when one is unhealthy (initial, draining, unused
 * and unavailable are not), UNKNOWN otherwise — and before the task is registered. Once its
 * targets are deregistered the task keeps what was true at deregistration.
 */
export function loadBalancerHealthOf(deps: Deps, scope: Scope, task: TaskRecord): LoadBalancerHealth {
  const targets = task.loadBalancerTargets;
  if (targets === undefined) return { status: "UNKNOWN" };
  const live = targets.filter((t) => t.deregisteredAt === undefined);
  const views = targets.map((t) => {
    const rec = deps.cache.get<TargetHealthRecord>(elbKeys.targetHealth(scope, t.targetGroupArn, { Id: t.id, Port: t.port }));
    return { target: t, rec, state: rec?.State ?? (t.deregisteredAt === undefined ? "initial" : "unused") };
  });
  const shown = views.map((v) => ({ targetGroupArn: v.target.targetGroupArn, state: v.state }));
  if (live.length === 0) return { status: task.loadBalancerHealthy ? "HEALTHY" : "UNKNOWN", targets: shown };
  const sick = views.find((v) => v.target.deregisteredAt === undefined && v.state === "unhealthy");
  if (sick) {
    return {
      status: "UNHEALTHY",
      unhealthyTargetGroupArn: sick.target.targetGroupArn,
      unhealthyTarget: {
        port: sick.target.port,
        description: sick.rec?.Description ?? sick.rec?.Reason ?? "Health checks failed",
        ...(sick.target.id.startsWith("i-") ? { instanceId: sick.target.id } : {}),
      },
      targets: shown,
    };
  }
  const healthy = views.every((v) => v.target.deregisteredAt !== undefined || v.state === "healthy");
  return { status: healthy ? "HEALTHY" : "UNKNOWN", targets: shown };
}

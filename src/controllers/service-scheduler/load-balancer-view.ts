// The load balancer's view of a service for the decision log: per target group, how many of the
// service's targets are in each ELB state, from what the observation says of each task. A live
// task not registered yet counts as "unregistered" in each of the service's groups.
import type { ObservedService, ObservedTask, TargetGroupInputs } from "./types.js";

export function loadBalancerView(service: ObservedService, tasks: readonly ObservedTask[]): TargetGroupInputs[] {
  const groups = new Map<string, Record<string, number>>((service.targetGroupArns ?? []).map((arn) => [arn, {}]));
  const add = (arn: string, state: string) => {
    const counts = groups.get(arn) ?? {};
    counts[state] = (counts[state] ?? 0) + 1;
    groups.set(arn, counts);
  };
  for (const t of tasks) {
    const targets = t.loadBalancerHealth?.targets;
    if (targets) for (const target of targets) add(target.targetGroupArn, target.state);
    else if (t.lastStatus === "RUNNING" && t.desiredStatus === "RUNNING") for (const arn of service.targetGroupArns ?? []) add(arn, "unregistered");
  }
  return [...groups].map(([targetGroupArn, targets]) => ({ targetGroupArn, targets }));
}

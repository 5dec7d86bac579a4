// The load balancer's view of a service for the decision log: per target group, how many of the
// service's targets are in each ELB state, from what the observation says of each task.
import type { ObservedTask, TargetGroupInputs } from "./types.js";

export function loadBalancerView(tasks: readonly ObservedTask[]): TargetGroupInputs[] {
  const groups = new Map<string, Record<string, number>>();
  for (const t of tasks) {
    for (const target of t.loadBalancerHealth?.targets ?? []) {
      const counts = groups.get(target.targetGroupArn) ?? {};
      counts[target.state] = (counts[target.state] ?? 0) + 1;
      groups.set(target.targetGroupArn, counts);
    }
  }
  return [...groups].map(([targetGroupArn, targets]) => ({ targetGroupArn, targets }));
}

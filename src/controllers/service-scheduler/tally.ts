// Per-deployment counts, taken in one sweep over the tasks: what the decision log shows for each
// deployment and what the Deployment record reports (pendingCount, runningCount).

import type { TaskBuckets } from "./classify.js";
import { PENDING_STATUSES, type ObservedTask } from "./types.js";

export interface DeploymentTally {
  /** Tasks not yet STOPPED, whatever their desiredStatus: the deployment is drained at 0. */
  present: number;
  /** lastStatus before RUNNING / RUNNING, whatever their desiredStatus (ECS's counts). */
  pendingCount: number;
  runningCount: number;
  /** Live tasks (desiredStatus RUNNING) by phase. */
  live: number;
  livePending: number;
  healthy: number;
  starting: number;
  unhealthy: number;
  onDrainingInstance: number;
  stopping: number;
}

const empty = (): DeploymentTally => ({
  present: 0,
  pendingCount: 0,
  runningCount: 0,
  live: 0,
  livePending: 0,
  healthy: 0,
  starting: 0,
  unhealthy: 0,
  onDrainingInstance: 0,
  stopping: 0,
});

export function tallyByDeployment(tasks: readonly ObservedTask[], buckets: TaskBuckets): Map<string, DeploymentTally> {
  const out = new Map<string, DeploymentTally>();
  const of = (id: string): DeploymentTally => {
    let t = out.get(id);
    if (!t) out.set(id, (t = empty()));
    return t;
  };
  for (const task of tasks) {
    if (task.lastStatus === "STOPPED" || task.lastStatus === "DELETED") continue;
    const t = of(task.deploymentId);
    t.present++;
    if (PENDING_STATUSES.has(task.lastStatus)) t.pendingCount++;
    else if (task.lastStatus === "RUNNING") t.runningCount++;
  }
  for (const l of buckets.live) {
    const t = of(l.task.deploymentId);
    t.live++;
    if (l.phase === "pending") t.livePending++;
    else if (l.phase === "healthy") t.healthy++;
    else if (l.phase === "starting") t.starting++;
    else t.unhealthy++;
    if (l.onDrainingInstance) t.onDrainingInstance++;
  }
  for (const task of buckets.stopping) of(task.deploymentId).stopping++;
  return out;
}

export function tallyOf(tallies: ReadonlyMap<string, DeploymentTally>, deploymentId: string): DeploymentTally {
  return tallies.get(deploymentId) ?? empty();
}

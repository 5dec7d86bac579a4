// What `berth rollout status` shows and decides, as pure functions of one DescribeServices
// answer: the deployment it follows, whether that deployment completed or failed, and the lines
// of the live display.
import type { Deployment, Service } from "@aws-sdk/client-ecs";
import { age, taskDefName } from "./format.js";
import type { Style } from "./style.js";
import { renderTable } from "./table.js";

export type RolloutOutcome =
  | { state: "waiting" }
  | { state: "completed"; message: string }
  | { state: "failed"; message: string }
  /** The deployment left the service without an outcome: a newer one replaced it. */
  | { state: "gone" };

export function primaryOf(svc: Service): Deployment | undefined {
  return svc.deployments?.find((d) => d.status === "PRIMARY") ?? svc.deployments?.[0];
}

export function outcomeOf(svc: Service, trackedId: string): RolloutOutcome {
  const d = svc.deployments?.find((x) => x.id === trackedId);
  if (!d) return { state: "gone" };
  const name = svc.serviceName ?? "";
  if (d.rolloutState === "FAILED") {
    const now = primaryOf(svc);
    // Worded as rollout-command's failedBeforeRollback words it, whichever of the two sees the failure.
    const rolled = now?.rolloutState === "COMPLETED" ? "was rolled back" : "is rolling back";
    const rollback = now && now.id !== d.id ? `; the service ${rolled} to ${taskDefName(now.taskDefinition)} (deployment ${now.id})` : "";
    const reason = (d.rolloutStateReason ?? "no reason given").replace(/\.$/, "");
    return { state: "failed", message: `deployment ${d.id} of service ${name} failed: ${reason}${rollback}` };
  }
  const done = `deployment ${d.id} completed: service ${name} runs ${d.runningCount ?? 0} ${(d.runningCount ?? 0) === 1 ? "task" : "tasks"} of ${taskDefName(d.taskDefinition)}`;
  if (d.rolloutState === "COMPLETED") return { state: "completed", message: done };
  // Without a rollout state (not an ECS-controlled rolling deployment), the services-stable
  // waiter's rule: one deployment left, running as many as desired.
  if (d.rolloutState === undefined && svc.deployments?.length === 1 && d.runningCount === d.desiredCount) return { state: "completed", message: done };
  return { state: "waiting" };
}

/** The outcome of a deployment that left the service, from ListServiceDeployments' status. */
export function outcomeFromHistory(id: string, serviceName: string, status: string | undefined, reason: string | undefined): RolloutOutcome {
  if (status === "SUCCESSFUL" || status === "ROLLBACK_SUCCESSFUL") return { state: "completed", message: `deployment ${id} of service ${serviceName} completed` };
  if (status === "ROLLBACK_FAILED" || (status === "STOPPED" && /circuit breaker|fail/i.test(reason ?? ""))) {
    return { state: "failed", message: `deployment ${id} of service ${serviceName} failed: ${(reason ?? status).replace(/\.$/, "")}` };
  }
  return { state: "gone" };
}

/** One line: where the followed deployment stands. */
export function progressLine(svc: Service, trackedId: string): string {
  const d = svc.deployments?.find((x) => x.id === trackedId);
  if (!d) return `deployment ${trackedId} is no longer in service ${svc.serviceName}`;
  const old = (svc.deployments ?? []).filter((x) => x.id !== d.id).reduce((n, x) => n + (x.runningCount ?? 0), 0);
  const parts = [`${d.runningCount ?? 0} of ${d.desiredCount ?? 0} running`, `${d.pendingCount ?? 0} pending`, `${d.failedTasks ?? 0} failed`];
  if (old > 0) parts.push(`${old} old still running`);
  return `${d.id} ${d.rolloutState ?? "IN_PROGRESS"} (${taskDefName(d.taskDefinition)}): ${parts.join(", ")}`;
}

export function rolloutLines(svc: Service, trackedId: string, now: number, s: Style): string[] {
  const d = svc.deployments?.find((x) => x.id === trackedId);
  const lines = [`${s.bold(`Rollout of service ${svc.serviceName}`)}${d ? ` to ${taskDefName(d.taskDefinition)}` : ""}: ${progressLine(svc, trackedId)}`];
  const deployments = svc.deployments ?? [];
  lines.push(
    ...renderTable(
      [
        { header: "ID", value: (x: Deployment) => (x.id === trackedId ? `${x.id} *` : x.id ?? "") },
        { header: "STATUS", value: (x) => s.status(x.status ?? "") },
        { header: "ROLLOUT", value: (x) => s.status(x.rolloutState ?? "") },
        { header: "TASK DEFINITION", value: (x) => taskDefName(x.taskDefinition) },
        { header: "DESIRED", value: (x) => String(x.desiredCount ?? 0), align: "right" },
        { header: "RUNNING", value: (x) => String(x.runningCount ?? 0), align: "right" },
        { header: "PENDING", value: (x) => String(x.pendingCount ?? 0), align: "right" },
        { header: "FAILED", value: (x) => String(x.failedTasks ?? 0), align: "right" },
      ],
      deployments,
    ).map((l) => `  ${l}`),
  );
  const latest = svc.events?.[0];
  if (latest) lines.push(`  ${s.dim("latest event:")} ${latest.message} ${s.dim(`(${age(latest.createdAt, now)} ago)`)}`);
  return lines;
}

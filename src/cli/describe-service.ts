// The service view of `berth describe service`, in the order the seed reads a service: events
// first (why the scheduler acted), then deployments (PRIMARY and ACTIVE with their counts and
// rollout state), then tasks — the running ones, and the stopped ones with their stop reasons
// and exit codes (where a task died). Pure: data in, lines out.
import type { Service, Task } from "@aws-sdk/client-ecs";
import type { TargetHealthDescription } from "@aws-sdk/client-elastic-load-balancing-v2";
import { age, shortId, taskDefName } from "./format.js";
import type { Style } from "./style.js";
import { renderTable } from "./table.js";
import type { TargetGroupHealth } from "./target-health.js";

export interface ServiceView {
  service: Service;
  /** The service's tasks: running and recently stopped. */
  tasks: readonly Task[];
  now: number;
  /** How many events and stopped tasks to show. */
  limit: number;
  /** Each of the service's target groups with its targets' health (absent: not read). */
  targetGroups?: readonly TargetGroupHealth[];
}

/** Label/value lines with the values aligned. */
export function fields(rows: readonly (readonly [string, string | undefined])[]): string[] {
  const shown = rows.filter(([, v]) => v !== undefined && v !== "");
  const width = Math.max(...shown.map(([k]) => k.length)) + 2;
  return shown.map(([k, v]) => `${`${k}:`.padEnd(width)}${v}`);
}

const indent = (lines: readonly string[], by = "  ") => lines.map((l) => (l === "" ? l : by + l));

export function deploymentSummary(svc: Service): string {
  const dc = svc.deploymentConfiguration;
  const parts: string[] = [svc.schedulingStrategy ?? "REPLICA"];
  if (svc.deploymentController?.type && svc.deploymentController.type !== "ECS") parts.push(`controller ${svc.deploymentController.type}`);
  if (dc) parts.push(`rolling update: minimumHealthyPercent ${dc.minimumHealthyPercent ?? "-"}, maximumPercent ${dc.maximumPercent ?? "-"}`);
  return parts.join(", ");
}

function breaker(svc: Service): string {
  const cb = svc.deploymentConfiguration?.deploymentCircuitBreaker;
  if (!cb?.enable) return "off";
  return cb.rollback ? "on, rolls back to the last completed deployment" : "on, without rollback";
}

/** What a stopped task's containers said: "app exited 1 (reason)". */
export function containerOutcomes(t: Task): string[] {
  return (t.containers ?? []).map((c) => {
    const exit = c.exitCode !== undefined && c.exitCode !== null ? `exit code ${c.exitCode}` : "no exit code";
    return `container ${c.name}: ${c.lastStatus ?? "?"}, ${exit}${c.reason ? ` — ${c.reason}` : ""}`;
  });
}

export function serviceView(v: ServiceView, s: Style): string[] {
  const svc = v.service;
  const lines = fields([
    ["Service", s.bold(svc.serviceName ?? "")],
    ["Cluster", shortId(svc.clusterArn)],
    ["Status", s.status(svc.status ?? "")],
    ["Task definition", taskDefName(svc.taskDefinition)],
    ["Desired", `${svc.desiredCount ?? 0} tasks (running ${svc.runningCount ?? 0}, pending ${svc.pendingCount ?? 0})`],
    ["Scheduling", deploymentSummary(svc)],
    ["Circuit breaker", breaker(svc)],
    ["Launch type", svc.launchType ?? svc.capacityProviderStrategy?.map((c) => c.capacityProvider).join(", ")],
    ["Created", svc.createdAt ? `${svc.createdAt.toISOString()} (${age(svc.createdAt, v.now)} ago)` : undefined],
    ["ARN", svc.serviceArn],
  ]);

  const events = svc.events ?? [];
  lines.push("", s.bold(`Events`) + ` (newest first, ${Math.min(v.limit, events.length)} of ${events.length}):`);
  if (events.length === 0) lines.push("  none yet");
  else {
    lines.push(...indent(renderTable([{ header: "AGE", value: (e: (typeof events)[number]) => age(e.createdAt, v.now) }, { header: "MESSAGE", value: (e) => e.message ?? "" }], events.slice(0, v.limit))));
  }

  const deployments = svc.deployments ?? [];
  lines.push("", s.bold("Deployments") + ` (${deployments.length}):`);
  lines.push(
    ...indent(
      renderTable(
        [
          { header: "ID", value: (d: (typeof deployments)[number]) => d.id ?? "" },
          { header: "STATUS", value: (d) => s.status(d.status ?? "") },
          { header: "ROLLOUT", value: (d) => s.status(d.rolloutState ?? "") },
          { header: "TASK DEFINITION", value: (d) => taskDefName(d.taskDefinition) },
          { header: "DESIRED", value: (d) => String(d.desiredCount ?? 0), align: "right" },
          { header: "RUNNING", value: (d) => String(d.runningCount ?? 0), align: "right" },
          { header: "PENDING", value: (d) => String(d.pendingCount ?? 0), align: "right" },
          { header: "FAILED", value: (d) => String(d.failedTasks ?? 0), align: "right" },
          { header: "AGE", value: (d) => age(d.createdAt, v.now) },
        ],
        deployments,
      ),
    ),
  );
  for (const d of deployments) if (d.rolloutStateReason) lines.push(`  ${d.id}: ${d.rolloutStateReason}`);

  lines.push(...loadBalancerLines(v, s));

  const running = v.tasks.filter((t) => t.desiredStatus !== "STOPPED" || t.lastStatus !== "STOPPED");
  const stopped = v.tasks
    .filter((t) => !running.includes(t))
    .sort((a, b) => (b.stoppedAt?.getTime() ?? 0) - (a.stoppedAt?.getTime() ?? 0));
  lines.push("", s.bold("Tasks") + ` (${running.length}):`);
  if (running.length === 0) lines.push("  none");
  else {
    lines.push(
      ...indent(
        renderTable(
          [
            { header: "ID", value: (t: Task) => shortId(t.taskArn) },
            { header: "DEPLOYMENT", value: (t) => t.startedBy ?? "" },
            { header: "TASK DEFINITION", value: (t) => taskDefName(t.taskDefinitionArn) },
            { header: "STATUS", value: (t) => s.status(t.lastStatus ?? "") },
            { header: "DESIRED", value: (t) => t.desiredStatus ?? "" },
            { header: "HEALTH", value: (t) => s.status(t.healthStatus ?? "") },
            { header: "AGE", value: (t) => age(t.createdAt, v.now) },
          ],
          running,
        ),
      ),
    );
  }
  if (stopped.length > 0) {
    lines.push("", s.bold("Stopped tasks") + ` (newest first, ${Math.min(v.limit, stopped.length)} of ${stopped.length}):`);
    for (const t of stopped.slice(0, v.limit)) {
      lines.push(`  ${shortId(t.taskArn)}  ${taskDefName(t.taskDefinitionArn)}  ${s.status("STOPPED")} ${age(t.stoppedAt, v.now)} ago  ${t.stopCode ?? ""}`);
      if (t.stoppedReason) lines.push(`      reason: ${t.stoppedReason}`);
      for (const c of containerOutcomes(t)) lines.push(`      ${c}`);
    }
  }
  lines.push(
    "",
    s.dim(`Next: 'berth explain service ${svc.serviceName}' shows the scheduler's decisions; 'berth describe task ID' one task.`),
  );
  return lines;
}

/** The task whose ENI address or instance a target is, by short id. */
function taskOfTarget(tasks: readonly Task[], t: TargetHealthDescription): string {
  const id = t.Target?.Id;
  const hit = tasks.find(
    (task) =>
      task.lastStatus !== "STOPPED" &&
      (task.attachments ?? []).some((a) => (a.details ?? []).some((d) => d.name === "privateIPv4Address" && d.value === id)),
  );
  return hit ? shortId(hit.taskArn) : "";
}

/** "3 healthy, 1 initial": the targets' states in ELB's order. */
export function healthCounts(targets: readonly TargetHealthDescription[]): string {
  const order = ["healthy", "initial", "unhealthy", "draining", "unused", "unavailable"];
  const counts = new Map<string, number>();
  for (const t of targets) counts.set(t.TargetHealth?.State ?? "unknown", (counts.get(t.TargetHealth?.State ?? "unknown") ?? 0) + 1);
  const rank = (state: string) => (order.includes(state) ? order.indexOf(state) : order.length);
  const states = [...counts.keys()].sort((a, b) => rank(a) - rank(b));
  return states.map((st) => `${counts.get(st)} ${st}`).join(", ") || "no targets";
}

function loadBalancerLines(v: ServiceView, s: Style): string[] {
  const groups = v.targetGroups ?? [];
  if (groups.length === 0) return [];
  const lines = ["", s.bold("Load balancers") + ` (${groups.length} target group${groups.length === 1 ? "" : "s"}):`];
  for (const g of groups) {
    const name = g.targetGroupArn.split(":").pop()?.split("/").slice(0, 2).join("/") ?? g.targetGroupArn;
    const wiring = g.containerName ? ` ← ${g.containerName}:${g.containerPort ?? "?"}` : "";
    if (g.error !== undefined) {
      lines.push(`  ${name}${wiring}: cannot read its targets: ${g.error}`);
      continue;
    }
    const targets = g.targets ?? [];
    lines.push(`  ${name}${wiring}: ${healthCounts(targets)}`);
    if (targets.length === 0) continue;
    lines.push(
      ...indent(
        renderTable(
          [
            { header: "TARGET", value: (t: TargetHealthDescription) => `${t.Target?.Id ?? ""}:${t.Target?.Port ?? ""}` },
            { header: "TASK", value: (t) => taskOfTarget(v.tasks, t) },
            { header: "STATE", value: (t) => s.status(t.TargetHealth?.State ?? "") },
            { header: "REASON", value: (t) => [t.TargetHealth?.Reason, t.TargetHealth?.Description].filter(Boolean).join(": ") },
          ],
          targets,
        ),
        "    ",
      ),
    );
  }
  return lines;
}

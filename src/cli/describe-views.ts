// `berth describe task|instance|taskdef`: one object, the fields a person asks about first,
// then its parts (containers, resources, attributes). Pure: data in, lines out.
import type { ContainerDefinition, ContainerInstance, Tag, Task, TaskDefinition } from "@aws-sdk/client-ecs";
import { fields } from "./describe-service.js";
import { age, clock, shortId, taskDefName } from "./format.js";
import type { Style } from "./style.js";
import { renderTable } from "./table.js";

const indent = (lines: readonly string[], by = "  ") => lines.map((l) => (l === "" ? l : by + l));
const when = (d: Date | undefined, now: number) => (d ? `${d.toISOString()} (${age(d, now)} ago)` : undefined);

/** The last lines of the containers that failed, for `describe task` (task-logs.ts fetches them). */
export interface FailedLogs {
  containers: { name: string; exitCode?: number; lines: string[] }[];
  /** Why they could not be read (agent not connected, logs gone), instead of lines. */
  note?: string;
}

export function taskView(t: Task, now: number, s: Style, failedLogs?: FailedLogs): string[] {
  const lines = fields([
    ["Task", s.bold(shortId(t.taskArn))],
    ["Cluster", shortId(t.clusterArn)],
    ["Task definition", taskDefName(t.taskDefinitionArn)],
    ["Group", t.group],
    ["Started by", t.startedBy],
    ["Status", `${s.status(t.lastStatus ?? "")} (desired ${t.desiredStatus ?? "?"})`],
    ["Health", t.healthStatus ? s.status(t.healthStatus) : undefined],
    ["Instance", t.containerInstanceArn ? shortId(t.containerInstanceArn) : undefined],
    ["Launch type", t.launchType],
    ["CPU / memory", t.cpu || t.memory ? `${t.cpu ?? "-"} units / ${t.memory ?? "-"} MiB` : undefined],
    ["Stop code", t.stopCode],
    ["Stopped reason", t.stoppedReason],
    ["ARN", t.taskArn],
  ]);
  const timeline: [string, Date | undefined][] = [
    ["created", t.createdAt],
    ["pull started", t.pullStartedAt],
    ["pull stopped", t.pullStoppedAt],
    ["started", t.startedAt],
    ["stopping", t.stoppingAt],
    ["execution stopped", t.executionStoppedAt],
    ["stopped", t.stoppedAt],
  ];
  const seen = timeline.filter(([, d]) => d);
  if (seen.length) {
    lines.push("", s.bold("Timeline:"));
    for (const [what, d] of seen) lines.push(`  ${clock(d)}  ${what} (${age(d, now)} ago)`);
  }
  const containers = t.containers ?? [];
  lines.push("", s.bold("Containers") + ` (${containers.length}):`);
  lines.push(
    ...indent(
      renderTable(
        [
          { header: "NAME", value: (c: (typeof containers)[number]) => c.name ?? "" },
          { header: "IMAGE", value: (c) => c.image ?? "" },
          { header: "STATUS", value: (c) => s.status(c.lastStatus ?? "") },
          { header: "HEALTH", value: (c) => s.status(c.healthStatus ?? "") },
          { header: "EXIT", value: (c) => (c.exitCode === undefined || c.exitCode === null ? "" : String(c.exitCode)) },
          { header: "REASON", value: (c) => c.reason ?? "" },
        ],
        containers,
      ),
    ),
  );
  const ports = containers.flatMap((c) => (c.networkBindings ?? []).map((b) => `${c.name}: ${b.bindIP ?? ""}:${b.hostPort} → ${b.containerPort}/${b.protocol ?? "tcp"}`));
  if (ports.length) lines.push("", s.bold("Ports:"), ...indent(ports));
  lines.push(...tagLines(t.tags, s));
  lines.push(...failedLogLines(failedLogs, s));
  return lines;
}

function failedLogLines(logs: FailedLogs | undefined, s: Style): string[] {
  if (!logs) return [];
  if (logs.note) return ["", s.dim(`Logs: ${logs.note}`)];
  return logs.containers.flatMap((c) => [
    "",
    s.bold(`Last lines of ${c.name}`) + `${c.exitCode !== undefined ? ` (exit ${c.exitCode})` : ""}:`,
    ...(c.lines.length ? indent(c.lines) : [s.dim("  (it wrote nothing)")]),
  ]);
}

function tagLines(tags: readonly Tag[] | undefined, s: Style): string[] {
  if (!tags?.length) return [];
  return ["", s.bold("Tags:"), ...tags.map((t) => `  ${t.key}=${t.value ?? ""}`)];
}

export function instanceView(ci: ContainerInstance, tasks: readonly Task[], now: number, s: Style): string[] {
  const lines = fields([
    ["Instance", s.bold(shortId(ci.containerInstanceArn))],
    ["Status", `${s.status(ci.status ?? "")}${ci.statusReason ? ` (${ci.statusReason})` : ""}`],
    ["Agent", s.status(ci.agentConnected ? "connected" : "disconnected")],
    ["Tasks", `running ${ci.runningTasksCount ?? 0}, pending ${ci.pendingTasksCount ?? 0}`],
    ["Agent version", ci.versionInfo?.agentVersion],
    ["Registered", when(ci.registeredAt, now)],
    ["EC2 instance", ci.ec2InstanceId],
    ["ARN", ci.containerInstanceArn],
  ]);
  const registered = ci.registeredResources ?? [];
  const remaining = new Map((ci.remainingResources ?? []).map((r) => [r.name, r]));
  const value = (r: { integerValue?: number; longValue?: number; doubleValue?: number; stringSetValue?: string[] } | undefined) =>
    r === undefined ? "" : r.stringSetValue ? r.stringSetValue.join(",") || "-" : String(r.integerValue ?? r.longValue ?? r.doubleValue ?? "");
  lines.push("", s.bold("Resources:"));
  lines.push(
    ...indent(
      renderTable(
        [
          { header: "NAME", value: (r: (typeof registered)[number]) => r.name ?? "" },
          { header: "REGISTERED", value: (r) => value(r) },
          { header: "REMAINING", value: (r) => value(remaining.get(r.name)) },
        ],
        registered,
      ),
    ),
  );
  const attributes = ci.attributes ?? [];
  if (attributes.length) {
    lines.push("", s.bold("Attributes:"));
    lines.push(...attributes.map((a) => `  ${a.name}${a.value !== undefined ? `=${a.value}` : ""}`));
  }
  lines.push("", s.bold("Tasks") + ` (${tasks.length}):`);
  if (tasks.length === 0) lines.push("  none");
  else {
    lines.push(
      ...indent(
        renderTable(
          [
            { header: "ID", value: (t: Task) => shortId(t.taskArn) },
            { header: "TASK DEFINITION", value: (t) => taskDefName(t.taskDefinitionArn) },
            { header: "STATUS", value: (t) => s.status(t.lastStatus ?? "") },
            { header: "GROUP", value: (t) => t.group ?? "" },
            { header: "AGE", value: (t) => age(t.createdAt, now) },
          ],
          tasks,
        ),
      ),
    );
  }
  lines.push(...tagLines(ci.tags, s));
  return lines;
}

const json = (v: unknown) => JSON.stringify(v);

function containerLines(c: ContainerDefinition): string[] {
  const hc = c.healthCheck;
  const rows: [string, string | undefined][] = [
    ["image", c.image],
    ["essential", c.essential === false ? "false" : "true"],
    ["cpu", c.cpu ? `${c.cpu} units` : undefined],
    ["memory", c.memory || c.memoryReservation ? `${c.memory ?? "-"} MiB hard, ${c.memoryReservation ?? "-"} MiB reserved` : undefined],
    ["entryPoint", c.entryPoint?.length ? json(c.entryPoint) : undefined],
    ["command", c.command?.length ? json(c.command) : undefined],
    ["workingDirectory", c.workingDirectory],
    ["user", c.user],
    ["ports", c.portMappings?.map((p) => `${p.containerPort}/${p.protocol ?? "tcp"}${p.hostPort ? ` (host ${p.hostPort})` : ""}${p.name ? ` ${p.name}` : ""}`).join(", ") || undefined],
    ["environment", c.environment?.map((e) => `${e.name}=${e.value ?? ""}`).join(", ") || undefined],
    ["secrets", c.secrets?.map((e) => `${e.name} (from ${e.valueFrom})`).join(", ") || undefined],
    ["healthCheck", hc ? `${json(hc.command)} every ${hc.interval ?? 30}s, timeout ${hc.timeout ?? 5}s, ${hc.retries ?? 3} retries, start period ${hc.startPeriod ?? 0}s` : undefined],
    ["dependsOn", c.dependsOn?.map((d) => `${d.containerName} ${d.condition}`).join(", ") || undefined],
    ["stopTimeout", c.stopTimeout !== undefined ? `${c.stopTimeout}s` : undefined],
    ["logging", c.logConfiguration?.logDriver],
  ];
  return fields(rows);
}

export function taskDefinitionView(td: TaskDefinition, tags: readonly Tag[], now: number, s: Style): string[] {
  const lines = fields([
    ["Task definition", s.bold(`${td.family}:${td.revision}`)],
    ["Status", s.status(td.status ?? "")],
    ["Network mode", td.networkMode ?? "bridge"],
    ["CPU / memory", td.cpu || td.memory ? `${td.cpu ?? "-"} units / ${td.memory ?? "-"} MiB (task level)` : undefined],
    ["Task role", td.taskRoleArn],
    ["Execution role", td.executionRoleArn],
    ["Compatibilities", td.compatibilities?.join(", ")],
    ["Requires", td.requiresCompatibilities?.join(", ")],
    ["Registered", when(td.registeredAt, now)],
    ["ARN", td.taskDefinitionArn],
  ]);
  const containers = td.containerDefinitions ?? [];
  lines.push("", s.bold("Containers") + ` (${containers.length}):`);
  for (const c of containers) lines.push(`  ${s.bold(c.name ?? "")}`, ...indent(containerLines(c), "    "));
  const constraints = td.placementConstraints ?? [];
  if (constraints.length) lines.push("", s.bold("Placement constraints:"), ...constraints.map((c) => `  ${c.type} ${c.expression ?? ""}`));
  const volumes = td.volumes ?? [];
  if (volumes.length) lines.push("", s.bold("Volumes:"), ...volumes.map((v) => `  ${v.name}${v.host?.sourcePath ? ` (host ${v.host.sourcePath})` : ""}`));
  lines.push(...tagLines(tags, s));
  return lines;
}

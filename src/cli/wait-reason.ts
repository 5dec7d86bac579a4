// Why a rollout is not done yet, in one short line: what `rollout status`, `deploy --wait` and
// `get services` show beside the counts. Pure: one observation (the service with its events and
// deployments, its tasks, the facts of their task definitions, the scheduler's newest decision)
// and the clock in, one reason out.
//
// The first rule that matches wins. The order puts first what blocks longest or needs a person:
//   1. failed       the deployment's rollout FAILED (circuit breaker): nothing more will start
//   2. backoff      the scheduler's decision says launches are backed off until a time to come
//   3. crash-loop   a current service event says the service is crash-looping
//   4. placement    a current "was unable to place a task" event: no instance can take it
//   5. stuck        minimumHealthyPercent and maximumPercent allow neither a start nor a stop
//   6. task-failed  a task of the followed deployment failed in the last minute: why it died
//   7. draining     tasks ordered to stop and not stopped yet: when SIGKILL comes (stopTimeout)
//   8. no-check     RUNNING tasks without health checks: ECS counts them healthy 40 s after RUNNING
//   9. health       RUNNING tasks waiting for their health checks to say HEALTHY
//  10. pending      tasks of the deployment not RUNNING yet
//  11. scheduler    anything else the scheduler's decision says it waits for (bounds, one at a time)
//  12. counts       nothing more specific: what the counts still lack
// An event is current when it is newer than the followed deployment and than every "has started"
// or "steady state" event: a task started since means the cause has passed at least once.
import type { Deployment, Service, ServiceEvent, Task } from "@aws-sdk/client-ecs";
import type { DecisionEntry } from "./decision-log-view.js";
import { clock, formatDuration, shortId } from "./format.js";
import { clipPlain } from "./table.js";

/** Without container health checks or a load balancer, ECS counts a task healthy this long after RUNNING. */
export const NO_HEALTH_CHECK_WAIT_MS = 40_000;
/** A failed task is shown as the reason for this long after it stopped; later ones take over. */
export const FRESH_FAILURE_MS = 60_000;
/** The agent's stopTimeout when the container definition sets none (ECS_CONTAINER_STOP_TIMEOUT). */
export const DEFAULT_STOP_TIMEOUT_S = 30;
/** The longest reason line; longer ones end in "…". */
export const REASON_MAX = 160;

/** What the CLI learns from a task's definition. */
export interface TaskDefinitionFacts {
  /** The longest stopTimeout of its containers, in seconds: SIGKILL comes this long after SIGTERM. */
  stopTimeoutSeconds: number;
  /** An essential container has a health check. */
  healthChecked: boolean;
}

export interface WaitObservation {
  now: number;
  service: Service;
  /** The deployment being followed (the PRIMARY for `get services`). */
  deploymentId: string;
  /** The service's tasks: desired RUNNING, and desired STOPPED (stopping or stopped). */
  tasks: readonly Task[];
  /** By task definition ARN; a missing entry is unknown. */
  taskDefinitions: ReadonlyMap<string, TaskDefinitionFacts>;
  /** The scheduler's newest pass for the service (DescribeServiceDecisions), if known. */
  decision?: DecisionEntry;
}

export type WaitKind =
  | "failed"
  | "backoff"
  | "crash-loop"
  | "placement"
  | "stuck"
  | "task-failed"
  | "draining"
  | "no-check"
  | "health"
  | "pending"
  | "scheduler"
  | "counts";

export interface WaitReason {
  kind: WaitKind;
  /** Stays the same while the cause does (countdowns change `text`, not `key`): a pipe prints a line when it changes. */
  key: string;
  text: string;
}

const ms = (d: Date | undefined) => (d instanceof Date ? d.getTime() : undefined);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const stripService = (m: string) => m.replace(/^\(service [^)]*\)\s*/, "");

/** `text` cut to `max` characters, ending in "…" when cut. */
export function shorten(text: string, max = REASON_MAX): string {
  return clipPlain(text.replace(/\s+/g, " ").trim(), max);
}

const ISO = /\b(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)\b/g;

/** ISO times written by the scheduler, as local clock time and how far off: "12:03:04 (in 45s)". */
function humanTimes(text: string, now: number): string {
  return text.replace(ISO, (iso) => {
    const at = Date.parse(iso);
    const delta = at - now;
    return `${clock(at)} (${delta >= 0 ? `in ${formatDuration(delta)}` : `${formatDuration(-delta)} ago`})`;
  });
}

/** Latest ISO time in a text, in epoch ms. */
function latestTime(text: string): number | undefined {
  const times = [...text.matchAll(ISO)].map((m) => Date.parse(m[1]!)).filter(Number.isFinite);
  return times.length ? Math.max(...times) : undefined;
}

function currentEvents(svc: Service, d: Deployment): ServiceEvent[] {
  const since = ms(d.createdAt) ?? 0;
  const out: ServiceEvent[] = [];
  // Events are newest first: everything before the first start/steady event is current.
  for (const e of svc.events ?? []) {
    if ((ms(e.createdAt) ?? 0) < since) break;
    const m = e.message ?? "";
    if (/ has started \d+ tasks?:| has reached a steady state\./.test(m)) break;
    out.push(e);
  }
  return out;
}

function isFailure(t: Task): boolean {
  if (t.stopCode === "EssentialContainerExited" || t.stopCode === "TaskFailedToStart") return true;
  return /^Task failed (container|ELB) health checks/.test(t.stoppedReason ?? "");
}

/** "Essential container in task exited (exit code 3): app: port 8080 is in use" */
export function failureText(t: Task): string {
  const containers = t.containers ?? [];
  const exits = containers.filter((c) => c.exitCode !== undefined && c.exitCode !== null && c.exitCode !== 0);
  const codes = exits.map((c) => (containers.length > 1 ? `${c.name} exit code ${c.exitCode}` : `exit code ${c.exitCode}`));
  const said = containers.filter((c) => c.reason).map((c) => (containers.length > 1 ? `${c.name}: ${c.reason}` : c.reason!));
  const reason = (t.stoppedReason ?? "stopped").replace(/\.$/, "");
  return `${reason}${codes.length ? ` (${codes.join(", ")})` : ""}${said.length ? `: ${said.join("; ")}` : ""}`;
}

function newestFailure(tasks: readonly Task[], deploymentId: string): Task | undefined {
  return tasks
    .filter((t) => t.startedBy === deploymentId && t.lastStatus === "STOPPED" && isFailure(t))
    .sort((a, b) => (ms(b.stoppedAt) ?? 0) - (ms(a.stoppedAt) ?? 0))[0];
}

type Rule = (o: WaitObservation, d: Deployment, events: ServiceEvent[]) => WaitReason | undefined;

const failedRule: Rule = (_o, d) =>
  d.rolloutState === "FAILED"
    ? { kind: "failed", key: "failed", text: `deployment failed: ${(d.rolloutStateReason ?? "the circuit breaker tripped").replace(/\.$/, "")}` }
    : undefined;

/** The decision, if it was made for the current state of the followed deployment (not before it existed). */
function currentDecision(o: WaitObservation, d: Deployment): DecisionEntry | undefined {
  const e = o.decision;
  if (!e || e.steady) return undefined;
  return e.at * 1000 >= (ms(d.createdAt) ?? 0) - 1000 ? e : undefined;
}

const backoffRule: Rule = (o, d) => {
  // Match loosely: any waits line that says "back" (backed off, back-off) and "until <ISO time>".
  const line = currentDecision(o, d)?.waits.find((w) => /back/i.test(w) && /until\s+\d{4}-\d{2}-\d{2}T/.test(w) && (latestTime(w) ?? 0) > o.now);
  if (!line) return undefined;
  let text = humanTimes(line, o.now);
  const failed = newestFailure(o.tasks, d.id ?? "");
  if (failed && !/last:/i.test(text)) text += `; last: ${failureText(failed)}`;
  return { kind: "backoff", key: `backoff:${latestTime(line)}`, text };
};

const crashLoopRule: Rule = (_o, _d, events) => {
  const e = events.find((x) => /crash-?loop/i.test(x.message ?? ""));
  return e ? { kind: "crash-loop", key: `event:${ms(e.createdAt)}`, text: stripService(e.message!) } : undefined;
};

const unableToPlace = (x: ServiceEvent) => /was unable to place a task/.test(x.message ?? "");

const placementRule: Rule = (o, d, events) => {
  // The scheduler does not repeat an identical event, so a placement failing since before this
  // deployment may have no current event: the decision's result still counts the failures.
  const failing = (currentDecision(o, d)?.result?.placementFailures ?? 0) > 0;
  const e = events.find(unableToPlace) ?? (failing ? (o.service.events ?? []).find(unableToPlace) : undefined);
  if (!e && !failing) return undefined;
  const m = e?.message ?? "";
  const reason = /Reason: (.*?)\.?$/.exec(m)?.[1];
  const closest = /The closest matching \(container-instance ([^)]+)\) (.*?)\./.exec(m);
  const detail = reason ?? (closest ? `no instance fits; closest ${shortId(closest[1]).slice(0, 8)} ${closest[2]}` : "no container instance met all of its requirements");
  return { kind: "placement", key: `placement:${detail}`, text: `cannot place a task: ${detail}` };
};

const stuckRule: Rule = (o, d, events) => {
  const byEvent = events.some((x) => /unable to stop or start tasks/.test(x.message ?? ""));
  const byDecision = currentDecision(o, d)?.waits.some((w) => /can neither start nor stop/.test(w));
  if (!byEvent && !byDecision) return undefined;
  const dc = o.service.deploymentConfiguration;
  return {
    kind: "stuck",
    key: "stuck",
    text: `stuck: no task may start or stop within minimumHealthyPercent ${dc?.minimumHealthyPercent ?? "?"} and maximumPercent ${dc?.maximumPercent ?? "?"}; change them`,
  };
};

const taskFailedRule: Rule = (o, d) => {
  const t = newestFailure(o.tasks, d.id ?? "");
  const at = ms(t?.stoppedAt);
  if (!t || at === undefined || o.now - at > FRESH_FAILURE_MS) return undefined;
  return { kind: "task-failed", key: `task-failed:${failureText(t)}`, text: `task ${shortId(t.taskArn).slice(0, 8)} failed ${formatDuration(o.now - at)} ago: ${failureText(t)}` };
};

const drainingRule: Rule = (o) => {
  const stopping = o.tasks.filter((t) => t.desiredStatus === "STOPPED" && t.lastStatus !== "STOPPED");
  if (stopping.length === 0) return undefined;
  const who = stopping.length === 1 ? `draining task ${shortId(stopping[0]!.taskArn).slice(0, 8)}` : `draining ${plural(stopping.length, "task")}`;
  const deadlines = stopping.map((t) => {
    const from = ms(t.stoppingAt);
    const facts = o.taskDefinitions.get(t.taskDefinitionArn ?? "");
    return from === undefined ? undefined : from + (facts?.stopTimeoutSeconds ?? DEFAULT_STOP_TIMEOUT_S) * 1000;
  });
  const known = deadlines.filter((x): x is number => x !== undefined);
  if (known.length === 0) return { kind: "draining", key: "draining", text: who };
  // The last SIGKILL: by then every one of them is gone.
  const last = Math.max(...known);
  const text = last > o.now ? `${who}: SIGKILL in ${formatDuration(last - o.now)}` : `${who}: SIGKILL was due ${formatDuration(o.now - last)} ago; waiting for the agent to report STOPPED`;
  return { kind: "draining", key: "draining", text };
};

const liveOf = (o: WaitObservation, d: Deployment) => o.tasks.filter((t) => t.startedBy === d.id && t.desiredStatus !== "STOPPED" && t.lastStatus !== "STOPPED");

const noCheckRule: Rule = (o, d) => {
  if ((o.service.loadBalancers ?? []).length > 0) return undefined;
  const waiting = liveOf(o, d).filter((t) => {
    const started = ms(t.startedAt);
    const facts = o.taskDefinitions.get(t.taskDefinitionArn ?? "");
    return t.lastStatus === "RUNNING" && facts?.healthChecked === false && started !== undefined && started + NO_HEALTH_CHECK_WAIT_MS > o.now;
  });
  if (waiting.length === 0) return undefined;
  const next = Math.min(...waiting.map((t) => ms(t.startedAt)! + NO_HEALTH_CHECK_WAIT_MS));
  const when = waiting.length === 1 ? `in ${formatDuration(next - o.now)}` : `${plural(waiting.length, "task")}, the next in ${formatDuration(next - o.now)}`;
  return { kind: "no-check", key: "no-check", text: `no health check: counted healthy 40 s after RUNNING (${when})` };
};

const healthRule: Rule = (o, d) => {
  // Container health checks only: DescribeTasks does not show a load balancer target's health,
  // so with a load balancer the scheduler's own waits line says what is missing.
  const notYet = liveOf(o, d).filter(
    (t) => t.lastStatus === "RUNNING" && o.taskDefinitions.get(t.taskDefinitionArn ?? "")?.healthChecked === true && t.healthStatus !== "HEALTHY",
  );
  if (notYet.length === 0) return undefined;
  const unhealthy = notYet.filter((t) => t.healthStatus === "UNHEALTHY");
  if (unhealthy.length > 0) {
    const graceEnd = Math.max(...unhealthy.map((t) => (ms(t.startedAt) ?? 0) + (o.service.healthCheckGracePeriodSeconds ?? 0) * 1000));
    const grace = graceEnd > o.now ? ` (ignored for ${formatDuration(graceEnd - o.now)} more: healthCheckGracePeriodSeconds)` : "";
    return { kind: "health", key: "health:unhealthy", text: `${plural(unhealthy.length, "task")} UNHEALTHY: container health check failing${grace}` };
  }
  return { kind: "health", key: "health", text: `waiting for container health checks: ${plural(notYet.length, "task")} not HEALTHY yet` };
};

const pendingRule: Rule = (o, d) => {
  const pending = liveOf(o, d).filter((t) => t.lastStatus !== "RUNNING");
  if (pending.length === 0) return undefined;
  const oldest = Math.min(...pending.map((t) => ms(t.createdAt) ?? o.now));
  const statuses = [...new Set(pending.map((t) => t.lastStatus ?? "PENDING"))].join("/");
  const pulling = pending.some((t) => t.pullStartedAt && !t.pullStoppedAt) ? ", pulling images" : "";
  return { kind: "pending", key: `pending:${statuses}`, text: `${plural(pending.length, "task")} ${statuses} for ${formatDuration(o.now - oldest)}${pulling}` };
};

const schedulerRule: Rule = (o, d) => {
  const w = currentDecision(o, d)?.waits[0];
  return w ? { kind: "scheduler", key: `scheduler:${w.replace(/\d+/g, "#")}`, text: humanTimes(w, o.now) } : undefined;
};

function countsReason(o: WaitObservation, d: Deployment): WaitReason {
  const old = (o.service.deployments ?? []).filter((x) => x.id !== d.id).reduce((n, x) => n + (x.runningCount ?? 0), 0);
  const missing = (d.desiredCount ?? 0) - (d.runningCount ?? 0);
  const text =
    missing > 0
      ? `the scheduler has yet to start ${plural(missing, "task")}`
      : old > 0
        ? `the scheduler has yet to stop ${plural(old, "old task")}`
        : "the scheduler has yet to mark the deployment COMPLETED";
  return { kind: "counts", key: text, text };
};

const RULES: readonly Rule[] = [
  failedRule,
  backoffRule,
  crashLoopRule,
  placementRule,
  stuckRule,
  taskFailedRule,
  drainingRule,
  noCheckRule,
  healthRule,
  pendingRule,
  schedulerRule,
];

/** Why the deployment is not done: the first rule of the order above that matches. */
export function waitReason(o: WaitObservation): WaitReason {
  const d = o.service.deployments?.find((x) => x.id === o.deploymentId);
  if (!d) return { kind: "counts", key: "gone", text: `deployment ${o.deploymentId} is no longer in the service` };
  const events = currentEvents(o.service, d);
  for (const rule of RULES) {
    const r = rule(o, d, events);
    if (r) return { ...r, text: shorten(r.text) };
  }
  return countsReason(o, d);
}

/** A service at steady state waits for nothing: one deployment, done, as many running as desired. */
export function isSteady(svc: Service): boolean {
  const ds = svc.deployments ?? [];
  const d = ds[0];
  return (
    ds.length === 1 &&
    d !== undefined &&
    d.rolloutState !== "IN_PROGRESS" &&
    d.rolloutState !== "FAILED" &&
    (svc.runningCount ?? 0) === (svc.desiredCount ?? 0) &&
    (svc.pendingCount ?? 0) === 0
  );
}

// The task engine's decisions, pure: given what the agent knows about a task's containers and
// what the control plane wants, which transition comes next for each container and for the task.
// The ManagedTask (managed-task.ts) observes the runtime, calls decideTask, and executes the
// actions; nothing here does I/O or reads the clock.
//
// Statuses follow the ECS agent (ecs-behavior.md §11.4) with its PULLED folded into CREATED,
// because berth's drivers pull inside createContainer. Each container carries:
//   known    what the runtime was last seen doing,
//   applied  a runtime call in flight toward that status (so it is never issued twice),
// and the task carries one desired status (RUNNING or STOPPED). Statuses only move forward.
import type { HealthStatus } from "../runtime/index.js";

export const CONTAINER_STATUSES = ["NONE", "CREATED", "RUNNING", "STOPPED"] as const;
export type ContainerStatus = (typeof CONTAINER_STATUSES)[number];

/** The task's known status uses the same ladder: derived from its containers (taskKnownStatus). */
export type TaskStatus = ContainerStatus;

export type DesiredStatus = "RUNNING" | "STOPPED";

export type DependencyCondition = "START" | "COMPLETE" | "SUCCESS" | "HEALTHY";

/** The status the ECS API shows for an agent status (§11.4): everything before RUNNING is PENDING. */
export type BackendStatus = "PENDING" | "RUNNING" | "STOPPED";

export const TASK_STOPPED_BY_ESSENTIAL_EXIT = "Essential container in task exited";

export function rank(status: ContainerStatus): number {
  return CONTAINER_STATUSES.indexOf(status);
}

export function backendStatus(status: ContainerStatus): BackendStatus | undefined {
  if (status === "NONE") return undefined;
  if (status === "CREATED") return "PENDING";
  return status;
}

export interface ContainerSnapshot {
  name: string;
  essential: boolean;
  known: ContainerStatus;
  /** A runtime call in flight toward this status. */
  applied?: ContainerStatus;
  /** null when it never ran or vanished. */
  exitCode?: number | null;
  /** ECS container reason (`CannotPullContainerError: ...`, `OutOfMemoryError: ...`). */
  reason?: string;
  /** Epoch ms when it started running; undefined if it never did. */
  startedAt?: number;
  health: HealthStatus;
  hasHealthCheck: boolean;
  dependsOn: readonly { containerName: string; condition: DependencyCondition }[];
  /** Seconds a dependent waits, from this container's start, for its COMPLETE/SUCCESS/HEALTHY. */
  startTimeout?: number;
}

export interface Transition {
  /** Where the container goes next; equal to known when it stays. */
  next: ContainerStatus;
  /** True when reaching `next` takes a runtime call (create, start, stop); false: just record it. */
  actionRequired: boolean;
  /** Why it waits: a dependency, a dependent still running, a call in flight. */
  blocked?: string;
  /** The transition can never happen (TaskDependencyError): the task must stop. */
  error?: string;
  /** Epoch ms at which a blocked transition must be looked at again (a startTimeout). */
  recheckAt?: number;
}

const stay = (c: ContainerSnapshot, blocked?: string): Transition => ({
  next: c.known,
  actionRequired: false,
  ...(blocked ? { blocked } : {}),
});

/**
 * The next transition of one container. A container in flight waits for its call to return;
 * toward RUNNING it is created at once and started when its dependsOn conditions hold; toward
 * STOPPED a running container is stopped only after every container depending on it has stopped
 * (reverse dependency order), and one that never ran is just recorded as STOPPED.
 */
export function nextTransition(
  c: ContainerSnapshot,
  desired: DesiredStatus,
  all: readonly ContainerSnapshot[],
  now: number,
): Transition {
  if (c.known === "STOPPED") return stay(c);
  if (c.applied !== undefined && rank(c.applied) > rank(c.known)) {
    return stay(c, `${c.applied === "CREATED" ? "create" : c.applied === "RUNNING" ? "start" : "stop"} of ${c.name} in progress`);
  }
  // A RUNNING container with a start in flight is being restarted in place (restart-policy.ts):
  // a stop waits for the start to return, so the two calls never race.
  if (c.applied === "RUNNING" && c.known === "RUNNING") return stay(c, `restart of ${c.name} in progress`);
  if (desired === "RUNNING") {
    if (c.known === "NONE") return { next: "CREATED", actionRequired: true };
    if (c.known === "CREATED") return startTransition(c, all, now);
    return stay(c);
  }
  if (c.known === "NONE" || c.known === "CREATED") return { next: "STOPPED", actionRequired: false };
  const dependents = all.filter((o) => o.known !== "STOPPED" && o.dependsOn.some((d) => d.containerName === c.name));
  if (dependents.length > 0) {
    return stay(c, `${c.name} stops after its dependents: ${dependents.map((d) => d.name).join(", ")}`);
  }
  return { next: "STOPPED", actionRequired: true };
}

function startTransition(c: ContainerSnapshot, all: readonly ContainerSnapshot[], now: number): Transition {
  const waits: string[] = [];
  let recheckAt: number | undefined;
  for (const dep of c.dependsOn) {
    const d = all.find((o) => o.name === dep.containerName);
    if (!d) {
      return { ...stay(c), error: `TaskDependencyError: container ${c.name} depends on ${dep.containerName}, which is not in the task` };
    }
    const verdict = dependencyVerdict(c, d, dep.condition);
    if (verdict.error) return { ...stay(c), error: verdict.error };
    if (verdict.met) continue;
    // startTimeout (on the dependency) bounds the wait for COMPLETE/SUCCESS/HEALTHY, counted
    // from the dependency's start as the ECS agent counts it.
    if (dep.condition !== "START" && d.startTimeout !== undefined && d.startTimeout > 0 && d.startedAt !== undefined) {
      const deadline = d.startedAt + d.startTimeout * 1000;
      if (now >= deadline) {
        return {
          ...stay(c),
          error: `TaskDependencyError: container ${c.name} gave up waiting for ${d.name} to reach ${dep.condition} within its startTimeout of ${d.startTimeout} s`,
        };
      }
      recheckAt = recheckAt === undefined ? deadline : Math.min(recheckAt, deadline);
    }
    waits.push(`${c.name} waits for ${d.name} to reach ${dep.condition}`);
  }
  if (waits.length > 0) return { ...stay(c, waits.join("; ")), ...(recheckAt !== undefined ? { recheckAt } : {}) };
  return { next: "RUNNING", actionRequired: true };
}

/** Whether dependency d satisfies condition for target c, or can never satisfy it. */
function dependencyVerdict(c: ContainerSnapshot, d: ContainerSnapshot, condition: DependencyCondition): { met: boolean; error?: string } {
  const fail = (why: string) => ({ met: false, error: `TaskDependencyError: container ${c.name} depends on ${d.name} (${condition}), which ${why}` });
  if (d.known === "STOPPED" && d.startedAt === undefined) {
    return fail(`never started${d.reason ? ` (${d.reason})` : ""}`);
  }
  switch (condition) {
    case "START":
      return { met: d.known === "RUNNING" || d.known === "STOPPED" };
    case "COMPLETE":
      return { met: d.known === "STOPPED" };
    case "SUCCESS":
      if (d.known !== "STOPPED") return { met: false };
      return d.exitCode === 0 ? { met: true } : fail(`did not exit successfully (exit code ${d.exitCode ?? "unknown"})`);
    case "HEALTHY":
      if (!d.hasHealthCheck) return fail("has no health check");
      if (d.known === "STOPPED") return fail("stopped before it was healthy");
      // Like Compose's service_healthy, an UNHEALTHY dependency fails the start instead of
      // holding it forever; HEALTHY is only evaluated while the task starts (§2.5).
      if (d.health === "UNHEALTHY") return fail("is UNHEALTHY");
      return { met: d.health === "HEALTHY" };
  }
}

/**
 * The task's known status from its containers, never moving backward: STOPPED when every
 * container has stopped; RUNNING once every essential container runs; CREATED (ECS PENDING) as
 * soon as one container exists.
 */
export function taskKnownStatus(containers: readonly ContainerSnapshot[], previous: TaskStatus): TaskStatus {
  let derived: TaskStatus = "NONE";
  if (containers.every((c) => c.known === "STOPPED")) derived = "STOPPED";
  else if (containers.filter((c) => c.essential).every((c) => c.known === "RUNNING")) derived = "RUNNING";
  else if (containers.some((c) => c.known !== "NONE")) derived = "CREATED";
  return rank(derived) > rank(previous) ? derived : previous;
}

/**
 * ECS's task healthStatus (§3): over essential containers only, UNHEALTHY beats UNKNOWN beats
 * HEALTHY; an essential container without a health check is UNKNOWN.
 */
export function taskHealth(containers: readonly ContainerSnapshot[]): HealthStatus {
  const essential = containers.filter((c) => c.essential);
  if (essential.some((c) => c.health === "UNHEALTHY")) return "UNHEALTHY";
  if (essential.length === 0 || essential.some((c) => !c.hasHealthCheck || c.health !== "HEALTHY")) return "UNKNOWN";
  return "HEALTHY";
}

export type TaskAction =
  | { kind: "create"; container: string }
  | { kind: "start"; container: string }
  | { kind: "stop"; container: string }
  /** Record STOPPED without a runtime call (it never ran); reason when it failed. */
  | { kind: "markStopped"; container: string; reason?: string }
  /** The task's desired status becomes STOPPED, with this reason. */
  | { kind: "stopTask"; reason: string }
  /** awsvpc: make the task's namespace (its ENI) before any container is created. */
  | { kind: "setUpNetwork" }
  /** awsvpc: every container has stopped; remove the namespace. */
  | { kind: "releaseNetwork" }
  /** Read the task's secrets (with its execution role) before its containers are created. */
  | { kind: "resolveSecrets" };

/**
 * An awsvpc task's interface, as the ECS agent treats its ENI: a task resource set up before
 * the containers and removed after all of them stopped. NONE: not made yet (or its set-up
 * failed); ATTACHED: the namespace is ready; DELETED: removed.
 */
export type NetworkStatus = "NONE" | "ATTACHED" | "DELETED";

/**
 * What a task's containers need before they are created besides the network (task resources,
 * as the ECS agent calls them): role credentials the control plane has not sent yet, and the
 * values of its secrets.
 */
export interface TaskResources {
  /** Role types still missing: "TaskApplication" (its containers' credentials id), "TaskExecution" (to read secrets). */
  missingCredentials: readonly string[];
  /** Present when the task has secrets: read (held in memory), or a read in flight. */
  secrets?: { ready: boolean; inFlight: boolean };
}

export interface TaskSnapshot {
  desired: DesiredStatus;
  known: TaskStatus;
  containers: readonly ContainerSnapshot[];
  /**
   * Only for awsvpc tasks. stale: the assignment's ingress rules changed since they were applied
   * (a security group changed while the task runs: AWS applies that at once, so berth does).
   */
  network?: { status: NetworkStatus; inFlight: boolean; stale?: boolean };
  resources?: TaskResources;
}

export interface TaskDecision {
  actions: TaskAction[];
  /** The known status after recording this pass's transitions. */
  known: TaskStatus;
  /** Why containers wait, for logs. */
  waits: string[];
  recheckAt?: number;
}

/**
 * One pass over a task. Actions that only record (markStopped, stopTask) change the snapshot
 * the caller re-decides on; the caller loops until a pass returns only runtime calls.
 */
export function decideTask(task: TaskSnapshot, now: number): TaskDecision {
  const actions: TaskAction[] = [];
  const waits: string[] = [];
  let recheckAt: number | undefined;
  if (task.desired === "RUNNING") {
    const stopReason = essentialStopReason(task.containers);
    if (stopReason !== undefined) {
      return { actions: [{ kind: "stopTask", reason: stopReason }], known: task.known, waits };
    }
  }
  const net = task.network;
  // Containers are created only inside the task's network (ECS: after the ENI is attached).
  const networkReady = !net || net.status === "ATTACHED";
  if (net && !net.inFlight) {
    if (task.desired === "RUNNING" && (net.status === "NONE" || (net.status === "ATTACHED" && net.stale))) actions.push({ kind: "setUpNetwork" });
    if (net.status !== "DELETED" && task.containers.every((c) => c.known === "STOPPED")) actions.push({ kind: "releaseNetwork" });
  }
  const pending = pendingResources(task);
  if (pending.resolveSecrets) actions.push({ kind: "resolveSecrets" });
  for (const c of task.containers) {
    const t = nextTransition(c, task.desired, task.containers, now);
    if (t.error !== undefined) {
      actions.push({ kind: "markStopped", container: c.name, reason: t.error });
      if (task.desired === "RUNNING") actions.push({ kind: "stopTask", reason: t.error });
      continue;
    }
    if (t.blocked !== undefined) waits.push(t.blocked);
    if (t.recheckAt !== undefined) recheckAt = recheckAt === undefined ? t.recheckAt : Math.min(recheckAt, t.recheckAt);
    if (t.next === c.known) continue;
    if (t.next === "CREATED" && !networkReady) {
      waits.push(`${c.name} waits for the task's network`);
      continue;
    }
    // Created and started with what they need: a container made before an agent restart is
    // started (with its secrets handed again) only once they are back.
    if ((t.next === "CREATED" || (t.next === "RUNNING" && c.known === "CREATED")) && pending.waitingFor.length) {
      waits.push(`${c.name} waits for ${pending.waitingFor.join(" and ")}`);
      continue;
    }
    if (!t.actionRequired) actions.push({ kind: "markStopped", container: c.name });
    else if (t.next === "CREATED") actions.push({ kind: "create", container: c.name });
    else if (t.next === "RUNNING") actions.push({ kind: "start", container: c.name });
    else actions.push({ kind: "stop", container: c.name });
  }
  return { actions, known: taskKnownStatus(task.containers, task.known), waits, ...(recheckAt !== undefined ? { recheckAt } : {}) };
}

/**
 * What of a task's resources is not there yet, and whether its secrets are to be read now: only
 * while it should run and a container is still to be created or started (a running container
 * keeps the environment it was started with), and once the execution role's credentials are in.
 */
export function pendingResources(task: TaskSnapshot): { waitingFor: string[]; resolveSecrets: boolean } {
  const r = task.resources;
  if (!r) return { waitingFor: [], resolveSecrets: false };
  const waitingFor: string[] = r.missingCredentials.map((t) => (t === "TaskExecution" ? "the execution role's credentials" : "the task role's credentials"));
  const secrets = r.secrets;
  if (secrets && !secrets.ready) waitingFor.push("the task's secrets");
  const toCreate = task.containers.some((c) => (c.known === "NONE" || c.known === "CREATED") && c.applied === undefined);
  const resolveSecrets =
    task.desired === "RUNNING" && toCreate && secrets !== undefined && !secrets.ready && !secrets.inFlight && !r.missingCredentials.includes("TaskExecution");
  return { waitingFor, resolveSecrets };
}

/**
 * Why a task that should run must stop: an essential container has stopped. A container that
 * ran and exited gives ECS's "Essential container in task exited"; one that failed before it
 * ran gives its own reason (CannotPullContainerError: ...), as ECS shows for failed starts.
 */
export function essentialStopReason(containers: readonly ContainerSnapshot[]): string | undefined {
  const stopped = containers.find((c) => c.essential && c.known === "STOPPED");
  if (!stopped) return undefined;
  if (stopped.startedAt === undefined && stopped.reason) return stopped.reason;
  return TASK_STOPPED_BY_ESSENTIAL_EXIT;
}

// The service scheduler's loop: a level-based work queue of service keys, woken by cache
// changes (the service, its tasks, its cluster's instances), a periodic resync and the
// decision's own requeueAfterMs. A key is never reconciled twice at once; failures back off.
// Each pass: observe (service-observation.ts) → decide (pure, controllers/) → execute
// (service-executor.ts) → record the decision log.
import type { Logger } from "pino";
import { decide, type Decision } from "../controllers/index.js";
import type { Scope } from "../model/index.js";
import { commit, guardOf, put, type Deps } from "./deps.js";
import type { TargetRecord } from "./elbv2/records.js";
import { indexKey } from "./indexes.js";
import { keys, kindOf, ROOT } from "./keys.js";
import { executeDecision, type ExecutionSummary } from "./service-executor.js";
import { appendDecision, DEFAULT_DECISION_LOG_SIZE, readDecisions } from "./service-logs.js";
import { observeService } from "./service-observation.js";
import type { ContainerInstanceRecord } from "./records.js";
import type { ServiceRecord } from "./service-records.js";
import type { TaskRecord } from "./task-records.js";
import { reconcileTaskSets } from "./task-sets-reconcile.js";
import { usesTaskSets } from "./task-sets-records.js";

export interface ReconcilerOptions {
  resyncMs?: number;
  concurrency?: number;
  /** Decision log entries kept per service. */
  logSize?: number;
  /** Told of every pass over a service and how long it took (berth's /metrics). */
  onPass?(outcome: "ok" | "error", seconds: number): void;
  /**
   * With several servers (domain/coordination): whether this server reconciles a service now,
   * and the deps (a fenced store) its writes go through. Default: every service, `deps`.
   */
  owns?(serviceKey: string): boolean;
  depsFor?(serviceKey: string): Deps;
}

export interface DecisionLogEntry {
  at: number;
  inputs: Decision["inputs"];
  bounds: Decision["bounds"];
  actions: { kind: string; detail: string }[];
  waits: readonly string[];
  steady: boolean;
  result: Omit<ExecutionSummary, "events"> & { events: string[] };
}

/** The decision log as DescribeServiceDecisions reads it; each entry is stored under its own key (service-logs.ts). */
export interface DecisionLogRecord {
  serviceArn: string;
  /** Newest first. */
  entries: DecisionLogEntry[];
}

export interface ServiceReconciler {
  enqueue(serviceKey: string): void;
  /** Looks at every service again (a server that just took shards over calls it). */
  resync(): void;
  stop(): void;
}

export function parseServiceKey(key: string): { scope: Scope; cluster: string; name: string } {
  const [, , accountId, region, , cluster, name] = key.split("/");
  return { scope: { accountId: accountId!, region: region! }, cluster: cluster!, name: name! };
}

export function startServiceReconciler(deps: Deps, logger: Logger, options: ReconcilerOptions = {}): ServiceReconciler {
  const baseDeps = deps;
  const queue = new Set<string>();
  const inFlight = new Set<string>();
  const dirty = new Set<string>();
  const timers = new Map<string, NodeJS.Timeout>();
  const failures = new Map<string, number>();
  /** Services whose last pass could not place every task it wanted to: room helps them. */
  const waitingForRoom = new Set<string>();
  const concurrency = options.concurrency ?? 4;
  const logSize = options.logSize ?? DEFAULT_DECISION_LOG_SIZE;
  let stopped = false;
  let active = 0;

  const enqueue = (key: string) => {
    if (stopped || (options.owns && !options.owns(key))) return;
    if (inFlight.has(key)) {
      dirty.add(key);
      return;
    }
    queue.add(key);
    pump();
  };
  const later = (key: string, ms: number) => {
    if (stopped || timers.has(key)) return;
    const t = setTimeout(() => {
      timers.delete(key);
      enqueue(key);
    }, ms);
    t.unref();
    timers.set(key, t);
  };

  function pump(): void {
    while (!stopped && active < concurrency && queue.size > 0) {
      const key = queue.values().next().value as string;
      queue.delete(key);
      inFlight.add(key);
      active++;
      const startedAt = performance.now();
      const passed = (outcome: "ok" | "error") => options.onPass?.(outcome, (performance.now() - startedAt) / 1000);
      reconcile(key)
        .then((requeueAfterMs) => {
          passed("ok");
          failures.delete(key);
          if (requeueAfterMs !== undefined) later(key, requeueAfterMs);
        })
        .catch((err) => {
          passed("error");
          const n = (failures.get(key) ?? 0) + 1;
          failures.set(key, n);
          logger.warn({ err, service: key, attempt: n }, "service reconcile failed; retrying");
          later(key, Math.min(30_000, 100 * 2 ** n));
        })
        .finally(() => {
          active--;
          inFlight.delete(key);
          if (dirty.delete(key)) queue.add(key);
          pump();
        });
    }
  }

  async function reconcile(key: string): Promise<number | undefined> {
    if (options.owns && !options.owns(key)) return undefined;
    const deps = options.depsFor?.(key) ?? baseDeps;
    const service = deps.cache.get<ServiceRecord>(key);
    if (!service || service.status === "INACTIVE") return undefined;
    const { scope } = parseServiceKey(key);
    if (usesTaskSets(service)) return reconcileTaskSetService(deps, scope, key, service);
    const observation = observeService(deps, scope, service);
    const now = deps.clock.now();
    const decision = decide(observation, now);
    const acted = decision.actions.length > 0;
    let summary: ExecutionSummary = { launched: [], stopped: [], placementFailures: 0, events: [] };
    if (acted) summary = await executeDecision(deps, scope, service, decision);
    if (acted || decision.waits.length > 0) await recordDecision(deps, scope, service, decision, summary, now, logSize);
    if (service.status === "DRAINING") await finishDeletion(deps, scope, key);
    // Placement failures are retried on a back-off of their own, as ECS keeps trying, and
    // sooner when an instance gives resources back.
    if (summary.placementFailures > 0) {
      waitingForRoom.add(key);
      return Math.min(decision.requeueAfterMs ?? 5_000, 5_000);
    }
    waitingForRoom.delete(key);
    return decision.requeueAfterMs;
  }

  /**
   * A service of task sets (EXTERNAL, CODE_DEPLOY): each set kept at its computedDesiredCount
   * (task-sets-reconcile.ts); deletion and placement back-off as for any service.
   */
  async function reconcileTaskSetService(deps: Deps, scope: Scope, key: string, service: ServiceRecord): Promise<number | undefined> {
    const now = deps.clock.now();
    const pass = await reconcileTaskSets(deps, scope, service, now, (decision, summary) => recordDecision(deps, scope, service, decision, summary, now, logSize));
    if (service.status === "DRAINING") await finishDeletion(deps, scope, key);
    if (pass.placementFailures > 0) {
      waitingForRoom.add(key);
      return Math.min(pass.requeueAfterMs ?? 5_000, 5_000);
    }
    waitingForRoom.delete(key);
    return pass.requeueAfterMs;
  }

  /** A DRAINING service becomes INACTIVE once none of its tasks is left running. */
  async function finishDeletion(deps: Deps, scope: Scope, key: string): Promise<void> {
    await commit(deps, () => {
      const current = deps.cache.get<ServiceRecord>(key);
      if (!current || current.status !== "DRAINING") return { guards: [], ops: [], result: undefined };
      const tasks = deps.cache.byIndex<TaskRecord>("serviceTasks", indexKey.serviceTasks(current.clusterArn, current.serviceName));
      if (tasks.some((t) => t.lastStatus !== "STOPPED")) return { guards: [], ops: [], result: undefined };
      const next: ServiceRecord = { ...current, status: "INACTIVE", inactiveSince: deps.clock.now() };
      return { guards: [guardOf(deps, key)], ops: [put(key, next)], result: undefined };
    });
  }

  // An instance change wakes every service of its cluster. One launch writes several instances
  // at once, so the clusters are collected while a batch of changes is delivered and each is
  // fanned out once, right after it (with 1,000 services, per-instance fan-out cost seconds).
  const wokenClusters = new Set<string>();
  const wakeClusters = () => {
    for (const prefix of wokenClusters) for (const e of deps.cache.listEntries(prefix)) enqueue(e.key);
    wokenClusters.clear();
  };

  // Wake-ups: a service changed, one of its tasks changed, or its cluster's instances changed.
  // An instance that only gave resources back wakes just the services waiting for room; any
  // other change (status, attributes, agent, joining, leaving) may matter to every service.
  const subscription = deps.cache.subscribe((change) => {
    const kind = kindOf(change.key);
    if (kind === "services") enqueue(change.key);
    else if (kind === "tasks") {
      const t = (change.value ?? change.prev) as TaskRecord | undefined;
      if (t?.serviceName) enqueue(change.key.replace(/\/tasks\/([^/]+)\/[^/]+$/, `/services/$1/${t.serviceName}`));
    } else if (kind === "elb-target-health") {
      // A target's health moved: the scheduler of the service that registered it looks again.
      const target = deps.cache.get<TargetRecord>(change.key.replace("/elb-target-health/", "/elb-targets/"));
      const arn = target?.ecs?.serviceArn.split(":service/")[1];
      if (arn) enqueue(`${change.key.slice(0, change.key.indexOf("/elb-target-health/"))}/services/${arn}`);
    } else if (kind === "instances") {
      const prev = change.prev as ContainerInstanceRecord | undefined;
      const next = change.value as ContainerInstanceRecord | undefined;
      const resources = resourceChange(prev, next);
      if (resources === "taken") return;
      const services = change.key.replace(/\/instances\/([^/]+)\/[^/]+$/, "/services/$1/");
      if (resources === "freed") {
        for (const key of waitingForRoom) if (key.startsWith(services)) enqueue(key);
        return;
      }
      if (wokenClusters.size === 0) queueMicrotask(wakeClusters);
      wokenClusters.add(services);
    }
  });
  const resyncAll = () => {
    for (const e of deps.cache.listEntries<ServiceRecord>(ROOT)) {
      if (kindOf(e.key) === "services" && e.value.status !== "INACTIVE") enqueue(e.key);
    }
  };
  const resync = setInterval(resyncAll, options.resyncMs ?? 10_000);
  resync.unref();
  resyncAll();

  return {
    enqueue,
    resync: resyncAll,
    stop() {
      stopped = true;
      subscription.dispose();
      clearInterval(resync);
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}

/**
 * How an instance change bears on placement when only its remaining resources moved: "taken"
 * (a launch reserved cpu, memory or ports: that never lets a waiting placement succeed, so it
 * wakes no service), "freed" (something was given back: only services waiting for room care),
 * or "other" when anything else changed too (or the instance came or went).
 */
export function resourceChange(prev: ContainerInstanceRecord | undefined, next: ContainerInstanceRecord | undefined): "taken" | "freed" | "other" {
  if (!prev || !next) return "other";
  const { remainingResources: a, version: _va, ...restPrev } = prev;
  const { remainingResources: b, version: _vb, ...restNext } = next;
  if (JSON.stringify(restPrev) !== JSON.stringify(restNext)) return "other";
  const amount = (rs: typeof a, name: string) => rs?.find((r) => r.name === name)?.integerValue ?? 0;
  const ports = (rs: typeof a, name: string) => new Set(rs?.find((r) => r.name === name)?.stringSetValue ?? []);
  if (amount(b, "CPU") > amount(a, "CPU") || amount(b, "MEMORY") > amount(a, "MEMORY")) return "freed";
  // A port given back frees room as surely as cpu does.
  for (const name of ["PORTS", "PORTS_UDP"]) {
    const after = ports(b, name);
    for (const p of ports(a, name)) if (!after.has(p)) return "freed";
  }
  return "taken";
}

function describeAction(a: Decision["actions"][number]): { kind: string; detail: string } {
  switch (a.kind) {
    case "launch":
      return { kind: a.kind, detail: `start ${a.count} task(s) of ${a.deploymentId} (${a.cause})${a.instanceArn ? ` on ${a.instanceArn}` : ""}` };
    case "stop":
      return { kind: a.kind, detail: `stop ${a.taskArn.slice(a.taskArn.lastIndexOf("/") + 1)} of ${a.deploymentId} (${a.cause}): ${a.reason}` };
    case "setRolloutState":
      return { kind: a.kind, detail: `${a.deploymentId} → ${a.rolloutState}: ${a.rolloutStateReason}` };
    case "setDeploymentStatus":
      return { kind: a.kind, detail: `${a.deploymentId} → ${a.status}` };
    case "setDeploymentCounts":
      return { kind: a.kind, detail: `${a.deploymentId}: desired ${a.desiredCount}, running ${a.runningCount}, pending ${a.pendingCount}, failed ${a.failedTasks}` };
    case "createRollbackDeployment":
      return { kind: a.kind, detail: `roll back from ${a.failedDeploymentId} to ${a.targetDeploymentId} (${a.taskDefinitionArn})` };
    case "setFailureTracking":
      return { kind: a.kind, detail: `start failures in a row: ${a.tracking.consecutiveStartFailures}` };
    case "event":
      return { kind: a.kind, detail: a.message };
    default:
      return { kind: (a as { kind: string }).kind, detail: "" };
  }
}

/** Appends one pass to the service's decision log (exported for its tests). */
export async function recordDecision(
  deps: Deps,
  scope: Scope,
  service: ServiceRecord,
  decision: Decision,
  summary: ExecutionSummary,
  now: number,
  logSize = DEFAULT_DECISION_LOG_SIZE,
): Promise<void> {
  const entry: DecisionLogEntry = {
    at: now,
    inputs: decision.inputs,
    bounds: decision.bounds,
    actions: decision.actions.map(describeAction),
    waits: decision.waits,
    steady: decision.steady,
    result: { ...summary },
  };
  await commit(deps, () => {
    const last = readDecisions<DecisionLogEntry>(deps, scope, service, 1)[0];
    // A pass that only repeats the previous wait adds nothing a reader needs.
    if (last && decision.actions.length === 0 && JSON.stringify(last.waits) === JSON.stringify(entry.waits) && JSON.stringify(last.bounds) === JSON.stringify(entry.bounds)) {
      return { guards: [], ops: [], result: undefined };
    }
    // One key per pass: the pass's own entry is written, the oldest beyond logSize deleted.
    return { ...appendDecision(deps, scope, service, entry, logSize), result: undefined };
  });
}

/** The decision log of a service, newest first; undefined when it has none. */
export function readDecisionLog(deps: Deps, scope: Scope, clusterName: string, serviceName: string): DecisionLogRecord | undefined {
  const service = deps.cache.get<ServiceRecord>(keys.service(scope, clusterName, serviceName));
  const entries = readDecisions<DecisionLogEntry>(deps, scope, { clusterName, serviceName });
  if (!service || entries.length === 0) return undefined;
  return { serviceArn: service.serviceArn, entries };
}

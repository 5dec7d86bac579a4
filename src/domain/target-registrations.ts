// The controller that keeps ECS services' tasks registered in their target groups and drains
// them before they stop (issue 12): observe the service, its tasks, the target groups and the
// data plane's health records from the cache, decide purely (controllers/target-registration),
// then write the target registrations and the task in one transaction guarded by the task's
// revision — so a stop ordered meanwhile is seen before anything is registered.
//
// The stop itself is held by the task record: while `loadBalancerTargets` is non-empty the agent
// is told RUNNING (task-records.ts agentDesiredStatus); releasing the targets hands it the stop.
import type { Logger } from "pino";
import {
  decideTargets,
  eventsOf,
  healthKey,
  type TargetAction,
  type TargetGroupInfo,
  type TargetObservation,
  type TargetTask,
  type TaskTarget,
} from "../controllers/index.js";
import type { Scope } from "../model/index.js";
import type { Op } from "../store/index.js";
import { findInstance } from "./container-instances.js";
import { commit, guardOf, put, type Deps } from "./deps.js";
import { elbKeys, type TargetGroupRecord, type TargetHealthRecord, type TargetRecord } from "./elbv2/records.js";
import { indexKey } from "./indexes.js";
import { keys, kindOf, ROOT } from "./keys.js";
import { registrationTask } from "./service-registrations.js";
import { appendEvents } from "./service-logs.js";
import { parseServiceKey } from "./service-reconciler.js";
import type { ServiceRecord } from "./service-records.js";
import { statusRank, type TaskRecord } from "./task-records.js";
import { taskSetsOf, taskSetSubject, usesTaskSets } from "./task-sets-records.js";

export interface TargetRegistrationController {
  stop(): void;
}

/** ELB's default deregistration delay, when a group's attributes do not say. */
const DEFAULT_DELAY_SECONDS = 300;

function groupInfo(tg: TargetGroupRecord): TargetGroupInfo {
  const seconds = Number(tg.attributes["deregistration_delay.timeout_seconds"] ?? DEFAULT_DELAY_SECONDS);
  return { targetType: tg.TargetType, deregistrationDelayMs: (Number.isFinite(seconds) ? seconds : DEFAULT_DELAY_SECONDS) * 1000 };
}

const serviceLoadBalancers = (s: { loadBalancers?: unknown[] } | undefined) =>
  ((s?.loadBalancers ?? []) as { targetGroupArn?: string; containerName?: string; containerPort?: number }[]).filter(
    (lb): lb is { targetGroupArn: string; containerName: string; containerPort: number } => !!lb.targetGroupArn && !!lb.containerName && lb.containerPort !== undefined,
  );

/**
 * Where each of the service's tasks registers: for a service of task sets, its task set's
 * loadBalancers (none once the set drains), keyed by the set's id (the tasks' startedBy).
 */
function taskSetLoadBalancers(service: ServiceRecord | undefined): Map<string, ReturnType<typeof serviceLoadBalancers>> | undefined {
  if (!service || !usesTaskSets(service)) return undefined;
  const active = service.status === "ACTIVE";
  return new Map(taskSetsOf(service).map((ts) => [ts.id, active && ts.status !== "DRAINING" ? serviceLoadBalancers(ts) : []]));
}

/** Observe one ECS service (by its store key): pure over the cache's contents. */
export function observeTargets(deps: Deps, serviceKey: string): { scope: Scope; obs: TargetObservation; records: Map<string, TaskRecord> } {
  const { scope, cluster, name } = parseServiceKey(serviceKey);
  const service = deps.cache.get<ServiceRecord>(serviceKey);
  const loadBalancers = service?.status === "ACTIVE" ? serviceLoadBalancers(service) : [];
  const perSet = taskSetLoadBalancers(service);
  const lbsOf = (t: TaskRecord) => (perSet ? (perSet.get(t.startedBy ?? "") ?? []) : loadBalancers);
  const records = new Map<string, TaskRecord>();
  const tasks: TargetTask[] = [];
  const clusterArn = service?.clusterArn ?? `arn:aws:ecs:${scope.region}:${scope.accountId}:cluster/${cluster}`;
  for (const t of deps.cache.byIndex<TaskRecord>("serviceTasks", indexKey.serviceTasks(clusterArn, name))) {
    // Only tasks that may register or still hold targets matter.
    if (t.loadBalancerTargets === undefined ? t.lastStatus !== "RUNNING" || lbsOf(t).length === 0 : t.loadBalancerTargets.length === 0) continue;
    records.set(t.taskArn, t);
    const r = registrationTask(t);
    const instance = t.assignment.networkMode !== "awsvpc" && t.containerInstanceArn ? findInstance(deps, scope, t.clusterName, t.containerInstanceArn) : undefined;
    tasks.push({
      taskArn: t.taskArn,
      lastStatus: t.lastStatus,
      desiredStatus: t.desiredStatus,
      networkMode: r.networkMode,
      ...(r.eniAddress ? { eniAddress: r.eniAddress } : {}),
      ...(instance?.ec2InstanceId ? { ec2InstanceId: instance.ec2InstanceId } : {}),
      bindings: r.bindings,
      ...(t.loadBalancerTargets ? { targets: t.loadBalancerTargets } : {}),
      ...(perSet ? { loadBalancers: lbsOf(t) } : {}),
    });
  }
  const groups = new Map<string, TargetGroupInfo>();
  const healthPresent = new Set<string>();
  const wanted = new Set([
    ...loadBalancers.map((lb) => lb.targetGroupArn),
    ...[...(perSet?.values() ?? [])].flat().map((lb) => lb.targetGroupArn),
    ...tasks.flatMap((t) => (t.targets ?? []).map((x) => x.targetGroupArn)),
  ]);
  for (const arn of wanted) {
    const tg = deps.cache.get<TargetGroupRecord>(elbKeys.targetGroup(scope, arn));
    if (tg && tg.TargetGroupArn === arn) groups.set(arn, groupInfo(tg));
  }
  for (const t of tasks) {
    for (const x of t.targets ?? []) {
      if (deps.cache.getEntry(elbKeys.targetHealth(scope, x.targetGroupArn, { Id: x.id, Port: x.port }))) healthPresent.add(healthKey(x.targetGroupArn, x));
    }
  }
  return { scope, obs: { serviceName: name, loadBalancers, groups, tasks, healthPresent }, records };
}

const storeTarget = (x: TaskTarget) => ({ Id: x.id, Port: x.port });

/** Whether every live target of the task is healthy now (read before it is deregistered). */
function allHealthy(deps: Deps, scope: Scope, targets: readonly TaskTarget[]): boolean {
  return targets.length > 0 && targets.every((x) => deps.cache.get<TargetHealthRecord>(elbKeys.targetHealth(scope, x.targetGroupArn, storeTarget(x)))?.State === "healthy");
}

/** Deletes the registrations of `targets` that are still this task's. */
function deregisterOps(deps: Deps, scope: Scope, taskArn: string, targets: readonly TaskTarget[]): Op[] {
  const ops: Op[] = [];
  for (const x of targets) {
    const key = elbKeys.target(scope, x.targetGroupArn, storeTarget(x));
    if (deps.cache.get<TargetRecord>(key)?.ecs?.taskArn === taskArn) ops.push({ kind: "delete", key });
  }
  return ops;
}

/** Act: one transaction per task; true when it landed (false: the task moved on, decided again later). */
async function apply(deps: Deps, scope: Scope, task: TaskRecord, action: TargetAction): Promise<boolean> {
  const key = keys.task(scope, task.clusterName, task.id);
  return commit(deps, () => {
    const current = deps.cache.get<TaskRecord>(key);
    const none = { guards: [], ops: [], result: false };
    if (!current) return none;
    const now = deps.clock.now();
    const guards = [guardOf(deps, key)];
    if (action.kind === "register") {
      if (current.loadBalancerTargets !== undefined || current.lastStatus !== "RUNNING" || current.desiredStatus !== "RUNNING") return none;
      const ops: Op[] = action.targets.map((x) => {
        const rec: TargetRecord = {
          Id: x.id,
          Port: x.port,
          ...(current.availabilityZone ? { AvailabilityZone: current.availabilityZone } : {}),
          registeredAt: now,
          ecs: { serviceArn: serviceArnOf(current), taskArn: current.taskArn, containerName: x.containerName, containerPort: x.containerPort },
        };
        return put(elbKeys.target(scope, x.targetGroupArn, storeTarget(x)), rec);
      });
      ops.push(put(key, { ...current, loadBalancerTargets: action.targets, version: current.version + 1 }));
      return { guards, ops, result: true };
    }
    const held = current.loadBalancerTargets ?? [];
    const live = held.filter((x) => x.deregisteredAt === undefined);
    if (action.kind === "drain") {
      if (live.length === 0) return none;
      const next: TaskRecord = {
        ...current,
        // ECS's pre-stop state; a task further along (the agent reported it) stays where it is.
        lastStatus: statusRank(current.lastStatus) < statusRank("DEACTIVATING") ? "DEACTIVATING" : current.lastStatus,
        stoppingAt: current.stoppingAt ?? now,
        loadBalancerTargets: held.map((x) => (x.deregisteredAt === undefined ? { ...x, deregisteredAt: now } : x)),
        loadBalancerHealthy: allHealthy(deps, scope, live),
        version: current.version + 1,
      };
      return { guards, ops: [...deregisterOps(deps, scope, current.taskArn, live), put(key, next)], result: true };
    }
    if (held.length === 0) return none;
    const next: TaskRecord = {
      ...current,
      // The drain is over: the agent now stops it (SIGTERM).
      lastStatus: current.lastStatus === "DEACTIVATING" ? "STOPPING" : current.lastStatus,
      loadBalancerTargets: [],
      ...(live.length > 0 ? { loadBalancerHealthy: allHealthy(deps, scope, live) } : {}),
      version: current.version + 1,
    };
    return { guards, ops: [...deregisterOps(deps, scope, current.taskArn, live), put(key, next)], result: true };
  });
}

function serviceArnOf(t: TaskRecord): string {
  return t.clusterArn.replace(":cluster/", ":service/") + `/${t.serviceName ?? ""}`;
}

/** The events of what landed: a service of task sets says them per set, "(service NAME, taskSet ID) …". */
function eventsOfUnits(service: ServiceRecord | undefined, serviceName: string, landed: TargetAction[], records: Map<string, TaskRecord>): string[] {
  if (!service || !usesTaskSets(service)) return eventsOf(serviceName, landed);
  const bySet = new Map<string, TargetAction[]>();
  for (const a of landed) {
    const id = records.get(a.taskArn)?.startedBy ?? "";
    bySet.set(id, [...(bySet.get(id) ?? []), a]);
  }
  return [...bySet].flatMap(([id, actions]) => eventsOf(taskSetSubject(serviceName, id), actions));
}

/** One pass for a service: returns when to look again (a drain's deadline), if ever. */
async function reconcile(deps: Deps, serviceKey: string, logger: Logger): Promise<number | undefined> {
  const { scope, obs, records } = observeTargets(deps, serviceKey);
  const decision = decideTargets(obs, deps.clock.now());
  const landed: TargetAction[] = [];
  for (const action of decision.actions) {
    const task = records.get(action.taskArn)!;
    if (await apply(deps, scope, task, action)) landed.push(action);
  }
  for (const w of decision.waits) logger.debug({ service: serviceKey, wait: w }, "target registration waits");
  const events = eventsOfUnits(deps.cache.get<ServiceRecord>(serviceKey), obs.serviceName, landed, records);
  if (events.length > 0) {
    const { cluster, name } = parseServiceKey(serviceKey);
    await commit(deps, () => ({ ...appendEvents(deps, scope, { clusterName: cluster, serviceName: name }, events, deps.clock.now()), result: undefined }));
  }
  // Something landed: the next pass (woken by the task write) decides what follows.
  return decision.requeueAfterMs;
}

/**
 * Runs the controller: a service is reconciled when it, one of its tasks, or the health record
 * of a target it drains changes, when a drain's delay runs out, and every `resyncMs` (a target
 * group created after the service). One pass at a time per service.
 */
export function startTargetRegistrationController(deps: Deps, logger: Logger, options: { resyncMs?: number } = {}): TargetRegistrationController {
  const running = new Set<string>();
  const again = new Set<string>();
  const timers = new Map<string, NodeJS.Timeout>();
  /** Health record key → the service draining that target: its removal ends a drain. */
  const draining = new Map<string, string>();
  let stopped = false;
  const later = (key: string, ms: number) => {
    clearTimeout(timers.get(key));
    const t = setTimeout(() => {
      timers.delete(key);
      enqueue(key);
    }, ms + 5);
    t.unref();
    timers.set(key, t);
  };
  const enqueue = (key: string) => {
    if (stopped) return;
    if (running.has(key)) {
      again.add(key);
      return;
    }
    running.add(key);
    reconcile(deps, key, logger)
      .then((after) => {
        if (after !== undefined) later(key, after);
        remember(key);
      })
      .catch((err) => {
        logger.error({ err, service: key }, "target registration pass failed");
        later(key, 1_000);
      })
      .finally(() => {
        running.delete(key);
        if (again.delete(key)) enqueue(key);
      });
  };
  /** Notes which health records this service's draining targets are, so their removal wakes it. */
  const remember = (serviceKey: string) => {
    const { scope } = parseServiceKey(serviceKey);
    const { obs } = observeTargets(deps, serviceKey);
    for (const [k, v] of draining) if (v === serviceKey) draining.delete(k);
    for (const t of obs.tasks) {
      for (const x of t.targets ?? []) if (x.deregisteredAt !== undefined) draining.set(elbKeys.targetHealth(scope, x.targetGroupArn, storeTarget(x)), serviceKey);
    }
  };
  const hasLoadBalancers = (s: unknown) => {
    const service = s as ServiceRecord | undefined;
    if ((service?.loadBalancers?.length ?? 0) > 0) return true;
    // A service of task sets registers through its sets' load balancers.
    return !!service && usesTaskSets(service) && taskSetsOf(service).some((ts) => ts.loadBalancers.length > 0);
  };
  const subscription = deps.cache.subscribe((change) => {
    const kind = kindOf(change.key);
    if (kind === "services") {
      if (hasLoadBalancers(change.value) || hasLoadBalancers(change.prev)) enqueue(change.key);
    } else if (kind === "tasks") {
      const t = (change.value ?? change.prev) as TaskRecord | undefined;
      if (!t?.serviceName) return;
      const serviceKey = change.key.replace(/\/tasks\/([^/]+)\/[^/]+$/, `/services/$1/${t.serviceName}`);
      if (t.loadBalancerTargets?.length || hasLoadBalancers(deps.cache.get(serviceKey))) enqueue(serviceKey);
    } else if (kind === "elb-target-health" && change.type === "delete") {
      const serviceKey = draining.get(change.key);
      if (serviceKey) {
        draining.delete(change.key);
        enqueue(serviceKey);
      }
    }
  });
  const resyncAll = () => {
    for (const e of deps.cache.listEntries<ServiceRecord>(ROOT)) {
      if (kindOf(e.key) === "services" && hasLoadBalancers(e.value)) enqueue(e.key);
    }
  };
  const resync = setInterval(resyncAll, options.resyncMs ?? 10_000);
  resync.unref();
  resyncAll();
  return {
    stop() {
      stopped = true;
      subscription.dispose();
      clearInterval(resync);
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}

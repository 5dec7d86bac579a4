// Registering an ECS service's tasks in its target groups and draining them before they stop
// (aws-neighbors.md §1.11, ecs-behavior.md §7.3), decided purely from a snapshot and `now`:
//
//   RUNNING (desired RUNNING)      → register: one target per loadBalancers entry, all at once
//   desired STOPPED, targets live  → drain: deregister, lastStatus DEACTIVATING; the agent is not
//                                    yet told to stop (the stop is held while the task has targets)
//   draining, each target gone     → release: the targets are forgotten and the agent gets the
//     from the data plane or its     stop (SIGTERM) — STOPPING
//     delay passed
//   the process died by itself     → release at once, deregistering what is still registered
//
// A task's targets are kept on the task (undefined: never registered; [] after release, so a
// task is registered once in its life).

import { HOST_ADDRESS } from "../service-discovery/index.js";
import { serviceEvents } from "../service-scheduler/index.js";

/** One entry of the service's loadBalancers. */
export interface ServiceLoadBalancer {
  readonly targetGroupArn: string;
  readonly containerName: string;
  readonly containerPort: number;
}

export interface TargetGroupInfo {
  readonly targetType: "ip" | "instance";
  /** deregistration_delay.timeout_seconds, in ms. */
  readonly deregistrationDelayMs: number;
}

/** A target the wiring registered for a task, as the task record keeps it. */
export interface TaskTarget {
  readonly targetGroupArn: string;
  /** An IPv4 address (ip) or an EC2 instance id (instance). */
  readonly id: string;
  readonly port: number;
  readonly containerName: string;
  readonly containerPort: number;
  /** Epoch ms of the deregistration: the drain runs from here. */
  readonly deregisteredAt?: number;
}

export interface TargetTask {
  readonly taskArn: string;
  readonly lastStatus: string;
  readonly desiredStatus: string;
  readonly networkMode: string;
  /** The ENI's private IPv4 of an awsvpc task with a namespace of its own. */
  readonly eniAddress?: string;
  /** The EC2 instance id of the task's container instance (bridge/host). */
  readonly ec2InstanceId?: string;
  /** Host ports bound to container ports, as the agent reported them. */
  readonly bindings: readonly { containerName: string; containerPort?: number; hostPort?: number }[];
  readonly targets?: readonly TaskTarget[];
  /**
   * Where this task registers, when it is not the service's loadBalancers: a task set's own
   * (services of the EXTERNAL and CODE_DEPLOY controllers).
   */
  readonly loadBalancers?: readonly ServiceLoadBalancer[];
}

export interface TargetObservation {
  readonly serviceName: string;
  /** Where new tasks register; empty for a service without load balancers. */
  readonly loadBalancers: readonly ServiceLoadBalancer[];
  /** The target groups that exist, by ARN. */
  readonly groups: ReadonlyMap<string, TargetGroupInfo>;
  readonly tasks: readonly TargetTask[];
  /** `healthKey(tg, target)` of every target the data plane still holds a health record for. */
  readonly healthPresent: ReadonlySet<string>;
}

export type TargetAction =
  | { readonly kind: "register"; readonly taskArn: string; readonly targets: readonly TaskTarget[] }
  /** Deregister `targets` now; the task goes DEACTIVATING and its stop stays held. */
  | { readonly kind: "drain"; readonly taskArn: string; readonly targets: readonly TaskTarget[] }
  /** Forget the task's targets (deregistering `deregister` first) and hand the stop to the agent. */
  | { readonly kind: "release"; readonly taskArn: string; readonly deregister: readonly TaskTarget[]; readonly why: "drained" | "delay" | "stopped" };

export interface TargetDecision {
  readonly actions: readonly TargetAction[];
  /** Service events, in order. */
  readonly events: readonly string[];
  /** Why tasks wait (no host port yet, a target group missing, a drain under way): for the log. */
  readonly waits: readonly string[];
  /** Look again then: the earliest deregistration delay still running. */
  readonly requeueAfterMs?: number;
}

export const healthKey = (targetGroupArn: string, t: { id: string; port: number }): string => `${targetGroupArn}|${t.id}:${t.port}`;

const PAST_DEACTIVATING = new Set(["STOPPING", "DEPROVISIONING", "STOPPED", "DELETED"]);

/**
 * The target a task gets in one target group, or why it cannot have one yet. A task with an ENI
 * is reached at its own address on the container port; any other on the host port bound to the
 * container port (host mode: the container port itself), at its instance's id for instance
 * target groups and at the host's loopback for ip ones (an awsvpc task run without a namespace).
 */
export function targetFor(task: TargetTask, lb: ServiceLoadBalancer, group: TargetGroupInfo): { id: string; port: number } | { wait: string } {
  if (task.eniAddress) {
    if (group.targetType !== "ip") return { wait: `target group ${lb.targetGroupArn} takes instance targets; the task has an ENI` };
    return { id: task.eniAddress, port: lb.containerPort };
  }
  const bound = task.bindings.find((b) => b.containerName === lb.containerName && b.containerPort === lb.containerPort && b.hostPort);
  const hostPort = bound?.hostPort ?? (task.networkMode === "host" ? lb.containerPort : undefined);
  if (hostPort === undefined) return { wait: `no host port reported yet for ${lb.containerName}:${lb.containerPort}` };
  if (group.targetType === "ip") return { id: HOST_ADDRESS, port: hostPort };
  if (!task.ec2InstanceId) return { wait: "its container instance has no EC2 instance id" };
  return { id: task.ec2InstanceId, port: hostPort };
}

/** The targets to register for a task, or why not yet (all target groups or none). */
export function targetsFor(task: TargetTask, obs: TargetObservation): TaskTarget[] | { wait: string } {
  const out: TaskTarget[] = [];
  for (const lb of task.loadBalancers ?? obs.loadBalancers) {
    const group = obs.groups.get(lb.targetGroupArn);
    if (!group) return { wait: `target group ${lb.targetGroupArn} does not exist` };
    const t = targetFor(task, lb, group);
    if ("wait" in t) return t;
    out.push({ targetGroupArn: lb.targetGroupArn, id: t.id, port: t.port, containerName: lb.containerName, containerPort: lb.containerPort });
  }
  return out;
}

/**
 * When a deregistered target's drain is over: at once when the data plane has let it go (no
 * health record), else when the group's deregistration delay has passed since deregistration
 * (a group deleted meanwhile has nothing left to drain).
 */
export function drainEndsAt(t: TaskTarget, obs: TargetObservation): number {
  const at = t.deregisteredAt ?? 0;
  if (!obs.healthPresent.has(healthKey(t.targetGroupArn, t))) return at;
  return at + (obs.groups.get(t.targetGroupArn)?.deregistrationDelayMs ?? 0);
}

const short = (taskArn: string) => taskArn.slice(taskArn.lastIndexOf("/") + 1);

export function decideTargets(obs: TargetObservation, now: number): TargetDecision {
  const actions: TargetAction[] = [];
  const waits: string[] = [];
  let requeueAt: number | undefined;
  for (const task of obs.tasks) {
    const targets = task.targets;
    const live = (targets ?? []).filter((t) => t.deregisteredAt === undefined);
    if (targets && targets.length > 0 && PAST_DEACTIVATING.has(task.lastStatus)) {
      // Stopped without the control plane's word (its process died): nothing left to drain.
      actions.push({ kind: "release", taskArn: task.taskArn, deregister: live, why: "stopped" });
    } else if (live.length > 0 && (task.desiredStatus !== "RUNNING" || task.lastStatus === "DEACTIVATING")) {
      actions.push({ kind: "drain", taskArn: task.taskArn, targets: live });
      const end = Math.max(...live.map((t) => now + (obs.groups.get(t.targetGroupArn)?.deregistrationDelayMs ?? 0)));
      if (end > now && (requeueAt === undefined || end < requeueAt)) requeueAt = end;
    } else if (targets && targets.length > 0 && live.length === 0) {
      const ends = targets.map((t) => drainEndsAt(t, obs));
      const end = Math.max(...ends);
      if (end <= now) {
        const byDelay = targets.some((t) => obs.healthPresent.has(healthKey(t.targetGroupArn, t)));
        actions.push({ kind: "release", taskArn: task.taskArn, deregister: [], why: byDelay ? "delay" : "drained" });
      } else {
        waits.push(`task ${short(task.taskArn)} is draining until ${new Date(end).toISOString()} at the latest`);
        if (requeueAt === undefined || end < requeueAt) requeueAt = end;
      }
    } else if (targets === undefined && task.lastStatus === "RUNNING" && task.desiredStatus === "RUNNING" && (task.loadBalancers ?? obs.loadBalancers).length > 0) {
      const wanted = targetsFor(task, obs);
      if ("wait" in wanted) waits.push(`task ${short(task.taskArn)} is not registered: ${wanted.wait}`);
      else actions.push({ kind: "register", taskArn: task.taskArn, targets: wanted });
    }
  }
  return { actions, events: eventsOf(obs.serviceName, actions), waits, ...(requeueAt !== undefined ? { requeueAfterMs: requeueAt - now } : {}) };
}

/** ECS's events for the actions: registrations per group, then the drain and its deregistrations. */
export function eventsOf(serviceName: string, actions: readonly TargetAction[]): string[] {
  const count = (pick: (a: TargetAction) => readonly TaskTarget[]) => {
    const n = new Map<string, number>();
    for (const a of actions) for (const t of pick(a)) n.set(t.targetGroupArn, (n.get(t.targetGroupArn) ?? 0) + 1);
    return n;
  };
  const events: string[] = [];
  for (const [tg, n] of count((a) => (a.kind === "register" ? a.targets : []))) events.push(serviceEvents.registeredTargets(serviceName, n, tg));
  const draining = actions.filter((a) => a.kind === "drain").length;
  if (draining > 0) events.push(serviceEvents.drainingConnections(serviceName, draining));
  const gone = count((a) => (a.kind === "drain" ? a.targets : a.kind === "release" ? a.deregister : []));
  for (const [tg, n] of gone) events.push(serviceEvents.deregisteredTargets(serviceName, n, tg));
  return events;
}

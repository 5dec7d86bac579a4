// What agents report: SubmitTaskStateChange, SubmitContainerStateChange, container health.
// lastStatus only moves forward (ecs-behavior.md §2.1); when a task reaches STOPPED its
// reservation goes back to its instance in the same transaction.
import type { ContainerStateChange, NetworkBinding } from "@aws-sdk/client-ecs";
import { invalidParameter, type ContainerHealthReport, type Scope } from "../model/index.js";
import type { Op } from "../store/index.js";
import { commit, put, type Deps, type Guard } from "./deps.js";
import { release } from "./instance-resources.js";
import { keys } from "./keys.js";
import type { ContainerInstanceRecord } from "./records.js";
import { activeCluster } from "./resolve.js";
import { ec2Keys, type NetworkInterfaceRecord } from "./ec2/records.js";
import { applyAttachmentReports, releaseEni } from "./task-enis.js";
import { statusRank, type ContainerRecord, type TaskRecord } from "./task-records.js";
import { findTask } from "./tasks.js";
import { settleVolumeAttachments } from "./task-volumes.js";

const REASON_LIMIT = 1024;
const ESSENTIAL_EXITED = "Essential container in task exited";

export interface TaskStateChangeInput {
  cluster?: string;
  task?: string;
  status?: string;
  reason?: string;
  containers?: ContainerStateChange[];
  pullStartedAt?: number;
  pullStoppedAt?: number;
  executionStoppedAt?: number;
  /** awsvpc: the ENI attachment's status as the agent sees it (ATTACHED, then DELETED). */
  attachments?: { attachmentArn?: string; status?: string }[];
}

/** The task after a report: pure, so the rules are readable and testable on their own. */
export function applyTaskReport(task: TaskRecord, input: TaskStateChangeInput, now: number): TaskRecord {
  let next: TaskRecord = applyAttachmentReports({ ...task, containers: applyContainerChanges(task.containers, input.containers ?? []) }, input.attachments ?? []);
  if (input.pullStartedAt !== undefined && next.pullStartedAt === undefined) next.pullStartedAt = input.pullStartedAt;
  if (input.pullStoppedAt !== undefined && next.pullStoppedAt === undefined) next.pullStoppedAt = input.pullStoppedAt;
  if (input.executionStoppedAt !== undefined) next.executionStoppedAt = input.executionStoppedAt;
  const status = input.status;
  if (status && statusRank(status) > statusRank(task.lastStatus)) {
    next = { ...next, lastStatus: status };
    if (status === "RUNNING") {
      next.startedAt ??= now;
      next.connectivity = "CONNECTED";
      next.connectivityAt ??= now;
    }
    if (status === "STOPPING" || status === "DEACTIVATING") next.stoppingAt ??= now;
    if (status === "STOPPED") next = stopped(next, input.reason, now);
  }
  next.version = task.version + 1;
  return next;
}

function stopped(task: TaskRecord, reason: string | undefined, now: number): TaskRecord {
  const next: TaskRecord = { ...task, desiredStatus: "STOPPED", stoppedAt: now, executionStoppedAt: task.executionStoppedAt ?? now };
  next.stoppingAt ??= now;
  // A stop the control plane asked for keeps its code and reason; otherwise the agent's word
  // decides: an essential container exited, or the task never got to run.
  if (!task.stopCode) {
    if (reason?.startsWith(ESSENTIAL_EXITED)) {
      next.stopCode = "EssentialContainerExited";
      next.stoppedReason = ESSENTIAL_EXITED;
    } else if (task.startedAt === undefined) {
      next.stopCode = "TaskFailedToStart";
      next.stoppedReason = (reason ?? "Task failed to start").slice(0, REASON_LIMIT);
    } else {
      next.stopCode = "EssentialContainerExited";
      next.stoppedReason = (reason ?? ESSENTIAL_EXITED).slice(0, REASON_LIMIT);
    }
  }
  next.containers = next.containers.map((c) => (c.lastStatus === "STOPPED" ? c : { ...c, lastStatus: "STOPPED" }));
  return next;
}

function applyContainerChanges(containers: ContainerRecord[], changes: ContainerStateChange[]): ContainerRecord[] {
  return containers.map((c) => {
    const change = changes.find((x) => x.containerName === c.name);
    return change ? applyContainerChange(c, change) : c;
  });
}

const CONTAINER_ORDER = ["PENDING", "RUNNING", "STOPPED"];

function applyContainerChange(c: ContainerRecord, change: ContainerStateChange & { networkBindings?: NetworkBinding[] }): ContainerRecord {
  const next = { ...c };
  if (change.status && CONTAINER_ORDER.indexOf(change.status) > CONTAINER_ORDER.indexOf(c.lastStatus)) next.lastStatus = change.status;
  if (change.exitCode !== undefined) next.exitCode = change.exitCode;
  if (change.reason !== undefined) next.reason = change.reason.slice(0, REASON_LIMIT);
  if (change.runtimeId !== undefined) next.runtimeId = change.runtimeId;
  if (change.imageDigest !== undefined) next.imageDigest = change.imageDigest;
  if (change.networkBindings !== undefined) next.networkBindings = change.networkBindings;
  return next;
}

/** Writes a task change, giving back the reservation when the task has just stopped. */
async function writeTask(deps: Deps, scope: Scope, clusterName: string, id: string, change: (t: TaskRecord) => TaskRecord): Promise<TaskRecord> {
  const key = keys.task(scope, clusterName, id);
  return commit(deps, () => {
    const entry = deps.cache.getEntry<TaskRecord>(key);
    if (!entry) throw invalidParameter("The referenced task was not found.");
    let next = change(entry.value);
    const guards: Guard[] = [{ key, modRevision: entry.modRevision }];
    const freed: Op[] = [];
    // The ENI goes in the transaction that records STOPPED: its address is free from then on.
    if (next.lastStatus === "STOPPED" && entry.value.lastStatus !== "STOPPED") {
      const released = releaseEni(scope, next);
      next = settleVolumeAttachments(released.task);
      freed.push(...released.ops);
    }
    const ops = [put(key, next)];
    if (next.lastStatus === "STOPPED" && !next.released && next.containerInstanceArn) {
      next.released = true;
      // container-instance/<cluster>/<id>: a Fargate task's instance is in berth's pool cluster.
      const [instanceCluster, instanceId] = next.containerInstanceArn.split("/").slice(-2) as [string, string];
      const ikey = keys.instance(scope, instanceCluster, instanceId);
      const inst = deps.cache.getEntry<ContainerInstanceRecord>(ikey);
      if (inst) {
        guards.push({ key: ikey, modRevision: inst.modRevision });
        ops.push(put(ikey, release(inst.value, next.reserved)));
      }
      ops[0] = put(key, next);
    }
    return { guards, ops: [...ops, ...freed], result: next };
  });
}

export async function submitTaskStateChange(deps: Deps, scope: Scope, input: TaskStateChangeInput) {
  const cluster = activeCluster(deps, scope, input.cluster);
  if (!input.task) throw invalidParameter("Invalid parameter 'task': the task is required.");
  const task = findTask(deps, scope, cluster.clusterName, input.task);
  if (!task) throw invalidParameter("The referenced task was not found.");
  await writeTask(deps, scope, cluster.clusterName, task.id, (t) => applyTaskReport(t, input, deps.clock.now()));
  return { acknowledgment: "ACK" };
}

/**
 * The ECS agent's report of attachment statuses alone (berth's agent sends them with
 * SubmitTaskStateChange). Each names its attachment by ARN; the ENI records know whose it is.
 */
export async function submitAttachmentStateChanges(deps: Deps, scope: Scope, input: { cluster?: string; attachments: { attachmentArn: string; status: string }[] }) {
  activeCluster(deps, scope, input.cluster);
  const enis = deps.cache.list<NetworkInterfaceRecord>(ec2Keys.networkInterfaces(scope));
  for (const [i, a] of input.attachments.entries()) {
    const eni = enis.find((e) => a.attachmentArn === e.attachmentId || a.attachmentArn.endsWith(`/${e.attachmentId}`));
    if (!eni) throw invalidParameter(`Invalid parameter 'attachments[${i}].attachmentArn': no attachment ${a.attachmentArn.slice(0, 200)} of a running task.`);
    const task = findTask(deps, scope, eni.taskArn.split("/").slice(-2)[0]!, eni.taskArn);
    if (!task) continue;
    await writeTask(deps, scope, task.clusterName, task.id, (t) => ({ ...applyAttachmentReports(t, [a]), version: t.version + 1 }));
  }
  return { acknowledgment: "ACK" };
}

export async function submitContainerStateChange(
  deps: Deps,
  scope: Scope,
  input: ContainerStateChange & { cluster?: string; task?: string },
) {
  const cluster = activeCluster(deps, scope, input.cluster);
  if (!input.task) throw invalidParameter("Invalid parameter 'task': the task is required.");
  const task = findTask(deps, scope, cluster.clusterName, input.task);
  if (!task) throw invalidParameter("The referenced task was not found.");
  if (input.containerName && !task.containers.some((c) => c.name === input.containerName)) {
    throw invalidParameter(`Invalid parameter 'containerName': '${input.containerName}' is not a container of the task.`);
  }
  await writeTask(deps, scope, cluster.clusterName, task.id, (t) => ({
    ...t,
    containers: applyContainerChanges(t.containers, [input]),
    version: t.version + 1,
  }));
  return { acknowledgment: "ACK" };
}

/** The task's health from its essential containers' (ecs-behavior.md §3). */
export function aggregateHealth(task: TaskRecord): string {
  const essential = new Set(
    task.assignment.containers.filter((c) => (c.definition as { essential?: boolean }).essential !== false).map((c) => c.name),
  );
  const checked = task.containers.filter((c) => essential.has(c.name) && c.healthStatus !== undefined);
  if (checked.some((c) => c.healthStatus === "UNHEALTHY")) return "UNHEALTHY";
  if (checked.length > 0 && checked.every((c) => c.healthStatus === "HEALTHY")) return "HEALTHY";
  return "UNKNOWN";
}

/**
 * Health an agent of `clusterName` reports over its channel. A Fargate pool agent reports for
 * tasks of other clusters: the task is found by its ARN's cluster, and taken only when it runs
 * on an instance of the reporting agent's cluster.
 */
export async function reportContainerHealth(deps: Deps, scope: Scope, clusterName: string, report: ContainerHealthReport) {
  const parts = report.taskArn.split("/");
  const taskCluster = report.taskArn.startsWith("arn:") && parts.length >= 3 ? parts[parts.length - 2]! : clusterName;
  const task = findTask(deps, scope, taskCluster, report.taskArn);
  if (!task || task.containerInstanceArn?.split("/").slice(-2)[0] !== clusterName) return;
  await writeTask(deps, scope, taskCluster, task.id, (t) => {
    const containers = t.containers.map((c) => {
      const r = report.containers.find((x) => x.containerName === c.name);
      return r && c.healthStatus !== undefined ? { ...c, healthStatus: r.healthStatus } : c;
    });
    const next = { ...t, containers };
    return { ...next, healthStatus: aggregateHealth(next), version: t.version + 1 };
  });
}

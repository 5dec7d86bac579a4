// What to tell the control plane next about a task, pure and level-based: compare what the
// agent knows with what the control plane acknowledged, and name the one report that closes
// the gap first. Reports go out one at a time per task, in status order, so a retried or late
// report can never move the control plane's view backward; intermediate states the control
// plane never saw are folded in (a task that reached RUNNING before its PENDING report went
// out is reported RUNNING, carrying the pull timestamps).
import type { NetworkBinding } from "../runtime/index.js";
import type { ContainerRecord, TaskRecord } from "./task-record.js";
import { backendStatus, type BackendStatus } from "./task-transitions.js";

export interface ContainerReport {
  containerName: string;
  status: BackendStatus;
  runtimeId?: string;
  imageDigest?: string;
  exitCode?: number;
  reason?: string;
  networkBindings?: NetworkBinding[];
}

/** An attachment's status (an awsvpc task's ENI, an EBS-style volume), as SubmitTaskStateChange's `attachments` carry it. */
export interface AttachmentReport {
  attachmentId: string;
  status: "ATTACHED" | "DELETED";
}

export interface TaskReport {
  kind: "task";
  status: BackendStatus;
  reason?: string;
  containers: ContainerReport[];
  attachments?: AttachmentReport[];
  pullStartedAt?: number;
  pullStoppedAt?: number;
  executionStoppedAt?: number;
}

export type Report = TaskReport | { kind: "container"; container: ContainerReport };

const ORDER: readonly (BackendStatus | undefined)[] = [undefined, "PENDING", "RUNNING", "STOPPED"];
const rankOf = (s: BackendStatus | undefined) => ORDER.indexOf(s);

function containerReport(c: ContainerRecord, status: BackendStatus): ContainerReport {
  return {
    containerName: c.name,
    status,
    ...(c.runtimeId ? { runtimeId: c.runtimeId } : {}),
    ...(c.imageId ? { imageDigest: c.imageId } : {}),
    ...(status === "STOPPED" && typeof c.exitCode === "number" ? { exitCode: c.exitCode } : {}),
    ...(status === "STOPPED" && c.reason ? { reason: c.reason } : {}),
    ...(status !== "PENDING" && c.networkBindings.length ? { networkBindings: c.networkBindings } : {}),
  };
}

/** Containers whose status the control plane has not acknowledged yet, reported at most as `cap`. */
function unreportedContainers(rec: TaskRecord, cap: BackendStatus = "STOPPED"): ContainerReport[] {
  const out: ContainerReport[] = [];
  for (const c of rec.containers) {
    const known = backendStatus(c.known);
    if (!known) continue;
    const status = rankOf(known) > rankOf(cap) ? cap : known;
    if (rankOf(status) > rankOf(c.reported)) out.push(containerReport(c, status));
  }
  return out;
}

/** The task status to report next, if any. */
function nextTaskStatus(rec: TaskRecord): BackendStatus | undefined {
  const current = backendStatus(rec.known);
  if (!current || rankOf(current) <= rankOf(rec.reported)) return undefined;
  // A task that ran is reported RUNNING before STOPPED: startedAt and the container's
  // networkBindings belong to that report, even for a batch job that ended at once.
  if (current === "STOPPED" && rec.startedAt !== undefined && rankOf(rec.reported) < rankOf("RUNNING")) return "RUNNING";
  // An awsvpc task is STOPPED for the control plane once its namespace is gone: the STOPPED
  // report carries the attachment DELETED, and the ENI is freed only then.
  if (current === "STOPPED" && rec.network && rec.network.status !== "DELETED") return undefined;
  // PENDING is worth a report once the pulls are done (it carries pullStartedAt/pullStoppedAt).
  if (current === "PENDING" && rec.pullStoppedAt === undefined) return undefined;
  return current;
}

export function nextReport(rec: TaskRecord): Report | undefined {
  if (rec.disowned) return undefined;
  const status = nextTaskStatus(rec);
  if (status) {
    // Containers reported with a RUNNING task are at most RUNNING: their exits go with STOPPED.
    const report: TaskReport = { kind: "task", status, containers: unreportedContainers(rec, status === "RUNNING" ? "RUNNING" : "STOPPED") };
    const eni = unreportedAttachment(rec);
    const attachments = [...(eni ? [eni] : []), ...(status === "RUNNING" ? volumeAttachments(rec) : [])];
    if (attachments.length) report.attachments = attachments;
    if (rec.pullStartedAt !== undefined) report.pullStartedAt = rec.pullStartedAt;
    if (rec.pullStoppedAt !== undefined) report.pullStoppedAt = rec.pullStoppedAt;
    if (status === "STOPPED") {
      if (rec.stopReason) report.reason = rec.stopReason;
      if (rec.executionStoppedAt !== undefined) report.executionStoppedAt = rec.executionStoppedAt;
    }
    return report;
  }
  // A stopped awsvpc task says the rest at once, with STOPPED, after its namespace is gone.
  if (rec.known === "STOPPED" && rec.network && rec.network.status !== "DELETED") return undefined;
  // Between task transitions, a container's own change (a sidecar exiting, a container starting
  // while the task is still PENDING) goes out on its own.
  const [first] = unreportedContainers(rec).filter((c) => c.status !== "PENDING");
  return first ? { kind: "container", container: first } : undefined;
}

/** The ENI attachment's status when the control plane has not heard it yet. */
function unreportedAttachment(rec: TaskRecord): AttachmentReport | undefined {
  const net = rec.network;
  const eni = rec.task.eni;
  if (!net || !eni || net.status === "NONE" || net.status === net.reported) return undefined;
  return { attachmentId: eni.attachmentId, status: net.status };
}

/**
 * A task's EBS-style volumes are made and mounted before its first container is created, so a
 * task that runs has them ATTACHED: that goes with the RUNNING report (which is sent once; the
 * control plane moves attachments only forward). What becomes of them at STOPPED follows their
 * terminationPolicy, which the control plane applies (task-volumes.ts settleVolumeAttachments).
 */
function volumeAttachments(rec: TaskRecord): AttachmentReport[] {
  return (rec.task.volumeSources ?? []).flatMap((v) => (v.kind === "ebs" ? [{ attachmentId: v.attachmentId, status: "ATTACHED" as const }] : []));
}

/** The record after the control plane acknowledged `report`. */
export function acknowledge(rec: TaskRecord, report: Report): void {
  if (report.kind === "task") {
    rec.reported = report.status;
    const eni = rec.task.eni && report.attachments?.find((a) => a.attachmentId === rec.task.eni!.attachmentId);
    if (eni && rec.network) rec.network.reported = eni.status;
    for (const cr of report.containers) markContainer(rec, cr);
  } else {
    markContainer(rec, report.container);
  }
}

function markContainer(rec: TaskRecord, cr: ContainerReport): void {
  const c = rec.containers.find((x) => x.name === cr.containerName);
  if (c && rankOf(cr.status) > rankOf(c.reported)) c.reported = cr.status;
}

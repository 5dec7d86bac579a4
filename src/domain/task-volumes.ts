// A task's volumes at launch (issue 16): the `volumeConfigurations` of RunTask, StartTask and
// services checked against the task definition's `configuredAtLaunch` volume, and each volume
// the agent cannot resolve alone turned into an AssignedVolumeSource — an EFS volume into the
// directory of its file system (through its access point), an EBS-style volume into a `vol-…`
// of the size asked with its task attachment. Pure: the records come in through a lookup.
//
// As on ECS, a task definition naming a file system that does not exist registers fine and the
// task fails when it starts (stopCode TaskFailedToStart, a ResourceInitializationError reason);
// RunTask itself succeeds.
import { posix } from "node:path";
import { randomBytes } from "node:crypto";
import type { AssignedEbsVolume, AssignedEfsVolume, AssignedVolumeSource } from "../model/index.js";
import { invalidParameter, uuid } from "../model/index.js";
import type { TaskDefinitionRecord } from "./records.js";

/** One managed EBS-style volume as a launch configures it (TaskManagedEBSVolumeConfiguration). */
export interface EbsSettings {
  name: string;
  sizeInGiB: number;
  volumeType: string;
  filesystemType: string;
  roleArn: string;
  deleteOnTermination: boolean;
  encrypted?: boolean;
  iops?: number;
  throughput?: number;
  tagSpecifications?: unknown[];
}

/** The request's shape (TaskVolumeConfiguration / ServiceVolumeConfiguration), as validated by the model. */
export interface VolumeConfigurationInput {
  name: string;
  managedEBSVolume?: {
    sizeInGiB?: number;
    volumeType?: string;
    filesystemType?: string;
    roleArn: string;
    snapshotId?: string;
    volumeInitializationRate?: number;
    encrypted?: boolean;
    kmsKeyId?: string;
    iops?: number;
    throughput?: number;
    tagSpecifications?: unknown[];
    terminationPolicy?: { deleteOnTermination: boolean };
  };
}

/** EBS's size bounds per volume type, GiB (EC2 CreateVolume; ECS passes them on). */
const SIZE_BOUNDS: Record<string, [number, number]> = {
  gp2: [1, 16_384],
  gp3: [1, 16_384],
  io1: [4, 16_384],
  io2: [4, 65_536],
  st1: [125, 16_384],
  sc1: [125, 16_384],
  standard: [1, 1_024],
};

/**
 * The launch's EBS-style volumes, checked against the task definition: every entry names its
 * configuredAtLaunch volume, that volume has an entry, and the sizes and options are EBS's.
 * `field` names the request member in errors (volumeConfigurations). Throws
 * InvalidParameterException; returns [] when neither side has any.
 */
export function checkVolumeConfigurations(td: TaskDefinitionRecord, configs: VolumeConfigurationInput[] | undefined, field = "volumeConfigurations"): EbsSettings[] {
  const atLaunch = (td.volumes ?? []).filter((v) => v.configuredAtLaunch).map((v) => v.name!);
  const list = configs ?? [];
  const seen = new Set<string>();
  const out = list.map((c, i) => {
    const at = `${field}[${i}]`;
    if (!atLaunch.includes(c.name)) {
      const known = (td.volumes ?? []).some((v) => v.name === c.name);
      throw invalidParameter(
        known
          ? `Invalid parameter '${at}.name': volume '${c.name}' of ${td.family}:${td.revision} is not configuredAtLaunch; only such a volume takes a configuration at launch.`
          : `Invalid parameter '${at}.name': '${c.name.slice(0, 255)}' is not a volume of ${td.family}:${td.revision}.`,
      );
    }
    if (seen.has(c.name)) throw invalidParameter(`Invalid parameter '${at}.name': volume '${c.name}' is configured twice.`);
    seen.add(c.name);
    if (!c.managedEBSVolume) throw invalidParameter(`Invalid parameter '${at}.managedEBSVolume': a volume configured at launch needs its managedEBSVolume.`);
    return ebsSettings(c.name, c.managedEBSVolume, `${at}.managedEBSVolume`);
  });
  const missing = atLaunch.find((name) => !seen.has(name));
  if (missing) {
    throw invalidParameter(`Invalid parameter '${field}': volume '${missing}' of ${td.family}:${td.revision} is configuredAtLaunch; give it a configuration in '${field}'.`);
  }
  return out;
}

function ebsSettings(name: string, m: NonNullable<VolumeConfigurationInput["managedEBSVolume"]>, at: string): EbsSettings {
  // berth keeps no EBS snapshots to restore from.
  if (m.snapshotId !== undefined) throw invalidParameter(`Invalid parameter '${at}.snapshotId': berth does not support creating volumes from snapshots; give sizeInGiB.`);
  if (m.volumeInitializationRate !== undefined) throw invalidParameter(`Invalid parameter '${at}.volumeInitializationRate': it can only be given with a snapshotId.`);
  const volumeType = m.volumeType ?? "gp3";
  const bounds = SIZE_BOUNDS[volumeType];
  if (!bounds) throw invalidParameter(`Invalid parameter '${at}.volumeType': '${volumeType.slice(0, 32)}' is not one of ${Object.keys(SIZE_BOUNDS).join(", ")}.`);
  if (m.sizeInGiB === undefined) throw invalidParameter(`Invalid parameter '${at}.sizeInGiB': a size is required when no snapshotId is given.`);
  if (m.sizeInGiB < bounds[0] || m.sizeInGiB > bounds[1]) {
    throw invalidParameter(`Invalid parameter '${at}.sizeInGiB': ${m.sizeInGiB} is outside ${bounds[0]}-${bounds[1]} GiB for volume type ${volumeType}.`);
  }
  const filesystemType = m.filesystemType ?? "xfs";
  if (!["ext3", "ext4", "xfs"].includes(filesystemType)) {
    throw invalidParameter(`Invalid parameter '${at}.filesystemType': '${filesystemType}' is not a Linux file system type (ext3, ext4, xfs).`);
  }
  if (m.throughput !== undefined && volumeType !== "gp3") throw invalidParameter(`Invalid parameter '${at}.throughput': only gp3 volumes take a throughput, found volume type ${volumeType}.`);
  if (m.iops !== undefined && !["gp3", "io1", "io2"].includes(volumeType)) {
    throw invalidParameter(`Invalid parameter '${at}.iops': only gp3, io1 and io2 volumes take iops, found volume type ${volumeType}.`);
  }
  if ((volumeType === "io1" || volumeType === "io2") && m.iops === undefined) throw invalidParameter(`Invalid parameter '${at}.iops': ${volumeType} volumes need iops.`);
  return {
    name,
    sizeInGiB: m.sizeInGiB,
    volumeType,
    filesystemType,
    roleArn: m.roleArn,
    // ECS: "If no value is specified, the default value is true".
    deleteOnTermination: m.terminationPolicy?.deleteOnTermination ?? true,
    ...(m.encrypted !== undefined ? { encrypted: m.encrypted } : {}),
    ...(m.iops !== undefined ? { iops: m.iops } : {}),
    ...(m.throughput !== undefined ? { throughput: m.throughput } : {}),
    ...(m.tagSpecifications ? { tagSpecifications: m.tagSpecifications } : {}),
  };
}

/** What resolution reads about EFS: the records berth's EFS subset keeps. */
export interface EfsLookup {
  fileSystem(id: string): { FileSystemId: string; rootPath: string } | undefined;
  accessPoint(id: string):
    | {
        AccessPointId: string;
        FileSystemId: string;
        PosixUser?: { Uid: number; Gid: number; SecondaryGids?: number[] };
        RootDirectory: { Path: string; CreationInfo?: { OwnerUid: number; OwnerGid: number; Permissions: string } };
      }
    | undefined;
}

export interface TaskAttachment {
  id: string;
  type: string;
  status: string;
  details: { name: string; value: string }[];
}

export interface ResolvedVolumes {
  sources: AssignedVolumeSource[];
  attachments: TaskAttachment[];
  /** Why the task cannot start (it is stopped at launch with this reason), when it cannot. */
  failure?: string;
}

/** `vol-` and 17 hex digits, as EBS names volumes. */
export const newVolumeId = (): string => `vol-${randomBytes(9).toString("hex").slice(0, 17)}`;

/**
 * The sources and attachments of one task's volumes. `ids` gives each EBS-style volume its
 * `vol-…` and attachment id (fresh ones by default; tests pass fixed ones).
 */
export function resolveVolumes(
  td: TaskDefinitionRecord,
  ebs: EbsSettings[],
  efs: EfsLookup,
  ids: (name: string) => { volumeId: string; attachmentId: string } = () => ({ volumeId: newVolumeId(), attachmentId: uuid() }),
): ResolvedVolumes {
  const sources: AssignedVolumeSource[] = [];
  const attachments: TaskAttachment[] = [];
  for (const v of td.volumes ?? []) {
    const conf = v.efsVolumeConfiguration;
    if (!conf) continue;
    const got = resolveEfs(v.name!, conf, efs);
    if (typeof got === "string") return { sources: [], attachments: [], failure: got };
    sources.push(got);
  }
  for (const e of ebs) {
    const { volumeId, attachmentId } = ids(e.name);
    const source: AssignedEbsVolume = {
      kind: "ebs",
      name: e.name,
      volumeId,
      attachmentId,
      sizeInGiB: e.sizeInGiB,
      filesystemType: e.filesystemType,
      deleteOnTermination: e.deleteOnTermination,
    };
    sources.push(source);
    attachments.push({
      id: attachmentId,
      type: "AmazonElasticBlockStorage",
      // The agent makes and mounts the volume while the task provisions, then reports ATTACHED.
      status: "ATTACHING",
      details: [
        { name: "roleArn", value: e.roleArn },
        { name: "volumeName", value: e.name },
        { name: "volumeId", value: volumeId },
        { name: "deleteOnTermination", value: String(e.deleteOnTermination) },
      ],
    });
  }
  return { sources, attachments };
}

type EfsConf = NonNullable<NonNullable<TaskDefinitionRecord["volumes"]>[number]["efsVolumeConfiguration"]>;

/** An EFS volume's directory on the host, or the reason the task cannot start. */
function resolveEfs(name: string, conf: EfsConf, lookup: EfsLookup): AssignedEfsVolume | string {
  const fail = (why: string) => `ResourceInitializationError: failed to set up EFS volume '${name}': ${why}`;
  const fs = lookup.fileSystem(conf.fileSystemId!);
  if (!fs) return fail(`file system '${conf.fileSystemId}' does not exist; check that the file system ID is correct and in this account and region.`);
  const apId = conf.authorizationConfig?.accessPointId;
  const ap = apId ? lookup.accessPoint(apId) : undefined;
  if (apId && !ap) return fail(`access point '${apId}' does not exist.`);
  if (ap && ap.FileSystemId !== fs.FileSystemId) return fail(`access point '${ap.AccessPointId}' belongs to file system '${ap.FileSystemId}', not '${fs.FileSystemId}'.`);
  // Through an access point the task sees the access point's root directory; without one, the
  // volume's rootDirectory. Both were checked free of '..' (EFS's pattern, task-definition-volumes.ts).
  const inside = ap ? ap.RootDirectory.Path : (conf.rootDirectory ?? "/");
  const hostPath = posix.join(fs.rootPath, posix.normalize(`/${inside}`)).replace(/(.)\/+$/, "$1");
  const info = ap?.RootDirectory.CreationInfo;
  return {
    kind: "efs",
    name,
    fileSystemId: fs.FileSystemId,
    ...(ap ? { accessPointId: ap.AccessPointId } : {}),
    hostPath,
    ...(ap?.PosixUser ? { posixUser: { uid: ap.PosixUser.Uid, gid: ap.PosixUser.Gid, ...(ap.PosixUser.SecondaryGids ? { secondaryGids: ap.PosixUser.SecondaryGids } : {}) } } : {}),
    ...(info ? { creationInfo: { ownerUid: info.OwnerUid, ownerGid: info.OwnerGid, permissions: info.Permissions } } : {}),
  };
}

/**
 * The task with its resolved volumes: the sources go to the agent, the EBS-style attachments
 * show in DescribeTasks. A task whose volumes cannot be set up is written stopping with ECS's
 * TaskFailedToStart: the agent is told to stop it before it starts anything.
 */
export function withVolumes<T extends { attachments: unknown[]; assignment: { volumeSources?: AssignedVolumeSource[] }; desiredStatus: string; version: number }>(
  task: T,
  resolved: ResolvedVolumes,
  now: number,
): T {
  if (resolved.failure) {
    return { ...task, desiredStatus: "STOPPED", stopCode: "TaskFailedToStart", stoppedReason: resolved.failure.slice(0, 1024), stoppingAt: now };
  }
  if (resolved.sources.length === 0) return task;
  return {
    ...task,
    attachments: [...task.attachments, ...resolved.attachments],
    assignment: { ...task.assignment, volumeSources: resolved.sources },
  };
}

/**
 * At STOPPED, the EBS-style attachments end as the agent reported them, or, where it did not
 * (an agent lost with its host), as their termination policy says: DELETED or DETACHED.
 */
export function settleVolumeAttachments<T extends { attachments: unknown[]; assignment: { volumeSources?: AssignedVolumeSource[] } }>(task: T): T {
  const ebs = (task.assignment.volumeSources ?? []).filter((v): v is AssignedEbsVolume => v.kind === "ebs");
  if (ebs.length === 0) return task;
  const attachments = (task.attachments as TaskAttachment[]).map((a) => {
    const source = ebs.find((v) => v.attachmentId === a.id);
    if (!source || a.status === "DELETED" || a.status === "DETACHED") return a;
    return { ...a, status: source.deleteOnTermination ? "DELETED" : "DETACHED" };
  });
  return { ...task, attachments };
}

// A task's storage, decided purely from its assignment (docs/volumes.md, "On the node"): which
// host directories and host-side mounts the agent makes before the first container, what each
// container mounts where, and what goes when the task ends. volume-host.ts carries it out; the
// runtimes mount each container's list (process-root.ts, docker-create-options.ts).
//
// Every path of the task lives under <volumesRoot>/tasks/<taskId>/, so that one directory is the
// task's whole footprint: removing the task's storage is "unmount everything below it, delete it"
// (plus what the journal says of EBS-style images and task-scoped Docker volumes).
import type { AssignedEbsVolume, AssignedEfsVolume, AssignedTask } from "../../model/index.js";
import type { ContainerMount } from "../../runtime/index.js";

export type VolumeRuntime = "docker" | "process";

/** Something made on the host before the task's containers are created. */
export type PrepareStep =
  /** A task-scoped empty directory (a bind volume without sourcePath, a process runtime's task-scoped named volume). */
  | { kind: "dir"; path: string; mode?: number }
  /** A named volume as a directory that outlives the task (the process runtime's shared dockerVolumeConfiguration). */
  | { kind: "sharedDir"; path: string; autoprovision: boolean; volume: string }
  /** A Docker engine volume. */
  | { kind: "dockerVolume"; name: string; scope: "task" | "shared"; autoprovision: boolean; driver: string; driverOpts: Record<string, string>; labels: Record<string, string> }
  /** An EFS-style directory, created with creationInfo when missing; with posixUser, re-exposed through bindfs at mountAt. */
  | { kind: "efs"; volume: string; hostPath: string; creationInfo?: AssignedEfsVolume["creationInfo"]; posixUser?: AssignedEfsVolume["posixUser"]; mountAt?: string }
  /** An EBS-style volume: a file system image of sizeInGiB, loop-mounted at mountAt. */
  | { kind: "ebs"; volume: string; volumeId: string; image: string; sizeInGiB: number; filesystemType: string; mountAt: string; deleteOnTermination: boolean };

export interface ContainerStorage {
  mounts: ContainerMount[];
  readonlyRootFilesystem: boolean;
}

/** What a container's spec takes from the task's storage (container-spec.ts). */
export interface ContainerVolumes extends ContainerStorage {
  /** Host directories the container must not see: the agent's state directory (other tasks' volumes and logs). */
  hiddenPaths: string[];
}

export interface VolumePlan {
  /** <volumesRoot>/tasks/<taskId>: everything of the task that goes with it. */
  taskDir: string;
  prepare: PrepareStep[];
  containers: Record<string, ContainerStorage>;
  /** Docker volumes removed with the task (scope task). */
  taskDockerVolumes: string[];
  /** EBS-style images deleted with the task (deleteOnTermination). */
  deleteImages: string[];
}

export type PlanResult = { ok: true; plan: VolumePlan } | { ok: false; reason: string };

type Def = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const rec = (v: unknown): Def | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Def) : undefined);
const list = (v: unknown): Def[] => (Array.isArray(v) ? (v.filter((x) => rec(x)) as Def[]) : []);
const stringMap = (v: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(rec(v) ?? {}).filter((e): e is [string, string] => typeof e[1] === "string"));

/** A name safe as one path segment and in a Docker volume name ([a-zA-Z0-9][a-zA-Z0-9_.-]*). */
export function segment(name: string): string {
  const clean = name.replace(/[^a-zA-Z0-9_.-]/g, "-");
  return /^[a-zA-Z0-9]/.test(clean) ? clean : `v${clean}`;
}

/** The Docker engine volume a dockerVolumeConfiguration names: shared ones by their own name (as ECS does), task ones per task. */
export function dockerVolumeName(volume: string, scope: "task" | "shared", taskId: string): string {
  return scope === "shared" ? volume : `berth-${segment(taskId)}-${segment(volume)}`;
}

export function taskVolumesDir(volumesRoot: string, taskId: string): string {
  return `${volumesRoot}/tasks/${segment(taskId)}`;
}

/** `linuxParameters.tmpfs` → mounts (size in MiB; mountOptions as Docker's tmpfs options). */
function tmpfsMounts(d: Def): ContainerMount[] {
  return list(rec(d.linuxParameters)?.tmpfs).flatMap((t) => {
    const containerPath = str(t.containerPath);
    if (!containerPath) return [];
    const size = typeof t.size === "number" && t.size > 0 ? t.size : undefined;
    const options = Array.isArray(t.mountOptions) ? t.mountOptions.filter((o): o is string => typeof o === "string") : [];
    return [{ kind: "tmpfs", containerPath, ...(size !== undefined ? { sizeMiB: size } : {}), options } satisfies ContainerMount];
  });
}

/** How one task-definition volume is mounted: a host path (bind) or a Docker volume's name. */
type Backing = { kind: "bind"; source: string } | { kind: "volume"; name: string };

export function planVolumes(task: AssignedTask, volumesRoot: string, runtime: VolumeRuntime): PlanResult {
  const taskId = task.taskArn.slice(task.taskArn.lastIndexOf("/") + 1);
  const taskDir = taskVolumesDir(volumesRoot, taskId);
  const fail = (reason: string): PlanResult => ({ ok: false, reason: `CannotCreateContainerError: ${reason}` });
  const sources = new Map<string, AssignedEfsVolume | AssignedEbsVolume>((task.volumeSources ?? []).map((s) => [s.name, s]));
  const prepare: PrepareStep[] = [];
  const taskDockerVolumes: string[] = [];
  const deleteImages: string[] = [];
  const backings = new Map<string, Backing>();

  // Fargate's ephemeral storage: one image of its size holds everything the task may write
  // outside its volumes (docs/volumes.md, "Fargate ephemeral storage").
  const eph = task.ephemeralStorage?.sizeInGiB;
  if (eph !== undefined && !(Number.isInteger(eph) && eph >= 1)) return fail(`ephemeralStorage.sizeInGiB ${eph} is not a whole number of at least 1`);
  const scratch = eph !== undefined ? `${taskDir}/ephemeral` : undefined;
  if (scratch) {
    const image = `${taskDir}/ephemeral.img`;
    prepare.push({ kind: "ebs", volume: "ephemeralStorage", volumeId: "ephemeral", image, sizeInGiB: eph!, filesystemType: "ext4", mountAt: scratch, deleteOnTermination: true });
    deleteImages.push(image);
  }
  const taskScoped = scratch ?? taskDir;

  for (const v of task.volumes) {
    const name = str(v.name);
    if (!name) continue;
    const seg = segment(name);
    const source = sources.get(name);
    const docker = rec(v.dockerVolumeConfiguration);
    if (source?.kind === "efs") {
      // An access point's user: every operation acts as it, which a plain bind cannot do (see docs).
      const mountAt = source.posixUser ? `${taskDir}/efs/${seg}` : undefined;
      prepare.push({
        kind: "efs",
        volume: name,
        hostPath: source.hostPath,
        ...(source.creationInfo ? { creationInfo: source.creationInfo } : {}),
        ...(source.posixUser ? { posixUser: source.posixUser } : {}),
        ...(mountAt ? { mountAt } : {}),
      });
      backings.set(name, { kind: "bind", source: mountAt ?? source.hostPath });
    } else if (source?.kind === "ebs") {
      if (!["ext3", "ext4", "xfs"].includes(source.filesystemType)) return fail(`volume ${name}: filesystemType ${JSON.stringify(source.filesystemType)} is not one of ext3, ext4, xfs`);
      if (!(Number.isInteger(source.sizeInGiB) && source.sizeInGiB >= 1)) return fail(`volume ${name}: sizeInGiB ${source.sizeInGiB} is not a whole number of at least 1`);
      const image = `${volumesRoot}/ebs/${segment(source.volumeId)}.img`;
      const mountAt = `${taskDir}/ebs/${seg}`;
      prepare.push({ kind: "ebs", volume: name, volumeId: source.volumeId, image, sizeInGiB: source.sizeInGiB, filesystemType: source.filesystemType, mountAt, deleteOnTermination: source.deleteOnTermination });
      if (source.deleteOnTermination) deleteImages.push(image);
      backings.set(name, { kind: "bind", source: mountAt });
    } else if (v.configuredAtLaunch === true || rec(v.efsVolumeConfiguration)) {
      return fail(`volume ${name} needs a backing resolved by the control plane (${v.configuredAtLaunch === true ? "configuredAtLaunch" : "efsVolumeConfiguration"}), and the assignment has none`);
    } else if (docker) {
      // ECS: scope defaults to task; autoprovision applies to shared volumes only.
      const scope = docker.scope === "shared" ? "shared" : "task";
      const autoprovision = scope === "task" || docker.autoprovision === true;
      const driver = str(docker.driver) ?? "local";
      if (runtime === "docker") {
        const volumeName = dockerVolumeName(name, scope, taskId);
        prepare.push({ kind: "dockerVolume", name: volumeName, scope, autoprovision, driver, driverOpts: stringMap(docker.driverOpts), labels: stringMap(docker.labels) });
        if (scope === "task") taskDockerVolumes.push(volumeName);
        backings.set(name, { kind: "volume", name: volumeName });
      } else {
        // The process runtime has no volume drivers: a directory per volume (docs/volumes.md).
        if (driver !== "local") return fail(`volume ${name}: driver ${JSON.stringify(driver)} needs the docker runtime; the process runtime has only local volumes`);
        if (Object.keys(stringMap(docker.driverOpts)).length > 0) return fail(`volume ${name}: driverOpts need the docker runtime's local driver; the process runtime keeps volumes as plain directories`);
        const path = scope === "shared" ? `${volumesRoot}/named/${seg}` : `${taskScoped}/named/${seg}`;
        prepare.push(scope === "shared" ? { kind: "sharedDir", path, autoprovision, volume: name } : { kind: "dir", path });
        backings.set(name, { kind: "bind", source: path });
      }
    } else {
      const sourcePath = str(rec(v.host)?.sourcePath);
      if (sourcePath) backings.set(name, { kind: "bind", source: sourcePath });
      else {
        const path = `${taskScoped}/empty/${seg}`;
        prepare.push({ kind: "dir", path });
        backings.set(name, { kind: "bind", source: path });
      }
    }
  }

  // Each container's own mount points, then what volumesFrom copies (resolved recursively).
  const defs = new Map(task.containers.map((c) => [c.name, c.definition]));
  const own = new Map<string, ContainerMount[]>();
  for (const c of task.containers) {
    const mounts: ContainerMount[] = [];
    for (const mp of list(c.definition.mountPoints)) {
      const sourceVolume = str(mp.sourceVolume) ?? "";
      const containerPath = str(mp.containerPath);
      const backing = backings.get(sourceVolume);
      if (!backing) return fail(`container ${c.name} mounts volume ${JSON.stringify(sourceVolume)}, which is not among the task's volumes`);
      if (!containerPath?.startsWith("/")) return fail(`container ${c.name}: containerPath ${JSON.stringify(containerPath)} of volume ${sourceVolume} is not an absolute path`);
      const readOnly = mp.readOnly === true;
      mounts.push(backing.kind === "bind" ? { kind: "bind", source: backing.source, containerPath, readOnly } : { kind: "volume", name: backing.name, containerPath, readOnly });
    }
    own.set(c.name, mounts);
  }
  const resolved = new Map<string, ContainerMount[]>();
  const resolve = (name: string, path: string[]): ContainerMount[] | string => {
    const done = resolved.get(name);
    if (done) return done;
    if (path.includes(name)) return `volumesFrom forms a cycle: ${[...path, name].join(" → ")}`;
    const mounts = [...(own.get(name) ?? [])];
    for (const vf of list(defs.get(name)?.volumesFrom)) {
      const from = str(vf.sourceContainer) ?? "";
      if (!defs.has(from)) return `container ${name} has volumesFrom sourceContainer ${JSON.stringify(from)}, which is not in the task`;
      const inherited = resolve(from, [...path, name]);
      if (typeof inherited === "string") return inherited;
      // Docker's --volumes-from: the source's mounts, its modes kept unless readOnly forces ro.
      for (const m of inherited) {
        if (m.kind === "tmpfs" || mounts.some((x) => x.containerPath === m.containerPath)) continue;
        mounts.push(vf.readOnly === true ? { ...m, readOnly: true } : m);
      }
    }
    resolved.set(name, mounts);
    return mounts;
  };
  const containers: Record<string, ContainerStorage> = {};
  for (const c of task.containers) {
    const mounts = resolve(c.name, []);
    if (typeof mounts === "string") return fail(mounts);
    const all = [...mounts, ...tmpfsMounts(c.definition)];
    if (scratch) {
      // The root is read-only; the usual scratch directories are the container's own, on the image.
      for (const path of SCRATCH_PATHS) {
        if (all.some((m) => m.containerPath === path)) continue;
        const source = `${scratch}/containers/${segment(c.name)}${path}`;
        prepare.push({ kind: "dir", path: source, mode: 0o1777 });
        all.push({ kind: "bind", source, containerPath: path, readOnly: false });
      }
    }
    const paths = new Set<string>();
    for (const m of all) {
      if (paths.has(m.containerPath)) return fail(`container ${c.name} mounts two volumes at ${m.containerPath}`);
      paths.add(m.containerPath);
    }
    // Parents before children: /data before /data/cache.
    all.sort((a, b) => depth(a.containerPath) - depth(b.containerPath) || a.containerPath.localeCompare(b.containerPath));
    containers[c.name] = { mounts: all, readonlyRootFilesystem: scratch !== undefined || c.definition.readonlyRootFilesystem === true };
  }
  return { ok: true, plan: { taskDir, prepare, containers, taskDockerVolumes, deleteImages } };
}

/** Where a container with ephemeral storage can write besides its volumes (docs/volumes.md). */
export const SCRATCH_PATHS = ["/tmp", "/var/tmp"];

const depth = (p: string) => p.split("/").filter(Boolean).length;

/** Whether the task needs anything of this module (else the agent skips it entirely). */
export function hasStorage(task: AssignedTask): boolean {
  return (
    task.volumes.length > 0 ||
    task.ephemeralStorage !== undefined ||
    (task.volumeSources?.length ?? 0) > 0 ||
    task.containers.some((c) => {
      const d = c.definition;
      return (Array.isArray(d.mountPoints) && d.mountPoints.length > 0) || (Array.isArray(d.volumesFrom) && d.volumesFrom.length > 0) || d.readonlyRootFilesystem === true || list(rec(d.linuxParameters)?.tmpfs).length > 0;
    })
  );
}

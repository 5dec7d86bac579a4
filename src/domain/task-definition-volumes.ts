// RegisterTaskDefinition's rules for `volumes`, `mountPoints` and `volumesFrom` (issue 16), as
// ECS applies them: pure checks that throw ClientException naming the field, or return the
// volumes as DescribeTaskDefinition shows them. What a volume needs at run time (does its EFS
// file system exist?) is not checked here: ECS accepts the definition and fails the task when
// it starts (task-volumes.ts).
import type { ContainerDefinition, Volume } from "@aws-sdk/client-ecs";
import { clientError, NAME_PATTERN } from "../model/index.js";

/** The kinds of backing a volume may name; ECS allows at most one per volume. */
const BACKINGS = ["host", "dockerVolumeConfiguration", "efsVolumeConfiguration", "fsxWindowsFileServerVolumeConfiguration", "s3filesVolumeConfiguration"] as const;

/** Backings ECS has and berth does not serve: refused by name rather than accepted and never mounted. */
const UNSUPPORTED: Record<string, string> = {
  fsxWindowsFileServerVolumeConfiguration: "FSx for Windows File Server volumes need Windows container instances, which berth does not run",
  s3filesVolumeConfiguration: "S3 Files volumes need an S3 Files file system, which berth does not serve",
};

/** Docker's volume driver berth's agents have; plugins (rexray, ...) are not installed by berth. */
const DOCKER_DRIVERS = new Set(["local"]);

const EFS_ID = /^fs-[0-9a-f]{8,40}$/;
const ACCESS_POINT_ID = /^fsap-[0-9a-f]{8,40}$/;

export interface VolumeContext {
  /** requiresCompatibilities includes FARGATE. */
  fargate: boolean;
}

/**
 * The volumes as stored: checked, with ECS's shown defaults filled (an EFS volume's rootDirectory
 * "/", transitEncryption DISABLED). Returns the names for the containers' checks.
 */
export function normalizeVolumes(volumes: Volume[], ctx: VolumeContext): { volumes: Volume[]; names: Set<string> } {
  const names = new Set<string>();
  let atLaunch: string | undefined;
  const out = volumes.map((v, i) => {
    const at = `volumes[${i}]`;
    if (!v.name || !NAME_PATTERN.test(v.name)) {
      throw clientError(`Invalid '${at}.name' '${(v.name ?? "").slice(0, 300)}': use 1-255 letters, numbers, hyphens and underscores.`);
    }
    if (names.has(v.name)) throw clientError(`Duplicate volume name '${v.name}' at '${at}': volume names must be unique within a task definition.`);
    names.add(v.name);
    const given = BACKINGS.filter((b) => v[b as keyof Volume] !== undefined);
    if (given.length > 1) throw clientError(`Invalid volume '${v.name}': it names ${given.join(" and ")}; a volume has at most one of ${BACKINGS.join(", ")}.`);
    const backing = given[0];
    if (backing && UNSUPPORTED[backing]) throw clientError(`Invalid volume '${v.name}': '${backing}' is not supported by berth (${UNSUPPORTED[backing]}).`);
    if (v.configuredAtLaunch) {
      if (backing) throw clientError(`Invalid volume '${v.name}': a volume with configuredAtLaunch true takes its configuration at launch and cannot also set '${backing}'.`);
      // ECS: "Each task definition revision may only have one volume configured at launch".
      if (atLaunch) throw clientError(`Invalid volume '${v.name}': only one volume may be configuredAtLaunch, and '${atLaunch}' already is.`);
      atLaunch = v.name;
    }
    if (backing === "host") checkHost(v, ctx);
    if (backing === "dockerVolumeConfiguration") checkDockerVolume(v, ctx);
    if (backing === "efsVolumeConfiguration") return { ...v, efsVolumeConfiguration: normalizeEfs(v) };
    return v;
  });
  return { volumes: out, names };
}

function checkHost(v: Volume, ctx: VolumeContext): void {
  const path = v.host?.sourcePath;
  if (path === undefined || path === "") return;
  // Fargate tasks have no host of their own to bind from: only task-scoped (sourcePath-less) ones.
  if (ctx.fargate) throw clientError(`Invalid volume '${v.name}': 'host.sourcePath' is not supported on Fargate; omit it for a task-scoped volume.`);
  if (!path.startsWith("/")) throw clientError(`Invalid volume '${v.name}': 'host.sourcePath' must be an absolute path, found '${path.slice(0, 200)}'.`);
}

function checkDockerVolume(v: Volume, ctx: VolumeContext): void {
  const d = v.dockerVolumeConfiguration!;
  if (ctx.fargate) throw clientError(`Invalid volume '${v.name}': 'dockerVolumeConfiguration' is not supported on Fargate.`);
  // autoprovision only means something for a shared volume: a task-scoped one is always created.
  if (d.autoprovision && d.scope !== "shared") {
    throw clientError(`Invalid volume '${v.name}': 'dockerVolumeConfiguration.autoprovision' can only be true when 'scope' is shared, found scope '${d.scope ?? "task"}'.`);
  }
  if (d.driver !== undefined && !DOCKER_DRIVERS.has(d.driver)) {
    throw clientError(`Invalid volume '${v.name}': 'dockerVolumeConfiguration.driver' '${d.driver.slice(0, 100)}' is not supported by berth; use 'local'.`);
  }
}

function normalizeEfs(v: Volume): NonNullable<Volume["efsVolumeConfiguration"]> {
  const e = v.efsVolumeConfiguration!;
  const bad = (what: string) => clientError(`Invalid volume '${v.name}': 'efsVolumeConfiguration.${what}`);
  if (!e.fileSystemId || !EFS_ID.test(e.fileSystemId)) throw bad(`fileSystemId' '${(e.fileSystemId ?? "").slice(0, 100)}' is not a file system id (fs-...).`);
  const accessPointId = e.authorizationConfig?.accessPointId;
  const iam = e.authorizationConfig?.iam;
  const encrypted = e.transitEncryption === "ENABLED";
  if (accessPointId !== undefined && !ACCESS_POINT_ID.test(accessPointId)) throw bad(`authorizationConfig.accessPointId' '${accessPointId.slice(0, 100)}' is not an access point id (fsap-...).`);
  // ECS: an access point or IAM authorization needs transit encryption.
  if (accessPointId && !encrypted) throw bad("transitEncryption' must be ENABLED when an access point is used.");
  if (iam === "ENABLED" && !encrypted) throw bad("transitEncryption' must be ENABLED when IAM authorization is used.");
  const root = e.rootDirectory;
  // With an access point the access point's own root directory applies.
  if (accessPointId && root !== undefined && root !== "/") {
    throw bad(`rootDirectory' must be omitted or '/' when an access point is used, found '${root.slice(0, 200)}'.`);
  }
  if (root !== undefined) {
    if (!root.startsWith("/") || root.length > 255) throw bad(`rootDirectory' must be an absolute path of at most 255 characters, found '${root.slice(0, 200)}'.`);
    if (root.split("/").some((s) => s === "..")) throw bad(`rootDirectory' must not contain '..', found '${root.slice(0, 200)}'.`);
  }
  if (e.transitEncryptionPort !== undefined) {
    if (!encrypted) throw bad("transitEncryptionPort' is only allowed when transitEncryption is ENABLED.");
    if (e.transitEncryptionPort < 1 || e.transitEncryptionPort > 65535) throw bad(`transitEncryptionPort' ${e.transitEncryptionPort} is not between 1 and 65535.`);
  }
  return { ...e, rootDirectory: root ?? "/", transitEncryption: e.transitEncryption ?? "DISABLED" };
}

/** Docker's tmpfs mount options as ECS lists them; the last six take a value (`mode=1777`). */
const TMPFS_OPTIONS = new Set(
  ("defaults ro rw suid nosuid dev nodev exec noexec sync async dirsync remount mand nomand atime noatime diratime nodiratime bind rbind " +
    "unbindable runbindable private rprivate shared rshared slave rslave relatime norelatime strictatime nostrictatime").split(" "),
);
const TMPFS_VALUED = new Set(["mode", "uid", "gid", "nr_inodes", "nr_blocks", "mpol"]);

/** A container's mountPoints, volumesFrom and tmpfs mounts against the definition's volumes and containers. */
export function checkContainerStorage(
  c: ContainerDefinition,
  ctx: { volumeNames: Set<string>; containerNames: Set<string>; fargate?: boolean },
  bad: (what: string) => Error,
): void {
  const paths = new Set<string>();
  for (const [i, mp] of (c.mountPoints ?? []).entries()) {
    if (!mp.sourceVolume || !ctx.volumeNames.has(mp.sourceVolume)) {
      throw bad(`'mountPoints[${i}].sourceVolume' '${mp.sourceVolume ?? ""}' is not a volume of this task definition.`);
    }
    const path = mp.containerPath;
    if (!path) throw bad(`'mountPoints[${i}].containerPath' is required.`);
    if (!path.startsWith("/")) throw bad(`'mountPoints[${i}].containerPath' must be an absolute path, found '${path.slice(0, 200)}'.`);
    if (path.split("/").some((s) => s === "..")) throw bad(`'mountPoints[${i}].containerPath' must not contain '..', found '${path.slice(0, 200)}'.`);
    const clean = path.replace(/\/+$/, "") || "/";
    if (clean === "/") throw bad(`'mountPoints[${i}].containerPath' cannot be '/': a volume cannot replace the container's root file system.`);
    if (paths.has(clean)) throw bad(`'mountPoints[${i}].containerPath' '${clean}' is already a mount point of this container.`);
    paths.add(clean);
  }
  for (const [i, vf] of (c.volumesFrom ?? []).entries()) {
    if (!vf.sourceContainer || !ctx.containerNames.has(vf.sourceContainer)) {
      throw bad(`'volumesFrom[${i}].sourceContainer' '${vf.sourceContainer ?? ""}' is not a container of this task definition.`);
    }
    if (vf.sourceContainer === c.name) throw bad(`'volumesFrom[${i}].sourceContainer' refers to the container itself.`);
  }
  const tmpfs = c.linuxParameters?.tmpfs ?? [];
  // ECS: "If you're using tasks that use the Fargate launch type, the tmpfs parameter isn't supported."
  if (tmpfs.length && ctx.fargate) throw bad("'linuxParameters.tmpfs' is not supported on Fargate.");
  for (const [i, t] of tmpfs.entries()) {
    const at = `linuxParameters.tmpfs[${i}]`;
    const path = t.containerPath ?? "";
    if (!path.startsWith("/") || path.split("/").some((s) => s === "..")) throw bad(`'${at}.containerPath' must be an absolute path without '..', found '${path.slice(0, 200)}'.`);
    const clean = path.replace(/\/+$/, "") || "/";
    if (clean === "/") throw bad(`'${at}.containerPath' cannot be '/'.`);
    if (paths.has(clean)) throw bad(`'${at}.containerPath' '${clean}' is already a mount point of this container.`);
    paths.add(clean);
    if (t.size === undefined || !Number.isInteger(t.size) || t.size < 1) throw bad(`'${at}.size' must be a whole number of MiB, at least 1, found ${t.size}.`);
    for (const o of t.mountOptions ?? []) {
      const [name, value] = o.split("=", 2) as [string, string | undefined];
      const ok = value === undefined ? TMPFS_OPTIONS.has(name) || TMPFS_VALUED.has(name) : TMPFS_VALUED.has(name) && value !== "";
      if (!ok) throw bad(`'${at}.mountOptions' '${o.slice(0, 64)}' is not a tmpfs mount option.`);
    }
  }
}

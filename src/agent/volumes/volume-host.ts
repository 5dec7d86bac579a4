// Carries out a VolumePlan on this host (I/O; the decisions are volume-plan.ts's): directories,
// Docker volumes, EFS-style directories (through bindfs for an access point's user), EBS-style
// loop-mounted images; and removes a task's storage when it ends, or when a restarted agent
// finds storage of a task it no longer runs.
//
// The journal is the task's directory itself (<volumesRoot>/tasks/<taskId>/) plus journal.json in
// it, written before anything is made: every host-side mount of the task is below that directory
// (so /proc/self/mountinfo lists them all, whatever the agent knew when it died), and the file
// says what lives elsewhere and must go too (images with deleteOnTermination, Docker volumes of
// scope task).
import { execFile } from "node:child_process";
import { chmod, chown, mkdir, open, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { promisify } from "node:util";
import type { RuntimeDriver } from "../../runtime/index.js";
import { AGENT_INSTANCE_LABEL } from "../container-spec.js";
import type { PrepareStep, VolumePlan } from "./volume-plan.js";

const run = promisify(execFile);
const GIB = 1024 ** 3;

/** Labels on the Docker volumes the agent makes, so that a restarted agent finds them. */
export const VOLUME_TASK_LABEL = "berth.task-arn";

interface Journal {
  taskArn: string;
  taskDockerVolumes: string[];
  deleteImages: string[];
}

export type VolumeDriver = Pick<RuntimeDriver, "ensureVolume" | "removeVolume" | "listVolumes">;

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function sh(file: string, args: string[]): Promise<void> {
  try {
    await run(file, args, { timeout: 120_000 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${file} ${args.join(" ")}: ${(e.stderr || e.message).trim()}`);
  }
}

/** The mount points below dir (deepest first), from this process's mount table. */
export async function mountsBelow(dir: string): Promise<string[]> {
  const table = await readFile("/proc/self/mountinfo", "utf8");
  const prefix = dir.endsWith("/") ? dir : `${dir}/`;
  const points = table
    .split("\n")
    .map((l) => l.split(" ")[4])
    .filter((p): p is string => p !== undefined)
    // mountinfo escapes space, tab, newline and backslash as octal.
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => p === dir || p.startsWith(prefix));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

async function unmountAll(dir: string): Promise<void> {
  for (const point of await mountsBelow(dir)) {
    // A loop mount made with -o loop frees its device on unmount (autoclear); -l when busy.
    await sh("umount", [point]).catch(() => sh("umount", ["-l", point]));
  }
  const left = await mountsBelow(dir);
  if (left.length) throw new Error(`mounts still under ${dir}: ${left.join(", ")}`);
}

async function makeEbs(step: Extract<PrepareStep, { kind: "ebs" }>): Promise<void> {
  await mkdir(step.mountAt, { recursive: true });
  if ((await mountsBelow(step.mountAt)).includes(step.mountAt)) return;
  if (!(await exists(step.image))) {
    await mkdir(dirname(step.image), { recursive: true });
    // A sparse file: the file system made on it is sizeInGiB, which is what enforces the size.
    const partial = `${step.image}.new`;
    const fh = await open(partial, "w");
    await fh.truncate(step.sizeInGiB * GIB);
    await fh.close();
    const mkfs = step.filesystemType === "xfs" ? ["mkfs.xfs", "-q", "-f", partial] : [`mkfs.${step.filesystemType}`, "-q", "-F", "-E", "lazy_itable_init=1,nodiscard", partial];
    await sh(mkfs[0]!, mkfs.slice(1));
    // Only a formatted image gets its real name: a crash mid-mkfs leaves no half-made volume.
    await sh("mv", [partial, step.image]);
  }
  await sh("mount", ["-o", "loop", "-t", step.filesystemType, step.image, step.mountAt]);
}

async function makeEfs(step: Extract<PrepareStep, { kind: "efs" }>): Promise<void> {
  if (!(await exists(step.hostPath))) {
    const info = step.creationInfo;
    if (!info) throw new Error(`volume ${step.volume}: the file system's directory ${step.hostPath} does not exist`);
    await mkdir(step.hostPath, { recursive: true });
    await chown(step.hostPath, info.ownerUid, info.ownerGid);
    await chmod(step.hostPath, parseInt(info.permissions, 8));
  }
  if (!step.mountAt || !step.posixUser) return;
  await mkdir(step.mountAt, { recursive: true });
  if ((await mountsBelow(step.mountAt)).includes(step.mountAt)) return;
  const { uid, gid } = step.posixUser;
  // Every file shows as the access point's user, and what is made through it belongs to that
  // user on the file system: EFS's enforcement of the access point's identity (docs/volumes.md).
  await sh("bindfs", ["-o", "allow_other", `--force-user=${uid}`, `--force-group=${gid}`, `--create-for-user=${uid}`, `--create-for-group=${gid}`, step.hostPath, step.mountAt]);
}

async function prepareOne(step: PrepareStep, driver: VolumeDriver, taskArn: string, instanceId: string): Promise<void> {
  switch (step.kind) {
    case "dir":
      await mkdir(step.path, { recursive: true });
      // mkdir's mode is masked by the umask: a scratch /tmp must be 1777 whatever it is.
      if (step.mode !== undefined) await chmod(step.path, step.mode);
      return;
    case "sharedDir":
      if (!step.autoprovision && !(await exists(step.path))) {
        throw new Error(`volume ${step.volume} does not exist on this instance and its dockerVolumeConfiguration does not autoprovision it`);
      }
      await mkdir(step.path, { recursive: true });
      return;
    case "dockerVolume": {
      if (!driver.ensureVolume) throw new Error(`volume ${step.name}: this runtime has no named volumes`);
      // A task's volume names its task and agent, for the sweep after a restart (task-storage.ts).
      const labels = step.scope === "task" ? { ...step.labels, [VOLUME_TASK_LABEL]: taskArn, [AGENT_INSTANCE_LABEL]: instanceId } : step.labels;
      await driver.ensureVolume({ name: step.name, driver: step.driver, driverOpts: step.driverOpts, labels }, step.autoprovision);
      return;
    }
    case "efs":
      return makeEfs(step);
    case "ebs":
      return makeEbs(step);
  }
}

/** Makes what the plan needs; idempotent (a restarted agent calls it again). Throws with the reason. */
export async function setUpVolumes(plan: VolumePlan, taskArn: string, driver: VolumeDriver, instanceId: string): Promise<void> {
  await mkdir(plan.taskDir, { recursive: true });
  const journal: Journal = { taskArn, taskDockerVolumes: plan.taskDockerVolumes, deleteImages: plan.deleteImages };
  await writeFile(`${plan.taskDir}/journal.json`, JSON.stringify(journal));
  for (const step of plan.prepare) await prepareOne(step, driver, taskArn, instanceId);
}

/**
 * Removes a task's storage: its host-side mounts, its directory, its images with
 * deleteOnTermination and its Docker volumes of scope task. Idempotent; throws when a mount
 * stays (nothing is deleted below a mount that remains: it may be a file system's data).
 */
export async function releaseVolumes(taskDir: string, driver: VolumeDriver): Promise<void> {
  if (!(await exists(taskDir))) return;
  const journal = await readFile(`${taskDir}/journal.json`, "utf8").then(
    (t) => JSON.parse(t) as Journal,
    () => undefined,
  );
  await unmountAll(taskDir);
  for (const image of journal?.deleteImages ?? []) await rm(image, { force: true });
  // A volume a stopped container still references stays; the task's removal takes it (task-storage.ts).
  for (const name of journal?.taskDockerVolumes ?? []) await driver.removeVolume?.(name).catch(() => undefined);
  // Nothing is mounted below it any more (unmountAll checked): only the task's own files go.
  // Removing a mount point also detaches the copies other mount namespaces took of its mount
  // (Linux ≥ 3.18), so a process container started while the volume was mounted keeps no copy.
  await rm(taskDir, { recursive: true, force: true });
}

/** The task directories of volumesRoot by task id, for the sweep after a restart. */
export async function taskVolumeDirs(volumesRoot: string): Promise<Map<string, string>> {
  const root = `${volumesRoot}/tasks`;
  const names = await readdir(root).catch(() => [] as string[]);
  return new Map(names.map((n) => [n, `${root}/${n}`]));
}

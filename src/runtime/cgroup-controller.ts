// The I/O half of cgroups: detect the layout, create a container's cgroups with its limits,
// read what stats and OOM detection need, remove them. Decisions are in cgroups.ts.
import { mkdir, readFile, rmdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import {
  type CgroupDirs,
  type CgroupLayout,
  chooseCgroupLayout,
  cpuShares,
  distinctDirs,
  ownDirectory,
  parseMountinfo,
  parseProcCgroup,
  sharesToWeight,
} from "./cgroups.js";

const MIB = 1024 * 1024;

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return undefined;
  }
}

export async function detectCgroups(): Promise<CgroupLayout | { unavailable: string }> {
  if (process.platform !== "linux") return { unavailable: `cgroups exist only on Linux; this is ${process.platform}` };
  const [mountinfo, own] = await Promise.all([readText("/proc/self/mountinfo"), readText("/proc/self/cgroup")]);
  if (mountinfo === undefined || own === undefined) return { unavailable: "cannot read /proc/self/mountinfo or /proc/self/cgroup" };
  const mounts = parseMountinfo(mountinfo);
  const entries = parseProcCgroup(own);
  const unifiedMount = mounts.find((m) => m.fsType === "cgroup2");
  const unifiedOwn = entries.find((e) => e.controllers.length === 0)?.path;
  let controllers: string | undefined;
  if (unifiedMount && unifiedOwn !== undefined) {
    const dir = ownDirectory({ mountPoint: unifiedMount.mountPoint, root: unifiedMount.root, ownPath: unifiedOwn });
    controllers = await readText(`${dir}/cgroup.controllers`);
  }
  return chooseCgroupLayout(mounts, entries, controllers);
}

export interface CgroupLimits {
  cpu?: number;
  memoryMiB?: number;
  memoryReservationMiB?: number;
}

async function write(path: string, value: string): Promise<void> {
  try {
    await writeFile(path, value);
  } catch (e) {
    throw new Error(`cannot write ${JSON.stringify(value)} to ${path}: ${(e as Error).message}`, { cause: e });
  }
}

async function exists(path: string): Promise<boolean> {
  return (await readText(path)) !== undefined;
}

/** cgroup v2 only lets a child use controllers its parent enabled in cgroup.subtree_control. */
async function enableV2Controllers(dir: string): Promise<void> {
  const current = (await readText(`${dir}/cgroup.subtree_control`)) ?? "";
  if (current.includes("memory") && current.includes("cpu")) return;
  try {
    await writeFile(`${dir}/cgroup.subtree_control`, "+memory +cpu");
  } catch (e) {
    throw new Error(
      `cannot enable the memory and cpu controllers in ${dir}/cgroup.subtree_control: ${(e as Error).message} (cgroup v2 refuses this while ${dir} itself holds processes; run the agent in a leaf cgroup of its own, e.g. a systemd unit with Delegate=yes, or give an absolute cgroup parent)`,
      { cause: e },
    );
  }
}

/** Creates the container's cgroups and writes its limits. */
export async function createCgroups(dirs: CgroupDirs, limits: CgroupLimits): Promise<void> {
  if (dirs.version === "v2") {
    const parent = dirname(dirs.unified);
    await enableV2Controllers(dirname(parent));
    await mkdir(parent, { recursive: true });
    await enableV2Controllers(parent);
    await mkdir(dirs.unified, { recursive: true });
    const d = dirs.unified;
    await write(`${d}/cpu.weight`, String(sharesToWeight(cpuShares(limits.cpu))));
    if (limits.memoryMiB) {
      await write(`${d}/memory.max`, String(limits.memoryMiB * MIB));
      // Docker's default MemorySwap is twice the memory: as much swap again.
      if (await exists(`${d}/memory.swap.max`)) await write(`${d}/memory.swap.max`, String(limits.memoryMiB * MIB));
    }
    if (limits.memoryReservationMiB) await write(`${d}/memory.low`, String(limits.memoryReservationMiB * MIB));
    return;
  }
  for (const d of distinctDirs(dirs)) await mkdir(d, { recursive: true });
  await write(`${dirs.cpu}/cpu.shares`, String(cpuShares(limits.cpu)));
  if (limits.memoryMiB) {
    await write(`${dirs.memory}/memory.limit_in_bytes`, String(limits.memoryMiB * MIB));
    if (await exists(`${dirs.memory}/memory.memsw.limit_in_bytes`)) {
      await write(`${dirs.memory}/memory.memsw.limit_in_bytes`, String(2 * limits.memoryMiB * MIB));
    }
  }
  if (limits.memoryReservationMiB) {
    await write(`${dirs.memory}/memory.soft_limit_in_bytes`, String(limits.memoryReservationMiB * MIB));
  }
}

/** The cgroup.procs files a process writes its pid to, to join every hierarchy. */
export function procsFiles(dirs: CgroupDirs): string[] {
  return distinctDirs(dirs).map((d) => `${d}/cgroup.procs`);
}

/** Pids in the container's cgroup (read from the memory or unified hierarchy). */
export async function cgroupPids(dirs: CgroupDirs): Promise<number[]> {
  const dir = dirs.version === "v2" ? dirs.unified : dirs.memory;
  const text = (await readText(`${dir}/cgroup.procs`)) ?? "";
  return text.split("\n").filter(Boolean).map(Number);
}

/** How often the kernel's OOM killer killed a process of this cgroup. */
export async function oomKillCount(dirs: CgroupDirs): Promise<number> {
  const text = dirs.version === "v2" ? await readText(`${dirs.unified}/memory.events`) : await readText(`${dirs.memory}/memory.oom_control`);
  const match = /^oom_kill (\d+)$/m.exec(text ?? "");
  return match ? Number(match[1]) : 0;
}

/** Raw texts of the files stats are built from, keyed by file name; missing files are absent. */
export async function sampleCgroupFiles(dirs: CgroupDirs): Promise<Record<string, string>> {
  const files: [string, string][] =
    dirs.version === "v2"
      ? ["cpu.stat", "memory.current", "memory.peak", "memory.max", "memory.stat", "pids.current", "cgroup.threads"].map((f) => [f, `${dirs.unified}/${f}`])
      : [
          ...["memory.usage_in_bytes", "memory.max_usage_in_bytes", "memory.limit_in_bytes", "memory.stat", "memory.failcnt", "tasks"].map(
            (f): [string, string] => [f, `${dirs.memory}/${f}`],
          ),
          ["cpu.stat", `${dirs.cpu}/cpu.stat`],
          ...(dirs.cpuacct
            ? ["cpuacct.usage", "cpuacct.usage_percpu", "cpuacct.stat"].map((f): [string, string] => [f, `${dirs.cpuacct}/${f}`])
            : []),
        ];
  const texts = await Promise.all(files.map(([, path]) => readText(path)));
  const out: Record<string, string> = {};
  files.forEach(([name], i) => {
    const t = texts[i];
    if (t !== undefined) out[name] = t;
  });
  return out;
}

/** Removes the container's cgroups; those still holding processes are left (and reported). */
export async function removeCgroups(dirs: CgroupDirs): Promise<string[]> {
  const left: string[] = [];
  for (const d of distinctDirs(dirs)) {
    try {
      await rmdir(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") left.push(`${d}: ${(e as Error).message}`);
    }
  }
  return left;
}

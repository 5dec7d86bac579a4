// Where the process runtime's cgroups go, decided purely from /proc/self/mountinfo and
// /proc/self/cgroup. Both layouts are supported:
//
// - v1 (this project's CI machines): one hierarchy per controller, e.g. /sys/fs/cgroup/memory;
//   berth needs memory and cpu (cpuacct for CPU stats, often co-mounted as cpu,cpuacct).
// - v2: one unified hierarchy; usable when its cgroup.controllers lists memory and cpu.
//
// A container's cgroup is <agent's own cgroup>/<parent>/<id> by default, nested under the
// cgroup the agent runs in, so whatever limits and accounting the host put on the agent (a
// systemd unit, a sandbox) also cover its containers. An absolute parent ("/berth") places
// them at the hierarchy's root instead.

export interface MountEntry {
  /** The hierarchy path mounted here ("/" for the whole hierarchy). */
  root: string;
  mountPoint: string;
  fsType: string;
  superOptions: string[];
}

export interface Hierarchy {
  mountPoint: string;
  /** The mounted hierarchy path. */
  root: string;
  /** The agent's cgroup within the hierarchy, from /proc/self/cgroup. */
  ownPath: string;
}

export type CgroupLayout =
  | { version: "v1"; memory: Hierarchy; cpu: Hierarchy; cpuacct?: Hierarchy }
  | { version: "v2"; unified: Hierarchy };

export type CgroupDirs =
  | { version: "v1"; memory: string; cpu: string; cpuacct?: string }
  | { version: "v2"; unified: string };

/** Parses /proc/<pid>/mountinfo (man 5 proc): root is field 4, mount point field 5. */
export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split("\n")) {
    const sep = line.indexOf(" - ");
    if (sep < 0) continue;
    const pre = line.slice(0, sep).split(" ");
    const post = line.slice(sep + 3).split(" ");
    const root = pre[3];
    const mountPoint = pre[4];
    const fsType = post[0];
    if (root === undefined || mountPoint === undefined || fsType === undefined) continue;
    out.push({ root: unescapeOctal(root), mountPoint: unescapeOctal(mountPoint), fsType, superOptions: (post[2] ?? "").split(",") });
  }
  return out;
}

// mountinfo escapes space, tab, newline and backslash as \040 and the like.
function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Parses /proc/<pid>/cgroup: "hierarchy-id:controllers:path"; v2's line is "0::path". */
export function parseProcCgroup(text: string): { controllers: string[]; path: string }[] {
  const out: { controllers: string[]; path: string }[] = [];
  for (const line of text.split("\n")) {
    const first = line.indexOf(":");
    const second = line.indexOf(":", first + 1);
    if (first < 0 || second < 0) continue;
    const list = line.slice(first + 1, second);
    out.push({ controllers: list === "" ? [] : list.split(","), path: line.slice(second + 1) });
  }
  return out;
}

/**
 * Picks the layout: v2 when the unified hierarchy offers memory and cpu to the agent's cgroup
 * (`unifiedControllers` is that cgroup's cgroup.controllers, read by the caller), else v1 when
 * memory and cpu hierarchies are mounted. Returns the reason when neither works.
 */
export function chooseCgroupLayout(
  mounts: MountEntry[],
  procCgroup: { controllers: string[]; path: string }[],
  unifiedControllers: string | undefined,
): CgroupLayout | { unavailable: string } {
  const unifiedMount = mounts.find((m) => m.fsType === "cgroup2");
  const unifiedOwn = procCgroup.find((e) => e.controllers.length === 0)?.path;
  const offered = (unifiedControllers ?? "").trim().split(/\s+/);
  if (unifiedMount && unifiedOwn !== undefined && offered.includes("memory") && offered.includes("cpu")) {
    return { version: "v2", unified: { mountPoint: unifiedMount.mountPoint, root: unifiedMount.root, ownPath: unifiedOwn } };
  }
  const v1 = (controller: string): Hierarchy | undefined => {
    const mount = mounts.find((m) => m.fsType === "cgroup" && m.superOptions.includes(controller));
    const own = procCgroup.find((e) => e.controllers.includes(controller));
    return mount && own ? { mountPoint: mount.mountPoint, root: mount.root, ownPath: own.path } : undefined;
  };
  const memory = v1("memory");
  const cpu = v1("cpu");
  if (memory && cpu) {
    const cpuacct = v1("cpuacct");
    return { version: "v1", memory, cpu, ...(cpuacct ? { cpuacct } : {}) };
  }
  const found = mounts.filter((m) => m.fsType.startsWith("cgroup")).map((m) => `${m.fsType} at ${m.mountPoint}`);
  return {
    unavailable: `no usable cgroup hierarchy: need cgroup2 offering memory and cpu (offered: ${offered.filter(Boolean).join(",") || "none"}) or cgroup v1 memory and cpu hierarchies; found ${found.join(", ") || "no cgroup mounts"}`,
  };
}

/** The directory of the agent's own cgroup in one hierarchy. */
export function ownDirectory(h: Hierarchy): string {
  const rel = h.root === "/" ? h.ownPath : h.ownPath.startsWith(h.root) ? h.ownPath.slice(h.root.length) : h.ownPath;
  return joinPath(h.mountPoint, rel);
}

/** The directory a container's cgroup gets in one hierarchy (see the file comment). */
export function containerDirectory(h: Hierarchy, parent: string, id: string): string {
  const base = parent.startsWith("/") ? h.mountPoint : ownDirectory(h);
  return joinPath(base, parent, id);
}

export function containerDirs(layout: CgroupLayout, parent: string, id: string): CgroupDirs {
  if (layout.version === "v2") return { version: "v2", unified: containerDirectory(layout.unified, parent, id) };
  const cpu = containerDirectory(layout.cpu, parent, id);
  const cpuacct = layout.cpuacct ? containerDirectory(layout.cpuacct, parent, id) : undefined;
  return {
    version: "v1",
    memory: containerDirectory(layout.memory, parent, id),
    cpu,
    ...(cpuacct ? { cpuacct } : {}),
  };
}

/** Every distinct directory (co-mounted cpu,cpuacct share one). */
export function distinctDirs(dirs: CgroupDirs): string[] {
  if (dirs.version === "v2") return [dirs.unified];
  return [...new Set([dirs.memory, dirs.cpu, ...(dirs.cpuacct ? [dirs.cpuacct] : [])])];
}

function joinPath(...parts: string[]): string {
  const joined = parts.join("/").replace(/\/+/g, "/");
  return joined.length > 1 ? joined.replace(/\/$/, "") : joined;
}

/**
 * cgroup v2's cpu.weight for Docker's cpu shares, as runc converts them: shares 2..262144 map
 * linearly onto weight 1..10000. Example: 1024 shares → 1 + (1022 × 9999) / 262142 = 39.98 → 39.
 */
export function sharesToWeight(shares: number): number {
  const clamped = Math.min(262_144, Math.max(2, shares));
  return Math.floor(1 + ((clamped - 2) * 9999) / 262_142);
}

/** ECS cpu units → cpu shares; the ECS agent raises anything below 2 to 2, the kernel minimum. */
export function cpuShares(cpu: number | undefined): number {
  return Math.max(2, Math.floor(cpu ?? 0));
}

// Builds Docker's stats JSON for a process-runtime container from what the kernel exposes, pure:
// cgroup files when the container has cgroups, else the container's processes from /proc.
import type { ProcInfo } from "./process-table.js";
import { type ContainerStats, type CpuStats, emptyCpuStats, type NetworkStats, ZERO_TIME } from "./stats-types.js";

const TICK_NS = 10_000_000;

/** "key value" lines (memory.stat, cpu.stat, cpuacct.stat) → numbers. */
export function parseKeyValues(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of (text ?? "").split("\n")) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^-?\d+$/.test(v)) out[k] = Number(v);
  }
  return out;
}

const num = (text: string | undefined): number | undefined => {
  const t = text?.trim();
  return t && /^\d+$/.test(t) ? Number(t) : undefined;
};

/** /proc/stat → host CPU nanoseconds (Docker sums the first eight fields) and CPU count. */
export function parseProcStatCpu(text: string): { systemNs: number; onlineCpus: number } {
  let systemNs = 0;
  let onlineCpus = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith("cpu ")) {
      const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
      systemNs = ticks.reduce((a, b) => a + b, 0) * TICK_NS;
    } else if (/^cpu\d+ /.test(line)) onlineCpus++;
  }
  return { systemNs, onlineCpus };
}

/** /proc/<pid>/net/dev → Docker's `networks` (loopback left out, as Docker does). */
export function parseNetDev(text: string): Record<string, NetworkStats> {
  const out: Record<string, NetworkStats> = {};
  for (const line of text.split("\n").slice(2)) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    if (name === "lo") continue;
    const f = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    out[name] = {
      rx_bytes: f[0] ?? 0, rx_packets: f[1] ?? 0, rx_errors: f[2] ?? 0, rx_dropped: f[3] ?? 0,
      tx_bytes: f[8] ?? 0, tx_packets: f[9] ?? 0, tx_errors: f[10] ?? 0, tx_dropped: f[11] ?? 0,
    };
  }
  return out;
}

export interface StatsInput {
  now: number;
  id: string;
  name: string;
  /** cgroup files by name (see sampleCgroupFiles), when the container has cgroups. */
  cgroup?: { version: "v1" | "v2"; files: Record<string, string> };
  /** The container's processes, used without cgroups. */
  processes?: ProcInfo[];
  procStat?: string;
  /** /proc/<init>/net/dev when the container has its own network namespace. */
  netDev?: string;
  hostMemoryBytes: number;
  previous?: { read: string; cpu: CpuStats };
}

function cpuFromCgroup(version: "v1" | "v2", files: Record<string, string>): CpuStats {
  const cpu = emptyCpuStats();
  const stat = parseKeyValues(files["cpu.stat"]);
  if (version === "v2") {
    cpu.cpu_usage = {
      total_usage: (stat.usage_usec ?? 0) * 1000,
      usage_in_usermode: (stat.user_usec ?? 0) * 1000,
      usage_in_kernelmode: (stat.system_usec ?? 0) * 1000,
    };
    cpu.throttling_data = { periods: stat.nr_periods ?? 0, throttled_periods: stat.nr_throttled ?? 0, throttled_time: (stat.throttled_usec ?? 0) * 1000 };
    return cpu;
  }
  const acct = parseKeyValues(files["cpuacct.stat"]);
  const percpu = (files["cpuacct.usage_percpu"] ?? "").trim().split(/\s+/).filter(Boolean).map(Number);
  cpu.cpu_usage = {
    total_usage: num(files["cpuacct.usage"]) ?? 0,
    ...(percpu.length ? { percpu_usage: percpu } : {}),
    usage_in_usermode: (acct.user ?? 0) * TICK_NS,
    usage_in_kernelmode: (acct.system ?? 0) * TICK_NS,
  };
  cpu.throttling_data = { periods: stat.nr_periods ?? 0, throttled_periods: stat.nr_throttled ?? 0, throttled_time: stat.throttled_time ?? 0 };
  return cpu;
}

export function buildStats(input: StatsInput): ContainerStats {
  const read = new Date(input.now).toISOString();
  const host = input.procStat ? parseProcStatCpu(input.procStat) : undefined;
  let cpu: CpuStats;
  let memory: ContainerStats["memory_stats"];
  let pids: number;
  const limitOf = (bytes: number | undefined) => Math.min(bytes ?? Infinity, input.hostMemoryBytes);
  if (input.cgroup) {
    const { version, files } = input.cgroup;
    cpu = cpuFromCgroup(version, files);
    if (version === "v2") {
      const max = files["memory.max"]?.trim();
      memory = {
        usage: num(files["memory.current"]) ?? 0,
        ...(num(files["memory.peak"]) !== undefined ? { max_usage: num(files["memory.peak"]) } : {}),
        stats: parseKeyValues(files["memory.stat"]),
        limit: limitOf(max === "max" ? undefined : num(max)),
      };
      pids = num(files["pids.current"]) ?? (files["cgroup.threads"] ?? "").split("\n").filter(Boolean).length;
    } else {
      memory = {
        usage: num(files["memory.usage_in_bytes"]) ?? 0,
        max_usage: num(files["memory.max_usage_in_bytes"]) ?? 0,
        stats: parseKeyValues(files["memory.stat"]),
        failcnt: num(files["memory.failcnt"]) ?? 0,
        limit: limitOf(num(files["memory.limit_in_bytes"])),
      };
      pids = (files.tasks ?? "").split("\n").filter(Boolean).length;
    }
  } else {
    const procs = input.processes ?? [];
    cpu = emptyCpuStats();
    const user = procs.reduce((a, p) => a + p.userNs, 0);
    const system = procs.reduce((a, p) => a + p.systemNs, 0);
    cpu.cpu_usage = { total_usage: user + system, usage_in_usermode: user, usage_in_kernelmode: system };
    memory = { usage: procs.reduce((a, p) => a + p.rssBytes, 0), limit: input.hostMemoryBytes };
    pids = procs.length;
  }
  if (host) {
    cpu.system_cpu_usage = host.systemNs;
    cpu.online_cpus = host.onlineCpus;
  }
  return {
    read,
    preread: input.previous?.read ?? ZERO_TIME,
    name: `/${input.name}`,
    id: input.id,
    pids_stats: { current: pids },
    num_procs: 0,
    cpu_stats: cpu,
    precpu_stats: input.previous?.cpu ?? emptyCpuStats(),
    memory_stats: memory,
    blkio_stats: { io_service_bytes_recursive: null, io_serviced_recursive: null },
    ...(input.netDev !== undefined ? { networks: parseNetDev(input.netDev) } : {}),
  };
}

// Docker's container stats JSON (GET /containers/{id}/stats), which the ECS task metadata
// endpoint v4 serves unchanged at ${ECS_CONTAINER_METADATA_URI_V4}/stats. Field names are
// Docker's wire names, hence snake_case. Every driver fills this shape: docker passes the
// engine's answer through, process builds it from cgroups or /proc, simulated synthesizes it.

export interface CpuUsage {
  /** Nanoseconds of CPU time used by the container. */
  total_usage: number;
  /** Per-CPU nanoseconds (cgroup v1 only). */
  percpu_usage?: number[];
  usage_in_kernelmode: number;
  usage_in_usermode: number;
}

export interface CpuStats {
  cpu_usage: CpuUsage;
  /** Nanoseconds of CPU time of the whole host (all CPUs), as /proc/stat counts it. */
  system_cpu_usage?: number;
  online_cpus?: number;
  throttling_data: { periods: number; throttled_periods: number; throttled_time: number };
}

export interface MemoryStats {
  usage?: number;
  /** Peak usage (cgroup v1; and v2 where memory.peak exists). */
  max_usage?: number;
  /** The cgroup's memory.stat counters, verbatim. */
  stats?: Record<string, number>;
  failcnt?: number;
  limit?: number;
}

export interface NetworkStats {
  rx_bytes: number;
  rx_packets: number;
  rx_errors: number;
  rx_dropped: number;
  tx_bytes: number;
  tx_packets: number;
  tx_errors: number;
  tx_dropped: number;
}

export interface BlkioEntry {
  major: number;
  minor: number;
  op: string;
  value: number;
}

export interface ContainerStats {
  /** RFC 3339 time of this sample. */
  read: string;
  /** Time of the previous sample (precpu_stats); Docker's zero time when there is none. */
  preread: string;
  name?: string;
  id?: string;
  pids_stats: { current?: number; limit?: number };
  num_procs: number;
  cpu_stats: CpuStats;
  /** The previous sample's cpu_stats, so a reader can compute a CPU percentage. */
  precpu_stats: CpuStats;
  memory_stats: MemoryStats;
  blkio_stats: {
    io_service_bytes_recursive: BlkioEntry[] | null;
    io_serviced_recursive: BlkioEntry[] | null;
  };
  /** Present only when the container has its own network namespace. */
  networks?: Record<string, NetworkStats>;
}

/** Docker's "zero" timestamp, used for preread when no earlier sample exists. */
export const ZERO_TIME = "0001-01-01T00:00:00Z";

export function emptyCpuStats(): CpuStats {
  return {
    cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  };
}

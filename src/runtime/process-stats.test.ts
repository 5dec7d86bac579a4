import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildStats, parseNetDev, parseProcStatCpu } from "./process-stats.js";

const PROC_STAT = `cpu  100 5 50 1000 10 0 5 0 0 0
cpu0 50 2 25 500 5 0 3 0 0 0
cpu1 50 3 25 500 5 0 2 0 0 0
intr 1 2 3`;

const NET_DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:     100       2    0    0    0     0          0         0      100       2    0    0    0     0       0          0
  eth0:    5000      40    1    2    0     0          0         0     3000      30    3    4    0     0       0          0`;

const GIB = 1024 ** 3;

describe("parsers", () => {
  it("/proc/stat: host CPU ns from the first eight fields, and the CPU count", () => {
    // (100+5+50+1000+10+0+5+0) ticks × 10 ms
    assert.deepEqual(parseProcStatCpu(PROC_STAT), { systemNs: 1170 * 10_000_000, onlineCpus: 2 });
  });
  it("/proc/net/dev: per-interface counters, loopback left out", () => {
    assert.deepEqual(parseNetDev(NET_DEV), {
      eth0: { rx_bytes: 5000, rx_packets: 40, rx_errors: 1, rx_dropped: 2, tx_bytes: 3000, tx_packets: 30, tx_errors: 3, tx_dropped: 4 },
    });
  });
});

describe("buildStats", () => {
  it("cgroup v1: cpuacct and memory files in Docker's field names", () => {
    const s = buildStats({
      now: Date.UTC(2024, 0, 1),
      id: "c1",
      name: "web",
      cgroup: {
        version: "v1",
        files: {
          "cpuacct.usage": "123456789\n",
          "cpuacct.usage_percpu": "100000000 23456789 \n",
          "cpuacct.stat": "user 8\nsystem 3\n",
          "cpu.stat": "nr_periods 10\nnr_throttled 2\nthrottled_time 5000\n",
          "memory.usage_in_bytes": "4096000\n",
          "memory.max_usage_in_bytes": "8192000\n",
          "memory.limit_in_bytes": "67108864\n",
          "memory.stat": "cache 1000\nrss 2000\n",
          "memory.failcnt": "0\n",
          tasks: "1\n2\n",
        },
      },
      procStat: PROC_STAT,
      hostMemoryBytes: 8 * GIB,
    });
    assert.equal(s.read, "2024-01-01T00:00:00.000Z");
    assert.equal(s.preread, "0001-01-01T00:00:00Z");
    assert.equal(s.name, "/web");
    assert.deepEqual(s.cpu_stats.cpu_usage, { total_usage: 123456789, percpu_usage: [100000000, 23456789], usage_in_usermode: 80_000_000, usage_in_kernelmode: 30_000_000 });
    assert.deepEqual(s.cpu_stats.throttling_data, { periods: 10, throttled_periods: 2, throttled_time: 5000 });
    assert.equal(s.cpu_stats.online_cpus, 2);
    assert.deepEqual(s.memory_stats, { usage: 4096000, max_usage: 8192000, stats: { cache: 1000, rss: 2000 }, failcnt: 0, limit: 67108864 });
    assert.equal(s.pids_stats.current, 2);
    assert.equal(s.networks, undefined);
  });

  it("cgroup v2: usage in µs becomes ns; an unlimited memory.max reports the host's memory", () => {
    const s = buildStats({
      now: 0,
      id: "c1",
      name: "web",
      cgroup: { version: "v2", files: { "cpu.stat": "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n", "memory.current": "100\n", "memory.max": "max\n", "pids.current": "3\n" } },
      hostMemoryBytes: GIB,
      previous: { read: "1970-01-01T00:00:00.000Z", cpu: { cpu_usage: { total_usage: 1, usage_in_kernelmode: 0, usage_in_usermode: 1 }, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } } },
    });
    assert.deepEqual(s.cpu_stats.cpu_usage, { total_usage: 1_500_000, usage_in_usermode: 1_000_000, usage_in_kernelmode: 500_000 });
    assert.equal(s.memory_stats.limit, GIB);
    assert.equal(s.pids_stats.current, 3);
    assert.equal(s.precpu_stats.cpu_usage.total_usage, 1);
    assert.equal(s.preread, "1970-01-01T00:00:00.000Z");
  });

  it("without cgroups: sums the container's processes; networks when it has its own namespace", () => {
    const proc = (pid: number, userNs: number, rssBytes: number) => ({ pid, ppid: 1, pgid: 7, state: "S", startToken: "1", userNs, systemNs: 10, rssBytes });
    const s = buildStats({ now: 0, id: "c", name: "n", processes: [proc(7, 100, 4096), proc(8, 50, 8192)], netDev: NET_DEV, hostMemoryBytes: GIB });
    assert.deepEqual(s.cpu_stats.cpu_usage, { total_usage: 170, usage_in_usermode: 150, usage_in_kernelmode: 20 });
    assert.deepEqual([s.memory_stats.usage, s.pids_stats.current], [12288, 2]);
    assert.deepEqual(Object.keys(s.networks ?? {}), ["eth0"]);
  });
});

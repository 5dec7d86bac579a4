// The AWS/ECS metrics of one minute, pure: from the agents' samples of the tasks and the
// clusters' instances, the datapoints ECS publishes (ecs-behavior.md §9.2, AWS's "Amazon ECS
// CloudWatch metrics"):
// - CPUUtilization / MemoryUtilization by {ClusterName, ServiceName}: each task's use over the
//   minute as a percentage of what it reserves; the datapoint summarizes the service's tasks
//   (Average is their mean, Minimum/Maximum the least and most loaded task, SampleCount how many).
// - CPUUtilization / MemoryUtilization by {ClusterName}: what the cluster's tasks use over what
//   its instances register.
// - CPUReservation / MemoryReservation by {ClusterName}: what tasks reserve over what the
//   instances register (registered less remaining, as the instances' books stand).
import { type Summary, summaryOf } from "./statistics.js";

export const ECS_NAMESPACE = "AWS/ECS";

/** An agent's sample of one task, with where the control plane found the task. */
export interface EcsSample {
  taskArn: string;
  clusterName: string;
  /** The task's service, when a service started it. */
  serviceName?: string;
  timestamp: number;
  cpuUnitsUsed: number;
  cpuUnitsReserved: number;
  memoryMiBUsed: number;
  memoryMiBReserved: number;
}

/** An ACTIVE container instance's books. */
export interface InstanceBooks {
  clusterName: string;
  registeredCpu: number;
  registeredMemory: number;
  remainingCpu: number;
  remainingMemory: number;
}

export interface Dimension {
  Name: string;
  Value: string;
}

export interface MetricRow {
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
  unit: string;
  /** The minute's start, epoch ms. */
  time: number;
  summary: Summary;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const pct = (used: number, of: number) => (used / of) * 100;

/** The datapoints of the minute starting at `minute` from the samples taken within it. */
export function rollupMinute(minute: number, samples: readonly EcsSample[], instances: readonly InstanceBooks[]): MetricRow[] {
  const rows: MetricRow[] = [];
  const row = (metricName: string, dimensions: Dimension[], summary: Summary) =>
    rows.push({ namespace: ECS_NAMESPACE, metricName, dimensions, unit: "Percent", time: minute, summary });
  const inMinute = samples.filter((s) => s.timestamp >= minute && s.timestamp < minute + 60_000);

  // Each task's mean use over the minute.
  const byTask = new Map<string, EcsSample[]>();
  for (const s of inMinute) byTask.set(s.taskArn, [...(byTask.get(s.taskArn) ?? []), s]);
  const tasks = [...byTask.values()].map((ss) => {
    const last = ss[ss.length - 1] as EcsSample;
    return { ...last, cpuUnitsUsed: mean(ss.map((s) => s.cpuUnitsUsed)), memoryMiBUsed: mean(ss.map((s) => s.memoryMiBUsed)) };
  });

  // By service: the tasks' percentages of their own reservations.
  const services = new Map<string, typeof tasks>();
  for (const t of tasks) {
    if (!t.serviceName) continue;
    const key = JSON.stringify([t.clusterName, t.serviceName]);
    services.set(key, [...(services.get(key) ?? []), t]);
  }
  for (const [key, ts] of [...services].sort(([a], [b]) => a.localeCompare(b))) {
    const [clusterName, serviceName] = JSON.parse(key) as [string, string];
    const dims = [{ Name: "ClusterName", Value: clusterName }, { Name: "ServiceName", Value: serviceName }];
    const cpu = summarize(ts.filter((t) => t.cpuUnitsReserved > 0).map((t) => pct(t.cpuUnitsUsed, t.cpuUnitsReserved)));
    const mem = summarize(ts.filter((t) => t.memoryMiBReserved > 0).map((t) => pct(t.memoryMiBUsed, t.memoryMiBReserved)));
    if (cpu) row("CPUUtilization", dims, cpu);
    if (mem) row("MemoryUtilization", dims, mem);
  }

  // By cluster: use and reservations over what the instances register.
  const clusters = new Map<string, InstanceBooks[]>();
  for (const i of instances) clusters.set(i.clusterName, [...(clusters.get(i.clusterName) ?? []), i]);
  for (const [clusterName, books] of [...clusters].sort(([a], [b]) => a.localeCompare(b))) {
    const dims = [{ Name: "ClusterName", Value: clusterName }];
    const cpu = books.reduce((a, b) => a + b.registeredCpu, 0);
    const mem = books.reduce((a, b) => a + b.registeredMemory, 0);
    const ts = tasks.filter((t) => t.clusterName === clusterName);
    if (cpu > 0) {
      if (ts.length) row("CPUUtilization", dims, summaryOf(pct(ts.reduce((a, t) => a + t.cpuUnitsUsed, 0), cpu)));
      row("CPUReservation", dims, summaryOf(pct(books.reduce((a, b) => a + b.registeredCpu - b.remainingCpu, 0), cpu)));
    }
    if (mem > 0) {
      if (ts.length) row("MemoryUtilization", dims, summaryOf(pct(ts.reduce((a, t) => a + t.memoryMiBUsed, 0), mem)));
      row("MemoryReservation", dims, summaryOf(pct(books.reduce((a, b) => a + b.registeredMemory - b.remainingMemory, 0), mem)));
    }
  }
  return rows;
}

function summarize(values: number[]): Summary | undefined {
  if (values.length === 0) return undefined;
  return { count: values.length, sum: values.reduce((a, b) => a + b, 0), min: Math.min(...values), max: Math.max(...values) };
}

// berth's own health as Prometheus's text exposition format (version 0.0.4), served at
// GET /metrics on the API port without authentication (like /_berth/health: it holds counts and
// timings, no names of anyone's resources beyond AWS service and operation names). Written by
// hand rather than with prom-client: berth needs a counter, a histogram and a few gauges read
// from the cache at scrape time, which is a page of code, not a dependency (docs/design.md).
import type { Deps } from "../domain/index.js";

/** Request latency buckets in seconds (prom-client's defaults). */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface HealthMetrics {
  /** One answered API request. */
  observe(labels: { service: string; operation: string; code: string }, seconds: number): void;
  /** One reconcile pass over a service. */
  observePass(outcome: "ok" | "error", seconds: number): void;
  /** The exposition text of every metric as of now. */
  render(): Promise<string>;
  close(): void;
}

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

/** `a="b"` with the format's escapes. */
const labelText = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"')}"`)
    .join(",");

/** With several servers: who this server sees alive, what it owns, whether it leads. */
export interface CoordinationGauges {
  serverId: string;
  leader?: string;
  members: { id: string; alive: boolean; shards: number[] }[];
}

export function createHealthMetrics(deps: Deps, storeRoot: string, coordination?: () => CoordinationGauges): HealthMetrics {
  const requests = new Map<string, number>();
  const latency = new Map<string, Histogram>();
  const passes = new Map<string, Histogram>();
  const started = Date.now();
  return {
    observe(labels, seconds) {
      const key = labelText(labels);
      requests.set(key, (requests.get(key) ?? 0) + 1);
      record(latency, labelText({ service: labels.service, operation: labels.operation }), seconds);
    },
    observePass(outcome, seconds) {
      record(passes, labelText({ outcome }), seconds);
    },
    async render() {
      const out: string[] = [];
      out.push("# HELP berth_api_requests_total API requests answered, by AWS service, operation and HTTP status.");
      out.push("# TYPE berth_api_requests_total counter");
      for (const [k, v] of [...requests].sort()) out.push(`berth_api_requests_total{${k}} ${v}`);
      histogram(out, "berth_api_request_duration_seconds", "Time from a request's arrival to its answer.", latency);
      histogram(out, "berth_reconcile_pass_duration_seconds", "Service reconcile passes (observe, decide, act), by outcome.", passes);
      // Gauges read from the cache: one walk over its records.
      let agents = 0;
      const tasks = new Map<string, number>();
      for (const e of deps.cache.listEntries<Record<string, unknown>>(storeRoot)) {
        const kind = e.key.split("/")[4];
        if (kind === "instances" && e.value.agentConnected === true && e.value.status !== "INACTIVE") agents++;
        if (kind === "tasks" && typeof e.value.lastStatus === "string") tasks.set(e.value.lastStatus, (tasks.get(e.value.lastStatus) ?? 0) + 1);
      }
      out.push("# HELP berth_agents_connected Container instances whose agent holds its channel open.");
      out.push("# TYPE berth_agents_connected gauge");
      out.push(`berth_agents_connected ${agents}`);
      out.push("# HELP berth_tasks Tasks the control plane keeps, by lastStatus.");
      out.push("# TYPE berth_tasks gauge");
      for (const [s, n] of [...tasks].sort()) out.push(`berth_tasks{${labelText({ last_status: s })}} ${n}`);
      // How far the cache (what every read and watch sees) trails the store's commits.
      const storeRevision = (await deps.store.range(storeRoot, { limit: 1 })).revision;
      out.push("# HELP berth_store_watch_lag_revisions Store revisions committed but not yet applied to the cache.");
      out.push("# TYPE berth_store_watch_lag_revisions gauge");
      out.push(`berth_store_watch_lag_revisions ${Math.max(0, storeRevision - deps.cache.revision)}`);
      out.push("# HELP berth_store_revision The store's current revision.");
      out.push("# TYPE berth_store_revision gauge");
      out.push(`berth_store_revision ${storeRevision}`);
      const view = coordination?.();
      if (view) {
        out.push("# HELP berth_coordination_leader 1 when this server leads (runs the controllers that must not run twice).");
        out.push("# TYPE berth_coordination_leader gauge");
        out.push(`berth_coordination_leader{${labelText({ server: view.serverId })}} ${view.leader === view.serverId ? 1 : 0}`);
        out.push("# HELP berth_coordination_shards Scheduler shards each server owns, as this server sees it.");
        out.push("# TYPE berth_coordination_shards gauge");
        for (const m of view.members) out.push(`berth_coordination_shards{${labelText({ server: m.id })}} ${m.shards.length}`);
        out.push("# HELP berth_coordination_members_alive Servers this server sees renewing their membership.");
        out.push("# TYPE berth_coordination_members_alive gauge");
        out.push(`berth_coordination_members_alive ${view.members.filter((m) => m.alive).length}`);
      }
      out.push("# HELP berth_uptime_seconds Seconds since the control plane started.");
      out.push("# TYPE berth_uptime_seconds gauge");
      out.push(`berth_uptime_seconds ${(Date.now() - started) / 1000}`);
      return `${out.join("\n")}\n`;
    },
    close() {
      requests.clear();
      latency.clear();
      passes.clear();
    },
  };
}

function record(histograms: Map<string, Histogram>, key: string, seconds: number): void {
  const h = histograms.get(key) ?? { counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
  BUCKETS.forEach((b, i) => {
    if (seconds <= b) h.counts[i] = (h.counts[i] ?? 0) + 1;
  });
  h.sum += seconds;
  h.count += 1;
  histograms.set(key, h);
}

/** A histogram's exposition: cumulative buckets, +Inf, sum and count per label set. */
function histogram(out: string[], name: string, help: string, histograms: Map<string, Histogram>): void {
  out.push(`# HELP ${name} ${help}`);
  out.push(`# TYPE ${name} histogram`);
  for (const [k, h] of [...histograms].sort()) {
    BUCKETS.forEach((b, i) => out.push(`${name}_bucket{${k},le="${b}"} ${h.counts[i]}`));
    out.push(`${name}_bucket{${k},le="+Inf"} ${h.count}`);
    out.push(`${name}_sum{${k}} ${h.sum}`);
    out.push(`${name}_count{${k}} ${h.count}`);
  }
}

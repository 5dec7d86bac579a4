// The control plane of bench/scheduler.ts, in a child process of its own so the 200 simulated
// agents and the load generator do not share its event loop (with --servers N, one of N such
// children on one etcd). It is the production assembly (startControlPlane: SQLite or etcd,
// cache, API, agent channel, service reconciler) plus read-only
// instruments that change nothing in it:
// - counters of what the cache sees written, by kind; every decision-log put is one reconcile
//   pass that acted (or waited on something new) — passes that found nothing to do write nothing;
// - the process's CPU time and RSS;
// - on request, steady-state passes per second: the reconciler's own observe (observeService on
//   the live cache) → decide() for every service, which is all an idle pass does.
// Talks to its parent over the fork IPC channel.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { startControlPlane } from "../src/api/control-plane.js";
import { decide, type SchedulerObservation } from "../src/controllers/index.js";
import type { Scope } from "../src/model/index.js";
import { kindOf, ROOT } from "../src/domain/keys.js";
import { observeService } from "../src/domain/service-observation.js";
import { openEtcdStore, parseEtcdUrl } from "../src/store/index.js";
import type { ServiceRecord } from "../src/domain/service-records.js";

export type ControlPlaneRequest = { type: "counters" } | { type: "passes"; seconds: number } | { type: "close" };

export interface Counters {
  puts: Record<string, number>;
  cpuMs: number;
  rssMiB: number;
  at: number;
}

export interface PassRates {
  services: number;
  tasks: number;
  /** observeService + decide per second, over every service. */
  passesPerSecond: number;
  /** decide alone on the same observations. */
  decidePerSecond: number;
  /** Of the timed passes, how many decided to act (should be 0 at steady state). */
  acting: number;
}

export type ControlPlaneMessage = { type: "ready"; url: string } | { type: "counters"; counters: Counters } | { type: "passes"; rates: PassRates };

const send = (msg: ControlPlaneMessage) => process.send!(msg);

// argv: nothing (SQLite in a temp dir), or an etcd:// store URL and this server's id: one of
// several servers sharing the store, coordinating as `berth server --store … --server-id …` does.
const [storeUrl, serverId] = process.argv.slice(2);
const dataDir = mkdtempSync(join(tmpdir(), "berth-bench-cp-"));
const store = storeUrl ? await openEtcdStore(parseEtcdUrl(storeUrl)) : undefined;
const cp = await startControlPlane({
  dataDir,
  port: 0,
  logger: pino({ level: "silent" }),
  ...(store ? { store, coordination: { ...(serverId ? { serverId } : {}) } } : {}),
});
const { cache, clock } = cp.deps;

const puts: Record<string, number> = {};
cache.subscribe((change) => {
  if (change.type !== "put") return;
  const kind = kindOf(change.key) ?? "other";
  puts[kind] = (puts[kind] ?? 0) + 1;
});

function counters(): Counters {
  const cpu = process.cpuUsage();
  return { puts: { ...puts }, cpuMs: (cpu.user + cpu.system) / 1000, rssMiB: process.memoryUsage().rss / 2 ** 20, at: Date.now() };
}

function scopeOf(key: string): Scope {
  const [, , accountId, region] = key.split("/");
  return { accountId: accountId!, region: region! };
}

function passRates(seconds: number): PassRates {
  const services = cache
    .listEntries<ServiceRecord>(ROOT)
    .filter((e) => kindOf(e.key) === "services" && e.value.status === "ACTIVE")
    .map((e) => ({ scope: scopeOf(e.key), record: e.value }));
  const budget = (seconds * 1000) / 2;
  let passes = 0;
  let acting = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < budget) {
    for (const s of services) {
      const decision = decide(observeService(cp.deps, s.scope, s.record), clock.now());
      if (decision.actions.length > 0) acting++;
      passes++;
    }
  }
  const passSeconds = (performance.now() - t0) / 1000;
  const observations: SchedulerObservation[] = services.map((s) => observeService(cp.deps, s.scope, s.record));
  let decides = 0;
  const t1 = performance.now();
  while (performance.now() - t1 < budget) {
    for (const o of observations) decide(o, clock.now());
    decides += observations.length;
  }
  const decideSeconds = (performance.now() - t1) / 1000;
  return {
    services: services.length,
    tasks: observations.reduce((n, o) => n + o.tasks.length, 0),
    passesPerSecond: passes / passSeconds,
    decidePerSecond: decides / decideSeconds,
    acting,
  };
}

process.on("message", (msg: ControlPlaneRequest) => {
  if (msg.type === "counters") send({ type: "counters", counters: counters() });
  else if (msg.type === "passes") send({ type: "passes", rates: passRates(msg.seconds) });
  else if (msg.type === "close") {
    void cp.close().finally(() => {
      rmSync(dataDir, { recursive: true, force: true });
      // process.exit, not a natural exit: --cpu-prof writes its profile then, and the IPC
      // channel would otherwise keep the process alive.
      process.exit(0);
    });
  }
});
send({ type: "ready", url: cp.url });

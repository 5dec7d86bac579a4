// The service scheduler at scale (issue #5): 1,000 services × 10 tasks on 200 simulated
// instances. Measures CreateService → every service at runningCount 10 with one deployment,
// then UpdateService to a new revision → every service on it with its rollout COMPLETED, and
// reconcile passes per second. Three kinds of process, so the control plane's CPU time and
// memory are its own (on a small machine they still share the cores):
// - the control plane (scheduler-control-plane.ts), alone in a child: it is what is measured;
// - the agents (scheduler-agents.ts), production agents on the simulated runtime, split over
//   --agent-procs children (0: in this process), as they would be separate machines;
// - this process: the AWS SDK load generator and the DescribeServices polling.
// With --servers N (N > 1, or --etcd), the control plane is N servers on one etcd member (data on
// /dev/shm), coordinating as `berth server --store etcd://…` does: the shards of the service
// reconciler split among them. Agents and API calls are spread over the servers.
// Prints a markdown table. Run: npm run bench -- scheduler
//   (or: node --import tsx bench/scheduler.ts [--services 1000] [--instances 200] [--tasks 10]
//    [--agent-procs 2] [--nice 10] [--timeout 120] [--cpu-prof DIR] [--servers 3] [--etcd])
// --timeout bounds each phase (seconds): a phase that does not finish is reported with how far
// it got, and the later phases are skipped. --nice is the priority of the agents and the load
// generator (0: the same as the control plane's). --cpu-prof DIR writes the control plane's CPU profile there, the agents' under DIR/agents.
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type Service,
} from "@aws-sdk/client-ecs";
import { fork, type ChildProcess } from "node:child_process";
import { loadavg, setPriority } from "node:os";
import { fileURLToPath } from "node:url";
import { SIMULATE } from "../src/runtime/index.js";
import type { ControlPlaneMessage, ControlPlaneRequest, Counters, PassRates } from "./scheduler-control-plane.js";
import { startSimulatedAgents, type SimulatedAgents } from "./scheduler-agents.js";
import { args, flag } from "./flags.js";
import { etcdMissing, startEtcd, type EtcdCluster } from "../test/helpers/etcd.js";

const SERVICES = flag("services", 1000);
const INSTANCES = flag("instances", 200);
const DESIRED = flag("tasks", 10);
const AGENT_PROCS = flag("agent-procs", 2);
const NICE = flag("nice", 10);
const CPU_PROF = args.includes("--cpu-prof") ? args[args.indexOf("--cpu-prof") + 1] : undefined;
const CONCURRENCY = 20;
/** Between polling rounds: the polling is load on the control plane too, so not too often. */
const POLL_MS = 1000;
const PHASE_TIMEOUT_S = flag("timeout", 120);
const SERVERS = flag("servers", 1);
const ON_ETCD = SERVERS > 1 || args.includes("--etcd");

const log = (line: string) => process.stderr.write(`[scheduler bench] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function forkChild(file: string, argv: string[], execArgv: string[] = []): ChildProcess {
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), argv, {
    execArgv: ["--import", "tsx", ...execArgv],
    // stdout carries the table; a child's output goes to stderr.
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  child.stdout!.pipe(process.stderr);
  return child;
}

function nextMessage<T extends { type: string }>(child: ChildProcess, type: T["type"]): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: T) => {
      if (msg.type !== type) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(msg);
    };
    const onExit = (code: number | null) => reject(new Error(`child ${child.pid} exited with ${code} while waiting for ${type}`));
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

async function ask<T extends ControlPlaneMessage>(cp: ChildProcess, req: ControlPlaneRequest, type: T["type"]): Promise<T> {
  const reply = nextMessage<T>(cp, type);
  cp.send(req);
  return reply;
}
const counterOf = async (cp: ChildProcess) => (await ask<Extract<ControlPlaneMessage, { type: "counters" }>>(cp, { type: "counters" }, "counters")).counters;
/**
 * The control plane's counters: CPU and memory summed over its servers; the writes as the first
 * one's cache saw them (each server's cache sees every write, through its watch).
 */
async function counters(_cp: ChildProcess): Promise<Counters> {
  const all = await Promise.all(cps.map(counterOf));
  return { ...all[0]!, cpuMs: all.reduce((n, c) => n + c.cpuMs, 0), rssMiB: all.reduce((n, c) => n + c.rssMiB, 0) };
}

/** Runs `fn` over `items`, `n` at a time. */
async function inParallel<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/**
 * Polls DescribeServices (10 names a call, 5 calls at a time) until every service satisfies
 * `done`; a service that has is not asked again. Returns when the last one was seen done, or
 * at the timeout with how many were.
 */
async function pollUntil(
  ecs: ECSClient,
  names: string[],
  what: string,
  done: (s: Service) => boolean,
  t0: number,
  cp: ChildProcess,
): Promise<{ seconds: number; done: number }> {
  const pending = new Set(names);
  let lastSeen = t0;
  let lastLog = performance.now();
  while (pending.size > 0) {
    if (performance.now() - t0 > PHASE_TIMEOUT_S * 1000) {
      // Say why: the deployments and latest events of one service that is not done.
      const [name] = pending;
      const s = (await ecs.send(new DescribeServicesCommand({ cluster: "default", services: [name!] }))).services?.[0];
      const deployments = s?.deployments?.map((d) => `${d.status} ${d.taskDefinition?.split("/").pop()} ${d.rolloutState} running ${d.runningCount} pending ${d.pendingCount} failed ${d.failedTasks}`);
      log(`${what}: ${name} not done: running ${s?.runningCount}; deployments: ${deployments?.join("; ")}; events: ${s?.events?.slice(0, 5).map((e) => e.message).join(" | ")}`);
      return { seconds: (performance.now() - t0) / 1000, done: names.length - pending.size };
    }
    const batches: string[][] = [];
    const list = [...pending];
    for (let i = 0; i < list.length; i += 10) batches.push(list.slice(i, i + 10));
    await inParallel(batches, 5, async (batch) => {
      const res = await ecs.send(new DescribeServicesCommand({ cluster: "default", services: batch }));
      const at = performance.now();
      for (const s of res.services ?? []) {
        if (done(s)) {
          pending.delete(s.serviceName!);
          lastSeen = at;
        }
      }
    });
    if (performance.now() - lastLog > 5000) {
      lastLog = performance.now();
      const c = await counters(cp);
      log(`${what}: ${names.length - pending.size}/${names.length} done after ${((lastLog - t0) / 1000).toFixed(1)} s; control plane CPU ${(c.cpuMs / 1000).toFixed(1)} s, RSS ${c.rssMiB.toFixed(0)} MiB`);
    }
    if (pending.size > 0) await sleep(POLL_MS);
  }
  return { seconds: (lastSeen - t0) / 1000, done: names.length };
}

interface Phase {
  name: string;
  target: number;
  seconds: number;
  /** Services done; fewer than all when the phase timed out. */
  done: number;
  apiSeconds: number;
  before: Counters;
  after: Counters;
}

// A container health check that the simulated runtime passes 10 ms after start: without one,
// ECS counts a task healthy only 40 s after RUNNING (ecs-behavior.md §4.1), and every rolling
// step would wait that long whatever the scheduler's speed.
const revision = (image: string) =>
  new RegisterTaskDefinitionCommand({
    family: "bench",
    containerDefinitions: [
      {
        name: "app",
        image,
        cpu: 64,
        memory: 128,
        essential: true,
        healthCheck: { command: ["CMD-SHELL", "exit 0"], interval: 5, timeout: 2, retries: 1 },
        dockerLabels: { [SIMULATE.healthyAfterMs]: "10" },
      },
    ],
  });

// --- start ----------------------------------------------------------------------------------
const loadBefore = loadavg();
if (ON_ETCD && etcdMissing()) {
  process.stdout.write(`(skipped: ${etcdMissing()})\n`);
  process.exit(0);
}
const etcd: EtcdCluster | undefined = ON_ETCD ? await startEtcd({ members: 1 }) : undefined;
const cps: ChildProcess[] = [];
const urls: string[] = [];
// One after the other: each server is up (its shard membership written) before the next starts.
for (let k = 0; k < SERVERS; k++) {
  const argv = etcd ? [etcd.storeUrl("bench"), `s${k}`] : [];
  const child = forkChild("scheduler-control-plane.ts", argv, CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", `${CPU_PROF}/s${k}`] : []);
  cps.push(child);
  urls.push((await nextMessage<Extract<ControlPlaneMessage, { type: "ready" }>>(child, "ready")).url);
}
const cp = cps[0]!;
// The agents stand for other machines: on a small box they must not take the control plane's
// CPU, so this process and the agent processes it forks from here on run at a lower priority.
if (NICE > 0) setPriority(NICE);
const agentChildren: ChildProcess[] = [];
let inProcessAgents: SimulatedAgents | undefined;
// If this process dies, its children must not outlive it.
process.on("exit", () => {
  for (const c of [...cps, ...agentChildren]) if (c.exitCode === null) c.kill("SIGKILL");
});
const CONTROL_PLANE = etcd
  ? `the control plane: ${SERVERS} server${SERVERS > 1 ? "s" : ""} (each a child process at normal priority; CPU and memory are their sums) on a 1-member etcd with its data on /dev/shm, API calls and agents spread over them`
  : "the control plane alone in a child process at normal priority, on SQLite";
const clients = urls.map((endpoint) => new ECSClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "AKIDBENCH", secretAccessKey: "secret" }, maxAttempts: 3 }));
const ecs = clients[0]!;
/** The client of the i-th call: writes are spread over the servers. */
const clientFor = (i: number) => clients[i % clients.length]!;

async function shutdown(): Promise<void> {
  for (const c of clients) c.destroy();
  await inProcessAgents?.stop();
  const exits = agentChildren.map((c) => {
    const exited = new Promise((r) => c.once("exit", r));
    c.send({ type: "stop" });
    return exited;
  });
  await Promise.all(exits);
  // The control plane closes last (and writes its CPU profile), so agents never see it gone.
  await Promise.all(
    cps.map((c) => {
      const exited = new Promise((r) => c.once("exit", r));
      c.send({ type: "close" });
      return exited;
    }),
  );
  await etcd?.stop();
}

try {
  await run();
} finally {
  await shutdown();
}

/** Every server's URL, the k-th first: agent process k connects there and fails over to the rest. */
function endpointsFrom(k: number): string {
  return [...urls.slice(k % urls.length), ...urls.slice(0, k % urls.length)].join(",");
}

async function run(): Promise<void> {
  await ecs.send(new CreateClusterCommand({ clusterName: "default" }));
  const tAgents = performance.now();
  if (AGENT_PROCS > 0) {
    const per = Math.ceil(INSTANCES / AGENT_PROCS);
    for (let first = 0; first < INSTANCES; first += per) {
      agentChildren.push(
        forkChild("scheduler-agents.ts", [endpointsFrom(agentChildren.length), String(Math.min(per, INSTANCES - first)), String(first)], CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", `${CPU_PROF}/agents`] : []),
      );
    }
    await Promise.all(agentChildren.map((c) => nextMessage(c, "ready")));
  } else {
    inProcessAgents = await startSimulatedAgents(endpointsFrom(0), INSTANCES);
  }
  const agentStartSeconds = (performance.now() - tAgents) / 1000;
  log(`${INSTANCES} agents connected in ${agentStartSeconds.toFixed(1)} s (${AGENT_PROCS || "in this"} process(es))`);

  await ecs.send(revision("bench/app:1"));
  const names = Array.from({ length: SERVICES }, (_, i) => `svc-${String(i).padStart(4, "0")}`);
  const phases: Phase[] = [];

  // 1: CreateService → steady state.
  {
    const before = await counters(cp);
    const t0 = performance.now();
    await inParallel(names, CONCURRENCY, async (serviceName) => {
      await clientFor(names.indexOf(serviceName)).send(new CreateServiceCommand({ cluster: "default", serviceName, taskDefinition: "bench:1", desiredCount: DESIRED }));
    });
    const apiSeconds = (performance.now() - t0) / 1000;
    const r = await pollUntil(ecs, names, "create", (s) => s.runningCount === DESIRED && s.deployments?.length === 1, t0, cp);
    phases.push({ name: "CreateService → all steady (runningCount, one deployment)", target: 30, ...r, apiSeconds, before, after: await counters(cp) });
    log(`create: ${r.done} done in ${r.seconds.toFixed(1)} s`);
  }

  // 2: UpdateService to revision 2 → rollouts COMPLETED.
  if (phases[0]!.done === SERVICES) {
    await ecs.send(revision("bench/app:2"));
    const before = await counters(cp);
    const t0 = performance.now();
    await inParallel(names, CONCURRENCY, async (service) => {
      await clientFor(names.indexOf(service)).send(new UpdateServiceCommand({ cluster: "default", service, taskDefinition: "bench:2" }));
    });
    const apiSeconds = (performance.now() - t0) / 1000;
    const r = await pollUntil(
      ecs,
      names,
      "update",
      (s) =>
        s.runningCount === DESIRED &&
        s.deployments?.length === 1 &&
        s.deployments[0]!.taskDefinition!.endsWith(":2") &&
        s.deployments[0]!.rolloutState === "COMPLETED",
      t0,
      cp,
    );
    phases.push({ name: "UpdateService → all on the new revision, COMPLETED", target: 60, ...r, apiSeconds, before, after: await counters(cp) });
    log(`update: ${r.done} done in ${r.seconds.toFixed(1)} s`);
  }

  // 3: steady-state passes, measured inside the control plane once the writes have settled.
  await sleep(2000);
  const rates = (await ask<Extract<ControlPlaneMessage, { type: "passes" }>>(cp, { type: "passes", seconds: 6 }, "passes")).rates as PassRates;
  const final = await counters(cp);
  const agentStats = await Promise.all(
    agentChildren.map(async (c) => {
      const reply = nextMessage<{ type: "stats"; rssMiB: number; cpuMs: number }>(c, "stats");
      c.send({ type: "stats" });
      return reply;
    }),
  );
  const ownCpu = process.cpuUsage();
  process.stdout.write(
    report(phases, rates, final, {
      agentRss: agentStats.map((a) => a.rssMiB),
      cpuSeconds: { controlPlane: final.cpuMs / 1000, agents: agentStats.reduce((n, a) => n + a.cpuMs / 1000, 0), bench: (ownCpu.user + ownCpu.system) / 1e6 },
      benchRss: process.memoryUsage().rss / 2 ** 20,
      loadBefore,
      loadAfter: loadavg(),
      agentStartSeconds,
    }),
  );
}

function report(
  phases: Phase[],
  rates: PassRates,
  final: Counters,
  m: {
    agentRss: number[];
    cpuSeconds: { controlPlane: number; agents: number; bench: number };
    benchRss: number;
    loadBefore: number[];
    loadAfter: number[];
    agentStartSeconds: number;
  },
): string {
  const tasks = SERVICES * DESIRED;
  const f1 = (v: number) => v.toFixed(1);
  const rows = phases.map((p) =>
    p.done === SERVICES
      ? `| ${p.name} | ${SERVICES} | ${tasks} | ${f1(p.seconds)} | < ${p.target} s | ${p.seconds < p.target ? "yes" : "no"} |`
      : `| ${p.name} | ${SERVICES} | ${tasks} | not done in ${f1(p.seconds)} (${p.done} of ${SERVICES} services) | < ${p.target} s | no |`,
  );
  const detail = phases.map((p) => {
    const cpuSeconds = (p.after.cpuMs - p.before.cpuMs) / 1000;
    const wall = (p.after.at - p.before.at) / 1000;
    const delta = (kind: string) => (p.after.puts[kind] ?? 0) - (p.before.puts[kind] ?? 0);
    const passes = delta("decisions");
    return `| ${p.name.split(" ")[0]} | ${f1(p.apiSeconds)} | ${passes} (${f1(passes / p.seconds)}/s) | ${delta("services")} | ${delta("tasks")} | ${f1(cpuSeconds)} s (${Math.round((100 * cpuSeconds) / wall)}% of one core) |`;
  });
  const agentsRss = m.agentRss.length ? `${m.agentRss.map((r) => r.toFixed(0)).join(" + ")} MiB (${m.agentRss.length} processes)` : "in the load generator's process";
  const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(" / ");
  return [
    "| phase | services | tasks | seconds | target | met? |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
    `| reconcile passes after the phases (observe → decide on the live cache, no writes) | ${rates.services} | ${rates.tasks} | ${Math.round(rates.passesPerSecond)} passes/s | | |`,
    "",
    "| phase | API calls took (s) | passes that wrote a decision-log entry | service writes | task writes | control-plane CPU |",
    "| --- | --- | --- | --- | --- | --- |",
    ...detail,
    "",
    `decide() alone: ${Math.round(rates.decidePerSecond)} services/s. Of the passes timed, ${rates.acting} found work (0 when every service is steady). ` +
      "Tasks counts every task record a service has, STOPPED ones included.",
    `Resident memory: control plane ${final.rssMiB.toFixed(0)} MiB, agents ${agentsRss}, load generator ${m.benchRss.toFixed(0)} MiB.`,
    `CPU time over the whole run: control plane ${f1(m.cpuSeconds.controlPlane)} s, agents ${m.agentRss.length ? `${f1(m.cpuSeconds.agents)} s` : "(counted with the load generator)"}, load generator ${f1(m.cpuSeconds.bench)} s.`,
    `Load average (1/5/15 min) before ${load(m.loadBefore)}, after ${load(m.loadAfter)}; ${INSTANCES} agents connected in ${f1(m.agentStartSeconds)} s.`,
    "",
    `${INSTANCES} production agents on the simulated runtime (4096 CPU, 8192 MiB, 3 zones; a container health check that passes 10 ms after start) in ` +
      `${m.agentRss.length || "the load generator's"} process(es) at nice ${NICE}; ${CONTROL_PLANE}; tasks of 64 CPU / 128 MiB, ` +
      `default deployment configuration (100% / 200%); times from the first API call until DescribeServices showed the last service done (polled in rounds ${POLL_MS / 1000} s apart, each asking only for the services not yet done).`,
    "",
  ].join("\n");
}

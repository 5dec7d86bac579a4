// The data directory under churn (issue 18): crash-looping services, rolling deployments and
// scaling on simulated agents, for --minutes (10 for the recorded figure), sampling the size of
// the control plane's data directory every 10 s. Before events and decisions had a key per entry
// and history was compacted by size, 17 minutes of such churn made a 426 MB SQLite file.
//
// One process: the control plane as `berth up` runs it (production retention settings) and
// production agents on the simulated runtime, their state directories inside the data directory
// as `berth up` keeps its agent's. Prints a markdown table. Run: npm run bench -- churn
//   (or: node --import tsx bench/churn.ts [--minutes 10] [--agents 4] [--sample 10] [--crashing 20]
//    [--web 4] [--web-tasks 10])
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { startAgent, type Agent } from "../src/agent/index.js";
import { startControlPlane, STORE_RETENTION } from "../src/api/control-plane.js";
import type { SqliteStore } from "../src/store/index.js";
import { SIMULATE } from "../src/runtime/index.js";
import { flag } from "./flags.js";

const MINUTES = flag("minutes", 10);
const AGENTS = flag("agents", 4);
const SAMPLE_S = flag("sample", 10);
const CRASHING = flag("crashing", 20);
const WEB = flag("web", 4);
const WEB_TASKS = flag("web-tasks", 10);

const log = (line: string) => process.stderr.write(`[churn bench] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MiB = 2 ** 20;
const mib = (bytes: number) => (bytes / MiB).toFixed(1);

function dirBytes(path: string): number {
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const p = join(path, entry.name);
    if (entry.isDirectory()) total += dirBytes(p);
    else if (entry.isFile()) total += statSync(p).size;
  }
  return total;
}
const fileBytes = (path: string) => statSync(path, { throwIfNoEntry: false })?.size ?? 0;

/**
 * docs/design.md's bound on berth.db + its WAL, for `live` bytes of live records: the WAL up to
 * 16 MiB, 4 MiB of free pages not yet given back, and twice (b-tree pages are not full) the
 * history kept (at most maxBytes) plus the live rows and the rows they replaced.
 */
const storeBound = (live: number) => 20 * MiB + 2 * (STORE_RETENTION.maxBytes + 2 * live);

interface Sample {
  at: number;
  dir: number;
  db: number;
  wal: number;
  /** The agents' state directories (task state and logs, kept 3 h after a task stops, as ECS's agent does). */
  agents: number;
  /** Keys and values of every live record, as JSON. */
  live: number;
  revision: number;
  compacted: number;
  history: number;
  keys: number;
  tasks: number;
}

const root = mkdtempSync(join(tmpdir(), "berth-churn-"));
const dataDir = join(root, "data");
const cp = await startControlPlane({ dataDir, port: 0, logger: pino({ level: "silent" }) });
const store = cp.deps.store as SqliteStore;
const ecs = new ECSClient({ endpoint: cp.url, region: "us-east-1", credentials: { accessKeyId: "AKIDBENCH", secretAccessKey: "secret" }, maxAttempts: 3 });
const agents: Agent[] = [];
const stopped = { value: false };
try {
  await ecs.send(new CreateClusterCommand({ clusterName: "default" }));
  for (let i = 0; i < AGENTS; i++) {
    agents.push(
      await startAgent({
        endpoint: cp.url,
        cluster: "default",
        runtime: "simulated",
        stateDir: join(dataDir, `agent-${i}`),
        cpu: 4096,
        memory: 8192,
        metadataPort: 0,
        logger: pino({ level: "silent" }),
      }),
    );
  }
  // A container that exits 1 right after it starts: the restart storm of issue 18.
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: "crash",
      containerDefinitions: [{ name: "app", image: "busybox", memory: 32, dockerLabels: { [SIMULATE.exitAfterMs]: "300", [SIMULATE.exitCode]: "1" } }],
    }),
  );
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: "web",
      containerDefinitions: [
        {
          name: "app",
          image: "busybox",
          memory: 32,
          healthCheck: { command: ["CMD", "true"], interval: 5, retries: 1 },
          dockerLabels: { [SIMULATE.healthyAfterMs]: "200" },
        },
      ],
    }),
  );
  for (let i = 0; i < CRASHING; i++) {
    await ecs.send(new CreateServiceCommand({ cluster: "default", serviceName: `crash-${i}`, taskDefinition: "crash", desiredCount: 2 }));
  }
  for (let i = 0; i < WEB; i++) {
    await ecs.send(
      new CreateServiceCommand({
        cluster: "default",
        serviceName: `web-${i}`,
        taskDefinition: "web",
        desiredCount: WEB_TASKS,
        deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 200 },
      }),
    );
  }
  const workload = `${AGENTS} simulated agents; ${CRASHING} crash-looping services × 2 tasks (exit 1 after 300 ms); ${WEB} services × ${WEB_TASKS}–${2 * WEB_TASKS} tasks, one redeployed every 15 s and one scaled every 10 s; DescribeServices of every service every 2 s`;
  log(`${workload}; ${MINUTES} min`);

  // The churn: rolling deployments, scaling, and a watcher polling like `rollout status`.
  const loops: Promise<void>[] = [];
  const every = (ms: number, fn: (n: number) => Promise<unknown>) =>
    loops.push(
      (async () => {
        for (let n = 0; !stopped.value; n++) {
          await sleep(ms);
          if (stopped.value) break;
          await fn(n).catch((err) => log(`churn call failed: ${(err as Error).message}`));
        }
      })(),
    );
  const names = [...Array.from({ length: CRASHING }, (_, i) => `crash-${i}`), ...Array.from({ length: WEB }, (_, i) => `web-${i}`)];
  every(15_000, (n) => ecs.send(new UpdateServiceCommand({ cluster: "default", service: `web-${n % WEB}`, forceNewDeployment: true })));
  // Each web service in turn goes up to twice its size, then back.
  every(10_000, (n) => ecs.send(new UpdateServiceCommand({ cluster: "default", service: `web-${(n >> 1) % WEB}`, desiredCount: n % 2 === 0 ? 2 * WEB_TASKS : WEB_TASKS })));
  every(2_000, async () => {
    for (let i = 0; i < names.length; i += 10) await ecs.send(new DescribeServicesCommand({ cluster: "default", services: names.slice(i, i + 10) }));
  });

  const samples: Sample[] = [];
  const started = Date.now();
  const take = () => {
    const db = join(dataDir, "berth.db");
    const entries = cp.deps.cache.listEntries("/berth/");
    const keys = entries.length;
    const tasks = entries.filter((e) => e.key.split("/")[4] === "tasks").length;
    const live = entries.reduce((n, e) => n + e.key.length + JSON.stringify(e.value).length, 0);
    samples.push({
      at: Date.now() - started,
      dir: dirBytes(dataDir),
      db: fileBytes(db),
      wal: fileBytes(`${db}-wal`),
      agents: agents.reduce((n, _, i) => n + dirBytes(join(dataDir, `agent-${i}`)), 0),
      live,
      revision: store.currentRevision(),
      compacted: store.compactedRevision(),
      history: store.historyBytes(),
      keys,
      tasks,
    });
    const s = samples[samples.length - 1]!;
    log(`${(s.at / 1000).toFixed(0)} s: dir ${mib(s.dir)} MiB (db ${mib(s.db)}, wal ${mib(s.wal)}, agents ${mib(s.agents)}), live ${mib(s.live)} MiB, revision ${s.revision}, compacted ${s.compacted}, history ${mib(s.history)} MiB, ${s.keys} keys, ${s.tasks} task records`);
  };
  take();
  while (Date.now() - started < MINUTES * 60_000) {
    await sleep(SAMPLE_S * 1000);
    take();
  }
  stopped.value = true;
  await Promise.all(loops);

  const services = (await ecs.send(new DescribeServicesCommand({ cluster: "default", services: ["crash-0", "web-0"] }))).services ?? [];
  const storeBytes = (s: Sample) => s.db + s.wal;
  const peak = samples.reduce((a, b) => (b.dir > a.dir ? b : a));
  const peakStore = samples.reduce((a, b) => (storeBytes(b) > storeBytes(a) ? b : a));
  const over = samples.filter((s) => storeBytes(s) > storeBound(s.live));
  const last = samples[samples.length - 1]!;
  const perMinute = samples.filter((s, i) => i === 0 || Math.floor(s.at / 60_000) > Math.floor(samples[i - 1]!.at / 60_000));
  const out: string[] = [];
  out.push(
    `${MINUTES} minutes; ${workload}.`,
    `Retention: ${STORE_RETENTION.keepRevisions.toLocaleString("en-US")} revisions, ${STORE_RETENTION.maxAgeMs / 60_000} min, ${STORE_RETENTION.maxBytes / MiB} MiB written, checked every ${STORE_RETENTION.intervalMs / 1000} s.`,
    "",
    "| elapsed | data dir MiB | berth.db | WAL | agents' state | live records | history kept | revision | compacted through | task records |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  );
  for (const s of [...perMinute, ...(perMinute.includes(last) ? [] : [last])]) {
    out.push(
      `| ${(s.at / 60_000).toFixed(1)} min | ${mib(s.dir)} | ${mib(s.db)} | ${mib(s.wal)} | ${mib(s.agents)} | ${mib(s.live)} | ${mib(s.history)} | ${s.revision.toLocaleString("en-US")} | ${s.compacted.toLocaleString("en-US")} | ${s.tasks.toLocaleString("en-US")} |`,
    );
  }
  out.push(
    "",
    `Peak data directory: ${mib(peak.dir)} MiB at ${(peak.at / 60_000).toFixed(1)} min; peak store files (berth.db + WAL): ${mib(storeBytes(peakStore))} MiB at ${(peakStore.at / 60_000).toFixed(1)} min, against the bound 20 MiB + 2 × (32 MiB + 2 × live records) = ${mib(storeBound(peakStore.live))} MiB there: ${over.length === 0 ? "within it at every sample" : `EXCEEDED at ${over.length} of ${samples.length} samples`} (${samples.length} samples, every ${SAMPLE_S} s).`,
    `Events kept: crash-0 ${services[0]?.events?.length ?? 0}, web-0 ${services[1]?.events?.length ?? 0} (ECS keeps 100).`,
  );
  if (over.length > 0) process.exitCode = 1;
  process.stdout.write(`${out.join("\n")}\n`);
} finally {
  stopped.value = true;
  await Promise.all(agents.map((a) => a.stop()));
  ecs.destroy();
  await cp.close();
  rmSync(root, { recursive: true, force: true });
}

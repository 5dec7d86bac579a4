// Raw store throughput: committed single-key txns, CAS txns, gets, and cache reads, on a temp
// file, with synchronous=NORMAL (the default) and FULL for comparison. Prints a markdown table.
// Run: node --import tsx bench/store.ts   (about 20 s)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { createCache, openSqliteStore, type Op, type SqliteStore } from "../src/store/index.js";

const PHASE_MS = 1500;
const CONCURRENT_CALLERS = 64;

/** A value the size of a real task record (~1 KB of JSON). */
const value = (i: number) =>
  JSON.stringify({
    taskArn: `arn:aws:ecs:us-east-1:000000000000:task/default/${i.toString(16).padStart(32, "0")}`,
    clusterArn: "arn:aws:ecs:us-east-1:000000000000:cluster/default",
    taskDefinitionArn: "arn:aws:ecs:us-east-1:000000000000:task-definition/web:42",
    lastStatus: "RUNNING",
    desiredStatus: "RUNNING",
    containers: [{ name: "web", image: "nginx:1.27", lastStatus: "RUNNING", networkBindings: [{ containerPort: 80, hostPort: 32768 + (i % 1000) }] }],
    attributes: Array.from({ length: 8 }, (_, j) => ({ name: `ecs.capability.attr-${j}`, value: "true" })),
    padding: "x".repeat(300),
  });

const put = (key: string, v: string): Op => ({ kind: "put", key, value: v });

interface Rate {
  perSecond: number;
  p99Ms?: number;
}

/** Runs `op` back to back for PHASE_MS from each of `callers` loops; counts completions. */
async function timed(callers: number, op: (i: number) => Promise<unknown> | unknown, sampleLatency = false): Promise<Rate> {
  let next = 0;
  const latencies: number[] = [];
  const start = performance.now();
  const end = start + PHASE_MS;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < end) {
        const i = next++;
        const t0 = sampleLatency ? performance.now() : 0;
        await op(i);
        if (sampleLatency) latencies.push(performance.now() - t0);
      }
    }),
  );
  const perSecond = next / ((performance.now() - start) / 1000);
  if (!sampleLatency) return { perSecond };
  latencies.sort((a, b) => a - b);
  return { perSecond, p99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? 0 };
}

/** Same, for synchronous ops: no promise per call, as the API reads the cache. */
function timedSync(op: (i: number) => unknown): Rate {
  const latencies: number[] = [];
  const start = performance.now();
  const end = start + PHASE_MS;
  let i = 0;
  for (; ; i++) {
    const t0 = performance.now();
    if (t0 >= end) break;
    op(i);
    latencies.push(performance.now() - t0);
  }
  latencies.sort((a, b) => a - b);
  return { perSecond: i / ((performance.now() - start) / 1000), p99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? 0 };
}

async function writes(store: SqliteStore, tag: string) {
  const v = value(1);
  const sequential = await timed(1, (i) => store.txn({ success: [put(`/bench/${tag}/seq/${i}`, v)] }));
  const concurrent = await timed(CONCURRENT_CALLERS, (i) => store.txn({ success: [put(`/bench/${tag}/conc/${i}`, v)] }));
  // CAS as a controller does it: read the key's modRevision, write guarded by it.
  const casKeys = 1000;
  await store.txn({ success: Array.from({ length: casKeys }, (_, i) => put(`/bench/${tag}/cas/${i}`, v)) });
  let conflicts = 0;
  const cas = await timed(1, async (i) => {
    const key = `/bench/${tag}/cas/${i % casKeys}`;
    const kv = await store.get(key);
    const res = await store.txn({ compare: [{ key, modRevision: kv?.modRevision ?? 0 }], success: [put(key, v)] });
    if (!res.succeeded) conflicts++;
  });
  if (conflicts > 0) throw new Error(`sequential CAS should never conflict, got ${conflicts}`);
  return { sequential, concurrent, cas };
}

export async function runStoreBench(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "berth-bench-store-"));
  try {
    const normal = openSqliteStore({ path: join(dir, "normal.db"), synchronous: "NORMAL" });
    const full = openSqliteStore({ path: join(dir, "full.db"), synchronous: "FULL" });
    const n = await writes(normal, "n");
    const f = await writes(full, "f");
    await full.close();

    const gets = await timed(1, (i) => normal.get(`/bench/n/cas/${i % 1000}`), true);

    // Cache: 20,000 tasks over 20 clusters x 10 families (100 tasks per family).
    const tasks = 20_000;
    for (let i = 0; i < tasks; i += 1000) {
      await normal.txn({
        success: Array.from({ length: 1000 }, (_, j) => {
          const t = i + j;
          return put(`/c/tasks/cluster${t % 20}/fam${Math.floor(t / 20) % 10}/${String(t).padStart(6, "0")}`, value(t));
        }),
      });
    }
    const cache = createCache(normal, {
      prefix: "/c/",
      indexes: { cluster: (key) => [key.split("/")[3] as string] },
    });
    const t0 = performance.now();
    await cache.start();
    const startMs = performance.now() - t0;
    const cacheGet = timedSync((i) => cache.get(`/c/tasks/cluster${i % 20}/fam${Math.floor(i / 20) % 10}/${String(i % tasks).padStart(6, "0")}`));
    const cacheList = timedSync((i) => cache.list(`/c/tasks/cluster${i % 20}/fam${i % 10}/`));
    const cacheIndex = timedSync((i) => cache.byIndex("cluster", `cluster${i % 20}`));
    // Writes with the cache watching: each commit also feeds the cache's watch.
    const watched = await timed(1, async (i) => {
      const res = await normal.txn({ success: [put(`/c/tasks/cluster0/fam0/w${i}`, value(i))] });
      await cache.waitFor(res.revision);
    });
    cache.stop();
    await normal.close();

    const fmt = (r: Rate) => Math.round(r.perSecond).toLocaleString("en-US");
    const p99 = (r: Rate) => `${(r.p99Ms ?? 0).toFixed(3)} ms`;
    const rows = [
      "| measurement | synchronous=NORMAL | synchronous=FULL |",
      "| --- | ---: | ---: |",
      `| committed put txns/s, 1 caller | ${fmt(n.sequential)} | ${fmt(f.sequential)} |`,
      `| committed put txns/s, ${CONCURRENT_CALLERS} concurrent callers | ${fmt(n.concurrent)} | ${fmt(f.concurrent)} |`,
      `| CAS txns/s (get + guarded put) | ${fmt(n.cas)} | ${fmt(f.cas)} |`,
      `| store get/s (p99) | ${fmt(gets)} (${p99(gets)}) | |`,
      `| put + cache.waitFor round trips/s | ${fmt(watched)} | |`,
      "",
      `| cache read (${tasks.toLocaleString("en-US")} keys; start took ${startMs.toFixed(0)} ms) | reads/s | p99 |`,
      "| --- | ---: | ---: |",
      `| get(key) | ${fmt(cacheGet)} | ${p99(cacheGet)} |`,
      `| list(family prefix), 100 values | ${fmt(cacheList)} | ${p99(cacheList)} |`,
      `| byIndex(cluster), 1,000 values | ${fmt(cacheIndex)} | ${p99(cacheIndex)} |`,
    ];
    return `${rows.join("\n")}\n\nValues ~1 KB of JSON; ${PHASE_MS / 1000} s per measurement; Node ${process.version}.\n`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(await runStoreBench());
}

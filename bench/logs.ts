// CloudWatch Logs: a real `berth server` process, driven over HTTP as the awslogs driver and
// `aws logs` are. PutLogEvents events/s stored (batches of 1,000 from concurrent writers, each
// batch one acknowledged SQLite transaction), GetLogEvents latency with a million events
// stored, and FilterLogEvents finding one line among 100,000. Prints markdown tables.
// Run: npm run bench -- logs   (or: node --import tsx bench/logs.ts [--events 1000000] [--writers 4])
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { openLogEventStore, openSqliteStore } from "../src/store/index.js";
import { spawnServer } from "../test/helpers/process.js";
import { logsCall } from "../test/helpers/logs-call.js";
import { flag } from "./flags.js";

const EVENTS = flag("events", 1_000_000);
const WRITERS = flag("writers", 4);
const BATCH = 1_000;
const GETS = flag("gets", 2_000);
const HAYSTACK = 100_000;

// Signed as the awslogs driver and the SDKs sign (SigV4, service logs), and verified by berth.
async function call(url: URL, op: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await logsCall(url.href, op, body);
  if (res.status !== 200) throw new Error(`${op}: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const line = (i: number) => `2026-12-05T09:00:00.000Z INFO request ${i} handled path=/api/items/${i % 977} status=200 latency_ms=${i % 250}`;

/** The event store alone, in this process on a store file of its own: what the table can take without HTTP, JSON and validation. */
function appendInProcess(batches: number): number {
  const dir = mkdtempSync(join(tmpdir(), "berth-bench-events-"));
  const store = openSqliteStore({ path: join(dir, "berth.db") });
  try {
    const events = openLogEventStore(store.database());
    const base = Date.now();
    const t = performance.now();
    for (let b = 0; b < batches; b++) {
      events.append("g", `s${b % 4}`, Array.from({ length: BATCH }, (_, i) => ({ timestamp: base + b, message: line(b * BATCH + i) })), base);
    }
    return (batches * BATCH) / ((performance.now() - t) / 1000);
  } finally {
    void store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const loadAtStart = loadavg()[0]!;
const inProcess = appendInProcess(200);

const dataDir = mkdtempSync(join(tmpdir(), "berth-bench-logs-"));
const server = await spawnServer(dataDir);
const url = new URL(server.url);
try {
  await call(url, "CreateLogGroup", { logGroupName: "/bench/app" });
  for (let w = 0; w < WRITERS; w++) await call(url, "CreateLogStream", { logGroupName: "/bench/app", logStreamName: `app/web/${w}` });

  // PutLogEvents: every writer owns a stream, as one container's driver does.
  const base = Date.now() - 3_600_000;
  const perWriter = Math.ceil(EVENTS / BATCH / WRITERS);
  const putLatencies: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      for (let b = 0; b < perWriter; b++) {
        const first = (w * perWriter + b) * BATCH;
        const logEvents = Array.from({ length: BATCH }, (_, i) => ({ timestamp: base + Math.floor((b * BATCH + i) / 4), message: line(first + i) }));
        const s = performance.now();
        await call(url, "PutLogEvents", { logGroupName: "/bench/app", logStreamName: `app/web/${w}`, logEvents });
        putLatencies.push(performance.now() - s);
      }
    }),
  );
  const putSeconds = (performance.now() - t0) / 1000;
  const stored = perWriter * WRITERS * BATCH;
  putLatencies.sort((a, b) => a - b);

  // GetLogEvents with the million stored: the newest page (a tail's first read), and pages
  // from a random point forwards (a reader paging from a time).
  const span = Math.floor((perWriter * BATCH) / 4);
  const measure = async (n: number, body: () => Record<string, unknown>) => {
    const lat: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      await call(url, "GetLogEvents", body());
      lat.push(performance.now() - s);
    }
    return lat.sort((a, b) => a - b);
  };
  const newest = await measure(GETS, () => ({ logGroupName: "/bench/app", logStreamName: `app/web/${Math.floor(Math.random() * WRITERS)}`, limit: 100 }));
  const fromTime = await measure(GETS, () => ({
    logGroupName: "/bench/app",
    logStreamName: `app/web/${Math.floor(Math.random() * WRITERS)}`,
    startTime: base + Math.floor(Math.random() * span),
    startFromHead: true,
    limit: 100,
  }));

  // FilterLogEvents: one line among 100,000 in a group of its own.
  await call(url, "CreateLogGroup", { logGroupName: "/bench/haystack" });
  await call(url, "CreateLogStream", { logGroupName: "/bench/haystack", logStreamName: "s" });
  const needleAt = 73_421;
  for (let b = 0; b < HAYSTACK / BATCH; b++) {
    const logEvents = Array.from({ length: BATCH }, (_, i) => {
      const n = b * BATCH + i;
      return { timestamp: base + n, message: n === needleAt ? `${line(n)} needle-4f2a` : line(n) };
    });
    await call(url, "PutLogEvents", { logGroupName: "/bench/haystack", logStreamName: "s", logEvents });
  }
  const filterRuns: number[] = [];
  let found = 0;
  for (let r = 0; r < 20; r++) {
    const s = performance.now();
    let token: string | undefined;
    found = 0;
    do {
      const page = await call(url, "FilterLogEvents", { logGroupName: "/bench/haystack", filterPattern: "needle-4f2a", ...(token ? { nextToken: token } : {}) });
      found += (page.body.events as unknown[]).length;
      token = page.body.nextToken as string | undefined;
    } while (token);
    filterRuns.push(performance.now() - s);
  }
  filterRuns.sort((a, b) => a - b);
  if (found !== 1) throw new Error(`FilterLogEvents found ${found} lines, not 1`);

  const ms = (v: number) => v.toFixed(1);
  process.stdout.write(
    [
      `Load average when the run began: ${loadAtStart.toFixed(1)} (figures from a shared machine scale with it).`,
      "",
      `PutLogEvents: ${WRITERS} writers, one stream each, batches of ${BATCH.toLocaleString("en")} events of ~95 bytes.`,
      "",
      "| events stored | seconds | events/s | batch p50 ms | batch p99 ms |",
      "|---|---|---|---|---|",
      `| ${stored.toLocaleString("en")} | ${putSeconds.toFixed(1)} | ${Math.round(stored / putSeconds).toLocaleString("en")} | ${ms(pct(putLatencies, 50))} | ${ms(pct(putLatencies, 99))} |`,
      `| ${(200 * BATCH).toLocaleString("en")}, event store alone (in process, no HTTP) | | ${Math.round(inProcess).toLocaleString("en")} | | |`,
      "",
      `GetLogEvents with ${stored.toLocaleString("en")} events stored (limit 100, ${GETS.toLocaleString("en")} calls each, one at a time):`,
      "",
      "| read | p50 ms | p99 ms | max ms |",
      "|---|---|---|---|",
      `| newest page (no token) | ${ms(pct(newest, 50))} | ${ms(pct(newest, 99))} | ${ms(newest[newest.length - 1]!)} |`,
      `| from a random startTime, startFromHead | ${ms(pct(fromTime, 50))} | ${ms(pct(fromTime, 99))} | ${ms(fromTime[fromTime.length - 1]!)} |`,
      "",
      `FilterLogEvents finding one line among ${HAYSTACK.toLocaleString("en")} (term pattern, every page followed, 20 runs):`,
      "",
      "| p50 ms | p99 ms |",
      "|---|---|",
      `| ${ms(pct(filterRuns, 50))} | ${ms(pct(filterRuns, 99))} |`,
      "",
    ].join("\n"),
  );
} finally {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

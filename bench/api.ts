// API throughput: a real `berth server` process, a load generator in this process with N
// concurrent keep-alive clients. Prints a markdown table of requests/s, p50 and p99: first on
// SQLite (the default), then, when an etcd binary is installed, the same on a one-member etcd
// (`berth server --store etcd://…`, etcd's data on the same disk as SQLite's).
// Run: npm run bench -- api   (or: node --import tsx bench/api.ts [--seconds 5] [--clients 8])
import { Agent, request } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { etcdMissing, startEtcd, type EtcdCluster } from "../test/helpers/etcd.js";
import { spawnServer } from "../test/helpers/process.js";
import { flag } from "./flags.js";

const SECONDS = flag("seconds", 5);
const CLIENTS = flag("clients", 8);
const FAMILIES = 50;
const REVISIONS = 20;

const TARGET = "AmazonEC2ContainerServiceV20141113.";

function call(agent: Agent, url: URL, op: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: "POST",
        path: "/",
        agent,
        headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET + op, "Content-Length": Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const taskDef = (family: string) =>
  JSON.stringify({
    family,
    containerDefinitions: [
      { name: "app", image: "nginx:1.27", memory: 256, cpu: 128, portMappings: [{ containerPort: 80 }], environment: [{ name: "A", value: "1" }] },
    ],
  });

interface Result {
  name: string;
  requests: number;
  errors: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/** `clients` workers, each keeping one request in flight against its server (worker k: urls[k % n]). */
async function load(name: string, urls: URL[], clients: number, next: (i: number) => [string, string]): Promise<Result> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const latencies: number[] = [];
  let errors = 0;
  let i = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const worker = async (url: URL) => {
    while (performance.now() < deadline) {
      const [op, body] = next(i++);
      const t0 = performance.now();
      const status = await call(agent, url, op, body);
      latencies.push(performance.now() - t0);
      if (status !== 200) errors++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: clients }, (_, k) => worker(urls[k % urls.length]!)));
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  return { name, requests: latencies.length, errors, perSecond: latencies.length / elapsed, p50: q(0.5), p99: q(0.99) };
}

const WRK_SCRIPT = fileURLToPath(new URL("./wrk/ecs.lua", import.meta.url));

function haveWrk(): boolean {
  return spawnSync("wrk", ["--version"]).error === undefined;
}

/** The same load from wrk (C, one thread), which costs the shared CPU far less than Node. */
function wrkLoad(name: string, url: URL, clients: number, op: string, template: string): Result {
  const out = execFileSync(
    "wrk",
    ["-t1", `-c${clients}`, `-d${SECONDS}s`, "--latency", "-s", WRK_SCRIPT, url.toString()],
    { env: { ...process.env, BERTH_OP: op, BERTH_BODY: template, BERTH_FAMILIES: String(FAMILIES), BERTH_REVISIONS: String(REVISIONS) } },
  ).toString();
  const m = /BERTH_RESULT (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+)/.exec(out);
  if (!m) throw new Error(`unexpected wrk output: ${out}`);
  const requests = Number(m[1]);
  return { name, requests, errors: Number(m[2]), perSecond: requests / (Number(m[3]) / 1e6), p50: Number(m[4]), p99: Number(m[5]) };
}

interface Row extends Result {
  store: string;
  clients: number;
}

/** Every row of the table on one server, or spread over several: preload, then each operation for SECONDS. */
async function measure(store: string, urls: URL[]): Promise<Row[]> {
  const url = urls[0]!;
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  // Preload: FAMILIES families × REVISIONS revisions.
  for (let f = 0; f < FAMILIES; f++) {
    await Promise.all(Array.from({ length: REVISIONS }, () => call(agent, url, "RegisterTaskDefinition", taskDef(`fam-${f}`))));
  }
  agent.destroy();
  const rows: Row[] = [];
  const rand = (n: number) => Math.floor(Math.random() * n);
  const run = async (name: string, clients: number, op: string, template: string, body: (i: number) => string) => {
    const result = haveWrk() && urls.length === 1 ? wrkLoad(name, url, clients, op, template) : await load(name, urls, clients, (i) => [op, body(i)]);
    rows.push({ ...result, store, clients });
  };
  await run("DescribeTaskDefinition (family:revision)", CLIENTS, "DescribeTaskDefinition", '{"taskDefinition":"fam-%d:%d"}', () =>
    JSON.stringify({ taskDefinition: `fam-${rand(FAMILIES)}:${1 + rand(REVISIONS)}` }),
  );
  await run("DescribeTaskDefinition (family, latest)", CLIENTS, "DescribeTaskDefinition", '{"taskDefinition":"fam-%d"}', () =>
    JSON.stringify({ taskDefinition: `fam-${rand(FAMILIES)}` }),
  );
  await run("ListTaskDefinitions (one family)", CLIENTS, "ListTaskDefinitions", '{"familyPrefix":"fam-%d"}', () =>
    JSON.stringify({ familyPrefix: `fam-${rand(FAMILIES)}` }),
  );
  await run("ListTaskDefinitions (all, first page of 100)", CLIENTS, "ListTaskDefinitions", "{}", () => "{}");
  const tdTemplate = taskDef("w-%d").replace(/%/g, "%");
  await run("RegisterTaskDefinition", CLIENTS, "RegisterTaskDefinition", tdTemplate, (i) => taskDef(`w-${i % 200}`));
  await run("RegisterTaskDefinition (32 clients)", 32, "RegisterTaskDefinition", tdTemplate, (i) => taskDef(`x-${i % 200}`));
  return rows;
}

async function main() {
  const load1 = loadavg()[0]!.toFixed(2);
  const dataDir = mkdtempSync(join(tmpdir(), "berth-bench-"));
  const rows: Row[] = [];
  let etcd: EtcdCluster | undefined;
  try {
    const sqlite = await spawnServer(join(dataDir, "sqlite"));
    try {
      rows.push(...(await measure("SQLite", [new URL(sqlite.url)])));
    } finally {
      await sqlite.stop();
    }
    const noEtcd = etcdMissing();
    if (!noEtcd) {
      // etcd on the disk SQLite used (not tmpfs as in tests): it fsyncs each commit, as deployed.
      etcd = await startEtcd({ dataRoot: dataDir });
      const server = await spawnServer(join(dataDir, "etcd-server"), ["--store", etcd.storeUrl("bench")]);
      try {
        rows.push(...(await measure("etcd (1 member), 1 server", [new URL(server.url)])));
      } finally {
        await server.stop();
      }
      // Three servers on one store (a prefix of their own), the clients spread over them.
      const three = [];
      for (let k = 0; k < 3; k++) three.push(await spawnServer(join(dataDir, `etcd-server-${k}`), ["--store", etcd.storeUrl("bench3"), "--server-id", `s${k}`]));
      try {
        rows.push(...(await measure("etcd (1 member), 3 servers", three.map((t) => new URL(t.url)))));
      } finally {
        for (const t of three) await t.stop();
      }
    }
    process.stdout.write(`load generator: ${haveWrk() ? "wrk (1 thread)" : "node http (wrk not installed)"}\n\n`);
    const lines = [
      `| store | operation | clients | requests | errors | req/s | p50 ms | p99 ms |`,
      `| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |`,
      ...rows.map((r) => `| ${r.store} | ${r.name} | ${r.clients} | ${r.requests} | ${r.errors} | ${Math.round(r.perSecond)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} |`),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    process.stdout.write(
      `\n(${SECONDS} s per row; ${FAMILIES * REVISIONS} revisions preloaded; server, etcd and load generator share the machine, whose 1-minute load average was ${load1} at the start)\n`,
    );
    if (noEtcd) process.stdout.write(`\n(etcd rows skipped: ${noEtcd})\n`);
  } finally {
    await etcd?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();

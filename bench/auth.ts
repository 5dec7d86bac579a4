// API throughput with SigV4 verification on and off, in the same run: two real `berth server`
// processes, one `--auth strict` whose known root key signs the load (every request verified:
// parse, key lookup, canonical request, signing key, HMAC, constant-time compare), one `--auth
// local` loaded with a key it does not know (parsed, looked up, taken as the root unverified).
// The same signed request (ECS ListClusters, then DescribeClusters of 10 clusters) is replayed
// by N keep-alive clients: a signature stays valid for 5 minutes, and replaying one keeps the
// load generator's CPU off the shared cores. Rounds alternate between the two servers; the
// table gives each round, the ratio of the medians, and each server's CPU time per request (from
// /proc: on a machine shared with other work it is steadier than the throughput).
// Run: npm run bench -- auth   (or: node --import tsx bench/auth.ts [--seconds 5] [--clients 8] [--rounds 5])
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { SignedRequest } from "../src/api/sigv4/index.js";
import { spawnServer, type ServerProcess } from "../test/helpers/process.js";
import { ECS_LIST_CLUSTERS, signedRequest } from "../test/helpers/sigv4.js";
import { flag } from "./flags.js";

const SECONDS = flag("seconds", 5);
const CLIENTS = flag("clients", 8);
const ROUNDS = flag("rounds", 5);
const CLUSTERS = 20;

const ROOT = { accessKeyId: "AKIABENCHROOT0000001", secretAccessKey: "bench-root-secret-0123456789abcdefghijk" };
const UNKNOWN = { accessKeyId: "AKIABENCHUNKNOWN0001", secretAccessKey: "whatever" };

interface Round {
  op: string;
  mode: "strict" | "local";
  requests: number;
  errors: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** The server's CPU time (user + system) per request, µs. */
  cpuPerRequestUs: number;
}

const TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;

/** A process's CPU time so far (user + system), in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces) start at field 3; utime is 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

function post(agent: Agent, url: URL, r: SignedRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.headers)) if (typeof v === "string") headers[k] = v;
    headers["content-length"] = String(r.body.length);
    const req = request({ host: url.hostname, port: url.port, method: "POST", path: "/", agent, headers, setHost: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(Buffer.from(r.body));
  });
}

/** The request signed for this server: its Host header is part of the signature. */
async function signedFor(server: ServerProcess, credentials: { accessKeyId: string; secretAccessKey: string }, target: string, body: string) {
  return signedRequest({
    credentials,
    at: new Date(),
    host: new URL(server.url).host,
    headers: { ...ECS_LIST_CLUSTERS.headers, "x-amz-target": `AmazonEC2ContainerServiceV20141113.${target}` },
    body,
  });
}

async function load(op: string, mode: Round["mode"], server: ServerProcess, r: SignedRequest, seconds = SECONDS): Promise<Round> {
  const url = new URL(server.url);
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      const status = await post(agent, url, r);
      latencies.push(performance.now() - t0);
      if (status !== 200) errors++;
    }
  };
  const cpu0 = cpuSeconds(server.child.pid!);
  const start = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, worker));
  const elapsed = (performance.now() - start) / 1000;
  const cpu = cpuSeconds(server.child.pid!) - cpu0;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  return { op, mode, requests: latencies.length, errors, perSecond: latencies.length / elapsed, p50: q(0.5), p99: q(0.99), cpuPerRequestUs: (cpu * 1e6) / latencies.length };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const dirs = [mkdtempSync(join(tmpdir(), "berth-bench-auth-strict-")), mkdtempSync(join(tmpdir(), "berth-bench-auth-local-"))];
  // The strict server's root key comes from its environment, as an operator gives it.
  process.env.BERTH_ROOT_ACCESS_KEY_ID = ROOT.accessKeyId;
  process.env.BERTH_ROOT_SECRET_ACCESS_KEY = ROOT.secretAccessKey;
  const strict = await spawnServer(dirs[0]!, ["--auth", "strict"]);
  delete process.env.BERTH_ROOT_ACCESS_KEY_ID;
  delete process.env.BERTH_ROOT_SECRET_ACCESS_KEY;
  const local = await spawnServer(dirs[1]!, ["--auth", "local"]);
  try {
    const setup = new Agent({ keepAlive: true });
    for (const [server, keys] of [[strict, ROOT], [local, UNKNOWN]] as const) {
      for (let i = 0; i < CLUSTERS; i++) {
        const status = await post(setup, new URL(server.url), await signedFor(server, keys, "CreateCluster", JSON.stringify({ clusterName: `c${i}` })));
        if (status !== 200) throw new Error(`CreateCluster answered ${status}`);
      }
    }
    setup.destroy();
    const ops: [string, string][] = [
      ["ListClusters", "{}"],
      ["DescribeClusters", JSON.stringify({ clusters: Array.from({ length: 10 }, (_, i) => `c${i}`) })],
    ];
    // A warm-up round for each server, not counted: the first seconds are the JIT's.
    for (const [op, body] of ops) {
      await load(op, "strict", strict, await signedFor(strict, ROOT, op, body), 2);
      await load(op, "local", local, await signedFor(local, UNKNOWN, op, body), 2);
    }
    const rounds: Round[] = [];
    const summary: string[] = [];
    for (const [op, body] of ops) {
      const these: Round[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        // Signed afresh each round: a signature is good for 5 minutes.
        these.push(await load(op, "strict", strict, await signedFor(strict, ROOT, op, body)));
        these.push(await load(op, "local", local, await signedFor(local, UNKNOWN, op, body)));
      }
      rounds.push(...these);
      const of = (mode: Round["mode"], f: (r: Round) => number) => median(these.filter((r) => r.mode === mode).map(f));
      const on = of("strict", (r) => r.perSecond);
      const off = of("local", (r) => r.perSecond);
      const cpuOn = of("strict", (r) => r.cpuPerRequestUs);
      const cpuOff = of("local", (r) => r.cpuPerRequestUs);
      summary.push(
        `- ${op}: median req/s with verification ${Math.round(on)}, without ${Math.round(off)}: **${(on / off).toFixed(2)} ×** (target ≥ 0.8 ×); ` +
          `median server CPU per request ${Math.round(cpuOn)} µs and ${Math.round(cpuOff)} µs (${(cpuOff / cpuOn).toFixed(2)} ×).`,
      );
    }
    const lines = [
      "The same signed request replayed by each client; rounds alternate between the two servers.",
      "",
      "| operation | round | server | verification | clients | requests | errors | req/s | p50 ms | p99 ms | server CPU µs/request |",
      "| --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
      ...rounds.map(
        (r, i) =>
          `| ${r.op} | ${Math.floor((i % (2 * ROUNDS)) / 2) + 1} | ${r.mode === "strict" ? "--auth strict, its root key" : "--auth local, an unknown key"} | ${r.mode === "strict" ? "on" : "off"} | ${CLIENTS} | ${r.requests} | ${r.errors} | ${Math.round(r.perSecond)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${Math.round(r.cpuPerRequestUs)} |`,
      ),
      "",
      ...summary,
      "",
      `(${SECONDS} s per round; load generator: node http in this process; both servers and the load share the machine)`,
      `Load average when the run ended (${cpus().length} cores shared with other work): ${loadavg()[0]!.toFixed(1)}.`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    await strict.stop();
    await local.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

await main();

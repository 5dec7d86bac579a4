// The load balancer's data plane against the same backend hit directly and against nginx as a
// reverse proxy, in one run: wrk (1 thread) drives each for SECONDS, ROUNDS times, with CONNECTIONS clients for
// throughput and with 1 client for the latency a proxy adds when it is not queueing.
// The backend is a node http server in its own process; berth's proxy runs in this process;
// nginx (Debian's package) runs from a config in a temp dir with one worker, as node has one
// thread. Prints a markdown table for docs/benchmarks.md.
import { execFile, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { LoadBalancerNode } from "../src/loadbalancer/index.js";
import { freePort } from "../test/helpers/ports.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 50;
const run = promisify(execFile);

const BACKEND = `
const http = require("node:http");
const body = Buffer.from("hello from the backend\\n");
http.createServer((req, res) => { res.writeHead(200, { "content-type": "text/plain", "content-length": body.length }); res.end(body); })
  .listen(Number(process.argv[1]), "127.0.0.1", () => process.stdout.write("ready\\n"));`;

function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.stdout?.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`exited ${code}`)));
  });
}

async function untilAccepting(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const r = spawnSync("bash", ["-c", `exec 3<>/dev/tcp/127.0.0.1/${port}`]);
    if (r.status === 0) return;
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error(`nothing listens on ${port}`);
}

interface Row {
  name: string;
  clients: number;
  requests: number;
  errors: number;
  perSecond: number;
  p50: number;
  p99: number;
}

function ms(v: string, unit: string): number {
  return Number(v) * (unit === "us" ? 1e-3 : unit === "s" ? 1e3 : 1);
}

async function wrk(name: string, port: number, clients: number): Promise<Row> {
  const { stdout } = await run("wrk", ["-t1", `-c${clients}`, `-d${SECONDS}s`, "--latency", `http://127.0.0.1:${port}/`]);
  const pct = (p: string) => {
    const m = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`).exec(stdout);
    if (!m) throw new Error(`no ${p}% in wrk output: ${stdout}`);
    return ms(m[1]!, m[2]!);
  };
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1]);
  const errs = /Non-2xx or 3xx responses: (\d+)/.exec(stdout);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const errors = Number(errs?.[1] ?? 0) + (sock ? sock.slice(1).reduce((s, n) => s + Number(n), 0) : 0);
  return { name, clients, requests, errors, perSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]), p50: pct("50"), p99: pct("99") };
}

async function main(): Promise<void> {
  for (const [tool, arg] of [["wrk", "--version"], ["nginx", "-v"]] as const) {
    if (spawnSync(tool, [arg]).error) {
      process.stderr.write(`bench/loadbalancer.ts needs ${tool}: apt-get install -y wrk nginx (Debian's packages; nginx is run from a temp dir, never as a service)\n`);
      process.exit(2);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), "berth-lb-bench-"));
  const children: ChildProcess[] = [];
  const lb = new LoadBalancerNode();
  try {
    const [backendPort, lbPort, nginxPort] = [await freePort(), await freePort(), await freePort()];
    const backend = spawn(process.execPath, ["-e", BACKEND, String(backendPort)], { stdio: ["ignore", "pipe", "inherit"] });
    children.push(backend);
    await ready(backend);

    await lb.apply({
      LoadBalancerArn: "arn:bench",
      Type: "application",
      BindAddress: "127.0.0.1",
      Listeners: [{ ListenerArn: "arn:bench/l", Port: lbPort, Protocol: "HTTP", DefaultActions: [{ Type: "forward", TargetGroupArn: "arn:bench/tg" }] }],
      TargetGroups: [
        {
          TargetGroupArn: "arn:bench/tg",
          Protocol: "HTTP",
          Port: backendPort,
          HealthCheck: { HealthCheckProtocol: "HTTP", HealthCheckPort: "traffic-port", HealthCheckPath: "/", HealthCheckIntervalSeconds: 30, HealthCheckTimeoutSeconds: 5, HealthyThresholdCount: 5, UnhealthyThresholdCount: 2, Matcher: { HttpCode: "200" } },
          Targets: [{ Id: "127.0.0.1", Port: backendPort, Address: "127.0.0.1" }],
        },
      ],
    });
    while (lb.targetHealth("arn:bench/tg")[0]?.TargetHealth.State !== "healthy") await new Promise((r) => setTimeout(r, 20));

    writeFileSync(
      join(dir, "nginx.conf"),
      `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream backend { server 127.0.0.1:${backendPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${nginxPort};
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Port $server_port;
    }
  }
}
`,
    );
    const nginx = spawn("nginx", ["-c", join(dir, "nginx.conf"), "-p", dir], { stdio: ["ignore", "ignore", "inherit"] });
    children.push(nginx);
    await untilAccepting(nginxPort);

    const targets: [string, number][] = [
      ["backend directly", backendPort],
      ["berth ALB listener", lbPort],
      ["nginx reverse proxy (1 worker)", nginxPort],
    ];
    for (const [, port] of targets) await wrk("warm-up", port, 8);
    // ROUNDS rounds, the three paths interleaved in each, so a neighbour's load on the shared
    // machine falls on all three alike; each row is the round with the median req/s.
    const rows: Row[] = [];
    for (const clients of [CONNECTIONS, 1]) {
      const runs = new Map<string, Row[]>(targets.map(([name]) => [name, []]));
      for (let round = 0; round < ROUNDS; round++) for (const [name, port] of targets) runs.get(name)!.push(await wrk(name, port, clients));
      for (const [, rs] of runs) rows.push([...rs].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(rs.length / 2)]!);
    }

    const lines = ["| path | clients | requests | errors | req/s | p50 ms | p99 ms |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"];
    for (const r of rows) lines.push(`| ${r.name} | ${r.clients} | ${r.requests} | ${r.errors} | ${Math.round(r.perSecond)} | ${r.p50.toFixed(3)} | ${r.p99.toFixed(3)} |`);
    const at = (name: string, c: number) => rows.find((r) => r.name.startsWith(name) && r.clients === c)!;
    const ratio = at("berth", CONNECTIONS).perSecond / at("nginx", CONNECTIONS).perSecond;
    const added = at("berth", 1).p50 - at("backend", 1).p50;
    const nginxAdded = at("nginx", 1).p50 - at("backend", 1).p50;
    process.stdout.write(
      `load generator: wrk (1 thread), ${SECONDS} s per run, ${ROUNDS} interleaved runs per row (the median by req/s); backend: node http in its own process; berth's proxy and nginx each one thread/worker; all on one 2-core machine\n\n${lines.join("\n")}\n\n` +
        `Throughput through berth: ${ratio.toFixed(2)} × nginx's (target ≥ 0.5). ` +
        `Added p50 latency, 1 client: berth ${added.toFixed(3)} ms (target < 1 ms), nginx ${nginxAdded.toFixed(3)} ms.\n`,
    );
  } finally {
    await lb.close();
    for (const c of children) c.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 200));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

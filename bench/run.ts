// Runs benchmarks by name and writes their tables into docs/benchmarks.md, each in its own
// section stamped with the machine and the date. Usage: npm run bench -- api store placement
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";

const BENCHES: Record<string, { file: string; title: string; args?: string[] }> = {
  api: { file: "api.ts", title: "API throughput" },
  store: { file: "store.ts", title: "Store transactions" },
  placement: { file: "placement.ts", title: "Placement" },
  scheduler: { file: "scheduler.ts", title: "Service scheduler at scale" },
  "scheduler-etcd": { file: "scheduler.ts", title: "Service scheduler at scale: 3 servers on etcd", args: ["--servers", "3"] },
  agent: { file: "agent.ts", title: "Agent: RunTask to RUNNING, resident memory" },
  churn: { file: "churn.ts", title: "Data directory under churn" },
  loadbalancer: { file: "loadbalancer.ts", title: "Load balancer data plane" },
  network: { file: "network.ts", title: "awsvpc on one host: namespaces and task launch" },
  auth: { file: "auth.ts", title: "API throughput with SigV4 verification on and off" },
  policy: { file: "policy.ts", title: "IAM policy evaluation: decisions per second, 100 policies attached" },
  logs: { file: "logs.ts", title: "CloudWatch Logs: PutLogEvents stored, GetLogEvents with a million events, FilterLogEvents" },
  console: { file: "console.ts", title: "Web console: first load and first paint, a cluster of 1,000 services in Chromium" },
  failover: { file: "failover.ts", title: "Several servers: failover after a SIGKILL" },
};

const DOC = fileURLToPath(new URL("../docs/benchmarks.md", import.meta.url));

function machine(): string {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version}`;
}

function replaceSection(doc: string, name: string, body: string): string {
  const begin = `<!-- bench:${name}:begin -->`;
  const end = `<!-- bench:${name}:end -->`;
  const block = `${begin}\n${body}\n${end}`;
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  if (i >= 0 && j > i) return doc.slice(0, i) + block + doc.slice(j + end.length);
  return `${doc.trimEnd()}\n\n${block}\n`;
}

const names = process.argv.slice(2);
if (names.length === 0 || names.some((n) => !BENCHES[n])) {
  process.stderr.write(`usage: npm run bench -- ${Object.keys(BENCHES).join("|")} [...]\n`);
  process.exit(2);
}
let doc = existsSync(DOC) ? readFileSync(DOC, "utf8") : "# Benchmarks\n\nFigures written by `npm run bench`; each section names its machine and date.\n";
for (const name of names) {
  const bench = BENCHES[name]!;
  process.stderr.write(`running ${name}...\n`);
  const out = execFileSync(process.execPath, ["--import", "tsx", fileURLToPath(new URL(bench.file, import.meta.url)), ...(bench.args ?? [])], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  }).toString();
  process.stdout.write(out);
  const stamp = `Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}.`;
  doc = replaceSection(doc, name, `## ${bench.title}\n\n${stamp}\n\n${out.trim()}`);
}
writeFileSync(DOC, doc);

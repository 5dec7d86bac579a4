// Failover with several servers (issue 15): 3 `berth server` processes on a 3-member etcd; one is
// SIGKILLed while every service waits for a change; the figures are how long until (a) another
// server leads and (b) every service — those of the killed server's shards included — has had
// its next reconcile pass. A pass is seen by its service event: each service's desiredCount goes
// from 0 to 1 right after the kill, on a cluster without instances, so its next pass records
// "was unable to place a task".
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { CreateClusterCommand, CreateServiceCommand, DescribeServicesCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { etcdMissing, startEtcd } from "../test/helpers/etcd.js";
import { spawnServer, type ServerProcess } from "../test/helpers/process.js";
import { ecsClient } from "../test/helpers/server.js";
import { flag } from "./flags.js";

const ROUNDS = flag("rounds", 3);
const SERVICES = flag("services", 32);

const alive = (s: ServerProcess) => s.child.exitCode === null && s.child.signalCode === null;

async function leader(servers: ServerProcess[]): Promise<ServerProcess | undefined> {
  for (const s of servers.filter(alive)) {
    const text = await fetch(`${s.url}/metrics`).then((r) => r.text()).catch(() => "");
    if (/^berth_coordination_leader\{server="[^"]+"\} 1$/m.test(text)) return s;
  }
  return undefined;
}

async function round(n: number): Promise<{ leaderMs: number; p50Ms: number; maxMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), "berth-failover-"));
  const etcd = await startEtcd({ members: 3 });
  const servers: ServerProcess[] = [];
  try {
    for (let k = 0; k < 3; k++) servers.push(await spawnServer(join(dir, `s${k}`), ["--store", etcd.storeUrl(`failover${n}`), "--server-id", `s${k}`]));
    // Let the three split the shards before anything is measured.
    await new Promise((r) => setTimeout(r, 3_000));
    const victim = (await leader(servers))!;
    const other = servers.find((s) => s !== victim)!;
    const ecs = ecsClient(other.url);
    await ecs.send(new CreateClusterCommand({ clusterName: "default" }));
    await ecs.send(new RegisterTaskDefinitionCommand({ family: "f", containerDefinitions: [{ name: "a", image: "busybox", memory: 16 }] }));
    const names = Array.from({ length: SERVICES }, (_, i) => `svc-${i}`);
    for (const name of names) await ecs.send(new CreateServiceCommand({ cluster: "default", serviceName: name, taskDefinition: "f", desiredCount: 0 }));
    await new Promise((r) => setTimeout(r, 1_000));

    const killedAt = performance.now();
    victim.child.kill("SIGKILL");
    await Promise.all(names.map((name) => ecs.send(new UpdateServiceCommand({ cluster: "default", service: name, desiredCount: 1 }))));
    let leaderMs = -1;
    const passedMs = new Map<string, number>();
    while (passedMs.size < names.length || leaderMs < 0) {
      if (performance.now() - killedAt > 60_000) throw new Error("no failover within 60 s");
      if (leaderMs < 0 && (await leader(servers))) leaderMs = performance.now() - killedAt;
      for (let i = 0; i < names.length; i += 10) {
        const res = await ecs.send(new DescribeServicesCommand({ cluster: "default", services: names.slice(i, i + 10) }));
        for (const s of res.services ?? []) {
          if (!passedMs.has(s.serviceName!) && s.events?.some((e) => e.message?.includes("was unable to place a task"))) passedMs.set(s.serviceName!, performance.now() - killedAt);
        }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    ecs.destroy();
    const times = [...passedMs.values()].sort((a, b) => a - b);
    return { leaderMs, p50Ms: times[Math.floor(times.length / 2)]!, maxMs: times[times.length - 1]! };
  } finally {
    for (const s of servers) if (alive(s)) await s.stop("SIGKILL");
    await etcd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const missing = etcdMissing();
  if (missing) {
    process.stdout.write(`(skipped: ${missing})\n`);
    return;
  }
  const load = loadavg()[0]!.toFixed(2);
  const rows: string[] = [];
  for (let n = 0; n < ROUNDS; n++) {
    const r = await round(n);
    rows.push(`| ${n + 1} | ${Math.round(r.leaderMs)} | ${Math.round(r.p50Ms)} | ${Math.round(r.maxMs)} |`);
  }
  process.stdout.write(
    [
      `3 servers on a 3-member etcd, ${SERVICES} services; the leading server is SIGKILLed, then every service's desiredCount changes.`,
      "Times from the SIGKILL (membership TTL 3 s, renewals and plans every 1 s):",
      "",
      "| round | another server leads, ms | next pass, median service, ms | next pass, slowest service (a killed server's shard), ms |",
      "| ---: | ---: | ---: | ---: |",
      ...rows,
      "",
      `(1-minute load average at the start: ${load}; servers, etcd and the driver share the machine)`,
    ].join("\n") + "\n",
  );
}

await main();

// Simulated node agents for bench/scheduler.ts: the production agent (startAgent) with the
// simulated runtime, each with its own state dir, registered with 4096 CPU units and 8192 MiB
// and spread over three availability zones. Containers without simulate labels start at once
// and honour SIGTERM at once, so a task is RUNNING a few milliseconds after its manifest.
// Used in-process (startSimulatedAgents) or as a child process forked by the benchmark, which
// sends { type: "stop" } and reads { type: "ready" | "stats" } back.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import pino from "pino";
import { startAgent, type Agent } from "../src/agent/index.js";

export interface SimulatedAgents {
  count: number;
  stop(): Promise<void>;
}

const ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"];

/** Starts `count` agents (numbered from `first`, which picks their zone), 20 at a time. */
export async function startSimulatedAgents(endpoint: string, count: number, first = 0): Promise<SimulatedAgents> {
  const root = mkdtempSync(join(tmpdir(), "berth-bench-agents-"));
  const logger = pino({ level: "silent" });
  const agents: Agent[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      agents.push(
        await startAgent({
          endpoint,
          cluster: "default",
          runtime: "simulated",
          stateDir: join(root, `agent-${first + i}`),
          cpu: 4096,
          memory: 8192,
          availabilityZone: ZONES[(first + i) % ZONES.length]!,
          metadataPort: 0,
          logger,
          connectTimeoutMs: 60_000,
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(20, count) }, worker));
  return {
    count: agents.length,
    async stop() {
      await Promise.all(agents.map((a) => a.stop()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [endpoint, count, first] = process.argv.slice(2);
  const agents = await startSimulatedAgents(endpoint!, Number(count), Number(first));
  process.send!({ type: "ready", count: agents.count });
  process.on("message", (msg: { type: string }) => {
    if (msg.type === "stats") {
      const cpu = process.cpuUsage();
      process.send!({ type: "stats", rssMiB: process.memoryUsage().rss / 2 ** 20, cpuMs: (cpu.user + cpu.system) / 1000 });
    }
    else if (msg.type === "stop") void agents.stop().finally(() => process.exit(0));
  });
}

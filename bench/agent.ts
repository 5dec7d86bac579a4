// The node agent with the process runtime (real processes): time from RunTask to RUNNING, one
// task at a time, and the agent's resident memory with 100 running tasks. The control plane
// runs in this process; the agent is a child process (`berth agent`), so its memory is its own
// (VmRSS from /proc/<pid>/status). It runs as users run it, `bin/berth.js agent`, two ways: from
// the build in dist/ (what `npm ci` leaves; the bench builds it first) and from the TypeScript
// sources through tsx's loader (BERTH_FROM_SOURCE=1; Node 20 runs that loader on a thread of its
// own, a second V8 isolate). Prints a markdown table.
// Run: node --import tsx bench/agent.ts [--tasks 50] [--running 100]
import { DescribeTasksCommand, RunTaskCommand, StopTaskCommand, type Task } from "@aws-sdk/client-ecs";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Cluster, removeProcessContainers, spawnAgentProcess, startCluster, until } from "../test/agent/harness.js";
import { flag } from "./flags.js";

const LATENCY_TASKS = flag("tasks", 50);
const RUNNING_TASKS = flag("running", 100);

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(m[1]) / 1024;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Figures {
  observed: number[];
  reported: number[];
  idleRss: number;
  rss: number;
}

async function allRunning(c: Cluster, arns: string[], status: string): Promise<boolean> {
  for (let i = 0; i < arns.length; i += 100) {
    const res = await c.ecs.send(new DescribeTasksCommand({ cluster: "default", tasks: arns.slice(i, i + 100) }));
    if (res.tasks!.some((t) => t.lastStatus !== status)) return false;
  }
  return true;
}

async function measure(): Promise<Figures> {
  const c = await startCluster();
  const agent = await spawnAgentProcess(c.cp.url, join(c.dir, "bench-agent"));
  try {
    const arn = agent.containerInstanceArn;
    await until("agent connected", async () => (await c.instance(arn)).agentConnected === true);
    const td = await c.registerTaskDefinition("idle", [
      // Exits at once on SIGTERM so the cleanup is quick; sleeps otherwise.
      { name: "app", image: "busybox", memory: 16, essential: true, stopTimeout: 2, command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"] },
    ]);
    await new Promise((r) => setTimeout(r, 1000));
    const idleRss = rssMiB(agent.child.pid!);
    const all: string[] = [];

    // Latency: one task at a time, so each figure is one task's path, not a queue.
    const observed: number[] = [];
    const reported: number[] = [];
    for (let i = 0; i < LATENCY_TASKS; i++) {
      const t0 = performance.now();
      const res = await c.ecs.send(new RunTaskCommand({ cluster: "default", taskDefinition: td }));
      const taskArn = res.tasks![0]!.taskArn!;
      all.push(taskArn);
      let task: Task | undefined;
      await until(
        "RUNNING",
        async () => {
          task = (await c.ecs.send(new DescribeTasksCommand({ cluster: "default", tasks: [taskArn] }))).tasks![0];
          return task?.lastStatus === "RUNNING";
        },
        30_000,
        2,
      );
      observed.push(performance.now() - t0);
      reported.push(task!.startedAt!.getTime() - task!.createdAt!.getTime());
    }

    // Memory: fill up to RUNNING_TASKS running tasks, let the agent settle, read its RSS.
    for (let i = all.length; i < RUNNING_TASKS; i++) {
      const res = await c.ecs.send(new RunTaskCommand({ cluster: "default", taskDefinition: td }));
      all.push(res.tasks![0]!.taskArn!);
    }
    await until(`${RUNNING_TASKS} tasks RUNNING`, () => allRunning(c, all, "RUNNING"), 120_000, 200);
    await new Promise((r) => setTimeout(r, 3000));
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) {
      samples.push(rssMiB(agent.child.pid!));
      await new Promise((r) => setTimeout(r, 400));
    }
    for (const taskArn of all) await c.ecs.send(new StopTaskCommand({ cluster: "default", task: taskArn }));
    await until("all STOPPED", () => allRunning(c, all, "STOPPED"), 120_000, 250);
    return { observed, reported, idleRss, rss: Math.max(...samples) };
  } finally {
    await agent.kill("SIGTERM");
    await removeProcessContainers(join(c.dir, "bench-agent"));
    await c.close();
  }
}


/** `npm run build`: dist/ as `npm ci` leaves it. */
function buildDist(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL("../scripts/build.mjs", import.meta.url))], { stdio: "inherit" });
}

const rows: string[] = [];
const ms = (v: number) => `${v.toFixed(1)} ms`;
const met = (ok: boolean) => (ok ? "yes" : "no");
function addRows(label: string, f: Figures): void {
  const p50 = percentile(f.observed, 50);
  rows.push(
    `| ${label} | RunTask → RUNNING p50 / p99 (client-observed, ${LATENCY_TASKS} tasks one at a time) | ${ms(p50)} / ${ms(percentile(f.observed, 99))} | p50 < 100 ms | ${met(p50 < 100)} |`,
    `| ${label} | createdAt → startedAt p50 / p99 (as the API records it) | ${ms(percentile(f.reported, 50))} / ${ms(percentile(f.reported, 99))} | | |`,
    `| ${label} | agent RSS idle → with ${RUNNING_TASKS} running tasks | ${f.idleRss.toFixed(1)} → ${f.rss.toFixed(1)} MiB | < 80 MB | ${met(f.rss * 1.048576 < 80)} |`,
  );
}

buildDist();
addRows("berth agent (dist/)", await measure());
process.env.BERTH_FROM_SOURCE = "1";
addRows("berth agent (sources, tsx)", await measure());
delete process.env.BERTH_FROM_SOURCE;
process.stdout.write(
  [
    "| agent run as | measure | value | target | met |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
    "",
    "Process runtime, one container per task (`sh` + `sleep`), agent as a child process (`bin/berth agent`, the installed command: Node.js with a 1 MiB young generation); control plane in the benchmark's process.",
    "",
  ].join("\n"),
);

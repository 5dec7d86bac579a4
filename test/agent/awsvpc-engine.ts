// A task engine for awsvpc tests: the process runtime, a state dir and real namespaces, with
// the reports recorded instead of sent to a control plane. Used in-process by the tests and as
// a child process (run directly: `tsx awsvpc-engine.ts <dir> <tasks.json> [process|docker]`) that a test kills -9.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import pino from "pino";
import type { Report } from "../../src/agent/report-plan.js";
import { StateStore } from "../../src/agent/state-store.js";
import { TaskEngine } from "../../src/agent/task-engine.js";
import type { AssignedTask } from "../../src/model/index.js";
import { TaskNetworks } from "../../src/network/index.js";
import { createProcessDriver, createRuntimeDriver, type RuntimeDriver, systemTimers } from "../../src/runtime/index.js";

/**
 * A task ARN no other test process uses: namespaces are named for task ids and every test file
 * runs in its own process on one kernel (the builders' ids count from 1 in each).
 */
export function uniqueTaskArn(): string {
  return `arn:aws:ecs:us-east-1:000000000000:task/default/${randomBytes(16).toString("hex")}`;
}

export interface AwsvpcEngine {
  engine: TaskEngine;
  driver: RuntimeDriver;
  networks: TaskNetworks;
  reports: { taskArn: string; report: Report }[];
  /** Task-level statuses reported for one task, in order. */
  statuses(taskArn: string): string[];
  /** Closes the engine, driver and store; containers and namespaces stay (as when an agent stops). */
  close(): Promise<void>;
}

export async function startAwsvpcEngine(dir: string, runtime: "process" | "docker" = "process"): Promise<AwsvpcEngine> {
  const driver = runtime === "docker" ? await createRuntimeDriver({ kind: "docker" }) : await createProcessDriver({ stateDir: join(dir, "runtime") });
  // The layout of a real agent's state dir (agent.json beside runtime/), so `berth down` reads it.
  const store = new StateStore(dir);
  await store.open();
  await store.saveIdentity((await store.loadIdentity()) ?? { instanceId: "i-0awsvpc00000000" });
  const networks = new TaskNetworks();
  const reports: AwsvpcEngine["reports"] = [];
  const engine = new TaskEngine({
    driver,
    store,
    timers: systemTimers,
    rng: () => 0.5,
    log: pino({ level: process.env.BERTH_TEST_LOG ?? "silent" }),
    instanceId: "i-0awsvpc00000000",
    metadataBaseUrl: "http://127.0.0.1:51679",
    defaultStopTimeoutSeconds: 2,
    cleanupWaitMs: 60_000,
    networks,
    submit: async (report, rec) => void reports.push({ taskArn: rec.task.taskArn, report: structuredClone(report) }),
    onHealth: () => undefined,
  });
  await engine.restore();
  return {
    engine,
    driver,
    networks,
    reports,
    statuses: (arn) => reports.filter((r) => r.taskArn === arn && r.report.kind === "task").map((r) => (r.report as { status: string }).status),
    async close() {
      engine.close();
      await driver.close();
      await store.close();
    },
  };
}

// As a child process: run the tasks, say when all are RUNNING, then wait to be killed.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) {
  const [dir, tasksFile, runtime] = process.argv.slice(2) as [string, string, "process" | "docker" | undefined];
  const tasks = JSON.parse(readFileSync(tasksFile, "utf8")) as AssignedTask[];
  const e = await startAwsvpcEngine(dir, runtime ?? "process");
  await e.engine.handleManifest(tasks, false);
  const timer = setInterval(() => {
    if (tasks.every((t) => e.statuses(t.taskArn).includes("RUNNING"))) {
      clearInterval(timer);
      process.stdout.write(`ALL RUNNING ${tasks.length}\n`);
    }
  }, 20);
}

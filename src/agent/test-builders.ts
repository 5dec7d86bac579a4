// Builders and a harness for the agent's tests: assigned tasks as the control plane sends them,
// and a TaskEngine on the simulated runtime whose reports are recorded instead of sent.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import type { AssignedTask, ContainerHealthReport } from "../model/index.js";
import { SimulatedDriver, SimulatedHost, systemTimers, type Timers } from "../runtime/index.js";
import type { Report } from "./report-plan.js";
import { StateStore } from "./state-store.js";
import { TaskEngine, type TaskEngineOptions } from "./task-engine.js";
import type { TaskRecord } from "./task-record.js";

const CLUSTER = "arn:aws:ecs:us-east-1:000000000000:cluster/default";
let seq = 0;

export function aContainerDef(name: string, over: Record<string, unknown> = {}): { name: string; definition: Record<string, unknown> } {
  return { name, definition: { name, image: "busybox", essential: true, ...over } };
}

export function anAssignedTask(containers: { name: string; definition: Record<string, unknown> }[], over: Partial<AssignedTask> = {}): AssignedTask {
  const id = `${(++seq).toString(16).padStart(8, "0")}${"a".repeat(24)}`;
  const taskArn = `arn:aws:ecs:us-east-1:000000000000:task/default/${id}`;
  return {
    taskArn,
    clusterArn: CLUSTER,
    taskDefinitionArn: "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1",
    family: "web",
    revision: 1,
    desiredStatus: "RUNNING",
    lastStatus: "PROVISIONING",
    networkMode: "bridge",
    containers: containers.map((c, i) => ({ ...c, containerArn: `arn:aws:ecs:us-east-1:000000000000:container/default/${id}/c${i}` })),
    volumes: [],
    version: 1,
    ...over,
  };
}

export interface SentReport {
  taskArn: string;
  report: Report;
  at: number;
}

export interface EngineHarness {
  engine: TaskEngine;
  driver: SimulatedDriver;
  host: SimulatedHost;
  store: StateStore;
  reports: SentReport[];
  health: ContainerHealthReport[][];
  /** Make the next n submits fail (network-like errors). */
  failNext(n: number): void;
  /** Reports of one task, task-level statuses only. */
  taskStatuses(taskArn: string): string[];
  waitFor<T>(what: string, fn: () => T | undefined | false, timeoutMs?: number): Promise<T>;
  /** A new engine on the same state dir and host: an agent restart. */
  restart(): Promise<EngineHarness>;
  close(): Promise<void>;
}

export async function engineHarness(
  options: { dir?: string; host?: SimulatedHost; instanceId?: string; timers?: Timers; engine?: Partial<TaskEngineOptions> } = {},
): Promise<EngineHarness> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), "berth-agent-engine-")));
  const timers = options.timers ?? systemTimers;
  const host = options.host ?? new SimulatedHost(timers);
  const driver = new SimulatedDriver({ host });
  const store = new StateStore(dir);
  await store.open();
  const reports: SentReport[] = [];
  const health: ContainerHealthReport[][] = [];
  let failures = 0;
  const instanceId = options.instanceId ?? "i-0123456789abcdef0";
  const engine = new TaskEngine({
    driver,
    store,
    timers,
    rng: () => 0.5,
    log: pino({ level: "silent" }),
    instanceId,
    metadataBaseUrl: "http://127.0.0.1:51679",
    defaultStopTimeoutSeconds: 30,
    cleanupWaitMs: 60_000,
    submit: async (report: Report, rec: TaskRecord) => {
      if (failures > 0) {
        failures--;
        throw new Error("connect ECONNREFUSED");
      }
      reports.push({ taskArn: rec.task.taskArn, report: structuredClone(report), at: Date.now() });
    },
    onHealth: (r) => health.push(r),
    ...options.engine,
  });
  await engine.restore();
  const h: EngineHarness = {
    engine,
    driver,
    host,
    store,
    reports,
    health,
    failNext: (n) => (failures = n),
    taskStatuses: (arn) => reports.filter((r) => r.taskArn === arn && r.report.kind === "task").map((r) => (r.report as { status: string }).status),
    async waitFor(what, fn, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const v = fn();
        if (v !== undefined && v !== false) return v as never;
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async restart() {
      engine.close();
      await store.close();
      return engineHarness({ dir, host, instanceId, timers, ...(options.engine ? { engine: options.engine } : {}) });
    },
    async close() {
      engine.close();
      await store.close();
      await driver.close();
      if (!options.dir) await rm(dir, { recursive: true, force: true });
    },
  };
  return h;
}

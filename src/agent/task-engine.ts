// The agent's tasks: one ManagedTask per task ARN. The engine routes the control plane's
// manifests and the runtime's events to them, restores them from the state dir after a
// restart (re-attaching to their containers, removing orphans), and collects container health
// for the channel. It never changes a task's state itself.
import type { Logger } from "pino";
import type { AssignedTask, ContainerHealthReport } from "../model/index.js";
import type { ContainerState, RuntimeDriver, RuntimeEvent, Timers } from "../runtime/index.js";
import { AGENT_INSTANCE_LABEL, healthCheckOf } from "./container-spec.js";
import { ManagedTask, type ManagedTaskContext } from "./managed-task.js";
import type { Report } from "./report-plan.js";
import { reconcileTask } from "./runtime-reconcile.js";
import type { StateStore } from "./state-store.js";
import type { TaskNetworkPort } from "./task-network.js";
import type { TaskRecord } from "./task-record.js";

export interface TaskEngineOptions {
  driver: RuntimeDriver;
  store: StateStore;
  timers: Timers;
  rng: () => number;
  log: Logger;
  instanceId: string;
  metadataBaseUrl: string;
  defaultStopTimeoutSeconds: number;
  cleanupWaitMs: number;
  /** awsvpc namespaces (task-network.ts); absent where this host cannot make them. */
  networks?: TaskNetworkPort;
  /** Bridge-mode tasks get namespaces and forwarded host ports too (the process runtime, with `networks`). */
  bridgeNamespaces?: boolean;
  /** The metadata endpoint also on this address (an awsvpc subnet's router); its base URL. */
  metadataAt?(host: string): Promise<string>;
  submit(report: Report, rec: TaskRecord): Promise<void>;
  /** Called (batched per microtask) when containers' health changed. */
  onHealth(reports: ContainerHealthReport[]): void;
}

export class TaskEngine {
  readonly #tasks = new Map<string, ManagedTask>();
  readonly #ctx: ManagedTaskContext;
  readonly #healthDirty = new Set<ManagedTask>();
  readonly #unsubscribe: () => void;
  #healthScheduled = false;
  /** Manifests are applied one after another, in the order they arrived. */
  #manifestChain: Promise<void> = Promise.resolve();

  constructor(private readonly options: TaskEngineOptions) {
    this.#ctx = {
      ...options,
      onHealthChanged: (t) => this.#healthChanged(t),
      onRemoved: (t) => {
        if (this.#tasks.get(t.taskArn) === t) this.#tasks.delete(t.taskArn);
      },
    };
    // Subscribed before list() (restore), so no exit slips between the two.
    this.#unsubscribe = options.driver.events((e) => this.#onEvent(e));
  }

  get tasks(): ReadonlyMap<string, ManagedTask> {
    return this.#tasks;
  }

  /**
   * Reads the state dir and the runtime, re-attaches every recorded task to its containers,
   * and removes containers of this agent that no record claims. Call once, before manifests.
   */
  async restore(): Promise<void> {
    const { driver, store, log, timers } = this.options;
    const records = await store.loadTasks();
    const mine = (await driver.list()).filter((s) => s.labels[AGENT_INSTANCE_LABEL] === this.options.instanceId);
    const byTask = new Map<string, ContainerState[]>();
    for (const s of mine) {
      byTask.set(s.taskArn, [...(byTask.get(s.taskArn) ?? []), s]);
    }
    const claimed = new Set<string>();
    for (const rec of records) {
      const ids = reconcileTask(rec, byTask.get(rec.task.taskArn) ?? [], timers.now());
      for (const id of ids) claimed.add(id);
      const mt = ManagedTask.fromRecord(rec, this.#ctx);
      this.#tasks.set(rec.task.taskArn, mt);
    }
    for (const s of mine) {
      if (claimed.has(s.id)) continue;
      log.warn({ container: s.containerName, task: s.taskArn, id: s.id }, "removing a container no task of this agent claims");
      await driver.remove(s.id).catch((err: unknown) => log.warn({ err, id: s.id }, "could not remove the orphaned container"));
    }
    for (const mt of this.#tasks.values()) {
      mt.start();
      if (mt.record.containers.some((c) => c.health !== "UNKNOWN")) this.#healthChanged(mt);
    }
    log.info({ tasks: records.length, containers: claimed.size }, "restored tasks from the state dir");
  }

  /** Applies a TaskManifest; resolves once every task in it is on disk (then it may be acked). */
  handleManifest(tasks: AssignedTask[], full: boolean): Promise<void> {
    const run = this.#manifestChain.then(() => this.#applyManifest(tasks, full));
    this.#manifestChain = run.catch(() => undefined);
    return run;
  }

  async #applyManifest(tasks: AssignedTask[], full: boolean): Promise<void> {
    const listed = new Set<string>();
    const writes: Promise<void>[] = [];
    for (const task of tasks) {
      listed.add(task.taskArn);
      const existing = this.#tasks.get(task.taskArn);
      if (existing) {
        writes.push(existing.update(task));
        continue;
      }
      // A task that stopped before this agent ever saw it has nothing to run or report.
      if (task.lastStatus === "STOPPED") continue;
      writes.push(
        ManagedTask.create(task, this.#ctx).then((mt) => {
          this.#tasks.set(task.taskArn, mt);
          mt.start();
        }),
      );
    }
    await Promise.all(writes);
    if (full) {
      for (const [arn, mt] of this.#tasks) {
        if (!listed.has(arn) && mt.record.known !== "STOPPED") mt.disown();
      }
    }
  }

  /** Every task's container health, for a fresh channel connection. */
  allHealth(): ContainerHealthReport[] {
    return [...this.#tasks.values()].flatMap((t) => healthReport(t) ?? []);
  }

  /** Sends every report waiting out a back-off now (the channel came back). */
  retryReports(): void {
    for (const t of this.#tasks.values()) t.retryReport();
  }

  /** Resolves when every task has nothing in flight and nothing left to report. */
  async settled(): Promise<void> {
    await this.#manifestChain;
    await Promise.all([...this.#tasks.values()].map((t) => t.settled()));
  }

  close(): void {
    this.#unsubscribe();
    for (const t of this.#tasks.values()) t.close();
  }

  #onEvent(e: RuntimeEvent): void {
    this.#tasks.get(e.taskArn)?.onRuntimeEvent(e);
  }

  #healthChanged(t: ManagedTask): void {
    this.#healthDirty.add(t);
    if (this.#healthScheduled) return;
    this.#healthScheduled = true;
    queueMicrotask(() => {
      this.#healthScheduled = false;
      const reports = [...this.#healthDirty].flatMap((x) => healthReport(x) ?? []);
      this.#healthDirty.clear();
      if (reports.length) this.options.onHealth(reports);
    });
  }
}

function healthReport(t: ManagedTask): ContainerHealthReport | undefined {
  const rec = t.record;
  if (rec.disowned) return undefined;
  const containers = rec.containers
    .filter((c) => {
      const def = rec.task.containers.find((a) => a.name === c.name)?.definition;
      return def !== undefined && healthCheckOf(def) !== undefined;
    })
    .map((c) => ({ containerName: c.name, healthStatus: c.health }));
  return containers.length ? { taskArn: t.taskArn, containers } : undefined;
}

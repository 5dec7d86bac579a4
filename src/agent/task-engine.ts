// The agent's tasks: one ManagedTask per task ARN. The engine routes the control plane's
// manifests, role credentials and the runtime's events to them, restores them from the state
// dir after a restart (re-attaching to their containers, removing orphans), collects container
// health for the channel and answers the credentials endpoint's lookups. It never changes a
// task's state itself.
import type { Logger } from "pino";
import type { AssignedTask, ContainerHealthReport, RoleCredentials, RoleType } from "../model/index.js";
import type { ContainerState, RuntimeDriver, RuntimeEvent, Timers } from "../runtime/index.js";
import { AGENT_INSTANCE_LABEL, healthCheckOf } from "./container-spec.js";
import type { CredentialsLookup } from "./credentials-endpoint.js";
import type { SecretRef } from "./secret-refs.js";
import type { SecretsOutcome } from "./secrets-resolver.js";
import { TaskCredentialsStore } from "./task-credentials.js";
import type { AwslogsDriver } from "./awslogs/awslogs-driver.js";
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
  /** Reads secrets with an execution role's credentials (secrets-resolver.ts); absent: tasks with secrets cannot start. */
  resolveSecrets?(refs: ReadonlyMap<string, readonly SecretRef[]>, credentials: RoleCredentials): Promise<SecretsOutcome>;
  /** The credentials endpoint over loopback, `http://127.0.0.1:<port>` (default: metadataBaseUrl). */
  loopbackUrl?: string;
  /** The endpoint's port, where task namespaces' 169.254.170.2 is redirected. */
  credentialsPort?: number;
  /** Docker's bridge redirects 169.254.170.2 to this agent. */
  bridgeCredentials?: boolean;
  /** The awslogs log driver (awslogs/awslogs-driver.ts); absent: awslogs containers log on the node only. */
  awslogs?: AwslogsDriver;
  /** Absolute directory of the tasks' volumes (volumes/). */
  volumesRoot?: string;
  submit(report: Report, rec: TaskRecord): Promise<void>;
  /** Called (batched per microtask) when containers' health changed. */
  onHealth(reports: ContainerHealthReport[]): void;
}

export class TaskEngine {
  /** Role credentials the control plane sent, in memory only. */
  readonly credentials = new TaskCredentialsStore();
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
      credentials: this.credentials,
      loopbackUrl: options.loopbackUrl ?? options.metadataBaseUrl,
      onHealthChanged: (t) => this.#healthChanged(t),
      onRemoved: (t) => {
        if (this.#tasks.get(t.taskArn) === t) this.#tasks.delete(t.taskArn);
      },
    };
    // Subscribed before list() (restore), so no exit slips between the two.
    this.#unsubscribe = options.driver.events((e) => this.#onEvent(e));
    this.credentials.onChange((taskArn, roleType) => this.#tasks.get(taskArn)?.credentialsChanged(roleType));
  }

  /** A TaskCredentials message: kept (memory only) and handed to the task, which may be waiting for it. */
  receiveCredentials(taskArn: string, roleType: RoleType, credentials: RoleCredentials): void {
    this.credentials.set(taskArn, roleType, credentials);
  }

  /** The credentials endpoint's view: which task an id and an address belong to. */
  credentialsLookup(): CredentialsLookup {
    return {
      byId: (id) => {
        for (const t of this.#tasks.values()) {
          const rec = t.record;
          const ep = rec.credentialsEndpoint;
          if (ep?.id !== id || rec.known === "STOPPED" || rec.disowned) continue;
          const credentials = this.credentials.get(t.taskArn, "TaskApplication");
          return { taskArn: t.taskArn, token: ep.token, ...(credentials ? { credentials } : {}) };
        }
        return undefined;
      },
      taskAt: (address) => {
        for (const t of this.#tasks.values()) {
          const net = t.record.network;
          if (net?.status !== "ATTACHED") continue;
          const own = net.kind === "bridge" ? net.address : t.record.task.eni?.privateIpv4Address;
          if (own === address) return t.taskArn;
        }
        return undefined;
      },
    };
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
      if (task.lastStatus === "STOPPED") {
        this.credentials.forget(task.taskArn);
        continue;
      }
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
      // Keys of tasks the control plane no longer lists go too.
      for (const arn of this.credentials.taskArns()) if (!listed.has(arn)) this.credentials.forget(arn);
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

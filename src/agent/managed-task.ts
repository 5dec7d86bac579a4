// One task on this agent, and the only writer of its record: it takes the control plane's
// assignments and the runtime's events, asks task-transitions.ts what comes next, makes the
// runtime calls (create, start, stop), persists the record, and lets its reporter tell the
// control plane. Nothing else mutates a task's state, so no two calls for one container race.
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import { hasSecrets, rolesNeeded, type AssignedTask, type RoleCredentials, type RoleType } from "../model/index.js";
import type { ExitInfo, RuntimeDriver, RuntimeEvent, Timers } from "../runtime/index.js";
import { buildContainerSpec, credentialsPath, regionOf, type SpecContext, taskIdOf } from "./container-spec.js";
import { SECRETS_FAILURE_PREFIX, secretFailures, secretRefsOf, type SecretRef } from "./secret-refs.js";
import type { SecretsOutcome } from "./secrets-resolver.js";
import type { TaskCredentialsStore } from "./task-credentials.js";
import { acknowledge, type Report } from "./report-plan.js";
import type { AwslogsContainer, AwslogsDriver } from "./awslogs/awslogs-driver.js";
import { usesAwslogs } from "./awslogs/options.js";
import { decideRestart, restartInput } from "./restart-policy.js";
import { applyExit, reasonOf, VANISHED_REASON } from "./runtime-reconcile.js";
import type { StateStore } from "./state-store.js";
import { type ContainerRecord, newTaskRecord, type TaskRecord, taskSnapshot } from "./task-record.js";
import { namespaceOf, releaseNetwork, setUpNetwork, type TaskNetworkPort } from "./task-network.js";
import { TaskReporter } from "./task-reporter.js";
import { TaskStorage } from "./volumes/task-storage.js";
import { type ContainerStatus, decideTask, type TaskAction, type TaskResources } from "./task-transitions.js";

export interface ManagedTaskContext {
  driver: RuntimeDriver;
  store: StateStore;
  timers: Timers;
  rng: () => number;
  log: Logger;
  instanceId: string;
  /** `http://host:port` of the metadata endpoint, as containers reach it. */
  metadataBaseUrl: string;
  defaultStopTimeoutSeconds: number;
  /** awsvpc namespaces; absent where this host cannot make them (awsvpc tasks then fail). */
  networks?: TaskNetworkPort;
  /** Bridge-mode tasks get a namespace of their own and forwarded host ports (process runtime with `networks`). */
  bridgeNamespaces?: boolean;
  /** The metadata endpoint also on this address (an awsvpc subnet's router); its base URL. */
  metadataAt?(host: string): Promise<string>;
  /** How long a stopped, reported task's containers are kept before removal. */
  cleanupWaitMs: number;
  /** Role credentials the control plane sent for this agent's tasks (memory only). */
  credentials: TaskCredentialsStore;
  /** Reads secrets with the execution role's credentials; absent: tasks with secrets cannot start. */
  resolveSecrets?(refs: ReadonlyMap<string, readonly SecretRef[]>, credentials: RoleCredentials): Promise<SecretsOutcome>;
  /** `http://127.0.0.1:<port>`: the credentials endpoint over loopback (AWS_CONTAINER_CREDENTIALS_FULL_URI). */
  loopbackUrl: string;
  /** The endpoint's port: a task namespace's 169.254.170.2 is redirected to it. */
  credentialsPort?: number;
  /** Docker's bridge redirects 169.254.170.2 to this agent: its bridge containers use the relative URI. */
  bridgeCredentials?: boolean;
  /** Ships awslogs containers' output to CloudWatch Logs; absent: their logs stay on the node only. */
  awslogs?: AwslogsDriver;
  /** Absolute directory of the tasks' volumes (volumes/); absent: tasks with volumes fail. */
  volumesRoot?: string;
  submit(report: Report, rec: TaskRecord): Promise<void>;
  onHealthChanged(task: ManagedTask): void;
  onRemoved(task: ManagedTask): void;
}

const MAX_PASSES = 16;
/** After a failed stop (CannotStopContainerError), try again this much later. */
const STOP_RETRY_MS = 5_000;

export class ManagedTask {
  readonly taskArn: string;
  readonly taskId: string;
  readonly #ctx: ManagedTaskContext;
  readonly #rec: TaskRecord;
  readonly #reporter: TaskReporter;
  readonly #inFlight = new Map<string, ContainerStatus>();
  /** Exits seen while a start or stop call was in flight; applied when it returns. */
  readonly #pendingExits = new Map<string, ExitInfo>();
  readonly #log: Logger;
  /** The task's volumes (made before its first container, released once it stopped). */
  readonly #storage: TaskStorage;
  #scheduled = false;
  /** A network set-up or release is in flight. */
  #networkBusy = false;
  /** The values of the task's secrets by container, once read: memory only, gone with the agent. */
  #secrets: Map<string, Record<string, string>> | undefined;
  #secretsBusy = false;
  #recheck: { at: number; handle: object } | undefined;
  #cleanup: object | undefined;
  #closed = false;
  #removed = false;
  /** The record changed since the last persist/report. */
  #dirty = false;

  private constructor(rec: TaskRecord, ctx: ManagedTaskContext) {
    this.#rec = rec;
    this.#ctx = ctx;
    this.taskArn = rec.task.taskArn;
    this.taskId = taskIdOf(this.taskArn);
    this.#log = ctx.log.child({ task: this.taskId });
    this.#storage = new TaskStorage(() => this.#rec.task, ctx.volumesRoot, ctx.driver, ctx.instanceId, this.#log);
    this.#reporter = new TaskReporter({
      record: () => this.#rec,
      // A reconcile pass is queued: the record may be between a change and its consequences.
      busy: () => this.#scheduled,
      submit: (report, r) => ctx.submit(report, r),
      acknowledged: (report) => this.#acknowledged(report),
      timers: ctx.timers,
      rng: ctx.rng,
      log: this.#log,
    });
  }

  /** A task new to this agent: its record is on disk before this resolves. */
  static async create(task: AssignedTask, ctx: ManagedTaskContext): Promise<ManagedTask> {
    const mt = new ManagedTask(newTaskRecord(task, { bridgeNamespaces: ctx.bridgeNamespaces === true && ctx.networks !== undefined }), ctx);
    // Its credentials came first (the control plane sends them before the manifest).
    mt.#adoptCredentialsId();
    await mt.#persist();
    mt.#log.info({ desired: task.desiredStatus, family: task.family, revision: task.revision }, "task assigned");
    return mt;
  }

  /** A task from the state dir, already reconciled with the runtime (runtime-reconcile.ts); then start(). */
  static fromRecord(rec: TaskRecord, ctx: ManagedTaskContext): ManagedTask {
    return new ManagedTask(rec, ctx);
  }

  get record(): Readonly<TaskRecord> {
    return this.#rec;
  }

  /** Begins (or resumes) driving the task. */
  start(): void {
    // Containers keep the metadata URIs they started with: a restarted agent listens there again.
    const url = this.#rec.network?.status === "ATTACHED" ? this.#rec.network.metadataBaseUrl : undefined;
    if (url && this.#ctx.metadataAt) {
      this.#ctx.metadataAt(new URL(url).hostname).catch((err: unknown) => this.#log.warn({ err }, "the metadata endpoint cannot listen on the task's router address"));
    }
    // Through a reconcile pass first: the reporter must not see a restored record before the
    // task's own decisions (an essential exit found at restore stops the task) are made.
    this.#dirty = true;
    for (const c of this.#rec.containers) {
      const exit = c.unhandledExit;
      delete c.unhandledExit;
      if (exit) this.#exited(c, exit);
    }
    this.#resumeLogDriver();
    this.#kick();
  }

  /** Restored containers that ran: their awslogs shippers go on where the last agent's stopped. */
  #resumeLogDriver(): void {
    const awslogs = this.#ctx.awslogs;
    if (!awslogs) return;
    for (const c of this.#rec.containers) {
      const assigned = this.#rec.task.containers.find((a) => a.name === c.name);
      if (!c.runtimeId || c.startedAt === undefined || !assigned || !usesAwslogs(assigned.definition)) continue;
      void awslogs.resume(this.#logDriverContainer(c, assigned.definition, c.runtimeId));
    }
  }

  #logDriverContainer(c: ContainerRecord, definition: Record<string, unknown>, runtimeId: string): AwslogsContainer {
    return {
      taskArn: this.taskArn,
      taskId: this.taskId,
      ...optional("executionRoleArn", this.#rec.task.executionRoleArn),
      region: regionOf(this.taskArn),
      name: c.name,
      definition,
      runtimeId,
    };
  }

  /** A newer assignment from the control plane; resolves once persisted. */
  update(task: AssignedTask): Promise<void> {
    // Listed again after a full manifest left it out: the control plane hears about it again.
    const relisted = this.#rec.disowned === true;
    // The control plane bumps version with every change, so an equal one brings nothing new
    // (a full manifest after each reconnect repeats every task).
    if (!relisted && task.version <= this.#rec.task.version) return Promise.resolve();
    this.#rec.disowned = false;
    if (task.version >= this.#rec.task.version) this.#rec.task = task;
    if (task.desiredStatus === "STOPPED" && this.#rec.desired !== "STOPPED") {
      this.#rec.desired = "STOPPED";
      this.#rec.stopReason ??= task.stoppedReason ?? "Task stopped by the control plane";
      this.#log.info({ reason: this.#rec.stopReason }, "control plane wants the task stopped");
    }
    this.#kick();
    return this.#persist();
  }

  /** The control plane no longer lists this task: stop it, report nothing, remove it. */
  disown(): void {
    if (this.#rec.disowned) return;
    this.#log.warn("task is not in the control plane's manifest; stopping it");
    this.#rec.disowned = true;
    if (this.#rec.desired !== "STOPPED") {
      this.#rec.desired = "STOPPED";
      this.#rec.stopReason ??= "Task is no longer assigned to this container instance";
    }
    this.#kick();
    void this.#persist();
    this.#scheduleCleanup();
  }

  onRuntimeEvent(e: RuntimeEvent): void {
    const c = this.#rec.containers.find((x) => x.name === e.containerName);
    if (!c || (c.runtimeId !== undefined && c.runtimeId !== e.id)) return;
    if (e.kind === "health") {
      if (c.health === e.status) return;
      c.health = e.status;
      c.healthSince = e.at;
      if (e.output !== undefined) c.healthOutput = e.output;
      this.#log.info({ container: c.name, health: e.status }, "container health changed");
      this.#changed();
      this.#ctx.onHealthChanged(this);
      this.#kick();
      return;
    }
    if (c.runtimeId === undefined || c.known === "STOPPED") return;
    if (e.kind === "exited") {
      const { kind: _k, id: _i, taskArn: _t, containerName: _n, ...exit } = e;
      if (this.#inFlight.has(c.name)) this.#pendingExits.set(c.name, exit);
      else this.#exited(c, exit);
    } else if (e.kind === "started" && !this.#inFlight.has(c.name) && c.known === "CREATED") {
      c.known = "RUNNING";
      c.startedAt = e.at;
      this.#changed();
    }
    this.#kick();
  }

  /** The control plane sent (or renewed) one of the task's role credentials. */
  credentialsChanged(roleType: RoleType): void {
    if (roleType === "TaskApplication" && this.#adoptCredentialsId()) {
      this.#changed();
      void this.#persist();
    }
    this.#kick();
  }

  /**
   * The containers' credentials id is the first credentialsId the control plane sent for the
   * task role; renewals (and sessions issued after a control-plane restart) are served there.
   */
  #adoptCredentialsId(): boolean {
    if (!this.#rec.task.taskRoleArn || this.#rec.credentialsEndpoint) return false;
    const creds = this.#ctx.credentials.get(this.taskArn, "TaskApplication");
    if (!creds) return false;
    this.#rec.credentialsEndpoint = { id: creds.credentialsId, token: randomBytes(24).toString("base64url") };
    return true;
  }

  /** A report waiting out a back-off goes now. */
  retryReport(): void {
    this.#reporter.retryNow();
  }

  /** Resolves when no runtime call or report is pending and nothing more is due. */
  async settled(): Promise<void> {
    for (;;) {
      await this.#reporter.whenIdle();
      if (this.#inFlight.size === 0 && !this.#networkBusy && !this.#scheduled && this.#reporter.idle) return;
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Stops driving: timers cleared; the containers keep running (as when the ECS agent stops). */
  close(): void {
    this.#closed = true;
    this.#reporter.close();
    if (this.#recheck) this.#ctx.timers.clearTimeout(this.#recheck.handle);
    if (this.#cleanup) this.#ctx.timers.clearTimeout(this.#cleanup);
  }

  #kick(): void {
    if (this.#scheduled || this.#closed) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#reconcile();
    });
  }

  #changed(): void {
    this.#dirty = true;
  }

  /** One level-based pass: decide, record what needs no runtime call, launch what does. */
  #reconcile(): void {
    if (this.#closed) return;
    const now = this.#ctx.timers.now();
    let recheckAt: number | undefined;
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const decision = decideTask(taskSnapshot(this.#rec, this.#inFlight, this.#networkBusy, this.#resources()), now);
      if (decision.known !== this.#rec.known) this.#setKnown(decision.known, now);
      recheckAt = decision.recheckAt;
      let recorded = false;
      for (const action of decision.actions) recorded = this.#apply(action, now) || recorded;
      if (!recorded) break;
    }
    this.#scheduleRecheck(recheckAt);
    if (this.#dirty) {
      this.#dirty = false;
      this.#afterChange();
    } else {
      this.#reporter.kick();
    }
  }

  /** Applies one action; true when it only changed the record (the caller decides again). */
  #apply(action: TaskAction, now: number): boolean {
    switch (action.kind) {
      case "stopTask":
        this.#rec.desired = "STOPPED";
        this.#rec.stopReason ??= action.reason;
        this.#log.info({ reason: action.reason }, "stopping task");
        this.#changed();
        return true;
      case "markStopped": {
        const c = this.#container(action.container);
        c.known = "STOPPED";
        c.exitCode ??= null;
        if (action.reason) c.reason = action.reason;
        c.finishedAt = now;
        this.#changed();
        return true;
      }
      case "create":
        void this.#create(this.#container(action.container));
        return false;
      case "start":
        void this.#start(this.#container(action.container));
        return false;
      case "stop":
        void this.#stop(this.#container(action.container));
        return false;
      case "setUpNetwork":
      case "releaseNetwork":
        void this.#network(action.kind);
        return false;
      case "resolveSecrets":
        void this.#readSecrets();
        return false;
    }
  }

  /** What the containers wait for besides the network (task-transitions.ts), undefined when nothing. */
  #resources(): TaskResources | undefined {
    const task = this.#rec.task;
    const secrets = task.containers.some((c) => hasSecrets(c.definition));
    // awslogs streams are made (before a container starts) with the execution role's credentials.
    const awslogs = this.#ctx.awslogs !== undefined && task.containers.some((c) => usesAwslogs(c.definition));
    if (!task.taskRoleArn && !secrets && !awslogs) return undefined;
    const missing: string[] = [];
    if (task.taskRoleArn && !this.#rec.credentialsEndpoint) missing.push("TaskApplication");
    const needsExecution = rolesNeeded(task).some((r) => r.roleType === "TaskExecution");
    const executionMissing = needsExecution && !this.#ctx.credentials.has(this.taskArn, "TaskExecution");
    if (executionMissing && ((secrets && this.#secrets === undefined) || (awslogs && this.#rec.known === "NONE"))) missing.push("TaskExecution");
    return { missingCredentials: missing, ...(secrets ? { secrets: { ready: this.#secrets !== undefined, inFlight: this.#secretsBusy } } : {}) };
  }

  /** Reads the task's secrets before its containers are created; a failure stops the task with ECS's reason. */
  async #readSecrets(): Promise<void> {
    this.#secretsBusy = true;
    const outcome = await this.#fetchSecrets();
    this.#secretsBusy = false;
    if (outcome.ok) {
      this.#secrets = outcome.env;
      this.#log.info({ containers: outcome.env.size }, "secrets read");
    } else {
      this.#log.warn({ reason: outcome.reason }, "could not read the task's secrets");
      this.#rec.desired = "STOPPED";
      this.#rec.stopReason ??= outcome.reason;
      for (const c of this.#rec.containers) if (c.known === "NONE") c.reason = outcome.reason;
    }
    this.#changed();
    this.#kick();
  }

  async #fetchSecrets(): Promise<SecretsOutcome> {
    const task = this.#rec.task;
    const creds = this.#ctx.credentials.get(this.taskArn, "TaskExecution");
    if (!task.executionRoleArn || !creds) return { ok: false, reason: secretFailures.noCredentials() };
    const refs = secretRefsOf(task, regionOf(this.taskArn));
    if (!refs.ok) return refs;
    if (!this.#ctx.resolveSecrets) return { ok: false, reason: secretFailures.noCredentials() };
    try {
      return await this.#ctx.resolveSecrets(refs.refs, creds);
    } catch (err) {
      return { ok: false, reason: `${SECRETS_FAILURE_PREFIX}${(err as Error).message}` };
    }
  }

  /** Where this task's containers read the task role's credentials (container-spec.ts). */
  #credentialsAccess(): SpecContext["credentials"] {
    const ep = this.#rec.credentialsEndpoint;
    if (!this.#rec.task.taskRoleArn || !ep) return undefined;
    const path = credentialsPath(ep.id);
    const net = this.#rec.network;
    // In a namespace of berth's, 169.254.170.2 is redirected to this agent; on Docker's bridge too when the agent set that up.
    const namespaced = net?.status === "ATTACHED" && this.#ctx.credentialsPort !== undefined;
    const dockerBridge = this.#ctx.bridgeCredentials === true && !net && (this.#rec.task.networkMode || "bridge") === "bridge";
    if (namespaced || dockerBridge) return { relativeUri: path };
    return { fullUri: `${this.#ctx.loopbackUrl}${path}`, token: ep.token };
  }

  /** Sets up or releases the task's namespace; a failed set-up stops the task with its reason. */
  async #network(kind: "setUpNetwork" | "releaseNetwork"): Promise<void> {
    this.#networkBusy = true;
    let retry = false;
    if (kind === "setUpNetwork") {
      const credentialsPort = this.#rec.task.taskRoleArn ? this.#ctx.credentialsPort : undefined;
      const failure = await setUpNetwork(this.#rec, this.taskId, this.#ctx.networks, this.#ctx.driver, this.#ctx.instanceId, this.#ctx.metadataAt, credentialsPort);
      if (failure) {
        this.#log.warn({ reason: failure }, "could not set up the task's network");
        this.#rec.desired = "STOPPED";
        this.#rec.stopReason ??= failure;
      } else this.#log.info({ namespace: this.#rec.network?.namespacePath, address: this.#rec.network?.address, hostPorts: this.#rec.network?.hostPorts }, "task network attached");
    } else {
      try {
        await releaseNetwork(this.#rec, this.taskId, this.#ctx.networks, this.#ctx.driver);
        this.#log.info("task network deleted");
      } catch (err) {
        this.#log.error({ err }, "could not remove the task's network; trying again");
        retry = true;
      }
    }
    this.#networkBusy = false;
    this.#changed();
    if (retry) this.#scheduleRecheck(this.#ctx.timers.now() + STOP_RETRY_MS);
    this.#kick();
  }

  #setKnown(known: TaskRecord["known"], now: number): void {
    this.#rec.known = known;
    if (known === "RUNNING") this.#rec.startedAt ??= now;
    if (known === "STOPPED") {
      const finished = this.#rec.containers.map((c) => c.finishedAt ?? now);
      this.#rec.executionStoppedAt ??= Math.max(...finished);
      // Nothing of the task runs any more: its keys and secret values go, and its storage.
      this.#ctx.credentials.forget(this.taskArn);
      this.#secrets = undefined;
      void this.#storage.release();
    }
    this.#log.info({ known }, "task status");
    this.#changed();
  }

  async #create(c: ContainerRecord): Promise<void> {
    this.#inFlight.set(c.name, "CREATED");
    this.#rec.pullStartedAt ??= this.#ctx.timers.now();
    const assigned = this.#rec.task.containers.find((a) => a.name === c.name);
    const storage = this.#storage.needed ? await this.#storage.ready() : undefined;
    if (storage && !storage.ok) {
      this.#failed(c, Object.assign(new Error(storage.reason), { reason: storage.reason }), "CannotCreateContainerError");
      this.#inFlight.delete(c.name);
      this.#changed();
      this.#kick();
      return;
    }
    const built = assigned
      ? buildContainerSpec(this.#rec.task, assigned, {
          instanceId: this.#ctx.instanceId,
          metadataBaseUrl: this.#rec.network?.metadataBaseUrl ?? this.#ctx.metadataBaseUrl,
          metadataToken: c.metadataToken,
          region: regionOf(this.taskArn),
          ...optional("credentials", this.#credentialsAccess()),
          ...optional("secretEnvironment", this.#secrets?.get(c.name)),
          ...(this.#rec.network?.namespacePath ? { networkNamespace: namespaceOf(this.#rec.network) } : {}),
          ...(this.#rec.network?.hostPorts ? { hostPorts: this.#rec.network.hostPorts } : {}),
          ...(storage?.ok ? { volumes: this.#storage.containerVolumes(storage, c.name) } : {}),
          defaultStopTimeoutSeconds: this.#ctx.defaultStopTimeoutSeconds,
        })
      : ({ ok: false, reason: `CannotCreateContainerError: container ${c.name} is not in the assignment` } as const);
    try {
      if (!built.ok) throw Object.assign(new Error(built.reason), { reason: built.reason });
      const id = await this.#ctx.driver.createContainer(built.spec);
      c.runtimeId = id;
      c.known = "CREATED";
      c.createdAt = this.#ctx.timers.now();
      this.#log.debug({ container: c.name, id }, "container created");
    } catch (err) {
      this.#failed(c, err, "CannotCreateContainerError");
    }
    this.#inFlight.delete(c.name);
    if (this.#rec.containers.every((x) => x.known !== "NONE" && this.#inFlight.get(x.name) !== "CREATED")) {
      this.#rec.pullStoppedAt ??= this.#ctx.timers.now();
    }
    this.#changed();
    // Not waiting for the runtime id to reach the disk before the start: a restart that finds
    // no id adopts the container by its task ARN and name labels (runtime-reconcile.ts).
    this.#kick();
  }

  /** Starts a created container, or (restartOf: the exit it restarts from) an exited one again. */
  async #start(c: ContainerRecord, restartOf?: ExitInfo): Promise<void> {
    this.#inFlight.set(c.name, "RUNNING");
    const driver = this.#ctx.driver;
    const id = c.runtimeId as string;
    try {
      // The runtime keeps secret values in memory only: each start hands them again, read anew
      // when the agent restarted since the container was made.
      const secretEnvironment = await this.#secretsFor(c.name);
      await this.#openLogDriver(c, id);
      await driver.start(id, secretEnvironment ? { secretEnvironment } : {});
      const st = await driver.inspect(id);
      c.known = "RUNNING";
      c.startedAt = st.startedAt ?? this.#ctx.timers.now();
      c.networkBindings = st.networkBindings;
      if (st.imageId) c.imageId = st.imageId;
      if (st.exit && !this.#pendingExits.has(c.name)) this.#pendingExits.set(c.name, st.exit);
      this.#log.debug({ container: c.name }, "container started");
    } catch (err) {
      if (!restartOf) this.#failed(c, err, "CannotStartContainerError");
      else {
        // As the ECS agent does: a restart that fails leaves the exit as it was.
        this.#log.warn({ err, container: c.name }, "could not restart the container");
        applyExit(c, restartOf);
      }
    }
    this.#inFlight.delete(c.name);
    this.#takePendingExit(c);
    this.#changed();
    this.#kick();
  }

  /**
   * The awslogs driver's stream exists before the container starts, as Docker's driver makes it
   * at container start: a failure is the container's CannotStartContainerError.
   */
  async #openLogDriver(c: ContainerRecord, runtimeId: string): Promise<void> {
    const assigned = this.#rec.task.containers.find((a) => a.name === c.name);
    if (!this.#ctx.awslogs || !assigned || !usesAwslogs(assigned.definition)) return;
    const reason = await this.#ctx.awslogs.open(this.#logDriverContainer(c, assigned.definition, runtimeId));
    if (reason) throw Object.assign(new Error(reason), { reason });
  }

  /** The container's secret values for a start; undefined when it has none. Throws when they cannot be read. */
  async #secretsFor(container: string): Promise<Record<string, string> | undefined> {
    const assigned = this.#rec.task.containers.find((a) => a.name === container);
    if (!assigned || !hasSecrets(assigned.definition)) return undefined;
    if (!this.#secrets) {
      const outcome = await this.#fetchSecrets();
      if (!outcome.ok) throw Object.assign(new Error(outcome.reason), { reason: outcome.reason });
      this.#secrets = outcome.env;
    }
    return this.#secrets.get(container) ?? {};
  }

  async #stop(c: ContainerRecord): Promise<void> {
    this.#inFlight.set(c.name, "STOPPED");
    const driver = this.#ctx.driver;
    const id = c.runtimeId as string;
    let retry = false;
    try {
      await driver.stop(id);
      const exit = this.#pendingExits.get(c.name) ?? (await driver.wait(id));
      this.#pendingExits.set(c.name, exit);
    } catch (err) {
      if ((err as Error).name === "ContainerNotFoundError") {
        this.#pendingExits.set(c.name, { exitCode: null, reason: VANISHED_REASON, finishedAt: this.#ctx.timers.now() });
      } else {
        this.#log.error({ err, container: c.name }, "could not stop the container; trying again");
        retry = true;
      }
    }
    this.#inFlight.delete(c.name);
    this.#takePendingExit(c);
    this.#changed();
    if (retry && c.known !== "STOPPED") this.#scheduleRecheck(this.#ctx.timers.now() + STOP_RETRY_MS);
    this.#kick();
  }

  #takePendingExit(c: ContainerRecord): void {
    const exit = this.#pendingExits.get(c.name);
    this.#pendingExits.delete(c.name);
    if (exit && c.known !== "STOPPED") this.#exited(c, exit);
  }

  #exited(c: ContainerRecord, exit: ExitInfo): void {
    const now = this.#ctx.timers.now();
    const input = restartInput(this.#rec, c, exit.exitCode, now);
    const verdict = decideRestart(input);
    if (verdict.restart) {
      // Restarted in place: it stays RUNNING for the control plane, which hears of no exit.
      c.restartCount = (c.restartCount ?? 0) + 1;
      c.lastRestartAt = now;
      if (c.health !== "UNKNOWN") {
        // A new run is not healthy until its own checks say so.
        c.health = "UNKNOWN";
        c.healthSince = now;
        this.#ctx.onHealthChanged(this);
      }
      this.#log.info({ container: c.name, exitCode: exit.exitCode, restartCount: c.restartCount }, "container exited; restarting it (restartPolicy)");
      this.#changed();
      void this.#start(c, exit);
      return;
    }
    if (input.policy?.enabled) this.#log.info({ container: c.name, why: verdict.why }, "container exited; not restarted");
    applyExit(c, exit);
    this.#log.info({ container: c.name, exitCode: exit.exitCode, reason: exit.reason }, "container exited");
    this.#changed();
  }

  /** A create or start that failed: the container never ran and carries ECS's reason. */
  #failed(c: ContainerRecord, err: unknown, fallback: string): void {
    const reason = reasonOf(err, fallback);
    c.known = "STOPPED";
    c.exitCode = null;
    c.reason = reason;
    c.finishedAt = this.#ctx.timers.now();
    this.#log.warn({ container: c.name, reason }, "container failed to start");
  }

  #container(name: string): ContainerRecord {
    const c = this.#rec.containers.find((x) => x.name === name);
    if (!c) throw new Error(`task ${this.taskArn} has no container ${JSON.stringify(name)}`);
    return c;
  }

  #afterChange(): void {
    void this.#persist();
    this.#reporter.kick();
    this.#scheduleCleanup();
  }

  #acknowledged(report: Report): void {
    acknowledge(this.#rec, report);
    void this.#persist();
    this.#scheduleCleanup();
  }

  #persist(): Promise<void> {
    if (this.#removed) return Promise.resolve();
    return this.#ctx.store.saveTask(this.taskId, this.#rec).catch((err: unknown) => {
      this.#log.error({ err }, "could not write the task's state");
    });
  }

  #scheduleRecheck(at: number | undefined): void {
    if (at === undefined || this.#closed) return;
    if (this.#recheck && this.#recheck.at <= at) return;
    if (this.#recheck) this.#ctx.timers.clearTimeout(this.#recheck.handle);
    const handle = this.#ctx.timers.setTimeout(() => {
      this.#recheck = undefined;
      this.#kick();
    }, Math.max(0, at - this.#ctx.timers.now()));
    this.#recheck = { at, handle };
  }

  /** Once stopped and acknowledged, the containers stay for cleanupWaitMs, then go. */
  #scheduleCleanup(): void {
    const rec = this.#rec;
    if (this.#cleanup || this.#closed || rec.known !== "STOPPED") return;
    // The record is what says a namespace is this agent's: it stays until the namespace is gone.
    if (rec.network && rec.network.status !== "DELETED") return;
    if (!rec.disowned && rec.reported !== "STOPPED") return;
    const stoppedAt = rec.executionStoppedAt ?? this.#ctx.timers.now();
    const wait = rec.disowned ? 0 : Math.max(0, stoppedAt + this.#ctx.cleanupWaitMs - this.#ctx.timers.now());
    this.#cleanup = this.#ctx.timers.setTimeout(() => void this.#remove(), wait);
  }

  async #remove(): Promise<void> {
    if (this.#closed) return;
    this.#removed = true;
    this.close();
    await this.#ctx.awslogs?.closeTask(this.taskArn);
    for (const c of this.#rec.containers) {
      if (!c.runtimeId) continue;
      await this.#ctx.driver.remove(c.runtimeId).catch((err: unknown) => this.#log.warn({ err, container: c.name }, "could not remove the container"));
    }
    await this.#storage.removeTaskVolumes();
    await this.#ctx.store.deleteTask(this.taskId);
    this.#ctx.credentials.forget(this.taskArn);
    this.#log.info("task cleaned up");
    this.#ctx.onRemoved(this);
  }
}

/** `{ [key]: value }` when value is defined, else `{}` (exactOptionalPropertyTypes). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}

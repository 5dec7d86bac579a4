// Role sessions for the tasks agents run (ECS's credential vending): before the channel sends
// a task to its agent, the vendor assumes the task's roles as ecs-tasks.amazonaws.com (session
// name: the task id; aws:SourceArn: the task ARN; 6 hours) and hands back the TaskCredentials
// messages that go first; it renews each session at half its life and pushes the new keys to
// the task's agent; it forgets (and revokes) a task's sessions once the task has stopped. A task
// whose role is missing or does not trust ECS is stopped before it starts, with ECS's reason.
//
// The keys live in this object's memory only — never in the store (IAM keeps the session it
// verifies requests with; that is IAM's record), a task record, a log line or an event. After a
// restart of the control plane nothing is held: the first manifest to each agent issues fresh
// sessions, and the agent keeps serving its containers at the ids they already know.
import type { Logger } from "pino";
import { iam, tasks as taskOps, taskRecords, type Deps } from "../domain/index.js";
import { parseArn, rolesNeeded, uuid, type RoleCredentials, type RoleNeed, type RoleType, type ServerMessage } from "../model/index.js";
import {
  assumeFailureReason,
  ECS_TASKS_PRINCIPAL,
  isPermanentAssumeFailure,
  refreshAt,
  REFRESH_RETRY_MS,
  SESSION_SECONDS,
  wantsCredentials,
} from "./task-credential-rules.js";

type TaskRecord = taskRecords.TaskRecord;

export interface VendorTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface CredentialsVendorOptions {
  logger: Logger;
  /** Sends renewed credentials to the agent running the task, if it is connected to this process. */
  push(task: TaskRecord, messages: ServerMessage[]): void;
  /** Default: IAM's assumeRoleForService over deps. */
  assume?(request: iam.ServiceAssumeRequest): Promise<iam.TemporaryCredentials>;
  /** Default: IAM's revokeSession. */
  revoke?(accountId: string, accessKeyId: string): Promise<void>;
  /** Default: a stop with stopCode TaskFailedToStart (tasks.requestStop). */
  stop?(task: TaskRecord, reason: string): Promise<TaskRecord>;
  timers?: VendorTimers;
  /** Session length; default ECS's 6 hours. */
  durationSeconds?: number;
}

/** What a task's agent is to receive before its manifest; `stopped`: tasks stopped because a role could not be assumed. */
export interface Prepared {
  messages: ServerMessage[];
  stopped: TaskRecord[];
}

interface Held {
  credentialsId: string;
  creds: iam.TemporaryCredentials;
  refreshAt: number;
}

interface Entry {
  taskArn: string;
  accountId: string;
  roles: Map<RoleType, Held>;
  /** Every access key issued for the task (renewals too): all are revoked when it stops. */
  issued: string[];
  timer?: unknown;
  /** Set after a failed renewal: the next try's delay. */
  retryMs?: number;
}

const nodeTimers: VendorTimers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export class CredentialsVendor {
  readonly #entries = new Map<string, Entry>();
  /** A task's issuing in flight: a second caller waits for it instead of assuming twice. */
  readonly #inFlight = new Map<string, Promise<Prepared>>();
  readonly #timers: VendorTimers;
  readonly #log: Logger;
  #closed = false;

  constructor(
    private readonly deps: Deps,
    private readonly options: CredentialsVendorOptions,
  ) {
    this.#timers = options.timers ?? nodeTimers;
    this.#log = options.logger;
  }

  /** Whether a task has roles the agent must hold credentials of (a quick check before prepare). */
  needs(t: TaskRecord): boolean {
    return rolesNeeded(t.assignment).length > 0 && wantsCredentials(statusOf(t));
  }

  /** Credentials messages for tasks about to be sent to their agent; sessions are issued as needed. */
  async prepare(tasks: readonly TaskRecord[]): Promise<Prepared> {
    const parts = await Promise.all(tasks.filter((t) => rolesNeeded(t.assignment).length > 0).map((t) => this.#forTask(t)));
    return { messages: parts.flatMap((p) => p.messages), stopped: parts.flatMap((p) => p.stopped) };
  }

  /** The task stopped (or is gone): no more renewals; its sessions are revoked. */
  forget(taskArn: string): void {
    const entry = this.#entries.get(taskArn);
    if (!entry) return;
    this.#entries.delete(taskArn);
    if (entry.timer !== undefined) this.#timers.clearTimeout(entry.timer);
    const revoke = this.options.revoke ?? ((account, key) => iam.revokeSession(this.deps, account, key));
    for (const key of entry.issued) {
      revoke(entry.accountId, key).catch((err: unknown) => this.#log.warn({ err: (err as Error).message, task: entry.taskArn }, "could not revoke a stopped task's role session"));
    }
  }

  /** How many tasks hold sessions (tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }

  close(): void {
    this.#closed = true;
    for (const e of this.#entries.values()) if (e.timer !== undefined) this.#timers.clearTimeout(e.timer);
    this.#entries.clear();
  }

  #forTask(t: TaskRecord): Promise<Prepared> {
    const running = this.#inFlight.get(t.taskArn);
    const run = (running ?? Promise.resolve()).then(() => this.#issue(t));
    const settled = run.finally(() => {
      if (this.#inFlight.get(t.taskArn) === settled) this.#inFlight.delete(t.taskArn);
    });
    this.#inFlight.set(t.taskArn, settled);
    return settled;
  }

  async #issue(t: TaskRecord): Promise<Prepared> {
    const none: Prepared = { messages: [], stopped: [] };
    if (this.#closed) return none;
    if (!wantsCredentials(statusOf(t))) {
      if (t.lastStatus === "STOPPED") this.forget(t.taskArn);
      return none;
    }
    const accountId = parseArn(t.taskArn)?.accountId;
    if (!accountId) return none;
    const entry: Entry = this.#entries.get(t.taskArn) ?? { taskArn: t.taskArn, accountId, roles: new Map<RoleType, Held>(), issued: [] };
    this.#entries.set(t.taskArn, entry);
    const now = this.deps.clock.now();
    const messages: ServerMessage[] = [];
    let failed = false;
    for (const need of rolesNeeded(t.assignment)) {
      let held = entry.roles.get(need.roleType);
      if (!held || held.creds.roleArn !== need.roleArn || now >= held.refreshAt) {
        try {
          held = await this.#assume(t, need, held, now);
          entry.roles.set(need.roleType, held);
          entry.issued.push(held.creds.accessKeyId);
        } catch (err) {
          const code = (err as { code?: string }).code;
          if (isPermanentAssumeFailure(code) && t.startedAt === undefined) {
            this.#log.warn({ task: t.taskArn, roleArn: need.roleArn, code }, "cannot assume the task's role; stopping the task before it starts");
            try {
              const stopped = await this.#stop(t, assumeFailureReason(need.roleArn));
              this.forget(t.taskArn);
              return { messages: [], stopped: [stopped] };
            } catch (stopErr) {
              this.#log.error({ err: stopErr, task: t.taskArn }, "could not stop a task whose role cannot be assumed; trying again");
              failed = true;
              continue;
            }
          }
          // A running task keeps what it holds (valid until its expiry) while renewals are retried.
          this.#log.warn({ task: t.taskArn, roleArn: need.roleArn, err: (err as Error).message }, "could not renew the task's role session; trying again");
          failed = true;
          if (!held || Date.parse(held.creds.expiration) <= now) continue;
        }
      }
      messages.push(credentialsMessage(t.taskArn, need.roleType, held));
    }
    this.#schedule(entry, failed);
    return { messages, stopped: [] };
  }

  async #assume(t: TaskRecord, need: RoleNeed, previous: Held | undefined, now: number): Promise<Held> {
    const assume = this.options.assume ?? ((request) => iam.assumeRoleForService(this.deps, request));
    const creds = await assume({
      accountId: parseArn(t.taskArn)!.accountId,
      roleArn: need.roleArn,
      sessionName: t.id,
      durationSeconds: this.options.durationSeconds ?? SESSION_SECONDS,
      servicePrincipal: ECS_TASKS_PRINCIPAL,
      sourceArn: t.taskArn,
    });
    // Renewals keep the id: the containers' environment names it.
    return { credentialsId: previous?.credentialsId ?? uuid(), creds, refreshAt: refreshAt(now, creds.expiration) };
  }

  #stop(t: TaskRecord, reason: string): Promise<TaskRecord> {
    if (this.options.stop) return this.options.stop(t, reason);
    const arn = parseArn(t.taskArn)!;
    return taskOps.requestStop(this.deps, { accountId: arn.accountId, region: arn.region }, t, "TaskFailedToStart", reason);
  }

  #schedule(entry: Entry, failed: boolean): void {
    if (entry.timer !== undefined) this.#timers.clearTimeout(entry.timer);
    entry.timer = undefined;
    if (this.#closed || (entry.roles.size === 0 && !failed)) return;
    const now = this.deps.clock.now();
    let delay: number;
    if (failed) {
      delay = entry.retryMs ?? REFRESH_RETRY_MS;
      entry.retryMs = Math.min(delay * 2, 30 * 60_000);
    } else {
      delete entry.retryMs;
      delay = Math.min(...[...entry.roles.values()].map((h) => h.refreshAt)) - now;
    }
    entry.timer = this.#timers.setTimeout(() => void this.#renew(entry.taskArn), Math.max(0, delay));
  }

  async #renew(taskArn: string): Promise<void> {
    const entry = this.#entries.get(taskArn);
    if (!entry || this.#closed) return;
    entry.timer = undefined;
    const t = currentTask(this.deps, taskArn);
    if (!t || !wantsCredentials(statusOf(t))) {
      this.forget(taskArn);
      return;
    }
    try {
      const prepared = await this.#forTask(t);
      if (prepared.messages.length) this.options.push(t, prepared.messages);
    } catch (err) {
      this.#log.error({ err, task: taskArn }, "renewing a task's role credentials failed");
    }
  }
}

function statusOf(t: TaskRecord) {
  return { lastStatus: t.lastStatus, agentDesired: taskRecords.agentDesiredStatus(t), ...(t.startedAt !== undefined ? { startedAt: t.startedAt } : {}) };
}

function currentTask(deps: Deps, taskArn: string): TaskRecord | undefined {
  const arn = parseArn(taskArn);
  if (!arn) return undefined;
  const [cluster, id] = arn.resource.split("/");
  if (!cluster || !id) return undefined;
  return taskOps.findTask(deps, { accountId: arn.accountId, region: arn.region }, cluster, id);
}

function credentialsMessage(taskArn: string, roleType: RoleType, held: Held): ServerMessage {
  const c = held.creds;
  const credentials: RoleCredentials = {
    credentialsId: held.credentialsId,
    roleArn: c.roleArn,
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    sessionToken: c.sessionToken,
    expiration: c.expiration,
  };
  return { type: "TaskCredentials", messageId: uuid(), taskArn, roleType, credentials };
}

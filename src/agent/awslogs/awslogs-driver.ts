// The awslogs log driver of one agent: for each container whose logConfiguration names
// awslogs, it makes the log group (awslogs-create-group) and stream before the container
// starts — as Docker's driver does when a container starts, so a role that may not write logs
// stops the task with ECS's CannotStartContainerError — and then runs a shipper (shipper.ts)
// for the container until all it wrote is stored after it exits (again, if it starts again).
//
// Credentials: the task's execution role, as ECS requires for awslogs on Fargate; the control
// plane sends them to the agent for any task that has an execution role and an awslogs
// container. A task without an execution role ships with the agent's own credentials (the
// container instance role's part on ECS with EC2). The shipper keeps the last credentials it
// was given, because the agent forgets a task's credentials the moment the task stops and the
// last lines are sent after that.
import type { Logger } from "pino";
import type { Credentials, EndpointTarget } from "../../client/index.js";
import type { RoleCredentials } from "../../model/index.js";
import type { RuntimeDriver, Timers } from "../../runtime/index.js";
import { createStream, driverFailureReason, isTransient, type LogsCall } from "./cloudwatch-calls.js";
import { type AwslogsConfig, awslogsConfig, streamName } from "./options.js";
import type { LogPosition } from "./batching.js";
import { ContainerShipper } from "./shipper.js";
import { CursorFiles } from "./cursor-file.js";

export interface AwslogsDriverDeps {
  driver: RuntimeDriver;
  timers: Timers;
  log: Logger;
  /** berth's API, where the agent sends everything. */
  endpoint: EndpointTarget;
  /** The agent's own credentials: for tasks without an execution role. */
  agentCredentials: Credentials;
  /** The execution role's current credentials for a task, if the control plane sent them. */
  executionCredentials(taskArn: string): RoleCredentials | undefined;
  /** Where shippers keep their positions (cursor-file.ts); without it a restarted agent sends each log from its start. */
  stateDir?: string;
  call?: LogsCall;
}

export interface AwslogsContainer {
  taskArn: string;
  taskId: string;
  executionRoleArn?: string;
  /** The task's region: awslogs-region's default. */
  region: string;
  name: string;
  definition: Record<string, unknown>;
  runtimeId: string;
}

/** Attempts at creating the stream when the API is away (the container then cannot start). */
const OPEN_ATTEMPTS = 3;

export class AwslogsDriver {
  readonly #deps: AwslogsDriverDeps;
  readonly #shippers = new Map<string, ContainerShipper>();
  readonly #cursors: CursorFiles | undefined;

  constructor(deps: AwslogsDriverDeps) {
    this.#deps = deps;
    this.#cursors = deps.stateDir ? new CursorFiles(deps.stateDir) : undefined;
  }

  /**
   * Before the container starts: the group and stream exist, and a shipper runs. Resolves
   * with the reason the container cannot start, or undefined. A container started again (a
   * restart in place) keeps its shipper.
   */
  async open(c: AwslogsContainer): Promise<string | undefined> {
    const key = `${c.taskArn}/${c.name}`;
    const existing = this.#shippers.get(key);
    if (existing) {
      void existing.start();
      return undefined;
    }
    const parsed = awslogsConfig(c.definition, c.region);
    if (!parsed.ok) return `CannotStartContainerError: Error response from daemon: ${parsed.reason}`;
    const config = parsed.config;
    const stream = streamName(config, c.name, c.taskId, c.runtimeId);
    const credentials = this.#credentialsOf(c);
    const initial = credentials();
    if (!initial) return "CannotStartContainerError: Error response from daemon: failed to initialize logging driver: no credentials for the task's execution role";
    for (let attempt = 1; ; attempt++) {
      try {
        await createStream({ endpoint: this.#deps.endpoint, region: config.region, credentials: initial }, config.group, stream, config.createGroup, this.#deps.call);
        break;
      } catch (err) {
        if (attempt >= OPEN_ATTEMPTS || !isTransient(err)) return driverFailureReason(err);
        await new Promise((r) => this.#deps.timers.setTimeout(() => r(undefined), 1000 * attempt));
      }
    }
    await this.#ship(key, c, config, stream, credentials);
    return undefined;
  }

  /**
   * A container that was already running when the agent restarted: its shipper resumes where
   * the last agent's stopped (its stream exists: it was made before the container started).
   * It waits for the execution role's credentials, which the control plane sends again.
   */
  async resume(c: AwslogsContainer): Promise<void> {
    const key = `${c.taskArn}/${c.name}`;
    if (this.#shippers.has(key)) return;
    const parsed = awslogsConfig(c.definition, c.region);
    if (!parsed.ok) return;
    await this.#ship(key, c, parsed.config, streamName(parsed.config, c.name, c.taskId, c.runtimeId), this.#credentialsOf(c));
  }

  async #ship(key: string, c: AwslogsContainer, config: AwslogsConfig, stream: string, credentials: () => Credentials | undefined): Promise<void> {
    const cursors = this.#cursors;
    const from = await cursors?.load(c.runtimeId);
    const shipper = new ContainerShipper(
      {
        driver: this.#deps.driver,
        timers: this.#deps.timers,
        log: this.#deps.log.child({ container: c.name, logGroup: config.group, logStream: stream }),
        endpoint: this.#deps.endpoint,
        credentials,
        ...(cursors ? { onStored: (at: LogPosition) => cursors.save(c.runtimeId, at) } : {}),
        ...(this.#deps.call ? { call: this.#deps.call } : {}),
      },
      config,
      stream,
      c.runtimeId,
      from,
    );
    this.#shippers.set(key, shipper);
    void shipper.start();
  }

  /** The task's containers are being removed: their shippers stop. */
  async closeTask(taskArn: string): Promise<void> {
    const stops: Promise<void>[] = [];
    for (const [key, s] of this.#shippers) {
      if (!key.startsWith(`${taskArn}/`)) continue;
      this.#shippers.delete(key);
      stops.push(s.stop().then(() => this.#cursors?.remove(s.runtimeId)));
    }
    await Promise.all(stops);
  }

  async close(): Promise<void> {
    const all = [...this.#shippers.values()];
    this.#shippers.clear();
    await Promise.all(all.map((s) => s.stop()));
  }

  /** The execution role's latest credentials (remembered past the task's stop), or the agent's own. */
  #credentialsOf(c: AwslogsContainer): () => Credentials | undefined {
    if (!c.executionRoleArn) return () => this.#deps.agentCredentials;
    let last: Credentials | undefined;
    return () => {
      const r = this.#deps.executionCredentials(c.taskArn);
      if (r) last = { accessKeyId: r.accessKeyId, secretAccessKey: r.secretAccessKey, sessionToken: r.sessionToken };
      return last;
    };
  }
}

// The agent's end of the control plane's websocket (ECS's ACS, ecs-behavior.md §11.2): ask
// DiscoverPollEndpoint where to connect, open `<endpoint>ws?clusterArn=..&containerInstanceArn=..`,
// hand each TaskManifest to the engine and acknowledge it once its tasks are on disk, acknowledge
// heartbeats, send container health, and send state changes, each answered by a StateChangeAck. When the socket closes, or three heartbeats go missing,
// reconnect after a jittered, capped exponential backoff. This object owns the socket and its
// timers; close() releases them.
import type { Logger } from "pino";
import WebSocket from "ws";
import { JsonCallError } from "../client/index.js";
import {
  type AgentMessage,
  type AssignedTask,
  DEFAULT_HEARTBEAT_MS,
  type RoleCredentials,
  type RoleType,
  type LogsReply,
  type LogsRequest,
  type ServerMessage,
  type StateChangeOperation,
  uuid,
} from "../model/index.js";
import type { Timers } from "../runtime/index.js";
import { backoffDelay, RECONNECT_BACKOFF } from "./backoff.js";

export interface AcsChannelOptions {
  /** DiscoverPollEndpoint: the channel's base URL, e.g. `http://host:4666/_berth/acs/`. */
  discover(): Promise<string>;
  clusterArn: string;
  containerInstanceArn: string;
  /** Resolves when the tasks are safely recorded; only then is the message acknowledged. */
  onManifest(tasks: AssignedTask[], full: boolean): Promise<void>;
  /** A task's role credentials (kept in memory by the engine); acknowledged at once. */
  onCredentials?(taskArn: string, roleType: RoleType, credentials: RoleCredentials): void;
  /** A connection opened (resend what the control plane may have missed). */
  onConnected(): void;
  /** A connection closed; the channel is reconnecting. */
  onDisconnected?(): void;
  /** Serves a page of a task's logs (logs-request.ts). */
  onLogs?(request: LogsRequest): Promise<LogsReply>;
  /**
   * Signs the connection's upgrade request (SigV4 headers for a GET of `url`, service "ecs"),
   * as ECS's agent signs its ACS websocket; absent, the upgrade goes unsigned.
   */
  sign?(url: string): Promise<Record<string, string>>;
  /** Silence after which the connection counts as dead; default three heartbeats. */
  heartbeatTimeoutMs?: number;
  /** A connection that lived this long resets the backoff (the ECS agent: about a minute). */
  stableAfterMs?: number;
  timers: Timers;
  rng: () => number;
  log: Logger;
}

/** A state change went unanswered: no connection, it closed first, or the answer took too long. */
export class ChannelUnavailableError extends Error {
  override readonly name = "ChannelUnavailableError";
}

/** How long a state change waits for its answer before it counts as lost (and is retried). */
const STATE_CHANGE_TIMEOUT_MS = 30_000;

interface PendingStateChange {
  resolve(): void;
  reject(err: Error): void;
  timer: object;
}

export class AcsChannel {
  #ws: WebSocket | undefined;
  readonly #pending = new Map<string, PendingStateChange>();
  #attempt = 0;
  #reconnect: object | undefined;
  #watchdog: object | undefined;
  #openedAt = 0;
  #closed = false;
  #connects = 0;
  #waiters: (() => void)[] = [];

  constructor(private readonly options: AcsChannelOptions) {}

  get connected(): boolean {
    return this.#ws?.readyState === WebSocket.OPEN;
  }

  /** How many connections have opened so far. */
  get connectCount(): number {
    return this.#connects;
  }

  start(): void {
    void this.#connect();
  }

  /** Resolves true once connected, or false after timeoutMs. */
  waitConnected(timeoutMs: number): Promise<boolean> {
    if (this.connected) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Sends when connected; false when the message was dropped (no connection). */
  send(msg: AgentMessage): boolean {
    const ws = this.#ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(msg));
    return true;
  }

  /**
   * Reports a state change; resolves once the control plane committed it. Rejects with the
   * API's error as a JsonCallError, or with ChannelUnavailableError when it went unanswered.
   */
  stateChange(operation: StateChangeOperation, input: Record<string, unknown>): Promise<void> {
    const messageId = uuid();
    return new Promise<void>((resolve, reject) => {
      if (!this.send({ type: "StateChange", messageId, operation, input })) {
        reject(new ChannelUnavailableError("not connected to the control plane"));
        return;
      }
      const timer = this.options.timers.setTimeout(() => {
        this.#pending.delete(messageId);
        reject(new ChannelUnavailableError(`no answer to ${operation} within ${STATE_CHANGE_TIMEOUT_MS} ms`));
      }, STATE_CHANGE_TIMEOUT_MS);
      this.#pending.set(messageId, { resolve, reject, timer });
    });
  }

  /** Drops the current connection as if the network failed; the channel reconnects. */
  drop(): void {
    this.#ws?.terminate();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#clearTimers();
    this.#failPending("the agent channel is closing");
    const ws = this.#ws;
    this.#ws = undefined;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      ws.once("close", () => resolve());
      ws.close(1000, "agent stopping");
      // A peer that never answers the close handshake must not hold the shutdown.
      const t = setTimeout(() => ws.terminate(), 1000);
      t.unref();
    });
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    const { log } = this.options;
    let url: string;
    try {
      url = wsUrl(await this.options.discover(), this.options.clusterArn, this.options.containerInstanceArn);
    } catch (err) {
      log.warn({ err: (err as Error).message }, "DiscoverPollEndpoint failed");
      this.#scheduleReconnect();
      return;
    }
    let headers: Record<string, string> = {};
    try {
      headers = (await this.options.sign?.(url)) ?? {};
    } catch (err) {
      log.warn({ err: (err as Error).message }, "could not sign the channel's connection");
      this.#scheduleReconnect();
      return;
    }
    if (this.#closed) return;
    // ws sets Host itself, from the URL, as it was signed.
    delete headers.host;
    const ws = new WebSocket(url, { handshakeTimeout: 10_000, headers });
    this.#ws = ws;
    ws.on("open", () => {
      this.#openedAt = this.options.timers.now();
      this.#connects++;
      log.info({ url }, "connected to the control plane");
      this.#armWatchdog();
      this.options.onConnected();
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const w of waiters) w();
    });
    ws.on("message", (data) => {
      this.#armWatchdog();
      this.#receive(data.toString());
    });
    ws.on("ping", () => this.#armWatchdog());
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => log.error({ status: res.statusCode, body: body.trim() }, "the control plane refused the agent channel"));
      ws.terminate();
    });
    ws.on("error", (err) => log.warn({ err: err.message }, "agent channel error"));
    ws.on("close", (code, reason) => {
      if (this.#ws !== ws) return;
      this.#ws = undefined;
      if (this.#watchdog) this.options.timers.clearTimeout(this.#watchdog);
      this.#watchdog = undefined;
      if (this.#closed) return;
      const lived = this.#openedAt ? this.options.timers.now() - this.#openedAt : 0;
      if (lived >= (this.options.stableAfterMs ?? 60_000)) this.#attempt = 0;
      this.#openedAt = 0;
      this.#failPending("the agent channel closed before the control plane answered");
      log.warn({ code, reason: reason.toString() }, "agent channel closed; reconnecting");
      this.options.onDisconnected?.();
      this.#scheduleReconnect();
    });
  }

  #receive(text: string): void {
    let msg: ServerMessage;
    try {
      msg = JSON.parse(text) as ServerMessage;
    } catch {
      this.options.log.warn({ text: text.slice(0, 200) }, "the control plane sent a message that is not JSON");
      return;
    }
    if (msg.type === "Heartbeat") {
      this.send({ type: "Ack", messageId: msg.messageId });
      return;
    }
    if (msg.type === "StateChangeAck") {
      const pending = this.#pending.get(msg.messageId);
      if (!pending) return; // answered after its timeout: the retry carries the news again
      this.#pending.delete(msg.messageId);
      this.options.timers.clearTimeout(pending.timer);
      if (!msg.error) pending.resolve();
      else pending.reject(new JsonCallError(String(msg.error.type), String(msg.error.message), Number(msg.error.status)));
      return;
    }
    if (msg.type === "TaskManifest") {
      this.options.onManifest(msg.tasks ?? [], !!msg.full).then(
        () => this.send({ type: "Ack", messageId: msg.messageId }),
        // Not acknowledged: the control plane sends the task again on the next connection.
        (err: unknown) => this.options.log.error({ err }, "could not record a task manifest"),
      );
      return;
    }
    if (msg.type === "LogsRequest") {
      this.#serveLogs(msg.messageId, msg.request);
      return;
    }
    if (msg.type === "TaskCredentials") {
      const c = msg.credentials;
      if (typeof msg.taskArn !== "string" || (msg.roleType !== "TaskApplication" && msg.roleType !== "TaskExecution") || typeof c?.credentialsId !== "string") {
        // Never the message itself in the log: it holds keys.
        this.options.log.warn({ task: msg.taskArn, roleType: msg.roleType }, "the control plane sent malformed task credentials");
        return;
      }
      this.options.onCredentials?.(msg.taskArn, msg.roleType, c);
      this.send({ type: "CredentialsAck", messageId: msg.messageId, credentialsId: c.credentialsId, expiration: c.expiration });
      return;
    }
    const other = msg as { type?: unknown; messageId?: unknown };
    this.options.log.warn({ type: other.type }, "unknown message from the control plane");
    if (typeof other.messageId === "string") this.send({ type: "Ack", messageId: other.messageId });
  }

  #serveLogs(messageId: string, request: LogsRequest): void {
    const answer = (reply: LogsReply) => this.send({ type: "LogsResponse", messageId, ...reply });
    const serve = this.options.onLogs;
    if (!serve) {
      answer({ error: { type: "UnsupportedFeatureException", message: "This agent does not serve logs.", status: 400 } });
      return;
    }
    serve(request).then(answer, (err: unknown) => {
      this.options.log.error({ err }, "could not read a task's logs");
      answer({ error: { type: "ServerException", message: `The agent could not read the logs: ${(err as Error).message}`, status: 500 } });
    });
  }

  #failPending(why: string): void {
    for (const [id, pending] of this.#pending) {
      this.options.timers.clearTimeout(pending.timer);
      pending.reject(new ChannelUnavailableError(why));
      this.#pending.delete(id);
    }
  }

  #armWatchdog(): void {
    const { timers } = this.options;
    if (this.#watchdog) timers.clearTimeout(this.#watchdog);
    const ws = this.#ws;
    this.#watchdog = timers.setTimeout(() => {
      this.#watchdog = undefined;
      if (this.#ws !== ws) return;
      this.options.log.warn("no heartbeat from the control plane; reconnecting");
      ws?.terminate();
    }, this.options.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_MS * 3);
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#reconnect) return;
    const delay = backoffDelay(RECONNECT_BACKOFF, this.#attempt++, this.options.rng);
    this.#reconnect = this.options.timers.setTimeout(() => {
      this.#reconnect = undefined;
      void this.#connect();
    }, delay);
  }

  #clearTimers(): void {
    const { timers } = this.options;
    if (this.#reconnect) timers.clearTimeout(this.#reconnect);
    if (this.#watchdog) timers.clearTimeout(this.#watchdog);
    this.#reconnect = undefined;
    this.#watchdog = undefined;
  }
}

/** `http://h:p/_berth/acs/` → `ws://h:p/_berth/acs/ws?clusterArn=..&containerInstanceArn=..`. */
export function wsUrl(endpoint: string, clusterArn: string, containerInstanceArn: string): string {
  const u = new URL("ws", endpoint.endsWith("/") ? endpoint : `${endpoint}/`);
  u.protocol = u.protocol === "https:" ? "wss:" : u.protocol === "http:" ? "ws:" : u.protocol;
  u.searchParams.set("clusterArn", clusterArn);
  u.searchParams.set("containerInstanceArn", containerInstanceArn);
  return u.toString();
}

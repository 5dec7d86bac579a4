// The websocket agents hold open (ECS's ACS): the control plane pushes each instance's tasks
// and heartbeats; agents acknowledge, send container health, and report state changes (applied
// as the ECS API calls they stand for, answered once committed). One connection per instance
// owns its agentConnected flag; a newer connection for the same instance replaces an older one.
// A task with roles is preceded by its role credentials (task-credentials.ts): a connection's
// messages go out in order, so a manifest that waits for a session holds the ones after it.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { WebSocketServer, type WebSocket } from "ws";
import {
  agentSessions,
  taskRecords,
  taskStateChanges,
  type Deps,
} from "../domain/index.js";
import {
  AGENT_CHANNEL_PATH,
  DEFAULT_HEARTBEAT_MS,
  EcsError,
  STATE_CHANGE_OPERATIONS,
  uuid,
  type AgentMessage,
  type LogsRequest,
  type Scope,
  type ServerMessage,
  type StateChangeError,
  type StateChangeOperation,
  type TaskMetricsSample,
} from "../model/index.js";
import type { Principal } from "./context.js";
import { createAgentRelay, type LogsOutcome } from "./agent-relay.js";
import { CredentialsVendor } from "./task-credentials.js";

export type { LogsOutcome };

export interface AgentChannel {
  /** Takes an (authenticated) HTTP upgrade if it is for the channel; false leaves it to others. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, principal: Principal): boolean;
  /** Asks the agent of an instance for a page of a task's logs, over its connection to this process. */
  requestLogs(instanceArn: string, request: LogsRequest, timeoutMs: number): Promise<LogsOutcome>;
  close(): void;
}

export interface AgentChannelOptions {
  heartbeatMs?: number;
  /** Applies a reported state change as the ECS API call it stands for (validation included). */
  submit(operation: StateChangeOperation, input: unknown, scope: Scope): Promise<unknown>;
  /**
   * Whether `principal` may hold the channel of an instance (ECS's `ecs:Poll`): undefined when
   * it may, else the refusal's message. Absent: every principal of the instance's account may.
   */
  mayPoll?(principal: Principal, instanceArn: string, region: string): Promise<string | undefined>;
  /**
   * Several servers share the store: a request for an agent connected to another server goes
   * through the store to it (agent-relay.ts). Absent: an agent not connected here is not connected.
   */
  relay?: boolean;
  /** Takes an agent's round of task resource samples (the AWS/ECS metrics); absent: they are dropped. */
  onMetrics?(ref: agentSessions.InstanceRef, samples: TaskMetricsSample[]): void;
}

const MISSED_HEARTBEATS = 3;

/** One live connection: its socket and what it was last told about each task. */
interface Connection {
  ws: WebSocket;
  /** taskArn → desiredStatus last sent. */
  sent: Map<string, string>;
  manifest(tasks: taskRecords.TaskRecord[], full: boolean): void;
  /** Renewed credentials for tasks of this instance. */
  credentials(messages: ServerMessage[]): void;
  /** LogsRequests waiting for their LogsResponse, by messageId. */
  logs: Map<string, (outcome: LogsOutcome) => void>;
}

export function createAgentChannel(deps: Deps, logger: Logger, options: AgentChannelOptions): AgentChannel {
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  /** The live connection of each instance, by ARN. */
  const live = new Map<string, Connection>();
  const vendor = new CredentialsVendor(deps, {
    logger,
    push: (task, messages) => {
      if (task.containerInstanceArn) live.get(task.containerInstanceArn)?.credentials(messages);
    },
  });

  // One subscription for every connection: a task change goes to its instance's connection
  // only (with 200 agents, a subscription each cost 200 calls per task write).
  const subscription = deps.cache.subscribe((change) => {
    if (change.type !== "put") return;
    const t = change.value as taskRecords.TaskRecord;
    if (!t.containerInstanceArn || !t.assignment) return;
    if (t.lastStatus === "STOPPED") vendor.forget(t.taskArn);
    const conn = live.get(t.containerInstanceArn);
    if (!conn || conn.sent.get(t.taskArn) === sentKey(t)) return;
    conn.manifest([t], false);
  });

  function serve(ws: WebSocket, ref: agentSessions.InstanceRef): void {
    const log = logger.child({ instance: ref.arn });
    const send = (msg: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
    };
    // Messages waiting for role sessions, in order; undefined when nothing waits.
    let queue: Promise<void> | undefined;
    const enqueue = (work: () => Promise<void>) => {
      const run: Promise<void> = (queue ?? Promise.resolve()).then(work).catch((err: unknown) => log.error({ err }, "could not send to the agent"));
      queue = run;
      void run.finally(() => {
        if (queue === run) queue = undefined;
      });
    };
    // Each set of keys goes to a connection once: taskArn|roleType → the access key sent.
    const credentialsSent = new Map<string, string>();
    const sendCredentials = (messages: ServerMessage[]) => {
      for (const m of messages) {
        if (m.type !== "TaskCredentials") continue;
        const key = `${m.taskArn}|${m.roleType}`;
        if (credentialsSent.get(key) === m.credentials.accessKeyId) continue;
        credentialsSent.set(key, m.credentials.accessKeyId);
        send(m);
      }
    };
    const sendManifest = (tasks: taskRecords.TaskRecord[], full: boolean) =>
      send({ type: "TaskManifest", messageId: uuid(), full, tasks: tasks.map(taskRecords.assignedTask) });
    const conn: Connection = {
      ws,
      sent: new Map(),
      logs: new Map(),
      manifest(tasks, full) {
        for (const t of tasks) conn.sent.set(t.taskArn, sentKey(t));
        if (!queue && !tasks.some((t) => vendor.needs(t))) {
          sendManifest(tasks, full);
          return;
        }
        enqueue(async () => {
          const prepared = await vendor.prepare(tasks);
          sendCredentials(prepared.messages);
          // A task stopped because its role cannot be assumed goes out as stopped: it never starts.
          const stopped = new Map(prepared.stopped.map((t) => [t.taskArn, t]));
          for (const t of stopped.values()) conn.sent.set(t.taskArn, sentKey(t));
          sendManifest(stopped.size ? tasks.map((t) => stopped.get(t.taskArn) ?? t) : tasks, full);
        });
      },
      credentials(messages) {
        enqueue(async () => sendCredentials(messages));
      },
    };
    const previous = live.get(ref.arn);
    live.set(ref.arn, conn);
    previous?.ws.close(4000, "replaced by a newer connection");
    let lastHeard = Date.now();

    void agentSessions.setAgentConnected(deps, ref, true).catch((err) => log.error({ err }, "could not mark the agent connected"));
    conn.manifest(agentSessions.assignedTasks(deps, ref), true);

    const heartbeat = setInterval(() => {
      if (Date.now() - lastHeard > heartbeatMs * MISSED_HEARTBEATS) {
        log.warn("agent missed its heartbeats; closing the channel");
        ws.terminate();
        return;
      }
      send({ type: "Heartbeat", messageId: uuid() });
    }, heartbeatMs);

    const stateChange = (messageId: string, operation: unknown, input: unknown) => {
      if (!STATE_CHANGE_OPERATIONS.includes(operation as StateChangeOperation)) {
        const error = { type: "UnknownOperationException", message: `A state change must be one of ${STATE_CHANGE_OPERATIONS.join(", ")}; got ${JSON.stringify(operation)}.`, status: 400 };
        send({ type: "StateChangeAck", messageId, error });
        return;
      }
      options.submit(operation as StateChangeOperation, input, ref.scope).then(
        () => send({ type: "StateChangeAck", messageId }),
        (err: unknown) => {
          if (!(err instanceof EcsError) || err.status >= 500) log.error({ err, operation }, "state change failed");
          send({ type: "StateChangeAck", messageId, error: errorOf(err) });
        },
      );
    };

    ws.on("message", (data) => {
      lastHeard = Date.now();
      let msg: AgentMessage;
      try {
        msg = JSON.parse(data.toString()) as AgentMessage;
      } catch {
        log.warn("agent sent a message that is not JSON");
        return;
      }
      if (typeof msg !== "object" || msg === null) return;
      if (msg.type === "StateChange" && typeof msg.messageId === "string") {
        stateChange(msg.messageId, msg.operation, msg.input);
      } else if (msg.type === "LogsResponse" && typeof msg.messageId === "string") {
        const { type: _t, messageId, ...reply } = msg;
        conn.logs.get(messageId)?.({ kind: "reply", reply });
      } else if (msg.type === "TaskMetrics" && Array.isArray(msg.samples)) {
        try {
          options.onMetrics?.(ref, msg.samples);
        } catch (err) {
          log.warn({ err }, "could not record task metrics");
        }
      } else if (msg.type === "ContainerHealth" && Array.isArray(msg.reports)) {
        for (const report of msg.reports) {
          void taskStateChanges
            .reportContainerHealth(deps, ref.scope, ref.clusterName, report)
            .catch((err) => log.warn({ err }, "could not record container health"));
        }
      }
    });
    ws.on("pong", () => (lastHeard = Date.now()));
    ws.on("close", () => {
      clearInterval(heartbeat);
      for (const settle of [...conn.logs.values()]) settle({ kind: "notConnected" });
      if (live.get(ref.arn) !== conn) return; // a newer connection owns the flag now
      live.delete(ref.arn);
      void agentSessions.setAgentConnected(deps, ref, false).catch((err) => log.error({ err }, "could not mark the agent disconnected"));
    });
    ws.on("error", (err) => log.warn({ err }, "agent channel error"));
  }

  const holds = (instanceArn: string) => {
    const conn = live.get(instanceArn);
    return !!conn && conn.ws.readyState === conn.ws.OPEN;
  };
  /** The instance's record says its agent holds a channel, so to another server when not here. */
  const connectedElsewhere = (instanceArn: string) => {
    const ref = agentSessions.instanceRefOf(deps, instanceArn);
    return !!ref && agentSessions.isAgentConnected(deps, ref);
  };
  function askHere(instanceArn: string, request: LogsRequest, timeoutMs: number): Promise<LogsOutcome> {
    const conn = live.get(instanceArn);
    if (!conn || conn.ws.readyState !== conn.ws.OPEN) return Promise.resolve({ kind: "notConnected" });
    const messageId = uuid();
    return new Promise<LogsOutcome>((resolve) => {
      const settle = (outcome: LogsOutcome) => {
        clearTimeout(timer);
        conn.logs.delete(messageId);
        resolve(outcome);
      };
      const timer = setTimeout(() => settle({ kind: "noAnswer" }), timeoutMs);
      conn.logs.set(messageId, settle);
      conn.ws.send(JSON.stringify({ type: "LogsRequest", messageId, request } satisfies ServerMessage));
    });
  }
  const relay = options.relay ? createAgentRelay(deps, logger, { holds, requestLogs: askHere }) : undefined;

  return {
    handleUpgrade(req, socket, head, principal) {
      const url = new URL(req.url ?? "/", "http://localhost");
      if (url.pathname !== `${AGENT_CHANNEL_PATH}ws`) return false;
      const arn = url.searchParams.get("containerInstanceArn") ?? "";
      const ref = agentSessions.instanceRefOf(deps, arn);
      // Another account's instance is as unknown as a missing one: nothing to learn from probing.
      if (!ref || ref.scope.accountId !== principal.accountId) {
        socket.end("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n\r\nunknown or inactive container instance\n");
        return true;
      }
      // The channel carries the instance's tasks and their role credentials: only a principal
      // allowed to poll for it gets it.
      const allowed = options.mayPoll ? options.mayPoll(principal, ref.arn, ref.scope.region) : Promise.resolve(undefined);
      allowed.then(
        (refusal) => {
          if (refusal === undefined) return wss.handleUpgrade(req, socket, head, (ws) => serve(ws, ref));
          const body = JSON.stringify({ __type: "AccessDeniedException", message: refusal });
          socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
        },
        (err: unknown) => {
          logger.error({ err }, "could not authorize an agent's channel");
          socket.destroy();
        },
      );
      return true;
    },
    requestLogs(instanceArn, request, timeoutMs) {
      if (!holds(instanceArn) && relay && connectedElsewhere(instanceArn)) return relay.requestLogs(instanceArn, request, timeoutMs);
      return askHere(instanceArn, request, timeoutMs);
    },
    close() {
      relay?.close();
      subscription.dispose();
      vendor.close();
      for (const conn of live.values()) conn.ws.terminate();
      wss.close();
    },
  };
}

function errorOf(err: unknown): StateChangeError {
  if (err instanceof EcsError) return { type: err.type, message: err.message, status: err.status };
  return { type: "ServerException", message: "The control plane could not apply the state change; try again.", status: 500 };
}

/**
 * What of a task the agent must hear again when it changes: its desired status (as the agent is
 * told it), and for an awsvpc task its ingress (security-group changes reach the running task's
 * iptables).
 */
function sentKey(t: taskRecords.TaskRecord): string {
  const eni = t.assignment.eni;
  // What the agent is told to want: a stop held for a drain is not news to it yet.
  const desired = taskRecords.agentDesiredStatus(t);
  return eni ? `${desired}|${JSON.stringify(eni.ingress)}` : desired;
}

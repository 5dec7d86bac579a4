// The websocket agents hold open (ECS's ACS): the control plane pushes each instance's tasks
// and heartbeats; agents acknowledge and send container health. One connection per instance
// owns its agentConnected flag; a newer connection for the same instance replaces an older one.
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
import { AGENT_CHANNEL_PATH, DEFAULT_HEARTBEAT_MS, uuid, type AgentMessage, type ServerMessage } from "../model/index.js";

export interface AgentChannel {
  /** Takes an HTTP upgrade if it is for the channel; false leaves it to others. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  close(): void;
}

const MISSED_HEARTBEATS = 3;

export function createAgentChannel(deps: Deps, logger: Logger, heartbeatMs = DEFAULT_HEARTBEAT_MS): AgentChannel {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  /** The live connection of each instance, by ARN. */
  const live = new Map<string, WebSocket>();

  function serve(ws: WebSocket, ref: agentSessions.InstanceRef): void {
    const previous = live.get(ref.arn);
    live.set(ref.arn, ws);
    previous?.close(4000, "replaced by a newer connection");
    const log = logger.child({ instance: ref.arn });
    const sent = new Map<string, string>(); // taskArn → desiredStatus last sent
    let lastHeard = Date.now();

    const send = (msg: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
    };
    const manifest = (tasks: taskRecords.TaskRecord[], full: boolean) => {
      for (const t of tasks) sent.set(t.taskArn, t.desiredStatus);
      send({ type: "TaskManifest", messageId: uuid(), full, tasks: tasks.map(taskRecords.assignedTask) });
    };

    void agentSessions.setAgentConnected(deps, ref, true).catch((err) => log.error({ err }, "could not mark the agent connected"));
    manifest(agentSessions.assignedTasks(deps, ref), true);

    // Push a task when it is new to this instance or its desired status changed.
    const subscription = deps.cache.subscribe((change) => {
      if (change.type !== "put") return;
      const t = change.value as taskRecords.TaskRecord;
      if (t.containerInstanceArn !== ref.arn || !t.assignment) return;
      if (sent.get(t.taskArn) === t.desiredStatus) return;
      manifest([t], false);
    });

    const heartbeat = setInterval(() => {
      if (Date.now() - lastHeard > heartbeatMs * MISSED_HEARTBEATS) {
        log.warn("agent missed its heartbeats; closing the channel");
        ws.terminate();
        return;
      }
      send({ type: "Heartbeat", messageId: uuid() });
    }, heartbeatMs);

    ws.on("message", (data) => {
      lastHeard = Date.now();
      let msg: AgentMessage;
      try {
        msg = JSON.parse(data.toString()) as AgentMessage;
      } catch {
        log.warn("agent sent a message that is not JSON");
        return;
      }
      if (msg.type === "ContainerHealth" && Array.isArray(msg.reports)) {
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
      subscription.dispose();
      if (live.get(ref.arn) !== ws) return; // a newer connection owns the flag now
      live.delete(ref.arn);
      void agentSessions.setAgentConnected(deps, ref, false).catch((err) => log.error({ err }, "could not mark the agent disconnected"));
    });
    ws.on("error", (err) => log.warn({ err }, "agent channel error"));
  }

  return {
    handleUpgrade(req, socket, head) {
      const url = new URL(req.url ?? "/", "http://localhost");
      if (url.pathname !== `${AGENT_CHANNEL_PATH}ws`) return false;
      const arn = url.searchParams.get("containerInstanceArn") ?? "";
      const ref = agentSessions.instanceRefOf(deps, arn);
      if (!ref) {
        socket.end("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n\r\nunknown or inactive container instance\n");
        return true;
      }
      wss.handleUpgrade(req, socket, head, (ws) => serve(ws, ref));
      return true;
    },
    close() {
      for (const ws of live.values()) ws.terminate();
      wss.close();
    },
  };
}

import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import pino from "pino";
import { WebSocketServer, type WebSocket } from "ws";
import type { AgentMessage, AssignedTask } from "../model/index.js";
import { systemTimers } from "../runtime/index.js";
import { JsonCallError } from "../client/index.js";
import { AcsChannel, type AcsChannelOptions, ChannelUnavailableError, wsUrl } from "./acs-channel.js";
import { aContainerDef, anAssignedTask } from "./test-builders.js";

interface FakeAcs {
  base: string;
  connections: { ws: WebSocket; url: string; received: AgentMessage[] }[];
  server: Server;
  close(): Promise<void>;
}

async function fakeAcs(): Promise<FakeAcs> {
  const server = createServer();
  const wss = new WebSocketServer({ server, path: "/_berth/acs/ws" });
  const connections: FakeAcs["connections"] = [];
  wss.on("connection", (ws, req) => {
    const conn = { ws, url: req.url ?? "", received: [] as AgentMessage[] };
    connections.push(conn);
    ws.on("message", (d) => conn.received.push(JSON.parse(d.toString()) as AgentMessage));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}/_berth/acs/`,
    connections,
    server,
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      await new Promise((r) => server.close(r));
    },
  };
}

async function until<T>(what: string, fn: () => T | undefined | false, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function channel(acs: FakeAcs, over: Partial<AcsChannelOptions> = {}): AcsChannel {
  return new AcsChannel({
    discover: async () => acs.base,
    clusterArn: "arn:aws:ecs:us-east-1:000000000000:cluster/default",
    containerInstanceArn: "arn:aws:ecs:us-east-1:000000000000:container-instance/default/abc",
    onManifest: async () => {},
    onConnected: () => {},
    timers: systemTimers,
    rng: () => 0,
    log: pino({ level: "silent" }),
    ...over,
  });
}

describe("wsUrl", () => {
  it("turns the poll endpoint into the websocket URL", () => {
    assert.equal(
      wsUrl("http://127.0.0.1:4666/_berth/acs/", "arn:c", "arn:i/x"),
      "ws://127.0.0.1:4666/_berth/acs/ws?clusterArn=arn%3Ac&containerInstanceArn=arn%3Ai%2Fx",
    );
    assert.equal(wsUrl("https://h/_berth/acs", "c", "i"), "wss://h/_berth/acs/ws?clusterArn=c&containerInstanceArn=i");
  });
});

describe("AcsChannel", () => {
  it("acknowledges a manifest only after the engine recorded it, and every heartbeat", async () => {
    const acs = await fakeAcs();
    let release!: () => void;
    const recorded: AssignedTask[][] = [];
    const ch = channel(acs, {
      onManifest: (tasks) => {
        recorded.push(tasks);
        return new Promise<void>((r) => (release = r));
      },
    });
    try {
      ch.start();
      const conn = await until("a connection", () => acs.connections[0]);
      assert.match(conn.url, /clusterArn=arn%3Aaws%3Aecs%3Aus-east-1%3A000000000000%3Acluster%2Fdefault/);
      const task = anAssignedTask([aContainerDef("app")]);
      conn.ws.send(JSON.stringify({ type: "TaskManifest", messageId: "m1", full: true, tasks: [task] }));
      await until("the manifest", () => recorded.length === 1);
      conn.ws.send(JSON.stringify({ type: "Heartbeat", messageId: "h1" }));
      await until("heartbeat ack", () => conn.received.some((m) => m.type === "Ack" && m.messageId === "h1"));
      assert.ok(!conn.received.some((m) => m.type === "Ack" && m.messageId === "m1"), "acked before recorded");
      release();
      await until("manifest ack", () => conn.received.some((m) => m.type === "Ack" && m.messageId === "m1"));
      assert.deepEqual(recorded[0]!.map((t) => t.taskArn), [task.taskArn]);
    } finally {
      await ch.close();
      await acs.close();
    }
  });

  it("reconnects when the control plane goes silent for the heartbeat timeout", async () => {
    const acs = await fakeAcs();
    const ch = channel(acs, { heartbeatTimeoutMs: 150 });
    try {
      ch.start();
      await until("two connections", () => acs.connections.length >= 2, 3000);
      assert.ok(ch.connectCount >= 1);
    } finally {
      await ch.close();
      await acs.close();
    }
  });

  it("reconnects after the socket closes and resends on connect", async () => {
    const acs = await fakeAcs();
    let connected = 0;
    const ch = channel(acs, { onConnected: () => connected++ });
    try {
      ch.start();
      const first = await until("a connection", () => acs.connections[0]);
      first.ws.close(1011, "server restart");
      await until("reconnected", () => acs.connections.length === 2 && connected === 2);
      assert.ok(ch.send({ type: "ContainerHealth", reports: [] }));
      await until("message on the new socket", () => acs.connections[1]!.received.length === 1);
    } finally {
      await ch.close();
      await acs.close();
    }
  });

  it("keeps retrying while discovery fails, with backoff", async () => {
    const acs = await fakeAcs();
    let calls = 0;
    const ch = channel(acs, {
      discover: async () => {
        if (++calls < 3) throw new Error("connect ECONNREFUSED");
        return acs.base;
      },
    });
    try {
      ch.start();
      await until("a connection", () => acs.connections.length === 1, 5000);
      assert.equal(calls, 3);
    } finally {
      await ch.close();
      await acs.close();
    }
  });
});

describe("AcsChannel state changes", () => {
  it("resolves on the answer, rejects with the API's error, and fails fast with no connection", async () => {
    const acs = await fakeAcs();
    const ch = channel(acs);
    await assert.rejects(ch.stateChange("SubmitTaskStateChange", { task: "t" }), ChannelUnavailableError, "nothing to send on before start()");
    ch.start();
    assert.ok(await ch.waitConnected(5000));
    const conn = acs.connections[0]!;

    const ok = ch.stateChange("SubmitTaskStateChange", { task: "t", status: "RUNNING" });
    const sent = await until("the state change", () => conn.received.find((m) => m.type === "StateChange"));
    assert.ok(sent.type === "StateChange");
    assert.equal(sent.operation, "SubmitTaskStateChange");
    assert.deepEqual(sent.input, { task: "t", status: "RUNNING" });
    conn.ws.send(JSON.stringify({ type: "StateChangeAck", messageId: sent.messageId }));
    await ok;

    const refused = ch.stateChange("SubmitContainerStateChange", { task: "gone" });
    const second = await until("the second", () => conn.received.filter((m) => m.type === "StateChange")[1]);
    conn.ws.send(JSON.stringify({ type: "StateChangeAck", messageId: (second as { messageId: string }).messageId, error: { type: "InvalidParameterException", message: "no such task", status: 400 } }));
    await assert.rejects(refused, (err: unknown) => err instanceof JsonCallError && err.name === "InvalidParameterException" && err.permanent);

    const lost = ch.stateChange("SubmitTaskStateChange", { task: "t" });
    await until("the third", () => conn.received.filter((m) => m.type === "StateChange")[2]);
    conn.ws.terminate();
    await assert.rejects(lost, ChannelUnavailableError, "a connection that closes unanswered fails what it carried");
    await ch.close();
    await acs.close();
  });
});

// An agent played by a test over the channel: registers an instance, connects, acknowledges
// every message and records what the control plane sends it.
import { DescribeContainerInstancesCommand, DiscoverPollEndpointCommand, RegisterContainerInstanceCommand } from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import WebSocket from "ws";
import type { AssignedTask, ServerMessage } from "../../src/model/index.js";
import type { TestServer } from "./server.js";

export async function until(what: string, check: () => Promise<boolean | undefined> | boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting until ${what}`);
}

export interface FakeAgent {
  arn: string;
  ws: WebSocket;
  messages: ServerMessage[];
  /** Every task the control plane has sent this agent, latest version of each. */
  tasks(): Map<string, AssignedTask>;
}

/** Registers an instance and plays its agent: connects, acknowledges, records what arrives. */
export async function agentIn(
  s: TestServer,
  cluster: string,
  o: { cpu?: number; memory?: number; attributes?: { name: string; value?: string }[] } = {},
): Promise<FakeAgent> {
  const reg = await s.ecs.send(
    new RegisterContainerInstanceCommand({
      cluster,
      totalResources: [
        { name: "CPU", type: "INTEGER", integerValue: o.cpu ?? 4096 },
        { name: "MEMORY", type: "INTEGER", integerValue: o.memory ?? 8192 },
        { name: "PORTS", type: "STRINGSET", stringSetValue: ["22"] },
        { name: "PORTS_UDP", type: "STRINGSET", stringSetValue: [] },
      ],
      attributes: [{ name: "ecs.availability-zone", value: "us-east-1a" }, ...(o.attributes ?? [])],
    }),
  );
  const arn = reg.containerInstance!.containerInstanceArn!;
  const agent = await connect(s, cluster, arn);
  await until(`${arn} is connected`, async () => {
    const res = await s.ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: [arn] }));
    return res.containerInstances?.[0]?.agentConnected;
  });
  return agent;
}

export async function connect(s: TestServer, cluster: string, arn: string): Promise<FakeAgent> {
  const { endpoint } = await s.ecs.send(new DiscoverPollEndpointCommand({ cluster, containerInstance: arn }));
  const ws = new WebSocket(`${endpoint!.replace(/^http/, "ws")}ws?containerInstanceArn=${encodeURIComponent(arn)}`);
  const messages: ServerMessage[] = [];
  ws.on("message", (d) => {
    const msg = JSON.parse(d.toString()) as ServerMessage;
    messages.push(msg);
    ws.send(JSON.stringify({ type: "Ack", messageId: msg.messageId }));
  });
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  const tasks = () => {
    const out = new Map<string, AssignedTask>();
    for (const m of messages) if (m.type === "TaskManifest") for (const t of m.tasks) out.set(t.taskArn, t);
    return out;
  };
  return { arn, ws, messages, tasks };
}


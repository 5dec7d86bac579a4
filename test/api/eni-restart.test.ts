// ENIs are state like any other: kill -9 the server with awsvpc tasks holding addresses, start
// it again on the same data directory, and the addresses are still taken (a new task gets
// another one) until their tasks stop.
import { CreateClusterCommand, RegisterTaskDefinitionCommand, RunTaskCommand, SubmitTaskStateChangeCommand, type ECSClient, type Task } from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { agentIn, type FakeAgent } from "../helpers/fake-agent.js";
import { spawnServer, type ServerProcess } from "../helpers/process.js";
import { ecsClient, type TestServer } from "../helpers/server.js";

/** One EC2 call over the wire (the server is another process); the XML answer's text. */
async function ec2(url: string, params: Record<string, string>): Promise<string> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ Version: "2016-11-15", ...params }).toString(),
  });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return text;
}
const addressesIn = (xml: string) => [...xml.matchAll(/<privateIpAddress>([^<]+)<\/privateIpAddress>/g)].map((m) => m[1]!).filter((v, i, a) => a.indexOf(v) === i).sort();
const addressOf = (t: Task) => t.attachments![0]!.details!.find((d) => d.name === "privateIPv4Address")!.value!;

describe("ENIs across a kill -9 of the server", () => {
  it("keeps every address taken until its task stops", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "berth-eni-kill-"));
    const servers: ServerProcess[] = [];
    const agents: FakeAgent[] = [];
    const clients: ECSClient[] = [];
    /** A server on the data directory, and an agent of the cluster that gives tasks ENIs. */
    const up = async (prepare?: (ecs: ECSClient) => Promise<unknown>) => {
      const server = await spawnServer(dataDir);
      servers.push(server);
      const ecs = ecsClient(server.url);
      clients.push(ecs);
      await prepare?.(ecs);
      agents.push(await agentIn({ ecs, url: server.url } as TestServer, "net", { attributes: [{ name: "ecs.capability.task-eni" }] }));
      return { server, ecs };
    };
    try {
      const { server: first, ecs: ecs1 } = await up(async (ecs) => {
        await ecs.send(new CreateClusterCommand({ clusterName: "net" }));
        await ecs.send(new RegisterTaskDefinitionCommand({ family: "vpc", networkMode: "awsvpc", containerDefinitions: [{ name: "app", image: "busybox", memory: 16 }] }));
      });
      const vpc = /<vpcId>([^<]+)<\/vpcId>/.exec(await ec2(first.url, { Action: "CreateVpc", CidrBlock: "10.9.0.0/16" }))![1]!;
      const subnet = /<subnetId>([^<]+)<\/subnetId>/.exec(await ec2(first.url, { Action: "CreateSubnet", VpcId: vpc, CidrBlock: "10.9.0.0/24" }))![1]!;
      const network = { awsvpcConfiguration: { subnets: [subnet] } };
      const before = (await ecs1.send(new RunTaskCommand({ cluster: "net", taskDefinition: "vpc", count: 2, networkConfiguration: network }))).tasks!;
      assert.deepEqual(before.map(addressOf), ["10.9.0.4", "10.9.0.5"]);

      await first.stop("SIGKILL");
      const { server: second, ecs } = await up();
      assert.deepEqual(addressesIn(await ec2(second.url, { Action: "DescribeNetworkInterfaces" })), ["10.9.0.4", "10.9.0.5"]);
      const after = (await ecs.send(new RunTaskCommand({ cluster: "net", taskDefinition: "vpc", networkConfiguration: network }))).tasks!;
      assert.deepEqual(after.map(addressOf), ["10.9.0.6"]);

      await ecs.send(new SubmitTaskStateChangeCommand({ cluster: "net", task: before[0]!.taskArn!, status: "STOPPED", reason: "done" }));
      assert.deepEqual(addressesIn(await ec2(second.url, { Action: "DescribeNetworkInterfaces" })), ["10.9.0.5", "10.9.0.6"]);
    } finally {
      for (const a of agents) a.ws.close();
      for (const c of clients) c.destroy();
      for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) await s.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

// Agents on several hosts (issue 15), with network namespaces for hosts: each "host" is a
// namespace of its own with one address on a bridge, and runs `berth agent` (process runtime)
// inside it, so the agent and its tasks see that host's network only and reach the servers over
// the bridge, as agents on other machines reach them over a LAN. Two servers on one etcd listen
// on the bridge's address (not loopback, so strict authentication). The namespaces have no
// route but their subnet: nothing they send can leave the machine.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { BERTH_TARGET_PREFIX } from "../../src/api/berth/model.js";
import { jsonCall } from "../../src/client/index.js";
import { removeProcessContainers, spawnAgentProcess, until, BERTH_COMMAND, type AgentProcess } from "../agent/harness.js";
import { etcdMissing, startEtcd, type EtcdCluster } from "../helpers/etcd.js";
import { spawnServer, type ServerProcess } from "../helpers/process.js";

const ip = (...args: string[]) => execFileSync("ip", args, { stdio: ["ignore", "pipe", "pipe"] }).toString();

function hostsSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return "network namespaces for hosts need root (CI runs as root)";
  try {
    ip("-V");
  } catch {
    return "iproute2's ip is not installed";
  }
  return etcdMissing();
}

const skip = hostsSkipReason();
const ROOT = { accessKeyId: "AKIDTEST", secretAccessKey: "secret" };

describe("agents on two hosts (network namespaces), two servers on one etcd", { skip, timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "berth-hosts-"));
  const tag = randomBytes(3).toString("hex");
  const bridge = `bh${tag}`;
  // 100.127.<n>.0/24, from the shared address space no machine here routes.
  const net = `100.127.${randomBytes(1)[0]!}`;
  const hosts = ["a", "b"].map((name, i) => ({ name, ns: `berth-host-${name}-${tag}`, veth: `bh${tag}${name}`, address: `${net}.${11 + i}` }));
  let etcd: EtcdCluster;
  const servers: ServerProcess[] = [];
  const agents: AgentProcess[] = [];
  const clients: ECSClient[] = [];
  const ecs = (k: number) => {
    const c = new ECSClient({ endpoint: servers[k]!.url, region: "us-east-1", credentials: ROOT, maxAttempts: 3 });
    clients.push(c);
    return c;
  };

  before(async () => {
    ip("link", "add", bridge, "type", "bridge");
    ip("addr", "add", `${net}.1/24`, "dev", bridge);
    ip("link", "set", bridge, "up");
    for (const h of hosts) {
      ip("netns", "add", h.ns);
      ip("link", "add", h.veth, "type", "veth", "peer", "name", "eth0", "netns", h.ns);
      ip("link", "set", h.veth, "master", bridge, "up");
      ip("-n", h.ns, "addr", "add", `${h.address}/24`, "dev", "eth0");
      ip("-n", h.ns, "link", "set", "eth0", "up");
      ip("-n", h.ns, "link", "set", "lo", "up");
    }
    etcd = await startEtcd({ members: 1 });
    const keyFile = join(dir, "secrets.key");
    writeFileSync(keyFile, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600 });
    // Strict (the servers listen on an address others reach): the root key comes from the
    // environment, and the agents sign with it (AWS_ACCESS_KEY_ID), as an operator sets them up.
    Object.assign(process.env, {
      BERTH_ROOT_ACCESS_KEY_ID: ROOT.accessKeyId,
      BERTH_ROOT_SECRET_ACCESS_KEY: ROOT.secretAccessKey,
      AWS_ACCESS_KEY_ID: ROOT.accessKeyId,
      AWS_SECRET_ACCESS_KEY: ROOT.secretAccessKey,
    });
    for (let k = 0; k < 2; k++) {
      servers.push(
        await spawnServer(join(dir, `server-${k}`), ["--host", `${net}.1`, "--store", etcd.storeUrl("hosts"), "--server-id", `server-${k}`, "--secrets-key-file", keyFile]),
      );
    }
    await ecs(0).send(new CreateClusterCommand({ clusterName: "default" }));
    // Host a's agent starts with server 0, host b's with server 1; each fails over to the other.
    for (const [i, h] of hosts.entries()) {
      const endpoints = [servers[i]!.url, servers[1 - i]!.url].join(",");
      agents.push(await spawnAgentProcess(endpoints, join(dir, `agent-${h.name}`), ["--attribute", `host=${h.name}`], ["ip", "netns", "exec", h.ns, BERTH_COMMAND, "agent"]));
    }
  });

  after(async () => {
    for (const c of clients) c.destroy();
    for (const a of agents) await a.kill("SIGKILL");
    for (const h of hosts) await removeProcessContainers(join(dir, `agent-${h.name}`)).catch(() => undefined);
    for (const s of servers) await s.stop("SIGKILL").catch(() => undefined);
    await etcd?.stop();
    for (const h of hosts) {
      try {
        ip("netns", "del", h.ns);
      } catch {
        // not made
      }
    }
    try {
      ip("link", "del", bridge);
    } catch {
      // not made
    }
    rmSync(dir, { recursive: true, force: true });
  });

  /** The running tasks of `web`, with the host attribute of the instance each runs on. */
  async function placed(client: ECSClient): Promise<{ arn: string; host: string; address?: string }[]> {
    const arns = (await client.send(new ListTasksCommand({ cluster: "default", serviceName: "web", desiredStatus: "RUNNING" }))).taskArns ?? [];
    if (arns.length === 0) return [];
    const tasks = (await client.send(new DescribeTasksCommand({ cluster: "default", tasks: arns }))).tasks ?? [];
    const instanceArns = [...new Set(tasks.map((t) => t.containerInstanceArn!).filter(Boolean))];
    const instances = instanceArns.length ? (await client.send(new DescribeContainerInstancesCommand({ cluster: "default", containerInstances: instanceArns }))).containerInstances ?? [] : [];
    const hostOf = new Map(instances.map((ci) => [ci.containerInstanceArn!, ci.attributes?.find((a) => a.name === "host")?.value ?? "?"]));
    return tasks.filter((t) => t.lastStatus === "RUNNING").map((t) => ({ arn: t.taskArn!, host: hostOf.get(t.containerInstanceArn!) ?? "?" }));
  }

  it("spreads a service over both hosts, each task in its host's network, and keeps it through a server's SIGKILL", async () => {
    const client = ecs(1);
    // Each task says which addresses its network has: its host's only.
    await client.send(
      new RegisterTaskDefinitionCommand({
        family: "web",
        // host: the task's network is its host's (bridge mode would give it a namespace of its own).
        networkMode: "host",
        containerDefinitions: [{ name: "app", image: "busybox", memory: 32, command: ["sh", "-c", "ip -4 -o addr show scope global; exec sleep 600"] }],
      }),
    );
    await client.send(
      new CreateServiceCommand({
        cluster: "default",
        serviceName: "web",
        taskDefinition: "web",
        desiredCount: 4,
        placementStrategy: [{ type: "spread", field: "attribute:host" }],
      }),
    );
    const first = await until("4 tasks running, 2 on each host", async () => {
      const p = await placed(client);
      return p.length === 4 && p.filter((t) => t.host === "a").length === 2 ? p : undefined;
    }, 60_000, 250);

    // The task's own view of its network (GetTaskLogs, as `berth logs` reads it), through the other server.
    for (const t of first) {
      const h = hosts.find((x) => x.name === t.host)!;
      const lines = await until(`the addresses task ${t.arn.slice(-8)} sees`, async () => {
        const out = await taskLines(servers[0]!.url, t.arn);
        return out.some((l) => l.includes("inet ")) ? out : undefined;
      }, 30_000, 250);
      const addresses = lines.filter((l) => l.includes("inet ")).map((l) => /inet (\S+)\//.exec(l)?.[1]);
      assert.deepEqual(addresses, [h.address], `task on host ${t.host} sees ${lines.join(" | ")}`);
    }

    // Server 0, which host a's agent is connected to, dies: the agent moves to server 1; its
    // tasks keep running, none is started again, and the service scales on both hosts.
    await servers[0]!.stop("SIGKILL");
    await client.send(new UpdateServiceCommand({ cluster: "default", service: "web", desiredCount: 6 }));
    const after6 = await until("6 tasks running, 3 on each host", async () => {
      const p = await placed(client);
      return p.length === 6 && p.filter((t) => t.host === "a").length === 3 ? p : undefined;
    }, 90_000, 250);
    for (const t of first) assert.ok(after6.some((x) => x.arn === t.arn), `task ${t.arn} kept running through the failover`);
    assert.equal(agents[0]!.child.exitCode, null, "host a's agent is still running");

    await client.send(new UpdateServiceCommand({ cluster: "default", service: "web", desiredCount: 0 }));
    await until("every task stopped", async () => (await placed(client)).length === 0, 60_000, 250);
  });
});

/** Every line a task wrote, through Berth_20261128.GetTaskLogs on `url` (root keys). */
async function taskLines(url: string, taskArn: string): Promise<string[]> {
  const page = await jsonCall<{ events?: { message: string }[] }>(
    { endpoint: url, region: "us-east-1", credentials: ROOT, service: "berth" },
    BERTH_TARGET_PREFIX,
    "GetTaskLogs",
    { cluster: "default", task: taskArn, limit: 1000 },
  );
  return (page.events ?? []).map((e) => e.message);
}

// Chaos on a real distributed berth: 3 etcd members, 3 `berth server` processes on them, 3
// `berth agent` processes (process runtime) each given every server. 20 services roll to a new
// revision while a driver SIGKILLs the leading server, then an etcd member, then the server an
// agent is connected to. Afterwards, from a history of every task record change read straight
// from etcd: every service converged, no task started twice and no slot filled twice, every
// acknowledged write is there, and the rolling bounds held at every revision.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  type ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { openEtcdStore, type EtcdStore } from "../../src/store/etcd-store.js";
import { parseEtcdUrl } from "../../src/store/etcd-url.js";
import type { Disposable } from "../../src/store/index.js";
import { removeProcessContainers, spawnAgentProcess, until, type AgentProcess } from "../agent/harness.js";
import { etcdMissing, startEtcd, type EtcdCluster } from "../helpers/etcd.js";
import { spawnServer, type ServerProcess } from "../helpers/process.js";
import { ecsClient } from "../helpers/server.js";

const skip = etcdMissing();
const SERVICES = 20;
const DESIRED = 2;
const MIN_HEALTHY = 50;
const MAX_PERCENT = 200;

interface TaskState {
  serviceName?: string;
  lastStatus?: string;
  desiredStatus?: string;
  taskDefinitionArn?: string;
}

/** One task record as it was at one revision. */
interface Change {
  revision: number;
  taskId: string;
  state: TaskState | undefined;
}

async function leaderOf(servers: ServerProcess[]): Promise<ServerProcess | undefined> {
  for (const s of servers) {
    if (s.child.exitCode !== null || s.child.signalCode !== null) continue;
    const text = await fetch(`${s.url}/metrics`).then((r) => r.text()).catch(() => "");
    if (/^berth_coordination_leader\{server="[^"]+"\} 1$/m.test(text)) return s;
  }
  return undefined;
}

describe("chaos: 3 etcd members, 3 servers, 3 agents, 20 services rolling", { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), "berth-chaos-"));
  let etcd: EtcdCluster;
  let history: EtcdStore;
  let watch: Disposable;
  const changes: Change[] = [];
  const servers: ServerProcess[] = [];
  const agents: AgentProcess[] = [];
  const agentDirs: string[] = [];
  const clients: ECSClient[] = [];
  const alive = () => servers.filter((s) => s.child.exitCode === null && s.child.signalCode === null);
  /** A client of a server still running (the AWS CLI and SDKs talk to any one of them). */
  const ecs = () => {
    const c = ecsClient(alive()[0]!.url);
    clients.push(c);
    return c;
  };

  before(async () => {
    etcd = await startEtcd({ members: 3, progressNotifyMs: 1_000 });
    const storeUrl = etcd.storeUrl("chaos");
    // Every server seals secrets with the same key (docs/distributed.md).
    const keyFile = join(dir, "secrets.key");
    writeFileSync(keyFile, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600 });
    for (let i = 0; i < 3; i++) {
      servers.push(await spawnServer(join(dir, `server-${i}`), ["--store", storeUrl, "--server-id", `server-${i}`, "--secrets-key-file", keyFile]));
    }
    // The history: every change of every task record, read from etcd by a client of its own.
    history = await openEtcdStore(parseEtcdUrl(storeUrl));
    watch = history.watch("/berth/", { afterRevision: 0 }, (batch) => {
      for (const e of batch.events) {
        const key = e.type === "put" ? e.kv.key : e.key;
        if (key.split("/")[4] !== "tasks") continue;
        changes.push({ revision: batch.revision, taskId: key.slice(key.lastIndexOf("/") + 1), state: e.type === "put" ? (JSON.parse(e.kv.value) as TaskState) : undefined });
      }
    });
    await ecs().send(new CreateClusterCommand({ clusterName: "default" }));
    // Each agent knows every server, starting with a different one.
    for (let i = 0; i < 3; i++) {
      const endpoints = [0, 1, 2].map((k) => servers[(i + k) % 3]!.url).join(",");
      const stateDir = join(dir, `agent-${i}`);
      agentDirs.push(stateDir);
      agents.push(await spawnAgentProcess(endpoints, stateDir));
    }
  });

  after(async () => {
    watch?.dispose();
    for (const c of clients) c.destroy();
    for (const a of agents) await a.kill("SIGKILL");
    for (const d of agentDirs) await removeProcessContainers(d).catch(() => undefined);
    for (const s of servers) await s.stop("SIGKILL").catch(() => undefined);
    await history?.close();
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("every service converges through the kills; the history shows no task started twice, no write lost, the bounds kept", async (t) => {
    const client = ecs();
    const register = async (version: string) =>
      (
        await client.send(
          new RegisterTaskDefinitionCommand({
            family: "chaos",
            containerDefinitions: [{ name: "app", image: "busybox", essential: true, cpu: 8, memory: 8, command: ["sh", "-c", `echo ${version}; exec sleep 3600`] }],
          }),
        )
      ).taskDefinition!.taskDefinitionArn!;
    const v1 = await register("v1");
    const v2 = await register("v2");
    const names = Array.from({ length: SERVICES }, (_, i) => `svc-${String(i).padStart(2, "0")}`);
    for (const name of names) {
      await client.send(
        new CreateServiceCommand({
          cluster: "default",
          serviceName: name,
          taskDefinition: v1,
          desiredCount: DESIRED,
          deploymentConfiguration: { minimumHealthyPercent: MIN_HEALTHY, maximumPercent: MAX_PERCENT },
        }),
      );
    }
    const steady = async (c: ECSClient, td: string) => {
      for (let i = 0; i < names.length; i += 10) {
        const res = await c.send(new DescribeServicesCommand({ cluster: "default", services: names.slice(i, i + 10) }));
        for (const s of res.services ?? []) {
          if (s.runningCount !== DESIRED || s.deployments?.length !== 1 || s.deployments[0]!.taskDefinition !== td || s.deployments[0]!.rolloutState !== "COMPLETED") return false;
        }
      }
      return true;
    };
    await until("every service running v1", () => steady(client, v1), 120_000, 500);
    const steadyAt = Math.max(...changes.map((c) => c.revision));

    // The rolling update, each call acknowledged by the server that took it.
    const acknowledged: string[] = [];
    for (const name of names) {
      await ecs().send(new UpdateServiceCommand({ cluster: "default", service: name, taskDefinition: v2 }));
      acknowledged.push(name);
    }

    // 1. SIGKILL the leading server; leadership moves to another.
    const leader = await until("a leader", () => leaderOf(servers), 10_000, 100);
    const killedAt = Date.now();
    await leader.stop("SIGKILL");
    const next = await until("a new leader", () => leaderOf(alive()), 20_000, 50);
    const moved = Date.now() - killedAt;
    assert.notEqual(next, leader);
    // 2. SIGKILL one etcd member (a quorum of two goes on).
    await etcd.members[1]!.stop("SIGKILL");
    // 3. SIGKILL the server the first agent that still has one started on.
    await new Promise((r) => setTimeout(r, 2_000));
    const victim = alive().find((s) => s !== next) ?? alive()[0]!;
    if (alive().length > 1) await victim.stop("SIGKILL");

    const survivor = ecs();
    await until("every service running v2", () => steady(survivor, v2), 180_000, 500);

    // Acknowledged writes are all there.
    for (let i = 0; i < names.length; i += 10) {
      const res = await survivor.send(new DescribeServicesCommand({ cluster: "default", services: names.slice(i, i + 10) }));
      for (const s of res.services ?? []) if (acknowledged.includes(s.serviceName!)) assert.equal(s.taskDefinition, v2, `${s.serviceName}: its UpdateService is kept`);
    }

    // The history, replayed revision by revision.
    await new Promise((r) => setTimeout(r, 1_000));
    const byTask = new Map<string, TaskState>();
    const runningSeen = new Map<string, number>();
    const tasksOf = new Map<string, Set<string>>();
    const revisions = [...new Set(changes.map((c) => c.revision))].sort((a, b) => a - b);
    let i = 0;
    const sorted = [...changes].sort((a, b) => a.revision - b.revision);
    for (const rev of revisions) {
      for (; i < sorted.length && sorted[i]!.revision === rev; i++) {
        const c = sorted[i]!;
        const prev = byTask.get(c.taskId);
        if (c.state === undefined) {
          byTask.delete(c.taskId);
          continue;
        }
        byTask.set(c.taskId, c.state);
        if (c.state.serviceName) (tasksOf.get(c.state.serviceName) ?? tasksOf.set(c.state.serviceName, new Set()).get(c.state.serviceName)!).add(c.taskId);
        // A task reaches RUNNING at most once in its life.
        if (c.state.lastStatus === "RUNNING" && prev?.lastStatus !== "RUNNING") runningSeen.set(c.taskId, (runningSeen.get(c.taskId) ?? 0) + 1);
      }
      if (rev <= steadyAt) continue;
      // The rolling bounds at this revision, per service.
      const perService = new Map<string, { wanted: number; running: number }>();
      for (const t of byTask.values()) {
        if (!t.serviceName) continue;
        const n = perService.get(t.serviceName) ?? { wanted: 0, running: 0 };
        // Running + pending, as the scheduler counts them under maximumPercent: a task ordered
        // to stop occupies room while it is still RUNNING (controllers/.../rollout-math.ts).
        if (t.desiredStatus === "RUNNING" || ["PROVISIONING", "PENDING", "ACTIVATING", "RUNNING"].includes(t.lastStatus ?? "")) n.wanted++;
        if (t.lastStatus === "RUNNING" && t.desiredStatus === "RUNNING") n.running++;
        perService.set(t.serviceName, n);
      }
      for (const name of names) {
        const n = perService.get(name) ?? { wanted: 0, running: 0 };
        assert.ok(n.wanted <= (DESIRED * MAX_PERCENT) / 100, `${name} at revision ${rev}: ${n.wanted} tasks running or starting, above maximumPercent`);
        assert.ok(n.running >= Math.ceil((DESIRED * MIN_HEALTHY) / 100), `${name} at revision ${rev}: ${n.running} running, below minimumHealthyPercent`);
      }
    }
    for (const [task, n] of runningSeen) assert.equal(n, 1, `task ${task} started ${n} times`);
    for (const name of names) {
      // Two slots, each filled once by v1 and once by v2: nothing started twice for one slot.
      assert.equal(tasksOf.get(name)?.size, DESIRED * 2, `${name}: ${tasksOf.get(name)?.size} tasks ever, for ${DESIRED} slots and one rollout`);
    }
    t.diagnostic(`leadership moved ${moved} ms after the SIGKILL; ${changes.length} task record changes checked`);
    assert.ok(moved < 5_000, `leadership moved in ${moved} ms`);
  });
});

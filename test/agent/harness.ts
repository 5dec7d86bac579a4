// A control plane started in-process (SQLite in a temp dir, a short heartbeat), the AWS SDK
// pointed at it, and helpers to run tasks and wait for their states; agents run in-process
// (startAgent) or as child processes (kill -9 tests).
import {
  type ContainerDefinition,
  CreateClusterCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  type Task,
  type TaskOverride,
} from "@aws-sdk/client-ecs";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Docker from "dockerode";
import pino from "pino";
import { type Agent, AGENT_INSTANCE_LABEL, type AgentOptions, startAgent } from "../../src/agent/index.js";
import { STORE_ROOT } from "../../src/domain/index.js";
import { TaskNetworks, taskNetworkingUnavailable } from "../../src/network/index.js";
import { createProcessDriver, detectDocker, dockerConnection } from "../../src/runtime/index.js";
import { type ControlPlane, type ControlPlaneOptions, startControlPlane } from "../../src/api/index.js";

export const HEARTBEAT_MS = 300;

export interface Cluster {
  cp: ControlPlane;
  ecs: ECSClient;
  dir: string;
  agents: Agent[];
  startAgent(over?: Partial<AgentOptions>): Promise<Agent>;
  registerTaskDefinition(family: string, containers: ContainerDefinition[], extra?: Record<string, unknown>): Promise<string>;
  runTask(taskDefinition: string, overrides?: TaskOverride): Promise<string>;
  describe(taskArn: string): Promise<Task>;
  waitTask(taskArn: string, what: string, pred: (t: Task) => boolean, timeoutMs?: number): Promise<Task>;
  instance(arn: string): Promise<{ agentConnected?: boolean; runningTasksCount?: number; status?: string }>;
  close(): Promise<void>;
}

/** The image docker tests run (scripts/build-test-image.sh builds it). */
export const TEST_IMAGE = process.env.BERTH_TEST_IMAGE ?? "local/busybox:1";

/** Why docker tests cannot run here (no engine, or no test image), or undefined when they can. */
export async function dockerSkipReason(image = TEST_IMAGE): Promise<string | undefined> {
  const engine = await detectDocker();
  if (!engine.available) return `no Docker engine at ${engine.endpoint}: ${engine.reason}`;
  try {
    await new Docker(dockerConnection().options).getImage(image).inspect();
  } catch {
    return `image ${image} is missing; build it with scripts/build-test-image.sh`;
  }
  return undefined;
}

export async function until<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, stepMs = 20): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** `options` go to the control plane (e.g. `loadBalancers: false` where a test plays the data plane). */
export async function startCluster(options: Partial<ControlPlaneOptions> = {}): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), "berth-agent-it-"));
  const cp = await startControlPlane({ dataDir: join(dir, "cp"), port: 0, logger: pino({ level: "silent" }), heartbeatMs: HEARTBEAT_MS, ...options });
  const ecs = new ECSClient({ endpoint: cp.url, region: "us-east-1", credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" }, maxAttempts: 1 });
  await ecs.send(new CreateClusterCommand({ clusterName: "default" }));
  const agents: Agent[] = [];
  let seq = 0;
  const c: Cluster = {
    cp,
    ecs,
    dir,
    agents,
    async startAgent(over = {}) {
      const stateDir = over.stateDir ?? join(dir, `agent-${seq++}`);
      const agent = await startAgent({
        endpoint: cp.url,
        runtime: "process",
        stateDir,
        metadataPort: 0,
        logger: pino({ level: process.env.BERTH_TEST_LOG ?? "silent" }),
        heartbeatTimeoutMs: HEARTBEAT_MS * 3,
        ...over,
      });
      agents.push(agent);
      return agent;
    },
    async registerTaskDefinition(family, containers, extra = {}) {
      const res = await ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: containers, ...extra }));
      return res.taskDefinition!.taskDefinitionArn!;
    },
    async runTask(taskDefinition, overrides) {
      const res = await ecs.send(new RunTaskCommand({ cluster: "default", taskDefinition, ...(overrides ? { overrides } : {}) }));
      if (!res.tasks?.length) throw new Error(`RunTask placed nothing: ${JSON.stringify(res.failures)}`);
      return res.tasks[0]!.taskArn!;
    },
    async describe(taskArn) {
      const res = await ecs.send(new DescribeTasksCommand({ cluster: "default", tasks: [taskArn] }));
      return res.tasks![0]!;
    },
    async waitTask(taskArn, what, pred, timeoutMs = 15_000) {
      let last: Task | undefined;
      try {
        return await until(what, async () => {
          last = await c.describe(taskArn);
          return pred(last) ? last : undefined;
        }, timeoutMs);
      } catch (err) {
        throw new Error(`${(err as Error).message}; last seen: ${JSON.stringify(last)}`);
      }
    },
    async instance(arn) {
      const res = await ecs.send(new DescribeContainerInstancesCommand({ cluster: "default", containerInstances: [arn] }));
      return res.containerInstances![0]!;
    },
    async close() {
      for (const a of agents) {
        await removeAgentContainers(a);
        await a.stop();
      }
      // The agents leave their tasks' namespaces (awsvpc, and bridge mode as root) and host port
      // rules behind, as an agent restart does: release every task's, or they outlive the test.
      if (agents.length > 0 && !(await taskNetworkingUnavailable())) {
        const networks = new TaskNetworks();
        const arns = new Set(cp.deps.cache.list<{ taskArn?: unknown }>(STORE_ROOT).flatMap((r) => (typeof r?.taskArn === "string" && r.taskArn.includes(":task/") ? [r.taskArn] : [])));
        for (const arn of arns) await networks.release(arn.slice(arn.lastIndexOf("/") + 1)).catch(() => undefined);
      }
      ecs.destroy();
      await cp.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return c;
}

/** Removes what an agent's runtime keeps of its containers (processes, cgroups, records). */
export async function removeAgentContainers(agent: Agent): Promise<void> {
  const mine = (await agent.driver.list()).filter((s) => s.labels[AGENT_INSTANCE_LABEL] === agent.instanceId);
  await Promise.all(mine.map((s) => agent.driver.remove(s.id).catch(() => undefined)));
}

/** The same for a child-process agent that is gone: its process runtime's state dir. */
export async function removeProcessContainers(agentStateDir: string): Promise<void> {
  const driver = await createProcessDriver({ stateDir: join(agentStateDir, "runtime") });
  for (const s of await driver.list()) await driver.remove(s.id).catch(() => undefined);
  await driver.close();
}

/**
 * After a test with a child-process agent whose tasks have namespaces: kill it, remove its
 * containers, and release the tasks' namespaces (and a bridge task's host ports).
 */
export async function killAgentProcessAndTasks(agent: AgentProcess | undefined, agentStateDir: string, taskArns: readonly string[]): Promise<void> {
  await agent?.kill("SIGKILL");
  if (agentStateDir) await removeProcessContainers(agentStateDir);
  const networks = new TaskNetworks();
  for (const arn of taskArns) await networks.release(arn.slice(arn.lastIndexOf("/") + 1));
}

/** The `berth agent` command as a child process. */
export interface AgentProcess {
  child: ChildProcess;
  containerInstanceArn: string;
  stderr(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** The `berth` command as installed: a shell wrapper that runs bin/berth.js under Node.js. */
export const BERTH_COMMAND = fileURLToPath(new URL("../../bin/berth", import.meta.url));

/** `command ...program --endpoint ...`: by default `berth agent`, as users start it. */
export async function spawnAgentProcess(
  endpoint: string,
  stateDir: string,
  extra: string[] = [],
  program: string[] = [BERTH_COMMAND, "agent"],
): Promise<AgentProcess> {
  const [command, ...args] = program as [string, ...string[]];
  const child = spawn(
    command,
    [...args, "--endpoint", endpoint, "--runtime", "process", "--state-dir", stateDir, "--metadata-port", "0", ...extra],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, BERTH_LOG_LEVEL: process.env.BERTH_TEST_LOG ?? "warn" } },
  );
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const containerInstanceArn = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`berth agent did not register in 30 s: ${stderr}`)), 30_000);
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /registered (arn:\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`berth agent exited with ${code}: ${stderr}`));
    });
  });
  return {
    child,
    containerInstanceArn,
    stderr: () => stderr,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

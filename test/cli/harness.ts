// Runs the `berth` CLI as a subprocess, as a person's shell does, against a server the test
// started; and writes the little JSON files `apply` reads.
import {
  CreateClusterCommand,
  DeleteServiceCommand,
  DescribeTasksCommand,
  ListServicesCommand,
  ListTasksCommand,
  StopTaskCommand,
  type ECSClient,
} from "@aws-sdk/client-ecs";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { startAgent, type Agent } from "../../src/agent/index.js";
import { BERTH_BIN } from "../helpers/process.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  stdin?: string;
  timeoutMs?: number;
}

/** `berth ARGS` with BERTH_ENDPOINT pointed at `endpoint` (unless the env says otherwise). */
export function berth(endpoint: string, args: readonly string[], o: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BERTH_BIN, ...args], {
      stdio: ["pipe", "pipe", "pipe"],
      env: {
        ...process.env,
        BERTH_ENDPOINT: endpoint,
        BERTH_WATCH_INTERVAL_MS: "250",
        NO_COLOR: "1",
        AWS_ACCESS_KEY_ID: "",
        AWS_SECRET_ACCESS_KEY: "",
        AWS_PROFILE: "",
        ...o.env,
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`berth ${args.join(" ")} did not finish in ${o.timeoutMs ?? 60_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, o.timeoutMs ?? 60_000);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(o.stdin ?? "");
  });
}

/** Writes `files` (name → JSON value or text) into `dir`. */
export function writeFiles(dir: string, files: Record<string, unknown>): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), typeof content === "string" ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

/** A task definition whose task runs `script` in sh, healthy within seconds by its health check. */
export function shellTaskDefinition(family: string, script: string) {
  return {
    family,
    containerDefinitions: [
      {
        name: "app",
        image: "busybox",
        cpu: 64,
        memory: 32,
        entryPoint: ["sh", "-c"],
        command: [script],
        healthCheck: { command: ["CMD-SHELL", "true"], interval: 5, timeout: 2, retries: 2 },
        stopTimeout: 2,
      },
    ],
  };
}

/** An error line: one line on stderr, starting "error: ". */
export function oneErrorLine(r: CliResult): string {
  const lines = r.stderr.trimEnd().split("\n");
  if (lines.length !== 1 || !lines[0]!.startsWith("error: ")) throw new Error(`expected one error line, got: ${JSON.stringify(r.stderr)}`);
  return lines[0]!;
}

/**
 * Deletes the cluster's services (first, or their schedulers replace the tasks stopped next),
 * stops its tasks and waits until every one is STOPPED, so no task process outlives the agent.
 */
export async function stopEverything(ecs: ECSClient, cluster = "default"): Promise<void> {
  const { serviceArns } = await ecs.send(new ListServicesCommand({ cluster }));
  for (const service of serviceArns ?? []) await ecs.send(new DeleteServiceCommand({ cluster, service, force: true }));
  const { taskArns } = await ecs.send(new ListTasksCommand({ cluster, desiredStatus: "RUNNING" }));
  for (const task of taskArns ?? []) await ecs.send(new StopTaskCommand({ cluster, task }));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const stopped = (await ecs.send(new ListTasksCommand({ cluster, desiredStatus: "STOPPED" }))).taskArns ?? [];
    const running = (await ecs.send(new ListTasksCommand({ cluster, desiredStatus: "RUNNING" }))).taskArns ?? [];
    const all = [...stopped, ...running];
    const described = all.length ? ((await ecs.send(new DescribeTasksCommand({ cluster, tasks: all.slice(0, 100) }))).tasks ?? []) : [];
    if (running.length === 0 && described.every((t) => t.lastStatus === "STOPPED")) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A control plane with the default cluster and one in-process agent running real processes. */
export interface LiveCluster {
  server: TestServer;
  agent: Agent;
  /** A temporary directory for the test's files (the agent's state is below it). */
  dir: string;
  /** Stops every task, then the agent and the server, and removes the directory. */
  close(): Promise<void>;
}

export async function startLiveCluster(name: string): Promise<LiveCluster> {
  const server = await startTestServer();
  await server.ecs.send(new CreateClusterCommand({ clusterName: "default" }));
  const dir = mkdtempSync(join(tmpdir(), `berth-${name}-`));
  const agent = await startAgent({
    endpoint: server.url,
    cluster: "default",
    runtime: "process",
    stateDir: join(dir, "agent"),
    cpu: 4096,
    memory: 4096,
    metadataPort: 0,
    logger: pino({ level: "silent" }),
  });
  return {
    server,
    agent,
    dir,
    async close() {
      await stopEverything(server.ecs);
      await agent.stop();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

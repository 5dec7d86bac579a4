// `berth server` (the control plane alone) and `berth up` (the embedded default: control plane
// on a local data directory plus the `default` cluster).
import { Command, InvalidArgumentError, Option } from "commander";
import { resolve } from "node:path";
import pino from "pino";
import { AGENT_INSTANCE_LABEL, startAgent, type Agent } from "../agent/index.js";
import { AUTH_MODES, DEFAULT_PORT, defaultAuthMode, describeAuthMode, isLoopbackHost, startControlPlane, type AuthMode, type ControlPlane, type StaticKey } from "../api/index.js";
import { ECS_TARGET_PREFIX, jsonCall } from "../client/index.js";
import { FARGATE_POOL_CLUSTER } from "../domain/index.js";
import { detectRuntime } from "../runtime/index.js";
import { usageError } from "./errors.js";
import { describeStore, etcdConnectionOf, openStoreOf, withStoreFlags, type StoreFlags } from "./store-option.js";
import { removeUpRecord, writeUpRecord } from "./up-record.js";

const DEFAULT_DATA_DIR = "./.berth";

interface UpFlags extends ServerFlags {
  runtime?: "docker" | "process" | "simulated";
  /** commander's --no-fargate: false skips the Fargate pool agent. */
  fargate: boolean;
}

interface ServerFlags extends StoreFlags {
  host: string;
  port: number;
  dataDir: string;
  accountId: string;
  region: string;
  allowReset?: boolean;
  dnsHost?: string;
  dnsPort?: number;
  auth?: AuthMode;
  serverId?: string;
  secretsKeyFile?: string;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError("a port is a whole number from 0 to 65535");
  return n;
}

function withServerFlags(cmd: Command): Command {
  return withStoreFlags(cmd)
    .addOption(new Option("--host <address>", "address to listen on").default("127.0.0.1"))
    .addOption(new Option("--port <port>", "port for the API").default(DEFAULT_PORT).argParser(parsePort))
    .addOption(new Option("--data-dir <dir>", "where state is kept").default(DEFAULT_DATA_DIR))
    .addOption(new Option("--account-id <id>", "the account id in ARNs").default("000000000000"))
    .addOption(new Option("--region <region>", "region when a request names none").default("us-east-1"))
    .addOption(new Option("--allow-reset", "enable POST /_berth/reset, which wipes all state (for test suites)"))
    .addOption(new Option("--dns-host <address>", "address of the DNS server for Cloud Map private namespaces (default: --host)"))
    .addOption(new Option("--dns-port <port>", "its port, UDP and TCP (default: the API's port + 1, 4667; 0 when --port is 0)").argParser(parsePort))
    .addOption(new Option("--server-id <id>", "this server's name among several on one etcd store (default: host name and a random suffix)"))
    .addOption(new Option("--secrets-key-file <path>", "the secrets vault's key, the same file on every server of one store (default: secrets.key in --data-dir)"))
    .addOption(
      new Option("--auth <mode>", "local: any access key is the account's root, IAM keys verified; strict: only IAM keys (default: local on a loopback --host, else strict)").choices(
        AUTH_MODES,
      ),
    );
}

/**
 * A root key of the default account from the environment (BERTH_ROOT_ACCESS_KEY_ID and
 * BERTH_ROOT_SECRET_ACCESS_KEY): the way into a strict server before IAM holds any key.
 */
export function rootKeyFromEnv(env: NodeJS.ProcessEnv = process.env): StaticKey[] {
  const accessKeyId = env.BERTH_ROOT_ACCESS_KEY_ID;
  const secretAccessKey = env.BERTH_ROOT_SECRET_ACCESS_KEY;
  if (!accessKeyId && !secretAccessKey) return [];
  if (!accessKeyId || !secretAccessKey) {
    throw usageError("BERTH_ROOT_ACCESS_KEY_ID and BERTH_ROOT_SECRET_ACCESS_KEY are set together or not at all");
  }
  return [{ accessKeyId, secretAccessKey }];
}

/** What `berth server` and `berth up` say about authentication in their first lines, pure. */
export function authSummary(mode: AuthMode, host: string, rootKeyId: string | undefined): string {
  const root = rootKeyId ? `; root key ${rootKeyId} from BERTH_ROOT_ACCESS_KEY_ID` : "";
  // local mode on an address others reach hands everyone the root: say so where it is chosen.
  const exposed = mode === "local" && !isLoopbackHost(host) ? ` — WARNING: ${host} is reachable from other machines, and they get the root too` : "";
  return `${describeAuthMode(mode)}${root}${exposed}`;
}

async function start(flags: ServerFlags, beforeClose: () => Promise<void> = async () => {}): Promise<ControlPlane> {
  const logger = pino({ level: process.env.BERTH_LOG_LEVEL ?? "info" });
  const rootKeys = rootKeyFromEnv();
  // etcd when --store names one; without it the control plane opens SQLite in --data-dir itself.
  const store = etcdConnectionOf(flags) ? await openStoreOf(flags, flags.dataDir) : undefined;
  const cp = await startControlPlane({
    ...(store ? { store } : {}),
    // On etcd, other servers may share the store: this one takes its share of the scheduler's
    // shards and may lead (docs/distributed.md). A lone server on etcd simply owns them all.
    ...(store ? { coordination: { ...(flags.serverId ? { serverId: flags.serverId } : {}) } } : {}),
    ...(flags.secretsKeyFile ? { secretsKeyFile: resolve(flags.secretsKeyFile) } : {}),
    host: flags.host,
    port: flags.port,
    dataDir: resolve(flags.dataDir),
    accountId: flags.accountId,
    region: flags.region,
    allowReset: !!flags.allowReset,
    auth: flags.auth ?? defaultAuthMode(flags.host),
    rootKeys,
    // As root, also on port 53 of the subnet routers on this host: awsvpc tasks' resolvers.
    dns: { host: flags.dnsHost ?? flags.host, port: flags.dnsPort ?? defaultDnsPort(flags.port), gateways: process.getuid?.() === 0 },
    logger,
  });
  const stop = async (signal: string) => {
    logger.info({ signal }, "shutting down");
    await beforeClose();
    await cp.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
  return cp;
}

/** The DNS port beside the API's: 4667 for the default 4666; a free one when the API's is. */
export const defaultDnsPort = (apiPort: number) => (apiPort === 0 ? 0 : apiPort + 1);

export function serverCommand(): Command {
  return withServerFlags(new Command("server"))
    .description("Run the control plane: the ECS API on one port, state in --data-dir.")
    .addHelpText("after", "\nExample:\n  berth server --port 4666 --data-dir /var/lib/berth\n")
    .action(async (flags: ServerFlags) => {
      const cp = await start(flags);
      process.stdout.write(`berth server listening on ${cp.url} (${describeStore(flags, flags.dataDir)})\n`);
      process.stdout.write(`auth: ${authSummary(cp.auth, flags.host, rootKeyFromEnv()[0]?.accessKeyId)}\n`);
    });
}

export function upCommand(): Command {
  return withServerFlags(new Command("up"))
    .description("Run berth on this machine: the control plane, the default cluster and a local agent.")
    .addOption(new Option("--runtime <name>", "how the local agent runs containers (default: docker if an engine answers, else process)").choices(["docker", "process", "simulated"]))
    .addOption(new Option("--no-fargate", "do not start the agent of berth's Fargate pool (FARGATE and FARGATE_SPOT tasks then find no capacity)"))
    .addHelpText("after", "\nExample:\n  berth up --port 4666 --runtime process\n")
    .action(async (flags: UpFlags) => {
      let agent: Agent | undefined;
      let poolAgent: Agent | undefined;
      const dataDir = resolve(flags.dataDir);
      const cp = await start(flags, async () => {
        // Tasks keep running, as they do when the ECS agent stops: say so, and how to stop them.
        const running = await runningTasks([agent, poolAgent]);
        await poolAgent?.stop();
        await agent?.stop();
        await removeUpRecord(dataDir);
        process.stdout.write(stoppedMessage(running, flags.dataDir));
      });
      await writeUpRecord(dataDir, cp.url);
      // Signed with this process's own root key: accepted in strict mode too.
      await jsonCall({ endpoint: cp.url, region: flags.region, credentials: cp.localCredentials }, ECS_TARGET_PREFIX, "CreateCluster", { clusterName: "default" });
      const detected = flags.runtime ? undefined : await detectRuntime({ timeoutMs: 1500 });
      const runtime = flags.runtime ?? detected!.recommended;
      const why = flags.runtime
        ? "chosen with --runtime"
        : runtime === "docker"
          ? "a Docker engine answered"
          : `no Docker engine answered${detected!.docker.available ? "" : ` (${detected!.docker.reason})`}`;
      agent = await startAgent({
        endpoint: cp.url,
        cluster: "default",
        runtime,
        stateDir: resolve(flags.dataDir, "agent"),
        region: flags.region,
        metadataPort: 0,
        credentials: cp.localCredentials,
        logger: pino({ level: process.env.BERTH_LOG_LEVEL ?? "warn" }),
      });
      // FARGATE / FARGATE_SPOT capacity: a second agent on this machine, registered into the
      // reserved pool cluster that no API call lists (docs/design.md, "Fargate"). It offers the
      // same host's cpu and memory as the first agent: EC2 and Fargate tasks share one machine.
      if (flags.fargate) {
        poolAgent = await startAgent({
          endpoint: cp.url,
          cluster: FARGATE_POOL_CLUSTER,
          runtime,
          stateDir: resolve(flags.dataDir, "agent-fargate"),
          region: flags.region,
          metadataPort: 0,
          credentials: cp.localCredentials,
          logger: pino({ level: process.env.BERTH_LOG_LEVEL ?? "warn" }),
        });
      }
      process.stdout.write(
        [
          "berth is up.",
          `  endpoint:  ${cp.url}`,
          `  auth:      ${authSummary(cp.auth, flags.host, rootKeyFromEnv()[0]?.accessKeyId)}`,
          `  data:      ${describeStore(flags, flags.dataDir).replace(/^data in /, "")}`,
          `  cluster:   default, with this machine as container instance ${agent.containerInstanceArn.split("/").pop()}`,
          `  runtime:   ${runtime} (${why})`,
          `  fargate:   ${poolAgent ? "FARGATE and FARGATE_SPOT tasks run on a second, hidden agent on this machine" : "off (--no-fargate)"}`,
          `  try:       aws ecs list-container-instances --endpoint-url ${cp.url} --region ${flags.region}`,
          ...(cp.dns ? [`  dns:       ${cp.dns.host}:${cp.dns.port} answers Cloud Map private namespaces (dig @${cp.dns.host} -p ${cp.dns.port} <service>.<namespace>)`] : []),
          // The CLI finds the default endpoint by itself; on any other port it needs telling.
          ...(cp.url === `http://127.0.0.1:${DEFAULT_PORT}` ? [] : [`  cli:       export BERTH_ENDPOINT=${cp.url}`]),
          "  next:      berth get instances, berth apply -f FILE, berth --help",
          `  stop:      Ctrl-C stops berth, its tasks keep running; ${withDataDir("berth down", flags.dataDir)} stops them`,
          "",
        ].join("\n"),
      );
    });
}

/** How many tasks have a running container on these agents (the count Ctrl-C leaves running). */
async function runningTasks(agents: readonly (Agent | undefined)[]): Promise<number> {
  const tasks = new Set<string>();
  for (const a of agents) {
    if (!a) continue;
    const states = await a.driver.list().catch(() => []);
    for (const s of states) if (s.status === "RUNNING" && s.labels[AGENT_INSTANCE_LABEL] === a.instanceId) tasks.add(s.taskArn);
  }
  return tasks.size;
}

/** `berth up`'s last words, pure. */
export function stoppedMessage(running: number, dataDir: string): string {
  if (running === 0) return "berth stopped; no task was running.\n";
  const them = running === 1 ? "it" : "them";
  return [
    `berth stopped; ${running} task${running === 1 ? " keeps" : "s keep"} running, as tasks do while an ECS agent restarts.`,
    `  ${withDataDir("berth up", dataDir)} adopts ${them} again; ${withDataDir("berth down", dataDir)} stops ${them}.`,
    "",
  ].join("\n");
}

function withDataDir(command: string, dataDir: string): string {
  return dataDir === DEFAULT_DATA_DIR ? command : `${command} --data-dir ${dataDir}`;
}

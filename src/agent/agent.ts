// startAgent: the node agent's assembly, in the ECS agent's order. Load (or create) the
// instance identity in the state dir, open the runtime, start the metadata endpoint (its port is
// reserved at registration), restore and re-attach the recorded tasks, register the container
// instance, then hold the channel to the control plane. stop() releases all of it in reverse;
// containers keep running, as they do when the ECS agent stops.
import { randomBytes } from "node:crypto";
import pino, { type Logger } from "pino";
import type { Attribute, RuntimeDriver, Timers } from "../runtime/index.js";
import { systemTimers } from "../runtime/index.js";
import { AcsChannel } from "./acs-channel.js";
import { DEFAULT_STOP_TIMEOUT_SECONDS } from "./container-spec.js";
import { createDriver, type RuntimeChoice } from "./driver-factory.js";
import { discoverEndpoint, ecsCaller, submitReport } from "./ecs-calls.js";
import { Endpoints, JsonCallError, signRequest, type Credentials } from "../client/index.js";
import { dockerBridgeInterface, metadataHosts } from "./metadata-address.js";
import { resolveSecrets } from "./secrets-resolver.js";
import { type MetadataServer, startMetadataServer } from "./metadata-server.js";
import { serveLogs } from "./logs-request.js";
import { type HostFacts, registerInstance } from "./registration.js";
import { type AgentIdentity, StateStore } from "./state-store.js";
import { TaskEngine } from "./task-engine.js";
import { TaskMetricsSampler } from "./task-metrics.js";
import { AwslogsDriver } from "./awslogs/awslogs-driver.js";
import { nodeNetworks } from "./node-networks.js";
import { sweepVolumes } from "./volumes/task-storage.js";
import { resolve as resolvePath } from "node:path";

export interface AgentOptions {
  /**
   * The control plane's API, e.g. http://127.0.0.1:4666; with several servers, their URLs
   * (comma-separated or a list): calls and the channel fail over from one to the next.
   */
  endpoint: string | readonly string[];
  cluster?: string;
  /**
   * A runtime name ("auto": docker when an engine answers, else process), or a driver to use
   * (tests; `berth up` with a shared simulated host).
   */
  runtime: RuntimeChoice | RuntimeDriver;
  stateDir: string;
  /** Custom container-instance attributes. */
  attributes?: Attribute[];
  /**
   * false: bridge-mode tasks of the process runtime bind their container ports on the host
   * (port-translation=none) even where the agent could give them namespaces, as on a host
   * without root. Default: namespaces and forwarded host ports wherever awsvpc namespaces work.
   */
  bridgeNamespaces?: boolean;
  /** Overrides of the registered CPU units and MEMORY MiB. */
  cpu?: number;
  memory?: number;
  availabilityZone?: string;
  instanceType?: string;
  /** Default 51679, the ECS agent's; 0 picks a free port. */
  metadataPort?: number;
  /** The address containers reach the metadata endpoint at (default: see metadata-address.ts). */
  metadataHost?: string;
  region?: string;
  credentials?: Credentials;
  logger?: Logger;
  /** ECS_CONTAINER_STOP_TIMEOUT in seconds (default 30). */
  stopTimeoutSeconds?: number;
  /** ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION (default 3 h). */
  cleanupWaitMs?: number;
  /** Silence on the channel after which the agent reconnects (default three heartbeats). */
  heartbeatTimeoutMs?: number;
  /** How long startAgent waits for the channel's first connection before returning anyway. */
  connectTimeoutMs?: number;
  timers?: Timers;
  rng?: () => number;
  /** How often running tasks' CPU and memory are sampled for the AWS/ECS metrics (default 20 s; tests shorten it). */
  metricsIntervalMs?: number;
}

export interface Agent {
  readonly instanceId: string;
  readonly containerInstanceArn: string;
  readonly clusterArn: string;
  readonly metadataPort: number;
  readonly metadataBaseUrl: string;
  readonly driver: RuntimeDriver;
  readonly engine: TaskEngine;
  readonly channel: AcsChannel;
  /** Resolves when no manifest, runtime call or report is pending. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export const DEFAULT_METADATA_PORT = 51679;
const THREE_HOURS_MS = 3 * 60 * 60 * 1000;

export async function startAgent(options: AgentOptions): Promise<Agent> {
  const log = options.logger ?? pino({ level: process.env.BERTH_LOG_LEVEL ?? "info" });
  const timers = options.timers ?? systemTimers;
  const rng = options.rng ?? Math.random;
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1";
  const cluster = options.cluster ?? "default";
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn();
  };
  try {
    const store = new StateStore(options.stateDir);
    await store.open();
    cleanups.push(() => store.close());
    let identity: AgentIdentity = (await store.loadIdentity()) ?? { instanceId: newInstanceId() };
    await store.saveIdentity(identity);

    const created = typeof options.runtime === "string" ? await createDriver(options.runtime, options.stateDir) : { driver: options.runtime };
    const driver = created.driver;
    if (typeof options.runtime === "string") cleanups.push(() => driver.close());
    const capabilities = await driver.capabilities();
    const network = await nodeNetworks(driver, capabilities.attributes, log, { bridgeNamespaces: options.bridgeNamespaces !== false });

    const credentials = options.credentials ?? credentialsFromEnv();
    const endpoints = new Endpoints(options.endpoint);
    const call = ecsCaller({ endpoint: endpoints, region, credentials });

    const hosts = await metadataHosts(driver.name, log, options.metadataHost);
    let engine: TaskEngine | undefined;
    // awslogs containers' output goes to berth's own CloudWatch Logs, as the task's execution role.
    const awslogs = new AwslogsDriver({
      driver,
      timers,
      log: log.child({ component: "awslogs" }),
      endpoint: endpoints,
      agentCredentials: credentials,
      executionCredentials: (taskArn) => engine?.credentials.get(taskArn, "TaskExecution"),
      stateDir: `${options.stateDir}/awslogs`,
    });
    cleanups.push(() => awslogs.close());
    const serve = (port: number) =>
      startMetadataServer({
        hosts,
        port,
        driver,
        lookup: { find: (token) => findToken(engine, token) },
        credentials: {
          lookup: { byId: (id) => engine?.credentialsLookup().byId(id), taskAt: (address) => engine?.credentialsLookup().taskAt(address) },
          // Docker gives its bridge containers their addresses: the agent cannot tell them apart.
          acceptUnknownSources: driver.name === "docker",
        },
        context: { availabilityZone: options.availabilityZone ?? `${region}a` },
        // Task scale-in protection: as ECS's agent, it calls the control plane as the task role.
        protection: {
          credentialsOf: (taskArn) => engine?.credentials.get(taskArn, "TaskApplication"),
          call: (operation, input, creds) =>
            ecsCaller({
              endpoint: endpoints,
              region,
              credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken },
              timeoutMs: 10_000,
            })(operation, input),
        },
      });
    // Containers keep the URIs they started with, so a restarted agent serves on the port it
    // had before unless a port was named; the default moves only when another process holds it.
    const candidates =
      options.metadataPort !== undefined && options.metadataPort !== 0
        ? [options.metadataPort]
        : [...new Set([identity.metadataPort, options.metadataPort ?? DEFAULT_METADATA_PORT, 0].filter((p) => p !== undefined))];
    let metadata: MetadataServer | undefined;
    for (const [i, port] of candidates.entries()) {
      try {
        metadata = await serve(port);
        break;
      } catch (err) {
        if (i === candidates.length - 1 || (err as NodeJS.ErrnoException).code !== "EADDRINUSE") throw err;
        log.warn({ port }, "metadata port in use; trying another");
      }
    }
    if (!metadata) throw new Error(`the metadata endpoint could not listen on any of ports ${candidates.join(", ")}`);
    identity = { ...identity, metadataPort: metadata.port };
    await store.saveIdentity(identity);
    const metadataServer = metadata;
    cleanups.push(() => metadataServer.close());

    let channel: AcsChannel | undefined;
    // State changes wait for the channel: until it is open they fail and are retried.
    const reports = {
      stateChange: (operation: Parameters<AcsChannel["stateChange"]>[0], input: Record<string, unknown>) =>
        channel ? channel.stateChange(operation, input) : Promise.reject(new Error("the agent channel is not open yet")),
    };
    const cleanupWaitMs = options.cleanupWaitMs ?? THREE_HOURS_MS;
    // Docker's bridge containers reach 169.254.170.2 through a host redirect, where the agent may make one.
    let bridgeCredentials = false;
    if (driver.name === "docker" && network.networks?.ensureBridgeCredentials) {
      const link = await dockerBridgeInterface(log);
      if (link) {
        await network.networks
          .ensureBridgeCredentials(link, metadataServer.port)
          .then(() => (bridgeCredentials = true))
          .catch((err: unknown) => log.warn({ err: (err as Error).message, link }, "cannot redirect Docker's bridge to the credentials endpoint"));
      }
    }
    // Absolute: the runtimes mount from it and hide it from containers (docs/volumes.md).
    const volumesRoot = resolvePath(options.stateDir, "volumes");
    engine = new TaskEngine({
      driver,
      store,
      timers,
      rng,
      log,
      instanceId: identity.instanceId,
      metadataBaseUrl: metadataServer.baseUrl,
      defaultStopTimeoutSeconds: options.stopTimeoutSeconds ?? DEFAULT_STOP_TIMEOUT_SECONDS,
      cleanupWaitMs,
      ...(network.networks ? { networks: network.networks, metadataAt: (host: string) => metadataServer.listenOn(host) } : {}),
      ...(network.bridgeNamespaces ? { bridgeNamespaces: true } : {}),
      // Secrets are read from the control plane's own Secrets Manager and SSM, as the execution role.
      resolveSecrets: (refs, creds) =>
        resolveSecrets(refs, { endpoint: endpoints, credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken } }),
      loopbackUrl: hosts.some((h) => h === "127.0.0.1" || h === "0.0.0.0") ? `http://127.0.0.1:${metadataServer.port}` : metadataServer.baseUrl,
      ...(network.networks ? { credentialsPort: metadataServer.port } : {}),
      ...(bridgeCredentials ? { bridgeCredentials: true } : {}),
      awslogs,
      volumesRoot,
      submit: (report, rec) => submitReport(reports, rec.task.clusterArn, rec.task.taskArn, report),
      onHealth: (reports) => void channel?.send({ type: "ContainerHealth", reports }),
    });
    const taskEngine = engine;
    cleanups.push(() => taskEngine.close());
    await engine.restore();
    // Storage of tasks that ended (or were forgotten) while the agent was down goes now.
    const restored = [...engine.tasks.values()];
    const running = new Set(restored.filter((t) => t.record.known !== "STOPPED").map((t) => t.taskId));
    await sweepVolumes(volumesRoot, { running, recorded: new Set(restored.map((t) => t.taskArn)) }, driver, identity.instanceId, log);

    const host: HostFacts = { cpu: capabilities.resources.cpu, memoryMiB: capabilities.resources.memoryMiB, platform: process.platform, arch: process.arch };
    const registered = await registerWithRetry(() =>
      registerInstance(
        call,
        {
          cluster,
          instanceId: identity.instanceId,
          region,
          availabilityZone: options.availabilityZone ?? `${region}a`,
          instanceType: options.instanceType ?? "berth.local",
          ...(options.cpu !== undefined ? { cpu: options.cpu } : {}),
          ...(options.memory !== undefined ? { memoryMiB: options.memory } : {}),
          metadataPort: metadataServer.port,
          runtimeAttributes: [...capabilities.attributes, ...network.attributes],
          customAttributes: options.attributes ?? [],
          runtimeName: driver.name,
          ...(created.dockerVersion ? { dockerVersion: created.dockerVersion } : {}),
          ...(identity.containerInstanceArn ? { containerInstanceArn: identity.containerInstanceArn } : {}),
        },
        host,
        log,
      ),
      timers,
      rng,
      log,
    );
    identity = { ...identity, containerInstanceArn: registered.containerInstanceArn, clusterArn: registered.clusterArn };
    await store.saveIdentity(identity);
    log.info({ containerInstanceArn: registered.containerInstanceArn, runtime: driver.name, metadata: metadataServer.baseUrl }, "registered");

    channel = new AcsChannel({
      discover: () => discoverEndpoint(call, cluster, registered.containerInstanceArn),
      clusterArn: registered.clusterArn,
      containerInstanceArn: registered.containerInstanceArn,
      onManifest: (tasks, full) => taskEngine.handleManifest(tasks, full),
      // The control plane authenticates the channel like any request (strict mode needs it).
      sign: (url) => signRequest({ method: "GET", url, headers: {}, body: "", region, service: "ecs", credentials, now: new Date() }),
      onCredentials: (taskArn, roleType, credentials) => taskEngine.receiveCredentials(taskArn, roleType, credentials),
      onLogs: (request) => serveLogs({ task: (arn) => taskEngine.tasks.get(arn)?.record, driver, timers, cleanupWaitMs }, request),
      onConnected: () => {
        const health = taskEngine.allHealth();
        if (health.length) channel?.send({ type: "ContainerHealth", reports: health });
        // Reports that failed while the channel was down go now, not after their back-off.
        taskEngine.retryReports();
      },
      ...(options.heartbeatTimeoutMs !== undefined ? { heartbeatTimeoutMs: options.heartbeatTimeoutMs } : {}),
      timers,
      rng,
      log,
    });
    const acs = channel;
    cleanups.push(() => acs.close());
    acs.start();
    const sampler = new TaskMetricsSampler({
      driver,
      tasks: () => [...taskEngine.tasks.values()].map((t) => t.record),
      send: (msg) => acs.send(msg),
      timers,
      log,
      ...(options.metricsIntervalMs !== undefined ? { intervalMs: options.metricsIntervalMs } : {}),
    });
    cleanups.push(() => sampler.close());
    sampler.start();
    // Placement skips instances whose agent is not connected: return once it is, so a RunTask
    // right after startAgent finds this instance (a slow control plane only delays it).
    if (!(await acs.waitConnected(options.connectTimeoutMs ?? 10_000))) {
      log.warn("not connected to the control plane yet; still trying");
    }

    let stopped = false;
    return {
      instanceId: identity.instanceId,
      containerInstanceArn: registered.containerInstanceArn,
      clusterArn: registered.clusterArn,
      metadataPort: metadataServer.port,
      metadataBaseUrl: metadataServer.baseUrl,
      driver,
      engine: taskEngine,
      channel: acs,
      settled: () => taskEngine.settled(),
      async stop() {
        if (stopped) return;
        stopped = true;
        await cleanup();
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/**
 * The environment's credentials, else placeholders: a local-mode server takes an unknown key as
 * the account's root; a strict one needs real keys (BERTH_ROOT_… or an IAM user's).
 */
function credentialsFromEnv(): Credentials {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = process.env;
  if (accessKeyId && secretAccessKey) return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  return { accessKeyId: "berth-agent", secretAccessKey: "berth-agent" };
}

/** An EC2-shaped instance id (i- and 17 hex digits), made once per state dir. */
function newInstanceId(): string {
  return `i-${randomBytes(9).toString("hex").slice(0, 17)}`;
}

function findToken(engine: TaskEngine | undefined, token: string) {
  if (!engine) return undefined;
  for (const t of engine.tasks.values()) {
    const container = t.record.containers.find((c) => c.metadataToken === token);
    if (container) return { rec: t.record, container };
  }
  return undefined;
}

/** The control plane may not be up yet: retry network failures; a refusal is final. */
async function registerWithRetry<T>(fn: () => Promise<T>, timers: Timers, rng: () => number, log: Logger): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof JsonCallError && err.status < 500) throw err;
      const delay = Math.min(30_000, 250 * 1.5 ** attempt) * (0.8 + 0.4 * rng());
      log.warn({ err: (err as Error).message, delayMs: Math.round(delay) }, "cannot reach the control plane to register; retrying");
      await new Promise<void>((resolve) => timers.setTimeout(resolve, delay));
    }
  }
}

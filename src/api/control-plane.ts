// Assembles the control plane: the store on its data directory, the cache over it, the
// domain services, and the HTTP API. `berth server`, `berth up` and the tests all start here.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { hostname } from "node:os";
import { join } from "node:path";
import pino, { type Logger } from "pino";
import {
  coordination,
  iam,
  indexes,
  metrics,
  logs,
  secrets,
  secretsManager,
  serviceDiscovery,
  serviceReconciler,
  serviceRegistrations,
  targetRegistrations,
  serviceRetention,
  startIngressSync,
  startLoadBalancerController,
  STORE_ROOT,
  taskRetention,
  type Deps,
  type SecretDeps,
} from "../domain/index.js";
import { berthHandlers } from "./berth/handlers.js";
import { berthModel } from "./berth/model.js";
import { createAgentChannel } from "./agent-channel.js";
import { EcsError, systemClock, uuid, type Clock } from "../model/index.js";
import {
  createCache,
  DEFAULT_JOURNAL_TTL_SECONDS,
  openEtcdJournal,
  openJournalLedger,
  openLocalLogDatabase,
  openLogEventStore,
  openSqliteStore,
  type EtcdStore,
  type SqliteStore,
  type Store,
} from "../store/index.js";
import { createConsole, isConsoleRequest } from "../console/index.js";
import { ecsModel } from "./ecs/model.generated.js";
import { ecsHandlers } from "./ecs/handlers.js";
import { ecsEnumMessage } from "./ecs/enum-message.js";
import { ec2Service } from "./ec2/handlers.js";
import { elbv2Service } from "./elbv2/handlers.js";
import { iamService } from "./iam/handlers.js";
import { stsService } from "./sts/handlers.js";
import { startDnsServer, type DnsServer } from "./dns/dns-server.js";
import { startGatewayListeners } from "./dns/gateway-listeners.js";
import { startApiServer, type ApiServer } from "./http-server.js";
import { policyAuthorizer } from "./authorize.js";
import { dispatch } from "./json-service.js";
import { serviceDiscoveryService } from "./servicediscovery/index.js";
import { secretsManagerService } from "./secretsmanager/index.js";
import { ssmService } from "./ssm/index.js";
import { cloudWatchQueryService, cloudWatchService } from "./cloudwatch/index.js";
import { createHealthMetrics } from "./health-metrics.js";
import { logsService } from "./logs/index.js";
import { efsService } from "./efs/index.js";
import { defaultAuthMode, withRootKeys, type AuthMode, type KeyLookup, type StaticKey } from "./sigv4/index.js";

export interface ControlPlaneOptions {
  host?: string;
  port?: number;
  /** Where the SQLite file lives; ":memory:" keeps everything in memory (tests only). */
  dataDir: string;
  accountId?: string;
  region?: string;
  allowReset?: boolean;
  clock?: Clock;
  logger?: Logger;
  /** Run the service scheduler (default true); API-only tests turn it off. */
  scheduler?: boolean;
  /** How often the agent channel sends heartbeats (tests shorten it). */
  heartbeatMs?: number;
  /** How long STOPPED tasks stay describable (default one hour). */
  taskRetentionMs?: number;
  /** A store to use instead of opening SQLite under dataDir (the etcd backend plugs in here). */
  store?: Store;
  /**
   * Where the DNS server for Cloud Map private namespaces listens (UDP and TCP); absent: no DNS
   * server. `gateways` (root only) also answers on port 53 of every subnet router address this
   * host holds, where awsvpc tasks' resolv.conf points (dns/gateway-listeners.ts).
   */
  dns?: { host: string; port: number; gateways?: boolean };
  /** Run the load balancers' data plane (default true); tests that play it themselves turn it off. */
  loadBalancers?: boolean;
  /** How requests are authenticated: local on a loopback host, strict elsewhere (docs/design.md, Authentication). */
  auth?: AuthMode;
  /** Finds access keys; default: IAM's. Tests inject their own. */
  keyLookup?: KeyLookup;
  /** Root keys of the default account accepted besides IAM's (`BERTH_ROOT_ACCESS_KEY_ID`). */
  rootKeys?: StaticKey[];
  /** How often the AWS/ECS datapoints are recomputed from the agents' samples (default 20 s; tests shorten it). */
  metricsRollupMs?: number;
  /**
   * Several servers on one store (etcd): this server takes its share of the service scheduler's
   * shards and may become the leader that runs the one-of-a-kind controllers
   * (domain/coordination). Absent: this server is the only one and runs everything.
   */
  coordination?: { serverId?: string; shardCount?: number; ttlMs?: number; tickMs?: number };
  /** The secrets vault's key file, shared by every server of one store (default: secrets.key in dataDir). */
  secretsKeyFile?: string;
  /**
   * On etcd: how long the journal that carries log events and datapoints to every server keeps
   * an entry (default BERTH_JOURNAL_TTL_SECONDS, else 1 hour; docs/distributed.md).
   */
  journalTtlSeconds?: number;
}

export interface ControlPlane {
  readonly url: string;
  readonly port: number;
  readonly deps: Deps;
  /** deps with the vault that seals secret values (Secrets Manager, SSM SecureString): what resolveSecretValueFrom takes. */
  readonly secretDeps: SecretDeps;
  /** deps with the CloudWatch Logs event store (domain/logs: readStreamSince, filterLogEvents…); absent on a store other than SQLite. */
  readonly logsDeps?: logs.LogsDeps;
  /** With several servers: this server's view of who owns what (domain/coordination). */
  readonly coordinator?: coordination.Coordinator;
  /** The DNS server's address, when one was asked for. */
  readonly dns?: { host: string; port: number };
  readonly auth: AuthMode;
  /**
   * A root key of the default account that exists only in this process, for callers in it
   * (`berth up` creates its cluster and runs its agents with it): in strict mode nothing else
   * of theirs would be accepted. Never printed, never stored.
   */
  readonly localCredentials: StaticKey;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 4666;

/**
 * Where EFS file systems' directories live: `<data dir>/efs`; for an in-memory control plane
 * (tests), a directory of this process under the system's temporary directory.
 */
export function efsRootOf(dataDir: string): string {
  return dataDir === ":memory:" ? join(tmpdir(), `berth-efs-${process.pid}`) : join(dataDir, "efs");
}

/**
 * The store's history: at most 100,000 revisions, none older than 5 minutes (kube-apiserver
 * compacts etcd every 5 minutes too), at most 32 MiB written, checked every 10 s. The cache
 * watches in-process and never falls that far behind; the age and size rules are what bound
 * the data directory under churn (docs/design.md, The store).
 */
export const STORE_RETENTION = { keepRevisions: 100_000, maxAgeMs: 5 * 60_000, maxBytes: 32 * 2 ** 20, intervalMs: 10_000 };

export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const logger = options.logger ?? pino({ level: process.env.BERTH_LOG_LEVEL ?? "info" });
  let store = options.store;
  if (!store) {
    const path = options.dataDir === ":memory:" ? ":memory:" : join(options.dataDir, "berth.db");
    if (options.dataDir !== ":memory:") mkdirSync(options.dataDir, { recursive: true });
    // Keep enough history for watchers that fall behind; older revisions are compacted away.
    store = openSqliteStore({ path, autoCompact: STORE_RETENTION });
  }
  const cache = createCache(store, { prefix: STORE_ROOT, indexes });
  await cache.start();
  const deps: Deps = { store, cache, clock: options.clock ?? systemClock };
  // Secret values are sealed with a key kept beside the database (secrets.key, mode 0600).
  const secretDeps: SecretDeps = { ...deps, vault: secrets.createVault(options.secretsKeyFile ? secrets.vaultKeyFromFile(options.secretsKeyFile) : secrets.vaultKeyFor(options.dataDir)) };
  // CloudWatch Logs events live in a table of the SQLite file beside the store's log. On another
  // backend (etcd) they go to a SQLite file of this server's own, <data dir>/log-events.db,
  // which the journal below keeps in step with every other server's (docs/distributed.md).
  const localLogDb = "database" in store && typeof store.database === "function" ? undefined : openLocalLogDatabase(options.dataDir);
  const serverId = options.coordination?.serverId ?? `${hostname()}-${randomBytes(4).toString("hex")}`;
  // On etcd, log events and datapoints stay in SQLite files of each server's own and reach the
  // others through a journal beside the store's keys (store/etcd-journal.ts, docs/distributed.md).
  const journal =
    "client" in store && "keyRoot" in store
      ? openEtcdJournal({
          client: (store as EtcdStore).client,
          root: (store as EtcdStore).keyRoot.replace(/kv\/$/, ""),
          serverId,
          ttlSeconds: options.journalTtlSeconds ?? (Number(process.env.BERTH_JOURNAL_TTL_SECONDS) || DEFAULT_JOURNAL_TTL_SECONDS),
        })
      : undefined;
  const logsDeps: logs.LogsDeps | undefined = {
    ...deps,
    logEvents: openLogEventStore(localLogDb ?? (store as SqliteStore).database()),
    ...(journal && localLogDb ? { replication: { journal, ledger: openJournalLedger(localLogDb) } } : {}),
  };
  const sweeper = setInterval(() => {
    // With several servers the leader sweeps the shared records; each sweeps its own log events.
    const sweep = coordinator ? (coordinator.isLeader() ? leaderDeps : undefined) : deps;
    if (sweep) {
      taskRetention.sweepStoppedTasks(sweep, options.taskRetentionMs).catch((err) => logger.error({ err }, "task cleanup failed"));
      serviceRetention.sweepInactiveServices(sweep).catch((err) => logger.error({ err }, "service cleanup failed"));
      serviceDiscovery.operations.sweepOperations(sweep).catch((err) => logger.error({ err }, "Cloud Map operation cleanup failed"));
      secretsManager.purgeExpiredSecrets(sweep).catch((err) => logger.error({ err }, "deleted secret cleanup failed"));
      iam.sweepExpiredSessions(sweep).catch((err) => logger.error({ err }, "expired role session cleanup failed"));
    }
    try {
      if (logsDeps) logs.sweepExpiredLogEvents(logsDeps);
    } catch (err) {
      logger.error({ err }, "expired log event cleanup failed");
    }
  }, 60_000);
  sweeper.unref();
  // With several servers, each reconciles the services of the shards it owns, its writes fenced
  // by the shard's ownership record; the leader alone runs the one-of-a-kind controllers.
  const coordinator = options.coordination
    ? coordination.startCoordinator({
        store,
        logger,
        serverId,
        ...(options.coordination.shardCount !== undefined ? { shardCount: options.coordination.shardCount } : {}),
        ...(options.coordination.ttlMs !== undefined ? { ttlMs: options.coordination.ttlMs } : {}),
        ...(options.coordination.tickMs !== undefined ? { tickMs: options.coordination.tickMs } : {}),
      })
    : undefined;
  // berth's own health (GET /metrics): told of API requests and reconcile passes.
  const health = createHealthMetrics(deps, STORE_ROOT, coordinator ? () => coordinator.view() : undefined);
  const shardOfService = (key: string) => coordination.shardOf(key, coordinator!.shardCount);
  const reconciler =
    options.scheduler === false
      ? undefined
      : serviceReconciler.startServiceReconciler(deps, logger, {
          onPass: health.observePass,
          ...(coordinator
            ? {
                owns: (key) => coordinator.owns(shardOfService(key)),
                depsFor: (key) => {
                  const shard = shardOfService(key);
                  return { ...deps, store: coordination.fencedStore(store, () => coordinator.shardFence(shard), `shard ${shard}`) };
                },
              }
            : {}),
        });
  const startSingletons = (d: Deps) => {
    // awsvpc tasks' ingress follows their security groups (rules and members).
    const ingressSync = startIngressSync(d, logger);
    // One data plane node per ELBv2 load balancer, and the target health it sees (docs/design.md).
    const loadBalancers = options.loadBalancers === false ? undefined : startLoadBalancerController(d, logger);
    const registrations = options.scheduler === false ? undefined : serviceRegistrations.startRegistrationController(d, logger);
    const targetRegistration = options.scheduler === false ? undefined : targetRegistrations.startTargetRegistrationController(d, logger);
    return async () => {
      ingressSync.stop();
      await loadBalancers?.stop();
      registrations?.stop();
      targetRegistration?.stop();
    };
  };
  let stopSingletons: (() => Promise<void>) | undefined = coordinator ? undefined : startSingletons(deps);
  const leaderDeps = coordinator ? { ...deps, store: coordination.fencedStore(store, () => coordinator.leaderFence(), "the leader role") } : deps;
  const coordinationChanges = coordinator?.onChange((change) => {
    if (change.gained.length > 0) reconciler?.resync();
    if (change.leader === true && !stopSingletons) {
      logger.info({ server: coordinator.serverId }, "this server leads: running the controllers that must not run twice");
      stopSingletons = startSingletons(leaderDeps);
    } else if (change.leader === false && stopSingletons) {
      logger.warn({ server: coordinator.serverId }, "this server no longer leads");
      const stop = stopSingletons;
      stopSingletons = undefined;
      stop().catch((err) => logger.error({ err }, "stopping the leader's controllers failed"));
    }
    if (change.lost.length > 0 || change.gained.length > 0) logger.info({ gained: change.gained, lost: change.lost }, "scheduler shards moved");
  });
  const ecs = { signingName: "ecs", targetPrefix: ecsModel.targetPrefix, model: ecsModel, handlers: ecsHandlers(deps), enumMessage: ecsEnumMessage };
  // Every request by a user or role session is checked against its IAM policies; roots pass.
  const policies = policyAuthorizer(deps);
  // CloudWatch metrics: the agents' samples become AWS/ECS datapoints (metrics.db beside berth.db).
  const taskMetrics = new metrics.Metrics(deps, {
    dataDir: options.dataDir,
    logger,
    ...(journal ? { journal } : {}),
    ...(options.metricsRollupMs !== undefined ? { rollupMs: options.metricsRollupMs } : {}),
  });
  const channel = createAgentChannel(deps, logger, {
    // With peers, an agent connected to another server is asked through the store.
    relay: coordinator !== undefined,
    onMetrics: (ref, samples) => taskMetrics.ingest(ref.scope, ref.clusterName, samples),
    ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
    mayPoll: async (principal, instanceArn, region) => {
      try {
        await policies.authorize(principal, "ecs", "Poll", { containerInstance: instanceArn }, { region });
        return undefined;
      } catch (err) {
        if (err instanceof EcsError) return err.message;
        throw err;
      }
    },
    submit: (operation, input, scope) => dispatch(ecs, operation, input, { requestId: uuid(), scope, baseUrl: "" }),
  });
  // Berth's own operations read task logs through the agents' channel.
  const berth = { signingName: "berth", targetPrefix: berthModel.targetPrefix, model: berthModel, handlers: berthHandlers(deps, channel) };
  // Before the API answers, this server applies what the journal holds that it has not (a
  // server that was down, or is new), then follows it.
  const logsFollower = await logs.followLogsJournal(logsDeps, logger);
  await taskMetrics.follow();
  const host = options.host ?? "127.0.0.1";
  const accountId = options.accountId ?? "000000000000";
  const authMode = options.auth ?? defaultAuthMode(host);
  const localCredentials = { accessKeyId: `BKIA${randomBytes(8).toString("hex").toUpperCase()}`, secretAccessKey: randomBytes(30).toString("base64") };
  const iamLookup: KeyLookup = options.keyLookup ?? ((id) => iam.lookupAccessKey(deps, id));
  const api: ApiServer = await startApiServer({
    host,
    port: options.port ?? DEFAULT_PORT,
    auth: {
      mode: authMode,
      accountId,
      lookup: withRootKeys(iamLookup, [localCredentials, ...(options.rootKeys ?? [])], accountId),
      issuedHere: iam.isIssuedAccessKeyId,
      now: () => deps.clock.now(),
    },
    defaultRegion: options.region ?? "us-east-1",
    services: [ecs, berth, serviceDiscoveryService(deps), secretsManagerService(secretDeps), ssmService(secretDeps), logsService(logsDeps), cloudWatchService(taskMetrics)],
    queryServices: [ec2Service(deps), elbv2Service(deps), iamService(deps), stsService(deps), cloudWatchQueryService(taskMetrics)],
    // EFS's file systems are directories under <data dir>/efs (docs/volumes.md).
    restJsonServices: [efsService({ ...deps, efsRoot: efsRootOf(options.dataDir) })],
    onUpgrade: (req, socket, head, principal) => channel.handleUpgrade(req, socket, head, principal),
    authorize: policies.authorize,
    // berth's own health in Prometheus's text format at GET /metrics (unauthenticated, no secrets).
    health,
    // The web console at / (src/console): its pages read through this same API.
    console: { matches: isConsoleRequest, ...createConsole({ cache, storeRoot: STORE_ROOT, authMode, region: options.region ?? "us-east-1" }) },
    logger,
    ...(options.allowReset
      ? {
          reset: async () => {
            const res = await store.txn({ success: [{ kind: "deletePrefix", prefix: STORE_ROOT }] });
            await cache.waitFor(res.revision);
          },
        }
      : {}),
  });
  let dns: DnsServer | undefined;
  let gateways: { close(): Promise<void> } | undefined;
  const close = async (): Promise<void> => {
    clearInterval(sweeper);
    reconciler?.stop();
    coordinationChanges?.dispose();
    await stopSingletons?.();
    stopSingletons = undefined;
    await coordinator?.close();
    channel.close();
    logsFollower.stop();
    taskMetrics.close();
    journal?.close();
    health.close();
    await gateways?.close();
    await dns?.close();
    await api.close();
    policies.close();
    cache.stop();
    await store.close();
    localLogDb?.close();
  };
  try {
    dns = options.dns ? await startDnsServer({ host: options.dns.host, port: options.dns.port, cache, logger }) : undefined;
  } catch (err) {
    // Everything started so far stops, or the process would stay up without its DNS server.
    await close();
    throw err;
  }
  gateways = options.dns?.gateways ? startGatewayListeners({ cache, logger }) : undefined;
  // The first plan is acted on before the server reports itself started: a lone server owns
  // every shard from its first request on.
  await coordinator?.ready();
  return {
    url: api.url,
    port: api.port,
    deps,
    secretDeps,
    ...(logsDeps ? { logsDeps } : {}),
    ...(dns ? { dns: { host: dns.host, port: dns.port } } : {}),
    auth: authMode,
    localCredentials,
    ...(coordinator ? { coordinator } : {}),
    close,
  };
}

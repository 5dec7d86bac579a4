// The task metadata endpoint v4 (and its v3 twin), served by the agent. Each container gets
// ECS_CONTAINER_METADATA_URI_V4 = http://<host>:<port>/v4/<token>; the token names the
// container, so a container sees only its own task. Paths: `<uri>` (this container),
// `<uri>/task`, `<uri>/taskWithTags`, `<uri>/stats`, `<uri>/task/stats`, with figures from the
// runtime's stats(). Like ECS, each task may make 40 requests a second (bursts of 60).
//
// The same server answers the container credentials endpoint (credentials-endpoint.ts).
//
// Where it listens: the process and simulated runtimes run containers on the host's network, so
// 127.0.0.1 is enough; Docker's bridge containers reach the host at the docker0 gateway address,
// so with the docker runtime the server also listens there and the URIs name that address.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ContainerStats, RuntimeDriver } from "../runtime/index.js";
import { type CredentialsLookup, isCredentialsPath, serveCredentials } from "./credentials-endpoint.js";
import { containerMetadata, type MetadataContext, taskMetadata } from "./metadata-shapes.js";
import { PROTECTION_PATH, type ProtectionBackend, serveTaskProtection } from "./task-protection-endpoint.js";
import type { ContainerRecord, TaskRecord } from "./task-record.js";

export interface MetadataLookup {
  /** The task and container a token belongs to. */
  find(token: string): { rec: TaskRecord; container: ContainerRecord } | undefined;
}

export interface MetadataServerOptions {
  /** Addresses to listen on; the first is the one containers are told. */
  hosts: string[];
  /** 0 picks a free port (then every host uses the port the first one got). */
  port: number;
  lookup: MetadataLookup;
  /** The credentials endpoint's view of the tasks; absent: no credentials are served. */
  credentials?: { lookup: CredentialsLookup; acceptUnknownSources: boolean };
  /** The task scale-in protection endpoint ($ECS_AGENT_URI/task-protection/v1/state); absent: not served. */
  protection?: ProtectionBackend;
  driver: RuntimeDriver;
  context: MetadataContext;
  now?: () => number;
}

export interface MetadataServer {
  readonly port: number;
  /** `http://<first host>:<port>`: what goes into the containers' URIs. */
  readonly baseUrl: string;
  /**
   * Also listens on `host` (same port; once per host) and returns its base URL: an awsvpc
   * task's containers reach the host at their subnet's router address, not at loopback.
   */
  listenOn(host: string): Promise<string>;
  close(): Promise<void>;
}

const RATE = { perSecond: 40, burst: 60 };

export async function startMetadataServer(options: MetadataServerOptions): Promise<MetadataServer> {
  const now = options.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; at: number }>();
  const allow = (taskArn: string): boolean => {
    const t = now();
    const b = buckets.get(taskArn) ?? { tokens: RATE.burst, at: t };
    b.tokens = Math.min(RATE.burst, b.tokens + ((t - b.at) / 1000) * RATE.perSecond);
    b.at = t;
    buckets.set(taskArn, b);
    if (buckets.size > 10_000) buckets.clear();
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    void handle(req, res, options, allow).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { error: (err as Error).message });
      else res.end();
    });
  };
  const [first, ...rest] = options.hosts;
  if (!first) throw new RangeError("the metadata server needs at least one address to listen on; found none");
  const servers: Server[] = [];
  const listen = (host: string, port: number) =>
    new Promise<Server>((resolve, reject) => {
      const server = createServer(handler);
      server.once("error", reject);
      server.listen(port, host, () => {
        server.removeListener("error", reject);
        resolve(server);
      });
    });
  servers.push(await listen(first, options.port));
  const port = (servers[0]!.address() as AddressInfo).port;
  try {
    for (const host of rest) servers.push(await listen(host, port));
  } catch (err) {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    throw err;
  }
  const urlOf = (host: string) => `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const listening = new Map<string, Promise<unknown>>(options.hosts.map((h) => [h, Promise.resolve()]));
  return {
    port,
    baseUrl: urlOf(first),
    async listenOn(host) {
      let started = listening.get(host);
      if (!started) {
        started = listen(host, port).then((s) => servers.push(s));
        listening.set(host, started);
        // A failed listen is tried again by the next caller.
        started.catch(() => listening.delete(host));
      }
      await started;
      return urlOf(host);
    },
    async close() {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
    },
  };
}

const PATH = /^\/v[34]\/([A-Za-z0-9_-]+)(\/[a-zA-Z/]*)?\/?$/;

async function handle(req: IncomingMessage, res: ServerResponse, options: MetadataServerOptions, allow: (task: string) => boolean): Promise<void> {
  // ECS_AGENT_URI's task protection answers PUT too, so it is routed before the GET-only paths.
  const protection = options.protection ? PROTECTION_PATH.exec(new URL(req.url ?? "/", "http://metadata").pathname) : null;
  if (protection && options.protection) {
    const found = options.lookup.find(protection[1]!);
    if (found && !allow(found.rec.task.taskArn)) return send(res, 429, { error: "Too Many Requests: at most 40 requests per second per task" });
    return serveTaskProtection(req, res, found ? { taskArn: found.rec.task.taskArn, clusterArn: found.rec.task.clusterArn } : undefined, options.protection);
  }
  if (req.method !== "GET") return send(res, 405, { error: `method ${req.method} is not allowed; the metadata endpoint answers GET` });
  const url = new URL(req.url ?? "/", "http://metadata");
  if (options.credentials && isCredentialsPath(url.pathname)) return serveCredentials(req, res, url, { ...options.credentials, allow });
  const m = PATH.exec(url.pathname);
  const found = m ? options.lookup.find(m[1]!) : undefined;
  if (!m || !found) return send(res, 404, { error: `no metadata at ${url.pathname}; paths are /v4/<token>, /task, /taskWithTags, /stats and /task/stats` });
  const { rec, container } = found;
  if (!allow(rec.task.taskArn)) return send(res, 429, { error: "Too Many Requests: at most 40 requests per second per task" });
  const sub = (m[2] ?? "").replace(/\/$/, "");
  switch (sub) {
    case "":
      return send(res, 200, containerMetadata(rec, container));
    case "/task":
      return send(res, 200, taskMetadata(rec, options.context));
    case "/taskWithTags":
      // berth's agent has no tag source yet; ECS reports such gaps in Errors, as here.
      return send(res, 200, {
        ...taskMetadata(rec, options.context),
        Errors: [{ ErrorField: "TaskTags", ErrorCode: "NotAvailable", ErrorMessage: "task tags are not available to berth's agent", ResourceARN: rec.task.taskArn }],
      });
    case "/stats":
      return send(res, 200, (await statsOf(options.driver, container)) ?? {});
    case "/task/stats": {
      const out: Record<string, ContainerStats | null> = {};
      await Promise.all(
        rec.containers.map(async (c) => {
          if (c.runtimeId) out[c.runtimeId] = await statsOf(options.driver, c);
        }),
      );
      return send(res, 200, out);
    }
    default:
      return send(res, 404, { error: `no metadata at ${url.pathname}; paths are /v4/<token>, /task, /taskWithTags, /stats and /task/stats` });
  }
}

async function statsOf(driver: RuntimeDriver, c: ContainerRecord): Promise<ContainerStats | null> {
  if (!c.runtimeId || c.known !== "RUNNING") return null;
  try {
    return await driver.stats(c.runtimeId);
  } catch {
    return null;
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

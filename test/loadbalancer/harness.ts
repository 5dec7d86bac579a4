// Backends and a load generator for the load balancer's tests, all on 127.0.0.1: each backend is
// a node http server that answers with its name and counts what it receives; the load
// generator is node's own client in a loop over keep-alive connections, recording every result.
import { Agent, createServer, request, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface Backend {
  name: string;
  port: number;
  /** Requests received, the health checker's excluded. */
  hits: number;
  lastHeaders?: IncomingHttpHeaders;
  /** What GET /health answers. */
  healthStatus: number;
  /** Stops listening and cuts every connection, as a crashed process would. */
  kill(): Promise<void>;
}

export async function startBackend(name: string): Promise<Backend> {
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/health") {
      res.writeHead(b.healthStatus).end();
      return;
    }
    if (url.pathname.endsWith("/echo")) {
      req.pipe(res);
      return;
    }
    b.hits++;
    b.lastHeaders = req.headers;
    const ms = Number(url.searchParams.get("sleep") ?? 0);
    const reply = (): void => void res.writeHead(200, { "content-type": "text/plain" }).end(name);
    if (ms > 0) {
      const t = setTimeout(() => (timers.delete(t), reply()), ms);
      timers.add(t);
    }
    else reply();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const b: Backend = {
    name,
    port: (server.address() as AddressInfo).port,
    hits: 0,
    healthStatus: 200,
    kill: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return b;
}

export interface Reply {
  status: number;
  body: string;
  headers: IncomingHttpHeaders;
}

export function get(port: number, path: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers, agent: false, method: body === undefined ? "GET" : "POST" }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject).end(body);
  });
}

export interface LoadResult {
  /** The tag the caller's `tag()` gave when the request started. */
  tag: string;
  /** 0 for a connection error. */
  status: number;
  body: string;
}

/**
 * `concurrency` clients, each sending GET `path` one after another on keep-alive connections
 * until `stop()` says so. Every result is kept, with the tag that was current when it started.
 */
export async function load(port: number, options: { path?: string; concurrency: number; stop: () => boolean; tag?: () => string }): Promise<LoadResult[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const results: LoadResult[] = [];
  const one = (): Promise<LoadResult> =>
    new Promise((resolve) => {
      const tag = options.tag?.() ?? "";
      const req = request({ host: "127.0.0.1", port, path: options.path ?? "/", agent }, (res) => {
        let body = "";
        res.setEncoding("utf8").on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ tag, status: res.statusCode ?? 0, body }));
        res.on("error", () => resolve({ tag, status: 0, body: "" }));
      });
      req.on("error", () => resolve({ tag, status: 0, body: "" })).end();
    });
  const client = async (): Promise<void> => {
    while (!options.stop()) results.push(await one());
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  agent.destroy();
  return results;
}

export function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return out;
}

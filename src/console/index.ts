// berth's web console: a page served at / and /console/ on the API port. Its assets are public
// (they are code, not data); everything it shows it reads through berth's own JSON API with the
// caller's credentials, and the live updates come from the cache's watch over Server-Sent
// Events (events.ts). The HTTP server hands it GETs that are not AWS requests (isConsoleRequest).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Cache } from "../store/index.js";
import { streamChanges } from "./events.js";
import { loadAssets, sendAsset, staticDir } from "./static-files.js";

export { consoleChangeOf, type ConsoleChange } from "./change-filter.js";

/** Who is asking, once the HTTP server has authenticated and authorized a console request. */
export interface ConsoleCaller {
  accountId: string;
  region: string;
}

/**
 * Authenticates the request as the API does (signed for "ecs", unsigned is the root in local
 * mode) and authorizes the named ECS operation; undefined when refused, the refusal answered.
 */
export type ConsoleGate = (operation: string, input: Record<string, unknown>) => Promise<ConsoleCaller | undefined>;

export interface Console {
  handle(req: IncomingMessage, res: ServerResponse, gate: ConsoleGate): Promise<void>;
}

export interface ConsoleOptions {
  cache: Cache;
  /** The store's root prefix (domain's STORE_ROOT): keys are `<root><account>/<region>/…`. */
  storeRoot: string;
  /** "local" or "strict": the page asks for keys only in strict mode. */
  authMode: string;
  /** The region the page signs for in strict mode (the server's default region). */
  region: string;
}

/**
 * Whether a request is the console's: GET or HEAD of / or /console/…, and not an AWS request
 * (a presigned query with an Action, or anything with X-Amz-Target or a signature on /).
 */
export function isConsoleRequest(method: string | undefined, url: string, headers: IncomingMessage["headers"]): boolean {
  if (method !== "GET" && method !== "HEAD") return false;
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  if (path === "/console" || path.startsWith("/console/")) return true;
  if (path !== "/") return false;
  if (headers["x-amz-target"] || headers.authorization) return false;
  const query = new URLSearchParams(q < 0 ? "" : url.slice(q + 1));
  return !query.has("Action") && !query.has("X-Amz-Signature");
}

export function createConsole(options: ConsoleOptions): Console {
  const assets = loadAssets(staticDir());
  return {
    async handle(req, res, gate) {
      const url = new URL(req.url ?? "/", "http://console");
      const path = url.pathname;
      if (path === "/" || path === "/console" || path === "/console/") return sendAsset(req, res, assets.get("index.html")!);
      if (path === "/console/config.json") {
        const body = JSON.stringify({ authMode: options.authMode, region: options.region });
        res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-store", "Content-Length": Buffer.byteLength(body) });
        return void res.end(body);
      }
      if (path === "/console/events") {
        const cluster = url.searchParams.get("cluster") ?? undefined;
        const caller = await gate(cluster ? "DescribeServices" : "ListClusters", cluster ? { cluster } : {});
        if (!caller) return;
        return streamChanges(options.cache, `${options.storeRoot}${caller.accountId}/${caller.region}/`, cluster, req, res);
      }
      const name = path.startsWith("/console/static/") ? path.slice("/console/static/".length) : "";
      const asset = assets.get(name);
      if (asset) return sendAsset(req, res, asset);
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
      res.end("Not found\n");
    },
  };
}

// An application load balancer's listener: an HTTP/1.1 reverse proxy that only applies the
// routing table it reads at the start of each request (so a swap never touches a request in
// flight). Keep-alive on both sides; X-Forwarded-* as ELB sets them; ELB's own errors.
import type { Dispatcher } from "undici";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { RequestView } from "./conditions.js";
import { matchAction, redirectLocation, type CompiledAction, type RoutingTable } from "./routing.js";
import type { Traffic } from "./traffic.js";

// Hop-by-hop headers (RFC 9110 §7.6.1) are the proxy's own business on each side.
const HOP = new Set(["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"]);

// undici's codes for a connection lost or refused before the answer: the request is sent again
// (see forward()). And ELB's timeouts.
// A connect that times out never sent the request either: a task whose namespace is gone
// answers nothing, not even a refusal.
const RETRYABLE = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);
// RFC 9110 §9.2.2: sending these twice has the effect of sending them once.
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]);
/** Tries per request: the first target and up to two others. */
const MAX_TRIES = 3;
const TIMEOUTS = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

type ForwardAction = Extract<CompiledAction, { kind: "forward" }>;

const TITLES: Record<number, string> = { 502: "502 Bad Gateway", 503: "503 Service Temporarily Unavailable", 504: "504 Gateway Time-out" };

/** ELB's error page for the errors it generates itself. */
export function elbError(res: ServerResponse, status: 502 | 503 | 504): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const t = TITLES[status];
  const body = `<html>\r\n<head><title>${t}</title></head>\r\n<body>\r\n<center><h1>${t}</h1></center>\r\n</body>\r\n</html>\r\n`;
  res.writeHead(status, { server: "awselb/2.0", "content-type": "text/html", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function requestView(req: IncomingMessage): RequestView {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const query: [string, string][] = [];
  if (q >= 0) for (const [k, v] of new URLSearchParams(url.slice(q + 1))) query.push([k, v]);
  return { method: req.method ?? "GET", host: req.headers.host ?? "", path: q >= 0 ? url.slice(0, q) : url, headers: req.headers, query };
}

/** Headers named in Connection are hop-by-hop too; most requests name none but keep-alive/close. */
function connectionListed(value: unknown): Set<string> | undefined {
  if (typeof value !== "string" || value === "keep-alive" || value === "close") return undefined;
  return new Set(value.toLowerCase().split(",").map((v) => v.trim()));
}

function copyEndToEnd(h: IncomingHttpHeaders, out: Record<string, string | string[]>): void {
  const listed = connectionListed(h.connection);
  for (const k in h) {
    const v = h[k];
    if (v !== undefined && !HOP.has(k) && !listed?.has(k)) out[k] = v;
  }
}

function upstreamHeaders(req: IncomingMessage, port: number): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  copyEndToEnd(req.headers, out);
  // ELB appends the client's address to X-Forwarded-For and sets -Proto and -Port to its listener's.
  const client = req.socket.remoteAddress ?? "";
  const xff = req.headers["x-forwarded-for"];
  out["x-forwarded-for"] = xff ? `${Array.isArray(xff) ? xff.join(", ") : xff}, ${client}` : client;
  out["x-forwarded-proto"] = "http";
  out["x-forwarded-port"] = String(port);
  return out;
}

function downstreamHeaders(h: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  copyEndToEnd(h, out);
  return out;
}

export class HttpListener {
  private readonly server: Server;

  constructor(
    readonly port: number,
    private readonly table: () => RoutingTable,
    private readonly traffic: Traffic,
  ) {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = table().idleTimeoutMs;
  }

  listen(host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.port, host, () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  /** Stops accepting; requests in flight finish, idle keep-alive connections close. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const table = this.table();
    const listener = table.listeners.get(this.port);
    if (!listener) return elbError(res, 503);
    // A listener with no rule reads nothing of the request (no URL or query parsing per request).
    const view = listener.rules.length > 0 ? requestView(req) : undefined;
    const action = view ? matchAction(listener, view) : listener.defaultAction;
    if (action.kind === "fixed-response") {
      res.writeHead(action.status, { server: "awselb/2.0", "content-type": action.contentType, "content-length": Buffer.byteLength(action.body) });
      res.end(action.body);
      return;
    }
    if (action.kind === "redirect") {
      const q = (req.url ?? "").indexOf("?");
      const v = view ?? requestView(req);
      const location = redirectLocation(action.config, {
        protocol: "http",
        host: v.host.replace(/:\d+$/, ""),
        port: this.port,
        path: v.path,
        query: q >= 0 ? (req.url ?? "").slice(q + 1) : "",
      });
      res.writeHead(action.config.StatusCode === "HTTP_301" ? 301 : 302, { server: "awselb/2.0", location, "content-length": 0 });
      res.end();
      return;
    }
    this.forward(req, res, table, action, []);
  }

  /**
   * Sends the request to a target of the action. When the connection fails before any answer —
   * a pooled connection the target had just closed, or a target that died (refused, reset) —
   * an idempotent request without a body is sent again, to a target not tried yet when there is
   * one. ALB answers 502 there; berth does as nginx's proxy_next_upstream does, so a task killed
   * by hand costs no request while the health checks and ECS catch up (docs/design.md).
   */
  private forward(req: IncomingMessage, res: ServerResponse, table: RoutingTable, action: ForwardAction, tried: string[]): void {
    let pick = this.traffic.pick(table, action);
    // Round robin moves on with each pick: a few more find an untried target when there is one.
    for (let i = 0; pick.kind === "target" && tried.includes(pick.key) && i < 8; i++) pick = this.traffic.pick(table, action);
    if (pick.kind === "no-target") return elbError(res, 503);
    const { target, key } = pick;
    const idleMs = table.idleTimeoutMs;
    this.traffic.begin(key);
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      this.traffic.end(key);
    };
    const bodyless = req.headers["content-length"] === undefined && req.headers["transfer-encoding"] === undefined;
    let controller: Dispatcher.DispatchController | undefined;
    let started = false;
    const onClose = (): void => {
      // The client went away before the answer was complete: stop the upstream request too.
      if (!res.writableFinished) controller?.abort(new Error("client closed the connection"));
      end();
    };
    res.once("close", onClose);
    this.traffic.pool(target, key, idleMs).dispatch(
      { method: (req.method ?? "GET") as Dispatcher.HttpMethod, path: req.url ?? "/", headers: upstreamHeaders(req, this.port), body: bodyless ? null : req },
      {
        onRequestStart: (c) => {
          controller = c;
        },
        onResponseStart: (c, status, headers, message) => {
          started = true;
          res.writeHead(status, message, downstreamHeaders(headers));
          // Headers, body and end usually arrive in one read: corked until the next tick (or
          // end), they leave in one write instead of two or three.
          res.cork();
          process.nextTick(() => res.uncork());
        },
        onResponseData: (c, chunk) => {
          if (!res.write(chunk)) {
            c.pause();
            res.once("drain", () => c.resume());
          }
        },
        onResponseEnd: () => {
          res.end();
          end();
        },
        onResponseError: (_c, e: Error & { code?: string }) => {
          end();
          if (res.destroyed) return;
          // Only without a body, which the first try consumed.
          if (!started && bodyless && IDEMPOTENT.has(req.method ?? "GET") && RETRYABLE.has(e.code ?? "") && tried.length + 1 < MAX_TRIES) {
            res.off("close", onClose);
            this.forward(req, res, this.table(), action, [...tried, key]);
            return;
          }
          elbError(res, TIMEOUTS.has(e.code ?? "") ? 504 : 502);
        },
      },
    );
  }
}

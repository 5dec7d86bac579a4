// The one HTTP port berth answers on. Requests are routed to a JSON service by the
// X-Amz-Target prefix; berth's own endpoints live under /_berth/. Every response carries an
// x-amzn-RequestId, every error is `{__type, message}` so AWS SDKs raise the matching class.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { EcsError, uuid } from "../model/index.js";
import { readCredential } from "./auth.js";
import type { RequestContext } from "./context.js";
import { dispatch, type JsonService } from "./json-service.js";
import { answerQuery, findQueryService, type QueryService } from "./query-service.js";

export interface ApiServerOptions {
  host: string;
  port: number;
  accountId: string;
  defaultRegion: string;
  services: JsonService[];
  /** Services of the query protocols (EC2), sent as form parameters with Action and Version. */
  queryServices?: QueryService[];
  logger: Logger;
  /** Largest accepted request body; ECS's largest inputs (task definitions) are 64 KiB. */
  maxBodyBytes?: number;
  /** Offered each HTTP upgrade (websockets); returns true when it took the connection. */
  onUpgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;
  /** Present only when the server was started with --allow-reset. */
  reset?: () => Promise<void>;
}

export interface ApiServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const JSON_TYPES = new Set(["application/x-amz-json-1.1", "application/x-amz-json-1.0", "application/json"]);

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const byPrefix = new Map(options.services.map((s) => [s.targetPrefix, s]));
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const log = options.logger;

  const server: Server = createServer((req, res) => {
    const requestId = uuid();
    res.setHeader("x-amzn-RequestId", requestId);
    handle(req, res, requestId).catch((err: unknown) => {
      // Only bugs reach here: handle() answers every expected failure itself.
      log.error({ err, requestId }, "request failed outside its handler");
      if (!res.headersSent) sendError(res, new EcsError("ServerException", "Internal server error."));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  server.on("upgrade", (req, socket, head) => {
    if (!options.onUpgrade?.(req, socket, head)) socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
  });

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const url = req.url ?? "/";
    if (url.startsWith("/_berth/")) return handleBerth(req, res, url);
    if (req.method !== "POST") {
      return sendError(res, new EcsError("UnknownOperationException", `${req.method} ${url} is not an operation; AWS JSON requests are POST /.`));
    }
    const body = await readBody(req, maxBody);
    if (body === "too-large") {
      res.setHeader("Connection", "close");
      return sendError(res, new EcsError("RequestEntityTooLargeException", `Request body is larger than ${maxBody} bytes.`, 413));
    }
    const formType = (header(req, "content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (formType === "application/x-www-form-urlencoded" && !header(req, "x-amz-target")) {
      const answered = await handleQuery(req, res, requestId, body);
      if (answered) return;
    }
    try {
      const target = header(req, "x-amz-target");
      if (!target) throw missingTarget(readCredential(header(req, "authorization")));
      const dot = target.lastIndexOf(".");
      const service = dot > 0 ? byPrefix.get(target.slice(0, dot)) : undefined;
      if (!service) throw new EcsError("UnknownOperationException", `Unknown X-Amz-Target '${target.slice(0, 200)}'.`);
      const contentType = (header(req, "content-type") ?? "").split(";")[0]!.trim().toLowerCase();
      if (!JSON_TYPES.has(contentType)) {
        throw new EcsError("SerializationException", `Content-Type must be application/x-amz-json-1.1, found '${contentType.slice(0, 100)}'.`);
      }
      const credential = readCredential(header(req, "authorization"));
      const ctx = contextOf(req, requestId, credential);
      const input = parseJson(body);
      const output = await dispatch(service, target.slice(dot + 1), input, ctx);
      send(res, 200, output);
      log.debug({ requestId, target }, "ok");
    } catch (err) {
      if (err instanceof EcsError) {
        log.debug({ requestId, type: err.type, msg: err.message }, "client error");
        return sendError(res, err);
      }
      log.error({ err, requestId }, "server fault");
      sendError(res, new EcsError("ServerException", "Internal server error."));
    }
  }

  function contextOf(req: IncomingMessage, requestId: string, credential: ReturnType<typeof readCredential>): RequestContext {
    return {
      requestId,
      baseUrl: `http://${header(req, "host") ?? `${options.host}:${(server.address() as AddressInfo).port}`}`,
      scope: { accountId: options.accountId, region: credential?.region ?? options.defaultRegion },
      ...(credential ? { accessKeyId: credential.accessKeyId } : {}),
    };
  }

  /**
   * A query-protocol request (EC2): routed by its SigV4 signing name, else by Action + Version.
   * Returns false when no query service claims it, so the caller answers as for JSON.
   */
  async function handleQuery(req: IncomingMessage, res: ServerResponse, requestId: string, body: Buffer): Promise<boolean> {
    let credential: ReturnType<typeof readCredential>;
    try {
      credential = readCredential(header(req, "authorization"));
    } catch {
      return false;
    }
    const params = new Map(new URLSearchParams(body.toString("utf8")));
    const service = findQueryService(options.queryServices ?? [], credential?.service, params.get("Version"));
    if (!service) return false;
    const ctx = contextOf(req, requestId, credential);
    const answer = await answerQuery(service, params, ctx);
    if (answer.fault) log.error({ err: answer.fault, requestId, action: params.get("Action") }, "server fault");
    else log.debug({ requestId, action: params.get("Action"), code: answer.code }, answer.code ? "client error" : "ok");
    res.writeHead(answer.status, { "Content-Type": "text/xml;charset=UTF-8", "Content-Length": Buffer.byteLength(answer.xml) });
    res.end(answer.xml);
    return true;
  }

  /**
   * Without X-Amz-Target the request can only be routed by its SigV4 scope: the query-protocol
   * APIs (IAM, STS, Elastic Load Balancing) are sent that way. Say which API was asked for.
   */
  function missingTarget(credential: ReturnType<typeof readCredential>): EcsError {
    const name = credential?.service;
    if (!name) return new EcsError("UnknownOperationException", "Missing X-Amz-Target header naming the operation.");
    const known = options.services.find((s) => s.signingName === name);
    if (known) return new EcsError("UnknownOperationException", `Missing X-Amz-Target header: ${known.targetPrefix}.<Operation> is expected.`);
    return new EcsError("UnknownOperationException", `berth does not serve the '${name.slice(0, 64)}' API on this endpoint yet.`);
  }

  async function handleBerth(req: IncomingMessage, res: ServerResponse, url: string): Promise<void> {
    await readBody(req, maxBody);
    if (url === "/_berth/health" && req.method === "GET") return send(res, 200, { status: "ok" });
    if (url === "/_berth/reset" && req.method === "POST") {
      if (!options.reset) {
        return sendError(res, new EcsError("AccessDeniedException", "Reset is disabled; start the server with --allow-reset.", 403));
      }
      await options.reset();
      log.info("state reset by /_berth/reset");
      return send(res, 200, { reset: true });
    }
    sendError(res, new EcsError("ResourceNotFoundException", `No berth endpoint ${req.method} ${url.slice(0, 200)}.`, 404));
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (err) {
    throw new EcsError("SerializationException", `Request body is not valid JSON: ${(err as Error).message.slice(0, 200)}`);
  }
}

/** Reads the whole body, or answers "too-large" (draining the rest) once it passes the limit. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | "too-large"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on("end", () => resolve(tooLarge ? "too-large" : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/x-amz-json-1.1", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, err: EcsError): void {
  res.setHeader("x-amzn-ErrorType", err.type);
  send(res, err.status, { __type: err.type, message: err.message, ...err.extra });
}

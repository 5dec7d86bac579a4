// The one HTTP port berth answers on. Requests are routed to a JSON service by the
// X-Amz-Target prefix, to a query service (EC2, ELBv2) by their SigV4 scope or Version;
// berth's own endpoints live under /_berth/. Every other request is authenticated (SigV4,
// src/api/sigv4) before any handler runs. Every response carries an x-amzn-RequestId, every
// JSON error is `{__type, message}` so AWS SDKs raise the matching class.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { AwsError, EcsError, uuid } from "../model/index.js";
import type { Principal, RequestContext } from "./context.js";
import { dispatch, type JsonService } from "./json-service.js";
import { EventStreamReply } from "./protocol/event-stream.js";
import { renderQueryError } from "./protocol/query-xml.js";
import { answerQuery, findQueryService, type QueryService } from "./query-service.js";
import type { Route } from "./protocol/rest-json.js";
import { answerRestJson, findRestJsonRoute, restJsonError, restJsonFailure, type RestJsonAnswer, type RestJsonService } from "./rest-json-service.js";
import { authenticate, authError, parseQuery, readSignature, type AuthFailure, type AuthParse, type Authentication, type SignedRequest } from "./sigv4/index.js";

export interface ApiServerOptions {
  host: string;
  port: number;
  defaultRegion: string;
  services: JsonService[];
  /** Services of the query protocols (EC2), sent as form parameters with Action and Version. */
  queryServices?: QueryService[];
  /** REST-JSON services (EFS), routed by their SigV4 signing name, then by method and path. */
  restJsonServices?: RestJsonService[];
  logger: Logger;
  /** Largest accepted request body; ECS's largest inputs (task definitions) are 64 KiB. */
  maxBodyBytes?: number;
  /**
   * Offered each HTTP upgrade (websockets) once it is authenticated like any request (signed
   * for "ecs": the agents' channel), with its principal; returns true when it took the connection.
   */
  onUpgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer, principal: Principal) => boolean;
  /** Present only when the server was started with --allow-reset. */
  reset?: () => Promise<void>;
  /** How requests are authenticated: the mode, IAM's key lookup, the clock. */
  auth: Authentication;
  /**
   * Authorization: called after authentication and before any handler with who asks for what.
   * It throws the service's AccessDenied error (EcsError / AwsError) to refuse. Absent: every
   * authenticated principal may do everything (the policy evaluator plugs in here).
   */
  authorize?: Authorizer;
  /** The web console (src/console), offered the GETs that are not AWS requests. */
  console?: ConsoleHook;
  /** berth's own health: told of every answered request, rendered at GET /metrics (Prometheus text). */
  health?: { observe(labels: { service: string; operation: string; code: string }, seconds: number): void; render(): Promise<string> };
}

/**
 * The web console's place on the port. `matches` picks its requests (GETs of / and /console/…
 * that carry no AWS operation); `handle` answers them, calling `gate` for the ones that read
 * data: it authenticates as for any ECS request and authorizes the named operation, answering
 * the refusal itself (undefined) or naming the caller's account and region.
 */
export interface ConsoleHook {
  matches(method: string | undefined, url: string, headers: IncomingMessage["headers"]): boolean;
  handle(req: IncomingMessage, res: ServerResponse, gate: ConsoleGate): Promise<void>;
}

export type ConsoleGate = (operation: string, input: Record<string, unknown>) => Promise<{ accountId: string; region: string } | undefined>;

/** Where a request is answered and whence it came: the region it was signed for, the client's address. */
export interface RequestOrigin {
  region: string;
  sourceIp?: string;
}

export type Authorizer = (principal: Principal, service: string, operation: string, input: unknown, origin: RequestOrigin) => void | Promise<void>;

export interface ApiServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const JSON_TYPES = new Set(["application/x-amz-json-1.1", "application/x-amz-json-1.0", "application/json"]);

/** A presigned URL's own parameters: the signature, not the operation's input. */
const SIGNATURE_PARAMS = new Set([
  "X-Amz-Algorithm",
  "X-Amz-Credential",
  "X-Amz-Date",
  "X-Amz-Expires",
  "X-Amz-SignedHeaders",
  "X-Amz-Signature",
  "X-Amz-Security-Token",
]);

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const byPrefix = new Map(options.services.map((s) => [s.targetPrefix, s]));
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const log = options.logger;
  /** The service and operation of each request, once known (for the health metrics). */
  const operations = new WeakMap<ServerResponse, { service: string; operation: string }>();

  const server: Server = createServer((req, res) => {
    const requestId = uuid();
    res.setHeader("x-amzn-RequestId", requestId);
    const startedAt = process.hrtime.bigint();
    res.on("finish", () => {
      const op = operations.get(res);
      if (op && options.health) options.health.observe({ ...op, code: String(res.statusCode) }, Number(process.hrtime.bigint() - startedAt) / 1e9);
    });
    handle(req, res, requestId).catch((err: unknown) => {
      // Only bugs reach here: handle() answers every expected failure itself.
      log.error({ err, requestId }, "request failed outside its handler");
      if (!res.headersSent) sendError(res, new EcsError("ServerException", "Internal server error."));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  server.on("upgrade", (req, socket, head) => {
    upgrade(req, socket, head).catch((err: unknown) => {
      log.error({ err }, "upgrade failed");
      socket.destroy();
    });
  });

  /** A websocket upgrade: authenticated first (unsigned is the root only in local mode). */
  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const request = bodilessRequest(req);
    const auth = await authenticate(request, readSignature(request), "ecs", options.auth);
    if (!auth.ok) {
      const e = authError(auth.failure, "json");
      const body = JSON.stringify({ __type: e.code, message: e.message });
      socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      return;
    }
    if (!options.onUpgrade?.(req, socket, head, auth.principal)) socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
  }

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const url = req.url ?? "/";
    if (url.startsWith("/_berth/")) return handleBerth(req, res, url);
    if (options.health && req.method === "GET" && (url === "/metrics" || url.startsWith("/metrics?"))) {
      const text = await options.health.render();
      res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
      return void res.end(text);
    }
    if (options.console?.matches(req.method, url, req.headers)) return options.console.handle(req, res, (op, input) => consoleGate(req, res, requestId, op, input));
    const body = await readBody(req, maxBody);
    if (body === "too-large") {
      res.setHeader("Connection", "close");
      return sendError(res, new EcsError("RequestEntityTooLargeException", `Request body is larger than ${maxBody} bytes.`, 413));
    }
    const q = url.indexOf("?");
    const request: SignedRequest = {
      method: req.method ?? "GET",
      path: q < 0 ? url : url.slice(0, q),
      rawQuery: q < 0 ? "" : url.slice(q + 1),
      headers: req.headersDistinct,
      body,
    };
    const parsed = readSignature(request);
    const scope = parsed.kind === "anonymous" ? undefined : parsed.scope;
    const params = queryParams(req, request);
    if (params) {
      const service = findQueryService(options.queryServices ?? [], scope?.service, params.get("Version"));
      if (service) return handleQuery(req, res, requestId, request, parsed, service, params);
    }
    if (!header(req, "x-amz-target") && options.restJsonServices?.length) {
      const query = parseQuery(request.rawQuery).filter(([k]) => !SIGNATURE_PARAMS.has(k));
      const found = findRestJsonRoute(options.restJsonServices, scope?.service, request.method, request.path, query);
      if (found) return handleRestJson(req, res, requestId, request, parsed, found.service, found.route, query);
    }
    const target = header(req, "x-amz-target");
    const dot = target ? target.lastIndexOf(".") : -1;
    const service = target && dot > 0 ? byPrefix.get(target.slice(0, dot)) : undefined;
    // Who asks comes first: an unsigned request in strict mode learns nothing about routing.
    operations.set(res, { service: service?.signingName ?? "unknown", operation: service && target ? target.slice(dot + 1).slice(0, 64) : "unknown" });
    const auth = await authenticate(request, parsed, service?.signingName, options.auth);
    if (!auth.ok) return sendAuthFailure(res, requestId, auth.failure);
    try {
      if (req.method !== "POST") {
        throw new EcsError("UnknownOperationException", `${req.method} ${url.slice(0, 200)} is not an operation; AWS JSON requests are POST /.`);
      }
      if (!target) throw missingTarget(scope?.service);
      if (!service) throw new EcsError("UnknownOperationException", `Unknown X-Amz-Target '${target.slice(0, 200)}'.`);
      const contentType = (header(req, "content-type") ?? "").split(";")[0]!.trim().toLowerCase();
      if (!JSON_TYPES.has(contentType)) {
        throw new EcsError("SerializationException", `Content-Type must be application/x-amz-json-1.1, found '${contentType.slice(0, 100)}'.`);
      }
      const ctx = contextOf(req, requestId, parsed, auth.principal);
      const input = parseJson(body);
      const operation = target.slice(dot + 1);
      // Authorization (the policy check) runs here, once per request, before any handler.
      await options.authorize?.(auth.principal, service.signingName, operation, input, originOf(req, ctx));
      const output = await dispatch(service, operation, input, ctx);
      if (output instanceof EventStreamReply) return output.open(res);
      send(res, 200, output);
      log.debug({ requestId, target }, "ok");
    } catch (err) {
      if (err instanceof EcsError) {
        log.debug({ requestId, type: err.type, msg: err.message }, "client error");
        return sendError(res, err);
      }
      // The authorize hook may refuse in any service's words.
      if (err instanceof AwsError && err.status < 500) {
        log.debug({ requestId, type: err.code, msg: err.message }, "client error");
        res.setHeader("x-amzn-ErrorType", err.code);
        return send(res, err.status, { __type: err.code, message: err.message });
      }
      log.error({ err, requestId }, "server fault");
      sendError(res, new EcsError("ServerException", "Internal server error."));
    }
  }

  /** The console's data requests: authenticated for "ecs" and authorized for `operation`. */
  async function consoleGate(req: IncomingMessage, res: ServerResponse, requestId: string, operation: string, input: Record<string, unknown>) {
    const request = bodilessRequest(req);
    const parsed = readSignature(request);
    const auth = await authenticate(request, parsed, "ecs", options.auth);
    if (!auth.ok) return void sendAuthFailure(res, requestId, auth.failure);
    const ctx = contextOf(req, requestId, parsed, auth.principal);
    try {
      await options.authorize?.(auth.principal, "ecs", operation, input, originOf(req, ctx));
    } catch (err) {
      if (err instanceof EcsError) return void sendError(res, err);
      if (err instanceof AwsError && err.status < 500) return void send(res, err.status, { __type: err.code, message: err.message });
      throw err;
    }
    return { accountId: ctx.scope.accountId, region: ctx.scope.region };
  }

  function originOf(req: IncomingMessage, ctx: RequestContext): RequestOrigin {
    const ip = req.socket.remoteAddress;
    return { region: ctx.scope.region, ...(ip ? { sourceIp: ip } : {}) };
  }

  function contextOf(req: IncomingMessage, requestId: string, parsed: AuthParse, principal: Principal): RequestContext {
    const scope = parsed.kind === "anonymous" ? undefined : parsed.scope;
    return {
      requestId,
      baseUrl: `http://${header(req, "host") ?? `${options.host}:${(server.address() as AddressInfo).port}`}`,
      // The account is the key's; the region is the one the request was signed for.
      scope: { accountId: principal.accountId, region: scope?.region || options.defaultRegion },
      ...(scope ? { accessKeyId: scope.accessKeyId } : {}),
      principal,
    };
  }

  function sendAuthFailure(res: ServerResponse, requestId: string, failure: AuthFailure): void {
    const e = authError(failure, "json");
    log.debug({ requestId, type: e.code, msg: e.message }, "authentication failed");
    res.setHeader("x-amzn-ErrorType", e.code);
    send(res, e.status, { __type: e.code, message: e.message });
  }

  /**
   * A query-protocol request (EC2, ELBv2): authenticated, then answered in the service's XML
   * dialect, errors included.
   */
  async function handleQuery(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    request: SignedRequest,
    parsed: AuthParse,
    service: QueryService,
    params: Map<string, string>,
  ): Promise<void> {
    const model = service.model;
    operations.set(res, { service: model.signingName, operation: (params.get("Action") ?? "unknown").slice(0, 64) });
    const xml = (status: number, text: string) => {
      res.writeHead(status, { "Content-Type": "text/xml;charset=UTF-8", "Content-Length": Buffer.byteLength(text) });
      res.end(text);
    };
    const auth = await authenticate(request, parsed, model.signingName, options.auth);
    if (!auth.ok) {
      const e = authError(auth.failure, model.protocol === "ec2" ? "ec2" : "query");
      log.debug({ requestId, code: e.code, msg: e.message }, "authentication failed");
      return xml(e.status, renderQueryError(model, e.code, e.message, requestId, true));
    }
    const action = params.get("Action");
    const ctx = contextOf(req, requestId, parsed, auth.principal);
    try {
      if (action) await options.authorize?.(auth.principal, model.signingName, action, params, originOf(req, ctx));
    } catch (err) {
      if (err instanceof AwsError || err instanceof EcsError) {
        const code = err instanceof AwsError ? err.code : err.type;
        return xml(err.status, renderQueryError(model, code, err.message, requestId, err.status < 500));
      }
      throw err;
    }
    const answer = await answerQuery(service, params, ctx);
    if (answer.fault) log.error({ err: answer.fault, requestId, action }, "server fault");
    else log.debug({ requestId, action, code: answer.code }, answer.code ? "client error" : "ok");
    xml(answer.status, answer.xml);
  }

  /** A REST-JSON request (EFS): authenticated, authorized, then answered in the service's JSON errors. */
  async function handleRestJson(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    request: SignedRequest,
    parsed: AuthParse,
    service: RestJsonService,
    route: Route | undefined,
    query: [string, string][],
  ): Promise<void> {
    const signingName = service.model.signingName;
    operations.set(res, { service: signingName, operation: route?.operation ?? "unknown" });
    const reply = (a: RestJsonAnswer) => {
      if (a.code) res.setHeader("x-amzn-ErrorType", a.code);
      if (a.body === undefined) return void res.writeHead(a.status, { "Content-Length": 0 }).end();
      res.writeHead(a.status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(a.body) });
      res.end(a.body);
    };
    const auth = await authenticate(request, parsed, signingName, options.auth);
    if (!auth.ok) {
      const e = authError(auth.failure, "json");
      return reply(restJsonError(service, e.code, e.message, e.status));
    }
    if (!route) return reply(restJsonError(service, service.badRequestCode, `${request.method} ${request.path.slice(0, 200)} is not an operation of this service.`, 404));
    const ctx = contextOf(req, requestId, parsed, auth.principal);
    let body: unknown;
    try {
      body = parseJson(Buffer.from(request.body));
      const input = { ...(typeof body === "object" && body !== null ? body : {}), ...Object.fromEntries(query), ...route.labels };
      await options.authorize?.(auth.principal, signingName, route.operation, input, originOf(req, ctx));
    } catch (err) {
      const failure = restJsonFailure(service, err);
      if (failure.fault) throw err;
      return reply(failure);
    }
    const answer = await answerRestJson(service, route, { query, headers: req.headers, body }, ctx);
    if (answer.fault) log.error({ err: answer.fault, requestId, operation: route.operation }, "server fault");
    else log.debug({ requestId, operation: route.operation, code: answer.code }, answer.code ? "client error" : "ok");
    reply(answer);
  }

  /**
   * A query-protocol request's parameters: a form body (POST, no X-Amz-Target), or a URL query
   * with an Action (a presigned GET), without the signature's own X-Amz-* parameters.
   * Undefined when the request is not of that shape.
   */
  function queryParams(req: IncomingMessage, request: SignedRequest): Map<string, string> | undefined {
    if (header(req, "x-amz-target")) return undefined;
    const form = (header(req, "content-type") ?? "").split(";")[0]!.trim().toLowerCase() === "application/x-www-form-urlencoded";
    const fromUrl = parseQuery(request.rawQuery).filter(([k]) => !SIGNATURE_PARAMS.has(k));
    if (!form && !fromUrl.some(([k]) => k === "Action")) return undefined;
    const params = new Map(fromUrl);
    if (form) for (const [k, v] of new URLSearchParams(Buffer.from(request.body).toString("utf8"))) params.set(k, v);
    return params;
  }

  /**
   * Without X-Amz-Target the request can only be routed by its SigV4 scope: the query-protocol
   * APIs (IAM, STS, Elastic Load Balancing) are sent that way. Say which API was asked for.
   */
  function missingTarget(name: string | undefined): EcsError {
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

/** A request without a body (an upgrade, a console GET) as the authenticator reads it. */
function bodilessRequest(req: IncomingMessage): SignedRequest {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  return {
    method: req.method ?? "GET",
    path: q < 0 ? url : url.slice(0, q),
    rawQuery: q < 0 ? "" : url.slice(q + 1),
    headers: req.headersDistinct,
    body: Buffer.alloc(0),
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
    // V8's message can quote the text around the fault, which may be a secret's value (a
    // SecretString, a SecureString): only the position goes back to the client and the log.
    const at = /at position \d+/.exec((err as Error).message)?.[0];
    throw new EcsError("SerializationException", `Request body is not valid JSON${at ? ` (${at})` : ""}.`);
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

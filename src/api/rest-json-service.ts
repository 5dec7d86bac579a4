// A REST-JSON service (EFS): a model plus one handler per operation. The operation is found by
// method and path (the model's URI templates); input comes from the labels, query string,
// headers and JSON body, is validated against the model, and the handler's result is shaped by
// the output shape and sent with the operation's status (201, 204 …). Errors are the REST-JSON
// way: the code in the x-amzn-ErrorType header, and a body with the exception shape's members
// (EFS: ErrorCode and Message, plus e.g. FileSystemId).
import { AwsError, EcsError } from "../model/index.js";
import type { RequestContext } from "./context.js";
import type { Handler } from "./json-service.js";
import { restJsonInput, routeRestJson, type RestJsonRequest, type Route } from "./protocol/rest-json.js";
import type { RestJsonModel } from "./protocol/rest-json-shape.js";
import { serializeOutput } from "./protocol/serialize.js";
import { validateInput } from "./protocol/validate.js";

export interface RestJsonService {
  model: RestJsonModel;
  handlers: Record<string, Handler>;
  /** The code of a request the model refuses (EFS: BadRequest). */
  badRequestCode: string;
  /** The code of a server fault (EFS: InternalServerError). */
  faultCode: string;
}

/** An error with members of its exception shape besides the code and message (EFS's FileSystemId). */
export interface ErrorFields {
  fields?: Record<string, unknown>;
}

export interface RestJsonAnswer {
  status: number;
  /** JSON text; absent for an empty answer (204). */
  body?: string;
  /** The error code, when the answer is an error (x-amzn-ErrorType). */
  code?: string;
  /** A bug in berth (not the client's error), for the server's log. */
  fault?: unknown;
}

/** The service and operation a request is for: by its SigV4 signing name, or (unsigned) by its path alone. */
export function findRestJsonRoute(
  services: RestJsonService[],
  signingName: string | undefined,
  method: string,
  path: string,
  query: [string, string][],
): { service: RestJsonService; route: Route | undefined } | undefined {
  const candidates = signingName ? services.filter((s) => s.model.signingName === signingName) : services;
  for (const service of candidates) {
    const route = routeRestJson(service.model, method, path, query);
    if (route || signingName) return { service, route };
  }
  return undefined;
}

export function restJsonError(service: RestJsonService, code: string, message: string, status?: number, fields: Record<string, unknown> = {}): RestJsonAnswer {
  return {
    status: status ?? service.model.errorStatus[code] ?? 400,
    code,
    body: JSON.stringify({ ErrorCode: code, Message: message, ...fields }),
  };
}

/** Turns a thrown error into the service's answer: client errors as they are, anything else a fault. */
export function restJsonFailure(service: RestJsonService, err: unknown): RestJsonAnswer {
  if (err instanceof AwsError && err.status < 500) return restJsonError(service, err.code, err.message, err.status, (err as ErrorFields).fields);
  if (err instanceof EcsError && err.status < 500) return restJsonError(service, err.type, err.message, err.status);
  return { ...restJsonError(service, service.faultCode, "An internal error has occurred.", 500), fault: err };
}

export async function answerRestJson(service: RestJsonService, route: Route, req: Omit<RestJsonRequest, "labels">, ctx: RequestContext): Promise<RestJsonAnswer> {
  const model = service.model;
  try {
    const spec = model.operations[route.operation]!;
    const checked = validateInput(model, spec.input, restJsonInput(model, route.operation, { ...req, labels: route.labels }));
    if (!checked.ok) return restJsonError(service, service.badRequestCode, checked.problem.message, 400);
    const handler = Object.hasOwn(service.handlers, route.operation) ? service.handlers[route.operation] : undefined;
    if (!handler) return restJsonError(service, service.badRequestCode, `berth does not support ${route.operation} yet.`, 400);
    const result = await handler(ctx, checked.value);
    const status = model.http[route.operation]!.responseCode;
    if (spec.output === null || status === 204) return { status };
    return { status, body: JSON.stringify(serializeOutput(model, spec.output, result)) };
  } catch (err) {
    return restJsonFailure(service, err);
  }
}

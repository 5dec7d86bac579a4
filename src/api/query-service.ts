// A query-protocol service (EC2 today; ELBv2, IAM and STS share the shape): a model plus one
// handler per operation. The request is form parameters; the answer, success or error, is XML
// in the service's dialect. Expected failures are AwsErrors; anything else is the server's fault.
import { AwsError, EcsError } from "../model/index.js";
import type { RequestContext } from "./context.js";
import { parseQueryInput, type InputErrorCodes } from "./protocol/query-input.js";
import type { QueryModel } from "./protocol/query-shape.js";
import { renderQueryError, renderQueryOutput } from "./protocol/query-xml.js";

// biome-ignore lint: the input type is per operation
export type QueryHandler = (ctx: RequestContext, input: any) => unknown | Promise<unknown>;

export interface QueryService {
  model: QueryModel;
  handlers: Record<string, QueryHandler>;
  inputErrors: InputErrorCodes;
}

export interface QueryAnswer {
  status: number;
  xml: string;
  /** The error code, when the answer is an error. */
  code?: string;
  /** A bug in berth (not the client's error), for the server's log. */
  fault?: unknown;
}

/** Picks the service a query request is for: by its SigV4 signing name, else by its Version. */
export function findQueryService(services: QueryService[], signingName: string | undefined, version: string | undefined): QueryService | undefined {
  if (signingName) {
    const named = services.filter((s) => s.model.signingName === signingName);
    // ELB classic and ELBv2 share a signing name; Version tells them apart.
    return named.find((s) => s.model.apiVersion === version) ?? named[0];
  }
  return services.find((s) => s.model.apiVersion === version);
}

export async function answerQuery(service: QueryService, params: Map<string, string>, ctx: RequestContext): Promise<QueryAnswer> {
  const model = service.model;
  const action = params.get("Action");
  try {
    if (!action) throw new AwsError("MissingAction", "The request must contain the parameter Action");
    const spec = Object.hasOwn(model.operations, action) ? model.operations[action] : undefined;
    const handler = Object.hasOwn(service.handlers, action) ? service.handlers[action] : undefined;
    if (!spec || !handler) throw new AwsError("InvalidAction", `The action ${action.slice(0, 100)} is not valid for this web service.`);
    const input = parseQueryInput(model, spec.input, params, service.inputErrors);
    const output = await handler(ctx, input);
    return { status: 200, xml: renderQueryOutput(model, action, output, ctx.requestId) };
  } catch (err) {
    if (err instanceof AwsError) {
      return { status: err.status, code: err.code, xml: renderQueryError(model, err.code, err.message, ctx.requestId, err.status < 500) };
    }
    // The domain's shared helpers throw EcsError for conflicts they cannot resolve.
    if (err instanceof EcsError && err.status < 500) {
      return { status: err.status, code: err.type, xml: renderQueryError(model, err.type, err.message, ctx.requestId, true) };
    }
    const xml = renderQueryError(model, "InternalError", "An internal error has occurred", ctx.requestId, false);
    return { status: 500, code: "InternalError", xml, fault: err };
  }
}

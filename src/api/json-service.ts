// An AWS JSON 1.1 service: a model plus one handler per operation. Validation against the
// model's input shape happens before a handler runs; the handler's result is shaped by the
// model's output shape after it returns.
import { EcsError, type EcsErrorType } from "../model/index.js";
import type { RequestContext } from "./context.js";
import { EventStreamReply } from "./protocol/event-stream.js";
import { serializeOutput } from "./protocol/serialize.js";
import type { ApiModel } from "./protocol/shape.js";
import { validateInput } from "./protocol/validate.js";

// Handlers receive input already checked against the model; each narrows it with its SDK type.
// biome-ignore lint: the input type is per operation
export type Handler = (ctx: RequestContext, input: any) => unknown | Promise<unknown>;

export interface JsonService {
  /** The SigV4 signing name, e.g. "ecs". */
  signingName: string;
  targetPrefix: string;
  model: ApiModel;
  handlers: Record<string, Handler>;
  /** What a model-validation failure is called in this service; ECS's InvalidParameterException by default. */
  invalidInputType?: EcsErrorType;
  /** The service's own wording of a value outside an enum (validate.ts). */
  enumMessage?: (path: string, allowed: readonly string[]) => string;
}

export async function dispatch(service: JsonService, operation: string, body: unknown, ctx: RequestContext): Promise<unknown> {
  const spec = Object.hasOwn(service.model.operations, operation) ? service.model.operations[operation] : undefined;
  if (!spec) {
    throw new EcsError("UnknownOperationException", `Operation ${operation} is not part of ${service.targetPrefix}.`);
  }
  const checked = validateInput(service.model, spec.input, body, service.enumMessage ? { enumMessage: service.enumMessage } : {});
  if (!checked.ok) {
    const { type, message } = checked.problem;
    throw new EcsError(type === "InvalidParameterException" ? (service.invalidInputType ?? type) : type, message);
  }
  const handler = Object.hasOwn(service.handlers, operation) ? service.handlers[operation] : undefined;
  if (!handler) {
    throw new EcsError("UnsupportedFeatureException", `berth does not support ${operation} yet.`);
  }
  const result = await handler(ctx, checked.value);
  // An event stream (StartLiveTail) is written by the HTTP layer frame by frame, not shaped here.
  if (result instanceof EventStreamReply) return result;
  return serializeOutput(service.model, spec.output, result);
}

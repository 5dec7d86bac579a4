// Berth_20261128.ValidateRequest: answers as an ECS operation would before it touches any state —
// the operation's input shape from the ECS model, and for RegisterTaskDefinition and
// CreateService the rules that need no state (task-definition-rules, a service's counts,
// strategies and percents) — and writes nothing. `berth apply` asks it about every document before
// it writes the first, so a bad document leaves nothing half-applied. ECS has no such operation;
// it is berth's, beside DescribeServiceDecisions.
import type { CreateServiceRequest, RegisterTaskDefinitionRequest } from "@aws-sdk/client-ecs";
import { services, taskDefinitions } from "../../domain/index.js";
import { EcsError, invalidParameter } from "../../model/index.js";
import { ecsModel } from "../ecs/model.generated.js";
import type { Handler } from "../json-service.js";
import type { ApiModel } from "../protocol/shape.js";
import { validateInput } from "../protocol/validate.js";
import { ecsEnumMessage } from "../ecs/enum-message.js";

/** The stateless rules beyond the model, per operation. */
const RULES: Record<string, (input: never) => unknown> = {
  RegisterTaskDefinition: (input: RegisterTaskDefinitionRequest) => taskDefinitions.checkRegistration(input),
  CreateService: (input: CreateServiceRequest) => services.checkServiceRequest(input),
};

export function validateRequestHandler(): Handler {
  return (_ctx, input: { operation: string; input?: unknown }) => {
    const spec = Object.hasOwn(ecsModel.operations, input.operation) ? ecsModel.operations[input.operation] : undefined;
    if (!spec) throw invalidParameter(`Invalid parameter 'operation': '${input.operation}' is not an ECS operation.`);
    const checked = validateInput(ecsModel, spec.input, input.input ?? {}, { enumMessage: ecsEnumMessage });
    if (!checked.ok) throw new EcsError(checked.problem.type, checked.problem.message);
    RULES[input.operation]?.(checked.value as never);
    return {};
  };
}

/** The operation and its shapes, for berth's model (model.ts). */
export const validateRequestModel: Pick<ApiModel, "operations" | "shapes"> = {
  operations: {
    ValidateRequest: {
      input: "ValidateRequestRequest",
      output: "ValidateRequestResponse",
      errors: ["InvalidParameterException", "ClientException", "SerializationException", "UnsupportedFeatureException"],
    },
  },
  shapes: {
    ValidateRequestRequest: { type: "structure", required: ["operation"], members: { operation: "String", input: "Document" } },
    ValidateRequestResponse: { type: "structure", members: {} },
  },
};

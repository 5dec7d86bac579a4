// AWS Systems Manager's Parameter Store on berth's port (awsJson 1.1, X-Amz-Target
// `AmazonSSM.<Op>`): the generated model of the operations berth answers, the handler table, and
// what the model's validation failures are called in SSM (ValidationException).
import type { SecretDeps } from "../../domain/index.js";
import type { JsonService } from "../json-service.js";
import { ssmHandlers } from "./handlers.js";
import { ssmModel } from "./model.generated.js";

export function ssmService(deps: SecretDeps): JsonService {
  return {
    signingName: "ssm",
    targetPrefix: ssmModel.targetPrefix,
    model: ssmModel,
    handlers: ssmHandlers(deps),
    invalidInputType: "ValidationException",
  };
}

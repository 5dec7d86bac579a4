// AWS Secrets Manager on berth's port (awsJson 1.1, X-Amz-Target `secretsmanager.<Op>`): the
// generated model of the operations berth answers, the handler table, and what the model's
// validation failures are called here (InvalidParameterException, as ECS's).
import type { SecretDeps } from "../../domain/index.js";
import type { JsonService } from "../json-service.js";
import { secretsManagerHandlers } from "./handlers.js";
import { secretsManagerModel } from "./model.generated.js";

export function secretsManagerService(deps: SecretDeps): JsonService {
  return {
    signingName: "secretsmanager",
    targetPrefix: secretsManagerModel.targetPrefix,
    model: secretsManagerModel,
    handlers: secretsManagerHandlers(deps),
    invalidInputType: "InvalidParameterException",
  };
}

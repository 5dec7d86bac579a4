// CloudWatch Logs on berth's port (awsJson 1.1, X-Amz-Target `Logs_20140328.<Op>`, signing
// name `logs`): the generated model of the operations berth answers, the handler table, and
// what the model's validation failures are called here (InvalidParameterException, as Logs').
import type { logs } from "../../domain/index.js";
import type { JsonService } from "../json-service.js";
import { logsHandlers } from "./handlers.js";
import { logsModel } from "./model.generated.js";

export function logsService(deps: logs.LogsDeps | undefined): JsonService {
  return {
    signingName: "logs",
    targetPrefix: logsModel.targetPrefix,
    model: logsModel,
    handlers: logsHandlers(deps),
    invalidInputType: "InvalidParameterException",
  };
}

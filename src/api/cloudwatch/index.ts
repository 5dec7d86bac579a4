// Amazon CloudWatch's metrics on berth's port: the generated model of the operations berth
// answers (GetMetricData, GetMetricStatistics, ListMetrics, PutMetricData), the handler table,
// and CloudWatch's name for a model-validation failure (InvalidParameterValue). Clients send
// awsJson 1.0 (X-Amz-Target GraniteServiceVersion20100801.<Op>); the query and rpcv2Cbor forms
// CloudWatch also accepts are not answered yet (docs/status.md).
import type { metrics } from "../../domain/index.js";
import type { JsonService } from "../json-service.js";
import type { QueryService } from "../query-service.js";
import { cloudWatchHandlers } from "./handlers.js";
import { cloudWatchModel } from "./model.generated.js";
import { cloudWatchQueryModel } from "./query-model.generated.js";

export function cloudWatchService(m: metrics.Metrics): JsonService {
  return {
    signingName: "monitoring",
    targetPrefix: cloudWatchModel.targetPrefix,
    model: cloudWatchModel,
    handlers: cloudWatchHandlers(m),
    invalidInputType: "InvalidParameterValue",
  };
}

export function cloudWatchQueryService(m: metrics.Metrics): QueryService {
  return {
    model: cloudWatchQueryModel,
    handlers: cloudWatchHandlers(m),
    inputErrors: { missing: "MissingParameter", invalid: "InvalidParameterValue", unknown: "InvalidParameterValue", constraint: "InvalidParameterValue" },
  };
}

// AWS Cloud Map on berth's port: the generated model, the handler table, and what the model's
// validation failures are called in this service (InvalidInput, where ECS says
// InvalidParameterException).
import type { Deps } from "../../domain/index.js";
import type { JsonService } from "../json-service.js";
import { serviceDiscoveryHandlers } from "./handlers.js";
import { serviceDiscoveryModel } from "./model.generated.js";

export function serviceDiscoveryService(deps: Deps): JsonService {
  return {
    signingName: "servicediscovery",
    targetPrefix: serviceDiscoveryModel.targetPrefix,
    model: serviceDiscoveryModel,
    handlers: serviceDiscoveryHandlers(deps),
    invalidInputType: "InvalidInput",
  };
}

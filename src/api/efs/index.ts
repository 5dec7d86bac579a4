// Amazon EFS's subset on berth's port (issue 16): the generated REST-JSON model, the handler
// table, and EFS's names for a refused request (BadRequest) and a server fault.
import type { efs } from "../../domain/index.js";
import type { RestJsonService } from "../rest-json-service.js";
import { efsHandlers } from "./handlers.js";
import { efsModel } from "./model.generated.js";

export function efsService(deps: efs.EfsDeps): RestJsonService {
  return { model: efsModel, handlers: efsHandlers(deps), badRequestCode: "BadRequest", faultCode: "InternalServerError" };
}

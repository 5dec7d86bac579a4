// The EFS operations berth answers, each a thin call into the domain layer with the caller's
// account and region. Input arrives already gathered from the path, query and body and checked
// against the efs model (api/protocol/rest-json.ts).
import { efs } from "../../domain/index.js";
import type { Handler } from "../json-service.js";

export function efsHandlers(deps: efs.EfsDeps): Record<string, Handler> {
  return {
    CreateFileSystem: (ctx, input) => efs.createFileSystem(deps, ctx.scope, input),
    DescribeFileSystems: (ctx, input) => efs.describeFileSystems(deps, ctx.scope, input),
    DeleteFileSystem: (ctx, input) => efs.deleteFileSystem(deps, ctx.scope, input),
    CreateAccessPoint: (ctx, input) => efs.createAccessPoint(deps, ctx.scope, input),
    DescribeAccessPoints: (ctx, input) => efs.describeAccessPoints(deps, ctx.scope, input),
    DeleteAccessPoint: (ctx, input) => efs.deleteAccessPoint(deps, ctx.scope, input),
    CreateMountTarget: (ctx, input) => efs.createMountTarget(deps, ctx.scope, input),
    DescribeMountTargets: (ctx, input) => efs.describeMountTargets(deps, ctx.scope, input),
    DeleteMountTarget: (ctx, input) => efs.deleteMountTarget(deps, ctx.scope, input),
  };
}

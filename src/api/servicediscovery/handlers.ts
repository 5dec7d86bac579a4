// The AWS Cloud Map operations berth answers, each a thin call into the domain layer with the
// caller's account and region. Input arrives already checked against the servicediscovery model.
import { serviceDiscovery, type Deps } from "../../domain/index.js";
import type { Handler } from "../json-service.js";

const { namespaces, sdServices, instances, operations, discovery } = serviceDiscovery;

export function serviceDiscoveryHandlers(deps: Deps): Record<string, Handler> {
  return {
    CreatePrivateDnsNamespace: (ctx, input) => namespaces.createPrivateDnsNamespace(deps, ctx.scope, input),
    CreateHttpNamespace: (ctx, input) => namespaces.createHttpNamespace(deps, ctx.scope, input),
    GetNamespace: (ctx, input) => namespaces.getNamespace(deps, ctx.scope, input),
    ListNamespaces: (ctx, input) => namespaces.listNamespaces(deps, ctx.scope, input),
    DeleteNamespace: (ctx, input) => namespaces.deleteNamespace(deps, ctx.scope, input),

    CreateService: (ctx, input) => sdServices.createService(deps, ctx.scope, input),
    GetService: (ctx, input) => sdServices.getService(deps, ctx.scope, input),
    ListServices: (ctx, input) => sdServices.listServices(deps, ctx.scope, input),
    DeleteService: (ctx, input) => sdServices.deleteService(deps, ctx.scope, input),

    RegisterInstance: (ctx, input) => instances.registerInstance(deps, ctx.scope, input),
    DeregisterInstance: (ctx, input) => instances.deregisterInstance(deps, ctx.scope, input),
    GetInstance: (ctx, input) => instances.getInstance(deps, ctx.scope, input),
    ListInstances: (ctx, input) => instances.listInstances(deps, ctx.scope, input),
    GetInstancesHealthStatus: (ctx, input) => instances.getInstancesHealthStatus(deps, ctx.scope, input),
    UpdateInstanceCustomHealthStatus: (ctx, input) => instances.updateInstanceCustomHealthStatus(deps, ctx.scope, input),

    DiscoverInstances: (ctx, input) => discovery.discoverInstances(deps, ctx.scope, input),
    DiscoverInstancesRevision: (ctx, input) => discovery.discoverInstancesRevision(deps, ctx.scope, input),

    GetOperation: (ctx, input) => operations.getOperation(deps, ctx.scope, input),
    ListOperations: (ctx, input) => operations.listOperations(deps, ctx.scope, input),
  };
}

// Cloud Map services: CreateService, GetService, ListServices, DeleteService. A service lives
// in one namespace; its DnsConfig says which records the DNS server answers and their TTL.
import type { Scope } from "../../model/index.js";
import { commit, guardOf, put, type Deps } from "../deps.js";
import { paginate } from "../pagination.js";
import { namespaceOf } from "./namespaces.js";
import { cloudMapError, idOf, invalidInput, sdArns, sdIds, sdKeys, type DnsRecord, type ServiceRecord } from "./records.js";

interface CreateInput {
  Name: string;
  NamespaceId?: string;
  CreatorRequestId?: string;
  Description?: string;
  DnsConfig?: { NamespaceId?: string; RoutingPolicy?: "MULTIVALUE" | "WEIGHTED"; DnsRecords: DnsRecord[] };
  HealthCheckConfig?: unknown;
  HealthCheckCustomConfig?: { FailureThreshold?: number };
  Type?: "HTTP";
}

/** One DNS label, or `_name._tcp` for SRV consumers (Cloud Map's service name rule). */
const SERVICE_NAME = /^((?=^.{1,127}$)^([a-zA-Z0-9_][a-zA-Z0-9-_]{0,61}[a-zA-Z0-9_]|[a-zA-Z0-9])(\.([a-zA-Z0-9_][a-zA-Z0-9-_]{0,61}[a-zA-Z0-9_]|[a-zA-Z0-9]))?)$/;

/** The record sets Cloud Map accepts: A, AAAA, A+AAAA, SRV, CNAME. */
export function dnsRecordsProblem(records: DnsRecord[], policy: string): string | undefined {
  const types = records.map((r) => r.Type).sort().join("+");
  if (!["A", "AAAA", "A+AAAA", "SRV", "CNAME"].includes(types)) {
    return `DnsRecords must be one of A, AAAA, A and AAAA, SRV or CNAME; found ${types || "none"}.`;
  }
  if (types === "CNAME" && policy !== "WEIGHTED") return "A CNAME record requires the WEIGHTED routing policy.";
  return undefined;
}

export async function createService(deps: Deps, scope: Scope, input: CreateInput) {
  if (!SERVICE_NAME.test(input.Name)) {
    throw invalidInput(`Name '${input.Name.slice(0, 130)}' is not a valid service name: a DNS label, or _label._tcp, at most 127 characters.`);
  }
  if (input.HealthCheckConfig) {
    throw invalidInput("HealthCheckConfig needs Route 53 health checkers, which berth does not have; use HealthCheckCustomConfig.");
  }
  const namespaceRef = input.NamespaceId ?? input.DnsConfig?.NamespaceId;
  if (!namespaceRef) throw invalidInput("NamespaceId is required.");
  const policy = input.DnsConfig?.RoutingPolicy ?? "MULTIVALUE";
  if (input.DnsConfig) {
    const problem = dnsRecordsProblem(input.DnsConfig.DnsRecords, policy);
    if (problem) throw invalidInput(problem);
  }
  const name = input.Name.toLowerCase();
  const requestId = input.CreatorRequestId ?? "";
  const rec = await commit(deps, () => {
    const ns = namespaceOf(deps, scope, namespaceRef);
    if (input.DnsConfig && ns.Type === "HTTP") throw invalidInput(`Namespace ${ns.Id} is an HTTP namespace; its services cannot have DnsConfig.`);
    const siblings = deps.cache.list<ServiceRecord>(sdKeys.services(scope)).filter((s) => s.NamespaceId === ns.Id);
    const clash = siblings.find((s) => s.Name === name);
    if (clash) {
      if (requestId && clash.CreatorRequestId === requestId) return { guards: [], ops: [], result: clash };
      throw cloudMapError("ServiceAlreadyExists", `Service ${name} already exists in namespace ${ns.Id}.`, {
        CreatorRequestId: clash.CreatorRequestId,
        ServiceId: clash.Id,
        ServiceArn: clash.Arn,
      });
    }
    const id = sdIds.service();
    const created: ServiceRecord = {
      Id: id,
      Arn: sdArns.service(scope, id),
      Name: name,
      NamespaceId: ns.Id,
      ...(input.Description !== undefined ? { Description: input.Description } : {}),
      ...(input.DnsConfig ? { DnsConfig: { RoutingPolicy: policy, DnsRecords: input.DnsConfig.DnsRecords } } : {}),
      ...(input.HealthCheckCustomConfig ? { HealthCheckCustomConfig: { FailureThreshold: 1 } } : {}),
      Type: input.DnsConfig ? "DNS_HTTP" : "HTTP",
      CreateDate: deps.clock.now(),
      CreatorRequestId: requestId,
      instancesRevision: 0,
    };
    const key = sdKeys.service(scope, id);
    const guards = [guardOf(deps, key), guardOf(deps, sdKeys.namespace(scope, ns.Id)), ...siblings.map((s) => guardOf(deps, sdKeys.service(scope, s.Id)))];
    return { guards, ops: [put(key, created)], result: created };
  });
  return { Service: view(deps, scope, rec) };
}

export function serviceOf(deps: Deps, scope: Scope, ref: string): ServiceRecord {
  const rec = deps.cache.get<ServiceRecord>(sdKeys.service(scope, idOf(ref)));
  if (!rec) throw cloudMapError("ServiceNotFound", `Service not found: ${ref.slice(0, 300)}`);
  return rec;
}

export function view(deps: Deps, scope: Scope, rec: ServiceRecord) {
  const { instancesRevision: _r, ...wire } = rec;
  return { ...wire, InstanceCount: deps.cache.list(sdKeys.instances(scope, rec.Id)).length };
}

export function getService(deps: Deps, scope: Scope, input: { Id: string }) {
  return { Service: view(deps, scope, serviceOf(deps, scope, input.Id)) };
}

interface Filter {
  Name: string;
  Values: string[];
  Condition?: string;
}

export function listServices(deps: Deps, scope: Scope, input: { NextToken?: string; MaxResults?: number; Filters?: Filter[] }) {
  const all = deps.cache.list<ServiceRecord>(sdKeys.services(scope));
  const page = paginate(all, (s) => s.Id, { nextToken: input.NextToken, maxResults: input.MaxResults }, { default: 100, max: 100 });
  const byNamespace = (input.Filters ?? []).filter((f) => f.Name === "NAMESPACE_ID");
  const kept = page.items.filter((s) => byNamespace.every((f) => f.Values.map(idOf).includes(s.NamespaceId)));
  return { Services: kept.map((s) => view(deps, scope, s)), ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
}

export async function deleteService(deps: Deps, scope: Scope, input: { Id: string }) {
  await commit(deps, () => {
    const rec = serviceOf(deps, scope, input.Id);
    const instances = deps.cache.list(sdKeys.instances(scope, rec.Id)).length;
    if (instances > 0) throw cloudMapError("ResourceInUse", `Service ${rec.Id} has ${instances} registered instance(s); deregister them first.`);
    const key = sdKeys.service(scope, rec.Id);
    return { guards: [guardOf(deps, key)], ops: [{ kind: "delete", key }], result: undefined };
  });
  return {};
}

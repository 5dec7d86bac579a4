// Cloud Map instances: RegisterInstance (an upsert), DeregisterInstance, GetInstance,
// ListInstances, GetInstancesHealthStatus, UpdateInstanceCustomHealthStatus. Registering and
// deregistering are operations and bump the service's InstancesRevision.
import type { Scope } from "../../model/index.js";
import { commit, guardOf, put, type Deps } from "../deps.js";
import { paginate } from "../pagination.js";
import { newOperation } from "./operations.js";
import { serviceOf } from "./services.js";
import { cloudMapError, invalidInput, sdKeys, type HealthStatus, type InstanceRecord, type ServiceRecord } from "./records.js";

interface RegisterInput {
  ServiceId: string;
  InstanceId: string;
  CreatorRequestId?: string;
  Attributes: Record<string, string>;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** What the service's records need from an instance's attributes (Cloud Map's rules). */
export function attributesProblem(service: ServiceRecord, attrs: Record<string, string>): string | undefined {
  const custom = Object.keys(attrs).filter((k) => !k.startsWith("AWS_"));
  if (custom.length > 30) return `At most 30 custom attributes, found ${custom.length}.`;
  const total = Object.entries(attrs).reduce((n, [k, v]) => n + k.length + v.length, 0);
  if (total > 5000) return `Attribute keys and values total ${total} characters; at most 5000.`;
  const ipv4 = attrs.AWS_INSTANCE_IPV4;
  if (ipv4 !== undefined && !IPV4.test(ipv4)) return `AWS_INSTANCE_IPV4 '${ipv4.slice(0, 60)}' is not an IPv4 address.`;
  const port = attrs.AWS_INSTANCE_PORT;
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    return `AWS_INSTANCE_PORT '${port.slice(0, 20)}' is not a port between 1 and 65535.`;
  }
  const init = attrs.AWS_INIT_HEALTH_STATUS;
  if (init !== undefined && init !== "HEALTHY" && init !== "UNHEALTHY") return `AWS_INIT_HEALTH_STATUS must be HEALTHY or UNHEALTHY, found '${init.slice(0, 20)}'.`;
  for (const r of service.DnsConfig?.DnsRecords ?? []) {
    if (r.Type === "A" && ipv4 === undefined) return "AWS_INSTANCE_IPV4 is required: the service has an A record.";
    if (r.Type === "AAAA" && attrs.AWS_INSTANCE_IPV6 === undefined) return "AWS_INSTANCE_IPV6 is required: the service has an AAAA record.";
    if (r.Type === "SRV" && (port === undefined || (ipv4 === undefined && attrs.AWS_INSTANCE_IPV6 === undefined))) {
      return "AWS_INSTANCE_PORT and AWS_INSTANCE_IPV4 or AWS_INSTANCE_IPV6 are required: the service has an SRV record.";
    }
    if (r.Type === "CNAME" && attrs.AWS_INSTANCE_CNAME === undefined) return "AWS_INSTANCE_CNAME is required: the service has a CNAME record.";
  }
  return undefined;
}

export async function registerInstance(deps: Deps, scope: Scope, input: RegisterInput) {
  const operationId = await commit(deps, () => {
    const service = serviceOf(deps, scope, input.ServiceId);
    const problem = attributesProblem(service, input.Attributes);
    if (problem) throw invalidInput(problem);
    const key = sdKeys.instance(scope, service.Id, input.InstanceId);
    const existing = deps.cache.get<InstanceRecord>(key);
    // A retry with the CreatorRequestId of the registration in place returns its operation.
    if (existing && input.CreatorRequestId && existing.CreatorRequestId === input.CreatorRequestId) {
      return { guards: [], ops: [], result: existing.operationId };
    }
    const { record, op } = newOperation(deps, scope, "REGISTER_INSTANCE", { INSTANCE: input.InstanceId, SERVICE: service.Id });
    const init = input.Attributes.AWS_INIT_HEALTH_STATUS as HealthStatus | undefined;
    const rec: InstanceRecord = {
      Id: input.InstanceId,
      ServiceId: service.Id,
      Attributes: input.Attributes,
      ...(input.CreatorRequestId ? { CreatorRequestId: input.CreatorRequestId } : {}),
      ...(service.HealthCheckCustomConfig ? { health: existing?.health ?? init ?? "HEALTHY" } : {}),
      operationId: record.Id,
    };
    const serviceKey = sdKeys.service(scope, service.Id);
    return {
      guards: [guardOf(deps, key), guardOf(deps, serviceKey)],
      ops: [put(key, rec), put(serviceKey, { ...service, instancesRevision: service.instancesRevision + 1 }), op],
      result: record.Id,
    };
  });
  return { OperationId: operationId };
}

export async function deregisterInstance(deps: Deps, scope: Scope, input: { ServiceId: string; InstanceId: string }) {
  const operationId = await commit(deps, () => {
    const service = serviceOf(deps, scope, input.ServiceId);
    const key = sdKeys.instance(scope, service.Id, input.InstanceId);
    if (!deps.cache.get(key)) throw instanceNotFound(input.InstanceId, service.Id);
    const { record, op } = newOperation(deps, scope, "DEREGISTER_INSTANCE", { INSTANCE: input.InstanceId, SERVICE: service.Id });
    const serviceKey = sdKeys.service(scope, service.Id);
    return {
      guards: [guardOf(deps, key), guardOf(deps, serviceKey)],
      ops: [{ kind: "delete", key }, put(serviceKey, { ...service, instancesRevision: service.instancesRevision + 1 }), op],
      result: record.Id,
    };
  });
  return { OperationId: operationId };
}

const instanceNotFound = (id: string, serviceId: string) => cloudMapError("InstanceNotFound", `Instance ${id.slice(0, 64)} not found in service ${serviceId}.`);

function instanceOf(deps: Deps, scope: Scope, serviceId: string, instanceId: string): InstanceRecord {
  const rec = deps.cache.get<InstanceRecord>(sdKeys.instance(scope, serviceId, instanceId));
  if (!rec) throw instanceNotFound(instanceId, serviceId);
  return rec;
}

export function getInstance(deps: Deps, scope: Scope, input: { ServiceId: string; InstanceId: string }) {
  const service = serviceOf(deps, scope, input.ServiceId);
  const rec = instanceOf(deps, scope, service.Id, input.InstanceId);
  return { Instance: { Id: rec.Id, Attributes: rec.Attributes, ...(rec.CreatorRequestId ? { CreatorRequestId: rec.CreatorRequestId } : {}) } };
}

export function listInstances(deps: Deps, scope: Scope, input: { ServiceId: string; NextToken?: string; MaxResults?: number }) {
  const service = serviceOf(deps, scope, input.ServiceId);
  const all = deps.cache.list<InstanceRecord>(sdKeys.instances(scope, service.Id));
  const page = paginate(all, (i) => i.Id, { nextToken: input.NextToken, maxResults: input.MaxResults }, { default: 100, max: 100 });
  return { Instances: page.items.map((i) => ({ Id: i.Id, Attributes: i.Attributes })), ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
}

export function getInstancesHealthStatus(deps: Deps, scope: Scope, input: { ServiceId: string; Instances?: string[] }) {
  const service = serviceOf(deps, scope, input.ServiceId);
  const all = deps.cache.list<InstanceRecord>(sdKeys.instances(scope, service.Id));
  const wanted = input.Instances ? all.filter((i) => input.Instances!.includes(i.Id)) : all;
  return { Status: Object.fromEntries(wanted.map((i) => [i.Id, i.health ?? "UNKNOWN"])) };
}

export async function updateInstanceCustomHealthStatus(deps: Deps, scope: Scope, input: { ServiceId: string; InstanceId: string; Status: HealthStatus }) {
  await commit(deps, () => {
    const service = serviceOf(deps, scope, input.ServiceId);
    if (!service.HealthCheckCustomConfig) {
      throw cloudMapError("CustomHealthNotFound", `Service ${service.Id} has no HealthCheckCustomConfig.`);
    }
    const rec = instanceOf(deps, scope, service.Id, input.InstanceId);
    if (rec.health === input.Status) return { guards: [], ops: [], result: undefined };
    const key = sdKeys.instance(scope, service.Id, rec.Id);
    return { guards: [guardOf(deps, key)], ops: [put(key, { ...rec, health: input.Status })], result: undefined };
  });
  return {};
}

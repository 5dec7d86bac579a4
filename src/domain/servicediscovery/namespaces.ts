// Cloud Map namespaces: CreatePrivateDnsNamespace, CreateHttpNamespace, GetNamespace,
// ListNamespaces, DeleteNamespace. Creating and deleting are operations (operations.ts).
import type { Scope } from "../../model/index.js";
import { commit, guardOf, put, type Deps } from "../deps.js";
import { ensureDefaultVpc } from "../ec2/default-vpc.js";
import { ec2Keys } from "../ec2/records.js";
import { paginate } from "../pagination.js";
import { newOperation } from "./operations.js";
import {
  cloudMapError,
  idOf,
  invalidInput,
  sdArns,
  sdIds,
  sdKeys,
  type NamespaceRecord,
  type NamespaceType,
  type ServiceRecord,
} from "./records.js";

interface CreateInput {
  Name: string;
  CreatorRequestId?: string;
  Description?: string;
  Vpc?: string;
  Properties?: { DnsProperties?: { SOA?: { TTL: number } } };
}

/** A DNS namespace name: dot-separated labels of letters, digits and hyphens (Route 53's rule). */
const DNS_NAME = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?$/;

export async function createPrivateDnsNamespace(deps: Deps, scope: Scope, input: CreateInput) {
  if (!DNS_NAME.test(input.Name)) {
    throw invalidInput(`Name '${input.Name.slice(0, 260)}' is not a valid DNS name: labels of letters, digits and hyphens, separated by dots.`);
  }
  // The VPC must be one of berth's (the region's default VPC exists from the first EC2 call on).
  await ensureDefaultVpc(deps, scope);
  const vpc = input.Vpc ?? "";
  if (!deps.cache.get(ec2Keys.vpc(scope, vpc))) throw invalidInput(`Vpc '${vpc.slice(0, 100)}' does not exist in ${scope.region}.`);
  return createNamespace(deps, scope, "DNS_PRIVATE", input);
}

export function createHttpNamespace(deps: Deps, scope: Scope, input: CreateInput) {
  return createNamespace(deps, scope, "HTTP", input);
}

async function createNamespace(deps: Deps, scope: Scope, type: NamespaceType, input: CreateInput) {
  const name = input.Name.replace(/\.$/, "").toLowerCase();
  const requestId = input.CreatorRequestId ?? "";
  const operationId = await commit(deps, () => {
    const all = deps.cache.list<NamespaceRecord>(sdKeys.namespaces(scope));
    // Names are unique among HTTP namespaces and, for private DNS, within one VPC: the names
    // DiscoverInstances and a VPC's resolver look up must mean one namespace.
    const clash = all.find((n) => n.Properties.HttpProperties.HttpName === name && (type === "HTTP" || n.Type === "HTTP" || n.vpc === input.Vpc));
    if (clash) {
      // A retry of the same request (the SDKs fill CreatorRequestId) gets the same operation.
      if (requestId && clash.CreatorRequestId === requestId && clash.Type === type) return { guards: [], ops: [], result: clash.operationId };
      throw cloudMapError("NamespaceAlreadyExists", `Namespace ${name} already exists.`, { CreatorRequestId: clash.CreatorRequestId, NamespaceId: clash.Id });
    }
    const reused = requestId ? all.find((n) => n.CreatorRequestId === requestId) : undefined;
    if (reused) {
      throw cloudMapError("DuplicateRequest", `CreatorRequestId ${requestId} was already used to create namespace ${reused.Id}.`, {
        DuplicateOperationId: reused.operationId,
      });
    }
    const id = sdIds.namespace();
    const { record: operation, op } = newOperation(deps, scope, "CREATE_NAMESPACE", { NAMESPACE: id });
    const rec: NamespaceRecord = {
      Id: id,
      Arn: sdArns.namespace(scope, id),
      Name: name,
      Type: type,
      ...(input.Description !== undefined ? { Description: input.Description } : {}),
      Properties: {
        ...(type === "HTTP" ? {} : { DnsProperties: { HostedZoneId: sdIds.hostedZone(), ...(input.Properties?.DnsProperties?.SOA ? { SOA: input.Properties.DnsProperties.SOA } : {}) } }),
        HttpProperties: { HttpName: name },
      },
      CreateDate: deps.clock.now(),
      CreatorRequestId: requestId,
      ...(input.Vpc ? { vpc: input.Vpc } : {}),
      operationId: operation.Id,
    };
    // Guarding the whole list would be costlier; the namespace key is new, and a racing
    // create of the same name is caught by the list's revision below.
    const key = sdKeys.namespace(scope, id);
    return { guards: [guardOf(deps, key), ...all.map((n) => guardOf(deps, sdKeys.namespace(scope, n.Id)))], ops: [put(key, rec), op], result: operation.Id };
  });
  return { OperationId: operationId };
}

export function namespaceOf(deps: Deps, scope: Scope, ref: string): NamespaceRecord {
  const rec = deps.cache.get<NamespaceRecord>(sdKeys.namespace(scope, idOf(ref)));
  if (!rec) throw cloudMapError("NamespaceNotFound", `Namespace not found: ${ref.slice(0, 300)}`);
  return rec;
}

export function view(deps: Deps, scope: Scope, rec: NamespaceRecord) {
  const services = deps.cache.list<ServiceRecord>(sdKeys.services(scope)).filter((s) => s.NamespaceId === rec.Id).length;
  const { vpc: _vpc, operationId: _op, ...wire } = rec;
  return { ...wire, ServiceCount: services };
}

export function getNamespace(deps: Deps, scope: Scope, input: { Id: string }) {
  return { Namespace: view(deps, scope, namespaceOf(deps, scope, input.Id)) };
}

interface Filter {
  Name: string;
  Values: string[];
  Condition?: "EQ" | "IN" | "BEGINS_WITH";
}

function matches(rec: NamespaceRecord, f: Filter): boolean {
  const value = f.Name === "TYPE" ? rec.Type : f.Name === "NAME" ? rec.Name : f.Name === "HTTP_NAME" ? rec.Properties.HttpProperties.HttpName : undefined;
  if (value === undefined) return true; // RESOURCE_OWNER: everything here is the caller's own
  if (f.Condition === "BEGINS_WITH") return f.Values.some((v) => value.startsWith(v));
  return f.Values.includes(value);
}

export function listNamespaces(deps: Deps, scope: Scope, input: { NextToken?: string; MaxResults?: number; Filters?: Filter[] }) {
  const all = deps.cache.list<NamespaceRecord>(sdKeys.namespaces(scope));
  // As in Cloud Map, filters apply to the page after it is cut, so a page may come back short.
  const page = paginate(all, (n) => n.Id, { nextToken: input.NextToken, maxResults: input.MaxResults }, { default: 100, max: 100 });
  const kept = page.items.filter((n) => (input.Filters ?? []).every((f) => matches(n, f)));
  return { Namespaces: kept.map((n) => view(deps, scope, n)), ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
}

export async function deleteNamespace(deps: Deps, scope: Scope, input: { Id: string }) {
  const operationId = await commit(deps, () => {
    const rec = namespaceOf(deps, scope, input.Id);
    const services = deps.cache.list<ServiceRecord>(sdKeys.services(scope)).filter((s) => s.NamespaceId === rec.Id);
    if (services.length > 0) {
      throw cloudMapError("ResourceInUse", `Namespace ${rec.Id} has ${services.length} associated service(s); delete them first.`);
    }
    const key = sdKeys.namespace(scope, rec.Id);
    const { record, op } = newOperation(deps, scope, "DELETE_NAMESPACE", { NAMESPACE: rec.Id });
    return { guards: [guardOf(deps, key)], ops: [{ kind: "delete", key }, op], result: record.Id };
  });
  return { OperationId: operationId };
}

// CreateLoadBalancer, DescribeLoadBalancers, DeleteLoadBalancer and the load balancer's
// attributes. A new load balancer is `active` at once: there is nothing to provision, and the
// load balancer controller opens its listeners' sockets within milliseconds of the commit.
import type { Scope } from "../../model/index.js";
import { commit, guardOf, put, type Deps, type Guard } from "../deps.js";
import { ensureDefaultVpc } from "../ec2/index.js";
import { ec2Keys, type SecurityGroupRecord, type SubnetRecord } from "../ec2/records.js";
import type { Op } from "../../store/index.js";
import { applyAttributes, attributeList, loadBalancerAttributeSpecs, loadBalancerDefaults, type Attribute } from "./attributes.js";
import { bindAddressKeys, nextBindAddress } from "./bind-address.js";
import { elbErrors } from "./errors.js";
import { getLoadBalancer, listListeners, listLoadBalancers } from "./lookup.js";
import { checkArn, checkName, dnsNameFor, dnsSuffix, elbArns, hostedZoneId } from "./names.js";
import { nameKeys } from "./name-keys.js";
import { pageOf, pickWanted, sortBy } from "./paging.js";
import { elbId, elbKeys, type LoadBalancerRecord } from "./records.js";
import { checkSubnets } from "./subnet-rules.js";
import { checkTagInput } from "./tag-rules.js";

/** ELB's default quota of load balancers per region. */
export const MAX_LOAD_BALANCERS = 50;

export interface CreateLoadBalancerInput {
  Name: string;
  Subnets?: string[];
  SubnetMappings?: { SubnetId?: string; AllocationId?: string; PrivateIPv4Address?: string; IPv6Address?: string }[];
  SecurityGroups?: string[];
  Scheme?: "internet-facing" | "internal";
  Tags?: { Key?: string; Value?: string }[];
  Type?: string;
  IpAddressType?: string;
}

/** A load balancer as the API shows it (CreatedTime is stored as ISO text, sent as a timestamp). */
export const loadBalancerView = (lb: LoadBalancerRecord) => ({ ...lb, CreatedTime: Date.parse(lb.CreatedTime) });

export async function createLoadBalancer(deps: Deps, scope: Scope, input: CreateLoadBalancerInput) {
  checkName("Load balancer", input.Name);
  const type = input.Type ?? "application";
  if (type !== "application" && type !== "network") throw elbErrors.validation(`Load balancer type '${type}' is not supported by berth; use 'application' or 'network'`);
  if (input.IpAddressType !== undefined && input.IpAddressType !== "ipv4") {
    throw elbErrors.validation(`IP address type '${input.IpAddressType}' is not supported by berth; use 'ipv4'`);
  }
  if (input.Subnets?.length && input.SubnetMappings?.length) throw elbErrors.validation("Subnets and subnet mappings cannot be specified at the same time");
  for (const m of input.SubnetMappings ?? []) {
    if (m.AllocationId || m.PrivateIPv4Address || m.IPv6Address) throw elbErrors.validation("Subnet mappings with addresses are not supported by berth; give only SubnetId");
    if (!m.SubnetId) throw elbErrors.validation("A subnet ID must be specified in each subnet mapping");
  }
  const subnetIds = [...new Set(input.Subnets ?? input.SubnetMappings?.map((m) => m.SubnetId!) ?? [])];
  const tags = checkTagInput(input.Tags);
  const scheme = input.Scheme ?? "internet-facing";
  await ensureDefaultVpc(deps, scope);
  const id = elbId();
  const suffix = dnsSuffix(type);
  return commit(deps, () => {
    const subnets = subnetIds.map((sid) => {
      const s = deps.cache.get<SubnetRecord>(ec2Keys.subnet(scope, sid));
      if (!s) throw elbErrors.subnetNotFound(sid);
      return s;
    });
    const { vpcId, zones } = checkSubnets(type, subnets);
    const groups = securityGroups(deps, scope, type, vpcId, input.SecurityGroups);
    const existing = listLoadBalancers(deps, scope).find((lb) => lb.LoadBalancerName === input.Name);
    if (existing) {
      // Creating the same load balancer again returns it, as AWS does; other settings conflict.
      const same =
        existing.Type === type &&
        existing.Scheme === scheme &&
        JSON.stringify(existing.AvailabilityZones) === JSON.stringify(zones) &&
        JSON.stringify(existing.SecurityGroups ?? []) === JSON.stringify(groups ?? []);
      if (!same) throw elbErrors.duplicateLoadBalancerName();
      return { guards: [], ops: [], result: { LoadBalancers: [loadBalancerView(existing)] } };
    }
    if (listLoadBalancers(deps, scope).length >= MAX_LOAD_BALANCERS) throw elbErrors.tooMany("TooManyLoadBalancers", "load balancers", MAX_LOAD_BALANCERS);
    const taken = new Set(deps.cache.listEntries(bindAddressKeys.all).map((e) => e.key.slice(bindAddressKeys.all.length)));
    const bindAddress = nextBindAddress(taken);
    if (!bindAddress) throw elbErrors.tooMany("TooManyLoadBalancers", "load balancers on this host", taken.size);
    const arn = elbArns.loadBalancer(scope, type, input.Name, id);
    const lb: LoadBalancerRecord = {
      LoadBalancerArn: arn,
      LoadBalancerName: input.Name,
      DNSName: dnsNameFor(scope.region, type, scheme, input.Name, suffix),
      CanonicalHostedZoneId: hostedZoneId(type),
      CreatedTime: new Date(deps.clock.now()).toISOString(),
      Scheme: scheme,
      VpcId: vpcId,
      State: { Code: "active" },
      Type: type,
      AvailabilityZones: zones,
      ...(groups ? { SecurityGroups: groups } : {}),
      IpAddressType: "ipv4",
      attributes: loadBalancerDefaults(type),
      Tags: tags,
      bindAddress,
    };
    const key = elbKeys.loadBalancer(scope, arn);
    const nameKey = nameKeys.loadBalancer(scope, input.Name);
    const markerKey = bindAddressKeys.of(bindAddress);
    return {
      guards: [
        { key, modRevision: 0 },
        { key: nameKey, modRevision: 0 },
        { key: markerKey, modRevision: 0 },
      ],
      ops: [put(key, lb), put(nameKey, { arn }), put(markerKey, { loadBalancerArn: arn })],
      result: { LoadBalancers: [loadBalancerView(lb)] },
    };
  });
}

/** An ALB's security groups: those given (in its VPC), else the VPC's default group. NLBs may have none. */
function securityGroups(deps: Deps, scope: Scope, type: "application" | "network", vpcId: string, ids: string[] | undefined): string[] | undefined {
  const all = deps.cache.list<SecurityGroupRecord>(ec2Keys.securityGroups(scope)).filter((g) => g.VpcId === vpcId);
  if (ids?.length) {
    const unique = [...new Set(ids)];
    for (const id of unique) if (!all.some((g) => g.GroupId === id)) throw elbErrors.invalidSecurityGroup(id);
    return unique;
  }
  if (type === "network") return undefined;
  const fallback = all.find((g) => g.GroupName === "default");
  return fallback ? [fallback.GroupId] : [];
}

export function describeLoadBalancers(deps: Deps, scope: Scope, input: { LoadBalancerArns?: string[]; Names?: string[]; Marker?: string; PageSize?: number }) {
  if (input.LoadBalancerArns?.length && input.Names?.length) throw elbErrors.validation("Load balancer names and load balancer ARNs cannot be specified at the same time");
  let picked = sortBy(listLoadBalancers(deps, scope), (lb) => `${lb.CreatedTime}|${lb.LoadBalancerArn}`);
  if (input.LoadBalancerArns?.length) {
    for (const arn of input.LoadBalancerArns) checkArn(scope, arn, "loadbalancer", "LoadBalancerArns");
    picked = pickWanted(picked, input.LoadBalancerArns, (lb) => lb.LoadBalancerArn, elbErrors.loadBalancerNotFound);
  } else if (input.Names?.length) {
    picked = pickWanted(picked, input.Names, (lb) => lb.LoadBalancerName, elbErrors.loadBalancerNotFound);
  }
  const { items, NextMarker } = pageOf(picked, (lb) => `${lb.CreatedTime}|${lb.LoadBalancerArn}`, input.Marker, input.PageSize);
  return { LoadBalancers: items.map(loadBalancerView), ...(NextMarker ? { NextMarker } : {}) };
}

/**
 * Deletes a load balancer with its listeners and their rules, and frees its name and bind
 * address, in one commit. An unknown ARN succeeds, as on AWS (a delete is idempotent).
 */
export async function deleteLoadBalancer(deps: Deps, scope: Scope, input: { LoadBalancerArn: string }): Promise<Record<string, never>> {
  checkArn(scope, input.LoadBalancerArn, "loadbalancer", "LoadBalancerArn");
  return commit(deps, () => {
    const key = elbKeys.loadBalancer(scope, input.LoadBalancerArn);
    const lb = deps.cache.get<LoadBalancerRecord>(key);
    if (!lb || lb.LoadBalancerArn !== input.LoadBalancerArn) return { guards: [], ops: [], result: {} };
    if (lb.attributes["deletion_protection.enabled"] === "true") {
      throw elbErrors.operationNotPermitted(`Load balancer '${lb.LoadBalancerArn}' cannot be deleted because deletion protection is enabled`);
    }
    const listeners = listListeners(deps, scope, lb.LoadBalancerArn);
    const guards: Guard[] = [guardOf(deps, key), ...listeners.map((l) => guardOf(deps, elbKeys.listener(scope, l.ListenerArn)))];
    const ops: Op[] = [
      { kind: "delete", key },
      { kind: "delete", key: nameKeys.loadBalancer(scope, lb.LoadBalancerName) },
      { kind: "delete", key: bindAddressKeys.of(lb.bindAddress) },
      { kind: "deletePrefix", prefix: elbKeys.listeners(scope, lb.LoadBalancerArn) },
      ...listeners.map((l): Op => ({ kind: "deletePrefix", prefix: elbKeys.rules(scope, l.ListenerArn) })),
    ];
    return { guards, ops, result: {} };
  });
}

export function describeLoadBalancerAttributes(deps: Deps, scope: Scope, input: { LoadBalancerArn: string }) {
  return { Attributes: attributeList(getLoadBalancer(deps, scope, input.LoadBalancerArn).attributes) };
}

export async function modifyLoadBalancerAttributes(deps: Deps, scope: Scope, input: { LoadBalancerArn: string; Attributes: Attribute[] }) {
  return commit(deps, () => {
    const lb = getLoadBalancer(deps, scope, input.LoadBalancerArn);
    const attributes = applyAttributes(loadBalancerAttributeSpecs(lb.Type), lb.attributes, input.Attributes, "Load balancer");
    const key = elbKeys.loadBalancer(scope, lb.LoadBalancerArn);
    return { guards: [guardOf(deps, key)], ops: [put(key, { ...lb, attributes })], result: { Attributes: attributeList(attributes) } };
  });
}

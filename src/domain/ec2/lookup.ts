// Reads of EC2 records from the cache, with EC2's errors for ids that are malformed or unknown.
import type { Scope } from "../../model/index.js";
import type { Deps } from "../deps.js";
import { ec2Errors } from "./errors.js";
import { ec2Keys, type Ec2Tag, type NetworkInterfaceRecord, type SecurityGroupRecord, type SubnetRecord, type VpcRecord } from "./records.js";

const ID = (prefix: string) => new RegExp(`^${prefix}-[0-9a-f]{8,17}$`);
const VPC_ID = ID("vpc");
const SUBNET_ID = ID("subnet");
const SG_ID = ID("sg");

export function getVpc(deps: Deps, scope: Scope, id: string): VpcRecord {
  if (!VPC_ID.test(id)) throw ec2Errors.malformed("InvalidVpcID", id, "vpc");
  const vpc = deps.cache.get<VpcRecord>(ec2Keys.vpc(scope, id));
  if (!vpc) throw ec2Errors.vpcNotFound(id);
  return vpc;
}

export function getSubnet(deps: Deps, scope: Scope, id: string): SubnetRecord {
  if (!SUBNET_ID.test(id)) throw ec2Errors.malformed("InvalidSubnetID", id, "subnet");
  const subnet = deps.cache.get<SubnetRecord>(ec2Keys.subnet(scope, id));
  if (!subnet) throw ec2Errors.subnetNotFound(id);
  return subnet;
}

export function getSecurityGroup(deps: Deps, scope: Scope, id: string): SecurityGroupRecord {
  if (!SG_ID.test(id)) throw ec2Errors.malformed("InvalidGroupId", id, "sg");
  const sg = deps.cache.get<SecurityGroupRecord>(ec2Keys.securityGroup(scope, id));
  if (!sg) throw ec2Errors.groupNotFound(id);
  return sg;
}

export const listVpcs = (deps: Deps, scope: Scope) => deps.cache.list<VpcRecord>(ec2Keys.vpcs(scope));
export const listSubnets = (deps: Deps, scope: Scope) => deps.cache.list<SubnetRecord>(ec2Keys.subnets(scope));
export const listSecurityGroups = (deps: Deps, scope: Scope) => deps.cache.list<SecurityGroupRecord>(ec2Keys.securityGroups(scope));
export const listNetworkInterfaces = (deps: Deps, scope: Scope) => deps.cache.list<NetworkInterfaceRecord>(ec2Keys.networkInterfaces(scope));

export const defaultVpcOf = (deps: Deps, scope: Scope): VpcRecord | undefined => listVpcs(deps, scope).find((v) => v.IsDefault);

/** A security group by name in a VPC (names are unique per VPC). */
export const groupByName = (deps: Deps, scope: Scope, vpcId: string, name: string): SecurityGroupRecord | undefined =>
  listSecurityGroups(deps, scope).find((g) => g.VpcId === vpcId && g.GroupName === name);

/** Picks records by id in the order asked, or fails naming the first unknown id. */
export function pickByIds<T>(all: T[], ids: string[] | undefined, idOf: (r: T) => string, notFound: (id: string) => Error): T[] {
  if (!ids || ids.length === 0) return all;
  const byId = new Map(all.map((r) => [idOf(r), r]));
  return [...new Set(ids)].map((id) => {
    const r = byId.get(id);
    if (!r) throw notFound(id);
    return r;
  });
}

/** The tags a TagSpecifications list gives one resource type. */
export function tagsFor(specs: { ResourceType?: string; Tags?: Ec2Tag[] }[] | undefined, resourceType: string): Ec2Tag[] {
  return (specs ?? []).filter((s) => s.ResourceType === resourceType).flatMap((s) => (s.Tags ?? []).map((t) => ({ Key: t.Key, Value: t.Value ?? "" })));
}

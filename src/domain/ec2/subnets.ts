// CreateSubnet, DescribeSubnets, DeleteSubnet.
import { containsCidr, overlaps, parseCidr, RESERVED_ADDRESSES, sizeOf, type Scope } from "../../model/index.js";
import { commit, guardOf, put, type Deps } from "../deps.js";
import { availabilityZones, ensureDefaultVpc, newSubnet, zoneIdOf } from "./default-vpc.js";
import { ec2Errors } from "./errors.js";
import { applyFilters, bool, page, type FilterTable } from "./filters.js";
import { getSubnet, getVpc, listNetworkInterfaces, listSubnets, pickByIds, tagsFor } from "./lookup.js";
import { ec2Keys, type Ec2Tag, type SubnetRecord } from "./records.js";
import { touchVpc, type DescribeInput } from "./vpcs.js";

export interface CreateSubnetInput {
  VpcId: string;
  CidrBlock?: string;
  AvailabilityZone?: string;
  AvailabilityZoneId?: string;
  TagSpecifications?: { ResourceType?: string; Tags?: Ec2Tag[] }[];
}

export async function createSubnet(deps: Deps, scope: Scope, input: CreateSubnetInput) {
  await ensureDefaultVpc(deps, scope);
  if (input.CidrBlock === undefined) throw ec2Errors.missingParameter("CidrBlock");
  const cidr = parseCidr(input.CidrBlock);
  if (!cidr) throw ec2Errors.invalidParameterValue(`Value (${input.CidrBlock.slice(0, 64)}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`);
  const zones = availabilityZones(scope.region);
  const zone = input.AvailabilityZone ?? zones.find((z) => input.AvailabilityZoneId === undefined || zoneIdOf(z) === input.AvailabilityZoneId);
  if (!zone || !zones.includes(zone)) {
    const asked = input.AvailabilityZone ?? input.AvailabilityZoneId ?? "";
    throw ec2Errors.invalidParameterValue(
      `Value (${asked.slice(0, 64)}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: ${zones.join(", ")}.`,
    );
  }
  const subnet = { ...newSubnet(scope, input.VpcId, input.CidrBlock, zone, false), Tags: tagsFor(input.TagSpecifications, "subnet") };
  return commit(deps, () => {
    const vpc = getVpc(deps, scope, input.VpcId);
    // A subnet is /16 to /28 and lies inside its VPC's block.
    if (cidr.prefix < 16 || cidr.prefix > 28 || !containsCidr(parseCidr(vpc.CidrBlock)!, cidr)) throw ec2Errors.subnetRange(input.CidrBlock!);
    for (const other of listSubnets(deps, scope)) {
      if (other.VpcId === vpc.VpcId && overlaps(parseCidr(other.CidrBlock)!, cidr)) throw ec2Errors.subnetConflict(input.CidrBlock!);
    }
    const touch = touchVpc(deps, scope, vpc);
    return {
      guards: [touch.guard, { key: ec2Keys.subnet(scope, subnet.SubnetId), modRevision: 0 }],
      ops: [touch.op, put(ec2Keys.subnet(scope, subnet.SubnetId), subnet)],
      result: { Subnet: view(deps, scope, subnet) },
    };
  });
}

/** A subnet as DescribeSubnets shows it: with the addresses still free. */
function view(deps: Deps, scope: Scope, s: SubnetRecord) {
  const used = listNetworkInterfaces(deps, scope).filter((e) => e.SubnetId === s.SubnetId).length;
  return { ...s, AvailableIpAddressCount: sizeOf(parseCidr(s.CidrBlock)!) - RESERVED_ADDRESSES - used };
}

const subnetFilters: FilterTable<SubnetRecord> = {
  "subnet-id": (s) => [s.SubnetId],
  "vpc-id": (s) => [s.VpcId],
  "cidr-block": (s) => [s.CidrBlock],
  cidr: (s) => [s.CidrBlock],
  cidrBlock: (s) => [s.CidrBlock],
  "availability-zone": (s) => [s.AvailabilityZone],
  availabilityZone: (s) => [s.AvailabilityZone],
  "availability-zone-id": (s) => [s.AvailabilityZoneId],
  "default-for-az": (s) => [bool(s.DefaultForAz)],
  defaultForAz: (s) => [bool(s.DefaultForAz)],
  "map-public-ip-on-launch": (s) => [bool(s.MapPublicIpOnLaunch)],
  state: (s) => [s.State],
  "owner-id": (s) => [s.OwnerId],
  "subnet-arn": (s) => [s.SubnetArn],
};

export async function describeSubnets(deps: Deps, scope: Scope, input: DescribeInput & { SubnetIds?: string[] }) {
  await ensureDefaultVpc(deps, scope);
  const picked = pickByIds(listSubnets(deps, scope), input.SubnetIds, (s) => s.SubnetId, ec2Errors.subnetNotFound);
  const { items, NextToken } = page(applyFilters(picked, input.Filters, subnetFilters), input.MaxResults, input.NextToken);
  return { Subnets: items.map((s) => view(deps, scope, s)), ...(NextToken ? { NextToken } : {}) };
}

export async function deleteSubnet(deps: Deps, scope: Scope, input: { SubnetId: string }): Promise<void> {
  await ensureDefaultVpc(deps, scope);
  await commit(deps, () => {
    const subnet = getSubnet(deps, scope, input.SubnetId);
    // An ENI (a running awsvpc task) holds its subnet.
    if (listNetworkInterfaces(deps, scope).some((e) => e.SubnetId === subnet.SubnetId)) {
      throw ec2Errors.dependency(`The subnet '${subnet.SubnetId}' has dependencies and cannot be deleted.`);
    }
    const key = ec2Keys.subnet(scope, subnet.SubnetId);
    return { guards: [guardOf(deps, key)], ops: [{ kind: "delete", key }], result: undefined };
  });
}

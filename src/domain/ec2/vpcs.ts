// CreateVpc, DescribeVpcs, DeleteVpc.
import { AwsError, parseCidr, type Scope } from "../../model/index.js";
import { commit, guardOf, put, type Deps } from "../deps.js";
import { ensureDefaultVpc } from "./default-vpc.js";
import { ec2Errors } from "./errors.js";
import { applyFilters, bool, page, type Filter, type FilterTable } from "./filters.js";
import { getVpc, listSecurityGroups, listSubnets, listVpcs, pickByIds, tagsFor } from "./lookup.js";
import { ec2Keys, type Ec2Tag, type VpcRecord } from "./records.js";
import { defaultSecurityGroup, newVpc } from "./vpc-records.js";

type TagSpecs = { ResourceType?: string; Tags?: Ec2Tag[] }[];

export interface CreateVpcInput {
  CidrBlock?: string;
  TagSpecifications?: TagSpecs;
  Ipv4IpamPoolId?: string;
  Ipv6CidrBlock?: string;
  Ipv6IpamPoolId?: string;
  AmazonProvidedIpv6CidrBlock?: boolean;
}

/** EC2 takes VPC blocks from /16 (65,536 addresses) to /28 (16). */
export function checkVpcCidr(text: string): void {
  const cidr = parseCidr(text);
  if (!cidr) throw ec2Errors.invalidParameterValue(`Value (${text.slice(0, 64)}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`);
  if (cidr.prefix < 16 || cidr.prefix > 28) throw ec2Errors.vpcRange(text);
}

export async function createVpc(deps: Deps, scope: Scope, input: CreateVpcInput): Promise<{ Vpc: VpcRecord }> {
  await ensureDefaultVpc(deps, scope);
  if (input.Ipv4IpamPoolId || input.Ipv6IpamPoolId || input.Ipv6CidrBlock || input.AmazonProvidedIpv6CidrBlock) {
    throw new AwsError("UnsupportedOperation", "berth's VPCs are IPv4 only and take their block from CidrBlock, not from IPAM pools.");
  }
  if (input.CidrBlock === undefined) throw ec2Errors.missingParameter("CidrBlock");
  checkVpcCidr(input.CidrBlock);
  const vpc = newVpc(scope, input.CidrBlock, tagsFor(input.TagSpecifications, "vpc"));
  // Every VPC comes with its default security group, as on EC2.
  const group = defaultSecurityGroup(scope, vpc.VpcId);
  return commit(deps, () => ({
    guards: [{ key: ec2Keys.vpc(scope, vpc.VpcId), modRevision: 0 }],
    ops: [put(ec2Keys.vpc(scope, vpc.VpcId), vpc), put(ec2Keys.securityGroup(scope, group.GroupId), group)],
    result: { Vpc: vpc },
  }));
}

const vpcFilters: FilterTable<VpcRecord> = {
  "vpc-id": (v) => [v.VpcId],
  cidr: (v) => [v.CidrBlock],
  "cidr-block-association.cidr-block": (v) => v.CidrBlockAssociationSet.map((a) => a.CidrBlock),
  "is-default": (v) => [bool(v.IsDefault)],
  // The name the console and older tools use.
  isDefault: (v) => [bool(v.IsDefault)],
  state: (v) => [v.State],
  "owner-id": (v) => [v.OwnerId],
  "dhcp-options-id": (v) => [v.DhcpOptionsId],
};

export interface DescribeInput {
  Filters?: Filter[];
  MaxResults?: number;
  NextToken?: string;
}

export async function describeVpcs(deps: Deps, scope: Scope, input: DescribeInput & { VpcIds?: string[] }) {
  await ensureDefaultVpc(deps, scope);
  const picked = pickByIds(listVpcs(deps, scope), input.VpcIds, (v) => v.VpcId, ec2Errors.vpcNotFound);
  const { items, NextToken } = page(applyFilters(picked, input.Filters, vpcFilters), input.MaxResults, input.NextToken);
  return { Vpcs: items, ...(NextToken ? { NextToken } : {}) };
}

export async function deleteVpc(deps: Deps, scope: Scope, input: { VpcId: string }): Promise<void> {
  await ensureDefaultVpc(deps, scope);
  await commit(deps, () => {
    const vpc = getVpc(deps, scope, input.VpcId);
    const groups = listSecurityGroups(deps, scope).filter((g) => g.VpcId === vpc.VpcId);
    const subnets = listSubnets(deps, scope).filter((s) => s.VpcId === vpc.VpcId);
    // The default group goes with its VPC; any other group or a subnet holds the VPC.
    if (subnets.length > 0 || groups.some((g) => g.GroupName !== "default")) {
      throw ec2Errors.dependency(`The vpc '${vpc.VpcId}' has dependencies and cannot be deleted.`);
    }
    const guards = [guardOf(deps, ec2Keys.vpc(scope, vpc.VpcId)), ...groups.map((g) => guardOf(deps, ec2Keys.securityGroup(scope, g.GroupId)))];
    // Creating a subnet or a group rewrites its VPC's record (touchVpc), so one made meanwhile
    // fails this guard and the check above runs again.
    return {
      guards,
      ops: [{ kind: "delete", key: ec2Keys.vpc(scope, vpc.VpcId) }, ...groups.map((g) => ({ kind: "delete" as const, key: ec2Keys.securityGroup(scope, g.GroupId) }))],
      result: undefined,
    };
  });
}

/** The ops that make a write depend on its VPC: guard it and rewrite it, so a concurrent DeleteVpc retries. */
export function touchVpc(deps: Deps, scope: Scope, vpc: VpcRecord) {
  const key = ec2Keys.vpc(scope, vpc.VpcId);
  return { guard: guardOf(deps, key), op: put(key, vpc) };
}

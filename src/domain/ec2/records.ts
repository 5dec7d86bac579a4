// What berth stores for EC2's network resources, and where. Records keep EC2's wire member
// names (VpcId, CidrBlock, ...) so the API can hand them out as they are; security-group rules
// are kept flat (one source each) and grouped into IpPermissions only when shown.
import { randomBytes } from "node:crypto";
import type { Scope } from "../../model/index.js";
import { scopePrefix } from "../keys.js";

export interface Ec2Tag {
  Key: string;
  Value: string;
}

export interface VpcRecord {
  VpcId: string;
  CidrBlock: string;
  IsDefault: boolean;
  State: "available";
  OwnerId: string;
  InstanceTenancy: string;
  DhcpOptionsId: string;
  CidrBlockAssociationSet: { AssociationId: string; CidrBlock: string; CidrBlockState: { State: "associated" } }[];
  Tags: Ec2Tag[];
}

export interface SubnetRecord {
  SubnetId: string;
  SubnetArn: string;
  VpcId: string;
  CidrBlock: string;
  AvailabilityZone: string;
  AvailabilityZoneId: string;
  DefaultForAz: boolean;
  MapPublicIpOnLaunch: boolean;
  State: "available";
  OwnerId: string;
  Tags: Ec2Tag[];
}

/** One ingress or egress rule with one source: a CIDR or a security group. */
export interface SgRule {
  ruleId: string;
  egress: boolean;
  /** "tcp", "udp", "icmp" or "-1" (all). */
  protocol: string;
  fromPort?: number;
  toPort?: number;
  cidr?: string;
  groupId?: string;
  description?: string;
}

export interface SecurityGroupRecord {
  GroupId: string;
  GroupName: string;
  Description: string;
  VpcId: string;
  OwnerId: string;
  SecurityGroupArn: string;
  Tags: Ec2Tag[];
  rules: SgRule[];
}

/** An ENI berth made for an awsvpc task (issue 11). */
export interface NetworkInterfaceRecord {
  NetworkInterfaceId: string;
  SubnetId: string;
  VpcId: string;
  AvailabilityZone: string;
  PrivateIpAddress: string;
  PrivateDnsName: string;
  MacAddress: string;
  Description: string;
  /** "in-use" while a task holds it. */
  Status: string;
  InterfaceType: string;
  OwnerId: string;
  RequesterId: string;
  RequesterManaged: boolean;
  SourceDestCheck: boolean;
  Groups: { GroupId: string; GroupName: string }[];
  TagSet: Ec2Tag[];
  /** The task holding it, and its ECS attachment id. */
  taskArn: string;
  attachmentId: string;
}

const ec2 = (s: Scope) => `${scopePrefix(s)}`;

export const ec2Keys = {
  vpcs: (s: Scope) => `${ec2(s)}vpcs/`,
  vpc: (s: Scope, id: string) => `${ec2(s)}vpcs/${id}`,
  subnets: (s: Scope) => `${ec2(s)}subnets/`,
  subnet: (s: Scope, id: string) => `${ec2(s)}subnets/${id}`,
  securityGroups: (s: Scope) => `${ec2(s)}security-groups/`,
  securityGroup: (s: Scope, id: string) => `${ec2(s)}security-groups/${id}`,
  networkInterfaces: (s: Scope) => `${ec2(s)}network-interfaces/`,
  networkInterface: (s: Scope, id: string) => `${ec2(s)}network-interfaces/${id}`,
  /** Present once the region's default VPC was made (it stays when that VPC is deleted, as on AWS). */
  defaultVpcMarker: (s: Scope) => `${ec2(s)}default-vpc`,
};

/** EC2's resource ids: a prefix and 17 lowercase hex characters (`vpc-0a1b2c3d4e5f67890`). */
export const ec2Id = (prefix: string): string => `${prefix}-${randomBytes(9).toString("hex").slice(0, 17)}`;

// New VPC and security-group records, as EC2 makes them.
import type { Scope } from "../../model/index.js";
import { ec2Id, type Ec2Tag, type SecurityGroupRecord, type VpcRecord } from "./records.js";

export function newVpc(scope: Scope, cidr: string, tags: Ec2Tag[]): VpcRecord {
  return {
    VpcId: ec2Id("vpc"),
    CidrBlock: cidr,
    IsDefault: false,
    State: "available",
    OwnerId: scope.accountId,
    InstanceTenancy: "default",
    DhcpOptionsId: "default",
    CidrBlockAssociationSet: [{ AssociationId: ec2Id("vpc-cidr-assoc"), CidrBlock: cidr, CidrBlockState: { State: "associated" } }],
    Tags: tags,
  };
}

export function newSecurityGroup(scope: Scope, vpcId: string, name: string, description: string, tags: Ec2Tag[]): SecurityGroupRecord {
  const id = ec2Id("sg");
  return {
    GroupId: id,
    GroupName: name,
    Description: description,
    VpcId: vpcId,
    OwnerId: scope.accountId,
    SecurityGroupArn: `arn:aws:ec2:${scope.region}:${scope.accountId}:security-group/${id}`,
    Tags: tags,
    // Every new group lets everything out, as on EC2.
    rules: [{ ruleId: ec2Id("sgr"), egress: true, protocol: "-1", cidr: "0.0.0.0/0" }],
  };
}

/** Every VPC's `default` group: its members reach each other on every port; nothing else gets in. */
export function defaultSecurityGroup(scope: Scope, vpcId: string): SecurityGroupRecord {
  const group = newSecurityGroup(scope, vpcId, "default", "default VPC security group", []);
  return { ...group, rules: [...group.rules, { ruleId: ec2Id("sgr"), egress: false, protocol: "-1", groupId: group.GroupId }] };
}

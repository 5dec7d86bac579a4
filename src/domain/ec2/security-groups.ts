// CreateSecurityGroup, DescribeSecurityGroups, DeleteSecurityGroup, and ingress rules
// (AuthorizeSecurityGroupIngress, RevokeSecurityGroupIngress).
import { AwsError, type Scope } from "../../model/index.js";
import { commit, guardOf, put, type Deps } from "../deps.js";
import { ensureDefaultVpc } from "./default-vpc.js";
import { ec2Errors } from "./errors.js";
import { applyFilters, page, type FilterTable } from "./filters.js";
import { defaultVpcOf, getSecurityGroup, getVpc, groupByName, listNetworkInterfaces, listSecurityGroups, pickByIds, tagsFor } from "./lookup.js";
import { ec2Id, ec2Keys, type Ec2Tag, type SecurityGroupRecord, type SgRule } from "./records.js";
import { ipPermissionsOf, permissionsOf, ruleSpecsOf, ruleText, sameRule, type PermissionsRequest } from "./sg-permissions.js";
import { newSecurityGroup } from "./vpc-records.js";
import { touchVpc, type DescribeInput } from "./vpcs.js";

export interface CreateSecurityGroupInput {
  GroupName: string;
  Description: string;
  VpcId?: string;
  TagSpecifications?: { ResourceType?: string; Tags?: Ec2Tag[] }[];
}

/** The VPC a request means: the one named, else the region's default VPC. */
function vpcOrDefault(deps: Deps, scope: Scope, vpcId: string | undefined) {
  if (vpcId !== undefined) return getVpc(deps, scope, vpcId);
  const vpc = defaultVpcOf(deps, scope);
  // The default VPC was deleted: EC2 then wants a VpcId.
  if (!vpc) throw new AwsError("VPCIdNotSpecified", "No default VPC for this user");
  return vpc;
}

export async function createSecurityGroup(deps: Deps, scope: Scope, input: CreateSecurityGroupInput) {
  await ensureDefaultVpc(deps, scope);
  if (input.GroupName.length > 255 || input.GroupName.startsWith("sg-")) {
    throw ec2Errors.invalidParameterValue(`Value (${input.GroupName.slice(0, 64)}) for parameter GroupName is invalid. Group names may not be in the format sg-* and are at most 255 characters.`);
  }
  if (input.Description.length > 255) throw ec2Errors.invalidParameterValue("Value for parameter GroupDescription is invalid: at most 255 characters.");
  return commit(deps, () => {
    const vpc = vpcOrDefault(deps, scope, input.VpcId);
    if (groupByName(deps, scope, vpc.VpcId, input.GroupName)) throw ec2Errors.groupDuplicate(input.GroupName, vpc.VpcId);
    const group = newSecurityGroup(scope, vpc.VpcId, input.GroupName, input.Description, tagsFor(input.TagSpecifications, "security-group"));
    // Guarding the VPC also orders two creates of one name: the second decides again and finds the first.
    const touch = touchVpc(deps, scope, vpc);
    return {
      guards: [touch.guard],
      ops: [touch.op, put(ec2Keys.securityGroup(scope, group.GroupId), group)],
      result: { GroupId: group.GroupId, SecurityGroupArn: group.SecurityGroupArn, ...(group.Tags.length ? { Tags: group.Tags } : {}) },
    };
  });
}

/** A group as DescribeSecurityGroups shows it. */
export const viewGroup = (g: SecurityGroupRecord) => {
  const { rules, ...rest } = g;
  return { ...rest, IpPermissions: ipPermissionsOf(rules, false, g.OwnerId), IpPermissionsEgress: ipPermissionsOf(rules, true, g.OwnerId) };
};

const groupFilters: FilterTable<SecurityGroupRecord> = {
  "group-id": (g) => [g.GroupId],
  "group-name": (g) => [g.GroupName],
  "vpc-id": (g) => [g.VpcId],
  description: (g) => [g.Description],
  "owner-id": (g) => [g.OwnerId],
  "ip-permission.cidr": (g) => g.rules.filter((r) => !r.egress).map((r) => r.cidr),
  "ip-permission.group-id": (g) => g.rules.filter((r) => !r.egress).map((r) => r.groupId),
  "ip-permission.protocol": (g) => g.rules.filter((r) => !r.egress).map((r) => r.protocol),
};

export async function describeSecurityGroups(deps: Deps, scope: Scope, input: DescribeInput & { GroupIds?: string[]; GroupNames?: string[] }) {
  await ensureDefaultVpc(deps, scope);
  let groups = pickByIds(listSecurityGroups(deps, scope), input.GroupIds, (g) => g.GroupId, ec2Errors.groupNotFound);
  if (input.GroupNames && input.GroupNames.length > 0) {
    // Names alone mean the default VPC's groups, as on EC2.
    const vpc = vpcOrDefault(deps, scope, undefined);
    groups = input.GroupNames.map((name) => {
      const g = groups.find((x) => x.VpcId === vpc.VpcId && x.GroupName === name);
      if (!g) throw ec2Errors.groupNameNotFound(name, vpc.VpcId);
      return g;
    });
  }
  const { items, NextToken } = page(applyFilters(groups, input.Filters, groupFilters), input.MaxResults, input.NextToken);
  return { SecurityGroups: items.map(viewGroup), ...(NextToken ? { NextToken } : {}) };
}

/** The group a request names by GroupId, or by GroupName in the default VPC. */
function targetGroup(deps: Deps, scope: Scope, input: { GroupId?: string; GroupName?: string }): SecurityGroupRecord {
  if (input.GroupId) return getSecurityGroup(deps, scope, input.GroupId);
  if (!input.GroupName) throw ec2Errors.missingParameter("GroupId");
  const vpc = vpcOrDefault(deps, scope, undefined);
  const g = groupByName(deps, scope, vpc.VpcId, input.GroupName);
  if (!g) throw ec2Errors.groupNameNotFound(input.GroupName, vpc.VpcId);
  return g;
}

export async function deleteSecurityGroup(deps: Deps, scope: Scope, input: { GroupId?: string; GroupName?: string }) {
  await ensureDefaultVpc(deps, scope);
  return commit(deps, () => {
    const g = targetGroup(deps, scope, input);
    if (g.GroupName === "default") throw ec2Errors.cannotDeleteDefault(g.GroupId);
    const referenced = listSecurityGroups(deps, scope).some((o) => o.GroupId !== g.GroupId && o.rules.some((r) => r.groupId === g.GroupId));
    const inUse = listNetworkInterfaces(deps, scope).some((e) => e.Groups.some((x) => x.GroupId === g.GroupId));
    if (referenced || inUse) throw ec2Errors.dependency(`resource ${g.GroupId} has a dependent object`);
    const key = ec2Keys.securityGroup(scope, g.GroupId);
    return { guards: [guardOf(deps, key)], ops: [{ kind: "delete", key }], result: { Return: true, GroupId: g.GroupId } };
  });
}

type RuleRequest = PermissionsRequest & { GroupId?: string; GroupName?: string };

/** The request's rules with group sources resolved to ids in the target's VPC. */
function requestedRules(deps: Deps, scope: Scope, g: SecurityGroupRecord, input: RuleRequest): Omit<SgRule, "ruleId">[] {
  return ruleSpecsOf(permissionsOf(input)).map(({ groupName, ...spec }) => {
    let groupId = spec.groupId;
    if (groupName !== undefined) {
      const source = groupByName(deps, scope, g.VpcId, groupName);
      if (!source) throw ec2Errors.groupNameNotFound(groupName, g.VpcId);
      groupId = source.GroupId;
    } else if (groupId !== undefined) {
      const source = getSecurityGroup(deps, scope, groupId);
      if (source.VpcId !== g.VpcId) throw ec2Errors.invalidParameterValue(`The security group '${groupId}' is in VPC '${source.VpcId}', not the group's VPC '${g.VpcId}'.`);
    }
    return { ...spec, ...(groupId !== undefined ? { groupId } : {}), egress: false };
  });
}

export async function authorizeIngress(deps: Deps, scope: Scope, input: RuleRequest) {
  await ensureDefaultVpc(deps, scope);
  return commit(deps, () => {
    const g = targetGroup(deps, scope, input);
    const added: SgRule[] = [];
    for (const rule of requestedRules(deps, scope, g, input)) {
      if ([...g.rules, ...added].some((r) => sameRule(r, rule))) throw ec2Errors.permissionDuplicate(ruleText(rule));
      added.push({ ...rule, ruleId: ec2Id("sgr") });
    }
    const key = ec2Keys.securityGroup(scope, g.GroupId);
    return {
      guards: [guardOf(deps, key)],
      ops: [put(key, { ...g, rules: [...g.rules, ...added] })],
      result: { Return: true, SecurityGroupRules: added.map((r) => ruleView(g, r)) },
    };
  });
}

export async function revokeIngress(deps: Deps, scope: Scope, input: RuleRequest & { SecurityGroupRuleIds?: string[] }) {
  await ensureDefaultVpc(deps, scope);
  return commit(deps, () => {
    const g = targetGroup(deps, scope, input);
    let gone: SgRule[];
    if (input.SecurityGroupRuleIds && input.SecurityGroupRuleIds.length > 0) {
      gone = input.SecurityGroupRuleIds.map((id) => {
        const r = g.rules.find((x) => x.ruleId === id && !x.egress);
        if (!r) throw ec2Errors.permissionNotFound();
        return r;
      });
    } else {
      gone = requestedRules(deps, scope, g, input).map((rule) => {
        const r = g.rules.find((x) => sameRule(x, rule));
        if (!r) throw ec2Errors.permissionNotFound();
        return r;
      });
    }
    const key = ec2Keys.securityGroup(scope, g.GroupId);
    return {
      guards: [guardOf(deps, key)],
      ops: [put(key, { ...g, rules: g.rules.filter((r) => !gone.includes(r)) })],
      result: { Return: true },
    };
  });
}

function ruleView(g: SecurityGroupRecord, r: SgRule) {
  return {
    SecurityGroupRuleId: r.ruleId,
    GroupId: g.GroupId,
    GroupOwnerId: g.OwnerId,
    IsEgress: r.egress,
    IpProtocol: r.protocol,
    FromPort: r.fromPort ?? -1,
    ToPort: r.toPort ?? -1,
    ...(r.cidr ? { CidrIpv4: r.cidr } : {}),
    ...(r.groupId ? { ReferencedGroupInfo: { GroupId: r.groupId, UserId: g.OwnerId } } : {}),
    ...(r.description ? { Description: r.description } : {}),
  };
}

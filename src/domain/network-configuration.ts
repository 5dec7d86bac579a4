// A task's `networkConfiguration.awsvpcConfiguration`, checked against the region's subnets and
// security groups as ECS checks it (ecs-behavior.md §7.1) and resolved to the records the ENI
// allocation needs. Reads only the cache: nothing is written before every check has passed.
import { invalidParameter, type Scope } from "../model/index.js";
import type { Deps } from "./deps.js";
import { ec2Keys, type SecurityGroupRecord, type SubnetRecord, type VpcRecord } from "./ec2/records.js";
import type { TaskDefinitionRecord } from "./records.js";

export interface AwsvpcConfiguration {
  subnets?: string[];
  securityGroups?: string[];
  assignPublicIp?: string;
}

/** What an awsvpc launch resolved: its VPC, its subnets (in the order given) and its groups. */
export interface ResolvedNetwork {
  vpc: VpcRecord;
  subnets: SubnetRecord[];
  securityGroups: SecurityGroupRecord[];
}

export const MAX_SUBNETS = 16;
export const MAX_SECURITY_GROUPS = 5;

/**
 * Checks a launch's network configuration; returns the resolved network for awsvpc, undefined
 * for the other modes. `fargate`: public IPs exist only there (berth gives none either way).
 */
export function resolveNetworkConfiguration(
  deps: Deps,
  scope: Scope,
  td: Pick<TaskDefinitionRecord, "networkMode">,
  networkConfiguration: { awsvpcConfiguration?: AwsvpcConfiguration } | undefined,
  fargate: boolean,
): ResolvedNetwork | undefined {
  if (td.networkMode !== "awsvpc") {
    if (networkConfiguration) throw invalidParameter("Network Configuration is not valid for the given networkMode of this task definition.");
    return undefined;
  }
  const config = networkConfiguration?.awsvpcConfiguration;
  if (!config) throw invalidParameter("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  const subnetIds = config.subnets ?? [];
  const groupIds = config.securityGroups ?? [];
  if (subnetIds.length === 0) throw invalidParameter("subnets can not be empty.");
  if (subnetIds.length > MAX_SUBNETS) throw invalidParameter(`subnets can have at most ${MAX_SUBNETS} items; found ${subnetIds.length}.`);
  if (groupIds.length > MAX_SECURITY_GROUPS) throw invalidParameter(`securityGroups can have at most ${MAX_SECURITY_GROUPS} items; found ${groupIds.length}.`);
  if (config.assignPublicIp === "ENABLED" && !fargate) throw invalidParameter("Assign public IP is not supported for this launch type.");

  const missingSubnets = subnetIds.filter((id) => !deps.cache.get(ec2Keys.subnet(scope, id)));
  if (missingSubnets.length > 0) {
    throw invalidParameter(
      `Error retrieving subnet information for [${missingSubnets.join(", ")}]: The subnet ID '${missingSubnets[0]}' does not exist (ErrorCode: InvalidSubnetID.NotFound)`,
    );
  }
  const subnets = [...new Set(subnetIds)].map((id) => deps.cache.get<SubnetRecord>(ec2Keys.subnet(scope, id))!);
  const vpcIds = [...new Set(subnets.map((s) => s.VpcId))];
  if (vpcIds.length > 1) {
    const where = subnets.map((s) => `${s.SubnetId} in ${s.VpcId}`).join(", ");
    throw invalidParameter(`Invalid parameter 'networkConfiguration.awsvpcConfiguration.subnets': subnets must all belong to the same VPC; found ${where}.`);
  }
  const vpc = deps.cache.get<VpcRecord>(ec2Keys.vpc(scope, vpcIds[0]!))!;

  const missingGroups = groupIds.filter((id) => !deps.cache.get(ec2Keys.securityGroup(scope, id)));
  if (missingGroups.length > 0) {
    throw invalidParameter(
      `Error retrieving security group information for [${missingGroups.join(", ")}]: The security group '${missingGroups[0]}' does not exist (ErrorCode: InvalidGroup.NotFound)`,
    );
  }
  let securityGroups = [...new Set(groupIds)].map((id) => deps.cache.get<SecurityGroupRecord>(ec2Keys.securityGroup(scope, id))!);
  const foreign = securityGroups.find((g) => g.VpcId !== vpc.VpcId);
  if (foreign) {
    throw invalidParameter(
      `Invalid parameter 'networkConfiguration.awsvpcConfiguration.securityGroups': security group ${foreign.GroupId} belongs to ${foreign.VpcId}, not to the subnets' VPC ${vpc.VpcId}.`,
    );
  }
  // No groups named: the VPC's default group, as ECS does.
  if (securityGroups.length === 0) {
    securityGroups = deps.cache.list<SecurityGroupRecord>(ec2Keys.securityGroups(scope)).filter((g) => g.VpcId === vpc.VpcId && g.GroupName === "default");
  }
  return { vpc, subnets, securityGroups };
}

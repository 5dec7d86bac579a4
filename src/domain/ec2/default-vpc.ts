// The default VPC each region has, as on AWS: 172.31.0.0/16, one default /20 subnet per
// availability zone, and a default security group whose members reach each other. berth makes
// it the first time a region's network is looked at (an EC2 call, an awsvpc task, or `berth up`
// for its own region), once: a marker key guards the creation, so concurrent first calls agree.
import type { Scope } from "../../model/index.js";
import { commit, put, type Deps } from "../deps.js";
import { ec2Id, ec2Keys, type SecurityGroupRecord, type SubnetRecord, type VpcRecord } from "./records.js";
import { defaultSecurityGroup, newVpc } from "./vpc-records.js";

export const DEFAULT_VPC_CIDR = "172.31.0.0/16";

/** berth's availability zones: three per region (AWS regions have three to six). */
export const availabilityZones = (region: string): string[] => ["a", "b", "c"].map((l) => `${region}${l}`);

/** The zone id AWS would show, e.g. us-east-1b -> use1-az2 (berth's mapping is the zone's rank). */
export function zoneIdOf(zone: string): string {
  const m = /^([a-z]+)-([a-z]+)-(\d+)([a-z])$/.exec(zone);
  if (!m) return zone;
  return `${m[1]}${m[2]![0]}${m[3]}-az${m[4]!.charCodeAt(0) - 96}`;
}

/** The default VPC's records: pure, so its layout is tested without a store. */
export function defaultVpcRecords(scope: Scope): { vpc: VpcRecord; subnets: SubnetRecord[]; group: SecurityGroupRecord } {
  const vpc = { ...newVpc(scope, DEFAULT_VPC_CIDR, []), IsDefault: true };
  // 172.31.0.0/20, 172.31.16.0/20, 172.31.32.0/20: the third octet steps by 16 per zone.
  const subnets = availabilityZones(scope.region).map((zone, i) => newSubnet(scope, vpc.VpcId, `172.31.${i * 16}.0/20`, zone, true));
  return { vpc, subnets, group: defaultSecurityGroup(scope, vpc.VpcId) };
}

export function newSubnet(scope: Scope, vpcId: string, cidr: string, zone: string, defaultForAz: boolean): SubnetRecord {
  const id = ec2Id("subnet");
  return {
    SubnetId: id,
    SubnetArn: `arn:aws:ec2:${scope.region}:${scope.accountId}:subnet/${id}`,
    VpcId: vpcId,
    CidrBlock: cidr,
    AvailabilityZone: zone,
    AvailabilityZoneId: zoneIdOf(zone),
    DefaultForAz: defaultForAz,
    MapPublicIpOnLaunch: defaultForAz,
    State: "available",
    OwnerId: scope.accountId,
    Tags: [],
  };
}

export async function ensureDefaultVpc(deps: Deps, scope: Scope): Promise<void> {
  const marker = ec2Keys.defaultVpcMarker(scope);
  if (deps.cache.getEntry(marker)) return;
  await commit(deps, () => {
    if (deps.cache.getEntry(marker)) return { guards: [], ops: [], result: undefined };
    const { vpc, subnets, group } = defaultVpcRecords(scope);
    return {
      guards: [{ key: marker, modRevision: 0 }],
      ops: [
        put(marker, { vpcId: vpc.VpcId }),
        put(ec2Keys.vpc(scope, vpc.VpcId), vpc),
        ...subnets.map((s) => put(ec2Keys.subnet(scope, s.SubnetId), s)),
        put(ec2Keys.securityGroup(scope, group.GroupId), group),
      ],
      result: undefined,
    };
  });
}

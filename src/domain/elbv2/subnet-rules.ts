// Which subnets a load balancer may have (aws-neighbors.md §1.1): one per availability zone, all
// in one VPC; an application load balancer needs two zones at least, a network one a single
// subnet. Pure.
import type { SubnetRecord } from "../ec2/records.js";
import { elbErrors } from "./errors.js";

export function checkSubnets(type: "application" | "network", subnets: SubnetRecord[]): { vpcId: string; zones: { ZoneName: string; SubnetId: string }[] } {
  const first = subnets[0];
  if (!first) throw elbErrors.validation(type === "application" ? "At least two subnets in two different Availability Zones must be specified" : "At least one subnet must be specified");
  const other = subnets.find((s) => s.VpcId !== first.VpcId);
  if (other) {
    throw elbErrors.invalidSubnet(`Subnets must be in one VPC: '${first.SubnetId}' is in '${first.VpcId}', '${other.SubnetId}' in '${other.VpcId}'`);
  }
  const zones = new Map<string, string>();
  for (const s of subnets) {
    if (zones.has(s.AvailabilityZone) && zones.get(s.AvailabilityZone) !== s.SubnetId) {
      throw elbErrors.invalidConfiguration("A load balancer cannot be attached to multiple subnets in the same Availability Zone");
    }
    zones.set(s.AvailabilityZone, s.SubnetId);
  }
  if (type === "application" && zones.size < 2) throw elbErrors.validation("At least two subnets in two different Availability Zones must be specified");
  const sorted = [...zones].sort(([a], [b]) => a.localeCompare(b));
  return { vpcId: first.VpcId, zones: sorted.map(([ZoneName, SubnetId]) => ({ ZoneName, SubnetId })) };
}

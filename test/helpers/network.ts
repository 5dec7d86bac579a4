// The region's default VPC, for tests that launch awsvpc tasks: its default subnets' ids and a
// networkConfiguration naming one of them, as a user would copy them from `aws ec2 describe-subnets`.
import { ec2 } from "../../src/domain/index.js";
import type { ControlPlane } from "../../src/api/control-plane.js";

export async function defaultSubnetIds(cp: ControlPlane, region = "us-east-1", accountId = "000000000000"): Promise<string[]> {
  const scope = { accountId, region };
  const { Subnets } = await ec2.describeSubnets(cp.deps, scope, { Filters: [{ Name: "default-for-az", Values: ["true"] }] });
  return Subnets.map((s) => s.SubnetId);
}

export async function defaultNetwork(cp: ControlPlane, region = "us-east-1") {
  return { awsvpcConfiguration: { subnets: [(await defaultSubnetIds(cp, region))[0]!] } };
}

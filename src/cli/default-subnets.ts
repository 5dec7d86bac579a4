// The default VPC's subnets of the region, read through the AWS SDK's EC2 client (berth answers
// EC2's network subset on its one port): what `berth apply` gives an awsvpc service that names
// no subnets of its own. The client is loaded only when a manifest needs it.
import type { CliContext } from "./context.js";

/** Subnet ids of the default VPC (one per availability zone), in zone order; empty when none. */
export async function defaultSubnets(ctx: CliContext): Promise<string[]> {
  const { EC2Client, DescribeSubnetsCommand } = await import("@aws-sdk/client-ec2");
  const { connection } = ctx;
  const ec2 = new EC2Client({
    endpoint: connection.endpoint,
    region: connection.region,
    credentials: await ctx.ecs.config.credentials(),
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 60_000 },
  });
  try {
    const out = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "default-for-az", Values: ["true"] }] }));
    return (out.Subnets ?? [])
      .slice()
      .sort((a, b) => (a.AvailabilityZone ?? "").localeCompare(b.AvailabilityZone ?? ""))
      .flatMap((s) => (s.SubnetId ? [s.SubnetId] : []));
  } finally {
    ec2.destroy();
  }
}

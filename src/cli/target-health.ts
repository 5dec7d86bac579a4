// Each target group of a service with its targets' health, read through the ELBv2 API, for
// `berth describe service`. A target group that cannot be read is shown with the reason, not
// dropped: the service still names it.
import type { Service } from "@aws-sdk/client-ecs";
import type { TargetHealthDescription } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { CliContext } from "./context.js";

export interface TargetGroupHealth {
  targetGroupArn: string;
  containerName?: string;
  containerPort?: number;
  targets?: TargetHealthDescription[];
  /** Why the targets could not be read. */
  error?: string;
}

export async function serviceTargetHealth(ctx: CliContext, service: Service): Promise<TargetGroupHealth[]> {
  const wired = service.loadBalancers ?? [];
  if (wired.length === 0) return [];
  const { ElasticLoadBalancingV2Client, DescribeTargetHealthCommand } = await import("@aws-sdk/client-elastic-load-balancing-v2");
  const elb = new ElasticLoadBalancingV2Client({
    endpoint: ctx.connection.endpoint,
    region: ctx.connection.region,
    credentials: await ctx.ecs.config.credentials(),
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 30_000 },
  });
  try {
    return await Promise.all(
      wired.map(async (lb): Promise<TargetGroupHealth> => {
        const base = { targetGroupArn: lb.targetGroupArn ?? "", ...(lb.containerName ? { containerName: lb.containerName } : {}), ...(lb.containerPort !== undefined ? { containerPort: lb.containerPort } : {}) };
        try {
          const out = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: lb.targetGroupArn }));
          return { ...base, targets: out.TargetHealthDescriptions ?? [] };
        } catch (err) {
          return { ...base, error: (err as Error).message };
        }
      }),
    );
  } finally {
    elb.destroy();
  }
}

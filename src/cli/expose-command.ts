// `berth expose SERVICE --port 80`: a service behind a load balancer in one step, for people who
// do not want to write ELB calls. It reads the service, its task definition and its VPC, decides
// what to make (expose-plan.ts), then makes what is missing through the ELBv2 API — a load
// balancer, a target group for the container port, a listener forwarding to it — and adds the
// target group to the service's loadBalancers, which starts a deployment that registers its
// tasks. Run again, it finds what it made and changes nothing.
import { Resolver } from "node:dns/promises";
import { UpdateServiceCommand } from "@aws-sdk/client-ecs";
import type { ElasticLoadBalancingV2Client, LoadBalancer, TargetGroup } from "@aws-sdk/client-elastic-load-balancing-v2";
import { Command, Option } from "commander";
import { wholeNumber } from "./args.js";
import { contextOf, type CliContext, withGlobalFlags } from "./context.js";
import { CliError, usageError } from "./errors.js";
import { type ExposeFlags, type ExposePlan, planExpose } from "./expose-plan.js";
import { write } from "./output.js";
import { getService, getTaskDefinition } from "./resources.js";

export function exposeCommand(): Command {
  return withGlobalFlags(
    new Command("expose")
      .description("Put a service behind a load balancer: a listener on --port forwarding to its container port.")
      .argument("<service>", "the service")
      .requiredOption("--port <port>", "the listener's port", wholeNumber("--port", 1, 65535))
      .option("--container <name>", "the container traffic goes to (needed when several map ports)")
      .option("--container-port <port>", "its port (needed when it maps several)", wholeNumber("--container-port", 1, 65535))
      .addOption(new Option("--protocol <protocol>", "HTTP: an application load balancer; TCP: a network load balancer").choices(["HTTP", "TCP"]).default("HTTP"))
      .option("--health-check-path <path>", "what the target group's HTTP health check asks for", "/")
      .option("--name <name>", "the load balancer's name (default: the service's)")
      .addHelpText(
        "after",
        `
It makes what is missing, each named after the service: a load balancer in the service's VPC
(one subnet per availability zone), a target group for the container port (target type ip for
awsvpc tasks, instance for bridge and host), and a listener on --port; then it adds the target
group to the service's loadBalancers, which starts a deployment: each new task is registered
once RUNNING, takes traffic once healthy, and is drained before it stops. Run again, it changes
nothing. 'berth describe service' shows the targets' health.

Example:
  berth expose web --port 8080 --health-check-path /health
`,
      ),
  ).action(async (name: string, flags: ExposeFlags, cmd: Command) => {
    const ctx = contextOf(cmd);
    await expose(ctx, name, flags);
  });
}

export async function expose(ctx: CliContext, serviceName: string, flags: ExposeFlags): Promise<void> {
  const svc = await getService(ctx.ecs, ctx.cluster, serviceName);
  if (!svc.taskDefinition) throw new CliError(`service '${serviceName}' has no task definition`);
  const { taskDefinition } = await getTaskDefinition(ctx.ecs, svc.taskDefinition);
  const serviceSubnets = svc.networkConfiguration?.awsvpcConfiguration?.subnets ?? [];
  const vpc = await vpcOf(ctx, serviceSubnets);
  let plan: ExposePlan;
  try {
    plan = planExpose(
      { serviceName, networkMode: taskDefinition.networkMode ?? "bridge", containers: taskDefinition.containerDefinitions ?? [], serviceSubnets, vpcSubnets: vpc.subnets },
      flags,
    );
  } catch (err) {
    throw usageError((err as Error).message);
  }
  const elb = await elbClient(ctx);
  try {
    // The load balancer joins the tasks' own security groups (the VPC's default group when they
    // name none), so a group that admits its members admits it too — an NLB included.
    const groups = svc.networkConfiguration?.awsvpcConfiguration?.securityGroups ?? (vpc.defaultGroupId ? [vpc.defaultGroupId] : []);
    const lb = await ensureLoadBalancer(elb, plan, groups);
    const tg = await ensureTargetGroup(elb, plan, vpc.vpcId, flags);
    await ensureListener(elb, lb, tg, flags);
    const wired = (svc.loadBalancers ?? []).some((l) => l.targetGroupArn === tg.TargetGroupArn);
    if (wired) {
      write(`service/${serviceName} unchanged: already registers in targetgroup/${tg.TargetGroupName}`);
    } else {
      const loadBalancers = [...(svc.loadBalancers ?? []), { targetGroupArn: tg.TargetGroupArn!, containerName: plan.containerName, containerPort: plan.containerPort }];
      await ctx.ecs.send(new UpdateServiceCommand({ cluster: ctx.cluster, service: serviceName, loadBalancers }));
      write(`service/${serviceName} registers ${plan.containerName}:${plan.containerPort} in targetgroup/${tg.TargetGroupName} (a new deployment starts; follow it with 'berth rollout status ${serviceName}')`);
    }
    const address = await resolveOnBerth(ctx, lb.DNSName!);
    const scheme = flags.protocol === "HTTP" ? "http" : "tcp";
    write(`reach it at ${scheme}://${lb.DNSName}:${flags.port}/${address ? ` (${address}:${flags.port} on this host; berth's DNS answers the name)` : ""}`);
  } finally {
    elb.destroy();
  }
}

async function elbClient(ctx: CliContext): Promise<ElasticLoadBalancingV2Client> {
  const { ElasticLoadBalancingV2Client } = await import("@aws-sdk/client-elastic-load-balancing-v2");
  return new ElasticLoadBalancingV2Client({
    endpoint: ctx.connection.endpoint,
    region: ctx.connection.region,
    credentials: await ctx.ecs.config.credentials(),
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 60_000 },
  });
}

/** The VPC the service's subnets are in (the default VPC for a service without any), and its subnets. */
async function vpcOf(ctx: CliContext, serviceSubnets: string[]): Promise<{ vpcId: string; subnets: { SubnetId: string; AvailabilityZone: string }[]; defaultGroupId?: string }> {
  const { EC2Client, DescribeSecurityGroupsCommand, DescribeSubnetsCommand, DescribeVpcsCommand } = await import("@aws-sdk/client-ec2");
  const ec2 = new EC2Client({ endpoint: ctx.connection.endpoint, region: ctx.connection.region, credentials: await ctx.ecs.config.credentials(), maxAttempts: 2 });
  try {
    let vpcId: string | undefined;
    if (serviceSubnets.length > 0) {
      vpcId = (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: serviceSubnets.slice(0, 1) }))).Subnets?.[0]?.VpcId;
    } else {
      vpcId = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }))).Vpcs?.[0]?.VpcId;
    }
    if (!vpcId) throw new CliError("found no VPC for the load balancer: the service names no subnets and the region has no default VPC");
    const all = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }))).Subnets ?? [];
    const groups = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }, { Name: "group-name", Values: ["default"] }] }));
    const defaultGroupId = groups.SecurityGroups?.[0]?.GroupId;
    return {
      vpcId,
      subnets: all.flatMap((s) => (s.SubnetId && s.AvailabilityZone ? [{ SubnetId: s.SubnetId, AvailabilityZone: s.AvailabilityZone }] : [])),
      ...(defaultGroupId ? { defaultGroupId } : {}),
    };
  } finally {
    ec2.destroy();
  }
}

const notFound = (err: unknown, code: string): boolean => (err as { name?: string }).name === code;

async function ensureLoadBalancer(elb: ElasticLoadBalancingV2Client, plan: ExposePlan, securityGroups: string[]): Promise<LoadBalancer> {
  const { DescribeLoadBalancersCommand, CreateLoadBalancerCommand } = await import("@aws-sdk/client-elastic-load-balancing-v2");
  try {
    const found = (await elb.send(new DescribeLoadBalancersCommand({ Names: [plan.loadBalancerName] }))).LoadBalancers?.[0];
    if (found) {
      if (found.Type !== plan.loadBalancerType) {
        throw new CliError(`load balancer '${plan.loadBalancerName}' exists and is ${found.Type}, not ${plan.loadBalancerType}; choose another with --name`);
      }
      write(`loadbalancer/${plan.loadBalancerName} exists (${found.Type})`);
      return found;
    }
  } catch (err) {
    if (!notFound(err, "LoadBalancerNotFoundException")) throw err;
  }
  const lb = (
    await elb.send(
      new CreateLoadBalancerCommand({ Name: plan.loadBalancerName, Type: plan.loadBalancerType, Subnets: plan.subnets, ...(securityGroups.length ? { SecurityGroups: securityGroups } : {}) }),
    )
  ).LoadBalancers![0]!;
  write(`loadbalancer/${plan.loadBalancerName} created (${lb.Type}, ${lb.DNSName})`);
  return lb;
}

async function ensureTargetGroup(elb: ElasticLoadBalancingV2Client, plan: ExposePlan, vpcId: string, flags: ExposeFlags): Promise<TargetGroup> {
  const { DescribeTargetGroupsCommand, CreateTargetGroupCommand } = await import("@aws-sdk/client-elastic-load-balancing-v2");
  try {
    const found = (await elb.send(new DescribeTargetGroupsCommand({ Names: [plan.targetGroupName] }))).TargetGroups?.[0];
    if (found) {
      if (found.TargetType !== plan.targetType || found.Port !== plan.containerPort) {
        throw new CliError(`target group '${plan.targetGroupName}' exists with target type ${found.TargetType} on port ${found.Port}; choose another name with --name`);
      }
      write(`targetgroup/${plan.targetGroupName} exists`);
      return found;
    }
  } catch (err) {
    if (!notFound(err, "TargetGroupNotFoundException")) throw err;
  }
  const hc = flags.healthCheck;
  const checkProtocol = hc ? (hc.protocol === "TCP" ? "TCP" : "HTTP") : flags.protocol;
  const path = hc?.path ?? flags.healthCheckPath;
  const tg = (
    await elb.send(
      new CreateTargetGroupCommand({
        Name: plan.targetGroupName,
        Protocol: flags.protocol,
        Port: plan.containerPort,
        VpcId: vpcId,
        TargetType: plan.targetType,
        HealthCheckProtocol: checkProtocol,
        ...(checkProtocol === "HTTP" ? { HealthCheckPath: path } : {}),
        ...(hc
          ? {
              HealthCheckPort: hc.port === plan.containerPort ? "traffic-port" : String(hc.port),
              HealthCheckIntervalSeconds: hc.intervalSeconds,
              HealthCheckTimeoutSeconds: hc.timeoutSeconds,
              HealthyThresholdCount: hc.healthyThresholdCount,
              UnhealthyThresholdCount: hc.unhealthyThresholdCount,
            }
          : {}),
      }),
    )
  ).TargetGroups![0]!;
  write(`targetgroup/${plan.targetGroupName} created (${plan.targetType} targets, ${flags.protocol} ${plan.containerPort}, health check ${checkProtocol === "HTTP" ? `GET ${path}` : "TCP connect"})`);
  return tg;
}

async function ensureListener(elb: ElasticLoadBalancingV2Client, lb: LoadBalancer, tg: TargetGroup, flags: ExposeFlags): Promise<void> {
  const { DescribeListenersCommand, CreateListenerCommand } = await import("@aws-sdk/client-elastic-load-balancing-v2");
  const listeners = (await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn }))).Listeners ?? [];
  const onPort = listeners.find((l) => l.Port === flags.port);
  if (onPort) {
    const forwardsHere = (onPort.DefaultActions ?? []).some(
      (a) => a.TargetGroupArn === tg.TargetGroupArn || (a.ForwardConfig?.TargetGroups ?? []).some((t) => t.TargetGroupArn === tg.TargetGroupArn),
    );
    if (!forwardsHere) throw new CliError(`load balancer '${lb.LoadBalancerName}' already listens on port ${flags.port} for something else; choose another --port or --name`);
    write(`listener ${onPort.Protocol} :${flags.port} exists`);
    return;
  }
  await elb.send(
    new CreateListenerCommand({ LoadBalancerArn: lb.LoadBalancerArn, Protocol: flags.protocol, Port: flags.port, DefaultActions: [{ Type: "forward", TargetGroupArn: tg.TargetGroupArn }] }),
  );
  write(`listener ${flags.protocol} :${flags.port} created → targetgroup/${tg.TargetGroupName}`);
}

/**
 * The load balancer's address as berth's DNS server answers its name (berth up serves DNS on
 * the API port + 1); undefined when that server is not there.
 */
async function resolveOnBerth(ctx: CliContext, name: string): Promise<string | undefined> {
  try {
    const url = new URL(ctx.connection.endpoint);
    const resolver = new Resolver({ timeout: 1_000, tries: 1 });
    const port = Number(url.port || (url.protocol === "https:" ? 443 : 80)) + 1;
    const host = url.hostname === "localhost" ? "127.0.0.1" : url.hostname.replace(/^\[|\]$/g, "");
    resolver.setServers([`${host.includes(":") ? `[${host}]` : host}:${port}`]);
    return (await resolver.resolve4(name))[0];
  } catch {
    return undefined;
  }
}

// Issue 12's promise, end to end (root only: awsvpc tasks): a 4-task web service behind an
// application load balancer, created with the AWS SDK's ELBv2 client, takes a steady load from
// autocannon through its listener while it rolls to a new revision, scales in, loses a task
// stopped by hand, one killed with SIGKILL, and tries a revision whose health check fails — and not one request fails.
// The tasks are node web servers (web-task.mjs) run by the process runtime in their own
// namespaces; the listener is the control plane's data plane on the load balancer's own
// loopback address. Elsewhere it skips, saying why.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { CreateServiceCommand, DeleteServiceCommand, DescribeServicesCommand, DescribeTasksCommand, ListTasksCommand, StopTaskCommand, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand,
  type TargetHealthDescription,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { ec2 } from "../../src/domain/index.js";
import { elbKeys, type LoadBalancerRecord } from "../../src/domain/elbv2/records.js";
import { namespaceName, taskNetworkingUnavailable } from "../../src/network/index.js";
import { type Cluster, startCluster, until } from "../agent/harness.js";
import { steadyLoad, type LoadReport, type SteadyLoad } from "./steady-load.js";

const skip = await taskNetworkingUnavailable();
if (skip) console.log(`# skipping the load-balanced deployment test: ${skip}`);

const scope = { accountId: "000000000000", region: "us-east-1" };
const WEB = fileURLToPath(new URL("./web-task.mjs", import.meta.url));
const RATE = 400;
const MIN_REQUESTS = 10_000;

describe("a web service behind an ALB loses no request (root)", { skip, timeout: 600_000 }, () => {
  let c: Cluster;
  let elb: ElasticLoadBalancingV2Client;
  let tgArn: string;
  let url: string;
  let network: { awsvpcConfiguration: { subnets: string[] } };
  let load: SteadyLoad | undefined;
  const revisions = new Map<string, string>();

  const register = async (rev: number, healthStatus = 200): Promise<string> => {
    const arn = await c.registerTaskDefinition(
      "web",
      [
        {
          name: "web",
          image: "node",
          memory: 128,
          essential: true,
          portMappings: [{ containerPort: 8080 }],
          command: [process.execPath, WEB],
          environment: [
            { name: "REV", value: String(rev) },
            { name: "HEALTH_STATUS", value: String(healthStatus) },
          ],
          stopTimeout: 10,
        },
      ],
      { networkMode: "awsvpc" },
    );
    revisions.set(arn, `rev${rev}`);
    return arn;
  };

  const targetHealth = async (): Promise<TargetHealthDescription[]> =>
    (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }))).TargetHealthDescriptions ?? [];

  /** The addresses of the service's RUNNING tasks of one task definition. */
  const addressesOf = async (taskDefinitionArn: string): Promise<Set<string>> => {
    const arns = (await c.ecs.send(new ListTasksCommand({ cluster: "default", serviceName: "web", desiredStatus: "RUNNING" }))).taskArns ?? [];
    const tasks = arns.length ? (await c.ecs.send(new DescribeTasksCommand({ cluster: "default", tasks: arns }))).tasks! : [];
    const ips = tasks
      .filter((t) => t.taskDefinitionArn === taskDefinitionArn && t.lastStatus === "RUNNING")
      .map((t) => t.attachments?.[0]?.details?.find((d) => d.name === "privateIPv4Address")?.value);
    return new Set(ips.filter((ip): ip is string => ip !== undefined));
  };

  /** True when the target group holds exactly `count` healthy targets, all tasks of `taskDefinitionArn`, and nothing drains. */
  const settledOn = async (taskDefinitionArn: string, count: number): Promise<boolean> => {
    const [targets, ips] = await Promise.all([targetHealth(), addressesOf(taskDefinitionArn)]);
    return targets.length === count && targets.every((t) => t.TargetHealth?.State === "healthy" && ips.has(t.Target!.Id!));
  };

  const service = async () => (await c.ecs.send(new DescribeServicesCommand({ cluster: "default", services: ["web"] }))).services![0]!;

  /** The service's deployments, latest events and targets, for a failure message. */
  const diagnosis = async (): Promise<string> => {
    const s = await service();
    const deployments = s.deployments!.map((d) => `${d.id} ${d.status} ${d.rolloutState} ${revisions.get(d.taskDefinition!)} desired ${d.desiredCount} running ${d.runningCount} failed ${d.failedTasks}`);
    const events = s.events!.slice(0, 15).map((e) => e.message);
    const targets = (await targetHealth()).map((t) => `${t.Target?.Id}:${t.Target?.Port} ${t.TargetHealth?.State} ${t.TargetHealth?.Reason ?? ""}`);
    return [...deployments, ...events, ...targets].join("\n");
  };

  /** Every failure autocannon saw, for an assertion message. */
  const failures = (r: LoadReport): string => {
    const bad = r.answers.filter((a) => a.status !== 200).slice(0, 5);
    return `${r.errors} errors (${r.timeouts} timeouts), ${r.non2xx} non-2xx of ${r.total}; first bad answers: ${JSON.stringify(bad)}`;
  };

  const assertNothingFailed = (r: LoadReport): void => {
    assert.ok(r.total >= MIN_REQUESTS, `at least ${MIN_REQUESTS} requests, sent ${r.total}`);
    assert.equal(r.errors + r.non2xx, 0, failures(r));
  };

  before(async () => {
    c = await startCluster();
    await c.startAgent();
    // A range of this test's own, apart from the other network tests' ranges; two zones, as an ALB wants.
    const { Vpc } = await ec2.createVpc(c.cp.deps, scope, { CidrBlock: "10.223.0.0/16" });
    const subnets = [];
    for (const [i, zone] of ["us-east-1a", "us-east-1b"].entries()) {
      subnets.push((await ec2.createSubnet(c.cp.deps, scope, { VpcId: Vpc.VpcId, CidrBlock: `10.223.${i}.0/24`, AvailabilityZone: zone })).Subnet.SubnetId);
    }
    network = { awsvpcConfiguration: { subnets } };
    elb = new ElasticLoadBalancingV2Client({ endpoint: c.cp.url, region: "us-east-1", credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" }, maxAttempts: 1 });
    const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: "web", Subnets: subnets, Type: "application" }))).LoadBalancers![0]!;
    const tg = (
      await elb.send(
        new CreateTargetGroupCommand({
          Name: "web",
          Protocol: "HTTP",
          Port: 8080,
          VpcId: Vpc.VpcId,
          TargetType: "ip",
          HealthCheckPath: "/health",
          HealthCheckIntervalSeconds: 5,
          HealthCheckTimeoutSeconds: 2,
          HealthyThresholdCount: 2,
          UnhealthyThresholdCount: 2,
        }),
      )
    ).TargetGroups![0]!;
    tgArn = tg.TargetGroupArn!;
    await elb.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tgArn, Attributes: [{ Key: "deregistration_delay.timeout_seconds", Value: "15" }] }));
    // A port of its own on the load balancer's own address: other tests' balancers may share the host.
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    await elb.send(new CreateListenerCommand({ LoadBalancerArn: lb.LoadBalancerArn, Protocol: "HTTP", Port: port, DefaultActions: [{ Type: "forward", TargetGroupArn: tgArn }] }));
    const record = c.cp.deps.cache.get<LoadBalancerRecord>(elbKeys.loadBalancer(scope, lb.LoadBalancerArn!));
    assert.ok(record, "the load balancer is in the store");
    url = `http://${record.bindAddress}:${port}`;

    const rev1 = await register(1);
    await c.ecs.send(
      new CreateServiceCommand({
        cluster: "default",
        serviceName: "web",
        taskDefinition: rev1,
        desiredCount: 4,
        networkConfiguration: network,
        loadBalancers: [{ targetGroupArn: tgArn, containerName: "web", containerPort: 8080 }],
        deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200, deploymentCircuitBreaker: { enable: true, rollback: true } },
      }),
    );
    await until("four healthy rev1 targets", () => settledOn(rev1, 4), 120_000, 500).catch(async (err: Error) => assert.fail(`${err.message}\n${await diagnosis()}`));
  });

  after(async () => {
    load?.stop();
    if (c) {
      await c.ecs.send(new DeleteServiceCommand({ cluster: "default", service: "web", force: true })).catch(() => undefined);
      await until(
        "every task stopped",
        async () => {
          const arns = (await c.ecs.send(new ListTasksCommand({ cluster: "default", desiredStatus: "STOPPED" }))).taskArns ?? [];
          const tasks = arns.length ? (await c.ecs.send(new DescribeTasksCommand({ cluster: "default", tasks: arns }))).tasks! : [];
          const running = (await c.ecs.send(new ListTasksCommand({ cluster: "default", desiredStatus: "RUNNING" }))).taskArns ?? [];
          return running.length === 0 && tasks.every((t) => t.lastStatus === "STOPPED");
        },
        120_000,
        500,
      ).catch(() => undefined);
    }
    await c?.close();
  });

  it("rolls to a new revision: no request fails, and after the switch only the new revision answers", async () => {
    load = steadyLoad(url, { rate: RATE, connections: 8 });
    const rev2 = await register(2);
    await c.ecs.send(new UpdateServiceCommand({ cluster: "default", service: "web", taskDefinition: rev2 }));
    let switchedAt = 0;
    const report = await load.until(
      async () => {
        if (!switchedAt && (await settledOn(rev2, 4))) switchedAt = Date.now();
        // Keep the load on a few seconds past the switch, so "after" is not empty.
        return switchedAt > 0 && Date.now() - switchedAt > 3_000;
      },
      MIN_REQUESTS,
      240_000,
    );
    assertNothingFailed(report);
    const late = report.answers.filter((a) => a.at > switchedAt);
    assert.ok(late.length > 0, "answers after the switch");
    assert.deepEqual([...new Set(late.map((a) => a.body))], ["rev2"], "only the new revision answers once the old targets are gone");
    assert.ok(report.answers.some((a) => a.body === "rev1"), "the old revision answered before the switch");
    const messages = (await service()).events!.map((e) => e.message!);
    assert.ok(messages.some((m) => m.includes(`registered 4 targets in (target-group ${tgArn})`) || /registered \d+ targets in/.test(m)), messages.join("\n"));
    assert.ok(messages.some((m) => /has begun draining connections on \d+ tasks\./.test(m)), messages.join("\n"));
    assert.ok(messages.some((m) => /deregistered \d+ targets in \(target-group /.test(m)), messages.join("\n"));
  });

  it("a revision failing its health check never takes traffic; the circuit breaker rolls back with no request failed", async () => {
    const current = (await service()).taskDefinition!;
    load = steadyLoad(url, { rate: RATE, connections: 8 });
    const bad = await register(3, 500);
    await c.ecs.send(new UpdateServiceCommand({ cluster: "default", service: "web", taskDefinition: bad }));
    const report = await load.until(
      async () => {
        const s = await service();
        // The rollback may be over before the first look: its event says it happened.
        const rolledBack = s.events!.some((e) => /\(service web\) rolling back to deployment ecs-svc\//.test(e.message!));
        const back = s.deployments!.length === 1 && s.deployments![0]!.taskDefinition === current && s.deployments![0]!.rolloutState === "COMPLETED";
        return rolledBack && back && (await settledOn(current, 4));
      },
      MIN_REQUESTS,
      180_000,
    ).catch(async (err: Error) => assert.fail(`${err.message}\n${await diagnosis()}`));
    assertNothingFailed(report);
    assert.deepEqual(report.answers.filter((a) => a.body === revisions.get(bad)).length, 0, "no request reached the failing revision");
    const messages = (await service()).events!.map((e) => e.message!);
    assert.ok(messages.some((m) => m.includes(`is unhealthy in (target-group ${tgArn})`)), messages.join("\n"));
    assert.ok(messages.some((m) => /\(deployment ecs-svc\/\d+\) deployment failed: tasks failed to start\./.test(m)), messages.join("\n"));
  });

  it("scales in from 4 to 2 with no request failed", async () => {
    const current = (await service()).taskDefinition!;
    load = steadyLoad(url, { rate: RATE, connections: 8 });
    await c.ecs.send(new UpdateServiceCommand({ cluster: "default", service: "web", desiredCount: 2 }));
    const report = await load.until(() => settledOn(current, 2), MIN_REQUESTS, 240_000);
    assertNothingFailed(report);
  });

  it("a task stopped by hand drains first: its requests go to the others, none fails", async () => {
    const current = (await service()).taskDefinition!;
    const arns = (await c.ecs.send(new ListTasksCommand({ cluster: "default", serviceName: "web", desiredStatus: "RUNNING" }))).taskArns!;
    load = steadyLoad(url, { rate: RATE, connections: 8 });
    await new Promise((r) => setTimeout(r, 1_000));
    await c.ecs.send(new StopTaskCommand({ cluster: "default", task: arns[0]!, reason: "stopped by hand" }));
    const report = await load.until(
      async () => {
        const stopped = (await c.ecs.send(new DescribeTasksCommand({ cluster: "default", tasks: [arns[0]!] }))).tasks![0]!;
        return stopped.lastStatus === "STOPPED" && (await settledOn(current, 2));
      },
      MIN_REQUESTS,
      240_000,
    );
    assertNothingFailed(report);
  });
  it("a task killed with SIGKILL costs no request: what it refuses goes to the others", async () => {
    const current = (await service()).taskDefinition!;
    const arns = (await c.ecs.send(new ListTasksCommand({ cluster: "default", serviceName: "web", desiredStatus: "RUNNING" }))).taskArns!;
    const victim = arns[0]!;
    load = steadyLoad(url, { rate: RATE, connections: 8 });
    await new Promise((r) => setTimeout(r, 1_000));
    // Every process of the task: they all live in its network namespace.
    const pids = execFileSync("ip", ["netns", "pids", namespaceName(victim.split("/").pop()!)], { encoding: "utf8" }).split(/\s+/).filter(Boolean);
    assert.ok(pids.length > 0, "the task's processes");
    for (const pid of pids) process.kill(Number(pid), "SIGKILL");
    const report = await load.until(
      async () => {
        const killed = (await c.ecs.send(new DescribeTasksCommand({ cluster: "default", tasks: [victim] }))).tasks![0]!;
        return killed.lastStatus === "STOPPED" && (await settledOn(current, 2));
      },
      MIN_REQUESTS,
      240_000,
    );
    assertNothingFailed(report);
  });
});

// The ELBv2 API and the load balancer controller together, through the SDK for JavaScript v3
// as a user's code would: a load balancer, an instance target group and a listener made by
// API calls; the target checked healthy; the load balancer's DNSName resolved by berth's DNS
// and a request sent through it; a deregistration drained; the load balancer deleted.
import assert from "node:assert/strict";
import { Resolver } from "node:dns/promises";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import { EC2Client, DescribeSubnetsCommand, DescribeVpcsCommand } from "@aws-sdk/client-ec2";
import { CreateClusterCommand, RegisterContainerInstanceCommand } from "@aws-sdk/client-ecs";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DeleteListenerCommand,
  DeleteLoadBalancerCommand,
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import pino from "pino";
import { startControlPlane, type ControlPlane } from "../../src/api/control-plane.js";
import { freePort } from "../helpers/ports.js";
import { ecsClient } from "../helpers/server.js";
import { startBackend, type Backend } from "./harness.js";

const credentials = { accessKeyId: "AKIDTEST", secretAccessKey: "secret" };

async function until<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false): Promise<T> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting until ${what}`);
}

function get(host: string, port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: "/", agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject).end();
  });
}

describe("ELBv2 API with the data plane", () => {
  let cp: ControlPlane;
  let backend: Backend;
  let elb: ElasticLoadBalancingV2Client;

  before(async () => {
    cp = await startControlPlane({ dataDir: ":memory:", port: 0, logger: pino({ level: "silent" }), scheduler: false, dns: { host: "127.0.0.1", port: 0 } });
    backend = await startBackend("web");
    elb = new ElasticLoadBalancingV2Client({ endpoint: cp.url, region: "us-east-1", credentials, maxAttempts: 1 });
  });

  after(async () => {
    elb?.destroy();
    await cp?.close();
    await backend?.kill();
  });

  it("serves a listener made by API calls, reports its target healthy, drains it, and closes with the load balancer", async () => {
    const ec2 = new EC2Client({ endpoint: cp.url, region: "us-east-1", credentials, maxAttempts: 1 });
    const ecs = ecsClient(cp.url);
    let vpcId: string;
    let subnets: string[];
    let instanceId: string;
    try {
      vpcId = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs![0]!.VpcId!;
      subnets = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets!.map((s) => s.SubnetId!);
      await ecs.send(new CreateClusterCommand({ clusterName: "default" }));
      const registered = await ecs.send(new RegisterContainerInstanceCommand({ cluster: "default", instanceIdentityDocument: JSON.stringify({ instanceId: "i-0e2e0e2e0e2e0e2e0" }) }));
      instanceId = registered.containerInstance!.ec2InstanceId!;
    } finally {
      ec2.destroy();
      ecs.destroy();
    }
    const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: "e2e", Subnets: subnets }))).LoadBalancers![0]!;
    const tg = (
      await elb.send(
        new CreateTargetGroupCommand({ Name: "e2e", Protocol: "HTTP", Port: 80, VpcId: vpcId, TargetType: "instance", HealthCheckPath: "/health", HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 2 }),
      )
    ).TargetGroups![0]!;
    await elb.send(new RegisterTargetsCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: instanceId, Port: backend.port }] }));
    const port = await freePort();
    const listener = (
      await elb.send(new CreateListenerCommand({ LoadBalancerArn: lb.LoadBalancerArn, Protocol: "HTTP", Port: port, DefaultActions: [{ Type: "forward", TargetGroupArn: tg.TargetGroupArn }] }))
    ).Listeners![0]!;

    const health = async () => (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn }))).TargetHealthDescriptions ?? [];
    // One passing check from initial is healthy, and the first goes out at once.
    await until("the target healthy in DescribeTargetHealth", async () => (await health())[0]?.TargetHealth?.State === "healthy");

    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`127.0.0.1:${cp.dns!.port}`]);
    const [address] = await resolver.resolve4(lb.DNSName!);
    assert.match(address!, /^127\.100\./);
    assert.deepEqual(await get(address!, port), { status: 200, body: "web" });

    await elb.send(new DeregisterTargetsCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: instanceId, Port: backend.port }] }));
    // Idle, it drains at once (docs/design.md): then DescribeTargetHealth lists nothing.
    await until("the drained target gone from DescribeTargetHealth", async () => (await health()).length === 0);

    await elb.send(new DeleteListenerCommand({ ListenerArn: listener.ListenerArn }));
    await elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lb.LoadBalancerArn }));
    await until("the listener closed", () =>
      get(address!, port).then(
        () => false,
        (err: NodeJS.ErrnoException) => err.code === "ECONNREFUSED",
      ),
    );
  });
});

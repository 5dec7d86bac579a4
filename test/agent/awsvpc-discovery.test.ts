// One awsvpc task reaches another by name, for real (root only): an ECS service with a Cloud
// Map A-record registry is registered with its ENI's address; a second task in the subnet asks
// the resolver its resolv.conf names (the subnet's router, where berth's DNS server answers on
// port 53) and fetches http://api.disc.local:8080/ from the first. Elsewhere it skips, saying why.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CreateServiceCommand, DeleteServiceCommand, DescribeTasksCommand, ListTasksCommand, RunTaskCommand, StopTaskCommand } from "@aws-sdk/client-ecs";
import pino from "pino";
import { startGatewayListeners, type GatewayListeners } from "../../src/api/dns/gateway-listeners.js";
import { ec2 } from "../../src/domain/index.js";
import { taskNetworkingUnavailable } from "../../src/network/index.js";
import { cloudMap } from "../helpers/cloud-map.js";
import { type Cluster, startCluster, until } from "./harness.js";

const skip = await taskNetworkingUnavailable();
if (skip) console.log(`# skipping the awsvpc service discovery test: ${skip}`);

const scope = { accountId: "000000000000", region: "us-east-1" };

describe("awsvpc tasks find each other by name (root)", { skip, timeout: 120_000 }, () => {
  let c: Cluster;
  let dir: string;
  let listeners: GatewayListeners;
  let client: string | undefined;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "berth-awsvpc-sd-"));
    writeFileSync(join(dir, "index.html"), "hello from api\n");
    c = await startCluster();
    await c.startAgent();
    listeners = startGatewayListeners({ cache: c.cp.deps.cache, logger: pino({ level: "silent" }), intervalMs: 300 });
  });
  after(async () => {
    if (c) {
      if (client) await c.ecs.send(new StopTaskCommand({ cluster: "default", task: client })).catch(() => undefined);
      await c.ecs.send(new DeleteServiceCommand({ cluster: "default", service: "api", force: true })).catch(() => undefined);
      // Every task STOPPED, so its namespace is gone, before the agent goes.
      await until(
        "every task stopped",
        async () => {
          const arns = (await c.ecs.send(new ListTasksCommand({ cluster: "default", desiredStatus: "STOPPED" }))).taskArns ?? [];
          const tasks = arns.length ? (await c.ecs.send(new DescribeTasksCommand({ cluster: "default", tasks: arns }))).tasks! : [];
          return tasks.every((t) => t.lastStatus === "STOPPED");
        },
        60_000,
      ).catch(() => undefined);
    }
    await listeners?.close();
    await c?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the client resolves api.disc.local through the subnet's router and reaches the service's task", async () => {
    // A range of this test's own, apart from the other network tests' ranges.
    const { Vpc } = await ec2.createVpc(c.cp.deps, scope, { CidrBlock: "10.221.0.0/16" });
    const { Subnet } = await ec2.createSubnet(c.cp.deps, scope, { VpcId: Vpc.VpcId, CidrBlock: "10.221.0.0/24", AvailabilityZone: "us-east-1a" });
    const network = { awsvpcConfiguration: { subnets: [Subnet.SubnetId] } };
    const call = cloudMap(c.cp.url);
    const { OperationId } = await call("CreatePrivateDnsNamespace", { Name: "disc.local", Vpc: Vpc.VpcId });
    const nsId = (await call("GetOperation", { OperationId })).Operation.Targets.NAMESPACE;
    const api = await call("CreateService", { Name: "api", NamespaceId: nsId, DnsConfig: { DnsRecords: [{ Type: "A", TTL: 1 }] } });

    const server = await c.registerTaskDefinition(
      "api",
      [{ name: "web", image: "busybox", memory: 64, essential: true, portMappings: [{ containerPort: 8080 }], command: ["busybox", "httpd", "-f", "-p", "8080", "-h", dir] }],
      { networkMode: "awsvpc" },
    );
    await c.ecs.send(
      new CreateServiceCommand({ cluster: "default", serviceName: "api", taskDefinition: server, desiredCount: 1, networkConfiguration: network, serviceRegistries: [{ registryArn: api.Service.Arn }] }),
    );
    /** Why the service's tasks stopped, for a failure message. */
    const stoppedReasons = async () => {
      const arns = (await c.ecs.send(new ListTasksCommand({ cluster: "default", desiredStatus: "STOPPED" }))).taskArns ?? [];
      const tasks = arns.length ? (await c.ecs.send(new DescribeTasksCommand({ cluster: "default", tasks: arns }))).tasks! : [];
      return JSON.stringify(tasks.map((t) => [t.stoppedReason, t.containers?.map((x) => x.reason)]));
    };
    const registered = await until(
      "the service's task registered",
      async () => (await call("DiscoverInstances", { NamespaceName: "disc.local", ServiceName: "api" })).Instances[0] as { InstanceId: string; Attributes: Record<string, string> } | undefined,
      60_000,
    ).catch(async (err: Error) => assert.fail(`${err.message}; stopped tasks: ${await stoppedReasons()}`));
    const task = (await c.ecs.send(new DescribeTasksCommand({ cluster: "default", tasks: [registered.InstanceId] }))).tasks![0]!;
    const eniAddress = task.attachments?.[0]?.details?.find((d) => d.name === "privateIPv4Address")?.value;
    assert.ok(eniAddress?.startsWith("10.221.0."), `an ENI address in the subnet, found ${eniAddress}`);
    assert.equal(registered.Attributes.AWS_INSTANCE_IPV4, eniAddress);

    const out = join(dir, "fetched");
    const resolved = join(dir, "resolved");
    const callerTd = await c.registerTaskDefinition(
      "caller",
      [
        {
          name: "caller",
          image: "busybox",
          memory: 64,
          essential: true,
          stopTimeout: 2,
          command: [
            "sh",
            "-c",
            `while :; do getent hosts api.disc.local > ${resolved}.tmp && mv ${resolved}.tmp ${resolved}; busybox wget -q -O ${out}.tmp http://api.disc.local:8080/ && mv ${out}.tmp ${out}; sleep 0.3; done`,
          ],
        },
      ],
      { networkMode: "awsvpc" },
    );
    const ran = await c.ecs.send(new RunTaskCommand({ cluster: "default", taskDefinition: callerTd, networkConfiguration: network }));
    client = ran.tasks?.[0]?.taskArn;
    assert.ok(client, JSON.stringify(ran.failures));
    await until("the caller resolved the name", () => existsSync(resolved), 60_000);
    assert.match(readFileSync(resolved, "utf8"), new RegExp(`^${eniAddress!.replace(/\./g, "\\.")}\\s+api\\.disc\\.local`));
    await until("the caller fetched the page by name", () => existsSync(out), 60_000);
    assert.equal(readFileSync(out, "utf8"), "hello from api\n");
  });
});

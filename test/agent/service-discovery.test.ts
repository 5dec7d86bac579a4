// ECS services with serviceRegistries, for real: a process-runtime task is registered in its
// Cloud Map service once RUNNING (DiscoverInstances and berth's DNS server return it, and it
// answers on the advertised port), a stopped task leaves, its replacement arrives, and a
// deleted service leaves nothing registered. Bad registries get ECS's exceptions.
import assert from "node:assert/strict";
import { Resolver } from "node:dns/promises";
import { after, before, describe, it } from "node:test";
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  StopTaskCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { startDnsServer, type DnsServer } from "../../src/api/dns/dns-server.js";
import { cloudMap, privateService } from "../helpers/cloud-map.js";
import { accepts, freePort } from "../helpers/ports.js";
import { errorOf } from "../helpers/server.js";
import { type Cluster, startCluster, until } from "./harness.js";

describe("ECS serviceRegistries: tasks in Cloud Map and DNS", { timeout: 120_000 }, () => {
  let c: Cluster;
  let dns: DnsServer;
  let call: ReturnType<typeof cloudMap>;
  let resolver: Resolver;
  let registry: { serviceArn: string; serviceId: string };
  let aRegistry: { serviceArn: string };
  let td: string;
  let port: number;
  const discover = async () =>
    (await call("DiscoverInstances", { NamespaceName: "ecs.local", ServiceName: "_web._tcp" })).Instances as { InstanceId: string; Attributes: Record<string, string> }[];

  before(async () => {
    c = await startCluster();
    await c.startAgent();
    dns = await startDnsServer({ host: "127.0.0.1", port: 0, cache: c.cp.deps.cache, logger: pino({ level: "silent" }) });
    resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`127.0.0.1:${dns.port}`]);
    call = cloudMap(c.cp.url);
    registry = await privateService(call, "ecs.local", "_web._tcp", [{ Type: "SRV", TTL: 5 }]);
    const created = await call("CreateService", { Name: "plain", NamespaceId: (await call("ListNamespaces")).Namespaces[0].Id, DnsConfig: { DnsRecords: [{ Type: "A", TTL: 5 }] } });
    aRegistry = { serviceArn: created.Service.Arn };
    port = await freePort();
    td = await c.registerTaskDefinition("web", [
      {
        name: "web",
        image: "busybox",
        memory: 64,
        essential: true,
        stopTimeout: 5,
        portMappings: [{ containerPort: port }],
        command: [process.execPath, "-e", `const s = require("net").createServer().listen(${port}, "0.0.0.0"); process.on("SIGTERM", () => { s.close(); process.exit(0); });`],
      },
    ]);
  });
  after(async () => {
    resolver?.cancel();
    await dns?.close();
    await c?.close();
  });

  it("refuses registries ECS refuses, naming the field", async () => {
    const create = (serviceRegistries: object[]) =>
      errorOf(() => c.ecs.send(new CreateServiceCommand({ cluster: "default", serviceName: "bad", taskDefinition: td, desiredCount: 1, serviceRegistries })));
    const bridge = await create([{ registryArn: registry.serviceArn }]);
    assert.equal(bridge.name, "InvalidParameterException");
    assert.match(bridge.message, /When specifying 'host' or 'bridge' for networkMode, values for 'containerName' and 'containerPort' must be specified/);
    const missing = await create([{ registryArn: registry.serviceArn.replace(/srv-\w+/, "srv-aaaaaaaaaaaaaaaa"), containerName: "web", containerPort: port }]);
    assert.match(missing.message, /serviceRegistries\[0\]\.registryArn.*does not exist/);
    const notArn = await create([{ registryArn: "srv-x", containerName: "web", containerPort: port }]);
    assert.match(notArn.message, /not the ARN of a Cloud Map service/);
    const twice = await create([{ registryArn: registry.serviceArn }, { registryArn: registry.serviceArn }]);
    assert.match(twice.message, /at most one service registry/);
    const wrongPort = await create([{ registryArn: registry.serviceArn, containerName: "web", containerPort: 1 }]);
    assert.match(wrongPort.message, /serviceRegistries\[0\]\.containerPort/);
    const aOnly = await create([{ registryArn: aRegistry.serviceArn, containerName: "web", containerPort: port }]);
    assert.match(aOnly.message, /needs an SRV record/);
  });

  it("registers the RUNNING task, answers DNS with it, replaces a stopped one and empties on delete", async () => {
    await c.ecs.send(
      new CreateServiceCommand({
        cluster: "default",
        serviceName: "web",
        taskDefinition: td,
        desiredCount: 1,
        serviceRegistries: [{ registryArn: registry.serviceArn, containerName: "web", containerPort: port }],
      }),
    );
    try {
      const first = await until("the task registered", async () => ((await discover()).length === 1 ? (await discover())[0] : undefined), 30_000);
      const tasks = (await c.ecs.send(new ListTasksCommand({ cluster: "default", serviceName: "web" }))).taskArns!;
      assert.equal(first.InstanceId, tasks[0]!.split("/").pop(), "the instance id is the task id");
      // The host port bound to the container port (a dynamic one where the agent translates ports).
      const hostPort = (await c.describe(tasks[0]!)).containers![0]!.networkBindings!.find((b) => b.containerPort === port)!.hostPort!;
      assert.deepEqual(first.Attributes, {
        AWS_INSTANCE_IPV4: "127.0.0.1",
        AWS_INSTANCE_PORT: String(hostPort),
        ...(first.Attributes.AVAILABILITY_ZONE ? { AVAILABILITY_ZONE: first.Attributes.AVAILABILITY_ZONE } : {}),
        REGION: "us-east-1",
        ECS_CLUSTER_NAME: "default",
        ECS_SERVICE_NAME: "web",
        ECS_TASK_DEFINITION_FAMILY: "web",
      });

      const srv = await resolver.resolveSrv("_web._tcp.ecs.local");
      assert.deepEqual(srv, [{ name: `${first.InstanceId}._web._tcp.ecs.local`, port: hostPort, priority: 1, weight: 1 }]);
      assert.deepEqual(await resolver.resolve4(srv[0]!.name), ["127.0.0.1"]);
      await until("the task answering where DNS points", () => accepts(srv[0]!.port));

      await c.ecs.send(new StopTaskCommand({ cluster: "default", task: first.InstanceId }));
      const second = await until(
        "the stopped task gone and its replacement registered",
        async () => {
          const now = await discover();
          return now.length === 1 && now[0]!.InstanceId !== first.InstanceId ? now[0] : undefined;
        },
        60_000,
      );
      assert.deepEqual((await resolver.resolveSrv("_web._tcp.ecs.local")).map((r) => r.name), [`${second.InstanceId}._web._tcp.ecs.local`]);
      await assert.rejects(resolver.resolve4(`${first.InstanceId}._web._tcp.ecs.local`), { code: "ENOTFOUND" });
    } finally {
      await c.ecs.send(new DeleteServiceCommand({ cluster: "default", service: "web", force: true }));
    }
    await until("every instance deregistered", async () => ((await discover()).length === 0 ? true : undefined), 60_000);
    await assert.rejects(resolver.resolveSrv("_web._tcp.ecs.local"), { code: "ENOTFOUND" });
    await until(
      "the service's tasks stopped",
      async () => ((await c.ecs.send(new ListTasksCommand({ cluster: "default", serviceName: "web" }))).taskArns!.length === 0 ? true : undefined),
      60_000,
    );
  });

  it("UpdateService adds a registry after checking it, and that starts a deployment", async () => {
    await c.ecs.send(new CreateServiceCommand({ cluster: "default", serviceName: "later", taskDefinition: td, desiredCount: 0 }));
    try {
      const bad = await errorOf(() => c.ecs.send(new UpdateServiceCommand({ cluster: "default", service: "later", serviceRegistries: [{ registryArn: registry.serviceArn }] })));
      assert.equal(bad.name, "InvalidParameterException");
      const wanted = [{ registryArn: registry.serviceArn, containerName: "web", containerPort: port }];
      await c.ecs.send(new UpdateServiceCommand({ cluster: "default", service: "later", serviceRegistries: wanted }));
      const svc = (await c.ecs.send(new DescribeServicesCommand({ cluster: "default", services: ["later"] }))).services![0]!;
      assert.deepEqual(svc.serviceRegistries, wanted);
      assert.equal(svc.deployments!.length, 2, "a new PRIMARY deployment beside the old one");
    } finally {
      await c.ecs.send(new DeleteServiceCommand({ cluster: "default", service: "later", force: true }));
    }
  });

  it("a task with a health check is registered only once it is HEALTHY", async () => {
    const dir = mkdtempSync(join(tmpdir(), "berth-sd-health-"));
    const ready = join(dir, "ready");
    const checked = await call("CreateService", { Name: "_chk._tcp", NamespaceId: (await call("ListNamespaces")).Namespaces[0].Id, DnsConfig: { DnsRecords: [{ Type: "SRV", TTL: 5 }] } });
    const chkPort = await freePort();
    const chkTd = await c.registerTaskDefinition("checked", [
      {
        name: "web",
        image: "busybox",
        memory: 64,
        essential: true,
        stopTimeout: 5,
        portMappings: [{ containerPort: chkPort }],
        command: [process.execPath, "-e", `const s = require("net").createServer().listen(${chkPort}, "0.0.0.0"); process.on("SIGTERM", () => { s.close(); process.exit(0); });`],
        // Healthy once the test creates the file.
        healthCheck: { command: ["CMD-SHELL", `test -f ${ready}`], interval: 5, timeout: 2, retries: 1 },
      },
    ]);
    const found = async () => (await call("DiscoverInstances", { NamespaceName: "ecs.local", ServiceName: "_chk._tcp", HealthStatus: "ALL" })).Instances as { InstanceId: string }[];
    await c.ecs.send(
      new CreateServiceCommand({
        cluster: "default",
        serviceName: "checked",
        taskDefinition: chkTd,
        desiredCount: 1,
        serviceRegistries: [{ registryArn: checked.Service.Arn, containerName: "web", containerPort: chkPort }],
      }),
    );
    try {
      const arn = await until("the task", async () => (await c.ecs.send(new ListTasksCommand({ cluster: "default", serviceName: "checked" }))).taskArns?.[0], 30_000);
      const running = await c.waitTask(arn, "RUNNING", (t) => t.lastStatus === "RUNNING", 30_000);
      // RUNNING, and not HEALTHY: the file does not exist yet, so it cannot have become HEALTHY.
      assert.notEqual(running.healthStatus, "HEALTHY");
      assert.deepEqual(await found(), []);
      writeFileSync(ready, "");
      const registered = await until("the task registered once HEALTHY", async () => ((await found()).length === 1 ? await found() : undefined), 60_000);
      assert.equal(registered[0]!.InstanceId, arn.split("/").pop());
      const task = (await c.ecs.send(new DescribeTasksCommand({ cluster: "default", tasks: [arn] }))).tasks![0]!;
      assert.equal(task.healthStatus, "HEALTHY");
    } finally {
      await c.ecs.send(new DeleteServiceCommand({ cluster: "default", service: "checked", force: true }));
      await until("the checked task stopped", async () => ((await c.ecs.send(new ListTasksCommand({ cluster: "default", serviceName: "checked" }))).taskArns!.length === 0 ? true : undefined), 60_000);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Task sets with load balancers, for real: each set's tasks register in the set's own target
// group (blue in one, green in another), count as healthy only once their targets are, and a
// deleted set's targets are drained before its tasks stop. A real control plane and a process
// agent; the test plays the data plane (target health records), as target-registration.test.ts
// does for services.
import {
  CreateServiceCommand,
  CreateTaskSetCommand,
  DeleteServiceCommand,
  DeleteTaskSetCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskSetsCommand,
} from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { cloudMap, privateService } from "../helpers/cloud-map.js";
import { dropHealth, seedTargetGroup, setHealth, targetsOf } from "../helpers/elb-records.js";
import { freePort } from "../helpers/ports.js";
import { type Cluster, startCluster, until } from "../agent/harness.js";

describe("task sets register in their own target groups and Cloud Map services", { timeout: 180_000 }, () => {
  let c: Cluster;
  let blueGroup: string;
  let greenGroup: string;
  let port: number;
  let greenPort: number;
  let instanceId: string;
  const taskSet = async (id: string) => (await c.ecs.send(new DescribeTaskSetsCommand({ cluster: "default", service: "shop", taskSets: [id] }))).taskSets?.[0];

  before(async () => {
    c = await startCluster({ loadBalancers: false });
    // The process runtime binds container ports on the host here (no bridge namespaces).
    await c.startAgent({ bridgeNamespaces: false });
    const { containerInstances } = await c.ecs.send(new DescribeContainerInstancesCommand({ cluster: "default", containerInstances: [c.agents[0]!.containerInstanceArn] }));
    instanceId = containerInstances![0]!.ec2InstanceId!;
    blueGroup = (await seedTargetGroup(c.cp.deps, { name: "blue", targetType: "instance", delaySeconds: 600 })).targetGroupArn;
    greenGroup = (await seedTargetGroup(c.cp.deps, { name: "green", targetType: "instance", delaySeconds: 600 })).targetGroupArn;
    port = await freePort();
    greenPort = await freePort();
    // Two revisions on two ports: both sets' tasks share the one instance.
    for (const p of [port, greenPort]) {
      await c.registerTaskDefinition("web", [
        { name: "app", image: "busybox", memory: 64, essential: true, stopTimeout: 2, portMappings: [{ containerPort: p }], command: [process.execPath, "-e", "setInterval(() => {}, 1000)"] },
      ]);
    }
  });
  after(async () => {
    for (const service of ["shop", "named"]) await c?.ecs.send(new DeleteServiceCommand({ cluster: "default", service, force: true })).catch(() => undefined);
    for (const tg of [blueGroup, greenGroup]) for (const t of targetsOf(c.cp.deps, tg)) await dropHealth(c.cp.deps, tg, t).catch(() => undefined);
    await c?.close();
  });

  it("blue's task in blue's group, green's in green's; healthy targets make a set steady; a deleted set drains", async () => {
    await c.ecs.send(new CreateServiceCommand({ cluster: "default", serviceName: "shop", desiredCount: 1, deploymentController: { type: "EXTERNAL" } }));
    const create = (targetGroupArn: string, revision: number, containerPort: number) =>
      c.ecs.send(
        new CreateTaskSetCommand({
          cluster: "default",
          service: "shop",
          taskDefinition: `web:${revision}`,
          scale: { value: 100, unit: "PERCENT" },
          loadBalancers: [{ targetGroupArn, containerName: "app", containerPort }],
        }),
      );
    const blue = (await create(blueGroup, 1, port)).taskSet!;
    const blueTarget = await until("blue's task registered in blue's group", () => targetsOf(c.cp.deps, blueGroup)[0], 60_000);
    assert.equal(blueTarget.Id, instanceId);
    assert.equal(targetsOf(c.cp.deps, greenGroup).length, 0);
    const blueTask = await c.describe(blueTarget.ecs!.taskArn);
    assert.equal(blueTask.startedBy, blue.id);
    // Not healthy in its group yet: the set is still stabilizing.
    assert.equal((await taskSet(blue.id!))!.stabilityStatus, "STABILIZING");
    await setHealth(c.cp.deps, blueGroup, blueTarget, "healthy");
    await until("blue is steady once its target is healthy", async () => (await taskSet(blue.id!))?.stabilityStatus === "STEADY_STATE", 30_000);

    const green = (await create(greenGroup, 2, greenPort)).taskSet!;
    const greenTarget = await until("green's task registered in green's group", () => targetsOf(c.cp.deps, greenGroup)[0], 60_000);
    assert.equal((await c.describe(greenTarget.ecs!.taskArn)).startedBy, green.id);
    assert.equal(targetsOf(c.cp.deps, blueGroup).length, 1, "blue's group still holds blue's task alone");

    // Deleting blue drains its target first (DEACTIVATING, the stop held), then stops the task.
    await c.ecs.send(new DeleteTaskSetCommand({ cluster: "default", service: "shop", taskSet: blue.id!, force: true }));
    await c.waitTask(blueTask.taskArn!, "blue's task draining", (t) => t.lastStatus === "DEACTIVATING", 30_000);
    await until("blue's target deregistered", () => targetsOf(c.cp.deps, blueGroup).length === 0, 30_000);
    await dropHealth(c.cp.deps, blueGroup, blueTarget);
    await c.waitTask(blueTask.taskArn!, "blue's task stopped", (t) => t.lastStatus === "STOPPED", 30_000);
    await until("blue is forgotten", async () => (await taskSet(blue.id!)) === undefined, 30_000);
    assert.equal(targetsOf(c.cp.deps, greenGroup).length, 1, "green is untouched");
    const { services } = await c.ecs.send(new DescribeServicesCommand({ cluster: "default", services: ["shop"] }));
    const messages = (services![0]!.events ?? []).map((e) => e.message!);
    assert.ok(messages.includes(`(service shop, taskSet ${blue.id}) registered 1 targets in (target-group ${blueGroup})`), messages.join("\n"));
    assert.ok(messages.includes(`(service shop, taskSet ${green.id}) registered 1 targets in (target-group ${greenGroup})`), messages.join("\n"));
    assert.ok(messages.includes(`(service shop, taskSet ${blue.id}) has begun draining connections on 1 tasks.`), messages.join("\n"));
  });

  it("a set's tasks register in its Cloud Map service with its externalId as ECS_TASK_SET_EXTERNAL_ID", async () => {
    const call = cloudMap(c.cp.url);
    const registry = await privateService(call, "shop.local", "_api._tcp", [{ Type: "SRV", TTL: 5 }]);
    await c.ecs.send(new CreateServiceCommand({ cluster: "default", serviceName: "named", desiredCount: 1, deploymentController: { type: "EXTERNAL" } }));
    const { taskSet } = await c.ecs.send(
      new CreateTaskSetCommand({
        cluster: "default",
        service: "named",
        taskDefinition: "web:1",
        externalId: "deploy-42",
        scale: { value: 100, unit: "PERCENT" },
        serviceRegistries: [{ registryArn: registry.serviceArn, containerName: "app", containerPort: port }],
      }),
    );
    assert.equal(taskSet!.serviceRegistries![0]!.registryArn, registry.serviceArn);
    const instance = await until(
      "the set's task registered in Cloud Map",
      async () => ((await call("ListInstances", { ServiceId: registry.serviceId })).Instances as { Id: string; Attributes: Record<string, string> }[])[0],
      60_000,
    );
    assert.equal(instance.Attributes.ECS_TASK_SET_EXTERNAL_ID, "deploy-42");
    assert.equal(instance.Attributes.ECS_SERVICE_NAME, "named");
    assert.equal((await c.describe(`arn:aws:ecs:us-east-1:000000000000:task/default/${instance.Id}`)).startedBy, taskSet!.id);
    await c.ecs.send(new DeleteTaskSetCommand({ cluster: "default", service: "named", taskSet: taskSet!.id!, force: true }));
    await until("deregistered once its set is deleted", async () => ((await call("ListInstances", { ServiceId: registry.serviceId })).Instances as unknown[]).length === 0, 30_000);
  });
});

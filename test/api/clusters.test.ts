import {
  CreateClusterCommand,
  DeleteClusterCommand,
  DescribeClustersCommand,
  ListClustersCommand,
  PutClusterCapacityProvidersCommand,
  RegisterContainerInstanceCommand,
  UpdateClusterCommand,
  UpdateClusterSettingsCommand,
  ClusterNotFoundException,
} from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { errorOf, startTestServer, type TestServer } from "../helpers/server.js";

describe("clusters through the AWS SDK", () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  it("creates a cluster with ECS's ARN, counters and settings", async () => {
    const { cluster } = await s.ecs.send(new CreateClusterCommand({ clusterName: "alpha", tags: [{ key: "team", value: "a" }] }));
    assert.equal(cluster?.clusterArn, "arn:aws:ecs:us-east-1:000000000000:cluster/alpha");
    assert.equal(cluster?.status, "ACTIVE");
    assert.equal(cluster?.registeredContainerInstancesCount, 0);
    assert.equal(cluster?.runningTasksCount, 0);
    assert.equal(cluster?.activeServicesCount, 0);
    assert.deepEqual(cluster?.settings, [{ name: "containerInsights", value: "disabled" }]);
    assert.deepEqual(cluster?.tags, [{ key: "team", value: "a" }]);
  });

  it("names an omitted cluster 'default' and returns an existing ACTIVE cluster unchanged", async () => {
    const first = await s.ecs.send(new CreateClusterCommand({}));
    assert.equal(first.cluster?.clusterName, "default");
    const again = await s.ecs.send(new CreateClusterCommand({ clusterName: "default", tags: [{ key: "x", value: "y" }] }));
    assert.equal(again.cluster?.clusterArn, first.cluster?.clusterArn);
    assert.deepEqual(again.cluster?.tags, []);
  });

  it("describes with includes, by name and by ARN, and reports missing ones as failures", async () => {
    const res = await s.ecs.send(
      new DescribeClustersCommand({
        clusters: ["alpha", "arn:aws:ecs:us-east-1:000000000000:cluster/default", "nope"],
        include: ["STATISTICS", "TAGS", "SETTINGS"],
      }),
    );
    assert.deepEqual(res.clusters?.map((c) => c.clusterName), ["alpha", "default"]);
    const stats = Object.fromEntries(res.clusters![0]!.statistics!.map((x) => [x.name, x.value]));
    assert.equal(stats.runningEC2TasksCount, "0");
    assert.equal(stats.RunningFargateTasksCount, "0");
    assert.deepEqual(res.failures, [{ arn: "arn:aws:ecs:us-east-1:000000000000:cluster/nope", reason: "MISSING" }]);
    const plain = await s.ecs.send(new DescribeClustersCommand({ clusters: ["alpha"] }));
    assert.equal(plain.clusters?.[0]?.tags, undefined);
    assert.equal(plain.clusters?.[0]?.statistics, undefined);
  });

  it("lists clusters across pages", async () => {
    for (let i = 0; i < 5; i++) await s.ecs.send(new CreateClusterCommand({ clusterName: `page-${i}` }));
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await s.ecs.send(new ListClustersCommand({ maxResults: 2, nextToken }));
      assert.ok(page.clusterArns!.length <= 2);
      seen.push(...page.clusterArns!);
      nextToken = page.nextToken;
    } while (nextToken);
    assert.equal(new Set(seen).size, seen.length);
    for (let i = 0; i < 5; i++) assert.ok(seen.includes(`arn:aws:ecs:us-east-1:000000000000:cluster/page-${i}`));
  });

  it("updates settings and configuration", async () => {
    const res = await s.ecs.send(new UpdateClusterSettingsCommand({ cluster: "alpha", settings: [{ name: "containerInsights", value: "enabled" }] }));
    assert.deepEqual(res.cluster?.settings, [{ name: "containerInsights", value: "enabled" }]);
    const upd = await s.ecs.send(
      new UpdateClusterCommand({ cluster: "alpha", configuration: { executeCommandConfiguration: { logging: "DEFAULT" } } }),
    );
    assert.equal(upd.cluster?.configuration?.executeCommandConfiguration?.logging, "DEFAULT");
    const bad = await errorOf(() =>
      s.ecs.send(new UpdateClusterSettingsCommand({ cluster: "alpha", settings: [{ name: "containerInsights", value: "maybe" }] })),
    );
    assert.equal(bad.name, "InvalidParameterException");
    assert.match(bad.message, /settings\[0\]\.value/);
  });

  it("associates capacity providers and a default strategy", async () => {
    const res = await s.ecs.send(
      new PutClusterCapacityProvidersCommand({
        cluster: "alpha",
        capacityProviders: ["FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1, base: 1 }, { capacityProvider: "FARGATE_SPOT", weight: 4 }],
      }),
    );
    assert.deepEqual(res.cluster?.capacityProviders, ["FARGATE", "FARGATE_SPOT"]);
    assert.deepEqual(res.cluster?.defaultCapacityProviderStrategy, [
      { capacityProvider: "FARGATE", weight: 1, base: 1 },
      { capacityProvider: "FARGATE_SPOT", weight: 4, base: 0 },
    ]);
    const bad = await errorOf(() =>
      s.ecs.send(
        new PutClusterCapacityProvidersCommand({
          cluster: "alpha",
          capacityProviders: ["FARGATE"],
          defaultCapacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }],
        }),
      ),
    );
    assert.equal(bad.name, "InvalidParameterException");
  });

  it("refuses to delete a cluster with registered instances, then deletes it to INACTIVE", async () => {
    await s.ecs.send(new CreateClusterCommand({ clusterName: "doomed" }));
    await s.ecs.send(
      new RegisterContainerInstanceCommand({ cluster: "doomed", totalResources: [{ name: "CPU", type: "INTEGER", integerValue: 1024 }] }),
    );
    const err = await errorOf(() => s.ecs.send(new DeleteClusterCommand({ cluster: "doomed" })));
    assert.equal(err.name, "ClusterContainsContainerInstancesException");
    assert.equal(err.message, "The Cluster cannot be deleted while Container Instances are active or draining.");

    await s.ecs.send(new CreateClusterCommand({ clusterName: "empty" }));
    const del = await s.ecs.send(new DeleteClusterCommand({ cluster: "empty" }));
    assert.equal(del.cluster?.status, "INACTIVE");
    const desc = await s.ecs.send(new DescribeClustersCommand({ clusters: ["empty"] }));
    assert.equal(desc.clusters?.[0]?.status, "INACTIVE");
    const list = await s.ecs.send(new ListClustersCommand({}));
    assert.ok(!list.clusterArns?.some((a) => a.endsWith("/empty")));
  });

  it("raises ClusterNotFoundException for operations on unknown clusters", async () => {
    const err = await errorOf(() => s.ecs.send(new DeleteClusterCommand({ cluster: "ghost" })));
    assert.ok(err instanceof ClusterNotFoundException);
    assert.equal(err.message, "Cluster not found.");
  });

  it("keeps regions apart: a cluster in one region is missing in another", async () => {
    const west = s.client("us-west-2");
    await west.send(new CreateClusterCommand({ clusterName: "westy" }));
    const here = await s.ecs.send(new DescribeClustersCommand({ clusters: ["westy"] }));
    assert.equal(here.clusters?.length, 0);
    const there = await west.send(new DescribeClustersCommand({ clusters: ["westy"] }));
    assert.equal(there.clusters?.[0]?.clusterArn, "arn:aws:ecs:us-west-2:000000000000:cluster/westy");
  });

  it("rejects a bad cluster name naming the field", async () => {
    const err = await errorOf(() => s.ecs.send(new CreateClusterCommand({ clusterName: "bad name!" })));
    assert.equal(err.name, "InvalidParameterException");
    assert.match(err.message, /clusterName/);
  });
});

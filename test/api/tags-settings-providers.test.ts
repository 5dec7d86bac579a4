import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  DeleteAccountSettingCommand,
  DeleteCapacityProviderCommand,
  DescribeCapacityProvidersCommand,
  ListAccountSettingsCommand,
  ListTagsForResourceCommand,
  PutAccountSettingCommand,
  PutAccountSettingDefaultCommand,
  PutClusterCapacityProvidersCommand,
  RegisterTaskDefinitionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateCapacityProviderCommand,
} from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { errorOf, startTestServer, type TestServer } from "../helpers/server.js";

describe("tags, account settings and capacity providers through the AWS SDK", () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  it("tags and untags clusters and task definitions", async () => {
    const { cluster } = await s.ecs.send(new CreateClusterCommand({ clusterName: "tagged", tags: [{ key: "a", value: "1" }] }));
    const arn = cluster!.clusterArn!;
    await s.ecs.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: "b", value: "2" }, { key: "a", value: "9" }] }));
    let tags = await s.ecs.send(new ListTagsForResourceCommand({ resourceArn: arn }));
    assert.deepEqual(tags.tags, [{ key: "a", value: "9" }, { key: "b", value: "2" }]);
    await s.ecs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ["a"] }));
    tags = await s.ecs.send(new ListTagsForResourceCommand({ resourceArn: arn }));
    assert.deepEqual(tags.tags, [{ key: "b", value: "2" }]);

    const td = await s.ecs.send(
      new RegisterTaskDefinitionCommand({ family: "t", containerDefinitions: [{ name: "c", image: "i", memory: 64 }] }),
    );
    await s.ecs.send(new TagResourceCommand({ resourceArn: td.taskDefinition!.taskDefinitionArn!, tags: [{ key: "k", value: "v" }] }));
    const tdTags = await s.ecs.send(new ListTagsForResourceCommand({ resourceArn: td.taskDefinition!.taskDefinitionArn! }));
    assert.deepEqual(tdTags.tags, [{ key: "k", value: "v" }]);

    const reserved = await errorOf(() => s.ecs.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: "aws:x", value: "1" }] })));
    assert.equal(reserved.name, "InvalidParameterException");
    const tooMany = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: "v" }));
    const limit = await errorOf(() => s.ecs.send(new TagResourceCommand({ resourceArn: arn, tags: tooMany })));
    assert.equal(limit.name, "InvalidParameterException");
    const missing = await errorOf(() =>
      s.ecs.send(new ListTagsForResourceCommand({ resourceArn: "arn:aws:ecs:us-east-1:000000000000:cluster/ghost" })),
    );
    // ListTagsForResource defines no ResourceNotFoundException: an unknown cluster is ClusterNotFoundException.
    assert.equal(missing.name, "ClusterNotFoundException");
  });

  it("puts, lists effective, and deletes account settings", async () => {
    const put = await s.ecs.send(new PutAccountSettingCommand({ name: "containerInsights", value: "enabled" }));
    assert.deepEqual(put.setting, { name: "containerInsights", value: "enabled", principalArn: "arn:aws:iam::000000000000:root", type: "user" });
    const own = await s.ecs.send(new ListAccountSettingsCommand({ name: "containerInsights" }));
    assert.equal(own.settings?.[0]?.value, "enabled");
    // New clusters follow the account's containerInsights setting.
    const { cluster } = await s.ecs.send(new CreateClusterCommand({ clusterName: "insightful" }));
    assert.deepEqual(cluster?.settings, [{ name: "containerInsights", value: "enabled" }]);

    await s.ecs.send(new PutAccountSettingDefaultCommand({ name: "awsvpcTrunking", value: "enabled" }));
    const effective: { name?: string; value?: string }[] = [];
    let nextToken: string | undefined;
    do {
      const page = await s.ecs.send(new ListAccountSettingsCommand({ effectiveSettings: true, nextToken }));
      assert.ok(page.settings!.length <= 10);
      effective.push(...page.settings!);
      nextToken = page.nextToken;
    } while (nextToken);
    const byName = Object.fromEntries(effective.map((x) => [x.name, x.value]));
    assert.equal(byName.awsvpcTrunking, "enabled");
    assert.equal(byName.taskLongArnFormat, "enabled");
    assert.equal(byName.containerInsights, "enabled");

    await s.ecs.send(new DeleteAccountSettingCommand({ name: "containerInsights" }));
    const after = await s.ecs.send(new ListAccountSettingsCommand({ name: "containerInsights", effectiveSettings: true }));
    assert.equal(after.settings?.[0]?.value, "disabled");

    const fixed = await errorOf(() => s.ecs.send(new PutAccountSettingCommand({ name: "taskLongArnFormat", value: "disabled" })));
    assert.equal(fixed.name, "InvalidParameterException");
    const unknownValue = await errorOf(() => s.ecs.send(new PutAccountSettingCommand({ name: "awsvpcTrunking", value: "sometimes" })));
    assert.equal(unknownValue.name, "InvalidParameterException");
  });

  it("has FARGATE and FARGATE_SPOT by default and manages created providers", async () => {
    const builtIns = await s.ecs.send(new DescribeCapacityProvidersCommand({}));
    assert.deepEqual(builtIns.capacityProviders?.map((c) => c.name), ["FARGATE", "FARGATE_SPOT"]);

    const asgArn = "arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:uuid:autoScalingGroupName/asg-1";
    const created = await s.ecs.send(
      new CreateCapacityProviderCommand({ name: "ec2-pool", autoScalingGroupProvider: { autoScalingGroupArn: asgArn } }),
    );
    assert.equal(created.capacityProvider?.capacityProviderArn, "arn:aws:ecs:us-east-1:000000000000:capacity-provider/ec2-pool");
    assert.equal(created.capacityProvider?.autoScalingGroupProvider?.managedScaling?.targetCapacity, 100);
    const dup = await errorOf(() =>
      s.ecs.send(new CreateCapacityProviderCommand({ name: "ec2-pool", autoScalingGroupProvider: { autoScalingGroupArn: asgArn } })),
    );
    assert.equal(dup.name, "ClientException");
    const reserved = await errorOf(() =>
      s.ecs.send(new CreateCapacityProviderCommand({ name: "fargate-x", autoScalingGroupProvider: { autoScalingGroupArn: asgArn } })),
    );
    assert.equal(reserved.name, "InvalidParameterException");

    const updated = await s.ecs.send(
      new UpdateCapacityProviderCommand({ name: "ec2-pool", autoScalingGroupProvider: { managedScaling: { targetCapacity: 80 } } }),
    );
    assert.equal(updated.capacityProvider?.autoScalingGroupProvider?.managedScaling?.targetCapacity, 80);

    await s.ecs.send(new CreateClusterCommand({ clusterName: "cp" }));
    await s.ecs.send(
      new PutClusterCapacityProvidersCommand({
        cluster: "cp",
        capacityProviders: ["ec2-pool"],
        defaultCapacityProviderStrategy: [{ capacityProvider: "ec2-pool", weight: 1 }],
      }),
    );
    const inUse = await errorOf(() => s.ecs.send(new DeleteCapacityProviderCommand({ capacityProvider: "ec2-pool" })));
    assert.equal(inUse.name, "ResourceInUseException");
    await s.ecs.send(new PutClusterCapacityProvidersCommand({ cluster: "cp", capacityProviders: [], defaultCapacityProviderStrategy: [] }));
    const deleted = await s.ecs.send(new DeleteCapacityProviderCommand({ capacityProvider: "ec2-pool" }));
    assert.deepEqual([deleted.capacityProvider?.status, deleted.capacityProvider?.updateStatus], ["ACTIVE", "DELETE_IN_PROGRESS"]);
    const gone = await s.ecs.send(new DescribeCapacityProvidersCommand({ capacityProviders: ["ec2-pool"] }));
    assert.equal(gone.failures?.[0]?.reason, "MISSING");
  });
});

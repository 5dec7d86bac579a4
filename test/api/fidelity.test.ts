// Fine points of ECS's answers that real clients and third-party ECS test suites trip on (issue
// 17), each checked through the AWS SDK for JavaScript v3: tags on services, tasks and task sets;
// enum errors in ECS's words; Fargate's pidMode; DeregisterTaskDefinition's references;
// DescribeServices' failure ARNs; empty containerInstances lists; DAEMON's limits; capacity
// provider deletion; ListTagsForResource's errors; compatibilities; aws_managed settings.
// (A service's loadBalancers against its task definition: test/api/service-load-balancers.test.ts.)
import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  CreateServiceCommand,
  CreateTaskSetCommand,
  DeleteCapacityProviderCommand,
  DeregisterTaskDefinitionCommand,
  DescribeCapacityProvidersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  ListAccountSettingsCommand,
  ListTagsForResourceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StartTaskCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateContainerInstancesStateCommand,
} from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { agentIn } from "../helpers/fake-agent.js";
import { errorOf, startTestServer, type TestServer } from "../helpers/server.js";

const ACCOUNT = "000000000000";
const FARGATE_DEF = {
  requiresCompatibilities: ["FARGATE" as const],
  networkMode: "awsvpc" as const,
  cpu: "256",
  memory: "512",
  containerDefinitions: [{ name: "c", image: "busybox" }],
};

describe("ECS fidelity: the fine points", () => {
  let s: TestServer;
  let instanceArn = "";
  before(async () => {
    s = await startTestServer();
    await s.ecs.send(new CreateClusterCommand({ clusterName: "fine" }));
    instanceArn = (await agentIn(s, "fine")).arn;
    await s.ecs.send(new RegisterTaskDefinitionCommand({ family: "fine", containerDefinitions: [{ name: "c", image: "busybox", memory: 64 }] }));
  });
  after(() => s.close());

  const refusal = async (fn: () => Promise<unknown>) => {
    const err = await errorOf(fn);
    return `${err.name}: ${err.message}`;
  };

  it("tags services, tasks and task sets", async () => {
    const { service } = await s.ecs.send(new CreateServiceCommand({ cluster: "fine", serviceName: "tagged", taskDefinition: "fine", desiredCount: 0, tags: [{ key: "a", value: "1" }] }));
    const { tasks } = await s.ecs.send(new RunTaskCommand({ cluster: "fine", taskDefinition: "fine" }));
    await s.ecs.send(new CreateServiceCommand({ cluster: "fine", serviceName: "sets", deploymentController: { type: "EXTERNAL" }, desiredCount: 1 }));
    const { taskSet } = await s.ecs.send(new CreateTaskSetCommand({ cluster: "fine", service: "sets", taskDefinition: "fine", launchType: "EC2", tags: [{ key: "a", value: "1" }] }));
    for (const arn of [service!.serviceArn!, tasks![0]!.taskArn!, taskSet!.taskSetArn!]) {
      await s.ecs.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: "team", value: "blue" }] }));
      const listed = await s.ecs.send(new ListTagsForResourceCommand({ resourceArn: arn }));
      assert.ok(listed.tags?.some((t) => t.key === "team" && t.value === "blue"), `${arn}: ${JSON.stringify(listed.tags)}`);
      await s.ecs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ["team"] }));
      const after = await s.ecs.send(new ListTagsForResourceCommand({ resourceArn: arn }));
      assert.ok(!after.tags?.some((t) => t.key === "team"), `${arn}: ${JSON.stringify(after.tags)}`);
    }
  });

  it("words enum errors as ECS does: '<field> should be one of [...]'", async () => {
    assert.equal(
      await refusal(() => s.ecs.send(new RunTaskCommand({ cluster: "fine", taskDefinition: "fine", launchType: "BOGUS" as never }))),
      "InvalidParameterException: launchType should be one of [EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES]",
    );
    assert.equal(
      await refusal(() => s.ecs.send(new UpdateContainerInstancesStateCommand({ cluster: "fine", containerInstances: [instanceArn], status: "REGISTERING" as never }))),
      "InvalidParameterException: Container instance status should be one of [ACTIVE, DRAINING]",
    );
  });

  it("refuses a Fargate task definition with pidMode host with ECS's ClientException", async () => {
    assert.equal(
      await refusal(() =>
        s.ecs.send(
          new RegisterTaskDefinitionCommand({ ...FARGATE_DEF, family: "fg", pidMode: "host" }),
        ),
      ),
      "ClientException: Tasks using the Fargate launch type do not support pidMode 'host'. The supported value for pidMode is 'task'.",
    );
  });

  it("answers DeregisterTaskDefinition's bare family and malformed revision with ECS's messages", async () => {
    assert.equal(await refusal(() => s.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: "fine" }))), "ClientException: Revision is missing.");
    assert.equal(
      await refusal(() => s.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: "fine:abc" }))),
      "InvalidParameterException: Invalid revision number. Number: abc",
    );
  });

  it("names a missing service's ARN in DescribeServices' failures as ECS does", async () => {
    const res = await s.ecs.send(new DescribeServicesCommand({ cluster: "fine", services: ["ghost"] }));
    assert.deepEqual(res.failures, [{ arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:service/ghost`, reason: "MISSING" }]);
  });

  it("refuses an empty containerInstances list", async () => {
    const want = "ClientException: Container Instances cannot be empty.";
    assert.equal(await refusal(() => s.ecs.send(new DescribeContainerInstancesCommand({ cluster: "fine", containerInstances: [] }))), want);
    assert.equal(await refusal(() => s.ecs.send(new StartTaskCommand({ cluster: "fine", taskDefinition: "fine", containerInstances: [] }))), want);
  });

  it("refuses a desiredCount on a DAEMON service and DAEMON on Fargate", async () => {
    const daemon = { cluster: "fine", taskDefinition: "fine", schedulingStrategy: "DAEMON" as const };
    const count = await errorOf(() => s.ecs.send(new CreateServiceCommand({ ...daemon, serviceName: "d1", desiredCount: 2 })));
    assert.equal(count.name, "InvalidParameterException");
    assert.match(count.message, /desiredCount/);
    await s.ecs.send(new RegisterTaskDefinitionCommand({ ...FARGATE_DEF, family: "fgd" }));
    const fargate = await errorOf(() =>
      s.ecs.send(new CreateServiceCommand({ ...daemon, taskDefinition: "fgd", serviceName: "d2", launchType: "FARGATE", networkConfiguration: { awsvpcConfiguration: { subnets: ["subnet-12345678"] } } })),
    );
    assert.equal(fargate.name, "InvalidParameterException");
    assert.match(fargate.message, /DAEMON/);
    assert.match(fargate.message, /FARGATE/);
  });

  it("passes a deleted capacity provider through DELETE_IN_PROGRESS", async () => {
    await s.ecs.send(
      new CreateCapacityProviderCommand({ name: "cp1", autoScalingGroupProvider: { autoScalingGroupArn: "arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:1:autoScalingGroupName/asg" } }),
    );
    const { capacityProvider } = await s.ecs.send(new DeleteCapacityProviderCommand({ capacityProvider: "cp1" }));
    assert.equal(capacityProvider?.status, "ACTIVE");
    assert.equal(capacityProvider?.updateStatus, "DELETE_IN_PROGRESS");
    const later = await s.ecs.send(new DescribeCapacityProvidersCommand({ capacityProviders: ["cp1"] }));
    // Then it is gone: berth has nothing to tear down, so the deletion completes at once.
    assert.ok(!later.capacityProviders?.some((p) => p.status === "ACTIVE"), JSON.stringify(later));
  });

  it("limits ListTagsForResource's errors to those the operation defines", async () => {
    const defined = ["AccessDeniedException", "ServerException", "InvalidParameterException", "ClientException", "ClusterNotFoundException"];
    for (const arn of [
      `arn:aws:ecs:us-east-1:${ACCOUNT}:service/fine/ghost`,
      `arn:aws:ecs:us-east-1:${ACCOUNT}:task/fine/0123456789abcdef0123456789abcdef`,
      `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/ghost:1`,
      `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/ghost`,
    ]) {
      const err = await errorOf(() => s.ecs.send(new ListTagsForResourceCommand({ resourceArn: arn })));
      assert.ok(defined.includes(err.name), `${arn}: ${err.name}: ${err.message}`);
    }
    const cluster = await errorOf(() => s.ecs.send(new ListTagsForResourceCommand({ resourceArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/ghost` })));
    assert.equal(cluster.name, "ClusterNotFoundException");
  });

  it("lists EXTERNAL in compatibilities where ECS does", async () => {
    const plain = await s.ecs.send(new RegisterTaskDefinitionCommand({ family: "compat", containerDefinitions: [{ name: "c", image: "busybox", memory: 64 }] }));
    assert.deepEqual(plain.taskDefinition?.compatibilities, ["EXTERNAL", "EC2"]);
    const vpc = await s.ecs.send(
      new RegisterTaskDefinitionCommand({ family: "compat", networkMode: "awsvpc", cpu: "256", memory: "512", containerDefinitions: [{ name: "c", image: "busybox" }] }),
    );
    assert.deepEqual(vpc.taskDefinition?.compatibilities, ["EC2", "FARGATE"]);
  });

  it("marks only guardDutyActivate aws_managed among the effective settings", async () => {
    const settings: { name?: string; type?: string }[] = [];
    let nextToken: string | undefined;
    do {
      const page = await s.ecs.send(new ListAccountSettingsCommand({ effectiveSettings: true, ...(nextToken ? { nextToken } : {}) }));
      settings.push(...(page.settings ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    assert.ok(settings.length > 1);
    for (const st of settings) assert.equal(st.type, st.name === "guardDutyActivate" ? "aws_managed" : "user", JSON.stringify(st));
  });
});

// Task sets through the AWS SDK and the AWS CLI, without an agent: the shapes ECS answers for
// CreateTaskSet, DescribeTaskSets, UpdateTaskSet, UpdateServicePrimaryTaskSet and DeleteTaskSet,
// services of the EXTERNAL and CODE_DEPLOY controllers in CreateService, UpdateService and
// DescribeServices, and ECS's error for every bad input — each of which changes nothing.
// (test/api/task-sets-agent.test.ts runs the tasks for real.)
import {
  CreateClusterCommand,
  CreateServiceCommand,
  CreateTaskSetCommand,
  DeleteServiceCommand,
  DeleteTaskSetCommand,
  PutClusterCapacityProvidersCommand,
  DescribeServicesCommand,
  DescribeTaskSetsCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  UpdateServicePrimaryTaskSetCommand,
  UpdateTaskSetCommand,
  type CreateTaskSetCommandInput,
} from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AWS_ENV, missingTool, run } from "../helpers/aws-cli.js";
import { seedTargetGroup } from "../helpers/elb-records.js";
import { defaultSubnetIds } from "../helpers/network.js";
import { errorOf, startTestServer, type TestServer } from "../helpers/server.js";

const NOT_EXTERNAL = "Amazon ECS only supports task set management on services configured to use external deployment controllers.";

describe("task sets and the EXTERNAL deployment controller (API)", () => {
  let s: TestServer;
  let subnets: string[];
  let ipGroup: string;
  before(async () => {
    s = await startTestServer({ scheduler: false });
    subnets = await defaultSubnetIds(s.cp);
    ipGroup = (await seedTargetGroup(s.cp.deps, { name: "ts-ip", targetType: "ip" })).targetGroupArn;
    await s.ecs.send(new CreateClusterCommand({ clusterName: "ts" }));
    const app = { name: "app", image: "busybox", memory: 64, portMappings: [{ containerPort: 8080 }] };
    await s.ecs.send(new RegisterTaskDefinitionCommand({ family: "br", containerDefinitions: [app] }));
    await s.ecs.send(new RegisterTaskDefinitionCommand({ family: "br", containerDefinitions: [app] }));
    await s.ecs.send(new RegisterTaskDefinitionCommand({ family: "vpc", networkMode: "awsvpc", containerDefinitions: [app] }));
    await s.ecs.send(new CreateServiceCommand({ cluster: "ts", serviceName: "ext", desiredCount: 4, deploymentController: { type: "EXTERNAL" } }));
    await s.ecs.send(new CreateServiceCommand({ cluster: "ts", serviceName: "rolling", taskDefinition: "br:1", desiredCount: 1 }));
  });
  after(() => s.close());

  const create = (over: Partial<CreateTaskSetCommandInput> = {}) =>
    s.ecs.send(new CreateTaskSetCommand({ cluster: "ts", service: "ext", taskDefinition: "br:1", ...over } as CreateTaskSetCommandInput));
  const sets = async (service = "ext") => (await s.ecs.send(new DescribeTaskSetsCommand({ cluster: "ts", service }))).taskSets ?? [];
  const described = async (name: string) => (await s.ecs.send(new DescribeServicesCommand({ cluster: "ts", services: [name] }))).services![0]!;

  it("an EXTERNAL service has neither deployments nor a task definition of its own", async () => {
    const svc = await described("ext");
    assert.deepEqual(svc.deploymentController, { type: "EXTERNAL" });
    assert.deepEqual(svc.deployments, []);
    assert.deepEqual(svc.taskSets, []);
    assert.equal(svc.taskDefinition, undefined);
    assert.equal(svc.desiredCount, 4);
  });

  it("CreateTaskSet answers ECS's TaskSet: ACTIVE, computedDesiredCount from the scale, STABILIZING", async () => {
    const { taskSet } = await create({ scale: { value: 50, unit: "PERCENT" }, externalId: "blue-1", tags: [{ key: "color", value: "blue" }] });
    assert.match(taskSet!.id!, /^ecs-svc\/\d{19}$/);
    assert.equal(taskSet!.taskSetArn, `arn:aws:ecs:us-east-1:000000000000:task-set/ts/ext/${taskSet!.id}`.replace("000000000000", taskSet!.taskSetArn!.split(":")[4]!));
    assert.equal(taskSet!.serviceArn, (await described("ext")).serviceArn);
    assert.equal(taskSet!.status, "ACTIVE");
    assert.match(taskSet!.taskDefinition!, /:task-definition\/br:1$/);
    assert.equal(taskSet!.computedDesiredCount, 2, "ceil(4 × 50%)");
    assert.deepEqual(taskSet!.scale, { value: 50, unit: "PERCENT" });
    assert.equal(taskSet!.runningCount, 0);
    assert.equal(taskSet!.pendingCount, 0);
    assert.equal(taskSet!.launchType, "EC2");
    assert.equal(taskSet!.externalId, "blue-1");
    assert.equal(taskSet!.stabilityStatus, "STABILIZING");
    assert.ok(taskSet!.stabilityStatusAt instanceof Date && taskSet!.createdAt instanceof Date);
    assert.deepEqual(taskSet!.loadBalancers, []);
    // Without a scale: 0% (what the AWS CLI's own example shows).
    const { taskSet: zero } = await create({ taskDefinition: "br:2" });
    assert.deepEqual(zero!.scale, { value: 0, unit: "PERCENT" });
    assert.equal(zero!.computedDesiredCount, 0);
  });

  it("DescribeTaskSets by ARN, id or digits; tags only with include TAGS; MISSING for the rest", async () => {
    const [blue, green] = await sets();
    assert.equal(blue!.tags, undefined);
    const digits = green!.id!.slice("ecs-svc/".length);
    const other = blue!.taskSetArn!.replace("/ext/", "/rolling/");
    const res = await s.ecs.send(
      new DescribeTaskSetsCommand({ cluster: "ts", service: "ext", taskSets: [blue!.taskSetArn!, green!.id!, digits, "ecs-svc/123", other], include: ["TAGS"] }),
    );
    assert.deepEqual(res.taskSets!.map((t) => t.id), [blue!.id, green!.id, green!.id]);
    assert.deepEqual(res.taskSets![0]!.tags, [{ key: "color", value: "blue" }]);
    assert.deepEqual(res.failures, [
      { arn: "ecs-svc/123", reason: "MISSING" },
      { arn: other, reason: "MISSING" },
    ]);
  });

  it("UpdateTaskSet scales; UpdateService's desiredCount moves every computedDesiredCount", async () => {
    const [blue, green] = await sets();
    const { taskSet } = await s.ecs.send(new UpdateTaskSetCommand({ cluster: "ts", service: "ext", taskSet: green!.taskSetArn!, scale: { value: 30, unit: "PERCENT" } }));
    assert.equal(taskSet!.computedDesiredCount, 2, "ceil(4 × 30%) = ceil(1.2)");
    assert.deepEqual(taskSet!.scale, { value: 30, unit: "PERCENT" });
    await s.ecs.send(new UpdateServiceCommand({ cluster: "ts", service: "ext", desiredCount: 10 }));
    const after = await sets();
    assert.deepEqual(
      after.map((t) => [t.id, t.computedDesiredCount]),
      [
        [blue!.id, 5],
        [green!.id, 3],
      ],
    );
  });

  it("UpdateServicePrimaryTaskSet: the service shows its primary's settings; the old primary turns ACTIVE", async () => {
    const [blue, green] = await sets();
    const first = await s.ecs.send(new UpdateServicePrimaryTaskSetCommand({ cluster: "ts", service: "ext", primaryTaskSet: blue!.id! }));
    assert.equal(first.taskSet!.status, "PRIMARY");
    let svc = await described("ext");
    assert.match(svc.taskDefinition!, /br:1$/);
    assert.equal(svc.launchType, "EC2");
    assert.deepEqual(svc.deployments, []);
    assert.deepEqual(svc.taskSets!.map((t) => [t.id, t.status]), [[blue!.id, "PRIMARY"], [green!.id, "ACTIVE"]]);
    await s.ecs.send(new UpdateServicePrimaryTaskSetCommand({ cluster: "ts", service: svc.serviceArn!, primaryTaskSet: green!.taskSetArn! }));
    svc = await described("ext");
    assert.match(svc.taskDefinition!, /br:2$/);
    assert.deepEqual(svc.taskSets!.map((t) => t.status), ["ACTIVE", "PRIMARY"]);
  });

  it("DeleteTaskSet: refused while scaled above 0 without force; DRAINING with it", async () => {
    const [blue] = await sets();
    const err = await errorOf(() => s.ecs.send(new DeleteTaskSetCommand({ cluster: "ts", service: "ext", taskSet: blue!.id! })));
    assert.equal(err.name, "InvalidParameterException");
    assert.match(err.message, /scaled above 0/);
    const { taskSet } = await s.ecs.send(new DeleteTaskSetCommand({ cluster: "ts", service: "ext", taskSet: blue!.id!, force: true }));
    assert.equal(taskSet!.status, "DRAINING");
    assert.equal(taskSet!.computedDesiredCount, 0);
    // Being deleted: it can no longer be scaled or made primary; deleting it again answers it.
    for (const call of [
      () => s.ecs.send(new UpdateTaskSetCommand({ cluster: "ts", service: "ext", taskSet: blue!.id!, scale: { value: 10, unit: "PERCENT" } })),
      () => s.ecs.send(new UpdateServicePrimaryTaskSetCommand({ cluster: "ts", service: "ext", primaryTaskSet: blue!.id! })),
    ]) {
      const e = await errorOf(call);
      assert.equal(e.name, "InvalidParameterException");
      assert.match(e.message, /DRAINING/);
    }
    const again = await s.ecs.send(new DeleteTaskSetCommand({ cluster: "ts", service: "ext", taskSet: blue!.taskSetArn! }));
    assert.equal(again.taskSet!.status, "DRAINING");
  });

  it("task set settings: awsvpc network, load balancers and launch settings per set", async () => {
    const { taskSet } = await create({
      taskDefinition: "vpc",
      networkConfiguration: { awsvpcConfiguration: { subnets } },
      loadBalancers: [{ targetGroupArn: ipGroup, containerName: "app", containerPort: 8080 }],
      launchType: "EC2",
    });
    assert.match(taskSet!.taskDefinition!, /vpc:1$/);
    assert.deepEqual(taskSet!.networkConfiguration?.awsvpcConfiguration?.subnets, subnets);
    assert.equal(taskSet!.loadBalancers![0]!.targetGroupArn, ipGroup);
    assert.equal((await sets()).length, 3);
  });

  it("a set on Fargate through a capacity provider strategy: the strategy and platform echoed", async () => {
    await s.ecs.send(new RegisterTaskDefinitionCommand({
      family: "fg",
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      cpu: "256",
      memory: "512",
      containerDefinitions: [{ name: "app", image: "busybox", essential: true }],
    }));
    const network = { awsvpcConfiguration: { subnets } };
    const unassociated = await errorOf(() => create({ taskDefinition: "fg", networkConfiguration: network, capacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1 }] }));
    assert.equal(unassociated.name, "InvalidParameterException");
    assert.match(unassociated.message, /^The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster/);
    await s.ecs.send(new PutClusterCapacityProvidersCommand({ cluster: "ts", capacityProviders: ["FARGATE"], defaultCapacityProviderStrategy: [] }));
    const { taskSet } = await create({ taskDefinition: "fg", networkConfiguration: network, capacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1 }] });
    assert.deepEqual(taskSet!.capacityProviderStrategy, [{ capacityProvider: "FARGATE", base: 0, weight: 1 }]);
    assert.equal(taskSet!.launchType, undefined);
    assert.equal(taskSet!.platformVersion, "LATEST");
    assert.equal(taskSet!.platformFamily, "Linux");
    const bridgeOnFargate = await errorOf(() => create({ taskDefinition: "br:1", launchType: "FARGATE" }));
    assert.notEqual(bridgeOnFargate.$metadata?.httpStatusCode, 500);
    await s.ecs.send(new DeleteTaskSetCommand({ cluster: "ts", service: "ext", taskSet: taskSet!.id!, force: true }));
  });

  it("refuses bad input with ECS's errors, and changes nothing", async () => {
    const before = JSON.stringify(await sets());
    const bad: [string, () => Promise<unknown>, string, RegExp][] = [
      ["unknown cluster", () => s.ecs.send(new CreateTaskSetCommand({ cluster: "nope", service: "ext", taskDefinition: "br:1" })), "ClusterNotFoundException", /^Cluster not found\.$/],
      ["unknown service", () => create({ service: "ghost" }), "ServiceNotFoundException", /^Service not found\.$/],
      ["an ECS-controller service", () => create({ service: "rolling" }), "InvalidParameterException", new RegExp(`^${NOT_EXTERNAL.replace(/\./g, "\\.")}$`)],
      ["an empty task definition", () => create({ taskDefinition: "" }), "InvalidParameterException", /^Family should not be null or empty\.$/],
      ["an unknown task definition", () => create({ taskDefinition: "nope:1" }), "ClientException", /^Unable to describe task definition\.$/],
      ["scale above 100", () => create({ scale: { value: 100.5, unit: "PERCENT" } }), "InvalidParameterException", /'scale\.value': 100\.5 must be a percent between 0 and 100/],
      ["negative scale", () => create({ scale: { value: -1, unit: "PERCENT" } }), "InvalidParameterException", /'scale\.value'/],
      ["both launch type and strategy", () => create({ launchType: "EC2", capacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1 }] }), "InvalidParameterException", /^Specifying both a launch type and capacity provider strategy is not supported/],
      ["a network configuration for bridge", () => create({ networkConfiguration: { awsvpcConfiguration: { subnets } } }), "InvalidParameterException", /^Network Configuration is not valid for the given networkMode/],
      ["awsvpc without network configuration", () => create({ taskDefinition: "vpc" }), "InvalidParameterException", /^Network Configuration must be provided/],
      ["a load balancer of another container", () => create({ loadBalancers: [{ targetGroupArn: ipGroup, containerName: "nope", containerPort: 8080 }] }), "InvalidParameterException", /./],
      ["a long client token", () => create({ clientToken: "x".repeat(37) }), "InvalidParameterException", /'clientToken'/],
      ["a reserved tag", () => create({ tags: [{ key: "aws:x", value: "1" }] }), "InvalidParameterException", /'tags\[0\]\.key'/],
      ["DescribeTaskSets of an unknown service", () => s.ecs.send(new DescribeTaskSetsCommand({ cluster: "ts", service: "ghost" })), "ServiceNotFoundException", /^Service not found\.$/],
      ["DescribeTaskSets of an ECS-controller service", () => s.ecs.send(new DescribeTaskSetsCommand({ cluster: "ts", service: "rolling" })), "InvalidParameterException", /^Amazon ECS only supports/],
      ["UpdateTaskSet of an unknown set", () => s.ecs.send(new UpdateTaskSetCommand({ cluster: "ts", service: "ext", taskSet: "ecs-svc/1", scale: { value: 1, unit: "PERCENT" } })), "TaskSetNotFoundException", /^The specified task set does not exist\.$/],
      ["UpdateTaskSet beyond 100%", async () => s.ecs.send(new UpdateTaskSetCommand({ cluster: "ts", service: "ext", taskSet: (await sets())[1]!.id!, scale: { value: 150, unit: "PERCENT" } })), "InvalidParameterException", /'scale\.value'/],
      ["UpdateTaskSet on an ECS-controller service", () => s.ecs.send(new UpdateTaskSetCommand({ cluster: "ts", service: "rolling", taskSet: "ecs-svc/1", scale: { value: 1, unit: "PERCENT" } })), "InvalidParameterException", /^Amazon ECS only supports/],
      ["DeleteTaskSet of an unknown set", () => s.ecs.send(new DeleteTaskSetCommand({ cluster: "ts", service: "ext", taskSet: "arn:aws:ecs:us-east-1:000000000000:task-set/ts/ext/ecs-svc/1" })), "TaskSetNotFoundException", /./],
      ["DeleteTaskSet on an unknown cluster", () => s.ecs.send(new DeleteTaskSetCommand({ cluster: "nope", service: "ext", taskSet: "ecs-svc/1" })), "ClusterNotFoundException", /./],
      ["UpdateServicePrimaryTaskSet of an unknown set", () => s.ecs.send(new UpdateServicePrimaryTaskSetCommand({ cluster: "ts", service: "ext", primaryTaskSet: "ecs-svc/42" })), "TaskSetNotFoundException", /./],
      ["UpdateServicePrimaryTaskSet on an unknown service", () => s.ecs.send(new UpdateServicePrimaryTaskSetCommand({ cluster: "ts", service: "ghost", primaryTaskSet: "ecs-svc/42" })), "ServiceNotFoundException", /./],
    ];
    for (const [what, call, name, message] of bad) {
      const err = await errorOf(call);
      assert.equal(err.name, name, `${what}: ${err.message}`);
      assert.match(err.message, message, what);
      assert.equal(err.$metadata?.httpStatusCode, 400, what);
    }
    assert.equal(JSON.stringify(await sets()), before);
  });

  it("a client token makes CreateTaskSet idempotent; the sixth set is refused with ECS's words", async () => {
    await s.ecs.send(new CreateServiceCommand({ cluster: "ts", serviceName: "five", desiredCount: 1, deploymentController: { type: "EXTERNAL" } }));
    const one = await create({ service: "five", clientToken: "token-1" });
    const again = await create({ service: "five", clientToken: "token-1" });
    assert.equal(again.taskSet!.id, one.taskSet!.id);
    for (let i = 0; i < 4; i++) await create({ service: "five" });
    const err = await errorOf(() => create({ service: "five" }));
    assert.equal(err.name, "InvalidParameterException");
    assert.equal(err.message, "5 deployments exist on the service. Unable to create new TaskSet since this exceeds the maximum limit.");
    assert.equal((await sets("five")).length, 5);
  });

  it("CreateService and UpdateService of the EXTERNAL controller refuse what belongs to task sets", async () => {
    const createBad: [string, Record<string, unknown>, RegExp][] = [
      ["a task definition", { taskDefinition: "br:1" }, /'taskDefinition'.*CreateTaskSet/],
      ["a launch type", { launchType: "EC2" }, /'launchType'/],
      ["load balancers", { loadBalancers: [{ targetGroupArn: ipGroup, containerName: "app", containerPort: 8080 }] }, /'loadBalancers'/],
      ["DAEMON", { schedulingStrategy: "DAEMON" }, /'schedulingStrategy'.*EXTERNAL/],
    ];
    for (const [what, extra, message] of createBad) {
      const err = await errorOf(() => s.ecs.send(new CreateServiceCommand({ cluster: "ts", serviceName: "bad-ext", desiredCount: 1, deploymentController: { type: "EXTERNAL" }, ...extra })));
      assert.equal(err.name, "InvalidParameterException", what);
      assert.match(err.message, message, what);
    }
    assert.equal((await s.ecs.send(new DescribeServicesCommand({ cluster: "ts", services: ["bad-ext"] }))).failures?.length, 1);
    for (const [what, extra] of [
      ["a task definition", { taskDefinition: "br:2" }],
      ["forceNewDeployment", { forceNewDeployment: true }],
      ["a network configuration", { networkConfiguration: { awsvpcConfiguration: { subnets } } }],
    ] as const) {
      const err = await errorOf(() => s.ecs.send(new UpdateServiceCommand({ cluster: "ts", service: "ext", ...extra })));
      assert.equal(err.name, "InvalidParameterException", what);
      assert.match(err.message, /EXTERNAL deployment controller changes it through a new task set/, what);
    }
    for (const [service, type] of [["ext", "ECS"], ["rolling", "EXTERNAL"]] as const) {
      const err = await errorOf(() => s.ecs.send(new UpdateServiceCommand({ cluster: "ts", service, deploymentController: { type } })));
      assert.equal(err.name, "InvalidParameterException", service);
      assert.match(err.message, /'deploymentController': berth does not move a service/, service);
    }
    const ok = await s.ecs.send(new UpdateServiceCommand({ cluster: "ts", service: "ext", healthCheckGracePeriodSeconds: 30, desiredCount: 10 }));
    assert.equal(ok.service!.healthCheckGracePeriodSeconds, 30);
  });

  it("CODE_DEPLOY: CreateService starts the first task set, PRIMARY at 100%; task sets stay CodeDeploy's", async () => {
    const err = await errorOf(() => s.ecs.send(new CreateServiceCommand({ cluster: "ts", serviceName: "cd", taskDefinition: "vpc", desiredCount: 2, networkConfiguration: { awsvpcConfiguration: { subnets } }, deploymentController: { type: "CODE_DEPLOY" } })));
    assert.equal(err.name, "InvalidParameterException");
    assert.match(err.message, /'loadBalancers'/);
    const { service } = await s.ecs.send(
      new CreateServiceCommand({
        cluster: "ts",
        serviceName: "cd",
        taskDefinition: "vpc",
        desiredCount: 2,
        networkConfiguration: { awsvpcConfiguration: { subnets } },
        loadBalancers: [{ targetGroupArn: ipGroup, containerName: "app", containerPort: 8080 }],
        deploymentController: { type: "CODE_DEPLOY" },
      }),
    );
    assert.deepEqual(service!.deployments, []);
    assert.equal(service!.taskSets!.length, 1);
    const first = service!.taskSets![0]!;
    assert.equal(first.status, "PRIMARY");
    assert.deepEqual(first.scale, { value: 100, unit: "PERCENT" });
    assert.equal(first.computedDesiredCount, 2);
    assert.equal(first.loadBalancers![0]!.targetGroupArn, ipGroup);
    assert.equal(service!.loadBalancers![0]!.targetGroupArn, ipGroup, "the primary's, shown on the service");
    assert.equal((await sets("cd")).length, 1, "DescribeTaskSets reads a CODE_DEPLOY service's sets");
    const writes = await errorOf(() => create({ service: "cd" }));
    assert.equal(writes.message, NOT_EXTERNAL);
    const td = await errorOf(() => s.ecs.send(new UpdateServiceCommand({ cluster: "ts", service: "cd", taskDefinition: "vpc:1" })));
    assert.equal(td.message, "Unable to update task definition on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.");
    const scaled = await s.ecs.send(new UpdateServiceCommand({ cluster: "ts", service: "cd", desiredCount: 3 }));
    assert.equal(scaled.service!.taskSets![0]!.computedDesiredCount, 3);
  });

  it("a service being deleted takes no new task set; its sets drain", async () => {
    await s.ecs.send(new CreateServiceCommand({ cluster: "ts", serviceName: "gone", desiredCount: 0, deploymentController: { type: "EXTERNAL" } }));
    await create({ service: "gone", scale: { value: 100, unit: "PERCENT" } });
    const { service } = await s.ecs.send(new DeleteServiceCommand({ cluster: "ts", service: "gone" }));
    assert.equal(service!.status, "DRAINING");
    assert.deepEqual(service!.taskSets!.map((t) => t.status), ["DRAINING"]);
    const err = await errorOf(() => create({ service: "gone" }));
    assert.equal(err.name, "ServiceNotActiveException");
  });
});

describe("task sets through the AWS CLI", () => {
  let s: TestServer;
  let skip: string | undefined;
  before(async () => {
    skip = await missingTool("aws", ["--version"]);
    s = await startTestServer({ scheduler: false });
    await s.ecs.send(new CreateClusterCommand({ clusterName: "cli" }));
    await s.ecs.send(new RegisterTaskDefinitionCommand({ family: "app", containerDefinitions: [{ name: "app", image: "busybox", memory: 64 }] }));
  });
  after(() => s.close());
  const aws = async (...args: string[]) => {
    const { stdout } = await run("aws", ["ecs", ...args, "--endpoint-url", s.url, "--output", "json"], { env: { ...process.env, ...AWS_ENV } });
    return JSON.parse(stdout || "{}");
  };

  it("create-service, create-task-set, describe-task-sets, update-task-set, update-service-primary-task-set, delete-task-set", async (t) => {
    if (skip) return t.skip(skip);
    await aws("create-service", "--cluster", "cli", "--service-name", "web", "--desired-count", "3", "--deployment-controller", "type=EXTERNAL");
    const created = await aws("create-task-set", "--cluster", "cli", "--service", "web", "--task-definition", "app", "--scale", "value=50,unit=PERCENT", "--external-id", "ext-1", "--tags", "key=team,value=a");
    const id: string = created.taskSet.id;
    assert.equal(created.taskSet.computedDesiredCount, 2);
    assert.equal(created.taskSet.scale.value, 50);
    const described = await aws("describe-task-sets", "--cluster", "cli", "--service", "web", "--task-sets", id, "--include", "TAGS");
    assert.deepEqual(described.taskSets[0].tags, [{ key: "team", value: "a" }]);
    assert.deepEqual(described.failures, []);
    const updated = await aws("update-task-set", "--cluster", "cli", "--service", "web", "--task-set", created.taskSet.taskSetArn, "--scale", "value=100,unit=PERCENT");
    assert.equal(updated.taskSet.computedDesiredCount, 3);
    const primary = await aws("update-service-primary-task-set", "--cluster", "cli", "--service", "web", "--primary-task-set", id);
    assert.equal(primary.taskSet.status, "PRIMARY");
    const service = await aws("describe-services", "--cluster", "cli", "--services", "web");
    assert.equal(service.services[0].taskSets[0].status, "PRIMARY");
    assert.match(service.services[0].taskDefinition, /app:1$/);
    const refused = await run("aws", ["ecs", "delete-task-set", "--cluster", "cli", "--service", "web", "--task-set", id, "--endpoint-url", s.url], { env: { ...process.env, ...AWS_ENV } }).then(
      () => "",
      (err: { stderr: string }) => err.stderr,
    );
    assert.match(refused, /InvalidParameterException.*scaled above 0/);
    const deleted = await aws("delete-task-set", "--cluster", "cli", "--service", "web", "--task-set", id, "--force");
    assert.equal(deleted.taskSet.status, "DRAINING");
    const missing = await run("aws", ["ecs", "update-task-set", "--cluster", "cli", "--service", "web", "--task-set", "ecs-svc/1", "--scale", "value=1,unit=PERCENT", "--endpoint-url", s.url], {
      env: { ...process.env, ...AWS_ENV },
    }).then(
      () => "",
      (err: { stderr: string }) => err.stderr,
    );
    assert.match(missing, /TaskSetNotFoundException/);
  });
});

// Capacity through the AWS SDK: launch types, capacity provider strategies (base, weight, the
// cluster's default), Auto Scaling group providers as instances that registered with them,
// EXTERNAL instances, and FARGATE / FARGATE_SPOT on berth's hidden pool. Agents are played by
// the test over the channel, as in tasks.test.ts.
import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListClustersCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  PutClusterCapacityProvidersCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  SubmitTaskStateChangeCommand,
  UpdateServiceCommand,
  type Task,
} from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { agentIn, connect, until, type FakeAgent } from "../helpers/fake-agent.js";
import { defaultNetwork } from "../helpers/network.js";
import { errorOf, startTestServer, type TestServer } from "../helpers/server.js";

const POOL = "berth.fargate";
// A default subnet of us-east-1, set once the server is up.
let NETWORK: { awsvpcConfiguration: { subnets: string[] } };

/** Stops tasks as a user and an agent would: StopTask, then the agent's STOPPED report. */
async function finish(s: TestServer, cluster: string, tasks: Task[]): Promise<void> {
  for (const t of tasks) {
    await s.ecs.send(new StopTaskCommand({ cluster, task: t.taskArn! }));
    await s.ecs.send(new SubmitTaskStateChangeCommand({ cluster, task: t.taskArn!, status: "STOPPED", reason: "stopped" }));
  }
}

const byProvider = (tasks: Task[]) => {
  const out: Record<string, number> = {};
  for (const t of tasks) out[t.capacityProviderName ?? "(none)"] = (out[t.capacityProviderName ?? "(none)"] ?? 0) + 1;
  return out;
};

describe("capacity providers, launch types and the Fargate pool through the AWS SDK", () => {
  let s: TestServer;
  const agents: FakeAgent[] = [];
  let asgA: FakeAgent;
  let asgB: FakeAgent;
  let plain: FakeAgent;
  let pool: FakeAgent;

  before(async () => {
    s = await startTestServer();
    NETWORK = await defaultNetwork(s.cp);
    const asgArn = (n: string) => `arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:1:autoScalingGroupName/${n}`;
    for (const name of ["asg-a", "asg-b", "asg-c"]) {
      await s.ecs.send(new CreateCapacityProviderCommand({ name, autoScalingGroupProvider: { autoScalingGroupArn: asgArn(name) } }));
    }
    for (const clusterName of ["asg", "mixed", "fg", "svc"]) await s.ecs.send(new CreateClusterCommand({ clusterName }));
    await s.ecs.send(
      new PutClusterCapacityProvidersCommand({ cluster: "asg", capacityProviders: ["asg-a", "asg-b", "FARGATE"], defaultCapacityProviderStrategy: [] }),
    );
    await s.ecs.send(
      new PutClusterCapacityProvidersCommand({
        cluster: "fg",
        capacityProviders: ["FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }],
      }),
    );
    await s.ecs.send(new RegisterTaskDefinitionCommand({ family: "web", containerDefinitions: [{ name: "c", image: "busybox", cpu: 256, memory: 256 }] }));
    await s.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: "fg",
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        cpu: "256",
        memory: "512",
        containerDefinitions: [
          {
            name: "app",
            image: "busybox",
            portMappings: [{ containerPort: 8080 }],
            healthCheck: { command: ["CMD-SHELL", "true"] },
          },
        ],
      }),
    );
    asgA = await agentIn(s, "asg", { cpu: 2048, attributes: [{ name: "berth.capacity-provider", value: "asg-a" }] });
    asgB = await agentIn(s, "asg", { attributes: [{ name: "berth.capacity-provider", value: "asg-b" }] });
    plain = await agentIn(s, "asg");
    pool = await agentIn(s, POOL, { cpu: 1024, memory: 2048 });
    agents.push(asgA, asgB, plain, pool);
  });
  after(async () => {
    for (const a of agents) a.ws.close();
    await s.close();
  });

  it("shows the provider an instance registered with, and refuses an unknown one", async () => {
    const res = await s.ecs.send(new DescribeContainerInstancesCommand({ cluster: "asg", containerInstances: [asgA.arn, plain.arn] }));
    assert.equal(res.containerInstances?.[0]?.capacityProviderName, "asg-a");
    assert.equal(res.containerInstances?.[1]?.capacityProviderName, undefined);
    const unknown = await errorOf(() =>
      s.ecs.send(new RegisterContainerInstanceCommand({ cluster: "asg", attributes: [{ name: "berth.capacity-provider", value: "nope" }] })),
    );
    assert.equal(unknown.name, "InvalidParameterException");
    assert.match(unknown.message, /berth\.capacity-provider is 'nope'/);
  });

  it("refuses strategies as ECS does", async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ launchType: "EC2", capacityProviderStrategy: [{ capacityProvider: "asg-a", weight: 1 }] }, "InvalidParameterException", /^Specifying both a launch type and capacity provider strategy is not supported/],
      [{ capacityProviderStrategy: [{ capacityProvider: "asg-c", weight: 1 }] }, "InvalidParameterException", /^The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster\./],
      [{ capacityProviderStrategy: [{ capacityProvider: "ghost", weight: 1 }] }, "InvalidParameterException", /not associated with the cluster/],
      [{ capacityProviderStrategy: [{ capacityProvider: "asg-a", weight: 0 }] }, "InvalidParameterException", /at least one capacity provider must have a weight greater than 0/],
      [
        { capacityProviderStrategy: [{ capacityProvider: "asg-a", base: 1, weight: 1 }, { capacityProvider: "asg-b", base: 1, weight: 1 }] },
        "InvalidParameterException",
        /only one capacity provider can have a base greater than 0/,
      ],
      [
        { capacityProviderStrategy: [{ capacityProvider: "asg-a", weight: 1 }, { capacityProvider: "asg-a", weight: 2 }] },
        "InvalidParameterException",
        /appears more than once/,
      ],
      [
        { capacityProviderStrategy: [{ capacityProvider: "asg-a", weight: 1 }, { capacityProvider: "FARGATE", weight: 1 }] },
        "InvalidParameterException",
        /^A capacity provider strategy cannot contain a mix of capacity providers using Auto Scaling groups and Fargate providers\./,
      ],
    ];
    for (const [input, name, message] of cases) {
      const err = await errorOf(() => s.ecs.send(new RunTaskCommand({ cluster: "asg", taskDefinition: "web", ...input } as never)));
      assert.equal(err.name, name, `${JSON.stringify(input)}: ${err.message}`);
      assert.match(err.message, message, JSON.stringify(input));
    }
  });

  it("splits tasks across two Auto Scaling group providers: base first, then by weight", async () => {
    // asg-a {base 2, weight 1}, asg-b {weight 3}, 10 tasks: 2 for the base, the other 8 split
    // 1:3 → asg-a 2 + 2 = 4, asg-b 6. None goes to the instance of no provider.
    const res = await s.ecs.send(
      new RunTaskCommand({
        cluster: "asg",
        taskDefinition: "web",
        count: 10,
        capacityProviderStrategy: [
          { capacityProvider: "asg-a", base: 2, weight: 1 },
          { capacityProvider: "asg-b", weight: 3 },
        ],
      }),
    );
    assert.deepEqual(res.failures, []);
    assert.deepEqual(byProvider(res.tasks!), { "asg-a": 4, "asg-b": 6 });
    for (const t of res.tasks!) {
      assert.equal(t.launchType, "EC2");
      assert.equal(t.containerInstanceArn, t.capacityProviderName === "asg-a" ? asgA.arn : asgB.arn);
    }
    // A provider whose instances are full: its share fails with the instance's reason.
    const full = await s.ecs.send(
      new RunTaskCommand({ cluster: "asg", taskDefinition: "web", count: 10, capacityProviderStrategy: [{ capacityProvider: "asg-a", weight: 1 }] }),
    );
    assert.equal(full.tasks?.length, 4, "asg-a's one instance has room for 8 tasks of 256 cpu units");
    assert.equal(full.failures?.[0]?.arn, asgA.arn);
    assert.equal(full.failures?.[0]?.reason, "RESOURCE:CPU");
    await finish(s, "asg", [...res.tasks!, ...full.tasks!]);
  });

  it("applies the cluster's default strategy when neither a launch type nor a strategy is given", async () => {
    await s.ecs.send(
      new PutClusterCapacityProvidersCommand({
        cluster: "asg",
        capacityProviders: ["asg-a", "asg-b", "FARGATE"],
        defaultCapacityProviderStrategy: [{ capacityProvider: "asg-b", weight: 1 }],
      }),
    );
    const byDefault = await s.ecs.send(new RunTaskCommand({ cluster: "asg", taskDefinition: "web", count: 2 }));
    assert.deepEqual(byProvider(byDefault.tasks!), { "asg-b": 2 });
    assert.ok(byDefault.tasks!.every((t) => t.containerInstanceArn === asgB.arn));
    // An explicit launch type bypasses the providers: any EC2 instance, no capacityProviderName.
    const ec2 = await s.ecs.send(
      new RunTaskCommand({ cluster: "asg", taskDefinition: "web", launchType: "EC2", placementConstraints: [{ type: "memberOf", expression: "attribute:ecs.availability-zone == us-east-1a" }] }),
    );
    assert.equal(ec2.tasks?.[0]?.launchType, "EC2");
    assert.equal(ec2.tasks?.[0]?.capacityProviderName, undefined);
    await finish(s, "asg", [...byDefault.tasks!, ...ec2.tasks!]);
    await s.ecs.send(
      new PutClusterCapacityProvidersCommand({ cluster: "asg", capacityProviders: ["asg-a", "asg-b", "FARGATE"], defaultCapacityProviderStrategy: [] }),
    );
  });

  it("keeps EXTERNAL tasks on external instances and EC2 tasks off them", async () => {
    const external = await agentIn(s, "mixed", { attributes: [{ name: "ecs.capability.external" }] });
    agents.push(external);
    const ext = await s.ecs.send(new RunTaskCommand({ cluster: "mixed", taskDefinition: "web", launchType: "EXTERNAL", count: 2 }));
    assert.equal(ext.tasks?.length, 2);
    assert.ok(ext.tasks!.every((t) => t.launchType === "EXTERNAL" && t.containerInstanceArn === external.arn));
    const onlyExternal = await errorOf(() => s.ecs.send(new RunTaskCommand({ cluster: "mixed", taskDefinition: "web" })));
    assert.equal(onlyExternal.message, "No Container Instances were found in your cluster.");
    const ec2Host = await agentIn(s, "mixed");
    agents.push(ec2Host);
    const ec2 = await s.ecs.send(new RunTaskCommand({ cluster: "mixed", taskDefinition: "web", count: 3 }));
    assert.ok(ec2.tasks!.length === 3 && ec2.tasks!.every((t) => t.launchType === "EC2" && t.containerInstanceArn === ec2Host.arn));
    const noExternal = await errorOf(() => s.ecs.send(new RunTaskCommand({ cluster: "asg", taskDefinition: "web", launchType: "EXTERNAL" })));
    assert.equal(noExternal.message, "No Container Instances were found in your cluster.");
  });

  it("hides the Fargate pool's cluster from the cluster APIs", async () => {
    const listed = await s.ecs.send(new ListClustersCommand({}));
    assert.ok(!listed.clusterArns!.some((a) => a.endsWith(`/${POOL}`)));
    const described = await s.ecs.send(new DescribeClustersCommand({ clusters: [POOL] }));
    assert.deepEqual(described.clusters, []);
    assert.equal(described.failures?.[0]?.reason, "MISSING");
    const create = await errorOf(() => s.ecs.send(new CreateClusterCommand({ clusterName: POOL })));
    assert.equal(create.name, "InvalidParameterException");
    const run = await errorOf(() => s.ecs.send(new RunTaskCommand({ cluster: POOL, taskDefinition: "web" })));
    assert.equal(run.name, "ClusterNotFoundException");
  });

  it("runs a FARGATE task on the hidden pool: no container instance shown, platform 1.4.0", async () => {
    const res = await s.ecs.send(new RunTaskCommand({ cluster: "fg", taskDefinition: "fg", launchType: "FARGATE", networkConfiguration: NETWORK }));
    assert.deepEqual(res.failures, []);
    const t = res.tasks![0]!;
    assert.equal(t.launchType, "FARGATE");
    assert.equal(t.capacityProviderName, "FARGATE");
    assert.equal(t.platformVersion, "1.4.0");
    assert.equal(t.platformFamily, "Linux");
    assert.equal(t.containerInstanceArn, undefined);
    assert.equal(t.cpu, "256");
    assert.equal(t.memory, "512");
    assert.deepEqual(t.attributes, [{ name: "berth.fargate.network-mode", value: "bridge" }]);
    const described = (await s.ecs.send(new DescribeTasksCommand({ cluster: "fg", tasks: [t.taskArn!] }))).tasks![0]!;
    assert.equal(described.containerInstanceArn, undefined);
    assert.equal(described.launchType, "FARGATE");

    // The cluster has no instances of its own; its counts include the task, not the pool.
    const cluster = (await s.ecs.send(new DescribeClustersCommand({ clusters: ["fg"], include: ["STATISTICS"] }))).clusters![0]!;
    assert.equal(cluster.registeredContainerInstancesCount, 0);
    assert.equal(cluster.pendingTasksCount, 1);
    assert.equal(cluster.statistics?.find((x) => x.name === "pendingFargateTasksCount")?.value, "1");
    assert.deepEqual((await s.ecs.send(new ListContainerInstancesCommand({ cluster: "fg" }))).containerInstanceArns, []);

    // The pool agent receives it, to run in bridge mode with a dynamic host port.
    await until("the pool agent has the task", () => pool.tasks().has(t.taskArn!));
    const assigned = pool.tasks().get(t.taskArn!)!;
    assert.equal(assigned.networkMode, "bridge");
    assert.equal(assigned.clusterArn, cluster.clusterArn);
    assert.deepEqual((assigned.containers[0]!.definition.portMappings as { hostPort?: number }[])[0]!.hostPort, 0);
    const poolRemaining = async () => {
      const ci = (await s.ecs.send(new DescribeContainerInstancesCommand({ cluster: POOL, containerInstances: [pool.arn] }))).containerInstances![0]!;
      return ci.remainingResources!.find((r) => r.name === "CPU")!.integerValue;
    };
    assert.equal(await poolRemaining(), 1024 - 256);

    // A reconnecting pool agent gets it in its full manifest (it belongs to another cluster).
    const again = await connect(s, POOL, pool.arn);
    agents.push(again);
    await until("the full manifest lists the task", () =>
      again.messages.some((m) => m.type === "TaskManifest" && m.full && m.tasks.some((x) => x.taskArn === t.taskArn)),
    );
    pool = again;

    // Reports come through the task's own cluster; health over the pool agent's channel.
    await s.ecs.send(new SubmitTaskStateChangeCommand({ cluster: "fg", task: t.taskArn!, status: "RUNNING" }));
    pool.ws.send(
      JSON.stringify({ type: "ContainerHealth", reports: [{ taskArn: t.taskArn!, containers: [{ containerName: "app", healthStatus: "HEALTHY" }] }] }),
    );
    await until("the task is HEALTHY", async () => {
      const x = (await s.ecs.send(new DescribeTasksCommand({ cluster: "fg", tasks: [t.taskArn!] }))).tasks![0]!;
      return x.lastStatus === "RUNNING" && x.healthStatus === "HEALTHY";
    });
    await s.ecs.send(new SubmitTaskStateChangeCommand({ cluster: "fg", task: t.taskArn!, status: "STOPPED", reason: "done" }));
    assert.equal(await poolRemaining(), 1024, "STOPPED gives the reservation back to the pool instance");
  });

  it("enforces Fargate's task definitions, sizes, network configuration and platform versions", async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ taskDefinition: "web", launchType: "FARGATE" }, "InvalidParameterException", /^Task definition does not support launch_type FARGATE\.$/],
      [{ taskDefinition: "web", capacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }] }, "InvalidParameterException", /does not support launch_type FARGATE/],
      [
        { taskDefinition: "fg", launchType: "FARGATE", networkConfiguration: NETWORK, overrides: { cpu: "256", memory: "4096" } },
        "ClientException",
        /^No Fargate configuration exists for given values\. .*allowed: 512, 1024, 2048/,
      ],
      [{ taskDefinition: "fg", launchType: "FARGATE" }, "InvalidParameterException", /^Network Configuration must be provided when networkMode 'awsvpc' is specified\.$/],
      [{ taskDefinition: "fg", launchType: "FARGATE", networkConfiguration: NETWORK, platformVersion: "1.3.0" }, "PlatformUnknownException", /platform version/],
      [{ taskDefinition: "web", launchType: "EC2", platformVersion: "LATEST" }, "InvalidParameterException", /^The platform version must be null when specifying an EC2 launch type\.$/],
    ];
    for (const [input, name, message] of cases) {
      const err = await errorOf(() => s.ecs.send(new RunTaskCommand({ cluster: "fg", ...input } as never)));
      assert.equal(err.name, name, `${JSON.stringify(input)}: ${err.message}`);
      assert.match(err.message, message, JSON.stringify(input));
    }
  });

  it("splits FARGATE and FARGATE_SPOT on the same pool, and says when the pool is full", async () => {
    // FARGATE {base 1, weight 1}, FARGATE_SPOT {weight 1}, 5 tasks: 1 for the base, then 1:1
    // with ties to the earlier item → FARGATE 3, FARGATE_SPOT 2. The pool has 1024 cpu units,
    // room for 4 tasks of 256: the second FARGATE_SPOT task sees what the FARGATE share took.
    const res = await s.ecs.send(
      new RunTaskCommand({
        cluster: "fg",
        taskDefinition: "fg",
        count: 5,
        networkConfiguration: NETWORK,
        capacityProviderStrategy: [
          { capacityProvider: "FARGATE", base: 1, weight: 1 },
          { capacityProvider: "FARGATE_SPOT", weight: 1 },
        ],
      }),
    );
    assert.deepEqual(byProvider(res.tasks!), { FARGATE: 3, FARGATE_SPOT: 1 });
    assert.ok(res.tasks!.every((t) => t.launchType === "FARGATE" && t.containerInstanceArn === undefined));
    assert.equal(res.failures?.length, 1);
    assert.equal(res.failures?.[0]?.arn, undefined, "no pool instance is ever named");
    assert.equal(res.failures?.[0]?.reason, "Capacity is unavailable at this time. Please try again later or in a different availability zone");
    const ci = (await s.ecs.send(new DescribeContainerInstancesCommand({ cluster: POOL, containerInstances: [pool.arn] }))).containerInstances![0]!;
    assert.equal(ci.remainingResources!.find((r) => r.name === "CPU")!.integerValue, 0, "booked exactly once");
    await finish(s, "fg", res.tasks!);
    // The cluster's default (FARGATE_SPOT) applies without a launch type.
    const byDefault = await s.ecs.send(new RunTaskCommand({ cluster: "fg", taskDefinition: "fg", count: 2, networkConfiguration: NETWORK }));
    assert.deepEqual(byProvider(byDefault.tasks!), { FARGATE_SPOT: 2 });
    await finish(s, "fg", byDefault.tasks!);
  });

  it("has no Fargate capacity in a region without pool agents", async () => {
    const eu = s.client("eu-west-1");
    await eu.send(new CreateClusterCommand({ clusterName: "far" }));
    await eu.send(
      new RegisterTaskDefinitionCommand({
        family: "fg",
        networkMode: "awsvpc",
        cpu: "256",
        memory: "512",
        containerDefinitions: [{ name: "app", image: "busybox" }],
      }),
    );
    const res = await eu.send(new RunTaskCommand({ cluster: "far", taskDefinition: "fg", launchType: "FARGATE", networkConfiguration: await defaultNetwork(s.cp, "eu-west-1") }));
    assert.deepEqual(res.tasks, []);
    assert.equal(res.failures?.[0]?.reason, "Capacity is unavailable at this time. Please try again later or in a different availability zone");
    assert.match(res.failures?.[0]?.detail ?? "", /no Fargate pool agent in eu-west-1/);
  });

  it("runs services by a capacity provider strategy, echoing it instead of a launch type", async () => {
    const { service } = await s.ecs.send(
      new CreateServiceCommand({
        cluster: "asg",
        serviceName: "split",
        taskDefinition: "web",
        desiredCount: 4,
        capacityProviderStrategy: [
          { capacityProvider: "asg-a", base: 1, weight: 1 },
          { capacityProvider: "asg-b", weight: 1 },
        ],
      }),
    );
    assert.equal(service?.launchType, undefined);
    assert.deepEqual(service?.capacityProviderStrategy, [
      { capacityProvider: "asg-a", base: 1, weight: 1 },
      { capacityProvider: "asg-b", base: 0, weight: 1 },
    ]);
    assert.deepEqual(service?.deployments?.[0]?.capacityProviderStrategy, service?.capacityProviderStrategy);
    const serviceTasks = async () => {
      const arns = (await s.ecs.send(new ListTasksCommand({ cluster: "asg", serviceName: "split" }))).taskArns ?? [];
      return arns.length ? (await s.ecs.send(new DescribeTasksCommand({ cluster: "asg", tasks: arns }))).tasks! : [];
    };
    await until("the service has 4 tasks", async () => (await serviceTasks()).length === 4);
    // 1 for the base, then 3 at 1:1 with ties to the earlier item: asg-a 3, asg-b 1.
    assert.deepEqual(byProvider(await serviceTasks()), { "asg-a": 3, "asg-b": 1 });

    // A provider the service uses cannot leave the cluster.
    const inUse = await errorOf(() =>
      s.ecs.send(new PutClusterCapacityProvidersCommand({ cluster: "asg", capacityProviders: ["asg-b", "FARGATE"], defaultCapacityProviderStrategy: [] })),
    );
    assert.equal(inUse.name, "ResourceInUseException");
    assert.match(inUse.message, /^The specified capacity provider is in use and cannot be removed/);

    // Back to the launch type: stored, echoed, no new deployment (ecs-behavior.md §4.3).
    const updated = await s.ecs.send(new UpdateServiceCommand({ cluster: "asg", service: "split", capacityProviderStrategy: [] }));
    assert.equal(updated.service?.launchType, "EC2");
    assert.equal(updated.service?.capacityProviderStrategy, undefined);
    assert.equal(updated.service?.deployments?.length, 1);
    await s.ecs.send(new UpdateServiceCommand({ cluster: "asg", service: "split", desiredCount: 0 }));

    // A service created without either takes the cluster's default strategy, and shows it.
    const { service: byDefault } = await s.ecs.send(
      new CreateServiceCommand({ cluster: "fg", serviceName: "spot", taskDefinition: "fg", desiredCount: 0, networkConfiguration: NETWORK }),
    );
    assert.deepEqual(byDefault?.capacityProviderStrategy, [{ capacityProvider: "FARGATE_SPOT", base: 0, weight: 1 }]);
    assert.equal(byDefault?.platformVersion, "LATEST");
    assert.equal(byDefault?.platformFamily, "Linux");
  });

  it("runs a FARGATE service on the pool and refuses what Fargate services cannot be", async () => {
    const { service } = await s.ecs.send(
      new CreateServiceCommand({ cluster: "fg", serviceName: "api", taskDefinition: "fg", desiredCount: 1, launchType: "FARGATE", networkConfiguration: NETWORK }),
    );
    assert.equal(service?.launchType, "FARGATE");
    assert.equal(service?.capacityProviderStrategy, undefined);
    assert.equal(service?.deployments?.[0]?.platformVersion, "1.4.0");
    let task: Task | undefined;
    await until("the service's task is on the pool", async () => {
      const arns = (await s.ecs.send(new ListTasksCommand({ cluster: "fg", serviceName: "api" }))).taskArns ?? [];
      task = arns.length ? (await s.ecs.send(new DescribeTasksCommand({ cluster: "fg", tasks: arns }))).tasks![0] : undefined;
      return task !== undefined && pool.tasks().has(task.taskArn!);
    });
    assert.equal(task?.launchType, "FARGATE");
    assert.equal(task?.containerInstanceArn, undefined);
    const stats = (await s.ecs.send(new DescribeServicesCommand({ cluster: "fg", services: ["api"] }))).services![0]!;
    assert.equal(stats.launchType, "FARGATE");
    const cluster = (await s.ecs.send(new DescribeClustersCommand({ clusters: ["fg"], include: ["STATISTICS"] }))).clusters![0]!;
    assert.equal(cluster.statistics?.find((x) => x.name === "activeFargateServiceCount")?.value, "2");

    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ launchType: "FARGATE" }, "InvalidParameterException", /^Network Configuration must be provided/],
      [{ launchType: "FARGATE", taskDefinition: "web" }, "InvalidParameterException", /^Task definition does not support launch_type FARGATE\.$/],
      [
        { schedulingStrategy: "DAEMON", capacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1 }], desiredCount: undefined, networkConfiguration: NETWORK },
        "InvalidParameterException",
        /DAEMON/,
      ],
      [{ launchType: "EC2", taskDefinition: "web", platformVersion: "LATEST" }, "InvalidParameterException", /platform version must be null/],
    ];
    for (const [input, name, message] of cases) {
      const err = await errorOf(() =>
        s.ecs.send(new CreateServiceCommand({ cluster: "fg", serviceName: "bad", taskDefinition: "fg", desiredCount: 1, ...input } as never)),
      );
      assert.equal(err.name, name, `${JSON.stringify(input)}: ${err.message}`);
      assert.match(err.message, message, JSON.stringify(input));
    }
    await s.ecs.send(new UpdateServiceCommand({ cluster: "fg", service: "api", desiredCount: 0 }));
  });
});

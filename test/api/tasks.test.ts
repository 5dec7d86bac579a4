// Tasks from the control plane's side, with the agent played by the test: RunTask places and
// reserves, the channel delivers, state changes move the task forward, STOPPED gives back.
import {
  CreateClusterCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  DiscoverPollEndpointCommand,
  ListTasksCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StartTaskCommand,
  StopTaskCommand,
  SubmitContainerStateChangeCommand,
  SubmitTaskStateChangeCommand,
} from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import WebSocket from "ws";
import type { ServerMessage } from "../../src/model/index.js";
import { errorOf, startTestServer, type TestServer } from "../helpers/server.js";

const remaining = async (s: TestServer, arn: string) => {
  const res = await s.ecs.send(new DescribeContainerInstancesCommand({ cluster: "work", containerInstances: [arn] }));
  const r = res.containerInstances![0]!;
  const get = (n: string) => r.remainingResources!.find((x) => x.name === n)!;
  return { cpu: get("CPU").integerValue, memory: get("MEMORY").integerValue, ports: get("PORTS").stringSetValue, running: r.runningTasksCount };
};

/** Plays the agent's side of the channel: connects and records what the control plane sends. */
async function fakeAgent(s: TestServer, instance: string) {
  const { endpoint } = await s.ecs.send(new DiscoverPollEndpointCommand({ cluster: "work", containerInstance: instance }));
  const ws = new WebSocket(`${endpoint!.replace(/^http/, "ws")}ws?clusterArn=work&containerInstanceArn=${encodeURIComponent(instance)}`);
  const messages: ServerMessage[] = [];
  ws.on("message", (d) => messages.push(JSON.parse(d.toString())));
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  return { ws, messages };
}

async function until(what: string, check: () => Promise<boolean | undefined> | boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting until ${what}`);
}

describe("tasks through the AWS SDK", () => {
  let s: TestServer;
  let instance = "";
  let agent: Awaited<ReturnType<typeof fakeAgent>>;
  const connected = async () =>
    (await s.ecs.send(new DescribeContainerInstancesCommand({ cluster: "work", containerInstances: [instance] }))).containerInstances![0]!
      .agentConnected;
  before(async () => {
    s = await startTestServer();
    await s.ecs.send(new CreateClusterCommand({ clusterName: "work" }));
    const reg = await s.ecs.send(
      new RegisterContainerInstanceCommand({
        cluster: "work",
        totalResources: [
          { name: "CPU", type: "INTEGER", integerValue: 1024 },
          { name: "MEMORY", type: "INTEGER", integerValue: 1000 },
          { name: "PORTS", type: "STRINGSET", stringSetValue: ["22"] },
          { name: "PORTS_UDP", type: "STRINGSET", stringSetValue: [] },
        ],
        attributes: [{ name: "ecs.availability-zone", value: "us-east-1a" }],
      }),
    );
    instance = reg.containerInstance!.containerInstanceArn!;
    await s.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: "job",
        containerDefinitions: [{ name: "main", image: "busybox", memory: 300, cpu: 256, portMappings: [{ containerPort: 80, hostPort: 8080 }] }],
      }),
    );
    const refused = await s.ecs.send(new RunTaskCommand({ cluster: "work", taskDefinition: "job" }));
    assert.equal(refused.failures?.[0]?.reason, "AGENT", "no task goes to an instance whose agent is away");
    agent = await fakeAgent(s, instance);
    await until("the agent is connected", connected);
  });
  after(() => s.close());

  let taskArn = "";
  it("runs a task: placed, reserved, PROVISIONING, with ECS's fields", async () => {
    const res = await s.ecs.send(new RunTaskCommand({ cluster: "work", taskDefinition: "job", startedBy: "me", tags: [{ key: "k", value: "v" }] }));
    assert.deepEqual(res.failures, []);
    const t = res.tasks![0]!;
    taskArn = t.taskArn!;
    assert.match(taskArn, /^arn:aws:ecs:us-east-1:000000000000:task\/work\/[0-9a-f]{32}$/);
    assert.equal(t.lastStatus, "PROVISIONING");
    assert.equal(t.desiredStatus, "RUNNING");
    assert.equal(t.containerInstanceArn, instance);
    assert.equal(t.group, "family:job");
    assert.equal(t.startedBy, "me");
    assert.equal(t.availabilityZone, "us-east-1a");
    assert.equal(t.launchType, "EC2");
    assert.equal(t.cpu, "256");
    assert.equal(t.memory, "300");
    assert.equal(t.containers?.[0]?.lastStatus, "PENDING");
    assert.deepEqual(t.tags, [{ key: "k", value: "v" }]);
    assert.deepEqual(await remaining(s, instance), { cpu: 768, memory: 700, ports: ["22", "8080"], running: 1 });
  });

  it("refuses a second copy when the fixed host port is taken, saying why", async () => {
    const res = await s.ecs.send(new RunTaskCommand({ cluster: "work", taskDefinition: "job" }));
    assert.deepEqual(res.tasks, []);
    assert.equal(res.failures?.[0]?.arn, instance);
    assert.equal(res.failures?.[0]?.reason, "RESOURCE:PORTS");
  });

  it("delivers the task to the instance's agent over the channel, then its stop", async () => {
    await until("a manifest lists the task", () =>
      agent.messages.some((m) => m.type === "TaskManifest" && m.tasks.some((t) => t.taskArn === taskArn && t.desiredStatus === "RUNNING")),
    );
    const full = agent.messages.find((m) => m.type === "TaskManifest" && m.full);
    assert.ok(full, "the first manifest after connecting is a full one");
    const delivered = agent.messages.flatMap((m) => (m.type === "TaskManifest" ? m.tasks : [])).find((t) => t.taskArn === taskArn)!;
    assert.equal(delivered.containers[0]?.name, "main");
    assert.equal((delivered.containers[0]?.definition as { image?: string }).image, "busybox");

    await s.ecs.send(new StopTaskCommand({ cluster: "work", task: taskArn, reason: "enough" }));
    await until("the stop reaches the agent", () =>
      agent.messages.some((m) => m.type === "TaskManifest" && m.tasks.some((t) => t.taskArn === taskArn && t.desiredStatus === "STOPPED")),
    );
  });

  it("moves forward on the agent's reports and gives the reservation back at STOPPED", async () => {
    await s.ecs.send(
      new SubmitTaskStateChangeCommand({ cluster: "work", task: taskArn, status: "PENDING", pullStartedAt: new Date(), pullStoppedAt: new Date() }),
    );
    await s.ecs.send(
      new SubmitContainerStateChangeCommand({
        cluster: "work",
        task: taskArn,
        containerName: "main",
        status: "RUNNING",
        runtimeId: "abc",
        networkBindings: [{ bindIP: "0.0.0.0", containerPort: 80, hostPort: 8080, protocol: "tcp" }],
      }),
    );
    await s.ecs.send(new SubmitTaskStateChangeCommand({ cluster: "work", task: taskArn, status: "RUNNING" }));
    // A late PENDING report does not move the task backwards.
    await s.ecs.send(new SubmitTaskStateChangeCommand({ cluster: "work", task: taskArn, status: "PENDING" }));
    let t = (await s.ecs.send(new DescribeTasksCommand({ cluster: "work", tasks: [taskArn] }))).tasks![0]!;
    assert.equal(t.lastStatus, "RUNNING");
    assert.ok(t.startedAt instanceof Date);
    assert.equal(t.containers?.[0]?.networkBindings?.[0]?.hostPort, 8080);

    await s.ecs.send(
      new SubmitTaskStateChangeCommand({
        cluster: "work",
        task: taskArn,
        status: "STOPPED",
        reason: "Essential container in task exited",
        containers: [{ containerName: "main", status: "STOPPED", exitCode: 143 }],
      }),
    );
    t = (await s.ecs.send(new DescribeTasksCommand({ cluster: "work", tasks: [taskArn] }))).tasks![0]!;
    assert.equal(t.lastStatus, "STOPPED");
    assert.equal(t.stopCode, "UserInitiated", "the user's stop keeps its code");
    assert.equal(t.stoppedReason, "enough");
    assert.equal(t.containers?.[0]?.exitCode, 143);
    assert.ok(t.stoppedAt instanceof Date);
    assert.deepEqual(await remaining(s, instance), { cpu: 1024, memory: 1000, ports: ["22"], running: 0 });
  });

  it("lists by desired status, family and startedBy", async () => {
    const stopped = await s.ecs.send(new ListTasksCommand({ cluster: "work", desiredStatus: "STOPPED" }));
    assert.deepEqual(stopped.taskArns, [taskArn]);
    const running = await s.ecs.send(new ListTasksCommand({ cluster: "work" }));
    assert.deepEqual(running.taskArns, []);
    const started = await s.ecs.send(new ListTasksCommand({ cluster: "work", startedBy: "me", desiredStatus: "STOPPED" }));
    assert.deepEqual(started.taskArns, [taskArn]);
  });

  it("applies state changes sent over the channel as the API calls they stand for, answering each", async () => {
    const run = await s.ecs.send(new RunTaskCommand({ cluster: "work", taskDefinition: "job" }));
    const arn = run.tasks![0]!.taskArn!;
    const answers = new Map<string, Extract<ServerMessage, { type: "StateChangeAck" }>>();
    agent.ws.on("message", (d) => {
      const m = JSON.parse(d.toString()) as ServerMessage;
      if (m.type === "StateChangeAck") answers.set(m.messageId, m);
    });
    const ask = async (messageId: string, operation: string, input: object) => {
      agent.ws.send(JSON.stringify({ type: "StateChange", messageId, operation, input }));
      await until(`the answer to ${messageId}`, () => answers.has(messageId));
      return answers.get(messageId)!;
    };
    const lastStatus = async () => (await s.ecs.send(new DescribeTasksCommand({ cluster: "work", tasks: [arn] }))).tasks![0]!.lastStatus;

    const pulled = Date.UTC(2026, 10, 28, 1, 2, 3) / 1000;
    assert.equal((await ask("m1", "SubmitTaskStateChange", { cluster: "work", task: arn, status: "PENDING", pullStartedAt: pulled })).error, undefined);
    const t = (await s.ecs.send(new DescribeTasksCommand({ cluster: "work", tasks: [arn] }))).tasks![0]!;
    assert.equal(t.lastStatus, "PENDING");
    assert.equal(t.pullStartedAt?.getTime(), pulled * 1000, "timestamps travel as the wire's epoch seconds");

    const bad = await ask("m2", "SubmitTaskStateChange", { cluster: "work", task: arn, status: ["RUNNING"] });
    assert.equal(bad.error?.status, 400);
    assert.match(bad.error!.type, /SerializationException|InvalidParameterException/);
    assert.match(bad.error!.message, /status/);
    assert.equal(await lastStatus(), "PENDING", "a refused change changes nothing");

    const unknown = await ask("m3", "RunTask", { cluster: "work", taskDefinition: "job" });
    assert.deepEqual(unknown.error && { type: unknown.error.type, status: unknown.error.status }, { type: "UnknownOperationException", status: 400 });

    const container = await ask("m4", "SubmitContainerStateChange", { cluster: "work", task: arn, containerName: "main", status: "RUNNING", runtimeId: "r1" });
    assert.equal(container.error, undefined);
    assert.equal((await ask("m5", "SubmitTaskStateChange", { cluster: "work", task: arn, status: "RUNNING" })).error, undefined);
    assert.equal(await lastStatus(), "RUNNING");
    await s.ecs.send(new StopTaskCommand({ cluster: "work", task: arn }));
    await ask("m6", "SubmitTaskStateChange", { cluster: "work", task: arn, status: "STOPPED", containers: [{ containerName: "main", status: "STOPPED", exitCode: 0 }] });
    assert.equal(await lastStatus(), "STOPPED");
  });

  it("starts tasks on named instances and reports unknown ones", async () => {
    const res = await s.ecs.send(
      new StartTaskCommand({ cluster: "work", taskDefinition: "job", containerInstances: [instance, "f".repeat(32)] }),
    );
    assert.equal(res.tasks?.length, 1);
    assert.equal(res.tasks?.[0]?.containerInstanceArn, instance);
    assert.equal(res.failures?.[0]?.reason, "MISSING");
    // An essential exit without a user stop is EssentialContainerExited.
    const arn = res.tasks![0]!.taskArn!;
    await s.ecs.send(new SubmitTaskStateChangeCommand({ cluster: "work", task: arn, status: "RUNNING" }));
    await s.ecs.send(
      new SubmitTaskStateChangeCommand({ cluster: "work", task: arn, status: "STOPPED", reason: "Essential container in task exited" }),
    );
    const t = (await s.ecs.send(new DescribeTasksCommand({ cluster: "work", tasks: [arn] }))).tasks![0]!;
    assert.equal(t.stopCode, "EssentialContainerExited");
    assert.equal(t.stoppedReason, "Essential container in task exited");
  });

  it("marks the agent disconnected when its channel closes", async () => {
    agent.ws.close();
    await until("agentConnected is false", async () => (await connected()) === false);
  });

  it("refuses bad RunTask input with ECS's errors", async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ taskDefinition: "nope" }, "ClientException", /Unable to describe task definition/],
      [{ taskDefinition: "job", count: 11 }, "InvalidParameterException", /count/],
      [{ taskDefinition: "job", launchType: "EC2", capacityProviderStrategy: [{ capacityProvider: "FARGATE" }] }, "InvalidParameterException", /launch type and capacity provider/],
      [{ taskDefinition: "job", overrides: { containerOverrides: [{ name: "ghost" }] } }, "InvalidParameterException", /containerOverrides\[0\]\.name/],
      [{ taskDefinition: "job", placementConstraints: [{ type: "memberOf", expression: "attribute:x ==" }] }, "InvalidParameterException", /placementConstraints/],
      [{ taskDefinition: "job", propagateTags: "SERVICE" }, "InvalidParameterException", /propagateTags/],
    ];
    for (const [input, name, message] of cases) {
      const err = await errorOf(() => s.ecs.send(new RunTaskCommand({ cluster: "work", ...input } as never)));
      assert.equal(err.name, name, `${JSON.stringify(input)}: ${err.message}`);
      assert.match(err.message, message);
    }
    await s.ecs.send(new CreateClusterCommand({ clusterName: "empty" }));
    const none = await errorOf(() => s.ecs.send(new RunTaskCommand({ cluster: "empty", taskDefinition: "job" })));
    assert.equal(none.name, "InvalidParameterException");
    assert.equal(none.message, "No Container Instances were found in your cluster.");
    const stop = await errorOf(() => s.ecs.send(new StopTaskCommand({ cluster: "work", task: "0".repeat(32) })));
    assert.equal(stop.message, "The referenced task was not found.");
  });
});

// GetTaskProtection and UpdateTaskProtection through the AWS SDK and the AWS CLI: ECS's default
// (2 hours) and limits (1 to 2,880 minutes, 10 tasks), failures for unknown tasks (MISSING) and
// tasks of no service (TASK_NOT_VALID), expirationDate as ECS returns it, protection ending
// when the task stops. (The scheduler honouring it: task-protection-agent.test.ts and the
// scheduler's table tests.)
import {
  CreateClusterCommand,
  CreateServiceCommand,
  GetTaskProtectionCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  UpdateTaskProtectionCommand,
} from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { missingTool } from "../helpers/aws-cli.js";
import { awsCli, awsRefusal } from "../helpers/aws-json-cli.js";
import { agentIn, until } from "../helpers/fake-agent.js";
import { errorOf, startTestServer, type TestServer } from "../helpers/server.js";

const noCli = await missingTool("aws", ["--version"]);

describe("task scale-in protection through the AWS SDK and CLI", () => {
  let s: TestServer;
  let serviceTasks: string[] = [];
  let standalone = "";
  before(async () => {
    s = await startTestServer();
    await s.ecs.send(new CreateClusterCommand({ clusterName: "prot" }));
    await agentIn(s, "prot");
    await s.ecs.send(new RegisterTaskDefinitionCommand({ family: "p", containerDefinitions: [{ name: "c", image: "busybox", memory: 64 }] }));
    await s.ecs.send(new CreateServiceCommand({ cluster: "prot", serviceName: "web", taskDefinition: "p", desiredCount: 2 }));
    await until("the service's two tasks exist", async () => {
      const res = await s.ecs.send(new ListTasksCommand({ cluster: "prot", serviceName: "web" }));
      serviceTasks = res.taskArns ?? [];
      return serviceTasks.length === 2;
    });
    const run = await s.ecs.send(new RunTaskCommand({ cluster: "prot", taskDefinition: "p" }));
    standalone = run.tasks![0]!.taskArn!;
  });
  after(() => s.close());

  it("is off until set; enabling without expiresInMinutes protects for 120 minutes", async () => {
    const before = await s.ecs.send(new GetTaskProtectionCommand({ cluster: "prot", tasks: serviceTasks }));
    assert.deepEqual(before.protectedTasks, serviceTasks.map((taskArn) => ({ taskArn, protectionEnabled: false })));
    assert.deepEqual(before.failures, []);

    const t0 = Date.now();
    const res = await s.ecs.send(new UpdateTaskProtectionCommand({ cluster: "prot", tasks: [serviceTasks[0]!], protectionEnabled: true }));
    assert.equal(res.protectedTasks?.length, 1);
    const p = res.protectedTasks![0]!;
    assert.equal(p.taskArn, serviceTasks[0]);
    assert.equal(p.protectionEnabled, true);
    const minutes = (p.expirationDate!.getTime() - t0) / 60_000;
    assert.ok(minutes > 119.9 && minutes < 120.1, `expires in ${minutes} minutes`);

    // A bare task id works as the ARN does; the expiry is reset by the next call.
    const id = serviceTasks[0]!.slice(serviceTasks[0]!.lastIndexOf("/") + 1);
    const again = await s.ecs.send(new UpdateTaskProtectionCommand({ cluster: "prot", tasks: [id], protectionEnabled: true, expiresInMinutes: 2880 }));
    const days = (again.protectedTasks![0]!.expirationDate!.getTime() - t0) / 86_400_000;
    assert.ok(days > 1.99 && days < 2.01, `expires in ${days} days`);
    const got = await s.ecs.send(new GetTaskProtectionCommand({ cluster: "prot", tasks: [id] }));
    assert.deepEqual(got.protectedTasks?.[0]?.expirationDate, again.protectedTasks![0]!.expirationDate);
  });

  it("answers unknown tasks with MISSING and tasks of no service with TASK_NOT_VALID, changing nothing for them", async () => {
    const ghost = "arn:aws:ecs:us-east-1:000000000000:task/prot/0123456789abcdef0123456789abcdef";
    const res = await s.ecs.send(
      new UpdateTaskProtectionCommand({ cluster: "prot", tasks: [ghost, standalone, serviceTasks[1]!], protectionEnabled: true, expiresInMinutes: 5 }),
    );
    assert.deepEqual(res.failures, [
      { arn: ghost, reason: "MISSING" },
      { arn: standalone, reason: "TASK_NOT_VALID" },
    ]);
    assert.deepEqual(res.protectedTasks?.map((t) => [t.taskArn, t.protectionEnabled]), [[serviceTasks[1], true]]);
    const got = await s.ecs.send(new GetTaskProtectionCommand({ cluster: "prot", tasks: [standalone, "ffffffffffffffffffffffffffffffff"] }));
    assert.deepEqual(got.failures, [
      { arn: standalone, reason: "TASK_NOT_VALID" },
      { arn: "arn:aws:ecs:us-east-1:000000000000:task/prot/ffffffffffffffffffffffffffffffff", reason: "MISSING" },
    ]);
  });

  it("refuses expiresInMinutes outside 1..2880, more than 10 tasks, and an unknown cluster", async () => {
    for (const expiresInMinutes of [0, 2881, -5]) {
      const err = await errorOf(() => s.ecs.send(new UpdateTaskProtectionCommand({ cluster: "prot", tasks: [serviceTasks[0]!], protectionEnabled: true, expiresInMinutes })));
      assert.equal(err.name, "InvalidParameterException");
      assert.match(err.message, /expiresInMinutes/);
    }
    const many = Array.from({ length: 11 }, (_, i) => `${i}`.padStart(32, "a"));
    const err = await errorOf(() => s.ecs.send(new UpdateTaskProtectionCommand({ cluster: "prot", tasks: many, protectionEnabled: false })));
    assert.equal(err.name, "InvalidParameterException");
    assert.match(err.message, /'tasks'.*1 to 10/);
    const nc = await errorOf(() => s.ecs.send(new GetTaskProtectionCommand({ cluster: "nope", tasks: serviceTasks })));
    assert.equal(nc.name, "ClusterNotFoundException");
  });

  it("disabling clears the expiry; a stopping task is no longer protected", async () => {
    const off = await s.ecs.send(new UpdateTaskProtectionCommand({ cluster: "prot", tasks: [serviceTasks[1]!], protectionEnabled: false }));
    assert.deepEqual(off.protectedTasks, [{ taskArn: serviceTasks[1], protectionEnabled: false }]);
    await s.ecs.send(new StopTaskCommand({ cluster: "prot", task: serviceTasks[0]! }));
    const got = await s.ecs.send(new GetTaskProtectionCommand({ cluster: "prot", tasks: [serviceTasks[0]!] }));
    assert.deepEqual(got.protectedTasks, [{ taskArn: serviceTasks[0], protectionEnabled: false }]);
  });

  describe("through the AWS CLI", { skip: noCli }, () => {
    const ecs = awsCli("ecs", () => s);
    const refusal = awsRefusal(ecs, () => s);
    it("update-task-protection and get-task-protection", async () => {
      const live = (await s.ecs.send(new ListTasksCommand({ cluster: "prot", serviceName: "web" }))).taskArns!;
      const out = await ecs("update-task-protection", "--cluster", "prot", "--tasks", live[0]!, "--protection-enabled", "--expires-in-minutes", "60");
      assert.equal(out.protectedTasks[0].taskArn, live[0]);
      assert.equal(out.protectedTasks[0].protectionEnabled, true);
      assert.ok(out.protectedTasks[0].expirationDate !== undefined);
      const got = await ecs("get-task-protection", "--cluster", "prot", "--tasks", live[0]!);
      assert.equal(got.protectedTasks[0].expirationDate, out.protectedTasks[0].expirationDate);
      assert.equal(
        await refusal("update-task-protection", "--cluster", "prot", "--tasks", live[0]!, "--protection-enabled", "--expires-in-minutes", "3000"),
        "InvalidParameterException: Invalid parameter 'expiresInMinutes': 3000 is outside 1 to 2880 minutes (48 hours).",
      );
    });
  });
});

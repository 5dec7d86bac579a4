// Task scale-in protection end to end on a real process-runtime agent: a service task protects
// itself through $ECS_AGENT_URI/task-protection/v1/state (curl inside the task, the agent calling
// UpdateTaskProtection as the task role), then the service scales to zero: the unprotected task
// stops at once, the protected one keeps running — the decision log names it — until its
// one-minute protection expires, and then it stops too.
import { CreateServiceCommand, DescribeTasksCommand, GetTaskProtectionCommand, ListTasksCommand, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Cluster, startCluster, until } from "../agent/harness.js";
import { makeRole, noCli, taskOutput } from "../agent/identity-helpers.js";
import { rawCall } from "../helpers/raw.js";

describe("a task protects itself through the agent and survives a scale-in until its protection expires", { skip: noCli, timeout: 240_000 }, () => {
  let c: Cluster;
  let claimDir: string;
  before(async () => {
    c = await startCluster();
    await c.startAgent();
    claimDir = mkdtempSync(join(tmpdir(), "berth-protect-"));
  });
  after(async () => {
    await c?.close();
    rmSync(claimDir, { recursive: true, force: true });
  });

  it("protects, holds the scale-in, then lets the task go at the expiry", async () => {
    const roleArn = await makeRole(c, "protector", ["ecs:UpdateTaskProtection", "ecs:GetTaskProtection"]);
    const noRole = await c.registerTaskDefinition("unprotectable", [
      { name: "app", image: "busybox", memory: 32, command: ["sh", "-c", 'curl -s -X PUT -d \'{"ProtectionEnabled":true}\' "$ECS_AGENT_URI/task-protection/v1/state"; echo; exec sleep 300'] },
    ], { networkMode: "host" });
    // The first task to take the claim protects itself for one minute (ECS's minimum).
    const script = [
      `if mkdir ${claimDir}/claim 2>/dev/null; then`,
      `  echo "put $(curl -s -X PUT -d '{"ProtectionEnabled":true,"ExpiresInMinutes":1}' "$ECS_AGENT_URI/task-protection/v1/state")"`,
      `  echo "get $(curl -s "$ECS_AGENT_URI/task-protection/v1/state")"`,
      `  echo "bad $(curl -s -X PUT -d '{"Protection":true}' "$ECS_AGENT_URI/task-protection/v1/state")"`,
      "fi",
      "exec sleep 600",
    ].join("\n");
    const td = await c.registerTaskDefinition("guarded", [{ name: "app", image: "busybox", memory: 32, stopTimeout: 2, command: ["sh", "-c", script] }], {
      networkMode: "host",
      taskRoleArn: roleArn,
    });

    // Without a task role the agent has no credentials to call with: ECS's agent answers 403.
    const lone = await c.runTask(noRole);
    const refused = await until("the role-less task's answer", async () => (await taskOutput(c, lone)).find((l) => l.includes("error")), 30_000, 250);
    assert.deepEqual(JSON.parse(refused), {
      error: { Arn: lone, Code: "AccessDeniedException", Message: "Invalid Request: no task IAM role credentials available for task" },
    });

    await c.ecs.send(new CreateServiceCommand({ cluster: "default", serviceName: "guarded", taskDefinition: td, desiredCount: 2 }));
    let arns: string[] = [];
    await until("two running tasks", async () => {
      arns = (await c.ecs.send(new ListTasksCommand({ cluster: "default", serviceName: "guarded" }))).taskArns ?? [];
      if (arns.length !== 2) return false;
      const { tasks } = await c.ecs.send(new DescribeTasksCommand({ cluster: "default", tasks: arns }));
      return tasks!.every((t) => t.lastStatus === "RUNNING");
    }, 30_000, 100);

    // One of them protected itself; the endpoint answered in the agent's shapes.
    let protectedArn = "";
    let lines: string[] = [];
    await until("the claimant's curl output", async () => {
      for (const arn of arns) {
        const out = await taskOutput(c, arn);
        if (out.some((l) => l.startsWith("bad "))) {
          protectedArn = arn;
          lines = out;
          return true;
        }
      }
      return false;
    }, 30_000, 250);
    const put = JSON.parse(lines.find((l) => l.startsWith("put "))!.slice(4));
    assert.equal(put.protection.ProtectionEnabled, true);
    assert.equal(put.protection.TaskArn, protectedArn);
    assert.match(put.protection.ExpirationDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const get = JSON.parse(lines.find((l) => l.startsWith("get "))!.slice(4));
    assert.deepEqual(get, put);
    assert.deepEqual(JSON.parse(lines.find((l) => l.startsWith("bad "))!.slice(4)), {
      error: { Code: "InvalidParameterException", Message: "UpdateTaskProtection: failed to decode request" },
    });
    const expiresAt = Date.parse(put.protection.ExpirationDate);
    const api = await c.ecs.send(new GetTaskProtectionCommand({ cluster: "default", tasks: arns }));
    assert.deepEqual(api.protectedTasks!.filter((t) => t.protectionEnabled).map((t) => t.taskArn), [protectedArn]);

    // Scale in to zero: only the unprotected task goes while the protection holds.
    const other = arns.find((a) => a !== protectedArn)!;
    await c.ecs.send(new UpdateServiceCommand({ cluster: "default", service: "guarded", desiredCount: 0 }));
    await c.waitTask(other, "the unprotected task STOPPED", (t) => t.lastStatus === "STOPPED", 30_000);
    assert.ok(Date.now() < expiresAt - 5_000, "the test is too slow to observe the protection holding");
    const held = await c.describe(protectedArn);
    assert.equal(held.desiredStatus, "RUNNING");
    const res = await rawCall(c.cp.url, "Berth_20261128.DescribeServiceDecisions", JSON.stringify({ service: "guarded", maxResults: 20 }));
    const waits = ((res.body.decisions as { waits: string[] }[]) ?? []).flatMap((d) => d.waits);
    const id = protectedArn.slice(protectedArn.lastIndexOf("/") + 1);
    assert.ok(waits.some((w) => w.includes("protected from scale-in") && w.includes(`(task ${id})`)), waits.join("\n"));

    // At the expiry the pass comes back by itself and stops the task.
    const stopped = await c.waitTask(protectedArn, "the protected task STOPPED after its expiry", (t) => t.lastStatus === "STOPPED", 100_000);
    assert.ok(stopped.stoppingAt!.getTime() >= expiresAt - 1_000, `stopped at ${stopped.stoppingAt?.toISOString()}, protected until ${put.protection.ExpirationDate}`);
    assert.equal(stopped.stopCode, "ServiceSchedulerInitiated");
  });
});

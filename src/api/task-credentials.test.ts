import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pino from "pino";
import type { Deps } from "../domain/index.js";
import type { taskRecords } from "../domain/index.js";
import { AwsError, rolesNeeded, type ServerMessage } from "../model/index.js";
import { assumeFailureReason, refreshAt, wantsCredentials } from "./task-credential-rules.js";
import { CredentialsVendor, type VendorTimers } from "./task-credentials.js";

const HOUR = 3_600_000;
const TASK_ARN = "arn:aws:ecs:us-east-1:000000000000:task/default/0123456789abcdef0123456789abcdef";
const ROLE = "arn:aws:iam::000000000000:role/app";
const EXEC = "arn:aws:iam::000000000000:role/exec";

function aTask(over: Partial<taskRecords.TaskRecord> = {}, assignment: Partial<taskRecords.TaskRecord["assignment"]> = {}): taskRecords.TaskRecord {
  return {
    taskArn: TASK_ARN,
    id: "0123456789abcdef0123456789abcdef",
    clusterArn: "arn:aws:ecs:us-east-1:000000000000:cluster/default",
    clusterName: "default",
    taskDefinitionArn: "td",
    containerInstanceArn: "ci",
    launchType: "EC2",
    group: "family:app",
    lastStatus: "PROVISIONING",
    desiredStatus: "RUNNING",
    healthStatus: "UNKNOWN",
    createdAt: 0,
    overrides: {},
    attachments: [],
    attributes: [],
    containers: [],
    tags: [],
    version: 1,
    enableExecuteCommand: false,
    reserved: { cpu: 0, memory: 0, ports: [], portsUdp: [] },
    released: false,
    assignment: { taskArn: TASK_ARN, clusterArn: "c", taskDefinitionArn: "td", family: "app", revision: 1, networkMode: "bridge", containers: [{ name: "app", containerArn: "x", definition: {} }], volumes: [], taskRoleArn: ROLE, ...assignment },
    ...over,
  } as taskRecords.TaskRecord;
}

/** A clock and timers the test moves by hand. */
function fakeTime() {
  let now = 0;
  const pending: { at: number; fn: () => void; id: number }[] = [];
  let seq = 0;
  const timers: VendorTimers = {
    setTimeout: (fn, ms) => {
      const t = { at: now + ms, fn, id: ++seq };
      pending.push(t);
      return t.id;
    },
    clearTimeout: (id) => {
      const i = pending.findIndex((p) => p.id === id);
      if (i >= 0) pending.splice(i, 1);
    },
  };
  return {
    timers,
    clock: { now: () => now },
    pendingAt: () => pending.map((p) => p.at),
    async advance(ms: number) {
      now += ms;
      for (;;) {
        const due = pending.filter((p) => p.at <= now).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        pending.splice(pending.indexOf(due), 1);
        due.fn();
        await new Promise((r) => setImmediate(r));
      }
    },
  };
}

function setup(task: taskRecords.TaskRecord, assume?: (roleArn: string) => Promise<void>) {
  const time = fakeTime();
  let current: taskRecords.TaskRecord | undefined = task;
  const deps = { clock: time.clock, cache: { get: () => current } } as unknown as Deps;
  const issued: string[] = [];
  const revoked: string[] = [];
  const pushed: ServerMessage[] = [];
  const stopped: string[] = [];
  let n = 0;
  const vendor = new CredentialsVendor(deps, {
    logger: pino({ level: "silent" }),
    timers: time.timers,
    push: (_t, messages) => pushed.push(...messages),
    assume: async (req) => {
      await assume?.(req.roleArn);
      assert.equal(req.servicePrincipal, "ecs-tasks.amazonaws.com");
      assert.equal(req.sessionName, task.id);
      assert.equal(req.sourceArn, TASK_ARN);
      assert.equal(req.durationSeconds, 6 * 3600);
      const key = `ASIA${++n}`;
      issued.push(key);
      return {
        accessKeyId: key,
        secretAccessKey: `secret-${n}`,
        sessionToken: `token-${n}`,
        expiration: new Date(time.clock.now() + 6 * HOUR).toISOString().replace(/\.\d{3}Z$/, "Z"),
        roleArn: req.roleArn,
        assumedRoleId: "AROA:x",
        assumedRoleArn: "arn:aws:sts::000000000000:assumed-role/app/x",
      };
    },
    revoke: async (_a, key) => void revoked.push(key),
    stop: async (t, reason) => {
      stopped.push(reason);
      return { ...t, desiredStatus: "STOPPED", stoppedReason: reason };
    },
  });
  return { vendor, time, issued, revoked, pushed, stopped, setTask: (t: taskRecords.TaskRecord | undefined) => (current = t) };
}

describe("CredentialsVendor", () => {
  it("issues the task role once, keeps its id across renewals, renews at half life and pushes the new keys", async () => {
    const s = setup(aTask());
    const first = await s.vendor.prepare([aTask()]);
    assert.equal(first.messages.length, 1);
    const m = first.messages[0]!;
    assert.ok(m.type === "TaskCredentials" && m.roleType === "TaskApplication" && m.credentials.accessKeyId === "ASIA1");
    // Cached: a second manifest sends the same keys without a new session.
    const again = await s.vendor.prepare([aTask()]);
    assert.equal(again.messages[0]!.type === "TaskCredentials" && again.messages[0]!.credentials.accessKeyId, "ASIA1");
    assert.deepEqual(s.issued, ["ASIA1"]);
    assert.deepEqual(s.time.pendingAt(), [3 * HOUR]);
    await s.time.advance(3 * HOUR);
    assert.deepEqual(s.issued, ["ASIA1", "ASIA2"]);
    const pushed = s.pushed[0]!;
    assert.ok(pushed.type === "TaskCredentials" && m.type === "TaskCredentials");
    assert.equal(pushed.credentials.accessKeyId, "ASIA2");
    assert.equal(pushed.credentials.credentialsId, m.credentials.credentialsId, "renewals keep the id the containers know");
    assert.deepEqual(s.revoked, [], "a renewal does not revoke the keys clients still hold");
  });

  it("stops renewing a stopped task and revokes every session it had", async () => {
    const s = setup(aTask());
    await s.vendor.prepare([aTask()]);
    await s.time.advance(3 * HOUR);
    s.setTask(aTask({ lastStatus: "STOPPED", desiredStatus: "STOPPED" }));
    await s.time.advance(3 * HOUR);
    assert.deepEqual(s.revoked, ["ASIA1", "ASIA2"]);
    assert.equal(s.vendor.size, 0);
    assert.deepEqual(s.time.pendingAt(), []);
  });

  it("forget (the channel saw STOPPED) revokes at once", async () => {
    const s = setup(aTask());
    await s.vendor.prepare([aTask()]);
    s.vendor.forget(TASK_ARN);
    assert.deepEqual(s.revoked, ["ASIA1"]);
    assert.deepEqual(s.time.pendingAt(), []);
  });

  it("stops a task whose role is missing or untrusting before it starts, with ECS's reason", async () => {
    for (const code of ["NoSuchEntity", "AccessDenied"]) {
      const s = setup(aTask(), async () => {
        throw new AwsError(code, "no");
      });
      const out = await s.vendor.prepare([aTask()]);
      assert.deepEqual(out.messages, []);
      assert.equal(out.stopped.length, 1);
      assert.deepEqual(s.stopped, [assumeFailureReason(ROLE)]);
      assert.match(s.stopped[0]!, /^ECS was unable to assume the role 'arn:aws:iam::000000000000:role\/app' that was provided for this task\. Please verify/);
    }
  });

  it("a running task keeps its keys while a failed renewal is retried", async () => {
    let fail = false;
    const s = setup(aTask(), async () => {
      if (fail) throw new AwsError("NoSuchEntity", "gone");
    });
    await s.vendor.prepare([aTask({ startedAt: 1 })]);
    s.setTask(aTask({ startedAt: 1, lastStatus: "RUNNING" }));
    fail = true;
    await s.time.advance(3 * HOUR);
    assert.deepEqual(s.stopped, [], "a task that runs is not stopped for its role");
    assert.ok(s.pushed.every((m) => m.type === "TaskCredentials" && m.credentials.accessKeyId === "ASIA1"));
    assert.deepEqual(s.time.pendingAt(), [3 * HOUR + 30_000]);
    fail = false;
    await s.time.advance(30_000);
    assert.equal(s.issued.at(-1), "ASIA2");
  });

  it("issues the execution role only for a task with secrets, and concurrent prepares share one session", async () => {
    const withSecrets = aTask({}, { executionRoleArn: EXEC, containers: [{ name: "app", containerArn: "x", definition: { secrets: [{ name: "A", valueFrom: "/a" }] } }] });
    const s = setup(withSecrets);
    const [a, b] = await Promise.all([s.vendor.prepare([withSecrets]), s.vendor.prepare([withSecrets])]);
    assert.deepEqual(
      a.messages.map((m) => m.type === "TaskCredentials" && m.roleType),
      ["TaskApplication", "TaskExecution"],
    );
    assert.equal(b.messages.length, 2);
    assert.equal(s.issued.length, 2);
    const plain = setup(aTask({}, { executionRoleArn: EXEC }));
    const out = await plain.vendor.prepare([aTask({}, { executionRoleArn: EXEC })]);
    assert.deepEqual(out.messages.map((m) => m.type === "TaskCredentials" && m.roleType), ["TaskApplication"]);
  });

  it("nothing for a task that stopped, or was stopped before it ran", async () => {
    const s = setup(aTask());
    assert.deepEqual((await s.vendor.prepare([aTask({ lastStatus: "STOPPED" })])).messages, []);
    assert.deepEqual((await s.vendor.prepare([aTask({ desiredStatus: "STOPPED" })])).messages, []);
    assert.deepEqual(s.issued, []);
  });
});

describe("task credential rules", () => {
  it("renews at half life", () => {
    assert.equal(refreshAt(Date.parse("2026-12-05T12:00:00Z"), "2026-12-05T18:00:00Z"), Date.parse("2026-12-05T15:00:00Z"));
  });
  it("wants credentials while the task may run", () => {
    assert.ok(wantsCredentials({ lastStatus: "PENDING", agentDesired: "RUNNING" }));
    assert.ok(wantsCredentials({ lastStatus: "RUNNING", agentDesired: "STOPPED", startedAt: 1 }), "a stopping task still runs");
    assert.ok(!wantsCredentials({ lastStatus: "PROVISIONING", agentDesired: "STOPPED" }));
    assert.ok(!wantsCredentials({ lastStatus: "STOPPED", agentDesired: "STOPPED", startedAt: 1 }));
  });
  it("needs the execution role only for secrets", () => {
    const containers = [{ name: "a", containerArn: "x", definition: {} }];
    assert.deepEqual(rolesNeeded({ executionRoleArn: EXEC, containers }), []);
    assert.deepEqual(rolesNeeded({ executionRoleArn: EXEC, containers: [{ name: "a", containerArn: "x", definition: { secrets: [{}] } }] }), [{ roleType: "TaskExecution", roleArn: EXEC }]);
    assert.deepEqual(rolesNeeded({ taskRoleArn: ROLE, containers }), [{ roleType: "TaskApplication", roleArn: ROLE }]);
  });
});

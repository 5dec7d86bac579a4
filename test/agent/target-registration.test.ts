// ECS services with loadBalancers, for real: a real control plane, two real agents running
// process-runtime tasks, the AWS SDK. The target group is written into the store as the ELBv2 API
// would, and target health as the load balancer controller would (the records contract,
// src/domain/elbv2/records.ts): this test plays the data plane. It checks that a RUNNING task is
// registered (instance id + host port), counts for the deployment only once its target is
// healthy, is drained before it is stopped (DEACTIVATING, no SIGTERM while the data plane still
// holds its target), is replaced when its target turns unhealthy, and is deregistered at once
// when its process dies by itself — with ECS's events and the load balancer's view in the
// decision log.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  ListTasksCommand,
  StopTaskCommand,
  type Task,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import type { DecisionLogEntry } from "../../src/domain/service-reconciler.js";
import { readDecisions } from "../../src/domain/service-logs.js";
import { commit, put } from "../../src/domain/deps.js";
import { elbKeys, type TargetGroupRecord, type TargetRecord } from "../../src/domain/elbv2/records.js";
import { dropHealth, SCOPE, seedTargetGroup, setHealth, targetsOf } from "../helpers/elb-records.js";
import { freePort } from "../helpers/ports.js";
import { type Cluster, startCluster, until } from "./harness.js";

describe("ECS loadBalancers: registration, drain before stop, ELB health", { timeout: 180_000 }, () => {
  let c: Cluster;
  let dir: string;
  let tg: string;
  let port: number;
  let instanceIds: Map<string, string>;
  const service = "web";
  const events = async () =>
    ((await c.ecs.send(new DescribeServicesCommand({ cluster: "default", services: [service] }))).services?.[0]?.events ?? []).map((e) => e.message!);
  /** The task knows its id (it signs its SIGTERM note with it) once it has written it here. */
  const started = (taskArn: string) =>
    until("the task knows its id", () => existsSync(join(dir, "started")) && readFileSync(join(dir, "started"), "utf8").split("\n").includes(idOf(taskArn)));
  const sigterms = () => (existsSync(join(dir, "sigterm")) ? readFileSync(join(dir, "sigterm"), "utf8").trim().split("\n") : []);
  const idOf = (arn: string) => arn.split("/").pop()!;
  const registered = (taskArn: string) => targetsOf(c.cp.deps, tg).find((t: TargetRecord) => t.ecs?.taskArn === taskArn);
  const runningTasks = async () => (await c.ecs.send(new ListTasksCommand({ cluster: "default", serviceName: service, desiredStatus: "RUNNING" }))).taskArns ?? [];
  const waitRegistered = (what: string, not: string[] = []) =>
    until(what, () => targetsOf(c.cp.deps, tg).find((t) => t.ecs && !not.includes(t.ecs.taskArn)), 60_000);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "berth-lb-"));
    // The test plays the data plane: no load balancer controller writes health records here.
    c = await startCluster({ loadBalancers: false });
    // Two instances whose process runtime binds container ports on the host (bridgeNamespaces:
    // false; as root the agent would forward a dynamic host port instead), so a replacement goes
    // to the other instance while the task it replaces drains.
    await c.startAgent({ bridgeNamespaces: false });
    await c.startAgent({ bridgeNamespaces: false });
    const { containerInstances } = await c.ecs.send(new DescribeContainerInstancesCommand({ cluster: "default", containerInstances: c.agents.map((a) => a.containerInstanceArn) }));
    instanceIds = new Map(containerInstances!.map((i) => [i.containerInstanceArn!, i.ec2InstanceId!]));
    tg = (await seedTargetGroup(c.cp.deps, { name: "web", targetType: "instance", delaySeconds: 600 })).targetGroupArn;
    port = await freePort();
    // The task learns its id from the task metadata endpoint; it notes a SIGTERM in a file and
    // exits when the test asks it to die by itself (die-<task id>). It binds nothing: the test
    // plays the load balancer.
    const program = `
      const fs = require("fs"); const dir = ${JSON.stringify(dir)}; let id = "?";
      process.on("SIGTERM", () => { fs.appendFileSync(dir + "/sigterm", id + "\\n"); process.exit(0); });
      fetch(process.env.ECS_CONTAINER_METADATA_URI_V4 + "/task").then((r) => r.json()).then((m) => { id = m.TaskARN.split("/").pop(); fs.appendFileSync(dir + "/started", id + "\\n"); });
      setInterval(() => { if (fs.existsSync(dir + "/die-" + id)) process.exit(3); }, 50);`;
    await c.registerTaskDefinition("web", [
      { name: "app", image: "busybox", memory: 64, essential: true, stopTimeout: 5, portMappings: [{ containerPort: port }], command: [process.execPath, "-e", program] },
    ]);
  });
  after(async () => {
    await c?.ecs.send(new DeleteServiceCommand({ cluster: "default", service, force: true })).catch(() => undefined);
    // Let the drains end so the agents stop every task before they go.
    for (const t of targetsOf(c.cp.deps, tg)) await dropHealth(c.cp.deps, tg, t).catch(() => undefined);
    await c?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  let first: string;
  it("registers a RUNNING task by instance id and host port, and counts it only once its target is healthy", async () => {
    await c.ecs.send(
      new CreateServiceCommand({
        cluster: "default",
        serviceName: service,
        taskDefinition: "web",
        desiredCount: 1,
        loadBalancers: [{ targetGroupArn: tg, containerName: "app", containerPort: port }],
        deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200, deploymentCircuitBreaker: { enable: true, rollback: false } },
      }),
    );
    const target = await waitRegistered("the first task registered");
    first = target.ecs!.taskArn;
    const task = await c.describe(first);
    assert.equal(task.lastStatus, "RUNNING");
    assert.deepEqual({ Id: target.Id, Port: target.Port }, { Id: instanceIds.get(task.containerInstanceArn!), Port: port });
    assert.deepEqual(target.ecs, { serviceArn: "arn:aws:ecs:us-east-1:000000000000:service/default/web", taskArn: first, containerName: "app", containerPort: port });
    await until("the registration event", async () => (await events()).includes(`(service web) registered 1 targets in (target-group ${tg})`));

    // Registered, but the load balancer has not found it healthy: the deployment is not done.
    await setHealth(c.cp.deps, tg, target, "initial", { Reason: "Elb.RegistrationInProgress", Description: "Target registration is in progress" });
    const before = await c.ecs.send(new DescribeServicesCommand({ cluster: "default", services: [service] }));
    assert.equal(before.services?.[0]?.deployments?.[0]?.rolloutState, "IN_PROGRESS");
    assert.ok(!(await events()).some((m) => m.includes("steady state")));

    await setHealth(c.cp.deps, tg, target, "healthy");
    await until("steady state once the target is healthy", async () => (await events()).includes("(service web) has reached a steady state."), 30_000);
    // Each decision shows what the load balancer saw: the launch (no target yet), then the
    // completion (one healthy target).
    const decisions = readDecisions<DecisionLogEntry>(c.cp.deps, SCOPE, { clusterName: "default", serviceName: service });
    assert.deepEqual(decisions.at(-1)!.inputs.targetGroups, [{ targetGroupArn: tg, targets: {} }]);
    // The pass that completed it; a later pass may come (the log is newest first).
    assert.ok(
      decisions.some((d) => JSON.stringify(d.inputs.targetGroups) === JSON.stringify([{ targetGroupArn: tg, targets: { healthy: 1 } }])),
      JSON.stringify(decisions.map((d) => d.inputs.targetGroups)),
    );
  });

  let second: string;
  it("drains a stopped task: DEACTIVATING, deregistered, no SIGTERM until the data plane lets the target go", async () => {
    const target = registered(first)!;
    await started(first);
    await c.ecs.send(new StopTaskCommand({ cluster: "default", task: first }));
    await c.waitTask(first, "DEACTIVATING", (t) => t.lastStatus === "DEACTIVATING" && t.desiredStatus === "STOPPED");
    assert.equal(registered(first), undefined, "deregistered");
    // The data plane drains it.
    await setHealth(c.cp.deps, tg, target, "draining", { Reason: "Target.DeregistrationInProgress", Description: "Target deregistration is in progress" });
    await until("the drain events", async () => {
      const e = await events();
      return e.includes("(service web) has begun draining connections on 1 tasks.") && e.includes(`(service web) deregistered 1 targets in (target-group ${tg})`);
    });

    // The replacement starts on the other instance and registers while the first still drains:
    // the first has had no SIGTERM, and its container still runs.
    second = (await waitRegistered("the replacement registered", [first])).ecs!.taskArn;
    const draining: Task = await c.describe(first);
    assert.equal(draining.lastStatus, "DEACTIVATING");
    assert.equal(draining.containers?.[0]?.lastStatus, "RUNNING");
    assert.deepEqual(sigterms(), []);

    // The data plane lets the target go: the agent gets the stop now.
    await dropHealth(c.cp.deps, tg, target);
    await c.waitTask(first, "STOPPED after the drain", (t) => t.lastStatus === "STOPPED", 30_000);
    assert.deepEqual(sigterms(), [idOf(first)]);
  });

  it("replaces a task whose target turns unhealthy, with ECS's event and stoppedReason", async () => {
    const target = registered(second)!;
    await setHealth(c.cp.deps, tg, target, "healthy");
    await setHealth(c.cp.deps, tg, target, "unhealthy", { Reason: "Target.ResponseCodeMismatch", Description: "Health checks failed with these codes: [500]" });
    const stopped = await c.waitTask(second, "stopped for ELB health checks", (t) => t.desiredStatus === "STOPPED", 30_000);
    assert.equal(stopped.stoppedReason, `Task failed ELB health checks in (target-group ${tg})`);
    assert.equal(stopped.stopCode, "ServiceSchedulerInitiated");
    const instanceId = instanceIds.get(stopped.containerInstanceArn!);
    await until("the unhealthy event", async () =>
      (await events()).includes(
        `(service web) (task ${idOf(second)}) (instance ${instanceId}) (port ${port}) is unhealthy in (target-group ${tg}) due to (reason Health checks failed with these codes: [500]).`,
      ),
    );
    await c.waitTask(second, "draining", (t) => t.lastStatus === "DEACTIVATING");
    const third = (await waitRegistered("its replacement registered", [first, second])).ecs!.taskArn;
    assert.deepEqual(await runningTasks(), [third]);
    await dropHealth(c.cp.deps, tg, target);
    await c.waitTask(second, "STOPPED", (t) => t.lastStatus === "STOPPED", 30_000);
  });

  it("deregisters at once a task whose process died by itself", async () => {
    const third = (await runningTasks())[0]!;
    const target = registered(third)!;
    await setHealth(c.cp.deps, tg, target, "healthy");
    await started(third);
    writeFileSync(join(dir, `die-${idOf(third)}`), "");
    await c.waitTask(third, "STOPPED by itself", (t) => t.lastStatus === "STOPPED", 30_000);
    // Its health record is still there (the data plane has not let it go), yet it is deregistered.
    await until("deregistered", () => registered(third) === undefined);
    assert.ok(!sigterms().includes(idOf(third)));
    await waitRegistered("a replacement registered", [first, second, third]);
  });

  it("scale-in drains too, and the deregistration delay ends a drain the data plane holds on to", async () => {
    const last = (await runningTasks())[0]!;
    const target = registered(last)!;
    await setHealth(c.cp.deps, tg, target, "healthy");
    // ModifyTargetGroupAttributes, as the ELBv2 API would store it: a 1 s delay.
    const key = elbKeys.targetGroup(SCOPE, tg);
    const group = c.cp.deps.cache.get<TargetGroupRecord>(key)!;
    await commit(c.cp.deps, () => ({ guards: [], ops: [put(key, { ...group, attributes: { ...group.attributes, "deregistration_delay.timeout_seconds": "1" } })], result: undefined }));
    await started(last);
    await c.ecs.send(new UpdateServiceCommand({ cluster: "default", service, desiredCount: 0 }));
    const draining = await c.waitTask(last, "draining after scale-in", (t) => t.lastStatus === "DEACTIVATING");
    assert.match(draining.stoppedReason ?? "", /^Scaling activity initiated by \(deployment ecs-svc\/\d+\)$/);
    await setHealth(c.cp.deps, tg, target, "draining", { Reason: "Target.DeregistrationInProgress", Description: "Target deregistration is in progress" });
    await c.waitTask(last, "STOPPED once the delay passed", (t) => t.lastStatus === "STOPPED", 30_000);
    assert.ok(c.cp.deps.cache.getEntry(elbKeys.targetHealth(SCOPE, tg, target)), "the data plane still held the target");
    assert.ok(sigterms().includes(idOf(last)));
    await dropHealth(c.cp.deps, tg, target);
  });
});

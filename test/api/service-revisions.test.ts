// Service revisions and stopping a deployment, on a real process-runtime agent, through the AWS
// SDK and the AWS CLI: a service reaches its first revision (SUCCESSFUL); an update to a
// revision whose tasks never get healthy stays IN_PROGRESS; DescribeServiceRevisions shows each
// revision's task definition, launch settings and images; StopServiceDeployment (ROLLBACK)
// returns the service to the first revision — ROLLBACK_IN_PROGRESS, then ROLLBACK_SUCCESSFUL, the
// stuck tasks stopped and the first revision's running — and refusals are ECS's exceptions.
import {
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListServiceDeploymentsCommand,
  ListTasksCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Cluster, startCluster, until } from "../agent/harness.js";
import { aws, noCli } from "../agent/identity-helpers.js";
import { errorOf } from "../helpers/server.js";

const looping = 'trap "exit 0" TERM; while true; do sleep 0.2; done';

describe("service revisions and StopServiceDeployment", { timeout: 240_000 }, () => {
  let c: Cluster;
  let td1 = "";
  let td2 = "";
  before(async () => {
    c = await startCluster();
    await c.startAgent();
    td1 = await c.registerTaskDefinition("rev", [
      { name: "app", image: "busybox", memory: 32, stopTimeout: 2, command: ["sh", "-c", looping], healthCheck: { command: ["CMD", "true"], interval: 5, timeout: 2, retries: 1 } },
    ]);
    // Its health check never passes within a long start period: its tasks stay "starting".
    td2 = await c.registerTaskDefinition("rev", [
      { name: "app", image: "busybox", memory: 32, stopTimeout: 2, command: ["sh", "-c", looping], healthCheck: { command: ["CMD-SHELL", "exit 1"], interval: 5, timeout: 2, retries: 10, startPeriod: 300 } },
    ]);
  });
  after(() => c?.close());

  const deployments = async () => (await c.ecs.send(new ListServiceDeploymentsCommand({ cluster: "default", service: "rev" }))).serviceDeployments ?? [];
  const describeDeployment = async (arn: string) => (await c.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }))).serviceDeployments![0]!;

  it("rolls a stuck deployment back to the previous revision", async () => {
    await c.ecs.send(new CreateServiceCommand({ cluster: "default", serviceName: "rev", taskDefinition: td1, desiredCount: 2 }));
    await until("the first deployment SUCCESSFUL", async () => (await deployments())[0]?.status === "SUCCESSFUL", 60_000, 250);
    await c.ecs.send(new UpdateServiceCommand({ cluster: "default", service: "rev", taskDefinition: td2 }));
    let list = await deployments();
    assert.deepEqual(list.map((d) => d.status), ["IN_PROGRESS", "SUCCESSFUL"]);
    const [second, first] = list as [(typeof list)[0], (typeof list)[0]];
    assert.match(second.serviceDeploymentArn!, /^arn:aws:ecs:us-east-1:\d{12}:service-deployment\/default\/rev\/\d+$/);
    assert.match(second.targetServiceRevisionArn!, /^arn:aws:ecs:us-east-1:\d{12}:service-revision\/default\/rev\/\d+$/);

    // Each revision: its task definition, launch settings and images.
    const revs = await c.ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: [first.targetServiceRevisionArn!, second.targetServiceRevisionArn!, `${first.targetServiceRevisionArn!}9`] }));
    assert.deepEqual(revs.serviceRevisions!.map((r) => [r.serviceRevisionArn, r.taskDefinition, r.launchType, r.loadBalancers, r.serviceRegistries]), [
      [first.targetServiceRevisionArn, td1, "EC2", [], []],
      [second.targetServiceRevisionArn, td2, "EC2", [], []],
    ]);
    assert.deepEqual(revs.serviceRevisions![0]!.containerImages?.map((i) => [i.containerName, i.image]), [["app", "busybox"]]);
    assert.ok(revs.serviceRevisions![0]!.createdAt instanceof Date);
    assert.deepEqual(revs.failures, [{ arn: `${first.targetServiceRevisionArn!}9`, reason: "MISSING" }]);

    // The new tasks start but never get healthy: the deployment stays IN_PROGRESS.
    await until("the second revision's tasks RUNNING", async () => {
      const arns = (await c.ecs.send(new ListTasksCommand({ cluster: "default", serviceName: "rev" }))).taskArns ?? [];
      const { tasks } = await c.ecs.send(new DescribeTasksCommand({ cluster: "default", tasks: arns }));
      return tasks!.filter((t) => t.taskDefinitionArn === td2 && t.lastStatus === "RUNNING").length === 2;
    }, 30_000, 250);
    assert.equal((await describeDeployment(second.serviceDeploymentArn!)).status, "IN_PROGRESS");

    const stopped = await c.ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: second.serviceDeploymentArn!, stopType: "ROLLBACK" }));
    assert.equal(stopped.serviceDeploymentArn, second.serviceDeploymentArn);
    const during = await describeDeployment(second.serviceDeploymentArn!);
    assert.equal(during.status, "ROLLBACK_IN_PROGRESS");
    assert.ok(during.stoppedAt instanceof Date);
    assert.equal(during.rollback?.serviceRevisionArn, first.targetServiceRevisionArn);
    const svc = (await c.ecs.send(new DescribeServicesCommand({ cluster: "default", services: ["rev"] }))).services![0]!;
    assert.equal(svc.taskDefinition, td1);

    // A deployment being rolled back cannot be stopped again.
    const again = await errorOf(() => c.ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: second.serviceDeploymentArn! })));
    assert.equal(again.name, "ConflictException");
    assert.match(again.message, /ROLLBACK_IN_PROGRESS/);

    const done = await until("the rollback SUCCESSFUL", async () => {
      const d = await describeDeployment(second.serviceDeploymentArn!);
      return d.status === "ROLLBACK_SUCCESSFUL" ? d : undefined;
    }, 90_000, 500);
    assert.ok(done.finishedAt instanceof Date);
    list = await deployments();
    assert.deepEqual(list.map((d) => d.status), ["ROLLBACK_SUCCESSFUL", "SUCCESSFUL"]);
    const arns = (await c.ecs.send(new ListTasksCommand({ cluster: "default", serviceName: "rev" }))).taskArns ?? [];
    const { tasks } = await c.ecs.send(new DescribeTasksCommand({ cluster: "default", tasks: arns }));
    assert.deepEqual(tasks!.map((t) => [t.taskDefinitionArn, t.lastStatus]), [[td1, "RUNNING"], [td1, "RUNNING"]]);
  });

  it("refuses what cannot be stopped or described", async () => {
    const [latest] = await deployments();
    const ghost = latest!.serviceDeploymentArn!.replace(/\d+$/, "1234");
    const missing = await errorOf(() => c.ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: ghost })));
    assert.equal(missing.name, "ServiceDeploymentNotFoundException");
    const abort = await errorOf(() => c.ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: latest!.serviceDeploymentArn!, stopType: "ABORT" })));
    assert.equal(abort.name, "InvalidParameterException");
    assert.match(abort.message, /stopType/);
    const many = Array.from({ length: 21 }, () => latest!.targetServiceRevisionArn!);
    const tooMany = await errorOf(() => c.ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: many })));
    assert.equal(tooMany.name, "InvalidParameterException");
  });

  it("the AWS CLI describes revisions and stops deployments", { skip: noCli }, async () => {
    const [latest] = await deployments();
    const out = await aws(c, "ecs", "describe-service-revisions", "--service-revision-arns", latest!.targetServiceRevisionArn!);
    assert.equal(out.serviceRevisions[0].taskDefinition, td2);
    const err = await aws(c, "ecs", "stop-service-deployment", "--service-deployment-arn", latest!.serviceDeploymentArn!).then(
      () => "",
      (e: { stderr: string }) => e.stderr,
    );
    assert.match(err, /\(ConflictException\) when calling the StopServiceDeployment operation: .*ROLLBACK_SUCCESSFUL/);
  });
});

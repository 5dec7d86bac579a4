// Task volumes through the real AWS CLI (issue 16, the control plane's half): an EFS file system
// and access point made with `aws efs`, a task definition using them, and RunTask handing the
// agent the resolved directory; EBS-style volumes configured at launch with their attachment;
// and bad input refused with ECS's error, or failing the task at start as ECS does, with
// nothing half-made.
import { SubmitTaskStateChangeCommand } from "@aws-sdk/client-ecs";
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { missingTool } from "../helpers/aws-cli.js";
import { awsCli, awsRefusal } from "../helpers/aws-json-cli.js";
import { agentIn, until, type FakeAgent } from "../helpers/fake-agent.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

describe("task volumes through the AWS CLI", async () => {
  const missing = await missingTool("aws", ["--version"]);
  let s: TestServer;
  let agent: FakeAgent;
  const clis = { efs: awsCli("efs", () => s), ecs: awsCli("ecs", () => s), ec2: awsCli("ec2", () => s) };
  const aws = (service: keyof typeof clis, ...args: string[]) => clis[service](...args);
  /** A refused call's `Code: message`, after checking it wrote nothing. */
  const refused = (service: keyof typeof clis, ...args: string[]) => awsRefusal(clis[service], () => s)(...args);
  const register = (family: string, volumes: unknown[], mountPoints: unknown[]) =>
    aws(
      "ecs",
      "register-task-definition",
      "--family",
      family,
      "--volumes",
      JSON.stringify(volumes),
      "--container-definitions",
      JSON.stringify([{ name: "app", image: "busybox", memory: 64, mountPoints }]),
    );
  const tasksOf = async (family: string) => (await aws("ecs", "list-tasks", "--cluster", "vols", "--family", family)).taskArns as string[];
  const describeTask = async (arn: string) => (await aws("ecs", "describe-tasks", "--cluster", "vols", "--tasks", arn)).tasks[0];

  before(async () => {
    if (missing) return;
    s = await startTestServer({ loadBalancers: false });
    await aws("ecs", "create-cluster", "--cluster-name", "vols");
    agent = await agentIn(s, "vols");
  });
  after(async () => {
    agent?.ws.close();
    if (s) await s.close();
  });

  it("runs a task on an EFS file system through an access point: the agent gets its directory, user and creation info", { skip: missing }, async () => {
    const fs = await aws("efs", "create-file-system", "--creation-token", "shared");
    const ap = await aws(
      "efs",
      "create-access-point",
      "--file-system-id",
      fs.FileSystemId,
      "--posix-user",
      JSON.stringify({ Uid: 1000, Gid: 1000 }),
      "--root-directory",
      JSON.stringify({ Path: "/app", CreationInfo: { OwnerUid: 1000, OwnerGid: 1000, Permissions: "750" } }),
    );
    const efsVolume = {
      name: "shared",
      efsVolumeConfiguration: { fileSystemId: fs.FileSystemId, transitEncryption: "ENABLED", authorizationConfig: { accessPointId: ap.AccessPointId, iam: "DISABLED" } },
    };
    const td = await register("efs-app", [efsVolume, { name: "scratch", host: {} }], [
      { sourceVolume: "shared", containerPath: "/shared" },
      { sourceVolume: "scratch", containerPath: "/tmp/scratch" },
    ]);
    // ECS shows an omitted rootDirectory as "/".
    assert.equal(td.taskDefinition.volumes[0].efsVolumeConfiguration.rootDirectory, "/");

    const ran = await aws("ecs", "run-task", "--cluster", "vols", "--task-definition", "efs-app");
    const arn = ran.tasks[0].taskArn as string;
    await until("the agent has the task", () => agent.tasks().has(arn));
    const assigned = agent.tasks().get(arn)!;
    assert.deepEqual(assigned.volumeSources, [
      {
        kind: "efs",
        name: "shared",
        fileSystemId: fs.FileSystemId,
        accessPointId: ap.AccessPointId,
        hostPath: join(s.dataDir, "efs", fs.FileSystemId, "app"),
        posixUser: { uid: 1000, gid: 1000 },
        creationInfo: { ownerUid: 1000, ownerGid: 1000, permissions: "750" },
      },
    ]);
    assert.equal(assigned.volumes.length, 2, "the definition's volumes go along for the bind mounts");
    assert.equal(assigned.desiredStatus, "RUNNING");
  });

  it("accepts a definition naming an unknown file system and fails its task at start, as ECS does", { skip: missing }, async () => {
    await register("efs-missing", [{ name: "gone", efsVolumeConfiguration: { fileSystemId: "fs-0123456789abcdef0" } }], [{ sourceVolume: "gone", containerPath: "/gone" }]);
    const ran = await aws("ecs", "run-task", "--cluster", "vols", "--task-definition", "efs-missing");
    const arn = ran.tasks[0].taskArn as string;
    const task = await describeTask(arn);
    assert.equal(task.desiredStatus, "STOPPED");
    assert.equal(task.stopCode, "TaskFailedToStart");
    assert.match(task.stoppedReason, /^ResourceInitializationError: .*file system 'fs-0123456789abcdef0' does not exist/);
    await until("the agent is told to stop it", () => agent.tasks().get(arn)?.desiredStatus === "STOPPED");
    assert.equal(agent.tasks().get(arn)!.volumeSources, undefined);
  });

  it("refuses an unknown sourceVolume with ClientException and registers nothing", { skip: missing }, async () => {
    const err = await refused("ecs", "register-task-definition", "--family", "bad-mount", "--container-definitions", JSON.stringify([{ name: "app", image: "busybox", memory: 64, mountPoints: [{ sourceVolume: "nope", containerPath: "/x" }] }]));
    assert.match(err, /ClientException/);
    assert.match(err, /mountPoints\[0\]\.sourceVolume' 'nope' is not a volume/);
    assert.deepEqual((await aws("ecs", "list-task-definitions", "--family-prefix", "bad-mount")).taskDefinitionArns, []);
  });

  it("gives each task its EBS-style volume configured at launch: a vol- id, an attachment, the agent's source", { skip: missing }, async () => {
    await register("ebs-app", [{ name: "data", configuredAtLaunch: true }], [{ sourceVolume: "data", containerPath: "/data" }]);
    const conf = [
      {
        name: "data",
        managedEBSVolume: {
          sizeInGiB: 1,
          filesystemType: "ext4",
          roleArn: "arn:aws:iam::000000000000:role/ecsInfrastructureRole",
          terminationPolicy: { deleteOnTermination: true },
          tagSpecifications: [{ resourceType: "volume", tags: [{ key: "app", value: "ebs" }], propagateTags: "NONE" }],
        },
      },
    ];
    const ran = await aws("ecs", "run-task", "--cluster", "vols", "--task-definition", "ebs-app", "--count", "2", "--volume-configurations", JSON.stringify(conf));
    assert.equal(ran.tasks.length, 2);
    const ids = new Set<string>();
    for (const t of ran.tasks) {
      const task = await describeTask(t.taskArn);
      const att = task.attachments.find((a: any) => a.type === "AmazonElasticBlockStorage");
      assert.ok(att, "an AmazonElasticBlockStorage attachment");
      assert.equal(att.status, "ATTACHING");
      const detail = Object.fromEntries(att.details.map((d: any) => [d.name, d.value]));
      assert.match(detail.volumeId, /^vol-[0-9a-f]{17}$/);
      assert.equal(detail.volumeName, "data");
      assert.equal(detail.deleteOnTermination, "true");
      assert.equal(detail.roleArn, conf[0]!.managedEBSVolume.roleArn);
      ids.add(detail.volumeId);
      await until("the agent has the task", () => agent.tasks().has(t.taskArn));
      assert.deepEqual(agent.tasks().get(t.taskArn)!.volumeSources, [
        { kind: "ebs", name: "data", volumeId: detail.volumeId, attachmentId: att.id, sizeInGiB: 1, filesystemType: "ext4", deleteOnTermination: true },
      ]);
    }
    assert.equal(ids.size, 2, "one volume per task");

    // The task stops; its agent never reports the attachment: it ends as its policy says.
    const first = ran.tasks[0].taskArn as string;
    await s.ecs.send(new SubmitTaskStateChangeCommand({ cluster: "vols", task: first, status: "STOPPED", reason: "test" }));
    const stopped = await describeTask(first);
    assert.equal(stopped.lastStatus, "STOPPED");
    assert.equal(stopped.attachments.find((a: any) => a.type === "AmazonElasticBlockStorage").status, "DELETED");
  });

  it("refuses volumeConfigurations that do not fit the definition, and starts nothing", { skip: missing }, async () => {
    await register("plain", [{ name: "scratch", host: {} }], [{ sourceVolume: "scratch", containerPath: "/s" }]);
    const conf = (name: string) => JSON.stringify([{ name, managedEBSVolume: { sizeInGiB: 1, roleArn: "arn:aws:iam::000000000000:role/r" } }]);
    const onPlain = await refused("ecs", "run-task", "--cluster", "vols", "--task-definition", "plain", "--volume-configurations", conf("scratch"));
    assert.match(onPlain, /InvalidParameterException/);
    assert.match(onPlain, /volume 'scratch' of plain:1 is not configuredAtLaunch/);
    assert.deepEqual(await tasksOf("plain"), []);

    const none = await refused("ecs", "run-task", "--cluster", "vols", "--task-definition", "ebs-app");
    assert.match(none, /volume 'data' of ebs-app:1 is configuredAtLaunch; give it a configuration/);
    const tooBig = await refused("ecs", "run-task", "--cluster", "vols", "--task-definition", "ebs-app", "--volume-configurations", JSON.stringify([{ name: "data", managedEBSVolume: { sizeInGiB: 20000, roleArn: "arn:aws:iam::000000000000:role/r" } }]));
    assert.match(tooBig, /sizeInGiB': 20000 is outside 1-16384 GiB for volume type gp3/);
    assert.equal((await tasksOf("ebs-app")).length, 1, "only the earlier launch's task still running");
  });

  it("keeps a service's volumeConfigurations in its deployments; each of its tasks gets its own volume", { skip: missing }, async () => {
    const conf = (size: number) => JSON.stringify([{ name: "data", managedEBSVolume: { sizeInGiB: size, roleArn: "arn:aws:iam::000000000000:role/ecsInfrastructureRole" } }]);
    const refusedService = await refused("ecs", "create-service", "--cluster", "vols", "--service-name", "bad-vols", "--task-definition", "plain", "--desired-count", "1", "--volume-configurations", conf(1));
    assert.match(refusedService, /InvalidParameterException: .*'data' is not a volume of plain:1/);

    const created = await aws("ecs", "create-service", "--cluster", "vols", "--service-name", "db", "--task-definition", "ebs-app", "--desired-count", "2", "--volume-configurations", conf(2));
    assert.deepEqual(created.service.deployments[0].volumeConfigurations, [
      { name: "data", managedEBSVolume: { sizeInGiB: 2, roleArn: "arn:aws:iam::000000000000:role/ecsInfrastructureRole" } },
    ]);
    let launched: string[] = [];
    await until("the service launched its two tasks", async () => (launched = (await aws("ecs", "list-tasks", "--cluster", "vols", "--service-name", "db")).taskArns).length === 2);
    await until("the agent has them", () => launched.every((arn) => agent.tasks().has(arn)));
    const sources = launched.map((arn) => agent.tasks().get(arn)!.volumeSources?.[0] as { kind: string; sizeInGiB: number; volumeId: string });
    assert.deepEqual(sources.map((v) => [v.kind, v.sizeInGiB]), [["ebs", 2], ["ebs", 2]]);
    assert.notEqual(sources[0]!.volumeId, sources[1]!.volumeId);

    // New settings start a new deployment that carries them.
    const updated = await aws("ecs", "update-service", "--cluster", "vols", "--service", "db", "--volume-configurations", conf(3));
    const [primary, old] = updated.service.deployments;
    assert.equal(primary.status, "PRIMARY");
    assert.equal(primary.volumeConfigurations[0].managedEBSVolume.sizeInGiB, 3);
    assert.equal(old.volumeConfigurations[0].managedEBSVolume.sizeInGiB, 2);
    // A desired count alone changes no deployment and keeps the volumes.
    const scaled = await aws("ecs", "update-service", "--cluster", "vols", "--service", "db", "--desired-count", "1");
    assert.equal(scaled.service.deployments[0].id, primary.id);
    assert.equal(scaled.service.deployments[0].volumeConfigurations[0].managedEBSVolume.sizeInGiB, 3);
    await aws("ecs", "delete-service", "--cluster", "vols", "--service", "db", "--force");
  });
});

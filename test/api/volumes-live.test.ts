// Issue 16 end to end: the AWS CLI creates an EFS file system and an access point, registers a
// task definition that uses them and runs it on a real agent (process runtime); the task's file
// lands in the file system's directory under the control plane's data directory, owned by the
// access point's user. Then an EBS-style volume configured at launch is mounted and deleted
// with its task, and a Kubernetes Deployment applied with `berth apply -f` writes to its claim.
// Needs root, FUSE and loop devices (the agent's half; test/agent/volumes-scenarios.ts).
import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { hostSkipReason } from "../agent/volumes-scenarios.js";
import { berth, startLiveCluster, type LiveCluster } from "../cli/harness.js";
import { missingTool } from "../helpers/aws-cli.js";
import { awsCli } from "../helpers/aws-json-cli.js";

/** Polls until `check` holds; a real agent on a busy machine takes its time (60 s at most). */
async function until(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
  for (const end = Date.now() + 60_000; Date.now() < end; ) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting until ${what}`);
}

describe("task volumes on a real agent, through the AWS CLI", { timeout: 300_000 }, async () => {
  const skip = hostSkipReason() ?? (await missingTool("aws", ["--version"]));
  let live: LiveCluster;
  const efs = awsCli("efs", () => live.server);
  const ecs = awsCli("ecs", () => live.server);
  before(async () => {
    if (!skip) live = await startLiveCluster("vol-live");
  });
  after(async () => {
    await live?.close();
  });

  const runToStop = async (family: string, extra: string[] = []) => {
    const ran = await ecs("run-task", "--cluster", "default", "--task-definition", family, ...extra);
    const arn = ran.tasks[0].taskArn as string;
    let task: Record<string, any> = {};
    await until(`${family} stops`, async () => {
      task = (await ecs("describe-tasks", "--cluster", "default", "--tasks", arn)).tasks[0];
      return task.lastStatus === "STOPPED";
    });
    return task;
  };

  it("writes through an access point into the file system's directory, as the access point's user", { skip }, async () => {
    const fs = await efs("create-file-system", "--creation-token", "live");
    const ap = await efs(
      "create-access-point",
      "--file-system-id",
      fs.FileSystemId,
      "--posix-user",
      JSON.stringify({ Uid: 4100, Gid: 4100 }),
      "--root-directory",
      JSON.stringify({ Path: "/app", CreationInfo: { OwnerUid: 4100, OwnerGid: 4100, Permissions: "750" } }),
    );
    await ecs(
      "register-task-definition",
      "--family",
      "efs-live",
      "--volumes",
      JSON.stringify([{ name: "shared", efsVolumeConfiguration: { fileSystemId: fs.FileSystemId, transitEncryption: "ENABLED", authorizationConfig: { accessPointId: ap.AccessPointId } } }]),
      "--container-definitions",
      JSON.stringify([{ name: "app", image: "busybox", memory: 32, entryPoint: ["sh", "-c"], command: ["echo hello > /mnt/shared/hello"], mountPoints: [{ sourceVolume: "shared", containerPath: "/mnt/shared" }] }]),
    );
    const task = await runToStop("efs-live");
    assert.equal(task.containers[0].exitCode, 0, JSON.stringify(task));
    const file = join(live.server.dataDir, "efs", fs.FileSystemId, "app", "hello");
    assert.equal(readFileSync(file, "utf8"), "hello\n");
    assert.equal(statSync(file).uid, 4100, "written as the access point's POSIX user");
  });

  it("mounts a 1 GiB volume configured at launch and deletes it with its task", { skip }, async () => {
    await ecs(
      "register-task-definition",
      "--family",
      "ebs-live",
      "--volumes",
      JSON.stringify([{ name: "data", configuredAtLaunch: true }]),
      "--container-definitions",
      JSON.stringify([{ name: "app", image: "busybox", memory: 32, entryPoint: ["sh", "-c"], command: ["echo x > /data/x && sleep 8"], mountPoints: [{ sourceVolume: "data", containerPath: "/data" }] }]),
    );
    const conf = JSON.stringify([{ name: "data", managedEBSVolume: { sizeInGiB: 1, filesystemType: "ext4", roleArn: "arn:aws:iam::000000000000:role/ecsInfrastructureRole" } }]);
    const ran = await ecs("run-task", "--cluster", "default", "--task-definition", "ebs-live", "--volume-configurations", conf);
    const arn = ran.tasks[0].taskArn as string;
    const volumeId = ran.tasks[0].attachments.find((a: any) => a.type === "AmazonElasticBlockStorage").details.find((d: any) => d.name === "volumeId").value as string;
    assert.match(volumeId, /^vol-[0-9a-f]{17}$/);
    // The agent's image of the volume (docs/volumes.md, On the node): there while the task runs…
    const image = join(live.dir, "agent", "volumes", "ebs", `${volumeId}.img`);
    await until("the volume's image exists", () => existsSync(image));
    assert.equal(statSync(image).size, 1024 ** 3, "an image of sizeInGiB");
    assert.equal(ran.tasks[0].attachments.find((a: any) => a.type === "AmazonElasticBlockStorage").status, "ATTACHING");
    // Once the task runs, its agent has reported the volume mounted.
    await until("the task runs with its volume ATTACHED", async () => {
      const t = (await ecs("describe-tasks", "--cluster", "default", "--tasks", arn)).tasks[0];
      return t.lastStatus === "RUNNING" && t.attachments.find((a: any) => a.type === "AmazonElasticBlockStorage").status === "ATTACHED";
    });
    let task: Record<string, any> = {};
    await until("the task stops", async () => {
      task = (await ecs("describe-tasks", "--cluster", "default", "--tasks", arn)).tasks[0];
      return task.lastStatus === "STOPPED";
    });
    assert.equal(task.containers[0].exitCode, 0, JSON.stringify(task));
    assert.equal(task.attachments.find((a: any) => a.type === "AmazonElasticBlockStorage").status, "DELETED");
    // …and deleted with it (deleteOnTermination defaults to true).
    await until("the volume's image is deleted", () => !existsSync(image));
  });

  it("runs a Kubernetes Deployment applied with berth apply -f with its data on its claim's file system", { skip }, async () => {
    const manifests = `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: media}
spec:
  accessModes: [ReadWriteMany]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: writer}
spec:
  replicas: 1
  selector: {matchLabels: {app: writer}}
  template:
    metadata: {labels: {app: writer}}
    spec:
      hostNetwork: true
      terminationGracePeriodSeconds: 1
      containers:
        - name: app
          image: busybox
          command: ["sh", "-c", "echo from-k8s > /media/hello; exec sleep 600"]
          resources: {limits: {memory: 32Mi}}
          volumeMounts: [{name: media, mountPath: /media}]
      volumes:
        - name: media
          persistentVolumeClaim: {claimName: media}
`;
    const file = join(live.dir, "writer.yaml");
    writeFileSync(file, manifests);
    const applied = await berth(live.server.url, ["apply", "-f", file], { timeoutMs: 120_000 });
    assert.equal(applied.code, 0, applied.stderr);
    const fs = (await efs("describe-file-systems", "--creation-token", "k8s-pvc-media")).FileSystems[0];
    assert.ok(fs, "apply made the claim's file system");
    const hello = join(live.server.dataDir, "efs", fs.FileSystemId, "hello");
    await until("the Deployment's task wrote to the claim's file system", () => existsSync(hello) && readFileSync(hello, "utf8") === "from-k8s\n");
  });
});

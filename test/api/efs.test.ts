// berth's EFS subset through the real AWS CLI (`aws efs …`, the REST-JSON protocol): file
// systems with their idempotency token, access points, mount targets in berth's EC2 subnets,
// EFS's errors, and nothing half-made by a refused request.
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { efs } from "../../src/domain/index.js";
import { AWS_ENV, missingTool, run } from "../helpers/aws-cli.js";
import { awsCli, awsRefusal } from "../helpers/aws-json-cli.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

describe("EFS through the AWS CLI", async () => {
  const missing = await missingTool("aws", ["--version"]);
  let s: TestServer;
  const clis = { efs: awsCli("efs", () => s), ecs: awsCli("ecs", () => s), ec2: awsCli("ec2", () => s), iam: awsCli("iam", () => s) };
  const aws = (service: keyof typeof clis, ...args: string[]) => clis[service](...args);
  /** A refused call's `Code: message`, after checking it wrote nothing. */
  const refused = (service: keyof typeof clis, ...args: string[]) => awsRefusal(clis[service], () => s)(...args);
  before(async () => {
    if (!missing) s = await startTestServer({ scheduler: false, loadBalancers: false });
  });
  after(async () => {
    if (s) await s.close();
  });

  it("creates a file system once per creation token, describes and deletes it with its directory", { skip: missing }, async () => {
    const fs = await aws("efs", "create-file-system", "--creation-token", "tok-1", "--tags", "Key=Name,Value=shared", "--encrypted");
    assert.match(fs.FileSystemId, /^fs-[0-9a-f]{17}$/);
    assert.equal(fs.LifeCycleState, "available");
    assert.equal(fs.Name, "shared");
    assert.equal(fs.PerformanceMode, "generalPurpose");
    assert.equal(fs.ThroughputMode, "bursting");
    assert.equal(fs.Encrypted, true);
    assert.equal(fs.NumberOfMountTargets, 0);
    assert.equal(fs.FileSystemArn, `arn:aws:elasticfilesystem:us-east-1:000000000000:file-system/${fs.FileSystemId}`);
    const dir = join(s.dataDir, "efs", fs.FileSystemId);
    assert.ok(existsSync(dir), "the file system is a directory under the data directory");
    writeFileSync(join(dir, "hello"), "x".repeat(1000));

    // The same token again: EFS's FileSystemAlreadyExists naming the first one.
    const again = await refused("efs", "create-file-system", "--creation-token", "tok-1");
    assert.match(again, /FileSystemAlreadyExists/);
    assert.match(again, new RegExp(fs.FileSystemId));

    const one = await aws("efs", "describe-file-systems", "--file-system-id", fs.FileSystemId);
    assert.equal(one.FileSystems.length, 1);
    assert.equal(one.FileSystems[0].SizeInBytes.Value, 1000);
    const byToken = await aws("efs", "describe-file-systems", "--creation-token", "tok-1");
    assert.deepEqual(byToken.FileSystems.map((f: any) => f.FileSystemId), [fs.FileSystemId]);
    assert.match(await refused("efs", "describe-file-systems", "--file-system-id", "fs-0123456789abcdef0"), /FileSystemNotFound/);

    await aws("efs", "delete-file-system", "--file-system-id", fs.FileSystemId);
    assert.ok(!existsSync(dir), "deleting the file system removes its directory");
    assert.match(await refused("efs", "delete-file-system", "--file-system-id", fs.FileSystemId), /FileSystemNotFound/);
  });

  it("pages file systems with MaxItems and Marker", { skip: missing }, async () => {
    for (const t of ["page-a", "page-b", "page-c"]) await aws("efs", "create-file-system", "--creation-token", t);
    // --page-size makes the CLI follow NextMarker across pages of 1.
    const all = await aws("efs", "describe-file-systems", "--page-size", "1");
    assert.ok(all.FileSystems.length >= 3);
    assert.equal(new Set(all.FileSystems.map((f: any) => f.FileSystemId)).size, all.FileSystems.length, "no file system twice");
  });

  it("creates access points on a file system, refuses bad ones, and deletes them with it", { skip: missing }, async () => {
    const fs = await aws("efs", "create-file-system", "--creation-token", "ap-fs");
    const ap = await aws(
      "efs",
      "create-access-point",
      "--file-system-id",
      fs.FileSystemId,
      "--posix-user",
      JSON.stringify({ Uid: 1000, Gid: 1000, SecondaryGids: [2000] }),
      "--root-directory",
      "Path=/app,CreationInfo={OwnerUid=1000,OwnerGid=1000,Permissions=750}",
      "--tags",
      "Key=Name,Value=app",
    );
    assert.match(ap.AccessPointId, /^fsap-[0-9a-f]{17}$/);
    assert.deepEqual(ap.PosixUser, { Uid: 1000, Gid: 1000, SecondaryGids: [2000] });
    assert.deepEqual(ap.RootDirectory, { Path: "/app", CreationInfo: { OwnerUid: 1000, OwnerGid: 1000, Permissions: "750" } });
    assert.equal(ap.Name, "app");
    assert.equal(ap.LifeCycleState, "available");

    // Unknown file system; a path deeper than EFS's four levels (the model's pattern).
    assert.match(await refused("efs", "create-access-point", "--file-system-id", "fs-0123456789abcdef0"), /FileSystemNotFound/);
    assert.match(await refused("efs", "create-access-point", "--file-system-id", fs.FileSystemId, "--root-directory", "Path=/a/b/c/d/e"), /BadRequest/);
    const listed = await aws("efs", "describe-access-points", "--file-system-id", fs.FileSystemId);
    assert.deepEqual(listed.AccessPoints.map((a: any) => a.AccessPointId), [ap.AccessPointId], "the refused ones made nothing");

    await aws("efs", "delete-file-system", "--file-system-id", fs.FileSystemId);
    assert.match(await refused("efs", "describe-access-points", "--access-point-id", ap.AccessPointId), /AccessPointNotFound/);
  });

  it("puts mount targets in berth's subnets, one per zone, and keeps a file system with one from deletion", { skip: missing }, async () => {
    const fs = await aws("efs", "create-file-system", "--creation-token", "mt-fs");
    const subnets = (await aws("ec2", "describe-subnets")).Subnets as any[];
    const [a, b] = subnets;
    const mt = await aws("efs", "create-mount-target", "--file-system-id", fs.FileSystemId, "--subnet-id", a.SubnetId);
    assert.match(mt.MountTargetId, /^fsmt-[0-9a-f]{17}$/);
    assert.equal(mt.AvailabilityZoneName, a.AvailabilityZone);
    assert.equal(mt.VpcId, a.VpcId);
    assert.ok(mt.IpAddress, "the mount target has an address of its subnet");

    assert.match(await refused("efs", "create-mount-target", "--file-system-id", fs.FileSystemId, "--subnet-id", a.SubnetId), /MountTargetConflict/);
    assert.match(await refused("efs", "create-mount-target", "--file-system-id", fs.FileSystemId, "--subnet-id", "subnet-0123456789abcdef0"), /SubnetNotFound/);
    await aws("efs", "create-mount-target", "--file-system-id", fs.FileSystemId, "--subnet-id", b.SubnetId);

    const described = await aws("efs", "describe-mount-targets", "--file-system-id", fs.FileSystemId);
    assert.equal(described.MountTargets.length, 2);
    assert.equal((await aws("efs", "describe-file-systems", "--file-system-id", fs.FileSystemId)).FileSystems[0].NumberOfMountTargets, 2);
    assert.match(await refused("efs", "delete-file-system", "--file-system-id", fs.FileSystemId), /FileSystemInUse/);

    for (const m of described.MountTargets) await aws("efs", "delete-mount-target", "--mount-target-id", m.MountTargetId);
    await aws("efs", "delete-file-system", "--file-system-id", fs.FileSystemId);
    assert.match(await refused("efs", "delete-mount-target", "--mount-target-id", mt.MountTargetId), /MountTargetNotFound/);
  });

  it("authorizes each request by the user's policies on the file system it names", { skip: missing }, async () => {
    const mine = await aws("efs", "create-file-system", "--creation-token", "auth-mine");
    const other = await aws("efs", "create-file-system", "--creation-token", "auth-other");
    await aws("iam", "create-user", "--user-name", "efs-viewer");
    const policy = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "elasticfilesystem:Describe*", Resource: `arn:aws:elasticfilesystem:us-east-1:000000000000:file-system/${mine.FileSystemId}` }],
    };
    await aws("iam", "put-user-policy", "--user-name", "efs-viewer", "--policy-name", "one-fs", "--policy-document", JSON.stringify(policy));
    const { AccessKey } = await aws("iam", "create-access-key", "--user-name", "efs-viewer");
    const viewer = { ...process.env, ...AWS_ENV, AWS_ACCESS_KEY_ID: AccessKey.AccessKeyId, AWS_SECRET_ACCESS_KEY: AccessKey.SecretAccessKey };
    const asViewer = (...args: string[]) => run("aws", ["efs", ...args, "--endpoint-url", s.url, "--output", "json"], { env: viewer });
    const described = JSON.parse((await asViewer("describe-file-systems", "--file-system-id", mine.FileSystemId)).stdout);
    assert.equal(described.FileSystems[0].FileSystemId, mine.FileSystemId);
    for (const args of [["describe-file-systems", "--file-system-id", other.FileSystemId], ["create-file-system", "--creation-token", "auth-new"], ["delete-file-system", "--file-system-id", mine.FileSystemId]]) {
      const err = await asViewer(...args).then(
        () => assert.fail(`${args[0]} was allowed`),
        (e: { stderr: string }) => e.stderr,
      );
      assert.match(err, /AccessDeniedException/, args[0]);
      assert.match(err, /elasticfilesystem:/, args[0]);
    }
    assert.equal((await aws("efs", "describe-file-systems", "--creation-token", "auth-new")).FileSystems.length, 0, "the refused create made nothing");
  });

  it("makes one file system of concurrent calls with one creation token", { skip: missing }, async () => {
    const deps = { ...s.cp.deps, efsRoot: join(s.dataDir, "efs") };
    const scope = { accountId: "000000000000", region: "us-east-1" };
    const calls = Array.from({ length: 6 }, () => efs.createFileSystem(deps, scope, { CreationToken: "race" }).then(() => "made", (e: Error) => e.name));
    const outcomes = await Promise.all(calls);
    assert.deepEqual(outcomes.filter((o) => o === "made").length, 1, outcomes.join(", "));
    assert.ok(outcomes.every((o) => o === "made" || o === "FileSystemAlreadyExists"), outcomes.join(", "));
    assert.equal((await aws("efs", "describe-file-systems", "--creation-token", "race")).FileSystems.length, 1);
  });
});

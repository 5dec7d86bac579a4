import assert from "node:assert/strict";
import { test } from "node:test";
import type { Volume } from "@aws-sdk/client-ecs";
import { EcsError, type AssignedVolumeSource } from "../model/index.js";
import type { TaskDefinitionRecord } from "./records.js";
import { checkVolumeConfigurations, resolveVolumes, settleVolumeAttachments, withVolumes, type EfsLookup, type VolumeConfigurationInput } from "./task-volumes.js";

const aTaskDefinition = (volumes: Volume[]): TaskDefinitionRecord => ({ family: "app", revision: 3, volumes }) as unknown as TaskDefinitionRecord;
const role = "arn:aws:iam::000000000000:role/ecsInfrastructureRole";
const ebs = (name: string, m: Record<string, unknown> = {}): VolumeConfigurationInput => ({ name, managedEBSVolume: { roleArn: role, sizeInGiB: 10, ...m } });

test("checkVolumeConfigurations: refusals name the field and what is wrong", () => {
  const atLaunch = aTaskDefinition([{ name: "data", configuredAtLaunch: true }, { name: "scratch", host: {} }]);
  const table: [string, TaskDefinitionRecord, VolumeConfigurationInput[] | undefined, RegExp][] = [
    ["a volume that is not configuredAtLaunch", atLaunch, [ebs("data"), ebs("scratch")], /volumeConfigurations\[1\]\.name.*'scratch' .* is not configuredAtLaunch/],
    ["a name the definition lacks", atLaunch, [ebs("data"), ebs("ghost")], /'ghost' is not a volume of app:3/],
    ["no configuration for the configuredAtLaunch volume", atLaunch, undefined, /volume 'data' of app:3 is configuredAtLaunch; give it a configuration/],
    ["the same volume twice", atLaunch, [ebs("data"), ebs("data")], /configured twice/],
    ["no managedEBSVolume", atLaunch, [{ name: "data" }], /managedEBSVolume': a volume configured at launch needs/],
    ["a snapshot", atLaunch, [ebs("data", { snapshotId: "snap-1" })], /snapshotId': berth does not support/],
    ["no size", atLaunch, [ebs("data", { sizeInGiB: undefined })], /sizeInGiB': a size is required/],
    ["a size below the type's minimum", atLaunch, [ebs("data", { volumeType: "st1", sizeInGiB: 100 })], /100 is outside 125-16384 GiB for volume type st1/],
    ["a size above gp3's maximum", atLaunch, [ebs("data", { sizeInGiB: 16_385 })], /16385 is outside 1-16384/],
    ["a Windows file system", atLaunch, [ebs("data", { filesystemType: "ntfs" })], /'ntfs' is not a Linux file system type/],
    ["throughput on gp2", atLaunch, [ebs("data", { volumeType: "gp2", throughput: 200 })], /only gp3 volumes take a throughput/],
    ["io2 without iops", atLaunch, [ebs("data", { volumeType: "io2" })], /io2 volumes need iops/],
    ["a configuration for a definition without such volumes", aTaskDefinition([]), [ebs("data")], /'data' is not a volume of app:3/],
  ];
  for (const [name, td, configs, message] of table) {
    assert.throws(
      () => checkVolumeConfigurations(td, configs),
      (err: unknown) => err instanceof EcsError && err.type === "InvalidParameterException" && message.test(err.message),
      name,
    );
  }
});

test("checkVolumeConfigurations: ECS's defaults (gp3, xfs, deleted on termination)", () => {
  const td = aTaskDefinition([{ name: "data", configuredAtLaunch: true }]);
  assert.deepEqual(checkVolumeConfigurations(td, [ebs("data")]), [
    { name: "data", sizeInGiB: 10, volumeType: "gp3", filesystemType: "xfs", roleArn: role, deleteOnTermination: true },
  ]);
  const kept = checkVolumeConfigurations(td, [ebs("data", { filesystemType: "ext4", terminationPolicy: { deleteOnTermination: false } })]);
  assert.equal(kept[0]!.deleteOnTermination, false);
  assert.equal(kept[0]!.filesystemType, "ext4");
  assert.deepEqual(checkVolumeConfigurations(aTaskDefinition([{ name: "v", host: {} }]), undefined), []);
});

const lookup: EfsLookup = {
  fileSystem: (id) => (id === "fs-0000000000000000a" ? { FileSystemId: id, rootPath: "/data/efs/fs-0000000000000000a" } : undefined),
  accessPoint: (id) =>
    id === "fsap-0000000000000000a"
      ? {
          AccessPointId: id,
          FileSystemId: "fs-0000000000000000a",
          PosixUser: { Uid: 1000, Gid: 1001 },
          RootDirectory: { Path: "/app", CreationInfo: { OwnerUid: 1000, OwnerGid: 1001, Permissions: "750" } },
        }
      : id === "fsap-0000000000000000b"
        ? { AccessPointId: id, FileSystemId: "fs-0000000000000000b", RootDirectory: { Path: "/" } }
        : undefined,
};
const efsVolume = (conf: Record<string, unknown>): Volume => ({ name: "shared", efsVolumeConfiguration: { fileSystemId: "fs-0000000000000000a", rootDirectory: "/", ...conf } as never });
const fixedIds = () => ({ volumeId: "vol-0000000000000000a", attachmentId: "att-1" });

test("resolveVolumes: EFS volumes become host directories, through their access point", () => {
  const table: [string, Volume, unknown][] = [
    ["the file system's root", efsVolume({}), { kind: "efs", name: "shared", fileSystemId: "fs-0000000000000000a", hostPath: "/data/efs/fs-0000000000000000a" }],
    ["a root directory", efsVolume({ rootDirectory: "/logs/web" }), { kind: "efs", name: "shared", fileSystemId: "fs-0000000000000000a", hostPath: "/data/efs/fs-0000000000000000a/logs/web" }],
    [
      "an access point: its root, user and creation info",
      efsVolume({ transitEncryption: "ENABLED", authorizationConfig: { accessPointId: "fsap-0000000000000000a" } }),
      {
        kind: "efs",
        name: "shared",
        fileSystemId: "fs-0000000000000000a",
        accessPointId: "fsap-0000000000000000a",
        hostPath: "/data/efs/fs-0000000000000000a/app",
        posixUser: { uid: 1000, gid: 1001 },
        creationInfo: { ownerUid: 1000, ownerGid: 1001, permissions: "750" },
      },
    ],
  ];
  for (const [name, volume, want] of table) {
    const got = resolveVolumes(aTaskDefinition([volume]), [], lookup, fixedIds);
    assert.equal(got.failure, undefined, name);
    assert.deepEqual(got.sources, [want], name);
  }
});

test("resolveVolumes: what cannot be set up fails the task with a ResourceInitializationError", () => {
  const table: [string, Volume, RegExp][] = [
    ["an unknown file system", efsVolume({ fileSystemId: "fs-0000000000000000f" }), /ResourceInitializationError: .*'shared': file system 'fs-0000000000000000f' does not exist/],
    ["an unknown access point", efsVolume({ authorizationConfig: { accessPointId: "fsap-0000000000000000f" } }), /access point 'fsap-0000000000000000f' does not exist/],
    ["another file system's access point", efsVolume({ authorizationConfig: { accessPointId: "fsap-0000000000000000b" } }), /belongs to file system 'fs-0000000000000000b'/],
  ];
  for (const [name, volume, reason] of table) {
    const got = resolveVolumes(aTaskDefinition([volume]), [], lookup, fixedIds);
    assert.match(got.failure ?? "", reason, name);
    const task = withVolumes({ attachments: [], assignment: {}, desiredStatus: "RUNNING", version: 1 }, got, 5);
    assert.equal(task.desiredStatus, "STOPPED", name);
    assert.deepEqual((task as Record<string, unknown>).stopCode, "TaskFailedToStart");
  }
});

test("resolveVolumes: an EBS-style volume gets its vol- id, its source and its attachment", () => {
  const td = aTaskDefinition([{ name: "data", configuredAtLaunch: true }]);
  const settings = checkVolumeConfigurations(td, [ebs("data", { filesystemType: "ext4", terminationPolicy: { deleteOnTermination: false } })]);
  const got = resolveVolumes(td, settings, lookup, fixedIds);
  assert.deepEqual(got.sources, [
    { kind: "ebs", name: "data", volumeId: "vol-0000000000000000a", attachmentId: "att-1", sizeInGiB: 10, filesystemType: "ext4", deleteOnTermination: false },
  ]);
  assert.deepEqual(got.attachments, [
    {
      id: "att-1",
      type: "AmazonElasticBlockStorage",
      status: "ATTACHING",
      details: [
        { name: "roleArn", value: role },
        { name: "volumeName", value: "data" },
        { name: "volumeId", value: "vol-0000000000000000a" },
        { name: "deleteOnTermination", value: "false" },
      ],
    },
  ]);
  const fresh = resolveVolumes(td, settings, lookup);
  assert.match((fresh.sources[0] as { volumeId: string }).volumeId, /^vol-[0-9a-f]{17}$/);
  const task = withVolumes({ attachments: [] as unknown[], assignment: {} as { volumeSources?: AssignedVolumeSource[] }, desiredStatus: "RUNNING", version: 1 }, got, 5);
  assert.equal(task.assignment.volumeSources?.length, 1);
  assert.equal(task.attachments.length, 1);
});

test("settleVolumeAttachments: at STOPPED an attachment the agent left ends as its termination policy says", () => {
  const td = aTaskDefinition([{ name: "data", configuredAtLaunch: true }]);
  const table: [string, boolean, string, string][] = [
    ["deleted with the task", true, "ATTACHED", "DELETED"],
    ["kept", false, "ATTACHED", "DETACHED"],
    ["never attached, deleted", true, "ATTACHING", "DELETED"],
    ["as the agent reported it", true, "DETACHED", "DETACHED"],
  ];
  for (const [name, deleteOnTermination, status, want] of table) {
    const settings = checkVolumeConfigurations(td, [ebs("data", { terminationPolicy: { deleteOnTermination } })]);
    const resolved = resolveVolumes(td, settings, lookup, fixedIds);
    const task = withVolumes({ attachments: [{ id: "eni-att", type: "ElasticNetworkInterface", status: "ATTACHED", details: [] }] as unknown[], assignment: {} as { volumeSources?: AssignedVolumeSource[] }, desiredStatus: "RUNNING", version: 1 }, resolved, 1);
    const reported = { ...task, attachments: (task.attachments as { id: string; status: string }[]).map((a) => (a.id === "att-1" ? { ...a, status } : a)) };
    const settled = settleVolumeAttachments(reported).attachments as { id: string; status: string }[];
    assert.equal(settled.find((a) => a.id === "att-1")!.status, want, name);
    assert.equal(settled.find((a) => a.id === "eni-att")!.status, "ATTACHED", `${name}: other attachments untouched`);
  }
});

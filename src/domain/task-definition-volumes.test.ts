import assert from "node:assert/strict";
import { test } from "node:test";
import type { RegisterTaskDefinitionRequest, Volume } from "@aws-sdk/client-ecs";
import { EcsError } from "../model/index.js";
import { normalizeDefinition } from "./task-definition-rules.js";

const efs = (extra: Record<string, unknown> = {}): Volume => ({ name: "data", efsVolumeConfiguration: { fileSystemId: "fs-0123456789abcdef0", ...extra } as never });

function definition(volumes: Volume[], container: Record<string, unknown> = {}, extra: Partial<RegisterTaskDefinitionRequest> = {}): RegisterTaskDefinitionRequest {
  return {
    family: "vol",
    volumes,
    containerDefinitions: [
      { name: "app", image: "busybox", memory: 64, ...container },
      { name: "side", image: "busybox", memory: 64 },
    ],
    ...extra,
  };
}

const fargate: Partial<RegisterTaskDefinitionRequest> = { requiresCompatibilities: ["FARGATE"], networkMode: "awsvpc", cpu: "256", memory: "512" };

test("normalizeDefinition: volume rules refuse with ClientException naming the field", () => {
  const table: [string, RegisterTaskDefinitionRequest, RegExp][] = [
    ["a bad volume name", definition([{ name: "a b" }]), /volumes\[0\]\.name/],
    ["duplicate volume names", definition([{ name: "v" }, { name: "v" }]), /Duplicate volume name 'v'/],
    ["two backings", definition([{ name: "v", host: {}, dockerVolumeConfiguration: { scope: "task" } }]), /at most one of/],
    ["fsx", definition([{ name: "v", fsxWindowsFileServerVolumeConfiguration: { fileSystemId: "fs-1", rootDirectory: "x", authorizationConfig: { credentialsParameter: "a", domain: "b" } } }]), /fsxWindowsFileServerVolumeConfiguration' is not supported/],
    ["a relative sourcePath", definition([{ name: "v", host: { sourcePath: "data" } }]), /absolute path/],
    ["sourcePath on Fargate", definition([{ name: "v", host: { sourcePath: "/data" } }], {}, fargate), /not supported on Fargate/],
    ["a Docker volume on Fargate", definition([{ name: "v", dockerVolumeConfiguration: { scope: "task" } }], {}, fargate), /dockerVolumeConfiguration' is not supported on Fargate/],
    ["autoprovision on a task-scoped volume", definition([{ name: "v", dockerVolumeConfiguration: { scope: "task", autoprovision: true } }]), /autoprovision' can only be true when 'scope' is shared/],
    ["a driver berth lacks", definition([{ name: "v", dockerVolumeConfiguration: { scope: "shared", driver: "rexray/ebs" } }]), /driver' 'rexray\/ebs' is not supported/],
    ["a malformed file system id", definition([{ name: "v", efsVolumeConfiguration: { fileSystemId: "nfs-1" } }]), /fileSystemId' 'nfs-1'/],
    ["an access point without transit encryption", definition([efs({ authorizationConfig: { accessPointId: "fsap-0123456789abcdef0" } })]), /transitEncryption' must be ENABLED when an access point/],
    ["IAM without transit encryption", definition([efs({ authorizationConfig: { iam: "ENABLED" } })]), /transitEncryption' must be ENABLED when IAM/],
    [
      "a root directory with an access point",
      definition([efs({ transitEncryption: "ENABLED", rootDirectory: "/x", authorizationConfig: { accessPointId: "fsap-0123456789abcdef0" } })]),
      /rootDirectory' must be omitted or '\/'/,
    ],
    ["a relative root directory", definition([efs({ rootDirectory: "x" })]), /rootDirectory' must be an absolute path/],
    ["a root directory climbing out", definition([efs({ rootDirectory: "/a/../.." })]), /must not contain '\.\.'/],
    ["a transit port without encryption", definition([efs({ transitEncryptionPort: 2049 })]), /only allowed when transitEncryption is ENABLED/],
    ["configuredAtLaunch with a backing", definition([{ name: "v", configuredAtLaunch: true, host: {} }]), /configuredAtLaunch true .* cannot also set 'host'/],
    ["two configuredAtLaunch volumes", definition([{ name: "a", configuredAtLaunch: true }, { name: "b", configuredAtLaunch: true }]), /only one volume may be configuredAtLaunch/],
    ["an unknown sourceVolume", definition([], { mountPoints: [{ sourceVolume: "nope", containerPath: "/x" }] }), /mountPoints\[0\]\.sourceVolume' 'nope' is not a volume/],
    ["a missing containerPath", definition([{ name: "v" }], { mountPoints: [{ sourceVolume: "v" }] }), /containerPath' is required/],
    ["a relative containerPath", definition([{ name: "v" }], { mountPoints: [{ sourceVolume: "v", containerPath: "x" }] }), /containerPath' must be an absolute path/],
    ["the root as containerPath", definition([{ name: "v" }], { mountPoints: [{ sourceVolume: "v", containerPath: "/" }] }), /cannot be '\/'/],
    [
      "the same containerPath twice",
      definition([{ name: "v" }, { name: "w" }], { mountPoints: [{ sourceVolume: "v", containerPath: "/x" }, { sourceVolume: "w", containerPath: "/x/" }] }),
      /'\/x' is already a mount point/,
    ],
    ["volumesFrom an unknown container", definition([], { volumesFrom: [{ sourceContainer: "ghost" }] }), /sourceContainer' 'ghost' is not a container/],
    ["volumesFrom itself", definition([], { volumesFrom: [{ sourceContainer: "app" }] }), /refers to the container itself/],
    ["tmpfs on Fargate", definition([], { linuxParameters: { tmpfs: [{ containerPath: "/run", size: 64 }] } }, fargate), /'linuxParameters\.tmpfs' is not supported on Fargate/],
    ["a relative tmpfs path", definition([], { linuxParameters: { tmpfs: [{ containerPath: "run", size: 64 }] } }), /tmpfs\[0\]\.containerPath' must be an absolute path/],
    ["a tmpfs of no size", definition([], { linuxParameters: { tmpfs: [{ containerPath: "/run", size: 0 }] } }), /tmpfs\[0\]\.size' must be a whole number of MiB/],
    ["a tmpfs over a mount point", definition([{ name: "v" }], { mountPoints: [{ sourceVolume: "v", containerPath: "/run" }], linuxParameters: { tmpfs: [{ containerPath: "/run", size: 8 }] } }), /'\/run' is already a mount point/],
    ["a tmpfs option Docker lacks", definition([], { linuxParameters: { tmpfs: [{ containerPath: "/run", size: 8, mountOptions: ["fast"] }] } }), /'fast' is not a tmpfs mount option/],
  ];
  for (const [name, input, message] of table) {
    assert.throws(
      () => normalizeDefinition(input),
      (err: unknown) => err instanceof EcsError && err.type === "ClientException" && message.test(err.message),
      name,
    );
  }
});

test("normalizeDefinition: valid volumes pass, an EFS volume shows ECS's defaults", () => {
  const table: [string, RegisterTaskDefinitionRequest, ((d: ReturnType<typeof normalizeDefinition>) => void)?][] = [
    ["a task-scoped host volume shared by two containers", definition([{ name: "scratch", host: {} }], { mountPoints: [{ sourceVolume: "scratch", containerPath: "/scratch" }] })],
    ["a bind mount", definition([{ name: "v", host: { sourcePath: "/srv/data" } }], { mountPoints: [{ sourceVolume: "v", containerPath: "/data", readOnly: true }] })],
    ["volumesFrom a sibling", definition([], { volumesFrom: [{ sourceContainer: "side", readOnly: true }] })],
    ["a shared autoprovisioned Docker volume", definition([{ name: "v", dockerVolumeConfiguration: { scope: "shared", autoprovision: true, driver: "local" } }])],
    ["a task-scoped host volume on Fargate", definition([{ name: "v", host: {} }], {}, fargate)],
    ["a tmpfs with options", definition([], { readonlyRootFilesystem: true, linuxParameters: { tmpfs: [{ containerPath: "/run", size: 16, mountOptions: ["noexec", "mode=1777"] }] } })],
    ["a configuredAtLaunch volume", definition([{ name: "v", configuredAtLaunch: true }], { mountPoints: [{ sourceVolume: "v", containerPath: "/data" }] })],
    [
      "an EFS volume without options",
      definition([efs()], { mountPoints: [{ sourceVolume: "data", containerPath: "/data" }] }),
      (d) => assert.deepEqual(d.volumes?.[0]?.efsVolumeConfiguration, { fileSystemId: "fs-0123456789abcdef0", rootDirectory: "/", transitEncryption: "DISABLED" }),
    ],
    [
      "an EFS volume through an access point",
      definition([efs({ transitEncryption: "ENABLED", rootDirectory: "/", authorizationConfig: { accessPointId: "fsap-0123456789abcdef0", iam: "ENABLED" } })]),
      (d) => assert.equal(d.volumes?.[0]?.efsVolumeConfiguration?.authorizationConfig?.accessPointId, "fsap-0123456789abcdef0"),
    ],
  ];
  for (const [name, input, check] of table) {
    const d = normalizeDefinition(input);
    check?.(d);
    assert.ok(d, name);
  }
});

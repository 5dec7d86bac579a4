import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AssignedTask } from "../../model/index.js";
import { aContainerDef, anAssignedTask } from "../test-builders.js";
import { hasStorage, planVolumes, type VolumePlan } from "./volume-plan.js";

const ROOT = "/var/lib/berth/volumes";

function plan(task: AssignedTask, runtime: "docker" | "process" = "process"): VolumePlan {
  const r = planVolumes(task, ROOT, runtime);
  assert.ok(r.ok, r.ok ? "" : r.reason);
  return r.plan;
}
const idOf = (t: AssignedTask) => t.taskArn.slice(t.taskArn.lastIndexOf("/") + 1);

describe("planVolumes", () => {
  it("a bind volume without sourcePath: one task-scoped directory both containers mount", () => {
    const task = anAssignedTask(
      [aContainerDef("writer", { mountPoints: [{ sourceVolume: "scratch", containerPath: "/scratch" }] }), aContainerDef("reader", { mountPoints: [{ sourceVolume: "scratch", containerPath: "/in", readOnly: true }] })],
      { volumes: [{ name: "scratch", host: {} }] },
    );
    const p = plan(task);
    const dir = `${ROOT}/tasks/${idOf(task)}/empty/scratch`;
    assert.equal(p.taskDir, `${ROOT}/tasks/${idOf(task)}`);
    assert.deepEqual(p.prepare, [{ kind: "dir", path: dir }]);
    assert.deepEqual(p.containers.writer!.mounts, [{ kind: "bind", source: dir, containerPath: "/scratch", readOnly: false }]);
    assert.deepEqual(p.containers.reader!.mounts, [{ kind: "bind", source: dir, containerPath: "/in", readOnly: true }]);
  });

  it("ephemeralStorage: an image of its size first, task-scoped volumes on it, a read-only root with /tmp and /var/tmp of the container's own on it", () => {
    const task = anAssignedTask(
      [aContainerDef("app", { mountPoints: [{ sourceVolume: "scratch", containerPath: "/scratch" }] }), aContainerDef("side", { mountPoints: [{ sourceVolume: "scratch", containerPath: "/tmp" }] })],
      { volumes: [{ name: "scratch" }], ephemeralStorage: { sizeInGiB: 21 } },
    );
    const p = plan(task);
    const dir = `${ROOT}/tasks/${idOf(task)}`;
    const eph = `${dir}/ephemeral`;
    assert.deepEqual(p.prepare, [
      { kind: "ebs", volume: "ephemeralStorage", volumeId: "ephemeral", image: `${dir}/ephemeral.img`, sizeInGiB: 21, filesystemType: "ext4", mountAt: eph, deleteOnTermination: true },
      { kind: "dir", path: `${eph}/empty/scratch` },
      { kind: "dir", path: `${eph}/containers/app/tmp`, mode: 0o1777 },
      { kind: "dir", path: `${eph}/containers/app/var/tmp`, mode: 0o1777 },
      // side mounts its own volume at /tmp: only /var/tmp is added.
      { kind: "dir", path: `${eph}/containers/side/var/tmp`, mode: 0o1777 },
    ]);
    assert.deepEqual(p.deleteImages, [`${dir}/ephemeral.img`]);
    assert.deepEqual(p.containers.app, {
      readonlyRootFilesystem: true,
      mounts: [
        { kind: "bind", source: `${eph}/empty/scratch`, containerPath: "/scratch", readOnly: false },
        { kind: "bind", source: `${eph}/containers/app/tmp`, containerPath: "/tmp", readOnly: false },
        { kind: "bind", source: `${eph}/containers/app/var/tmp`, containerPath: "/var/tmp", readOnly: false },
      ],
    });
    assert.deepEqual(p.containers.side!.mounts.map((m) => m.kind === "bind" && [m.containerPath, m.source]), [
      ["/tmp", `${eph}/empty/scratch`],
      ["/var/tmp", `${eph}/containers/side/var/tmp`],
    ]);
    assert.equal(hasStorage(anAssignedTask([aContainerDef("app")], { ephemeralStorage: { sizeInGiB: 21 } })), true);
    const bad = planVolumes(anAssignedTask([aContainerDef("app")], { ephemeralStorage: { sizeInGiB: 0.5 } }), ROOT, "process");
    assert.ok(!bad.ok && /ephemeralStorage.sizeInGiB 0.5/.test(bad.reason));
  });

  it("host.sourcePath binds the host path and makes nothing", () => {
    const task = anAssignedTask([aContainerDef("app", { mountPoints: [{ sourceVolume: "logs", containerPath: "/var/log/app" }] })], { volumes: [{ name: "logs", host: { sourcePath: "/srv/logs" } }] });
    const p = plan(task);
    assert.deepEqual(p.prepare, []);
    assert.deepEqual(p.containers.app!.mounts, [{ kind: "bind", source: "/srv/logs", containerPath: "/var/log/app", readOnly: false }]);
  });

  it("volumesFrom copies the source's mounts (recursively); readOnly forces ro, else the source's mode stays", () => {
    const task = anAssignedTask(
      [
        aContainerDef("a", { mountPoints: [{ sourceVolume: "v", containerPath: "/v" }, { sourceVolume: "w", containerPath: "/w", readOnly: true }], linuxParameters: { tmpfs: [{ containerPath: "/t", size: 8 }] } }),
        aContainerDef("b", { volumesFrom: [{ sourceContainer: "a" }] }),
        aContainerDef("c", { volumesFrom: [{ sourceContainer: "b", readOnly: true }] }),
      ],
      { volumes: [{ name: "v" }, { name: "w", host: { sourcePath: "/srv/w" } }] },
    );
    const p = plan(task);
    const v = `${ROOT}/tasks/${idOf(task)}/empty/v`;
    // The tmpfs is a's own: Docker's --volumes-from does not copy tmpfs mounts.
    assert.deepEqual(p.containers.b!.mounts, [
      { kind: "bind", source: v, containerPath: "/v", readOnly: false },
      { kind: "bind", source: "/srv/w", containerPath: "/w", readOnly: true },
    ]);
    assert.deepEqual(p.containers.c!.mounts.map((m) => m.kind !== "tmpfs" && m.readOnly), [true, true]);
  });

  it("docker runtime: dockerVolumeConfiguration is an engine volume; task scope per task and removed with it, shared by its name", () => {
    const task = anAssignedTask([aContainerDef("app", { mountPoints: [{ sourceVolume: "cache", containerPath: "/cache" }, { sourceVolume: "db", containerPath: "/db" }] })], {
      volumes: [
        { name: "cache", dockerVolumeConfiguration: { scope: "task", driver: "local", labels: { team: "x" } } },
        { name: "db", dockerVolumeConfiguration: { scope: "shared", autoprovision: true, driverOpts: { type: "tmpfs", device: "tmpfs" } } },
      ],
    });
    const p = plan(task, "docker");
    const taskVolume = `berth-${idOf(task)}-cache`;
    assert.deepEqual(p.prepare, [
      { kind: "dockerVolume", name: taskVolume, scope: "task", autoprovision: true, driver: "local", driverOpts: {}, labels: { team: "x" } },
      { kind: "dockerVolume", name: "db", scope: "shared", autoprovision: true, driver: "local", driverOpts: { type: "tmpfs", device: "tmpfs" }, labels: {} },
    ]);
    assert.deepEqual(p.taskDockerVolumes, [taskVolume]);
    assert.deepEqual(p.containers.app!.mounts, [
      { kind: "volume", name: taskVolume, containerPath: "/cache", readOnly: false },
      { kind: "volume", name: "db", containerPath: "/db", readOnly: false },
    ]);
  });

  it("process runtime: a named volume is a directory, shared ones outside the task's directory", () => {
    const task = anAssignedTask([aContainerDef("app", { mountPoints: [{ sourceVolume: "db", containerPath: "/db" }, { sourceVolume: "tmp", containerPath: "/tmp2" }] })], {
      volumes: [{ name: "db", dockerVolumeConfiguration: { scope: "shared" } }, { name: "tmp", dockerVolumeConfiguration: {} }],
    });
    const p = plan(task);
    assert.deepEqual(p.prepare, [
      { kind: "sharedDir", path: `${ROOT}/named/db`, autoprovision: false, volume: "db" },
      { kind: "dir", path: `${ROOT}/tasks/${idOf(task)}/named/tmp` },
    ]);
    const refused = planVolumes(anAssignedTask([], { volumes: [{ name: "x", dockerVolumeConfiguration: { driver: "rexray" } }] }), ROOT, "process");
    assert.ok(!refused.ok);
    assert.match(refused.reason, /volume x: driver "rexray" needs the docker runtime/);
  });

  it("EFS: binds hostPath, through bindfs under the task's directory when the access point has a POSIX user", () => {
    const task = anAssignedTask([aContainerDef("app", { mountPoints: [{ sourceVolume: "fs", containerPath: "/mnt/fs" }, { sourceVolume: "ap", containerPath: "/mnt/ap" }] })], {
      volumes: [{ name: "fs", efsVolumeConfiguration: { fileSystemId: "fs-1" } }, { name: "ap", efsVolumeConfiguration: { fileSystemId: "fs-1" } }],
      volumeSources: [
        { kind: "efs", name: "fs", fileSystemId: "fs-1", hostPath: "/var/lib/berth/efs/fs-1" },
        { kind: "efs", name: "ap", fileSystemId: "fs-1", accessPointId: "fsap-1", hostPath: "/var/lib/berth/efs/fs-1/app", posixUser: { uid: 1000, gid: 1000 }, creationInfo: { ownerUid: 1000, ownerGid: 1000, permissions: "750" } },
      ],
    });
    const p = plan(task);
    const at = `${ROOT}/tasks/${idOf(task)}/efs/ap`;
    assert.deepEqual(p.prepare[1], { kind: "efs", volume: "ap", hostPath: "/var/lib/berth/efs/fs-1/app", creationInfo: { ownerUid: 1000, ownerGid: 1000, permissions: "750" }, posixUser: { uid: 1000, gid: 1000 }, mountAt: at });
    // Sorted by path: /mnt/ap (through bindfs) before /mnt/fs (the file system's directory itself).
    assert.deepEqual(p.containers.app!.mounts.map((m) => m.kind === "bind" && m.source), [at, "/var/lib/berth/efs/fs-1"]);
  });

  it("EBS-style: an image by volumeId, mounted under the task's directory; deleted with the task when deleteOnTermination", () => {
    const src = { kind: "ebs" as const, name: "data", volumeId: "vol-0abc", attachmentId: "att-1", sizeInGiB: 1, filesystemType: "ext4", deleteOnTermination: true };
    const task = anAssignedTask([aContainerDef("db", { mountPoints: [{ sourceVolume: "data", containerPath: "/data" }] })], { volumes: [{ name: "data", configuredAtLaunch: true }], volumeSources: [src] });
    const p = plan(task);
    const mountAt = `${ROOT}/tasks/${idOf(task)}/ebs/data`;
    assert.deepEqual(p.prepare, [{ kind: "ebs", volume: "data", volumeId: "vol-0abc", image: `${ROOT}/ebs/vol-0abc.img`, sizeInGiB: 1, filesystemType: "ext4", mountAt, deleteOnTermination: true }]);
    assert.deepEqual(p.deleteImages, [`${ROOT}/ebs/vol-0abc.img`]);
    const kept = plan(anAssignedTask([], { volumes: [{ name: "data", configuredAtLaunch: true }], volumeSources: [{ ...src, deleteOnTermination: false }] }));
    assert.deepEqual(kept.deleteImages, []);
  });

  it("tmpfs and readonlyRootFilesystem; mounts sorted parents first", () => {
    const task = anAssignedTask(
      [aContainerDef("app", { readonlyRootFilesystem: true, mountPoints: [{ sourceVolume: "v", containerPath: "/data/cache" }], linuxParameters: { tmpfs: [{ containerPath: "/data", size: 16, mountOptions: ["noexec"] }] } })],
      { volumes: [{ name: "v" }] },
    );
    const c = plan(task).containers.app!;
    assert.equal(c.readonlyRootFilesystem, true);
    assert.deepEqual(c.mounts.map((m) => [m.kind, m.containerPath]), [["tmpfs", "/data"], ["bind", "/data/cache"]]);
    assert.deepEqual(c.mounts[0], { kind: "tmpfs", containerPath: "/data", sizeMiB: 16, options: ["noexec"] });
  });

  const refusals: [string, Partial<AssignedTask>, Record<string, unknown>[], RegExp][] = [
    ["unknown sourceVolume", { volumes: [] }, [aContainerDef("a", { mountPoints: [{ sourceVolume: "nope", containerPath: "/x" }] })], /container a mounts volume "nope", which is not among/],
    ["relative containerPath", { volumes: [{ name: "v" }] }, [aContainerDef("a", { mountPoints: [{ sourceVolume: "v", containerPath: "x" }] })], /containerPath "x" of volume v is not an absolute path/],
    ["unknown sourceContainer", { volumes: [] }, [aContainerDef("a", { volumesFrom: [{ sourceContainer: "ghost" }] })], /sourceContainer "ghost", which is not in the task/],
    ["a volumesFrom cycle", { volumes: [] }, [aContainerDef("a", { volumesFrom: [{ sourceContainer: "b" }] }), aContainerDef("b", { volumesFrom: [{ sourceContainer: "a" }] })], /volumesFrom forms a cycle: a → b → a/],
    ["two mounts at one path", { volumes: [{ name: "v" }] }, [aContainerDef("a", { mountPoints: [{ sourceVolume: "v", containerPath: "/x" }], linuxParameters: { tmpfs: [{ containerPath: "/x", size: 1 }] } })], /mounts two volumes at \/x/],
    ["EFS without its resolved source", { volumes: [{ name: "v", efsVolumeConfiguration: { fileSystemId: "fs-1" } }] }, [], /volume v needs a backing resolved by the control plane \(efsVolumeConfiguration\)/],
    ["configuredAtLaunch without its resolved source", { volumes: [{ name: "v", configuredAtLaunch: true }] }, [], /\(configuredAtLaunch\), and the assignment has none/],
  ];
  for (const [name, over, defs, reason] of refusals) {
    it(`refuses ${name} with CannotCreateContainerError`, () => {
      const r = planVolumes(anAssignedTask(defs as { name: string; definition: Record<string, unknown> }[], over), ROOT, "process");
      assert.ok(!r.ok);
      assert.match(r.reason, /^CannotCreateContainerError: /);
      assert.match(r.reason, reason);
    });
  }
});

describe("hasStorage", () => {
  it("is false for a task without volumes, mounts, tmpfs or a read-only root", () => {
    assert.equal(hasStorage(anAssignedTask([aContainerDef("a")])), false);
    assert.equal(hasStorage(anAssignedTask([aContainerDef("a", { readonlyRootFilesystem: true })])), true);
    assert.equal(hasStorage(anAssignedTask([aContainerDef("a", { linuxParameters: { tmpfs: [{ containerPath: "/t", size: 1 }] } })])), true);
  });
});

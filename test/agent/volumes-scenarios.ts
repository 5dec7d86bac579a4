// Task storage end to end (issue 16), one set of scenarios run by both runtimes' test files:
// real tasks through a real control plane and agent; each container checks what it sees and
// exits 0 when it is right (its exit code is the verdict, read with DescribeTasks).
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type ContainerDefinition, StopTaskCommand, type Task } from "@aws-sdk/client-ecs";
import Docker from "dockerode";
import { AGENT_INSTANCE_LABEL, type Agent } from "../../src/agent/index.js";
import { mountsBelow } from "../../src/agent/volumes/volume-host.js";
import type { AssignedVolumeSource } from "../../src/model/index.js";
import { dockerConnection } from "../../src/runtime/index.js";
import { type Cluster, startCluster } from "./harness.js";
import { injectVolumeSources } from "./volumes-inject.js";

/** Every mount in any process's mount table whose path contains `fragment`. */
export function mountsAnywhere(fragment: string): string[] {
  const found = new Set<string>();
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    let table = "";
    try {
      table = readFileSync(`/proc/${pid}/mountinfo`, "utf8");
    } catch {
      continue;
    }
    for (const line of table.split("\n")) if (line.includes(fragment)) found.add(`${pid}: ${line.split(" ")[4]}`);
  }
  return [...found];
}

/** Why the volume tests cannot run here (both runtimes need these), or undefined. */
export function hostSkipReason(): string | undefined {
  if (process.platform !== "linux") return `volumes need Linux; this is ${process.platform}`;
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return "volumes need root (mount namespaces, loop devices, FUSE)";
  if (!existsSync("/dev/fuse")) return "no /dev/fuse: bindfs (EFS access points) needs FUSE";
  if (!existsSync("/dev/loop-control")) return "no /dev/loop-control: EBS-style volumes are loop-mounted images";
  for (const tool of ["bindfs", "mkfs.ext4", "chroot", "unshare"]) {
    if (!process.env.PATH?.split(":").some((d) => existsSync(join(d, tool))) && !["/usr/sbin", "/sbin", "/usr/bin"].some((d) => existsSync(join(d, tool)))) {
      return `${tool} is not installed (Debian packages bindfs, e2fsprogs, coreutils, util-linux)`;
    }
  }
  return undefined;
}

const byName = (t: Task) => new Map(t.containers!.map((x) => [x.name!, x]));

export function volumeScenarios(runtime: "process" | "docker", image: string): void {
  describe(`task volumes on the ${runtime} runtime (root)`, { concurrency: false, timeout: 180_000 }, () => {
    let c: Cluster;
    let agent: Agent;
    let volumesRoot: string;
    const sources = new Map<string, AssignedVolumeSource[]>();
    const engineVolumes: string[] = [];
    const sh = (script: string) => ["sh", "-c", script];
    const def = (name: string, script: string, over: Partial<ContainerDefinition> = {}): ContainerDefinition => ({ name, image, memory: 64, essential: true, command: sh(script), ...over });
    const family = (name: string) => `vol-${runtime}-${name}`;
    const runToStop = async (fam: string, containers: ContainerDefinition[], extra: Record<string, unknown> = {}) => {
      const arn = await c.runTask(await c.registerTaskDefinition(fam, containers, extra));
      return c.waitTask(arn, "STOPPED", (t) => t.lastStatus === "STOPPED", 60_000);
    };
    const exits = (t: Task) => Object.fromEntries([...byName(t)].map(([n, x]) => [n, x.exitCode ?? x.reason]));
    const taskDir = (t: Task) => join(volumesRoot, "tasks", t.taskArn!.slice(t.taskArn!.lastIndexOf("/") + 1));
    /** The task's storage is released once it stopped (asynchronously after the report). */
    const released = async (t: Task) => {
      const end = Date.now() + 10_000;
      while (existsSync(taskDir(t)) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      assert.equal(existsSync(taskDir(t)), false, `${taskDir(t)} is still there`);
      assert.deepEqual(mountsAnywhere(taskDir(t)), []);
    };

    before(async () => {
      c = await startCluster();
      agent = await c.startAgent({ runtime });
      volumesRoot = join(c.dir, "agent-0", "volumes");
      injectVolumeSources(agent, sources);
    });
    after(async () => {
      const instances = c?.agents.map((a) => a.instanceId) ?? [];
      await c?.close();
      if (runtime !== "docker") return;
      const docker = new Docker(dockerConnection().options);
      // The agent removes a task's volumes 3 hours after it stopped (ECS's cleanup wait): these tests' go now.
      for (const id of instances) {
        const mine = (await docker.listVolumes({ filters: { label: [`${AGENT_INSTANCE_LABEL}=${id}`] } })).Volumes ?? [];
        engineVolumes.push(...mine.map((v) => v.Name));
      }
      for (const v of engineVolumes) await docker.getVolume(v).remove().catch(() => undefined);
    });

    it("two containers share a task-scoped empty volume (one writes, one reads); it goes with the task", async () => {
      const t = await runToStop(
        family("share"),
        [
          def("writer", "echo shared-data > /scratch/file", { essential: false, mountPoints: [{ sourceVolume: "scratch", containerPath: "/scratch" }] }),
          def("reader", 'test "$(cat /in/file)" = shared-data', { dependsOn: [{ containerName: "writer", condition: "SUCCESS" }], mountPoints: [{ sourceVolume: "scratch", containerPath: "/in" }] }),
        ],
        { volumes: [{ name: "scratch", host: {} }] },
      );
      assert.deepEqual(exits(t), { writer: 0, reader: 0 });
      await released(t);
    });

    it("volumesFrom with readOnly refuses writes, and reads what the source wrote", async () => {
      const t = await runToStop(
        family("from"),
        [
          def("source", "echo from-source > /v/file", { essential: false, mountPoints: [{ sourceVolume: "v", containerPath: "/v" }] }),
          def("follower", 'test "$(cat /v/file)" = from-source || exit 2; if echo x > /v/other; then exit 3; fi; exit 0', {
            dependsOn: [{ containerName: "source", condition: "SUCCESS" }],
            volumesFrom: [{ sourceContainer: "source", readOnly: true }],
          }),
        ],
        { volumes: [{ name: "v" }] },
      );
      assert.deepEqual(exits(t), { source: 0, follower: 0 });
    });

    it("a shared named volume keeps its data from one task to the next", async () => {
      const name = `shared-${runtime}-${Date.now()}`;
      const volumes = [{ name, dockerVolumeConfiguration: { scope: "shared", autoprovision: true, driver: "local" } }];
      const first = await runToStop(family("named-1"), [def("app", "echo kept > /db/value", { mountPoints: [{ sourceVolume: name, containerPath: "/db" }] })], { volumes });
      assert.deepEqual(exits(first), { app: 0 });
      const second = await runToStop(family("named-2"), [def("app", 'test "$(cat /db/value)" = kept', { mountPoints: [{ sourceVolume: name, containerPath: "/db" }] })], { volumes });
      assert.deepEqual(exits(second), { app: 0 });
      if (runtime === "docker") {
        // An engine volume, kept after its tasks (shared); removed once the test's containers are.
        const info = await new Docker(dockerConnection().options).getVolume(name).inspect();
        assert.equal(info.Driver, "local");
        engineVolumes.push(name);
      }
    });

    it("a task-scoped dockerVolumeConfiguration is shared by the task's containers", async () => {
      const t = await runToStop(
        family("task-named"),
        [
          def("writer", "echo scoped > /cache/v", { essential: false, mountPoints: [{ sourceVolume: "cache", containerPath: "/cache" }] }),
          def("reader", 'test "$(cat /cache/v)" = scoped', { dependsOn: [{ containerName: "writer", condition: "SUCCESS" }], mountPoints: [{ sourceVolume: "cache", containerPath: "/cache" }] }),
        ],
        { volumes: [{ name: "cache", dockerVolumeConfiguration: { scope: "task", driver: "local", labels: { team: "storage" } } }] },
      );
      assert.deepEqual(exits(t), { writer: 0, reader: 0 });
      if (runtime === "docker") {
        const id = t.taskArn!.slice(t.taskArn!.lastIndexOf("/") + 1);
        const info = await new Docker(dockerConnection().options).getVolume(`berth-${id}-cache`).inspect();
        assert.equal(info.Labels?.team, "storage");
        assert.equal(info.Labels?.["berth.task-arn"], t.taskArn);
      }
    });

    it("after a restart, the agent removes engine volumes of tasks it no longer has", { skip: runtime !== "docker" ? "engine volumes are the docker runtime's" : false }, async () => {
      const docker = new Docker(dockerConnection().options);
      const name = `berth-orphan-${Date.now()}`;
      const orphanTask = "arn:aws:ecs:us-east-1:000000000000:task/default/ffffffffffffffffffffffffffffffff";
      await docker.createVolume({ Name: name, Labels: { "berth.task-arn": orphanTask, [AGENT_INSTANCE_LABEL]: agent.instanceId } });
      engineVolumes.push(name);
      await agent.stop();
      c.agents.splice(c.agents.indexOf(agent), 1);
      agent = await c.startAgent({ runtime, stateDir: join(c.dir, "agent-0") });
      injectVolumeSources(agent, sources);
      await assert.rejects(docker.getVolume(name).inspect(), /no such volume/i);
    });

    it("readonlyRootFilesystem refuses writes outside the volumes; tmpfs enforces its size", async () => {
      const t = await runToStop(
        family("ro"),
        [
          def("app", "if touch /etc/berth-ro-test; then exit 2; fi; echo ok > /data/ok || exit 3; dd if=/dev/zero of=/fast/f bs=1024 count=512 || exit 4; if dd if=/dev/zero of=/fast/g bs=1024 count=2048; then exit 5; fi; exit 0", {
            readonlyRootFilesystem: true,
            mountPoints: [{ sourceVolume: "data", containerPath: "/data" }],
            linuxParameters: { tmpfs: [{ containerPath: "/fast", size: 1 }] },
          }),
        ],
        { volumes: [{ name: "data" }] },
      );
      assert.deepEqual(exits(t), { app: 0 });
      assert.equal(existsSync("/etc/berth-ro-test"), false);
      assert.equal(existsSync("/fast"), false, "the tmpfs's mount point was made on the host");
    });

    it("an EBS-style volume of 1 GiB refuses the 1.1th GiB and is deleted with the task (deleteOnTermination), leaving no copy in a container started meanwhile", async () => {
      const fam = family("ebs");
      const volumeId = `vol-${runtime}${Date.now().toString(16)}`;
      sources.set(fam, [{ kind: "ebs", name: "data", volumeId, attachmentId: "att-1", sizeInGiB: 1, filesystemType: runtime === "docker" ? "xfs" : "ext4", deleteOnTermination: true }]);
      // It waits for a go file, so that another task starts while the volume is mounted; then
      // 1,127 MiB is more than 1.1 GiB: dd must fail, having written at least half of the
      // gibibyte (XFS may refuse early while its preallocations are reserved).
      const script = "while [ ! -e /data/go ]; do sleep 0.1; done; if dd if=/dev/zero of=/data/big bs=1048576 count=1127 2>/dev/null; then exit 2; fi; s=$(du -m /data/big | cut -f1); echo \"wrote $s MiB\"; [ \"$s\" -ge 512 ] && [ \"$s\" -lt 1024 ] || exit 3";
      const arn = await c.runTask(await c.registerTaskDefinition(fam, [def("db", script, { mountPoints: [{ sourceVolume: "data", containerPath: "/data" }] })], { volumes: [{ name: "data" }] }));
      await c.waitTask(arn, "RUNNING", (t) => t.lastStatus === "RUNNING", 60_000);
      const bystander = await c.runTask(await c.registerTaskDefinition(family("bystander"), [def("idle", "trap 'exit 0' TERM; while :; do sleep 0.1; done", { stopTimeout: 2 })]));
      await c.waitTask(bystander, "RUNNING", (t) => t.lastStatus === "RUNNING", 60_000);
      const mounted = join(volumesRoot, "tasks", arn.slice(arn.lastIndexOf("/") + 1), "ebs", "data");
      writeFileSync(join(mounted, "go"), "");
      const t = await c.waitTask(arn, "STOPPED", (x) => x.lastStatus === "STOPPED", 60_000);
      assert.deepEqual(exits(t), { db: 0 });
      // No copy of the volume's mount stays, in the bystander's namespace either.
      await released(t);
      assert.equal(existsSync(join(volumesRoot, "ebs", `${volumeId}.img`)), false);
      await c.ecs.send(new StopTaskCommand({ cluster: "default", task: bystander }));
      await c.waitTask(bystander, "STOPPED", (x) => x.lastStatus === "STOPPED", 30_000);
    });

    it("an EBS-style volume kept on termination carries its data to the next task with its volumeId; health checks see the container's mounts", async () => {
      const volumeId = `vol-keep${runtime}${Date.now().toString(16)}`;
      const src = { kind: "ebs" as const, name: "data", volumeId, attachmentId: "att-2", sizeInGiB: 1, filesystemType: "ext4", deleteOnTermination: false };
      sources.set(family("ebs-keep-1"), [src]);
      sources.set(family("ebs-keep-2"), [{ ...src, deleteOnTermination: true }]);
      const mounts = { mountPoints: [{ sourceVolume: "data", containerPath: "/data" }] };
      const first = await runToStop(family("ebs-keep-1"), [def("app", "echo kept > /data/v", mounts)], { volumes: [{ name: "data" }] });
      assert.deepEqual(exits(first), { app: 0 });
      await released(first);
      assert.equal(existsSync(join(volumesRoot, "ebs", `${volumeId}.img`)), true, "the image was deleted");
      const arn = await c.runTask(
        await c.registerTaskDefinition(
          family("ebs-keep-2"),
          [def("app", "trap 'exit 0' TERM; while :; do sleep 0.1; done", { ...mounts, stopTimeout: 2, healthCheck: { command: ["CMD-SHELL", 'test "$(cat /data/v)" = kept'], interval: 5, timeout: 2, retries: 1 } })],
          { volumes: [{ name: "data" }] },
        ),
      );
      await c.waitTask(arn, "HEALTHY", (t) => t.healthStatus === "HEALTHY", 30_000);
      await c.ecs.send(new StopTaskCommand({ cluster: "default", task: arn }));
      await released(await c.waitTask(arn, "STOPPED", (t) => t.lastStatus === "STOPPED", 30_000));
      assert.equal(existsSync(join(volumesRoot, "ebs", `${volumeId}.img`)), false);
    });

    it("EFS-style: two tasks on one file system see each other's files; the access point's user owns what is written", async () => {
      const fsRoot = join(c.dir, "efs", "fs-0123");
      mkdirSync(fsRoot, { recursive: true });
      writeFileSync(join(fsRoot, "at-root"), "x");
      const apPath = join(fsRoot, "app");
      const fam1 = family("efs-1");
      const fam2 = family("efs-2");
      const fs = { kind: "efs" as const, name: "shared", fileSystemId: "fs-0123", hostPath: fsRoot };
      const ap = { kind: "efs" as const, name: "ap", fileSystemId: "fs-0123", accessPointId: "fsap-1", hostPath: apPath, posixUser: { uid: 4321, gid: 4322 }, creationInfo: { ownerUid: 4321, ownerGid: 4322, permissions: "750" } };
      sources.set(fam1, [fs, ap]);
      sources.set(fam2, [fs, ap]);
      const mounts = [
        { sourceVolume: "shared", containerPath: "/mnt/efs" },
        { sourceVolume: "ap", containerPath: "/mnt/ap" },
      ];
      const volumes = [{ name: "shared" }, { name: "ap" }];
      const first = await runToStop(fam1, [def("app", "echo one > /mnt/efs/from-one && echo ap > /mnt/ap/by-ap && test ! -e /mnt/ap/at-root", { mountPoints: mounts })], { volumes });
      assert.deepEqual(exits(first), { app: 0 });
      const second = await runToStop(fam2, [def("app", 'test "$(cat /mnt/efs/from-one)" = one && test "$(cat /mnt/ap/by-ap)" = ap && echo two > /mnt/efs/from-two', { mountPoints: mounts })], { volumes });
      assert.deepEqual(exits(second), { app: 0 });
      assert.equal(readFileSync(join(fsRoot, "from-two"), "utf8"), "two\n");
      // The access point's directory was made with its creationInfo; what was written through it is its user's.
      assert.equal(statSync(apPath).uid, 4321);
      assert.equal((statSync(apPath).mode & 0o777).toString(8), "750");
      const written = statSync(join(apPath, "by-ap"));
      assert.deepEqual([written.uid, written.gid], [4321, 4322]);
      await released(first);
      await released(second);
    });

    it("leaves no mount of a stopped task behind, in any namespace", async () => {
      // Every task above has stopped: nothing of the agent's volumes is mounted anywhere.
      const end = Date.now() + 10_000;
      while (mountsAnywhere(join(volumesRoot, "tasks")).length && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(mountsAnywhere(join(volumesRoot, "tasks")), []);
      assert.deepEqual(await mountsBelow(volumesRoot), []);
    });
  });
}

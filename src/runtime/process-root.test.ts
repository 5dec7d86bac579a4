import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planLaunch } from "./process-launch.js";
import { needsOwnRoot, rootRecords, rootStage } from "./process-root.js";
import type { ContainerSpec } from "./types.js";

const tools = { sh: "/bin/sh", unshare: "/usr/bin/unshare", nsenter: "/usr/bin/nsenter", mount: "/usr/bin/mount", umount: "/usr/bin/umount", chroot: "/usr/sbin/chroot" };
function spec(over: Partial<ContainerSpec> = {}): ContainerSpec {
  return { taskArn: "arn:aws:ecs:r:1:task/c/t1", taskId: "t1", containerName: "app", image: "x", networkMode: "host", command: ["sleep", "1"], ...over };
}

describe("rootRecords", () => {
  it("turns binds and tmpfs mounts into the script's records", () => {
    assert.deepEqual(
      rootRecords([
        { kind: "bind", source: "/s", containerPath: "/d", readOnly: true },
        { kind: "tmpfs", containerPath: "/t", sizeMiB: 8, options: ["noexec"] },
        { kind: "tmpfs", containerPath: "/u", options: [] },
      ]),
      ["b", "/s", "/d", "ro", "t", "/t", "size=8m,noexec", "t", "/u", "defaults"],
    );
  });

  it("refuses engine volumes and paths with a newline", () => {
    assert.throws(() => rootRecords([{ kind: "volume", name: "db", containerPath: "/db", readOnly: false }]), /no engine volumes/);
    assert.throws(() => rootRecords([{ kind: "bind", source: "/s", containerPath: "/a\nb", readOnly: false }]), /newline/);
  });
});

describe("rootStage in the launch chain", () => {
  it("comes right after the waiting shell, before the init, and only for containers with mounts or a read-only root", () => {
    assert.equal(needsOwnRoot(spec()), false);
    assert.deepEqual(rootStage(spec(), "/r", tools), []);
    const s = spec({ readonlyRootFilesystem: true, hiddenPaths: ["/var/lib/berth"], mounts: [{ kind: "bind", source: "/s", containerPath: "/d", readOnly: false }] });
    const { argv } = planLaunch({ spec: s, id: "c".repeat(64), exitFile: "/x/exit", isolation: "namespaces", cgroupProcsFiles: [], tools, rootDir: "/state/c/root" });
    const wait = argv.indexOf("berth-wait");
    const root = argv.indexOf("berth-root");
    const init = argv.indexOf("berth-init");
    assert.ok(wait < root && root < init, argv.join(" "));
    assert.deepEqual(argv.slice(root + 1, root + 13), ["/usr/bin/mount", "/usr/bin/umount", "/usr/sbin/chroot", "/state/c/root", "1", "/var/lib/berth", "b", "/s", "/d", "rw", "--", "/bin/sh"]);
  });

  it("refuses mounts without isolation: there is no mount namespace to make them in", () => {
    const s = spec({ mounts: [{ kind: "tmpfs", containerPath: "/t", options: [] }] });
    assert.throws(() => planLaunch({ spec: s, id: "c".repeat(64), exitFile: "/x/exit", isolation: "none", cgroupProcsFiles: [], tools, rootDir: "/r" }), /needs root on Linux/);
  });
});

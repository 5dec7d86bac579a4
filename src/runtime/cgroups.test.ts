import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { chooseCgroupLayout, containerDirs, cpuShares, parseMountinfo, parseProcCgroup, sharesToWeight } from "./cgroups.js";

// This project's CI machines: v1 hierarchies, the agent's memory cgroup nested in a sandbox's.
const V1_MOUNTINFO = `25 30 0:22 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
26 25 0:23 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
27 25 0:24 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
28 25 0:25 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
29 25 0:26 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw`;
const V1_SELF = `4:memory:/process_api/abc
2:cpuacct:/
1:cpu:/
0::/`;

// A systemd host on cgroup v2, the agent in its own delegated unit.
const V2_MOUNTINFO = `35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate`;
const V2_SELF = "0::/system.slice/berth-agent.service\n";

describe("parseMountinfo / parseProcCgroup", () => {
  it("read mount points, roots, types and controllers", () => {
    const m = parseMountinfo(V1_MOUNTINFO);
    assert.deepEqual(m[1], { root: "/", mountPoint: "/sys/fs/cgroup/cpu", fsType: "cgroup", superOptions: ["rw", "cpu"] });
    assert.deepEqual(parseProcCgroup(V1_SELF)[0], { controllers: ["memory"], path: "/process_api/abc" });
    assert.deepEqual(parseProcCgroup(V1_SELF)[3], { controllers: [], path: "/" });
  });
  it("unescapes octal escapes in paths", () => {
    assert.equal(parseMountinfo("1 2 0:1 / /mnt/a\\040b rw - cgroup2 cgroup2 rw")[0]?.mountPoint, "/mnt/a b");
  });
});

describe("chooseCgroupLayout", () => {
  it("v1 when the unified hierarchy offers no memory/cpu; containers nest under the agent's own cgroup", () => {
    const layout = chooseCgroupLayout(parseMountinfo(V1_MOUNTINFO), parseProcCgroup(V1_SELF), "hugetlb\n");
    assert.ok(!("unavailable" in layout) && layout.version === "v1");
    assert.deepEqual(containerDirs(layout, "berth", "c1"), {
      version: "v1",
      memory: "/sys/fs/cgroup/memory/process_api/abc/berth/c1",
      cpu: "/sys/fs/cgroup/cpu/berth/c1",
      cpuacct: "/sys/fs/cgroup/cpuacct/berth/c1",
    });
    assert.deepEqual(containerDirs(layout, "/berth", "c1").version === "v1" && containerDirs(layout, "/berth", "c1"), {
      version: "v1",
      memory: "/sys/fs/cgroup/memory/berth/c1",
      cpu: "/sys/fs/cgroup/cpu/berth/c1",
      cpuacct: "/sys/fs/cgroup/cpuacct/berth/c1",
    });
  });

  it("v2 when the agent's cgroup is offered memory and cpu", () => {
    const layout = chooseCgroupLayout(parseMountinfo(V2_MOUNTINFO), parseProcCgroup(V2_SELF), "cpuset cpu io memory pids\n");
    assert.ok(!("unavailable" in layout) && layout.version === "v2");
    assert.deepEqual(containerDirs(layout, "berth", "c1"), { version: "v2", unified: "/sys/fs/cgroup/system.slice/berth-agent.service/berth/c1" });
  });

  it("a hierarchy mounted from a sub-path (inside a container) maps the agent's path under it", () => {
    const mounts = parseMountinfo("40 30 0:30 /docker/x /sys/fs/cgroup rw - cgroup2 cgroup2 rw");
    const layout = chooseCgroupLayout(mounts, parseProcCgroup("0::/docker/x/agent\n"), "cpu memory");
    assert.ok(!("unavailable" in layout) && layout.version === "v2");
    assert.equal(containerDirs(layout, "berth", "c1").version === "v2" && (containerDirs(layout, "berth", "c1") as { unified: string }).unified, "/sys/fs/cgroup/agent/berth/c1");
  });

  it("says why when nothing is usable", () => {
    const result = chooseCgroupLayout(parseMountinfo(V2_MOUNTINFO), parseProcCgroup(V2_SELF), "pids\n");
    assert.ok("unavailable" in result);
    assert.match(result.unavailable, /offered: pids/);
  });
});

describe("cpu shares", () => {
  it("ECS cpu units below 2 become 2, as the ECS agent does", () => {
    assert.deepEqual([cpuShares(undefined), cpuShares(0), cpuShares(1), cpuShares(512)], [2, 2, 2, 512]);
  });
  it("map onto cgroup v2 weights as runc does", () => {
    assert.deepEqual([sharesToWeight(2), sharesToWeight(1024), sharesToWeight(262_144)], [1, 39, 10_000]);
  });
});

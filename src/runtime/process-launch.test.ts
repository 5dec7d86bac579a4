import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ContainerError } from "./errors.js";
import { commandLine, containerEnvironment, DEFAULT_PATH, DNS_SCRIPT, type HostTools, INIT_SCRIPT, planLaunch, planNetwork, planProbe, WAIT_SCRIPT } from "./process-launch.js";
import type { ContainerSpec } from "./types.js";

const tools: HostTools = {
  sh: "/bin/sh",
  unshare: "/usr/bin/unshare",
  nsenter: "/usr/bin/nsenter",
  mount: "/usr/bin/mount",
  prlimit: "/usr/bin/prlimit",
  setpriv: "/usr/bin/setpriv",
  ip: "/usr/sbin/ip",
};
const ID = "abcdef0123456789".repeat(4);

function spec(over: Partial<ContainerSpec> = {}): ContainerSpec {
  return { taskArn: "arn:t", taskId: "t", containerName: "web", image: "nginx:1", networkMode: "host", command: ["sleep", "5"], ...over };
}

const createError = (e: unknown) => e instanceof ContainerError && e.errorName === "CannotCreateContainerError";

describe("commandLine", () => {
  it("is entryPoint followed by command", () => {
    assert.deepEqual(commandLine(spec({ entryPoint: ["/bin/sh", "-c"], command: ["echo hi"] })), ["/bin/sh", "-c", "echo hi"]);
    assert.deepEqual(commandLine(spec({ entryPoint: ["server"], command: undefined })), ["server"]);
  });
  it("fails clearly when both are empty: there is no image to supply one", () => {
    assert.throws(() => commandLine(spec({ command: [] })), (e: unknown) => createError(e) && /neither entryPoint nor command/.test((e as Error).message));
  });
});

describe("containerEnvironment", () => {
  it("adds Docker's default PATH and, when isolated, HOSTNAME; the spec's values win", () => {
    assert.deepEqual(containerEnvironment(spec({ environment: { A: "1" } }), ID, "namespaces"), { PATH: DEFAULT_PATH, HOSTNAME: ID.slice(0, 12), A: "1" });
    assert.deepEqual(containerEnvironment(spec({ environment: { PATH: "/x" } }), ID, "none"), { PATH: "/x" });
  });
});

describe("planNetwork", () => {
  it("host and bridge bind container ports on the host", () => {
    assert.deepEqual(planNetwork(spec({ networkMode: "bridge", portMappings: [{ containerPort: 80, hostPort: 80, protocol: "udp" }] }), "none"), [
      { bindIP: "0.0.0.0", containerPort: 80, hostPort: 80, protocol: "udp" },
    ]);
  });
  it("bridge in the task's namespace reports the host ports the agent forwards, any of them", () => {
    const inNs = spec({ networkMode: "bridge", networkNamespace: { path: "/run/netns/t1" }, portMappings: [{ containerPort: 8080, hostPort: 32768 }] });
    assert.deepEqual(planNetwork(inNs, "namespaces"), [{ bindIP: "0.0.0.0", containerPort: 8080, hostPort: 32768, protocol: "tcp" }]);
    assert.throws(() => planNetwork({ ...inNs, portMappings: [{ containerPort: 8080, hostPort: 0 }] }, "namespaces"), /containerPort 8080 has no host port/);
    const plan = planLaunch({ spec: inNs, id: ID, exitFile: "/e", isolation: "namespaces", cgroupProcsFiles: [], tools });
    assert.deepEqual(plan.argv.slice(0, 3), ["/usr/bin/nsenter", "--net=/run/netns/t1", "--"]);
  });
  it("refuses what it cannot honour, saying what is allowed", () => {
    assert.throws(() => planNetwork(spec({ portMappings: [{ containerPort: 80, hostPort: 81 }] }), "namespaces"), /hostPort must be 0, absent or 80/);
    assert.throws(() => planNetwork(spec({ networkMode: "none" }), "none"), /networkMode none needs namespaces/);
    assert.throws(() => planNetwork(spec({ networkMode: "awsvpc" }), "namespaces"), /needs networkNamespace.path/);
    assert.throws(() => planNetwork(spec({ networkMode: "none", portMappings: [{ containerPort: 1 }] }), "namespaces"), /allows no portMappings/);
  });
});

describe("planLaunch", () => {
  it("isolated: unshare → waiting shell → init (cgroups, /proc, hostname, dir) → prlimit → setpriv → command", () => {
    const plan = planLaunch({
      spec: spec({ workingDirectory: "/srv", ulimits: [{ name: "nofile", softLimit: 10, hardLimit: 20 }], hostname: "h1" }),
      id: ID,
      exitFile: "/state/exit",
      isolation: "namespaces",
      cgroupProcsFiles: ["/cg/memory/x/cgroup.procs", "/cg/cpu/x/cgroup.procs"],
      tools,
      user: { uid: 1000, gid: 1000, name: "app" },
    });
    assert.deepEqual(plan.argv, [
      "/usr/bin/unshare", "--pid", "--mount", "--uts", "--propagation", "private", "--",
      "/bin/sh", "-c", WAIT_SCRIPT, "berth-wait", "/state/exit", "none",
      "/bin/sh", "-c", INIT_SCRIPT, "berth-init", "/usr/bin/mount", "h1", "", "/srv", "/cg/memory/x/cgroup.procs", "/cg/cpu/x/cgroup.procs", "--",
      "/usr/bin/prlimit", "--nofile=10:20", "--",
      "/usr/bin/setpriv", "--reuid=1000", "--regid=1000", "--init-groups", "--",
      "sleep", "5",
    ]);
    assert.equal(plan.cwd, "/");
  });

  it("plain: the waiting shell kills the process group after the init exits; spawn's cwd is the working directory", () => {
    const plan = planLaunch({ spec: spec({ workingDirectory: "/srv" }), id: ID, exitFile: "/e", isolation: "none", cgroupProcsFiles: [], tools });
    assert.deepEqual(plan.argv, ["/bin/sh", "-c", WAIT_SCRIPT, "berth-wait", "/e", "group", "/bin/sh", "-c", INIT_SCRIPT, "berth-init", "", "", "", "/srv", "--", "sleep", "5"]);
    assert.equal(plan.cwd, "/srv");
  });

  it("networkMode none adds a network namespace with loopback up; awsvpc joins the given one", () => {
    const none = planLaunch({ spec: spec({ networkMode: "none" }), id: ID, exitFile: "/e", isolation: "namespaces", cgroupProcsFiles: [], tools });
    assert.ok(none.argv.includes("--net"));
    assert.ok(none.argv.includes("/usr/sbin/ip"));
    const vpc = planLaunch({ spec: spec({ networkMode: "awsvpc", networkNamespace: { path: "/run/netns/t1" } }), id: ID, exitFile: "/e", isolation: "namespaces", cgroupProcsFiles: [], tools });
    assert.deepEqual(vpc.argv.slice(0, 3), ["/usr/bin/nsenter", "--net=/run/netns/t1", "--"]);
    assert.ok(!vpc.argv.includes("berth-dns"), "no resolvers given: the host's resolv.conf");
    const dns = planLaunch({
      spec: spec({ networkMode: "awsvpc", networkNamespace: { path: "/run/netns/t1", resolvConf: "/etc/netns/t1/resolv.conf" } }),
      id: ID, exitFile: "/e", isolation: "namespaces", cgroupProcsFiles: [], tools,
    });
    const at = dns.argv.indexOf("berth-dns");
    assert.deepEqual(dns.argv.slice(at - 3, at + 4), ["/bin/sh", "-c", DNS_SCRIPT, "berth-dns", "/usr/bin/mount", "/etc/netns/t1/resolv.conf", "--"]);
    assert.ok(at > dns.argv.indexOf("berth-wait"), "run by the container's init (PID 1), after the waiting shell forked it");
    assert.equal(dns.argv[at + 7], "berth-init", "then the init's own stage");
  });

  it("names missing tools and bad ulimits", () => {
    const base = { id: ID, exitFile: "/e", isolation: "none" as const, cgroupProcsFiles: [] };
    assert.throws(() => planLaunch({ ...base, spec: spec({ ulimits: [{ name: "nofile", softLimit: 1, hardLimit: 1 }] }), tools: { sh: "/bin/sh" } }), /ulimits need prlimit/);
    assert.throws(() => planLaunch({ ...base, spec: spec({ ulimits: [{ name: "nofile", softLimit: 5, hardLimit: 1 }] }), tools }), /softLimit 5 exceeds hardLimit 1/);
    assert.throws(() => planLaunch({ ...base, spec: spec({ ulimits: [{ name: "bogus" as "nofile", softLimit: 1, hardLimit: 1 }] }), tools }), /ulimit name "bogus" is not valid/);
  });
});

describe("planProbe", () => {
  it("isolated: joins the cgroups, then the init's namespaces and working directory, like docker exec", () => {
    const plan = planProbe({
      probe: { kind: "shell", script: "curl -f localhost" },
      spec: spec({ workingDirectory: "/srv", networkMode: "none" }),
      id: ID,
      isolation: "namespaces",
      initPid: 4242,
      cgroupProcsFiles: ["/cg/x/cgroup.procs"],
      tools,
    });
    assert.deepEqual(plan.argv.slice(4), [
      "/cg/x/cgroup.procs", "--",
      "/usr/bin/nsenter", "--target=4242", "--pid", "--mount", "--uts", "--net", "--wd=/srv", "--",
      "/bin/sh", "-c", "curl -f localhost",
    ]);
  });
  it("plain: runs the argv in the working directory", () => {
    const plan = planProbe({ probe: { kind: "exec", argv: ["true"] }, spec: spec({ workingDirectory: "/srv" }), id: ID, isolation: "none", initPid: 1, cgroupProcsFiles: [], tools });
    assert.deepEqual([plan.argv, plan.cwd], [["true"], "/srv"]);
  });
});

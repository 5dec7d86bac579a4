import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runDriverConformance } from "./driver-conformance.js";
import { ContainerError } from "./errors.js";
import { createProcessDriver, detectProcessHost, type ProcessDriver } from "./process-driver.js";
import type { ContainerSpec, LogLine } from "./types.js";

const host = await detectProcessHost();
const isolatedSkip =
  host.isolation !== "namespaces"
    ? `namespaces unavailable: ${host.isolationReason}`
    : !host.cgroups
      ? `cgroups unavailable: ${host.cgroupReason}`
      : undefined;

runDriverConformance({
  name: "process driver (namespaces + cgroups)",
  image: "recorded/only:1",
  runsCommands: true,
  createDriver: (stateDir) => createProcessDriver({ stateDir }),
  ...(isolatedSkip ? { skip: isolatedSkip } : {}),
});

runDriverConformance({
  name: "process driver (plain processes, no cgroups)",
  image: "recorded/only:1",
  runsCommands: true,
  createDriver: (stateDir) => createProcessDriver({ stateDir, isolation: "none", cgroups: "none" }),
});

const dirs: string[] = [];
const drivers: ProcessDriver[] = [];
after(async () => {
  for (const d of drivers) {
    for (const c of await d.list()) await d.remove(c.id);
    await d.close();
  }
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function driver(options: { isolation?: "none"; cgroups?: "none" } = {}): Promise<ProcessDriver> {
  const stateDir = await mkdtemp(join(tmpdir(), "berth-process-"));
  dirs.push(stateDir);
  const d = await createProcessDriver({ stateDir, ...options });
  drivers.push(d);
  return d;
}

/** Awaits with a deadline; the timer also keeps the process alive while only events are awaited. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`nothing within ${ms} ms`)), ms)));
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

let n = 0;
function spec(over: Partial<ContainerSpec> = {}): ContainerSpec {
  n++;
  return {
    taskArn: `arn:aws:ecs:us-east-1:123456789012:task/process/${n}`,
    taskId: String(n),
    containerName: "app",
    image: "recorded/only:1",
    networkMode: "host",
    ...over,
  };
}

async function output(d: ProcessDriver, id: string): Promise<string[]> {
  const out: LogLine[] = [];
  for await (const l of d.logs(id)) out.push(l);
  return out.map((l) => l.line);
}

async function runToExit(d: ProcessDriver, s: ContainerSpec) {
  const id = await d.createContainer(s);
  await d.start(id);
  const exit = await d.wait(id);
  return { id, exit, lines: await output(d, id) };
}

describe("process driver: command line", () => {
  it("runs entryPoint ++ command: entryPoint replaces the image's, command supplies the arguments", async () => {
    const d = await driver();
    const { lines } = await runToExit(d, spec({ entryPoint: ["/bin/echo", "from-entrypoint"], command: ["arg1", "arg 2"] }));
    assert.deepEqual(lines, ["from-entrypoint arg1 arg 2"]);
  });

  it("a command that is not found fails start like Docker: CannotStartContainerError", async () => {
    const d = await driver();
    const id = await d.createContainer(spec({ command: ["no-such-program-berth"] }));
    await assert.rejects(d.start(id), (e: unknown) => e instanceof ContainerError && e.reason === 'CannotStartContainerError: exec: "no-such-program-berth": executable file not found in $PATH');
  });

  it("bridge mode without port translation: hostPort must equal containerPort", async () => {
    const d = await driver();
    await assert.rejects(
      d.createContainer(spec({ command: ["true"], networkMode: "bridge", portMappings: [{ containerPort: 80, hostPort: 8080 }] })),
      /hostPort 8080 differs from containerPort 80/,
    );
    const id = await d.createContainer(spec({ command: ["true"], networkMode: "bridge", portMappings: [{ containerPort: 8080, hostPort: 0 }] }));
    await d.start(id);
    assert.deepEqual((await d.inspect(id)).networkBindings, [{ bindIP: "0.0.0.0", containerPort: 8080, hostPort: 8080, protocol: "tcp" }]);
  });

  it("a host port another program holds fails the start with CannotStartContainerError, saying so", async () => {
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, "127.0.0.1", r));
    try {
      const port = (holder.address() as AddressInfo).port;
      const d = await driver();
      const id = await d.createContainer(spec({ command: ["sleep", "30"], networkMode: "bridge", portMappings: [{ containerPort: port }] }));
      await assert.rejects(d.start(id), (e: unknown) => {
        assert.ok(e instanceof ContainerError);
        assert.equal(e.reason, `CannotStartContainerError: port ${port}/tcp is already in use on the host: the process runtime binds a container's ports on the host itself, and another program holds it`);
        return true;
      });
      assert.equal((await d.inspect(id)).status, "CREATED");
    } finally {
      await new Promise((r) => holder.close(r));
    }
  });

  it("capabilities state the isolation on the container instance's attributes", async () => {
    const plain = await (await driver({ isolation: "none", cgroups: "none" })).capabilities();
    assert.deepEqual(plain.attributes.filter((a) => a.name.startsWith("berth.runtime.")), [
      { name: "berth.runtime.isolation", value: "none" },
      { name: "berth.runtime.cgroup", value: "none" },
      { name: "berth.runtime.port-translation", value: "none" },
    ]);
    assert.ok(plain.resources.cpu >= 1024 && plain.resources.memoryMiB > 0);
  });

  it("health: a probe that outlives its timeout counts as a failure", async () => {
    const d = await driver();
    const id = await d.createContainer(spec({ command: ["sleep", "30"], healthCheck: { command: ["CMD-SHELL", "sleep 10"], interval: 1, timeout: 1, retries: 1 } }));
    await d.start(id);
    const deadline = Date.now() + 10_000;
    while ((await d.inspect(id)).health.status !== "UNHEALTHY" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const { health } = await d.inspect(id);
    assert.equal(health.status, "UNHEALTHY");
    assert.equal(health.output, "Health check exceeded timeout (1s)");
    await d.remove(id);
  });

  it("health: failures inside the start period don't count", async () => {
    const d = await driver();
    const id = await d.createContainer(spec({ command: ["sleep", "30"], healthCheck: { command: ["CMD", "false"], interval: 1, timeout: 2, retries: 1, startPeriod: 60 } }));
    await d.start(id);
    await new Promise((r) => setTimeout(r, 2500));
    const { health } = await d.inspect(id);
    assert.deepEqual([health.status, health.failingStreak], ["UNKNOWN", 0]);
    await d.remove(id);
  });
});

describe("process driver: agent restarts", () => {
  it("health checks resume under the new driver", async () => {
    const stateDir = await mkdtemp(join(tmpdir(), "berth-process-"));
    dirs.push(stateDir);
    const first = await createProcessDriver({ stateDir });
    const id = await first.createContainer(spec({ command: ["sleep", "30"], healthCheck: { command: ["CMD", "false"], interval: 1, timeout: 2, retries: 1 } }));
    await first.start(id);
    await first.close();
    const second = await createProcessDriver({ stateDir });
    drivers.push(second);
    const unhealthy = new Promise((resolve) => second.events((e) => e.kind === "health" && e.id === id && resolve(e.status)));
    assert.equal((await second.list()).find((c) => c.id === id)?.status, "RUNNING");
    assert.equal(await within(unhealthy, 10_000), "UNHEALTHY");
  });

  it("a container whose processes vanished while no agent watched reports ContainerVanishedError", async () => {
    const stateDir = await mkdtemp(join(tmpdir(), "berth-process-"));
    dirs.push(stateDir);
    const first = await createProcessDriver({ stateDir, isolation: "none", cgroups: "none" });
    const id = await first.createContainer(spec({ command: ["sleep", "30"] }));
    await first.start(id);
    const { pid } = await first.inspect(id);
    const record = JSON.parse(await readFile(join(stateDir, "containers", id, "container.json"), "utf8"));
    await first.close();
    // What a host reboot does: the waiting shell and the container are gone, no exit recorded.
    process.kill(-record.waiterPid, "SIGKILL");
    assert.ok(pid);
    await new Promise((r) => setTimeout(r, 200));
    const second = await createProcessDriver({ stateDir });
    drivers.push(second);
    const exit = await second.wait(id);
    assert.equal(exit.exitCode, null);
    assert.match(exit.reason ?? "", /^ContainerVanishedError: /);
  });
});

describe("process driver: namespaces and cgroups", { ...(isolatedSkip ? { skip: isolatedSkip } : {}) }, () => {
  it("the container is PID 1 of its own PID namespace, with its own hostname and /proc", async () => {
    const d = await driver();
    const { lines } = await runToExit(
      d,
      spec({ hostname: "berth-test-host", command: ["sh", "-c", 'echo "pid=$$ host=$(cat /proc/sys/kernel/hostname)"; ls /proc | grep -c "^[0-9]"'] }),
    );
    assert.equal(lines[0], "pid=1 host=berth-test-host");
    // Only the container's own few processes are visible, not the host's.
    assert.ok(Number(lines[1]) <= 4, `${lines[1]} processes visible in /proc`);
  });

  it("a memory-limit kill exits 137 with the OutOfMemoryError reason", async () => {
    const d = await driver();
    const { exit } = await runToExit(d, spec({ memory: 16, command: ["sh", "-c", "x=a; while :; do x=$x$x; done"] }));
    assert.deepEqual([exit.exitCode, exit.reason], [137, "OutOfMemoryError: Container killed due to memory usage"]);
  });

  it("cpu shares and memory limits are written to the container's cgroups", async () => {
    const d = await driver();
    const id = await d.createContainer(spec({ command: ["sleep", "30"], cpu: 512, memory: 64, memoryReservation: 32 }));
    const record = JSON.parse(await readFile(join(dirs.at(-1) as string, "containers", id, "container.json"), "utf8"));
    const cg = record.cgroup;
    if (cg.version === "v1") {
      assert.equal((await readFile(`${cg.cpu}/cpu.shares`, "utf8")).trim(), "512");
      assert.equal((await readFile(`${cg.memory}/memory.limit_in_bytes`, "utf8")).trim(), String(64 * 1024 * 1024));
      assert.equal((await readFile(`${cg.memory}/memory.soft_limit_in_bytes`, "utf8")).trim(), String(32 * 1024 * 1024));
    } else {
      assert.equal((await readFile(`${cg.unified}/memory.max`, "utf8")).trim(), String(64 * 1024 * 1024));
    }
    await d.start(id);
    const stats = await d.stats(id);
    assert.equal(stats.memory_stats.limit, 64 * 1024 * 1024);
    assert.equal(stats.pids_stats.current, 1);
    await d.remove(id);
  });

  it("user and ulimits apply to the command", async () => {
    const d = await driver();
    const { lines } = await runToExit(
      d,
      spec({ user: "65534", ulimits: [{ name: "nofile", softLimit: 256, hardLimit: 512 }], command: ["sh", "-c", "id -u; ulimit -n; ulimit -Hn"] }),
    );
    assert.deepEqual(lines, ["65534", "256", "512"]);
  });

  it("networkMode none gives the container its own network with only loopback", async () => {
    const d = await driver();
    const { lines } = await runToExit(d, spec({ networkMode: "none", command: ["sh", "-c", "cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' '"] }));
    assert.deepEqual(lines, ["lo"]);
  });
});

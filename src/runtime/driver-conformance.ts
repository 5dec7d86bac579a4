// The cases every RuntimeDriver must pass, run by each driver's test file against that driver
// (as hono runs one set of router cases against every router). A case describes a container
// twice: as a shell command for runtimes that run commands (docker, process), and as
// berth.simulate.* labels for the simulated one, so the same assertions hold for all three.
// Cases that need real commands (environment, working directory, logs) skip on the simulated
// runtime, saying so.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ContainerError, ContainerNotFoundError } from "./errors.js";
import { LABELS } from "./labels.js";
import { SIMULATE } from "./simulate-schedule.js";
import type { ContainerSpec, HealthStatus, LogLine, RuntimeDriver, RuntimeEvent } from "./types.js";

export interface ConformanceTarget {
  /** Suite title, e.g. "process driver (namespaces)". */
  name: string;
  /** A driver on the given state dir; called again on the same dir to act out an agent restart. */
  createDriver(stateDir: string): Promise<RuntimeDriver>;
  /** The image specs name (the process runtime records it only). */
  image: string;
  /** When set, every case is skipped with this reason. */
  skip?: string;
  /** False for the simulated runtime: cases that need real commands skip. */
  runsCommands: boolean;
  /** Cases run at once (default 4). */
  concurrency?: number;
}

const NO_COMMANDS = "the simulated runtime runs no commands";

/** A container that keeps running (until stopped) and prints "ready" once its trap is set. */
const LONG_RUNNING = (trap = "") => ["sh", "-c", `${trap}echo ready; while :; do sleep 0.1; done`];

interface Harness {
  driver: RuntimeDriver;
  stateDir: string;
  events: RuntimeEvent[];
  spec(over?: Partial<ContainerSpec>, simulate?: Record<string, string>): ContainerSpec;
  /** create + start; the container is removed when the case ends. */
  run(spec: ContainerSpec): Promise<string>;
  track(id: string): void;
  restart(): Promise<RuntimeDriver>;
}

export function runDriverConformance(target: ConformanceTarget): void {
  const opts = { concurrency: target.concurrency ?? 4, ...(target.skip ? { skip: target.skip } : {}) };
  const commands = target.runsCommands ? {} : { skip: NO_COMMANDS };

  async function withHarness(fn: (h: Harness) => Promise<void>): Promise<void> {
    const stateDir = await mkdtemp(join(tmpdir(), "berth-conformance-"));
    const drivers: RuntimeDriver[] = [];
    const ids = new Set<string>();
    const events: RuntimeEvent[] = [];
    const open = async () => {
      const d = await target.createDriver(stateDir);
      d.events((e) => events.push(e));
      drivers.push(d);
      return d;
    };
    const h: Harness = {
      driver: await open(),
      stateDir,
      events,
      spec(over = {}, simulate = {}) {
        const taskId = randomBytes(16).toString("hex");
        return {
          taskArn: `arn:aws:ecs:us-east-1:123456789012:task/conformance/${taskId}`,
          taskId,
          containerName: "app",
          image: target.image,
          networkMode: "bridge",
          command: LONG_RUNNING(),
          ...over,
          labels: { ...over.labels, ...simulate },
        };
      },
      async run(spec) {
        const id = await h.driver.createContainer(spec);
        ids.add(id);
        await h.driver.start(id);
        return id;
      },
      track: (id) => void ids.add(id),
      async restart() {
        await h.driver.close();
        h.driver = await open();
        return h.driver;
      },
    };
    try {
      await fn(h);
    } finally {
      for (const id of ids) await h.driver.remove(id).catch(() => undefined);
      for (const d of drivers) await d.close();
      await rm(stateDir, { recursive: true, force: true });
    }
  }

  describe(`RuntimeDriver conformance: ${target.name}`, opts, () => {
    it("runs the container and reports its exit code, in inspect, wait and an exited event", () =>
      withHarness(async (h) => {
        const id = await h.run(h.spec({ command: ["sh", "-c", "exit 3"] }, { [SIMULATE.exitAfterMs]: "50", [SIMULATE.exitCode]: "3" }));
        const exit = await h.driver.wait(id);
        assert.equal(exit.exitCode, 3);
        const state = await h.driver.inspect(id);
        assert.equal(state.status, "EXITED");
        assert.equal(state.exit?.exitCode, 3);
        assert.ok(state.startedAt !== undefined && state.startedAt <= exit.finishedAt, "startedAt ≤ finishedAt");
        const kinds = await eventually(() => {
          const mine = h.events.filter((e) => e.id === id).map((e) => e.kind);
          return mine.includes("exited") ? mine : undefined;
        });
        assert.deepEqual(kinds, ["started", "exited"]);
        const exited = h.events.find((e) => e.id === id && e.kind === "exited");
        assert.equal(exited?.kind === "exited" && exited.exitCode, 3);
      }));

    it("start: an exited container runs again with the same id, a new run and its own exit", () =>
      withHarness(async (h) => {
        const spec = h.spec(
          { command: ["sh", "-c", "echo run; sleep 0.3; exit 3"] },
          { [SIMULATE.exitAfterMs]: "300", [SIMULATE.exitCode]: "3" },
        );
        const id = await h.run(spec);
        const first = await h.driver.wait(id);
        assert.equal(first.exitCode, 3);
        const firstStart = (await h.driver.inspect(id)).startedAt!;
        await h.driver.start(id);
        const again = await h.driver.inspect(id);
        assert.ok(again.startedAt! >= first.finishedAt && again.startedAt! >= firstStart, "a new startedAt");
        const second = await h.driver.wait(id);
        assert.equal(second.exitCode, 3);
        assert.ok(second.finishedAt >= again.startedAt!, "the second exit is the new run's");
        const kinds = await eventually(() => {
          const mine = h.events.filter((e) => e.id === id).map((e) => e.kind);
          return mine.length >= 4 ? mine : undefined;
        });
        assert.deepEqual(kinds, ["started", "exited", "started", "exited"]);
        if (target.runsCommands) assert.deepEqual(await lines(h.driver, id, "stdout"), ["run", "run"]);
      }));

    it("gives the container its environment", commands, () =>
      withHarness(async (h) => {
        const id = await h.run(h.spec({ command: ["sh", "-c", 'echo "FOO=$FOO"'], environment: { FOO: "bar baz" } }));
        await h.driver.wait(id);
        assert.deepEqual(await lines(h.driver, id, "stdout"), ["FOO=bar baz"]);
      }));

    it("runs the container in its working directory", commands, () =>
      withHarness(async (h) => {
        const id = await h.run(h.spec({ command: ["sh", "-c", "pwd"], workingDirectory: "/tmp" }));
        await h.driver.wait(id);
        assert.deepEqual(await lines(h.driver, id, "stdout"), ["/tmp"]);
      }));

    it("stop: a container that handles SIGTERM exits with its own code before the timeout", () =>
      withHarness(async (h) => {
        const id = await h.run(h.spec({ command: LONG_RUNNING("trap 'exit 42' TERM; ") }, { [SIMULATE.sigtermExitCode]: "42" }));
        if (target.runsCommands) await waitForLine(h.driver, id, "ready");
        const t0 = Date.now();
        await h.driver.stop(id, { timeoutSeconds: 20 });
        assert.ok(Date.now() - t0 < 10_000, `stopped in ${Date.now() - t0} ms, before the 20 s timeout`);
        assert.equal((await h.driver.wait(id)).exitCode, 42);
      }));

    it("stop: SIGKILL follows after the timeout when SIGTERM is ignored (exit 137)", () =>
      withHarness(async (h) => {
        const id = await h.run(h.spec({ command: LONG_RUNNING("trap '' TERM; ") }, { [SIMULATE.ignoreSigterm]: "true" }));
        if (target.runsCommands) await waitForLine(h.driver, id, "ready");
        const t0 = Date.now();
        await h.driver.stop(id, { timeoutSeconds: 1 });
        const took = Date.now() - t0;
        assert.ok(took >= 900 && took < 8000, `stop took ${took} ms; expected about the 1 s timeout`);
        assert.equal((await h.driver.wait(id)).exitCode, 137);
        assert.equal((await h.driver.inspect(id)).status, "EXITED");
      }));

    it("stop: a given stop signal is sent instead of SIGTERM", () =>
      withHarness(async (h) => {
        const id = await h.run(h.spec({ command: LONG_RUNNING("trap 'exit 7' INT; ") }, { [SIMULATE.sigtermExitCode]: "7" }));
        if (target.runsCommands) await waitForLine(h.driver, id, "ready");
        await h.driver.stop(id, { timeoutSeconds: 20, signal: "SIGINT" });
        assert.equal((await h.driver.wait(id)).exitCode, 7);
      }));

    it("stop: stopping an exited container does nothing", () =>
      withHarness(async (h) => {
        const id = await h.run(h.spec({ command: ["sh", "-c", "exit 0"] }, { [SIMULATE.exitAfterMs]: "0" }));
        await h.driver.wait(id);
        await h.driver.stop(id, { timeoutSeconds: 1 });
        assert.equal((await h.driver.inspect(id)).exit?.exitCode, 0);
      }));

    it("health: a passing CMD-SHELL check (run with the container's env and dir) turns HEALTHY", () =>
      withHarness(async (h) => {
        const id = await h.run(
          h.spec(
            {
              environment: { FOO: "bar" },
              workingDirectory: "/tmp",
              healthCheck: { command: ["CMD-SHELL", 'test "$FOO" = bar && test "$(pwd)" = /tmp'], interval: 1, timeout: 2, retries: 2 },
            },
            { [SIMULATE.healthyAfterMs]: "200" },
          ),
        );
        assert.equal(await healthEvent(h, id, 15_000), "HEALTHY");
        assert.equal((await h.driver.inspect(id)).health.status, "HEALTHY");
      }));

    it("health: a failing CMD check turns UNHEALTHY after `retries` failures", () =>
      withHarness(async (h) => {
        const id = await h.run(
          h.spec(
            { healthCheck: { command: ["CMD", "false"], interval: 1, timeout: 2, retries: 2 } },
            { [SIMULATE.unhealthyAfterMs]: "200" },
          ),
        );
        assert.equal(await healthEvent(h, id, 15_000), "UNHEALTHY");
        const health = (await h.driver.inspect(id)).health;
        assert.equal(health.status, "UNHEALTHY");
        assert.ok(health.failingStreak >= 2, `failingStreak ${health.failingStreak} ≥ retries 2`);
      }));

    it("health: a container without a health check stays UNKNOWN", () =>
      withHarness(async (h) => {
        const id = await h.run(h.spec());
        assert.equal((await h.driver.inspect(id)).health.status, "UNKNOWN");
      }));

    it("list(): a new driver on the same state finds running containers, stops them, and learns exits it missed", () =>
      withHarness(async (h) => {
        const running = h.spec({ command: LONG_RUNNING("trap 'exit 42' TERM; ") }, { [SIMULATE.sigtermExitCode]: "42" });
        const runningId = await h.run(running);
        const quick = h.spec({ command: ["sh", "-c", "sleep 1; exit 5"] }, { [SIMULATE.exitAfterMs]: "1000", [SIMULATE.exitCode]: "5" });
        const quickId = await h.run(quick);
        if (target.runsCommands) await waitForLine(h.driver, runningId, "ready");
        const after = await h.restart();
        await sleep(1500); // the quick container exits while the "agent" restarts
        const found = (await after.list()).find((s) => s.id === runningId);
        assert.ok(found, "the running container is listed");
        assert.equal(found.status, "RUNNING");
        assert.equal(found.taskArn, running.taskArn);
        assert.equal(found.containerName, "app");
        assert.equal(found.labels[LABELS.taskArn], running.taskArn);
        assert.equal((await after.wait(quickId)).exitCode, 5);
        await after.stop(runningId, { timeoutSeconds: 10 });
        assert.equal((await after.wait(runningId)).exitCode, 42);
      }));

    it("logs: stdout and stderr lines, in order per stream, with timestamps", commands, () =>
      withHarness(async (h) => {
        const t0 = Date.now();
        const id = await h.run(h.spec({ command: ["sh", "-c", "echo out1; echo err1 >&2; echo out2"] }));
        await h.driver.wait(id);
        const all = await collect(h.driver.logs(id));
        assert.deepEqual(all.filter((l) => l.stream === "stdout").map((l) => l.line), ["out1", "out2"]);
        assert.deepEqual(all.filter((l) => l.stream === "stderr").map((l) => l.line), ["err1"]);
        for (const l of all) assert.ok(l.timestamp >= t0 - 2000 && l.timestamp <= Date.now() + 1000, `timestamp ${l.timestamp} near now`);
      }));

    it("logs follow: yields lines as they are written and ends when the container exits", commands, () =>
      withHarness(async (h) => {
        const id = await h.run(h.spec({ command: ["sh", "-c", "echo a; sleep 1; echo b"] }));
        const seen = (await collect(h.driver.logs(id, { follow: true }))).map((l) => l.line);
        assert.deepEqual(seen, ["a", "b"]);
        assert.equal((await h.driver.inspect(id)).status, "EXITED");
      }));

    it("stats: a running container reports memory and CPU in Docker's stats shape", () =>
      withHarness(async (h) => {
        const id = await h.run(h.spec());
        if (target.runsCommands) await waitForLine(h.driver, id, "ready");
        const first = await h.driver.stats(id);
        await sleep(200);
        const second = await h.driver.stats(id);
        assert.ok(!Number.isNaN(Date.parse(first.read)), `read ${first.read} is a time`);
        assert.ok((second.memory_stats.usage ?? 0) > 0, `memory usage ${second.memory_stats.usage} > 0`);
        assert.ok((second.memory_stats.limit ?? 0) > 0, "memory limit > 0");
        assert.equal(typeof second.cpu_stats.cpu_usage.total_usage, "number");
        assert.ok(second.cpu_stats.cpu_usage.total_usage >= first.cpu_stats.cpu_usage.total_usage);
        assert.equal(second.precpu_stats.cpu_usage.total_usage, first.cpu_stats.cpu_usage.total_usage);
        assert.ok((second.cpu_stats.system_cpu_usage ?? 0) > 0, "system_cpu_usage > 0");
      }));

    it("labels: the spec's labels and berth's are on the container", () =>
      withHarness(async (h) => {
        const spec = h.spec({ labels: { "com.example.team": "blue" } });
        const id = await h.driver.createContainer(spec);
        h.track(id);
        const { labels, status } = await h.driver.inspect(id);
        assert.equal(status, "CREATED");
        assert.equal(labels["com.example.team"], "blue");
        assert.equal(labels[LABELS.taskArn], spec.taskArn);
        assert.equal(labels[LABELS.taskId], spec.taskId);
        assert.equal(labels[LABELS.containerName], "app");
        assert.equal(labels[LABELS.managed], "true");
      }));

    it("remove: the container is gone from list() and inspect()", () =>
      withHarness(async (h) => {
        const id = await h.run(h.spec());
        await h.driver.remove(id);
        assert.ok(!(await h.driver.list()).some((s) => s.id === id));
        await assert.rejects(h.driver.inspect(id), ContainerNotFoundError);
        await h.driver.remove(id); // removing again does nothing
      }));

    it("inspect of an unknown id throws ContainerNotFoundError", () =>
      withHarness(async (h) => {
        await assert.rejects(h.driver.inspect("f".repeat(64)), ContainerNotFoundError);
      }));

    it("a container with neither entryPoint nor command fails with CannotCreateContainerError", commands, () =>
      withHarness(async (h) => {
        const spec = h.spec();
        delete spec.command;
        await assert.rejects(
          (async () => h.track(await h.driver.createContainer(spec)))(),
          (e: unknown) => e instanceof ContainerError && e.errorName === "CannotCreateContainerError",
        );
      }));
  });
}

async function collect(it: AsyncIterable<LogLine>): Promise<LogLine[]> {
  const out: LogLine[] = [];
  for await (const l of it) out.push(l);
  return out;
}

async function lines(driver: RuntimeDriver, id: string, stream: "stdout" | "stderr"): Promise<string[]> {
  return (await collect(driver.logs(id))).filter((l) => l.stream === stream).map((l) => l.line);
}

async function waitForLine(driver: RuntimeDriver, id: string, text: string, timeoutMs = 10_000): Promise<void> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    for await (const l of driver.logs(id, { follow: true, signal: abort.signal })) if (l.line === text) return;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  throw new Error(`container ${id} did not print ${JSON.stringify(text)} within ${timeoutMs} ms`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function eventually<T>(probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

async function healthEvent(h: Harness, id: string, timeoutMs: number): Promise<HealthStatus> {
  return eventually(() => {
    const e = h.events.find((x) => x.id === id && x.kind === "health");
    return e?.kind === "health" ? e.status : undefined;
  }, timeoutMs);
}
